"""The one description of a cable's Brian2 network, consumed by every target.

A :class:`CableRun` is what a target is given to run a model on a uniform cylinder (made and
checked by :func:`hh_brian.cable.propagate`); :func:`plan_cable` turns it into a
:class:`CablePlan`, a plain value that also travels as JSON to a standalone build, and
:func:`build_cable` makes the Brian2 objects from it: a ``SpatialNeuron`` on a ``Cylinder``
with sealed ends, its monitor, and the book-keeping of every compartment.

The model's membrane becomes the cable's: ``Im = C_m * (dv/dt of the patch)``, the current
density into the membrane at each compartment, which Brian2's cable solver makes implicit
(backward Euler, with the membrane current linearised about the old v) after the gates move
by ``method``. The injected current is ``I_stim = I_input(t) * stimulated``: one time course,
applied where ``stimulated`` is 1.

Besides the model, every compartment carries book-keeping that never feeds back into it:

``dtime_finite/dt = finite(v/volt + gates) : second``
    as for a patch (:mod:`hh_brian.targets.network`): where the state stopped being finite.
``t_arrival``, ``v_last``
    the time v first crossed the threshold upwards, interpolated between the steps (-1 s
    until it does), updated at the end of every step (operation ``arrival``).
"""

from __future__ import annotations

import json
import threading
from contextlib import contextmanager
from dataclasses import asdict, dataclass

import numpy as np
import sympy
from brian2 import (Clock, Cylinder, Equations, Network, Quantity, SpatialNeuron, StateMonitor,
                    TimedArray, amp, farad, meter, ohm, second, volt)

from ..model.core import Model
from ..model.functions import (ModelFunctions, constant_subexpressions,
                               with_constants_as_parameters)
from ..stimuli import Stimulus
from .network import FINITE

__all__ = ["BuiltCable", "CablePlan", "CableRecording", "CableRun", "build_cable",
           "cable_equations", "cable_values", "input_table", "plan_cable"]

#: ``t_arrival`` of a compartment v never reached the threshold in.
NOT_YET = -1.0  # seconds


@dataclass(frozen=True)
class CableRun:
    """Everything a target needs to run a model on a cylinder, already validated.

    Attributes
    ----------
    model : Model
        With the parameters of the run (scalars: one axon).
    length, diameter : Quantity
    R_i : Quantity
        Axial resistivity.
    n_compartments, n_steps : int
    dt : Quantity
    method : str
        How the gates move (the cable itself is always implicit).
    stimulus : Stimulus
        The time course of the injected current density.
    stimulated : ndarray of bool
        Where it is injected, one value per compartment.
    record : tuple of str
        Traces recorded at every compartment (``v``, gates, currents, ``I_stim``).
    record_every : int
    threshold : Quantity
        The level whose first upward crossing is each compartment's arrival time.
    target : Target

    Examples
    --------
    >>> from brian2 import cm, ms
    >>> from hh_brian.cable import Axon, plan_propagation
    >>> run = plan_propagation("hodgkin_huxley", Axon(length=1*cm, compartments=100), 1*ms)
    >>> run.compartment_length
    100. * umetre
    """

    model: Model
    length: Quantity
    diameter: Quantity
    R_i: Quantity
    n_compartments: int
    n_steps: int
    dt: Quantity
    method: str
    stimulus: Stimulus
    stimulated: np.ndarray
    record: tuple
    record_every: int
    threshold: Quantity
    target: object

    @property
    def compartment_length(self) -> Quantity:
        return self.length / self.n_compartments

    @property
    def duration(self) -> Quantity:
        return self.n_steps * self.dt


