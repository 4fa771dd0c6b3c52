"""The one description of a run's Brian2 network, consumed by every target.

:func:`plan_network` turns a :class:`~hh_brian.targets.base.RunPlan` into a
:class:`NetworkPlan`, a plain value (it travels as JSON to the standalone build), and
:func:`build_network` makes the Brian2 objects from it: the clock, the input, the group with
its threshold, the monitors. The runtime targets build it in this process; the standalone
target builds it in a separate build process; neither restates it.

Besides the model's equations, every group carries lines of book-keeping that never feed
back into the model:

``dtime_finite/dt = finite(v/volt + gates) : second``
    grows by dt for every step whose starting state is finite, so that at the end it is the
    time of the first NaN or infinity (the run's duration if there was none): divergence is
    found for every neuron, at step resolution, whatever is recorded.
the spikes-only mode's ``dtime_above_threshold/dt = int(v >= θ)`` and ``dtime_above_height/dt = int(v >= θ + h)``
    the time v has spent at or above the spike threshold θ, and at or above θ plus the
    least height h of a spike. A spike is an excursion above the threshold that comes back
    below it (:mod:`hh_brian.core.traces`); the event fires when v comes back (threshold ``v < θ``,
    refractory while ``v < θ``, so once per return), the spike monitor records both times,
    and the reset sets them back to 0. The spike's onset is the event's time minus the time
    above θ; whether the excursion was brief and high enough to be a spike is decided
    afterwards, exactly as for a recorded trace.
with ``track_peak``, ``v_peak : volt`` and ``v_average : volt``
    the highest v so far, updated at the end of every step (operation ``peak``) and
    starting at the initial v, so that it covers every state of the run without recording v;
    and v averaged over the last :data:`AVERAGE_WINDOW` of the run
    (an exponential average: each step moves it by 1 - exp(-dt/window) of the way to v).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass

import numpy as np
from brian2 import (Clock, Equations, Function, Network, NeuronGroup, Quantity, SpikeMonitor,
                    StateMonitor, TimedArray, ms, second, volt)

from ..core.traces import MIN_HEIGHT_MV
from ..model.functions import (ModelFunctions, constant_subexpressions,
                               with_constants_as_parameters)
from .base import RunPlan
from .inputs import CURRENT_DENSITY_SI, InputPlan

__all__ = ["AVERAGE_WINDOW", "FINITE", "NetworkPlan", "Built", "build_network", "plan_network",
           "run_values"]

#: The window of ``v_average`` (with ``track_peak``): long beside the period of the ringing
#: of v about a depolarised rest (10-20 ms in HH), short beside a sweep's run (200 ms). It is
#: written into the generated code, so it lives here, in the module that keys the builds.
AVERAGE_WINDOW = 50 * ms


def _finite(x):
    return np.isfinite(x).astype(float)


#: ``finite(x)``: 1.0 for a finite x, 0.0 for NaN or ±inf, on every code-generation target.
#: (Brian2 has no such function; an expression like ``abs(x) < inf`` would be simplified away
#: by sympy, which takes every symbol for a finite real.)
FINITE = Function(_finite, arg_units=[1], return_unit=1, arg_types=["float"],
                  return_type="float", stateless=True)
# Named apart from C's own finite(), which glibc declares.
FINITE.implementations.add_implementation("cython", name="_hh_finite", code="""
from libc.math cimport isfinite as _c_isfinite
cdef double _hh_finite(double x):
    return 1.0 if _c_isfinite(x) else 0.0
