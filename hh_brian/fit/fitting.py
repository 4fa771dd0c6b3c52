"""Fitting a model's parameters to recorded sweeps: a global search, then a local polish.

The cost, the sum of squared differences between the model's v and the recording, is
multimodal: a candidate whose spikes fall a few milliseconds off is as far from the data as
one that does not spike at all, and a local least-squares fit started at the model's
defaults lands in a wrong minimum. So the fit first searches the whole box of bounds with
scipy's differential evolution, each generation of candidates evaluated as one Brian2 run
per sweep, of a batch with one neuron per candidate (``vectorized=True``), and then polishes the best
candidate with a trust-region least-squares fit (scipy's ``least_squares``) whose Jacobian
comes from one batched run of the 2p candidates of central differences. The uncertainty of
the estimate is read off that Jacobian (:mod:`hh_brian.fit.uncertainty`).
"""

from __future__ import annotations

import time
from typing import Callable, Mapping

import numpy as np
from brian2 import mV, ms
from scipy import optimize

from ..core.units import positive_time
from ..model.checks import check_initial
from ..model.core import Model, get_model
from ..targets.registry import get_target
from .data import Sweep, as_sweeps
from .objective import Objective
from .parameters import free_parameters
from .result import FitResult
from .uncertainty import from_jacobian

__all__ = ["fit_trace"]

#: An estimate within this fraction of the search span of a bound is reported as on it
#: (``FitResult.at_bounds``): the search alone (without the polish) stops about this close.
AT_BOUND = 1e-3

#: Central-difference step of the Jacobian, as a fraction of each parameter's search span.
#: The model is integrated with a fixed step, so v is a smooth function of the parameters;
#: 1e-5 keeps the truncation error far below the noise and the rounding error of v (1e-12 mV)
#: far below the differences.
JACOBIAN_STEP = 1e-5