@dataclass(frozen=True)
class CableRecording:
    """What a target returns for a cable.

    Attributes
    ----------
    t : Quantity or None
        Sample times (None when nothing was recorded).
    traces : mapping of str to Quantity
        Each of shape ``(n_compartments, n_samples)``.
    arrival : Quantity
        Per compartment: when v first crossed the threshold upwards (NaN: never).
    time_finite : Quantity
        Per compartment: how long its state stayed finite (the duration if always).

    Examples
    --------
    >>> from brian2 import second
    >>> import numpy as np
    >>> recording = CableRecording(t=None, traces={}, arrival=np.array([0.1, np.nan])*second,
    ...                            time_finite=np.array([1.0, 1.0])*second)
    >>> np.isfinite(recording.arrival).tolist()
    [True, False]
    """

    t: Quantity | None
    traces: dict
    arrival: Quantity
    time_finite: Quantity


@dataclass(frozen=True)
class CablePlan:
    """The shape of a cable's network: what shapes its code and its morphology.

    Values (parameters, the initial state, where the current goes, its samples) are not
    part of it; a standalone program is built once per plan.

    Examples
    --------
    >>> plan = CablePlan("Im = -g*v : amp/meter**2\\ng : siemens/meter**2 (constant)", 10,
    ...                  0.01, 1e-4, 0.354, 1e-5, 100, "exponential_euler", ("v",), 1, 0.0,
    ...                  (100,))
    >>> CablePlan.from_json(plan.to_json()) == plan
    True
    """

    equations: str
    n_compartments: int
    length: float  # metres
    diameter: float  # metres
    R_i: float  # ohm metres
    dt: float  # seconds
    n_steps: int
    method: str
    record: tuple
    record_every: int
    threshold: float  # volts
    input_shape: tuple

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "CablePlan":
        data = json.loads(text)
        data["record"], data["input_shape"] = tuple(data["record"]), tuple(data["input_shape"])
        return cls(**data)

    @property
    def duration(self) -> Quantity:
        return self.n_steps * self.dt * second


def cable_equations(model: Model) -> str:
    """The model's membrane as a cable's: ``dv/dt`` becomes the current density ``Im`` into
    the membrane, constant subexpressions become parameters, and the injected current is
    the input's time course where ``stimulated`` is 1.

    Examples
    --------
    >>> from hh_brian import get_model
    >>> cable_equations(get_model("passive_membrane")).splitlines()[-3:]
    ['Im = C_m * ((I_stim - I_L) / C_m) : amp/meter**2', 'I_stim = I_input(t) * stimulated : amp/meter**2', 'stimulated : 1 (constant)']
    """
    lines, rate = [], None
    for line in with_constants_as_parameters(model).splitlines():
        if line.replace(" ", "").startswith("dv/dt="):
            rate = line.split("=", 1)[1].rsplit(":", 1)[0].strip()
        else:
            lines.append(line)
    if rate is None:
        raise ValueError(f"model: {model.name} has no dv/dt to make a cable of")
    lines += [f"Im = C_m * ({rate}) : amp/meter**2",
              "I_stim = I_input(t) * stimulated : amp/meter**2",
              "stimulated : 1 (constant)"]
    return "\n".join(line for line in lines if line.strip())


def plan_cable(run: CableRun) -> CablePlan:
    """The network of ``run``: the cable's equations and book-keeping, its shape.

    Examples
    --------
    >>> from brian2 import cm, ms
    >>> from hh_brian.cable import Axon, plan_propagation
    >>> run = plan_propagation("hodgkin_huxley", Axon(length=1*cm, compartments=100), 1*ms)
    >>> plan_cable(run).equations.splitlines()[-1]
    'v_last : volt'
    """
    state = " + ".join(["v/volt", *run.model.gates])
    lines = [cable_equations(run.model), f"dtime_finite/dt = finite({state}) : second",
             "t_arrival : second", "v_last : volt"]
    return CablePlan(
        equations="\n".join(lines), n_compartments=int(run.n_compartments),
        length=float(run.length / meter), diameter=float(run.diameter / meter),
        R_i=float(run.R_i / (ohm * meter)), dt=float(run.dt / second), n_steps=int(run.n_steps),
        method=run.method, record=tuple(run.record), record_every=int(run.record_every),
        threshold=float(run.threshold / volt), input_shape=(int(run.n_steps),))


