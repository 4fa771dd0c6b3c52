"""What a target is given and what it gives back.

A *target* runs a validated :class:`RunSpec` with some code-generation back end and returns a
:class:`Recording`. :func:`hh_brian.simulate` checks the user's arguments, makes the
``RunSpec``, calls the target and turns the recording into a
:class:`~hh_brian.simulation.SimulationResult`; targets never see unchecked input.

Everything a target needs beyond the spec is derived here once, for every target: the
initial state (:meth:`RunSpec.initial_state`, gates at their steady state evaluated with the
model's own expressions) and the values to set before a run (:meth:`RunSpec.run_values`).
"""

from __future__ import annotations

import abc
import functools
from dataclasses import dataclass
from typing import Callable, Mapping

import numpy as np
from brian2 import Quantity, volt

from ..expressions import ModelFunctions
from ..models import Model
from ..stimuli import Stimulus

__all__ = ["Recording", "RunSpec", "SpikeEvents", "Target"]


@dataclass(frozen=True)
class RunSpec:
    """Everything a target needs to run a model, already validated.

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
    spike_threshold : float or None
        Volts. In the spikes-only mode, the threshold of the spikes detected while running;
        None when traces are recorded (spikes are then read off ``v``).
    progress : callable or None
        Brian2's report callback.
    track_peak : bool
        Keep each neuron's highest v over the run (``v_peak``), whatever is recorded.

    Examples
    --------
    >>> from brian2 import ms, mV, uA, cm
    >>> from hh_brian import get_model, stimuli
    >>> spec = RunSpec(get_model("hodgkin_huxley"), n_neurons=2, n_steps=100, dt=0.01*ms,
    ...                method="euler", stimulus=stimuli.constant(10*uA/cm**2),
    ...                initial={"v": [-65, -60]*mV}, record=("v",))
    >>> state = spec.initial_state  # the gates at their steady state for each v
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
    spike_threshold: float | None = None
    progress: Callable | None = None
    track_peak: bool = False

    @property
    def duration(self) -> Quantity:
        return self.n_steps * self.dt

    @functools.cached_property
    def initial_state(self) -> dict[str, np.ndarray]:
        """Initial v (volts) and every gate, one value per neuron, as plain SI floats.

        A gate not given starts at its steady state for the initial v, evaluated with the
        model's own expressions (and its per-neuron parameters). Computed once per spec.
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
    >>> spec = RunSpec(get_model("hodgkin_huxley"), n_neurons=2, n_steps=1000, dt=0.01*ms,
    ...                method="euler", stimulus=stimuli.constant(10*uA/cm**2),
    ...                initial={"v": [-65, -60]*mV}, record=(), spike_threshold=0.0)
    >>> events = TARGETS["numpy"].run(spec).spike_events
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

    Examples
    --------
    >>> from brian2 import ms, mV, uA, cm
    >>> from hh_brian import get_model, stimuli
    >>> from hh_brian.targets import TARGETS
    >>> spec = RunSpec(get_model("hodgkin_huxley"), n_neurons=2, n_steps=100, dt=0.01*ms,
    ...                method="euler", stimulus=stimuli.constant(10*uA/cm**2),
    ...                initial={"v": [-65, -60]*mV}, record=("v",))
    >>> recording = TARGETS["numpy"].run(spec)
    >>> recording.t.shape, recording.traces["v"].shape, recording.time_finite / ms
    ((100,), (2, 100), array([1., 1.]))
    """

    t: Quantity | None
    traces: Mapping[str, Quantity]
    spike_events: SpikeEvents | None
    time_finite: Quantity
    v_end: Quantity | None = None
    v_peak: Quantity | None = None


class Target(abc.ABC):
    """A way of running a model: what a code-generation target must provide.

    A target is registered by name in :data:`hh_brian.targets.TARGETS`, or passed to
    :func:`hh_brian.simulate` directly (an instance, or a class that takes no arguments).

    Examples
    --------
    >>> from brian2 import ms
    >>> import hh_brian
    >>> from hh_brian.targets import RuntimeTarget
    >>> class Loud(RuntimeTarget):
    ...     name = "loud"
    ...     def run(self, spec):
    ...         print(f"running {spec.model.name} for {spec.n_steps} steps")
    ...         return super().run(spec)
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

    @abc.abstractmethod
    def run(self, spec: RunSpec) -> Recording:
        """Run ``spec`` and return what was recorded."""

