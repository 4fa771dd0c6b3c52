"""Fitting a model's parameters to recorded sweeps: a global search, then a local polish.

The cost, the sum of squared differences between the model's v and the recording, is
multimodal: a candidate whose spikes fall a few milliseconds off is as far from the data as
one that does not spike at all, and a local least-squares fit started at the model's
defaults lands in a wrong minimum. So the fit first searches the whole box of bounds with
scipy's differential evolution, each generation of candidates evaluated as one Brian2 run
per sweep, of a batch with one neuron per candidate (``vectorized=True``), and then polishes the best
candidate with a trust-region least-squares fit (scipy's ``least_squares``) whose Jacobian
comes from one batched run of the 2p candidates of central differences. The uncertainty of
the estimate is read off that Jacobian (:mod:`hh_brian.fit.uncertainty`); whether the fit
converged, from how each stage stopped (:mod:`hh_brian.fit.convergence`).
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Mapping

import numpy as np
from brian2 import ms, mV
from scipy import optimize

from ..core.units import positive_time
from ..model.checks import check_initial
from ..model.core import Model, get_model
from ..simulation.progress import ProgressBar
from ..targets.registry import get_target
from .convergence import (
    Convergence,
    FitNotConverged,
    polish_convergence,
    search_convergence,
)
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
#: The model is integrated with a fixed step, so v is a smooth function of the parameters,
#: but not always a gentle one: near the threshold of repetitive firing a late spike's time
#: bends sharply with g_Na. A step of 1e-5 then left the Jacobian of a noise-free HH
#: recording wrong by a factor of two in its weakest direction, and the polish, misled,
#: crawled along the valley for a thousand evaluations; at 1e-6, 1e-7 and 1e-8 the Jacobian
#: is the same, and the polish converges in a few dozen. 1e-7 keeps the truncation error
#: small there too, and the rounding error of v (1e-12 mV) far below the differences.
JACOBIAN_STEP = 1e-7

#: The polish stops after this many evaluations per free quantity (scipy's own default).
POLISH_EVALUATIONS = 100


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
        True shows a progress bar on standard error, on one line (after 2 s): the search's
        generation, its best cost and the time elapsed, then the polish's evaluations. A
        callable gets ``(generation, best_cost_mV2)`` after each generation.

    Returns
    -------
    FitResult
        Its ``converged`` says whether the fit met its tests, and ``convergence`` how each
        stage stopped.

    Warns
    -----
    FitNotConverged
        When the fit did not converge: its intervals are then not confidence intervals
        (see Notes).

    Raises
    ------
    ValueError
        For a recording with NaN, a current of the wrong length, an unknown parameter, bounds
        outside the physical range, a sampling interval that is not a whole number of steps,
        or invalid options; before anything is compiled or run.
    DimensionMismatchError
        For a recording, current, bound, dt or fixed value in the wrong dimension.

    Notes
    -----
    The fit converged when both of its stages met their own tests
    (:mod:`hh_brian.fit.convergence`):

    * the search settled: the spread of its population's costs fell below ``tol`` times
      their mean (scipy's test), or, at ``maxiter`` generations, its population had gathered
      within 5 % of each search range (as it does near the optimum of a recording without
      noise, whose costs, all falling towards zero, seldom agree relative to their mean);
    * the polish stopped on its ``ftol``, ``xtol`` or ``gtol`` test (all 1e-10), not at its
      limit of 100 evaluations per free quantity.

    Without a polish, the search settling is enough. A fit that did not converge warns
    (:class:`~hh_brian.fit.FitNotConverged`), and its printed table marks the intervals:
    read where the polish stopped short of a minimum of the cost, they are not confidence
    intervals (their centre is not the minimum); at a minimum the search did not settle on,
    they hold only if that minimum is the global one.

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
    >>> bool(low < 0.5 < high), round(float(result.noise / mV), 1), result.converged
    (True, 0.5, True)
    """
    model, free, fixed_initial = _fixed_and_free(get_model(model), params, initial, free)
    dt = positive_time(dt, "dt")
    sweeps = _sweeps(recording, current, recording_dt, dt)
    runner = get_target(target)
    _check_search(popsize, maxiter, tol, level)
    report = _Progress.of(progress, maxiter)

    p = len(free)
    batch = max(popsize * p, 2 * p + 1)
    # Plans every sweep's run: the method and the rest are checked here, before any run.
    objective = Objective(model=model, sweeps=sweeps, free=free, dt=dt, method=method,
                          target=runner, batch_size=batch, initial=fixed_initial)
    began = time.perf_counter()
    try:
        search, generations = _search(objective, free, popsize, maxiter, tol, seed, report)
        settled, search_said = search_convergence(search, maxiter=maxiter, tol=tol)
        best = np.clip(search.x, 0.0, 1.0)
        message = f"search: {search.message}"
        jacobians = _JacobianCache(objective, free)
        polished, polish_said = None, ""
        if polish:
            max_nfev = POLISH_EVALUATIONS * p
            jacobians.on_evaluation = report.polish
            fitted = optimize.least_squares(jacobians.residuals, best, jac=jacobians.jacobian,
                                            bounds=(0.0, 1.0), method="trf", x_scale="jac",
                                            xtol=1e-10, ftol=1e-10, gtol=1e-10,
                                            max_nfev=max_nfev)
            jacobians.on_evaluation = None
            best = np.clip(fitted.x, 0.0, 1.0)
            message += f"; polish: {fitted.message}"
            polished, polish_said = polish_convergence(fitted, max_nfev=max_nfev,
                                                       costs=jacobians.accepted_costs)
    finally:
        report.close()
    convergence = Convergence(search_settled=settled, search=search_said,
                              polish_converged=polished, polish=polish_said)
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
    result = _result(model, free, values, uncertainty, objective, residuals, generations,
                     time.perf_counter() - began, dt, method, runner, fixed_initial, message,
                     at_bounds=tuple(n for n, u in zip(free.names, best)
                                     if u <= AT_BOUND or u >= 1 - AT_BOUND),
                     convergence=convergence)
    if not convergence.converged:
        warnings.warn(FitNotConverged(f"{model.name}: {convergence.summary(level)}"),
                      stacklevel=2)
    return result


