"""Brian2's runtime mode: generated Cython or numpy code run from this Python process."""

from __future__ import annotations

import contextlib
import logging

import numpy as np
from brian2 import second
from brian2.codegen.runtime.cython_rt import CythonCodeObject

from .base import Recording, RunPlan, SpikeEvents, Target
from .cable import (CableRecording, CableRun, build_cable, cable_values, input_table,
                    plan_cable, read_recording, set_values)
from .inputs import plan_input
from .network import build_network, plan_network, run_values

__all__ = ["IEEECythonCodeObject", "RuntimeTarget"]


class IEEECythonCodeObject(CythonCodeObject):
    """Brian2's Cython code object, compiled with C division.

    Brian2's Cython template asks for Python's division semantics (``cdivision=False``), so
    a division by zero raises ZeroDivisionError and stops the whole group: one diverging
    neuron would end a batch of thousands. With C division it gives inf or NaN, as the numpy
    and C++ targets do, the run goes on, and divergence is reported per neuron. Every finite
    result is bit for bit the same.

    Examples
    --------
    >>> from brian2 import Equations, NeuronGroup, Network, ms, second
    >>> eqs = Equations("dx/dt = 1 / tau : 1") + Equations("tau : second (constant)")
    >>> group = NeuronGroup(2, eqs, method="euler", namespace={},
    ...                     codeobj_class=IEEECythonCodeObject)
    >>> group.tau = [0, 1] * second  # a time constant of 0 for the first neuron
    >>> Network(group).run(0.1 * ms, namespace={})
    >>> group.x[:]  # inf, not a ZeroDivisionError that would stop the second neuron too
    array([   inf, 0.0001])
    """

    def compile_block(self, block):
        code = getattr(self.code, block, "")
        setattr(self.code, block, code.replace("#cython: cdivision=False",
                                               "#cython: cdivision=True"))
        return super().compile_block(block)


@contextlib.contextmanager
def _quiet_divergence():
    """Silence what a diverging state makes numpy and Brian2 say: hh_brian reports it."""
    logger = logging.getLogger("brian2.groups.group.invalid_values")
    disabled, logger.disabled = logger.disabled, True
    try:
        with np.errstate(all="ignore"):
            yield
    finally:
        logger.disabled = disabled


#: Shortest padded input table: 2**18 steps, 2.6 s at dt = 0.01 ms (2 MB).
_MIN_TABLE = 1 << 18


def _padded(table: np.ndarray) -> np.ndarray:
    """A shared input table lengthened to 2**18 steps or the next power of two above.

    Brian2 writes a TimedArray's length into the generated Cython code (of the state update
    and of every monitor that records I_stim), so every run length would compile code of its
    own; padded, runs of up to 2.6 s at 0.01 ms share it, and longer ones share it within
    an octave. The padding, beyond the run's last step, is never read. A table with one
    column per neuron is left as it is: it can be large, and its memory is what the run is
    checked for.
    """
    if table.ndim != 1:
        return table
    length = max(_MIN_TABLE, 1 << int(table.size - 1).bit_length())
    return np.pad(table, (0, length - table.size), mode="edge")


class RuntimeTarget(Target):
    """Brian2's runtime mode with one code-object class.

    Parameters
    ----------
    codeobj_class : type
        A Brian2 code-object class (e.g. ``NumpyCodeObject``).
    description : str
    compiles_per_shape : bool, default False
        Whether the code objects are compiled (Cython) before their first run.
    step_cost : float, default 2e-5
        Rough seconds per step of one neuron (see :class:`~hh_brian.targets.Target`).

    Examples
    --------
    >>> from hh_brian.targets import TARGETS
    >>> TARGETS["numpy"].description
    'Brian2 runtime, generated vectorised numpy'
    """

    def __init__(self, codeobj_class, description: str, *, compiles_per_shape: bool = False,
                 step_cost: float = 2e-5):
        self.codeobj_class = codeobj_class
        self.description = description
        self.compiles_per_shape = compiles_per_shape
        self.step_cost = step_cost

    def run(self, spec: RunPlan) -> Recording:
        inputs = plan_input(spec.stimulus, spec.n_steps, spec.dt)
        plan = plan_network(spec, inputs)
        built = build_network(plan, _padded(inputs.table), self.codeobj_class)
        for name, value in run_values(spec, inputs).items():
            built.group.state(name, use_units=True).set_item(slice(None), value, namespace={})
        with _quiet_divergence():
            built.network.run(plan.duration, namespace={}, report=spec.progress,
                              report_period=0.5 * second)
        traces, t = {}, None
        if built.state_monitor is not None:
            t = built.state_monitor.t[:]
            traces = {name: getattr(built.state_monitor, name)[:] for name in plan.record}
        events = None
        if built.spike_monitor is not None:
            monitor = built.spike_monitor
            widths = monitor.time_above_threshold[:]
            events = SpikeEvents(neurons=np.asarray(monitor.i[:]), onsets=monitor.t[:] - widths,
                                 widths=widths,
                                 high_enough=np.asarray(monitor.time_above_height[:]) > 0)
        return Recording(t=t, traces=traces, spike_events=events,
                         time_finite=built.group.time_finite[:], v_end=built.group.v[:],
                         v_peak=built.group.v_peak[:] if plan.track_peak else None,
                         v_average=built.group.v_average[:] if plan.track_peak else None)

    def run_cable(self, run: CableRun) -> CableRecording:
        """Run a model on a cylinder in this process (see :mod:`hh_brian.targets.cable`).

        Examples
        --------
        >>> from brian2 import cm, ms
        >>> from hh_brian.cable import Axon, propagate
        >>> axon = Axon(length=1*cm, compartments=20)
        >>> propagate("passive_membrane", axon, 1*ms, target="numpy").v.shape
        (20, 100)
        """
        plan = plan_cable(run)
        built = build_cable(plan, _padded(input_table(run)), self.codeobj_class)
        set_values(built, cable_values(run))
        with _quiet_divergence():
            built.network.run(plan.duration, namespace={})
        return read_recording(built, plan)