def cable_values(run: CableRun) -> dict[str, object]:
    """Every per-compartment value the cable needs before a run, with units.

    The model's parameters and what depends on them only (the temperature factor), where
    the current is injected, the resting state (v at the model's initial value, every gate
    at its steady state there) and the book-keeping's start.

    Examples
    --------
    >>> from brian2 import cm, ms
    >>> from hh_brian.cable import Axon, plan_propagation
    >>> run = plan_propagation("hodgkin_huxley", Axon(length=1*cm, compartments=100), 1*ms)
    >>> values = cable_values(run)
    >>> float(values["phi"][0]), round(float(values["m"][0]), 4), int(values["stimulated"].sum())
    (1.0, 0.0529, 10)
    """
    n = run.n_compartments
    model = run.model
    functions = ModelFunctions(model)
    values = {name: value for name, value in model.params.items()}
    for name in constant_subexpressions(model):
        values[name] = np.full(n, float(functions.value(name)))
    v0 = float(model.v_init / volt)
    values["v"] = np.full(n, v0) * volt
    for gate, (steady_state, _) in model.gates.items():
        values[gate] = np.full(n, float(functions.value(steady_state, v=v0)))
    values["stimulated"] = np.asarray(run.stimulated, dtype=float)
    values["t_arrival"] = np.full(n, NOT_YET) * second
    values["v_last"] = values["v"]
    return values


@dataclass
class BuiltCable:
    """The Brian2 objects of one cable run: its network, the ``SpatialNeuron`` and the
    monitor (None when nothing is recorded).

    Examples
    --------
    >>> from brian2 import cm, ms
    >>> from hh_brian.cable import Axon, plan_propagation
    >>> run = plan_propagation("passive_membrane", Axon(length=1*cm, compartments=100), 1*ms,
    ...                        record=[])
    >>> built = build_cable(plan_cable(run), np.zeros(100))
    >>> built.monitor is None, built.neuron.morphology.n
    (True, 100)
    """

    network: Network
    neuron: SpatialNeuron
    monitor: StateMonitor | None


def build_cable(plan: CablePlan, input_table, codeobj_class=None) -> BuiltCable:
    """Make the Brian2 objects of ``plan``; ``input_table`` (A/m²) fills the input.

    Every name is resolved in an explicit namespace (the input and ``finite``), and every
    object has a fixed name, so that the generated code is the same from run to run.

    Examples
    --------
    >>> from brian2 import cm, ms
    >>> from hh_brian.cable import Axon, plan_propagation
    >>> run = plan_propagation("passive_membrane", Axon(length=1*cm, compartments=100), 1*ms)
    >>> built = build_cable(plan_cable(run), np.zeros(100))
    >>> built.neuron.N, built.monitor.record_variables
    (100, ['v'])
    """
    dt = plan.dt * second
    clock = Clock(dt=dt, name="clock")
    current = TimedArray(np.asarray(input_table, dtype=float) * amp / meter**2, dt=dt,
                         name="stimulus")
    morphology = Cylinder(length=plan.length * meter, diameter=plan.diameter * meter,
                          n=plan.n_compartments)
    with _derivatives_as_they_are():
        neuron = SpatialNeuron(morphology, Equations(plan.equations), method=plan.method,
                               clock=clock, Cm=_C_M_PLACEHOLDER, Ri=plan.R_i * ohm * meter,
                               namespace={"I_input": current, "finite": FINITE}, name="axon")
    # SpatialNeuron takes no codeobj_class: set on it and on what it contains (the state
    # updater, the cable solver, the subexpression updates).
    for obj in [neuron, *neuron.contained_objects]:
        obj.codeobj_class = codeobj_class
    # After the cable's update (when="end"): the first upward crossing of the threshold,
    # interpolated between the step's two values of v. The denominator is kept away from
    # zero where there is no crossing (the term is multiplied by 0 there anyway).
    theta = f"{plan.threshold!r}*volt"
    arrival = neuron.run_regularly(
        f"crossed = int(t_arrival < 0*second and v >= {theta} and v_last < {theta})\n"
        f"t_arrival += crossed * (t + dt * ({theta} - v_last) / "
        f"(v - v_last + (1 - crossed) * volt) + 1*second)\n"
        "v_last = v", when="end", name="arrival", codeobj_class=codeobj_class)
    objects = [neuron, arrival]
    monitor = None
    if plan.record:
        monitor_clock = (clock if plan.record_every == 1
                         else Clock(dt=plan.record_every * dt, name="monitor_clock"))
        monitor = StateMonitor(neuron, list(plan.record), record=True, clock=monitor_clock,
                               codeobj_class=codeobj_class, name="monitor")
        objects.append(monitor)
    return BuiltCable(Network(*objects), neuron, monitor)