def _search(objective, free, popsize, maxiter, tol, seed, report):
    """Differential evolution over the unit cube, each generation one batch per sweep;
    returns scipy's result and the number of generations."""
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
        report.generation(generations[0], float(intermediate_result.fun))

    try:
        search = optimize.differential_evolution(
            population_cost, bounds=[(0.0, 1.0)] * len(free), popsize=popsize,
            maxiter=maxiter, tol=tol, seed=seed, polish=False, init="latinhypercube",
            updating="deferred", vectorized=True, callback=callback)
    except Exception:
        if failures:
            raise failures[0] from None
        raise
    return search, generations[0]


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

    Attributes
    ----------
    accepted_costs : list of float
        The cost at each point whose Jacobian was asked for (the points the polish kept).
    on_evaluation : callable or None
        Called with ``(evaluations, cost)`` after each new point is evaluated.
    """

    def __init__(self, objective: Objective, free):
        self.objective, self.free = objective, free
        self._key, self._residuals, self._jacobian = None, None, None
        self.accepted_costs, self.on_evaluation, self._evaluations = [], None, 0

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
        self._evaluations += 1
        if self.on_evaluation is not None:
            self.on_evaluation(self._evaluations, float(residuals[0] @ residuals[0]))

    def residuals(self, cube):
        self._evaluate(cube)
        return self._residuals

    def jacobian(self, cube):
        self._evaluate(cube)
        self.accepted_costs.append(float(self._residuals @ self._residuals))
        return self._jacobian


class _Progress:
    """What a fit reports as it goes: a progress bar on standard error, a callable's
    generations, or nothing.

    The bar fills with the search's generations (``maxiter`` at most; the search often
    settles before), then shows the polish's evaluations.

    Examples
    --------
    >>> import io
    >>> stream = io.StringIO()
    >>> report = _Progress(ProgressBar(stream, delay=0, width=10), None, maxiter=4)
    >>> report.generation(1, 1234.5)
    >>> report.generation(2, 99.0)
    >>> report.polish(3, 12.0)
    >>> report.close()
    >>> print(stream.getvalue().replace("\\r", "\\n").strip())  # doctest: +ELLIPSIS
    [##........] generation 1 of at most 4, best cost 1234 mV^2, ... s elapsed
    [#####.....] generation 2 of at most 4, best cost 99 mV^2, ... s elapsed...
    [##########] polish: evaluation 3, cost 12 mV^2, ... s elapsed
    """

    def __init__(self, bar, callback, maxiter: int):
        self.bar, self.callback, self.maxiter = bar, callback, maxiter
        self.began = time.perf_counter()

    @classmethod
    def of(cls, progress, maxiter: int) -> _Progress:
        """From ``fit_trace``'s ``progress``: True, False (or None), or a callable."""
        if progress is True:
            return cls(ProgressBar(width=20), None, maxiter)
        if progress is False or progress is None:
            return cls(None, None, maxiter)
        if not callable(progress):
            raise TypeError(f"progress: expected True, False or a callable, got {progress!r}")
        return cls(None, progress, maxiter)

    def _show(self, completed: float, text: str) -> None:
        if self.bar is not None:
            seconds = time.perf_counter() - self.began
            self.bar.show(completed, seconds, f"{text}, {seconds:.1f} s elapsed")

    def generation(self, generation: int, cost: float) -> None:
        if self.callback is not None:
            self.callback(generation, cost)
        self._show(generation / self.maxiter, f"generation {generation} of at most "
                                              f"{self.maxiter}, best cost {cost:.4g} mV^2")

    def polish(self, evaluations: int, cost: float) -> None:
        self._show(1.0, f"polish: evaluation {evaluations}, cost {cost:.4g} mV^2")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _result(model, free, values, uncertainty, objective, residuals, generations,
            seconds, dt, method, runner, fixed_initial, message, at_bounds,
            convergence) -> FitResult:
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
        n_runs=objective.n_runs, n_generations=generations, seconds=seconds, dt=dt,
        method=method, target=runner, convergence=convergence, message=message)