def fit_trace(model: Model | str, recording, current=None, *, free: Mapping,
              dt=0.01 * ms, recording_dt=None, params: Mapping | None = None,
              initial: Mapping | None = None, method: str = "euler",
              target="cpp_standalone", popsize: int = 15, maxiter: int = 300,
              tol: float = 0.01, seed: int | None = 0, polish: bool = True,
              level: float = 0.95, progress: bool | Callable = False) -> FitResult:
    """Fit free parameters of a model to one or several recorded sweeps.

    Parameters
    ----------
    model : Model or str
    recording : Quantity (voltage), Sweep, or a list of either
        The recorded membrane potential: one trace sampled every ``recording_dt`` from
        t = 0, a :class:`~hh_brian.fit.Sweep` (which carries its current and sampling
        interval), or a list of traces (with a list of currents) or of Sweeps, fitted
        jointly: a protocol of several sweeps.
    current : Stimulus or Quantity, or a list of them
        The current of each trace (not with Sweeps): a stimulus, a constant, or one sample
        per recorded sample.
    free : mapping of str to (low, high) Quantity
        The quantities to fit and their search bounds, e.g.
        ``{"g_Na": (50, 200)*mS/cm**2}``: any parameter of the model, or a state variable's
        name for its initial value. Bounds must lie within the physical range.
    dt : Quantity, default 0.01 ms
        Integration step.
    recording_dt : Quantity, optional
        The sampling interval of the recording, a whole number of steps (default ``dt``).
        Another grid must be resampled explicitly (:func:`hh_brian.fit.resample`).
    params : mapping of str to Quantity, optional
        Fixed parameter values other than the model's defaults.
    initial : mapping of str to Quantity, optional
        Fixed initial values (default: v_init and every gate at its steady state).
    method : str, default "euler"
    target : str or Target, default "cpp_standalone"
        Where the batches run. The standalone program is compiled once for the batch's
        shape and reused by every later generation; "cython" needs no separate build but
        costs about 0.3 s per run more.
    popsize : int, default 15
        Candidates per free parameter in each generation (the batch has ``popsize × p``
        neurons).
    maxiter : int, default 300
        Generations at most.
    tol : float, default 0.01
        The search stops when the spread of the population's costs is below ``tol`` times
        their mean.
    seed : int or None, default 0
        Seed of the search (a fit is reproducible by default).
    polish : bool, default True
        Polish the best candidate with least squares. Without it the estimate is the best
        candidate of the search, and the intervals are computed there.
    level : float, default 0.95
        Confidence level of the intervals.
    progress : bool or callable, default False
        True prints one line per generation on standard error; a callable gets
        ``(generation, best_cost_mV2)``.

    Returns
    -------
    FitResult

    Raises
    ------
    ValueError
        For a recording with NaN, a current of the wrong length, an unknown parameter, bounds
        outside the physical range, a sampling interval that is not a whole number of steps,
        or invalid options; before anything is compiled or run.
    DimensionMismatchError
        For a recording, current, bound, dt or fixed value in the wrong dimension.

    Examples
    --------
    The passive membrane's leak conductance from a noisy 20-ms step response:

    >>> import numpy as np  # doctest: +SLOW
    >>> from brian2 import ms, mV, mS, uA, cm
    >>> import hh_brian
    >>> from hh_brian import fit, stimuli
    >>> step = stimuli.step(5*uA/cm**2, start=2*ms)
    >>> truth = hh_brian.simulate("passive_membrane", 20*ms, step, target="numpy",
    ...                           params={"g_L": 0.5*mS/cm**2}, dt=0.05*ms)
    >>> noisy = truth.v + np.random.default_rng(1).normal(0, 0.5, truth.v.shape) * mV
    >>> result = fit.fit_trace("passive_membrane", noisy, step, dt=0.05*ms,
    ...                        free={"g_L": (0.1, 2)*mS/cm**2}, target="numpy")
    >>> low, high = result.intervals["g_L"] / (mS/cm**2)
    >>> bool(low < 0.5 < high), round(float(result.noise / mV), 1)
    (True, 0.5)
    """
    model, free, fixed_initial = _fixed_and_free(get_model(model), params, initial, free)
    dt = positive_time(dt, "dt")
    sweeps = _sweeps(recording, current, recording_dt, dt)
    runner = get_target(target)
    _check_search(popsize, maxiter, tol, level)
    report = _reporter(progress)

    p = len(free)
    batch = max(popsize * p, 2 * p + 1)
    # Plans every sweep's run: the method and the rest are checked here, before any run.
    objective = Objective(model=model, sweeps=sweeps, free=free, dt=dt, method=method,
                          target=runner, batch_size=batch, initial=fixed_initial)
    began = time.perf_counter()

    failures = []

    def population_cost(cube):  # scipy passes (p, S)
        try:
            return objective.cost(free.to_values(np.asarray(cube).T))
        except Exception as error:
            # scipy would replace it with an error about its map-like callable.
            failures.append(error)
            raise

    generations = [0]

    def callback(intermediate_result):  # scipy passes the result by this name
        generations[0] += 1
        if report is not None:
            report(generations[0], float(intermediate_result.fun))

    try:
        search = optimize.differential_evolution(
            population_cost, bounds=[(0.0, 1.0)] * p, popsize=popsize, maxiter=maxiter,
            tol=tol, seed=seed, polish=False, init="latinhypercube", updating="deferred",
            vectorized=True, callback=callback)
    except Exception:
        if failures:
            raise failures[0] from None
        raise
    best = np.clip(search.x, 0.0, 1.0)
    message = f"search: {search.message}"

    jacobians = _JacobianCache(objective, free)
    if polish:
        fitted = optimize.least_squares(jacobians.residuals, best, jac=jacobians.jacobian,
                                        bounds=(0.0, 1.0), method="trf", x_scale="jac",
                                        xtol=1e-10, ftol=1e-10, gtol=1e-10)
        best = np.clip(fitted.x, 0.0, 1.0)
        message += f"; polish: {fitted.message}"
    residuals = jacobians.residuals(best)
    jacobian_cube = jacobians.jacobian(best)
    # From the unit cube back to display units: column k scales by 1/span_k.
    uncertainty = from_jacobian(jacobian_cube / free.spans, residuals, level=level)
    undetermined = [name for name, u in zip(free.names, uncertainty.standard_errors)
                    if not np.isfinite(u)]
    if undetermined:
        message += (f"; the recording carries no information about {', '.join(undetermined)}"
                    f" (the residuals do not change when it moves): its interval is infinite")
    values = free.to_values(best)
    return _result(model, free, values, uncertainty, objective, residuals, generations,
                   time.perf_counter() - began, dt, method, runner, fixed_initial, message,
                   at_bounds=tuple(n for n, u in zip(free.names, best)
                                   if u <= AT_BOUND or u >= 1 - AT_BOUND))


def _fixed_and_free(model, params, initial, free):
    """The model with its fixed parameters, the free quantities and the fixed initial values,
    checked: fixed values are scalars, and nothing is both fixed and free."""
    if params is not None and not isinstance(params, Mapping):
        raise TypeError(f"params: expected a mapping of parameter names to values, got "
                        f"{params!r}")
    model = model.with_params(**params) if params else model
    if model.batch_size is not None:
        raise ValueError("params: fixed parameters must be scalars, not one per neuron")
    free = free_parameters(model, free)
    both = sorted(set(params or {}) & set(free.names))
    if both:
        raise ValueError(f"params: {', '.join(both)} is both fixed and free; drop it from "
                         f"params or from free")
    fixed_initial = check_initial(model, initial)
    both = sorted(set(fixed_initial) & set(free.names))
    if both:
        raise ValueError(f"initial: {', '.join(both)} is both fixed and free; drop it from "
                         f"initial or from free")
    for name, value in fixed_initial.items():
        if np.ndim(value):
            raise ValueError(f"initial[{name!r}]: a fixed initial value is one value for every "
                             f"candidate, got shape {np.shape(value)}")
    return model, free, fixed_initial


