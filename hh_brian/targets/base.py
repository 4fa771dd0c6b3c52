"""What a target is given and what it gives back.

A *target* runs a :class:`RunPlan` with some code-generation back end and returns a
:class:`Recording`. :func:`hh_brian.plan_run` checks the user's arguments and makes the
plan, the plan's target runs it, and :func:`hh_brian.run_plan` turns the recording into a
:class:`~hh_brian.simulation.SimulationResult`; targets never see unchecked input.

A plan is a frozen value: what to run (the model with its parameters, the input, the initial
state), for how long and with what step, what to record, and where to run it. Everything a
target needs beyond it is derived here once, for every target: the initial state
(:attr:`RunPlan.initial_state`, gates at their steady state evaluated with the model's own
expressions). :meth:`RunPlan.with_values` gives the same run with new values (a fit's next
candidates, a sweep's next chunk) without checking the rest again.
"""

from __future__ import annotations

import abc
import dataclasses
import functools
from dataclasses import dataclass, field
from typing import Callable, Mapping

import numpy as np
from brian2 import Quantity, mV, volt

from .._compat import moved_names
from ..core.errors import RecordingTooLarge
from ..model.checks import check_initial
from ..model.core import Model
from ..model.functions import ModelFunctions
from ..stimuli import Stimulus, as_stimulus

__all__ = ["DEFAULT_MEMORY_LIMIT", "Recording", "RunPlan", "SpikeEvents", "Target",
           "estimate_memory"]

#: Default limit on the memory a run's recording may need (2 GiB).
DEFAULT_MEMORY_LIMIT = 2 * 1024**3


