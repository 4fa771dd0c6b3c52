"""Planning a run: every argument checked, nothing compiled or run (:func:`plan_run`)."""

from __future__ import annotations

from typing import Mapping

import numpy as np
from brian2 import mV, ms, second, volt
from brian2.stateupdaters.base import StateUpdateMethod

from ..core.units import check_dimension, positive_time, whole_steps
from ..model.checks import check_initial
from ..model.core import Model, get_model
from ..model.functions import ModelFunctions, time_constants
from ..stimuli import as_stimulus
from ..targets.base import DEFAULT_MEMORY_LIMIT, RunPlan
from ..targets.registry import get_target
from .progress import ProgressBar

__all__ = ["STABLE_STEP", "plan_run"]

#: The longest step an explicit method may take, in units of the fastest time constant where
#: the run starts: forward Euler multiplies the error of a variable of time constant tau by
#: (1 - dt/tau) each step, which grows for dt > 2 tau. Exponential Euler integrates each
#: variable exactly with the others held, so no step makes it unstable (the input's features
#: still bound its dt).
STABLE_STEP = 2


def plan_run(model, duration=None, current=None, *, dt=0.01 * ms, method="euler",
             target="cython", params=None, initial=None, record=None, record_neurons=None,
             record_dt=None, spike_threshold=0 * mV, memory_limit=None, progress=False,
             track_peak=False) -> RunPlan:
    """Check every argument of a run and return its plan; nothing is compiled or run.

    The arguments are those of :func:`hh_brian.simulate`, which is ``run_plan(plan_run(...))``.
    The plan is a frozen value (:class:`~hh_brian.targets.RunPlan`): its target runs it
    (:func:`run_plan`), and :meth:`~hh_brian.targets.RunPlan.with_values` gives the same
    run with new parameter values, initial values or current, checking only those.

    Parameters
    ----------
    model, duration, current, dt, method, target, params, initial, record, record_neurons, \
record_dt, spike_threshold, memory_limit, progress, track_peak
        As for :func:`~hh_brian.simulation.run.simulate`, which documents each of them.

    Returns
    -------
    RunPlan

    Raises
    ------
    ValueError, DimensionMismatchError
        Each mistake :func:`~hh_brian.simulation.run.simulate` lists, before anything is
        compiled or run.

    Examples
    --------
    >>> from brian2 import ms, mS, uA, cm
    >>> from hh_brian import plan_run, run_plan
    >>> plan = plan_run("hodgkin_huxley", 20*ms, 10*uA/cm**2, target="numpy",
    ...                 params={"g_Na": [60, 120]*mS/cm**2})
    >>> plan.n_neurons, plan.n_steps, plan.target.name
    (2, 2000, 'numpy')
    >>> [len(spikes) for spikes in run_plan(plan).spike_times()]
    [1, 2]
    >>> plan_run("hodgkin_huxley", 50*ms, dt=0.015*ms)
    Traceback (most recent call last):
    ...
    ValueError: duration: must be a whole number of steps of dt = 0.015 ms; got 50 ms, which is 3333.33 steps
    """
    model = _with_params(get_model(model), params)
    dt = positive_time(dt, "dt")
    duration = positive_time(model.duration if duration is None else duration, "duration")
    n_steps = whole_steps(duration, dt)
    runner = get_target(target)
    _check_method(method)
    stimulus = as_stimulus(current, default=model.default_current)
    stimulus.check_steps(n_steps, dt)
    stimulus.check_resolution(n_steps, dt)
    initial = {"v": model.v_init, **check_initial(model, initial)}
    if method != "exponential_euler":
        _check_stable_step(model, initial, dt, method)
    all_traces = model.state_variables + tuple(model.currents) + ("I_stim",)
    record = _check_record(record, all_traces)
    record_every = 1 if record_dt is None else whole_steps(
        positive_time(record_dt, "record_dt"), dt, argument="record_dt")
    spike_threshold = check_dimension(spike_threshold, mV, "spike_threshold")
    if progress is True:
        progress = ProgressBar()
    elif progress is False or progress is None:
        progress = None
    elif not callable(progress):
        raise TypeError(f"progress: expected True, False or a callable, got {progress!r}")
    if not isinstance(track_peak, (bool, np.bool_)):
        raise TypeError(f"track_peak: expected True or False, got {track_peak!r}")
    return RunPlan.of(model, stimulus, initial, n_steps=n_steps, dt=dt, method=method,
                      record=record, record_neurons=record_neurons, record_every=record_every,
                      spike_threshold=spike_threshold, progress=progress,
                      track_peak=bool(track_peak), target=runner,
                      memory_limit=DEFAULT_MEMORY_LIMIT if memory_limit is None else memory_limit)


def _check_stable_step(model: Model, initial: dict, dt, method: str) -> None:
    """Refuse a step longer than :data:`STABLE_STEP` times the model's fastest time constant
    at the run's initial state, naming the variable and its time constant."""
    v = np.asarray(initial["v"] / volt, dtype=float)
    held = {gate: np.asarray(value, dtype=float) for gate, value in initial.items()
            if gate != "v"}
    state = ModelFunctions(model).with_steady_gates(v, held)
    taus = {name: float(np.min(tau)) for name, tau in time_constants(model, state).items()}
    fastest = min(taus, key=taus.get)
    limit = STABLE_STEP * taus[fastest] * second
    if dt > limit * (1 + 1e-9):
        where = f"{float(np.min(v) * 1e3):.4g} mV" if np.ndim(v) == 0 or np.ptp(v) == 0 \
            else "the initial state"
        raise ValueError(f"dt: {float(dt / ms):.4g} ms is more than {STABLE_STEP} times the "
                         f"model's fastest time constant (that of {fastest}, "
                         f"{taus[fastest] * 1e3:.4g} ms at v = {where}), beyond which method "
                         f"{method!r} is unstable; give dt <= {float(limit / ms):.4g} ms, or "
                         f"the method exponential_euler")


def _check_record(record, all_traces) -> tuple:
    if record is None:
        return tuple(all_traces)
    if isinstance(record, str):
        record = [record]
    record = tuple(record)
    unknown = [name for name in record if name not in all_traces]
    if unknown:
        raise ValueError(f"record: unknown trace(s) {unknown}; valid: {', '.join(all_traces)}"
                         f" (or [] for spikes only)")
    return tuple(dict.fromkeys(record))


def _with_params(model: Model, params) -> Model:
    """``model`` with the overrides ``params`` (None: none), checked by ``with_params``."""
    if params is None:
        return model
    if not isinstance(params, Mapping):
        raise TypeError(f"params: expected a mapping of parameter names to values, got "
                        f"{params!r}")
    return model.with_params(**params)


def _check_method(method) -> str:
    if not isinstance(method, str) or method not in StateUpdateMethod.stateupdaters:
        raise ValueError(f"method: unknown integration method {method!r}; valid methods: "
                         f"{', '.join(sorted(StateUpdateMethod.stateupdaters))}")
    return method