""")
# The standalone flags keep -fno-finite-math-only, so isfinite is not folded to true.
FINITE.implementations.add_implementation("cpp", name="_hh_finite", code="""
static inline double _hh_finite(double x) { return isfinite(x) ? 1.0 : 0.0; }
""")


@dataclass(frozen=True)
class NetworkPlan:
    """The shape of a run's network: everything that shapes the generated code.

    Values (parameters, initial state, input samples) are not part of it; a compiled
    standalone program is reused for every run with the same plan.

    Examples
    --------
    >>> from brian2 import ms, uA, cm
    >>> from hh_brian import plan_run, stimuli
    >>> from hh_brian.targets.inputs import plan_input
    >>> spec = plan_run("hodgkin_huxley", 1*ms, stimuli.constant([5, 10]*uA/cm**2), record=["v"])
    >>> inputs = plan_input(spec.stimulus, spec.n_steps, spec.dt)
    >>> plan = plan_network(spec, inputs)
    >>> plan.equations.splitlines()[-1], plan.input_shape, plan.record
    ('dtime_finite/dt = finite(v/volt + n + m + h) : second', (100,), ('v',))
    >>> NetworkPlan.from_json(plan.to_json()) == plan
    True
    """

    equations: str
    n_neurons: int
    n_steps: int
    dt: float  # seconds
    method: str
    record: tuple
    record_indices: tuple | None
    record_every: int
    spike_threshold: float | None  # volts; the spikes-only mode
    input_shape: tuple
    input_is_current: bool
    track_peak: bool = False

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "NetworkPlan":
        data = json.loads(text)
        for name in ("record", "input_shape"):
            data[name] = tuple(data[name])
        if data["record_indices"] is not None:
            data["record_indices"] = tuple(data["record_indices"])
        return cls(**data)

    @property
    def duration(self) -> Quantity:
        return self.n_steps * self.dt * second


def plan_network(spec: RunPlan, inputs: InputPlan) -> NetworkPlan:
    """The network of ``spec`` with its input plan.

    Examples
    --------
    >>> from brian2 import ms, uA, cm
    >>> from hh_brian import plan_run, stimuli
    >>> from hh_brian.targets.inputs import plan_input
    >>> spec = plan_run("hodgkin_huxley", 1*ms, stimuli.constant([5, 10]*uA/cm**2), record=["v"])
    >>> inputs = plan_input(spec.stimulus, spec.n_steps, spec.dt)
    >>> plan_network(spec, inputs).equations.splitlines()[-3]
    'I_stim = I_amplitude * I_input(t) : amp/meter**2'
    """
    state = " + ".join(["v/volt", *spec.model.gates])
    # What depends on constant parameters only (the temperature factor) is set once per
    # run, not computed at every step.
    lines = [with_constants_as_parameters(spec.model), inputs.equations,
             f"dtime_finite/dt = finite({state}) : second"]
    threshold = spec.online_threshold
    if threshold is not None:
        height = threshold + MIN_HEIGHT_MV * 1e-3
        lines += [f"dtime_above_threshold/dt = int(v >= {threshold!r}*volt) : second",
                  f"dtime_above_height/dt = int(v >= {height!r}*volt) : second"]
    if spec.track_peak:
        lines += ["v_peak : volt", "v_average : volt"]
    return NetworkPlan(
        equations="\n".join(lines), n_neurons=int(spec.n_neurons), n_steps=int(spec.n_steps),
        dt=float(spec.dt / second), method=spec.method, record=tuple(spec.record),
        record_indices=spec.record_indices, record_every=int(spec.record_every),
        spike_threshold=threshold, input_shape=tuple(np.shape(inputs.table)),
        input_is_current=inputs.table_is_current, track_peak=bool(spec.track_peak))


def run_values(spec: RunPlan, inputs: InputPlan) -> dict[str, object]:
    """Every per-neuron value the group needs before a run, with units where they have one.

    The parameters (and what depends on them only, such as the temperature factor), the
    input's own values, the initial state (gates at their steady state unless given), and
    the book-keeping's start: an excursion above the threshold that is
    already under way at t = 0 has no seen onset, so its width counts as infinite.

    Examples
    --------
    >>> from brian2 import ms, uA, cm
    >>> from hh_brian import plan_run, stimuli
    >>> from hh_brian.targets.inputs import plan_input
    >>> spec = plan_run("hodgkin_huxley", 1*ms, stimuli.constant([5, 10]*uA/cm**2), record=["v"])
    >>> inputs = plan_input(spec.stimulus, spec.n_steps, spec.dt)
    >>> sorted(run_values(spec, inputs))  # doctest: +NORMALIZE_WHITESPACE
    ['C_m', 'E_K', 'E_L', 'E_Na', 'I_amplitude', 'Q10', 'T', 'g_K', 'g_L', 'g_Na', 'h', 'm',
     'n', 'phi', 'v', 'v_rest']
    """
    values = dict(spec.model.params)
    names = constant_subexpressions(spec.model)
    if names:
        functions = ModelFunctions(spec.model)
        for name in names:
            values[name] = np.broadcast_to(functions.value(name), (spec.n_neurons,)).copy()
    values.update(inputs.values())
    state = dict(spec.initial_state)
    values["v"] = state.pop("v") * volt
    values.update(state)
    if spec.online_threshold is not None:
        above = np.asarray(values["v"] / volt) >= spec.online_threshold
        values["time_above_threshold"] = np.where(above, np.inf, 0.0) * second
    if spec.track_peak:
        values["v_peak"] = values["v_average"] = values["v"]
    return values


@dataclass
class Built:
    """The Brian2 objects of one run.

    Examples
    --------
    >>> from brian2 import ms, uA, cm
    >>> from hh_brian import plan_run, stimuli
    >>> from hh_brian.targets.inputs import plan_input
    >>> spec = plan_run("hodgkin_huxley", 1*ms, stimuli.constant([5, 10]*uA/cm**2), record=["v"])
    >>> inputs = plan_input(spec.stimulus, spec.n_steps, spec.dt)
    >>> built = build_network(plan_network(spec, inputs), inputs.table)
    >>> built.group.N, built.state_monitor.record_variables, built.spike_monitor is None
    (2, ['v'], True)
    """

    network: Network
    group: NeuronGroup
    state_monitor: StateMonitor | None
    spike_monitor: SpikeMonitor | None


def build_network(plan: NetworkPlan, input_table, codeobj_class=None) -> Built:
    """Make the Brian2 objects of ``plan``; ``input_table`` fills the input's TimedArray.

    Every string is resolved with an explicit namespace (the input and ``finite`` only), so
    nothing from a caller's variables can leak into the model. Objects have fixed names, so
    the generated code, and Brian2's cache of compiled code, is the same from run to run.

    Examples
    --------
    >>> from brian2 import ms, uA, cm
    >>> from hh_brian import plan_run, stimuli
    >>> from hh_brian.targets.inputs import plan_input
    >>> spec = plan_run("hodgkin_huxley", 1*ms, stimuli.constant([5, 10]*uA/cm**2), record=["v"])
    >>> inputs = plan_input(spec.stimulus, spec.n_steps, spec.dt)
    >>> built = build_network(plan_network(spec, inputs), inputs.table)
    >>> built.group.name, sorted(obj.name for obj in built.network.objects)
    ('neurons', ['monitor', 'neurons'])
    """
    dt = plan.dt * second
    clock = Clock(dt=dt, name="clock")
    table = np.asarray(input_table, dtype=float)
    if plan.input_is_current:
        table = table * CURRENT_DENSITY_SI
    stimulus = TimedArray(table, dt=dt, name="stimulus")
    spikes = plan.spike_threshold is not None
    returned = f"v < {plan.spike_threshold!r}*volt" if spikes else None
    group = NeuronGroup(plan.n_neurons, Equations(plan.equations), method=plan.method,
                        clock=clock, namespace={"I_input": stimulus, "finite": FINITE},
                        threshold=returned, refractory=returned if spikes else False,
                        reset=("time_above_threshold = 0*second\n"
                               "time_above_height = 0*second") if spikes else None,
                        codeobj_class=codeobj_class, name="neurons")
    objects = [group]
    if plan.track_peak:
        # After the step's update: with the initial value (v at t = 0), every state counts.
        # v_average: each step moves it by a fixed fraction towards v, an exponential
        # average over the last AVERAGE_WINDOW of the run.
        weight = -math.expm1(-plan.dt / float(AVERAGE_WINDOW / second))
        objects.append(group.run_regularly(
            "v_peak = v_peak + int(v > v_peak) * (v - v_peak)\n"
            f"v_average = v_average + {weight!r} * (v - v_average)",
            when="end", name="peak", codeobj_class=codeobj_class))
    state_monitor = spike_monitor = None
    if spikes:
        # Until v has been at or above the threshold, a value below it is no return.
        group.not_refractory = False
        spike_monitor = SpikeMonitor(group, variables=["time_above_threshold",
                                                       "time_above_height"],
                                     codeobj_class=codeobj_class, name="spikes")
        objects.append(spike_monitor)
    if plan.record:
        monitor_clock = (clock if plan.record_every == 1
                         else Clock(dt=plan.record_every * dt, name="monitor_clock"))
        indices = True if plan.record_indices is None else list(plan.record_indices)
        state_monitor = StateMonitor(group, list(plan.record), record=indices,
                                     clock=monitor_clock, codeobj_class=codeobj_class,
                                     name="monitor")
        objects.append(state_monitor)
    return Built(Network(*objects), group, state_monitor, spike_monitor)