@dataclass(frozen=True)
class RunPlan:
    """Everything a target needs to run a model, already validated.

    Made by :func:`hh_brian.plan_run` (which checks every argument) or by
    :meth:`with_values` of another plan; :meth:`of` makes one from checked parts.

    Attributes
    ----------
    model : Model
        With the parameters of the run (per-neuron arrays for a batch).
    n_neurons, n_steps : int
    dt : Quantity
    method : str
        A Brian2 integration method.
    stimulus : Stimulus
    initial : mapping of str to Quantity
        Initial values given by the user (``v`` always; gates not given start at their
        steady state).
    record : tuple of str
        Traces to record; empty for the spikes-only mode.
    record_indices : tuple of int or None
        Neurons whose traces are recorded (None: all).
    record_every : int
        Record every k-th step.
    spike_threshold : Quantity
        The threshold of the spikes: detected while running in the spikes-only mode (``v``
        not recorded, :attr:`online_threshold`), read off ``v`` otherwise.
    progress : callable or None
        Brian2's report callback.
    track_peak : bool
        Keep each neuron's highest v over the run (``v_peak``) and its v averaged over the
        last :data:`~hh_brian.targets.network.AVERAGE_WINDOW` (``v_average``), whatever is
        recorded.
    target : Target or None
        Where the plan runs (None only for a plan made by hand, not yet placed).
    batch : bool
        Whether the run is a batch (results keep a row per neuron even for one neuron).
    memory_limit : int
        Bytes the recording may need.

    Examples
    --------
    >>> from brian2 import ms, mV, uA, cm
    >>> from hh_brian import get_model, stimuli
    >>> plan = RunPlan(get_model("hodgkin_huxley"), n_neurons=2, n_steps=100, dt=0.01*ms,
    ...                method="euler", stimulus=stimuli.constant(10*uA/cm**2),
    ...                initial={"v": [-65, -60]*mV}, record=("v",))
    >>> state = plan.initial_state  # the gates at their steady state for each v
    >>> sorted(state), state["m"].round(4)
    (['h', 'm', 'n', 'v'], array([0.0529, 0.0936]))
    """

    model: Model
    n_neurons: int
    n_steps: int
    dt: Quantity
    method: str
    stimulus: Stimulus
    initial: Mapping[str, Quantity]
    record: tuple[str, ...]
    record_indices: tuple | None = None
    record_every: int = 1
    spike_threshold: Quantity = field(default_factory=lambda: 0 * mV)
    progress: Callable | None = None
    track_peak: bool = False
    target: "Target | None" = None
    batch: bool = False
    memory_limit: int = DEFAULT_MEMORY_LIMIT

    @classmethod
    def of(cls, model: Model, stimulus: Stimulus, initial: Mapping, *, n_steps: int, dt,
           method: str, record: tuple, record_neurons=None, record_every: int = 1,
           spike_threshold=0 * mV, progress=None, track_peak: bool = False, target=None,
           memory_limit: int = DEFAULT_MEMORY_LIMIT) -> "RunPlan":
        """A plan from parts that are each valid: checks that they agree with each other.

        Every per-neuron array (parameters, the current, initial values) must describe the
        same number of neurons, ``record_neurons`` must name some of them, and the
        recording must fit in ``memory_limit`` bytes.

        Examples
        --------
        >>> from brian2 import ms, mS, uA, cm
        >>> from hh_brian import get_model, stimuli
        >>> model = get_model("hodgkin_huxley").with_params(g_Na=[100, 120]*mS/cm**2)
        >>> RunPlan.of(model, stimuli.constant([1, 2, 3]*uA/cm**2), {"v": model.v_init},
        ...            n_steps=10, dt=0.01*ms, method="euler", record=("v",))
        Traceback (most recent call last):
        ...
        ValueError: batch: every per-neuron array must describe the same number of neurons; got {'params': 2, 'current': 3}
        """
        n = _batch_size(model, stimulus, initial)
        n_total = n or 1
        indices = _check_record_neurons(record_neurons, n_total)
        n_recorded = n_total if indices is None else len(indices)
        _check_memory(record, n_recorded, -(-n_steps // record_every), n_steps, n_total,
                      stimulus, memory_limit)
        return cls(model=model, n_neurons=n_total, n_steps=int(n_steps), dt=dt, method=method,
                   stimulus=stimulus, initial=dict(initial), record=tuple(record),
                   record_indices=indices, record_every=int(record_every),
                   spike_threshold=spike_threshold, progress=progress,
                   track_peak=bool(track_peak), target=target, batch=n is not None,
                   memory_limit=memory_limit)

    def with_values(self, *, params=None, initial=None, current=None) -> "RunPlan":
        """The same run with new values: parameters, initial values or the current.

        Only the new values are checked (names, units, physical ranges), and that every
        per-neuron array still agrees; what shapes the run (duration, dt, method, what is
        recorded, the target) stays. A compiled target reuses its program when the number
        of neurons is also unchanged.

        Examples
        --------
        >>> from brian2 import ms, mS, cm
        >>> import hh_brian
        >>> plan = hh_brian.plan_run("passive_membrane", 5*ms, target="numpy",
        ...                          params={"g_L": [1, 2]*mS/cm**2})
        >>> plan.with_values(params={"g_L": [4, 8]*mS/cm**2}).model.params["g_L"] / (mS/cm**2)
        array([4., 8.])
        >>> plan.with_values(params={"g_L": -1*mS/cm**2})
        Traceback (most recent call last):
        ...
        ValueError: params['g_L']: -1 mS/cm^2 is outside the physical range of g_L (>= 0 mS/cm^2) in model 'passive_membrane'
        """
        model = self.model if not params else self.model.with_params(**params)
        stimulus = self.stimulus
        if current is not None:
            stimulus = as_stimulus(current)
            stimulus.check_steps(self.n_steps, self.dt)
            stimulus.check_resolution(self.n_steps, self.dt)
        values = dict(self.initial)
        values.update(check_initial(model, initial))
        return RunPlan.of(model, stimulus, values, n_steps=self.n_steps, dt=self.dt,
                          method=self.method, record=self.record,
                          record_neurons=self.record_indices, record_every=self.record_every,
                          spike_threshold=self.spike_threshold, progress=self.progress,
                          track_peak=self.track_peak, target=self.target,
                          memory_limit=self.memory_limit)

    def placed(self, target: "Target") -> "RunPlan":
        """The same plan, run by ``target``."""
        return dataclasses.replace(self, target=target)

    @property
    def duration(self) -> Quantity:
        return self.n_steps * self.dt

    @property
    def online_threshold(self) -> float | None:
        """In the spikes-only mode (``v`` not recorded), the threshold in volts of the spikes
        detected while running; None when ``v`` is recorded."""
        return None if "v" in self.record else float(self.spike_threshold / volt)

    @functools.cached_property
    def initial_state(self) -> dict[str, np.ndarray]:
        """Initial v (volts) and every gate, one value per neuron, as plain SI floats.

        A gate not given starts at its steady state for the initial v, evaluated with the
        model's own expressions (and its per-neuron parameters). Computed once per plan.
        """
        functions = ModelFunctions(self.model)
        shape = (self.n_neurons,)
        v = np.broadcast_to(np.asarray(self.initial["v"] / volt, dtype=float), shape)
        state = {"v": np.array(v)}
        for gate, (steady_state, _) in self.model.gates.items():
            value = (self.initial[gate] if gate in self.initial
                     else functions.value(steady_state, v=v))
            state[gate] = np.array(np.broadcast_to(np.asarray(value, dtype=float), shape))
        return state


def _batch_size(model: Model, stimulus, initial) -> int | None:
    sources = {"params": model.batch_size, "current": stimulus.batch_size}
    for name, value in initial.items():
        sources[f"initial[{name!r}]"] = np.size(value) if np.ndim(value) == 1 else None
    sizes = {name: size for name, size in sources.items() if size is not None}
    if len(set(sizes.values())) > 1:
        raise ValueError(f"batch: every per-neuron array must describe the same number of "
                         f"neurons; got {sizes}")
    return next(iter(sizes.values()), None)


def _check_record_neurons(record_neurons, n_neurons):
    if record_neurons is None:
        return None
    indices = np.atleast_1d(np.asarray(record_neurons))
    if indices.ndim != 1 or not np.issubdtype(indices.dtype, np.integer) or indices.size == 0:
        raise ValueError(f"record_neurons: expected a non-empty list of neuron indices, got "
                         f"{record_neurons!r}")
    if indices.min() < 0 or indices.max() >= n_neurons:
        raise ValueError(f"record_neurons: indices must lie in 0..{n_neurons - 1}, got "
                         f"{indices.min()}..{indices.max()}")
    return tuple(int(k) for k in indices)


def estimate_memory(n_traces: int, n_recorded: int, n_samples: int, n_steps: int,
                    n_neurons: int, per_neuron_input: bool) -> int:
    """Bytes a run needs for its recording and input, as a plan estimates them.

    Each recorded sample is a float64 held twice at the peak (Brian2's monitor array and
    the result's copy); a per-neuron sampled input holds one float64 per neuron and step
    (twice as well, while it is converted). The model's own state (a few floats per neuron)
    is not counted.

    Examples
    --------
    >>> estimate_memory(8, 1, 20000, 20000, 1, False) / 1e6  # all of HH, one neuron, 200 ms
    2.88
    """
    traces = 2 * 8 * n_traces * n_recorded * n_samples
    inputs = 2 * 8 * n_steps * (n_neurons if per_neuron_input else 1)
    return int(traces + inputs)


def _check_memory(record, n_recorded, n_samples, n_steps, n_neurons, stimulus, limit):
    limit = DEFAULT_MEMORY_LIMIT if limit is None else limit
    if not isinstance(limit, (int, float)) or isinstance(limit, bool) or limit <= 0:
        raise ValueError(f"memory_limit: expected a positive number of bytes, got {limit!r}")
    per_neuron = stimulus.batch_size is not None and not stimulus.separable
    need = estimate_memory(len(record), n_recorded, n_samples, n_steps, n_neurons, per_neuron)
    if need > limit:
        raise RecordingTooLarge(
            f"memory_limit: recording {len(record)} trace(s) of {n_recorded} neuron(s) x "
            f"{n_samples} samples needs about {need / 1e9:.3g} GB, over the limit of "
            f"{limit / 1e9:.3g} GB. Record fewer variables (record=['v']), fewer neurons "
            f"(record_neurons=[...]), a coarser record_dt, spikes only (record=[]), or raise "
            f"memory_limit (in bytes)")


@dataclass(frozen=True)
class SpikeEvents:
    """Spikes detected while running (the spikes-only mode), before any is discarded.

    Attributes
    ----------
    neurons : ndarray of int
        The neuron of each event.
    onsets : Quantity
        Start of the step during which v crossed the threshold upwards.
    widths : Quantity
        Time v then spent at or above the threshold before it came back below it
        (``inf`` when v started above the threshold, so the crossing was not seen).
    high_enough : ndarray of bool
        Whether v reached the threshold plus the least height of a spike on the way.

    Examples
    --------
    Two HH neurons under 10 uA/cm^2 for 10 ms, spikes only:

    >>> from brian2 import ms, mV, uA, cm
    >>> from hh_brian import get_model, stimuli
    >>> from hh_brian.targets import TARGETS
    >>> plan = RunPlan(get_model("hodgkin_huxley"), n_neurons=2, n_steps=1000, dt=0.01*ms,
    ...                method="euler", stimulus=stimuli.constant(10*uA/cm**2),
    ...                initial={"v": [-65, -60]*mV}, record=())
    >>> events = TARGETS["numpy"].run(plan).spike_events
    >>> events.neurons, events.onsets / ms, events.widths / ms
    (array([0, 1], dtype=int32), array([1.87, 5.74]), array([1.2 , 0.87]))
    """

    neurons: np.ndarray
    onsets: Quantity
    widths: Quantity
    high_enough: np.ndarray


@dataclass(frozen=True)
class Recording:
    """What a target returns.

    Attributes
    ----------
    t : Quantity or None
        Sample times of the traces (None when no trace was recorded).
    traces : mapping of str to Quantity
        Each of shape ``(n_recorded, n_samples)``.
    spike_events : SpikeEvents or None
        In the spikes-only mode.
    time_finite : Quantity
        Per neuron: the time during which the whole state stayed finite, ``k·dt`` where k
        is the first step at which some state variable was NaN or infinite; the run's
        duration for a neuron that never diverged.
    v_end : Quantity
        Per neuron: v at the end of the run (after the last step).
    v_peak : Quantity or None
        Per neuron: the highest v over the run, initial and final state included (with
        ``track_peak``; None otherwise).
    v_average : Quantity or None
        Per neuron: v averaged over the last
        :data:`~hh_brian.targets.network.AVERAGE_WINDOW` of the run, with an exponential
        window (with ``track_peak``; None otherwise).

    Examples
    --------
    >>> from brian2 import ms, mV, uA, cm
    >>> from hh_brian import get_model, stimuli
    >>> from hh_brian.targets import TARGETS
    >>> plan = RunPlan(get_model("hodgkin_huxley"), n_neurons=2, n_steps=100, dt=0.01*ms,
    ...                method="euler", stimulus=stimuli.constant(10*uA/cm**2),
    ...                initial={"v": [-65, -60]*mV}, record=("v",))
    >>> recording = TARGETS["numpy"].run(plan)
    >>> recording.t.shape, recording.traces["v"].shape, recording.time_finite / ms
    ((100,), (2, 100), array([1., 1.]))
    """

    t: Quantity | None
    traces: Mapping[str, Quantity]
    spike_events: SpikeEvents | None
    time_finite: Quantity
    v_end: Quantity | None = None
    v_peak: Quantity | None = None
    v_average: Quantity | None = None


class Target(abc.ABC):
    """A way of running a model: what a code-generation target must provide.

    A target is registered by name in :data:`hh_brian.targets.TARGETS`, or passed to
    :func:`hh_brian.simulate` directly (an instance, or a class that takes no arguments).
    Besides :meth:`run`, it says what it costs, which the explorer and the sweeps read
    instead of asking for a target by name: :attr:`compiles_per_shape`,
    :attr:`step_cost` and :meth:`for_worker`.

    Examples
    --------
    >>> from brian2 import ms
    >>> import hh_brian
    >>> from hh_brian.targets import RuntimeTarget
    >>> class Loud(RuntimeTarget):
    ...     name = "loud"
    ...     def run(self, plan):
    ...         print(f"running {plan.model.name} for {plan.n_steps} steps")
    ...         return super().run(plan)
    >>> from brian2.codegen.runtime.numpy_rt import NumpyCodeObject
    >>> result = hh_brian.simulate("passive_membrane", 1*ms,
    ...                            target=Loud(NumpyCodeObject, "numpy, announced"))
    running passive_membrane for 100 steps
    >>> result.target
    'loud'
    """

    #: The name results report; registered targets are known by their registry key.
    name: str = "target"
    #: One line: what runs the code.
    description: str = ""
    #: Whether a run of a new code shape (another model, record, number of neurons…) first
    #: compiles code, which takes seconds; later runs of that shape reuse it.
    compiles_per_shape: bool = False
    #: Rough seconds per step of one neuron once compiled: what a front end uses to say
    #: whether a run will take long.
    step_cost: float = 2e-5

    @abc.abstractmethod
    def run(self, plan: RunPlan) -> Recording:
        """Run ``plan`` and return what was recorded."""

    def run_cable(self, run):
        """Run a model on a cylinder (a :class:`~hh_brian.targets.cable.CableRun`); a target
        that cannot says so."""
        raise NotImplementedError(f"target: {self.name} does not run cables; use cython, "
                                  f"numpy or cpp_standalone")

    def for_worker(self) -> "Target":
        """The target a chunk of a sweep runs on in a worker process, beside other chunks.

        By default the target itself; a target that would spread one run over every core
        gives a single-threaded version, so that the chunks share the cores and a chunk's
        arithmetic is the same wherever it runs.
        """
        return self


# Names that lived here before the package was regrouped: found, with a warning, for one
# release (hh_brian._compat).
__getattr__ = moved_names(__name__)
