"""Running a model: :func:`simulate` (plan, run, result) and :func:`run_plan`.

:func:`simulate` checks every argument (:func:`~hh_brian.simulation.plan.plan_run`: names,
units, physical ranges, batch sizes, the memory the recording needs) before anything is
compiled or run, hands the plan to its code-generation target (:mod:`hh_brian.targets`)
and turns what it recorded into a :class:`~hh_brian.simulation.result.SimulationResult`.
Every call builds its own Brian2 objects with an explicit namespace, so two calls in one
process share nothing but Brian2's compiled-code cache.

A batch of more than :data:`~hh_brian.simulation.chunks.CHUNK_NEURONS` neurons runs on
``cpp_standalone`` and ``numpy`` as chunks of neurons, one after another, whose state stays
in the processor's cache (:mod:`~hh_brian.simulation.chunks`); the result is that of the
batch run in one piece.

A run that diverges (some state variable becomes NaN or infinite) raises
:class:`~hh_brian.core.errors.IntegrationError` for a single neuron; in a batch the other
neurons are kept and ``result.diverged`` says which neurons diverged and when.
"""

from __future__ import annotations

import numpy as np
from brian2 import Quantity, mV, ms, volt

from ..core.errors import IntegrationError
from ..targets.base import Recording, RunPlan
from .chunks import chunk_size, run_in_chunks
from .plan import plan_run
from .result import SimulationResult

__all__ = ["run_plan", "simulate"]


def simulate(model, duration=None, current=None, *, dt=0.01 * ms, method="euler",
             target="cython", params=None, initial=None, record=None, record_neurons=None,
             record_dt=None, spike_threshold=0 * mV, memory_limit=None,
             progress=False, track_peak=False) -> SimulationResult:
    """Simulate a model with Brian2 code generation: ``run_plan(plan_run(...))``.

    Parameters
    ----------
    model : Model or str
        A model, or its name or source name (``"hodgkin_huxley"``, ``"neuron_func_7"``).
    duration : Quantity (time), optional
        Length of the run; a whole number of ``dt``. Default: the model's source duration
        (100 ms for models 1–3, 200 ms for 4–7).
    current : Stimulus or Quantity (current density), optional
        The injected current. A scalar is a constant current; an array is sampled, one
        sample per step (shape ``(n_steps,)``, or ``(N, n_steps)`` for a batch); a stimulus
        from :mod:`hh_brian.stimuli` is used as it is. Default: the model's
        ``default_current`` (the source protocol, +A during [T/5, 2T/5) and −A during
        [3T/5, 4T/5), or the 2D reduction's noise).
    dt : Quantity (time), default 0.01 ms
        Integration step.
    method : str, default "euler"
        A Brian2 integration method by name ("euler", "rk2", "rk4", "exponential_euler", …).
    target : str or Target, default "cython"
        A code-generation target registered in :data:`hh_brian.TARGETS` ("cython", "numpy",
        "cpp_standalone": compiled once per code shape, then reused; see
        :mod:`hh_brian.targets`), or a :class:`~hh_brian.targets.Target` instance or class.
    params : mapping of str to Quantity, optional
        Parameter overrides, each with the dimension of its default and within its physical
        range (``model.param_ranges``). An array of N values runs a batch of N neurons in
        one group.
    initial : mapping of str to Quantity, optional
        Initial values of state variables (scalar or per neuron): ``v`` within ±200 mV
        (default: the model's ``v_init``), gates in [0, 1]; a gate not given starts at its
        steady state for the initial v.
    record : sequence of str, optional
        Traces to record (default: v, every gate, every current and I_stim). Without ``v``,
        spikes are detected while running (the spikes-only mode; ``record=[]`` records
        nothing else), at step resolution.
    record_neurons : sequence of int, optional
        Record traces of these neurons only (default: all). Traces then have one row per
        recorded neuron.
    record_dt : Quantity (time), optional
        Record every ``record_dt`` (a whole number of steps; default every step).
    spike_threshold : Quantity (voltage), default 0 mV
        The threshold of the spikes (see :meth:`SimulationResult.spike_times`).
    memory_limit : int, optional
        Bytes the recording may need (default 2 GiB); a larger request is refused before
        the run with the estimate and how to reduce it (:class:`RecordingTooLarge`).
    progress : bool or callable, default False
        True shows a progress bar on standard error for runs longer than 2 s of wall time;
        a callable is used as Brian2's report callback
        ``f(elapsed, fraction_completed, start, duration)``.
    track_peak : bool, default False
        Keep each neuron's highest v over the run (``result.v_peak``) and its v averaged
        over the last 50 ms (``result.v_average``) without recording v.

    Returns
    -------
    SimulationResult

    Raises
    ------
    ValueError
        For an unknown model, target, method, parameter or state-variable name (the message
        lists the valid ones), a value outside its physical range, a non-positive duration
        or dt, a duration that is not a whole number of steps, or batch sizes that disagree.
    DimensionMismatchError
        For a current, parameter, initial value, duration or dt in the wrong dimension.
    IntegrationError
        When a single neuron's state becomes NaN or infinite (the integration diverged).

    Examples
    --------
    >>> from brian2 import ms, uA, cm
    >>> from hh_brian import simulate
    >>> result = simulate("hodgkin_huxley", 50*ms, 10*uA/cm**2, target="numpy")
    >>> result.v.shape
    (5000,)
    >>> len(result.spike_times())
    4
    """
    return run_plan(plan_run(model, duration, current, dt=dt, method=method, target=target,
                             params=params, initial=initial, record=record,
                             record_neurons=record_neurons, record_dt=record_dt,
                             spike_threshold=spike_threshold, memory_limit=memory_limit,
                             progress=progress, track_peak=track_peak))


