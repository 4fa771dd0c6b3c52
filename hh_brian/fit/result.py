"""What a fit gives back: the estimate, how sure it is, and the model to use it with."""

from __future__ import annotations

import json
import pathlib
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from brian2 import Quantity, ms

from ..core.units import to_display
from ..model.core import Model
from ..simulation.result import SimulationResult
from ..simulation.run import simulate
from .convergence import Convergence
from .parameters import FreeParameters

__all__ = ["FitResult"]


@dataclass(frozen=True)
class FitResult:
    """A fitted model with its confidence intervals, noise estimate and correlations.

    Attributes
    ----------
    model : Model
        The model with the fitted parameters (and the fixed ones of the fit).
    params : dict of str to Quantity
        The estimate of every free quantity (a free initial value under its state
        variable's name).
    intervals : dict of str to Quantity
        The ``level`` confidence interval of each, a Quantity ``[low, high]``: estimate ± the
        t quantile × standard error, not clipped to the search bounds or the physical range
        (an interval that crosses them says the data allow values beyond them). Only when
        the fit converged: otherwise the same formula at the point where it stopped.
    standard_errors : dict of str to Quantity
    noise : Quantity
        The estimated standard deviation of the recording's noise (mV): the residuals' root
        mean square, corrected for the p fitted parameters.
    correlations : dict of (str, str) to float
        The correlation of the estimates of each pair of free quantities: near ±1, the pair
        trades off (the recording fixes a combination of the two better than either).
    level : float
        Confidence level of the intervals (0.95).
    condition : float
        Condition number of the residuals' Jacobian at the estimate.
    at_bounds : tuple of str
        Free quantities whose estimate lies on a bound of the search: the optimum may lie
        beyond it, and their intervals mean little.
    initial : dict of str to Quantity
        The initial state the fitted runs start from (given, fitted or the model's rule:
        v_init and gates at their steady state).
    sweeps : tuple of Sweep
        The recordings fitted.
    fitted : tuple of Quantity
        The fitted model's v at each sweep's samples.
    cost : float
        The sum of squared residuals at the estimate (mV²).
    n_evaluations : int
        Model evaluations: one per candidate and sweep simulated.
    n_runs : int
        Brian2 runs (each a batch of candidates).
    n_generations : int
        Generations of the global search.
    seconds : float
        Wall time of the whole fit.
    dt, method, target
        How the fitted model was simulated.
    convergence : Convergence
        How the search and the polish stopped, and whether each met its own test
        (:mod:`hh_brian.fit.convergence`).
    converged : bool
        Both met their tests: the estimate is a minimum of the cost, and the intervals are
        confidence intervals. A fit that did not converge says so when printed, and marks
        its intervals.
    message : str
        What the optimisers said.

    Examples
    --------
    >>> import numpy as np  # doctest: +SLOW
    >>> from brian2 import ms, mV, mS, uA, cm
    >>> import hh_brian
    >>> from hh_brian import fit, stimuli
    >>> step = stimuli.step(5*uA/cm**2, start=2*ms)
    >>> truth = hh_brian.simulate("passive_membrane", 20*ms, step, target="numpy",
    ...                           params={"g_L": 0.5*mS/cm**2}, dt=0.1*ms)
    >>> noisy = truth.v + np.random.default_rng(1).normal(0, 0.5, truth.v.shape) * mV
    >>> result = fit.fit_trace("passive_membrane", noisy, step, dt=0.1*ms,
    ...                        free={"g_L": (0.1, 2)*mS/cm**2}, target="numpy")
    >>> print(result)  # doctest: +ELLIPSIS
    passive_membrane fitted to 1 sweep(s), 200 samples
                      estimate                 95% interval  unit
    g_L               0.50...  [    0.49...,     0.50...]  mS/cm^2
    noise 0.4... mV; ... model evaluations in ... runs, ... s
    the fit converged: the search settled in ... generations (costs within tol = 0.01); the polish met its ... test in ... evaluations
    >>> later = result.predict(stimuli.step(-5*uA/cm**2, start=2*ms))  # another protocol
    >>> float(later.v[-1] / mV) < -65
    True
    """

    model: Model
    free: FreeParameters
    values: np.ndarray
    params: Mapping[str, Quantity]
    intervals: Mapping[str, Quantity]
    standard_errors: Mapping[str, Quantity]
    noise: Quantity
    correlations: Mapping[tuple, float]
    covariance: np.ndarray
    level: float
    condition: float
    at_bounds: tuple
    initial: Mapping[str, Quantity]
    sweeps: tuple
    fitted: tuple
    cost: float
    n_evaluations: int
    n_runs: int
    n_generations: int
    seconds: float
    dt: Quantity
    method: str
    target: object
    convergence: Convergence
    message: str = ""

    @property
    def converged(self) -> bool:
        """Whether the search and the polish met their tests (:attr:`convergence`)."""
        return self.convergence.converged

    def predict(self, current=None, duration=None, **options) -> SimulationResult:
        """Simulate the fitted model under another protocol.

        Parameters
        ----------
        current : Stimulus or Quantity, optional
            Any current :func:`hh_brian.simulate` accepts (default: the first sweep's).
        duration : Quantity, optional
            Default: the first sweep's duration.
        **options
            Further :func:`hh_brian.simulate` options; by default the fit's dt, method and
            target, starting from the fit's initial state.
        """
        first = self.sweeps[0]
        current = first.current if current is None else current
        duration = first.duration if duration is None else duration
        options = {"dt": self.dt, "method": self.method, "target": self.target,
                   "initial": dict(self.initial), **options}
        return simulate(self.model, duration, current, **options)

    def table(self) -> list[dict]:
        """One row per free quantity: name, estimate, interval, standard error, unit."""
        rows = []
        for p in self.free.items:
            low, high = self.intervals[p.name]
            rows.append({"name": p.name, "estimate": float(self.params[p.name] / p.unit),
                         "low": float(low / p.unit), "high": float(high / p.unit),
                         "standard_error": float(self.standard_errors[p.name] / p.unit),
                         "unit": p.unit_name, "initial_value": p.initial,
                         "at_bound": p.name in self.at_bounds})
        return rows

    def __str__(self) -> str:
        # Intervals read where the fit stopped short are marked, with a note under the table.
        note = self.convergence.interval_note(self.level)
        n_samples = sum(s.n_samples for s in self.sweeps)
        lines = [f"{self.model.name} fitted to {len(self.sweeps)} sweep(s), {n_samples} samples"]
        if note:
            lines.append("NOT CONVERGED: " + "; ".join(self.convergence.reasons))
        heading = "interval*" if note else f"{self.level:.0%} interval"
        lines.append(f"{'':14}{'estimate':>12}  {heading:>27}  unit")
        for row in self.table():
            name = row["name"] + (" (initial)" if row["initial_value"] else "")
            flag = "  at a bound" if row["at_bound"] else ""
            lines.append(f"{name:14}{row['estimate']:12.6g}  [{row['low']:12.6g}, "
                         f"{row['high']:12.6g}]  {row['unit']}{flag}")
        if note:
            lines.append(f"* {note}")
        noise, _ = to_display(self.noise)
        lines.append(f"noise {float(noise):.4g} mV; {self.n_evaluations} model evaluations in "
                     f"{self.n_runs} runs, {self.seconds:.1f} s")
        if not note:
            lines.append(self.convergence.summary(self.level))
        strong = [(pair, r) for pair, r in self.correlations.items() if abs(r) >= 0.8]
        for (a, b), r in strong:
            lines.append(f"{a} and {b} trade off (correlation {r:+.2f})")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        """Plain numbers in display units, for JSON."""
        noise, _ = to_display(self.noise)
        return {
            "model": self.model.name,
            "estimates": self.table(),
            "level": self.level,
            "converged": self.converged,
            # What "low" and "high" are when the fit did not converge ("" when it did).
            "interval_note": self.convergence.interval_note(self.level),
            "convergence": self.convergence.to_dict(),
            "noise_mV": float(noise),
            "correlations": [{"a": a, "b": b, "r": r} for (a, b), r in
                             self.correlations.items()],
            "condition": self.condition,
            "cost_mV2": self.cost,
            "n_samples": sum(s.n_samples for s in self.sweeps),
            "n_evaluations": self.n_evaluations,
            "n_runs": self.n_runs,
            "n_generations": self.n_generations,
            "seconds": self.seconds,
            "dt_ms": float(self.dt / ms),
            "method": self.method,
            "target": getattr(self.target, "name", str(self.target)),
            "fixed_params": {name: _display(value) for name, value in self.model.params.items()
                             if name not in self.params},
            "initial": {name: _display(value) for name, value in self.initial.items()},
            "message": self.message,
        }

    def to_json(self, path) -> pathlib.Path:
        """Write :meth:`to_dict` as JSON to ``path``."""
        path = pathlib.Path(path)
        path.write_text(json.dumps(self.to_dict(), indent=2) + "\n")
        return path

    def plot(self, fig=None):
        """Data and fit, residuals, and each estimate with its interval; returns the Figure."""
        from .plot import plot_fit

        return plot_fit(self, fig=fig)

    def __repr__(self) -> str:
        values = ", ".join(f"{name}={_display(value)}" for name, value in self.params.items())
        return f"<FitResult {self.model.name}: {values}>"


def _display(value) -> str:
    number, unit = to_display(value)
    return f"{float(number):.6g}" + ("" if unit == "1" else f" {unit}")