_SYMPY_LOCK = threading.Lock()


@contextmanager
def _derivatives_as_they_are():
    """Make a SpatialNeuron without simplifying its membrane current's derivative.

    Brian2 linearises the membrane current about v (``gtot = -dIm/dv``, exact, by sympy)
    and then passes both parts through ``sympy.simplify``, which only tidies the generated
    expression but, for a model whose gates are instantaneous functions of v (the 2D
    reductions: ``m_inf(v)**3``), does not finish in minutes. The derivative is the same
    expression either way; unsimplified, it differs from the simplified one by rounding
    (measured: below 1e-11 mV on HH's axon). The lock keeps other threads' sympy as it is.
    """
    with _SYMPY_LOCK:
        simplify = sympy.simplify
        sympy.simplify = lambda expression, *args, **kwargs: expression
        try:
            yield
        finally:
            sympy.simplify = simplify


# Brian2 asks for a specific capacitance when the neuron is made; the model's own C_m is set
# with the other values before the run (cable_values), and Cm follows it (see set_values).
_C_M_PLACEHOLDER = 1.0 * farad / meter**2


def set_values(built: BuiltCable, values: dict) -> None:
    """Set every value of :func:`cable_values` on the built cable (and Brian2's ``Cm``,
    the specific capacitance of its cable solver, to the model's ``C_m``)."""
    neuron = built.neuron
    for name, value in values.items():
        neuron.state(name, use_units=True).set_item(slice(None), value, namespace={})
    neuron.Cm = values["C_m"]


def input_table(run: CableRun) -> np.ndarray:
    """The injected current's samples, one per step, in A/m² (the input's table).

    Examples
    --------
    >>> from brian2 import cm, ms, uA
    >>> from hh_brian.cable import Axon, plan_propagation
    >>> from hh_brian import stimuli
    >>> run = plan_propagation("passive_membrane", Axon(length=1*cm, compartments=100),
    ...                        0.04*ms, stimuli.step(10*uA/cm**2, 0.02*ms))
    >>> input_table(run)  # 1 uA/cm^2 is 0.01 A/m^2
    array([0. , 0. , 0.1, 0.1])
    """
    return np.asarray(run.stimulus.samples(run.n_steps, run.dt) / (amp / meter**2),
                      dtype=float)


def read_recording(built: BuiltCable, plan: CablePlan) -> CableRecording:
    """What a runtime run of ``built`` recorded (arrival times NaN where v never crossed)."""
    traces, t = {}, None
    if built.monitor is not None:
        t = built.monitor.t[:]
        traces = {name: getattr(built.monitor, name)[:] for name in plan.record}
    arrival = np.asarray(built.neuron.t_arrival[:] / second, dtype=float)
    arrival[arrival < 0] = np.nan
    return CableRecording(t=t, traces=traces, arrival=arrival * second,
                          time_finite=built.neuron.time_finite[:])
