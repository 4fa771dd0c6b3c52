"""Checking a Brian2 run against the independent numpy reference integrator.

:func:`compare_with_reference` runs a model on a code-generation target and the reference on
the same input samples, and reports the largest difference of every trace and of the spike
times. The test suite asserts its tolerances on these numbers; the documentation's
validation page prints them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from brian2 import ms

from ..core.units import to_display
from ..model.core import get_model
from ..simulation.run import simulate
from . import patch as reference

__all__ = ["Agreement", "compare_with_reference"]


@dataclass(frozen=True)
class Agreement:
    """How closely a Brian2 run matches the reference integrator.

    Attributes
    ----------
    model, target : str
    n_steps : int
        Steps compared (sample 0 is the shared initial state).
    max_abs_diff : dict of str to float
        Largest absolute difference (Brian2 minus reference) of each trace, in the source's units (mV, µA/cm², 1).
    spike_counts : (int, int)
        Spikes (:mod:`hh_brian.core.traces`) of Brian2's and of the reference's v.
    max_spike_time_diff : float
        Largest difference of matching spike times (ms); 0 without spikes, inf if the counts
        differ.

    Examples
    --------
    >>> agreement = compare_with_reference("hodgkin_huxley", "numpy", max_steps=2000)
    >>> agreement.n_steps, agreement.max_dv < 1e-8
    (2000, True)
    """

    model: str
    target: str
    n_steps: int
    max_abs_diff: dict
    spike_counts: tuple
    max_spike_time_diff: float

    @property
    def max_dv(self) -> float:
        """Largest absolute difference of v, in mV."""
        return self.max_abs_diff["v"]


def compare_with_reference(model, target: str = "cython", *, max_steps: int | None = None,
                           dt=0.01 * ms) -> Agreement:
    """Run ``model``'s default input on ``target`` and on the reference; compare every trace.

    A model with parameters other than its registered ones (another temperature, say) runs
    on the reference with the same values, in the reference's units.

    Parameters
    ----------
    model : Model or str
    target : str
    max_steps : int, optional
        Compare only the first ``max_steps`` steps of the default input (its realisation over
        the full default duration, cut), for slow targets and long runs.
    dt : Quantity

    Returns
    -------
    Agreement

    Examples
    --------
    >>> from hh_brian.reference.compare import compare_with_reference
    >>> agreement = compare_with_reference("passive_membrane", "numpy")
    >>> agreement.max_dv < 1e-8, agreement.spike_counts
    (True, (0, 0))
    """
    model = get_model(model)
    n_steps = int(round(float(model.duration / dt)))
    current = model.default_current
    if max_steps is not None and max_steps < n_steps:
        # The first steps of the whole input's realisation (a protocol's or a noise's shape
        # depends on the number of steps), as samples.
        current = current.samples(n_steps, dt)[..., :int(max_steps)]
        n_steps = int(max_steps)
    result = simulate(model, n_steps * dt, current, dt=dt, target=target)
    ours, units = result.to_arrays()
    ref = reference.integrate(model.source_name, n_steps * float(dt / ms), ours["I_stim"],
                              dt=float(dt / ms), params=_changed_params(model))
    diffs = {name: float(np.max(np.abs(ours[name] - ref[name][0])))
             for name in ours if name != "t"}
    ours_spikes = np.asarray(result.spike_times() / ms)
    ref_spikes = reference.spike_times(ref)[0]
    if len(ours_spikes) != len(ref_spikes):
        spike_diff = float("inf")
    else:
        spike_diff = float(np.max(np.abs(ours_spikes - ref_spikes), initial=0.0))
    return Agreement(model=model.name, target=target, n_steps=n_steps, max_abs_diff=diffs,
                     spike_counts=(len(ours_spikes), len(ref_spikes)),
                     max_spike_time_diff=spike_diff)


def _changed_params(model) -> dict:
    """The parameters in which ``model`` differs from its registered self, in the source's
    units (degrees Celsius for a temperature): what the reference must be told."""
    registered = get_model(model.name).params
    return {name: float(to_display(value)[0]) for name, value in model.params.items()
            if not bool(np.all(value == registered[name]))}