def _check_search(popsize, maxiter, tol, level) -> None:
    for name, value, low in (("popsize", popsize, 2), ("maxiter", maxiter, 1)):
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < low:
            raise ValueError(f"{name}: expected an integer >= {low}, got {value!r}")
    if not (isinstance(tol, (int, float)) and tol > 0):
        raise ValueError(f"tol: expected a positive number, got {tol!r}")
    if not (isinstance(level, float) and 0 < level < 1):
        raise ValueError(f"level: expected a confidence level between 0 and 1, such as "
                         f"0.95; got {level!r}")


def _sweeps(recording, current, recording_dt, dt):
    """The checked sweeps of a fit, each a whole number of steps of ``dt`` per sample."""
    if recording_dt is not None:
        recording_dt = positive_time(recording_dt, "recording_dt")
    given = recording if isinstance(recording, (list, tuple)) else [recording]
    if recording_dt is not None and any(isinstance(r, Sweep) for r in given):
        raise ValueError("recording_dt: a Sweep carries its own sampling interval; pass "
                         "recording_dt only with plain traces")
    sweeps = as_sweeps(recording, current, dt if recording_dt is None else recording_dt)
    for recorded in sweeps:
        steps = recorded.steps_per_sample(dt)
        recorded.current.check_steps(recorded.n_samples * steps, dt)
    return sweeps


class _JacobianCache:
    """Residuals and their Jacobian at a point of the cube, from one batched run.

    ``least_squares`` asks for the residuals at a point and then, if it keeps the point, for
    the Jacobian there. The central-difference neighbours go into the same batch as the
    point itself, since a batch costs one run whatever its size up to the batch size.
    """

    def __init__(self, objective: Objective, free):
        self.objective, self.free = objective, free
        self._key, self._residuals, self._jacobian = None, None, None

    def _evaluate(self, cube):
        cube = np.asarray(cube, dtype=float)
        key = cube.tobytes()
        if key == self._key:
            return
        p = len(cube)
        steps = np.full(p, JACOBIAN_STEP)
        plus = np.minimum(cube + steps, 1.0)
        minus = np.maximum(cube - steps, 0.0)
        points = [cube]
        for k in range(p):
            for end in (plus[k], minus[k]):
                point = cube.copy()
                point[k] = end
                points.append(point)
        residuals = self.objective.residuals(self.free.to_values(np.array(points)))
        jacobian = np.empty((residuals.shape[1], p))
        for k in range(p):
            jacobian[:, k] = ((residuals[1 + 2 * k] - residuals[2 + 2 * k])
                              / (plus[k] - minus[k]))
        self._key, self._residuals, self._jacobian = key, residuals[0], jacobian

    def residuals(self, cube):
        self._evaluate(cube)
        return self._residuals

    def jacobian(self, cube):
        self._evaluate(cube)
        return self._jacobian


def _reporter(progress):
    if progress is True:
        import sys

        def report(generation, cost):
            print(f"generation {generation}: best cost {cost:.6g} mV^2", file=sys.stderr)

        return report
    if progress is False or progress is None:
        return None
    if not callable(progress):
        raise TypeError(f"progress: expected True, False or a callable, got {progress!r}")
    return progress


def _result(model, free, values, uncertainty, objective, residuals, generations,
            seconds, dt, method, runner, fixed_initial, message, at_bounds) -> FitResult:
    params, fitted_initial = free.split(values)
    quantities = free.quantities(values)
    intervals, errors = {}, {}
    for k, p in enumerate(free.items):
        half = uncertainty.half_widths[k]
        intervals[p.name] = np.array([values[k] - half, values[k] + half]) * p.unit
        errors[p.name] = uncertainty.standard_errors[k] * p.unit
    names = free.names
    correlations = {(names[i], names[j]): float(uncertainty.correlations[i, j])
                    for i in range(len(names)) for j in range(i + 1, len(names))}
    fitted_model = model.with_params(**params) if params else model
    initial = {"v": fitted_model.v_init, **fixed_initial, **fitted_initial}
    traces = objective.traces(values[None, :])
    return FitResult(
        model=fitted_model, free=free, values=values, params=quantities,
        intervals=intervals, standard_errors=errors, noise=uncertainty.noise * mV,
        correlations=correlations, covariance=uncertainty.covariance,
        level=uncertainty.level, condition=uncertainty.condition, at_bounds=at_bounds,
        initial=initial, sweeps=objective.sweeps,
        fitted=tuple(trace[0] * mV for trace in traces),
        cost=float(residuals @ residuals), n_evaluations=objective.n_evaluations,
        n_runs=objective.n_runs, n_generations=generations[0], seconds=seconds, dt=dt,
        method=method, target=runner, message=message)