def run_plan(plan: RunPlan) -> SimulationResult:
    """Run a plan (:func:`plan_run`) on its target and return its result.

    Raises
    ------
    IntegrationError
        When a single neuron's state becomes NaN or infinite (the integration diverged);
        in a batch, ``result.diverged`` says which neurons did, and when.

    Examples
    --------
    >>> from brian2 import ms, uA, cm
    >>> from hh_brian import plan_run, run_plan
    >>> plan = plan_run("passive_membrane", 5*ms, 10*uA/cm**2, target="numpy")
    >>> run_plan(plan).v.shape
    (500,)
    """
    if plan.target is None:
        raise ValueError("plan: it has no target; make it with plan_run, or place it with "
                         "plan.placed(target)")
    size = chunk_size(plan)
    recording = plan.target.run(plan) if size is None else run_in_chunks(plan, size)
    dt, model = plan.dt, plan.model
    batch = plan.batch
    diverged = _first_non_finite_steps(recording, plan)
    if diverged and not batch:
        raise IntegrationError(model.name, diverged[0] * dt, dt, plan.method)
    traces = _mask_diverged(recording, plan, diverged)
    if not (batch or plan.record_indices is not None):
        traces = {name: values[0] for name, values in traces.items()}
    t = (recording.t if recording.t is not None
         else np.arange(0, plan.n_steps, plan.record_every) * dt)
    state = dict(plan.initial_state)
    state["v"] = state["v"] * volt
    used_initial = {name: value if batch else value[0] for name, value in state.items()}
    return SimulationResult(
        model=model, t=t, traces=traces, batch=batch, duration=plan.duration, dt=dt,
        method=plan.method, target=getattr(plan.target, "name", type(plan.target).__name__),
        initial=used_initial, current=plan.stimulus, n_neurons=plan.n_neurons,
        record_neurons=plan.record_indices, record_dt=plan.record_every * dt,
        spike_threshold=plan.spike_threshold, spike_events=recording.spike_events,
        diverged={k: step * dt for k, step in diverged.items()},
        v_end=_per_neuron(recording.v_end, batch, diverged),
        v_peak=_per_neuron(recording.v_peak, batch, diverged),
        v_average=_per_neuron(recording.v_average, batch, diverged))


def _per_neuron(values, batch: bool, diverged: dict):
    """One value per neuron (NaN for a diverged one), or the single neuron's value."""
    if values is None:
        return None
    plain = np.array(values / volt, dtype=float)
    plain[list(diverged)] = np.nan
    return (plain if batch else plain[0]) * volt


def _first_non_finite_steps(recording: Recording, spec: RunPlan) -> dict[int, int]:
    """For each neuron that diverged, the first step at which its state was not finite.

    Every target counts, per neuron, the time the state stayed finite; where the neuron's
    state variables were recorded at every step, the trace itself gives the step.
    """
    finite_steps = np.asarray(recording.time_finite / spec.dt, dtype=float)
    # Rounded up: within a step, Runge-Kutta stages may count a fraction of dt.
    steps = np.ceil(finite_steps - 1e-6).astype(int)
    diverged = {int(k): int(steps[k]) for k in np.flatnonzero(steps < spec.n_steps)}
    recorded = [name for name in spec.model.state_variables if name in recording.traces]
    if diverged and recorded and spec.record_every == 1:
        rows = (range(spec.n_neurons) if spec.record_indices is None else spec.record_indices)
        bad = np.zeros(np.shape(recording.traces[recorded[0]]), dtype=bool)
        for name in recorded:
            bad |= ~np.isfinite(np.asarray(recording.traces[name]))
        for row, neuron in enumerate(rows):
            if neuron in diverged and bad[row].any():
                diverged[neuron] = min(diverged[neuron], int(np.argmax(bad[row])))
    return diverged


def _mask_diverged(recording: Recording, spec: RunPlan, diverged: dict) -> dict:
    """Traces with every sample of a diverged neuron from its divergence on set to NaN."""
    traces = dict(recording.traces)
    if not diverged or not traces:
        return traces
    rows = list(range(spec.n_neurons) if spec.record_indices is None else spec.record_indices)
    for name, values in traces.items():
        plain = np.array(values, dtype=float)  # a Quantity gives its SI values
        for row, neuron in enumerate(rows):
            if neuron in diverged:
                plain[row, -(-diverged[neuron] // spec.record_every):] = np.nan
        traces[name] = (Quantity(plain, dim=values.dim) if isinstance(values, Quantity)
                        else plain)
    return traces
