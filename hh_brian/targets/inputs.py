"""How a stimulus reaches the neurons: the input plan of a run.

A stimulus becomes a Brian2 ``TimedArray`` named ``I_input`` (sample k in force during step k)
and one equation line defining ``I_stim`` from it. Three plans differ in memory:

* :class:`ScaledWaveform`: one dimensionless waveform shared by every neuron, scaled by a
  per-neuron amplitude (steps, pulses, the protocol, the noise): the memory of one trace
  whatever the batch size;
* :class:`SharedSamples`: one sampled current shared by every neuron;
* :class:`PerNeuronSamples`: one sampled current per neuron.

Every plan gives its equation line, its table (plain SI floats, TimedArray's layout) and the
per-neuron values to set before the run, so that each target consumes it the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from brian2 import Quantity
from brian2.units.fundamentalunits import get_dimensions

from ..core.units import CURRENT_DENSITY

__all__ = ["InputPlan", "PerNeuronSamples", "ScaledWaveform", "SharedSamples", "plan_input"]

# 1 A/m^2, the SI unit in which current samples are handed to Brian2.
CURRENT_DENSITY_SI = Quantity(1.0, dim=get_dimensions(CURRENT_DENSITY))


@dataclass(frozen=True)
class InputPlan:
    """Base of the input plans.

    Attributes
    ----------
    table : ndarray
        The TimedArray's values in SI units (A/m² or dimensionless), shape ``(n_steps,)``
        or ``(n_steps, N)``.

    Examples
    --------
    >>> from brian2 import uA, cm, ms
    >>> from hh_brian import stimuli
    >>> plan = plan_input(stimuli.constant(2*uA/cm**2), 3, 0.1*ms)
    >>> isinstance(plan, InputPlan), plan.table, plan.table_is_current
    (True, array([1., 1., 1.]), False)
    """

    table: np.ndarray
    #: The Brian2 equation line(s) defining I_stim from I_input.
    equations = ""
    #: Whether the table holds current densities (else a dimensionless waveform).
    table_is_current = True

    def values(self) -> dict[str, Quantity]:
        """Per-neuron values the equations declare (set before every run)."""
        return {}


@dataclass(frozen=True)
class ScaledWaveform(InputPlan):
    """``I_stim = I_amplitude × waveform(t)``: one waveform, one amplitude per neuron.

    Examples
    --------
    >>> from brian2 import uA, cm, ms
    >>> from hh_brian import stimuli
    >>> plan = plan_input(stimuli.pulse([1, 3]*uA/cm**2, 0.1*ms, 0.2*ms), 3, 0.1*ms)
    >>> plan.table, plan.values()["I_amplitude"] / (uA/cm**2)
    (array([0., 1., 0.]), array([1., 3.]))
    """

    amplitude: Quantity = field(default=None)
    equations = ("I_stim = I_amplitude * I_input(t) : amp/meter**2\n"
                 "I_amplitude : amp/meter**2 (constant)")
    table_is_current = False

    def values(self):
        return {"I_amplitude": self.amplitude}


@dataclass(frozen=True)
class SharedSamples(InputPlan):
    """``I_stim = samples(t)``, the same current for every neuron.

    Examples
    --------
    >>> from brian2 import uA, cm, ms
    >>> from hh_brian import stimuli
    >>> ramp = stimuli.ramp(0*uA/cm**2, 3*uA/cm**2, 0*ms, 0.3*ms)
    >>> plan_input(ramp, 3, 0.1*ms).table  # A/m^2: 1 uA/cm^2 is 0.01 A/m^2
    array([0.  , 0.01, 0.02])
    """

    equations = "I_stim = I_input(t) : amp/meter**2"


@dataclass(frozen=True)
class PerNeuronSamples(InputPlan):
    """``I_stim = samples(t, i)``, one current per neuron (table shape ``(n_steps, N)``).

    Examples
    --------
    >>> from brian2 import uA, cm, ms
    >>> from hh_brian import stimuli
    >>> plan_input(stimuli.sampled([[1, 2, 3], [4, 5, 6]]*uA/cm**2), 3, 0.1*ms).table
    array([[0.01, 0.04],
           [0.02, 0.05],
           [0.03, 0.06]])
    """

    equations = "I_stim = I_input(t, i) : amp/meter**2"


def plan_input(stimulus, n_steps: int, dt) -> InputPlan:
    """The input plan of ``stimulus`` over ``n_steps`` steps of ``dt``.

    Examples
    --------
    >>> from brian2 import uA, cm, ms
    >>> from hh_brian import stimuli
    >>> plan = plan_input(stimuli.step([1, 2]*uA/cm**2, start=1*ms), 4, 0.5*ms)
    >>> type(plan).__name__, plan.table, plan.values()["I_amplitude"] / (uA/cm**2)
    ('ScaledWaveform', array([0., 0., 1., 1.]), array([1., 2.]))
    >>> type(plan_input(stimuli.ramp(0*uA/cm**2, 1*uA/cm**2, 0*ms, 2*ms), 4, 0.5*ms)).__name__
    'SharedSamples'
    """
    if stimulus.separable:
        amplitude, waveform = stimulus.factors(n_steps, dt)
        return ScaledWaveform(table=np.asarray(waveform, dtype=float), amplitude=amplitude)
    samples = np.asarray(stimulus.samples(n_steps, dt) / CURRENT_DENSITY_SI, dtype=float)
    if samples.ndim == 1:
        return SharedSamples(table=samples)
    return PerNeuronSamples(table=np.ascontiguousarray(samples.T))
