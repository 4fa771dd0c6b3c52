"""dV/dt(V) on a slice: v free, the slower variables held, and what its shape tells.

A gate passed by keyword (``n=0.2``) is held at that value; a gate not passed is taken at
its steady state for each v (treated as instantaneous). On such a slice the fixed points
are rest and threshold, and where they meet as the input grows is the fold (a
saddle-node). The simpler models that copy the slice's shape (Izhikevich's quadratic, the
AdEx exponential) are fitted to it here too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from brian2 import Quantity, mm, ms, mV, nA, nS, pF, second, volt
from brian2.units.fundamentalunits import get_dimensions
from scipy.optimize import brentq, least_squares

from ..core.units import CURRENT_DENSITY, check_dimension, show_value
from ..model.functions import ModelFunctions
from .evaluation import (SI_CURRENT, VOLT_PER_SECOND, check_v_range, current_in_si,
                         derivative_1d, held_gates, model_functions, roots_on_grid)

__all__ = ["AdExFit", "FixedPoint", "Fold", "IzhikevichFit", "adex_fit", "dv_dt",
           "fixed_points", "fold", "izhikevich_fit"]


def _slice(functions: ModelFunctions, held: dict, current_si):
    """f(v_SI) = dV/dt in V/s on the slice."""

    def f(v):
        state = functions.with_steady_gates(v, held)
        return functions.derivative("v", I_stim=current_si, **state)

    return f


def dv_dt(model, v, current=0 * CURRENT_DENSITY, **held) -> Quantity:
    """dV/dt as a function of V, with the slow variables held.

    Parameters
    ----------
    model : Model or str
    v : Quantity (voltage)
        Membrane potentials (scalar or array).
    current : Quantity (current density), default 0
        Injected current ``I_stim``; an array broadcasts against ``v``.
    **held : float
        Gates held at fixed values, e.g. ``n=0.1``. Gates not given are at their steady
        state for each v.

    Returns
    -------
    Quantity
        dV/dt in volt/second (divide by ``mV/ms`` for the notebook's unit).

    Examples
    --------
    >>> from brian2 import mV, ms
    >>> from hh_brian.analysis import dv_dt
    >>> rate = dv_dt("hh_2d_reduction", [-54.4, -30]*mV, n=0)
    >>> (rate / (mV/ms)).round(4)
    array([ 0.   , -0.732])
    """
    functions = model_functions(model)
    v_si = np.asarray(check_dimension(v, mV, "v") / volt, dtype=float)
    rate = _slice(functions, held_gates(functions, held), current_in_si(current))(v_si)
    return Quantity(rate, dim=get_dimensions(VOLT_PER_SECOND))


@dataclass(frozen=True)
class FixedPoint:
    """A fixed point of dV/dt(V) on a slice.

    Attributes
    ----------
    v : Quantity
        Where dV/dt = 0.
    slope : Quantity
        d(dV/dt)/dV there (1/second): negative for a stable point, positive for unstable.
    stability : str
        "stable", "unstable" or "degenerate" (zero slope: a fold point).

    Examples
    --------
    >>> from brian2 import ms
    >>> from hh_brian.analysis import fixed_points
    >>> rest = fixed_points("hh_2d_reduction", n=0)[0]
    >>> rest.stability, round(float(rest.slope * ms), 4)  # 1/ms
    ('stable', -0.03)
    """

    v: Quantity
    slope: Quantity
    stability: str

    def __str__(self):
        return f"{self.stability} at {float(self.v / mV):.6g} mV"


def _classify_1d(slope, scale):
    if abs(slope) <= 1e-9 * scale:
        return "degenerate"
    return "stable" if slope < 0 else "unstable"


def fixed_points(model, current=0 * CURRENT_DENSITY, *, v_range=(-100 * mV, 60 * mV),
                 n_grid=4001, **held) -> list[FixedPoint]:
    """All fixed points of dV/dt(V) in a voltage range, with their stability.

    Every sign change of dV/dt on a grid of ``n_grid`` points is refined by Brent's method
    to machine precision. Two fixed points closer than the grid step (just before a fold)
    can be missed; :func:`fold` finds the fold itself.

    Parameters
    ----------
    model : Model or str
    current : Quantity (current density), default 0
    v_range : (Quantity, Quantity)
        Voltage interval searched.
    n_grid : int
        Points of the bracketing grid.
    **held : float
        Gates held at fixed values (others at steady state), e.g. ``n=0``.

    Returns
    -------
    list of FixedPoint
        In increasing v.

    Examples
    --------
    >>> from brian2 import mV
    >>> from hh_brian.analysis import fixed_points
    >>> for point in fixed_points("hh_2d_reduction", v_range=(-100*mV, 5*mV), n=0):
    ...     print(point)
    stable at -54.4 mV
    unstable at 2.0065 mV
    """
    functions = model_functions(model)
    f = _slice(functions, held_gates(functions, held), current_in_si(current))
    lo, hi = check_v_range(v_range)
    if int(n_grid) < 3:
        raise ValueError(f"n_grid: expected at least 3 points, got {n_grid}")
    roots = roots_on_grid(f, lo, hi, int(n_grid))
    scale = np.max(np.abs(derivative_1d(f, np.linspace(lo, hi, 101))))
    points = []
    for root in roots:
        slope = float(derivative_1d(f, np.asarray(root)))
        points.append(FixedPoint(v=root * volt, slope=slope / second,
                                 stability=_classify_1d(slope, scale)))
    return points


def _rest_and_threshold(functions, v_range, held, n_grid=4001):
    """The first stable fixed point followed by an unstable one, at zero input."""
    points = fixed_points(functions, v_range=v_range, n_grid=n_grid, **held)
    for rest, threshold in zip(points, points[1:]):
        if rest.stability == "stable" and threshold.stability == "unstable":
            return rest, threshold
    raise ValueError(f"{functions.model.name}: no stable fixed point (rest) followed by an "
                     f"unstable one (threshold) in v_range at zero input; found: "
                     f"{', '.join(map(str, points)) or 'none'}")


@dataclass(frozen=True)
class Fold:
    """A saddle-node (fold) of dV/dt(V): where a stable and an unstable fixed point meet.

    Attributes
    ----------
    current : Quantity
        The input current at which they meet.
    v : Quantity
        The voltage where they meet: dV/dt and d(dV/dt)/dV both vanish there.

    Examples
    --------
    >>> from brian2 import uA, cm
    >>> from hh_brian.analysis import fold
    >>> round(float(fold("hh_2d_reduction", n=0).current / (uA/cm**2)), 4)
    1.3467
    """

    current: Quantity
    v: Quantity

    def __str__(self):
        return (f"fold at I = {show_value(self.current)} "
                f"({float(self.current / (nA / mm**2)):.6g} nA/mm^2), v = "
                f"{float(self.v / mV):.6g} mV")


def fold(model, *, v_range=(-100 * mV, 60 * mV), n_grid=4001, **held) -> Fold:
    """The fold current: the input at which the resting node meets the threshold node.

    Input enters dV/dt additively, so as it grows the curve dV/dt(V) moves up until its
    minimum between the stable node (rest) and the next unstable node (threshold) touches
    zero. The function solves d(dV/dt)/dV = 0 between the two nodes (Brent's method on a
    central difference), then the input that makes dV/dt vanish there.

    Parameters
    ----------
    model : Model or str
    v_range : (Quantity, Quantity)
        Where to look for the two nodes at zero input.
    n_grid : int
        Points of the bracketing grid.
    **held : float
        Gates held at fixed values, e.g. ``n=0``.

    Returns
    -------
    Fold

    Raises
    ------
    ValueError
        If there is no stable node followed by an unstable one at zero input.

    Examples
    --------
    >>> from brian2 import mV, nA, mm
    >>> from hh_brian.analysis import fold
    >>> f = fold("hh_2d_reduction", n=0)
    >>> round(float(f.current / (nA/mm**2)), 4), round(float(f.v / mV), 3)
    (13.4671, -6.733)
    """
    functions = model_functions(model)
    held = held_gates(functions, held)
    rest, threshold = _rest_and_threshold(functions, v_range, held, n_grid)
    lo, hi = float(rest.v / volt), float(threshold.v / volt)
    f0 = _slice(functions, held, 0.0)
    v_star = brentq(lambda x: float(derivative_1d(f0, np.asarray(x))), lo, hi,
                    xtol=1e-13, rtol=4 * np.finfo(float).eps, maxiter=200)
    # dV/dt is affine in the input: dV/dt(I) = f0 + I * per_unit.
    per_unit = float(_slice(functions, held, 1.0)(np.asarray(v_star))) - float(f0(np.asarray(v_star)))
    current = -float(f0(np.asarray(v_star))) / per_unit
    return Fold(current=current * SI_CURRENT, v=v_star * volt)


@dataclass(frozen=True)
class IzhikevichFit:
    """Izhikevich's quadratic dV/dt = k (V − V_r)(V − V_t) / C matched to a model's slice.

    Attributes
    ----------
    k : Quantity
        The given scale (nS/mV).
    C : Quantity
        The capacitance that matches the slope of dV/dt at rest (pF).
    V_r, V_t : Quantity
        The slice's stable (rest) and unstable (threshold) fixed points: the parabola's zeros.
    slope_at_rest : Quantity
        d(dV/dt)/dV of the model at V_r (1/second); the parabola's equals it by construction.

    Examples
    --------
    >>> from brian2 import nS, pF
    >>> from hh_brian.analysis import izhikevich_fit
    >>> fit = izhikevich_fit("hh_2d_reduction", k=0.7*nS/mV, v_range=(-100*mV, 5*mV), n=0)
    >>> round(float(fit.C / pF)), round(float(fit.V_t / mV), 3)
    (1316, 2.007)
    """

    k: Quantity
    C: Quantity
    V_r: Quantity
    V_t: Quantity
    slope_at_rest: Quantity

    def __str__(self):
        return (f"Izhikevich fit: k = {float(self.k / (nS / mV)):.6g} nS/mV, C = "
                f"{float(self.C / pF):.6g} pF, V_r = {float(self.V_r / mV):.6g} mV, V_t = "
                f"{float(self.V_t / mV):.6g} mV, slope at rest "
                f"{float(self.slope_at_rest * ms):.6g} 1/ms")

    def dv_dt(self, v) -> Quantity:
        """The parabola's dV/dt at potentials v (volt/second)."""
        v = check_dimension(v, mV, "v")
        return self.k * (v - self.V_r) * (v - self.V_t) / self.C


def izhikevich_fit(model, k=0.7 * nS / mV, *, v_range=(-100 * mV, 60 * mV), **held) -> IzhikevichFit:
    """Izhikevich's quadratic with the slice's two fixed points as zeros and its slope at rest.

    The parabola k(V − V_r)(V − V_t)/C has slope k(V_r − V_t)/C at V_r; equating it with the
    model's slope s there gives C = k (V_r − V_t) / s.

    Examples
    --------
    >>> from brian2 import nS, mV, pF
    >>> from hh_brian.analysis import izhikevich_fit
    >>> fit = izhikevich_fit("hh_2d_reduction", k=0.7*nS/mV, v_range=(-100*mV, 5*mV), n=0)
    >>> round(float(fit.C / pF))
    1316
    """
    k = check_dimension(k, nS / mV, "k")
    functions = model_functions(model)
    rest, threshold = _rest_and_threshold(functions, v_range, held_gates(functions, held))
    C = k * (rest.v - threshold.v) / rest.slope
    return IzhikevichFit(k=k, C=C, V_r=rest.v, V_t=threshold.v, slope_at_rest=rest.slope)


@dataclass(frozen=True)
class AdExFit:
    """AdEx's linear + exponential dV/dt fitted to a model's slice.

    dV/dt = (−g_L (V − E_L) + g_L Δ_T exp((V − V_T)/Δ_T) + I) / C, with C the model's C_m,
    so g_L is a conductance per area like the model's.

    Attributes
    ----------
    E_L, V_T, delta_T : Quantity
    g_L : Quantity
        Per area (mS/cm²).
    C : Quantity
        The capacitance used (the model's C_m).
    rms_error, max_error : Quantity
        Of dV/dt over the fitted range (volt/second).
    v_range : tuple of Quantity

    Examples
    --------
    >>> from brian2 import mV, ms
    >>> from hh_brian.analysis import adex_fit
    >>> fit = adex_fit("hh_2d_reduction", n=0)
    >>> round(float(fit.delta_T / mV), 2), bool(fit.rms_error < 0.02*mV/ms)
    (3.19, True)
    """

    E_L: Quantity
    g_L: Quantity
    V_T: Quantity
    delta_T: Quantity
    C: Quantity
    rms_error: Quantity
    max_error: Quantity
    v_range: tuple

    def __str__(self):
        low, high = (float(v / mV) for v in self.v_range)
        return (f"AdEx fit: E_L = {float(self.E_L / mV):.6g} mV, g_L = {show_value(self.g_L)}, "
                f"V_T = {float(self.V_T / mV):.6g} mV, delta_T = "
                f"{float(self.delta_T / mV):.6g} mV, C = {show_value(self.C)}; dV/dt off by "
                f"{float(self.rms_error / (mV / ms)):.4g} mV/ms rms, "
                f"{float(self.max_error / (mV / ms)):.4g} at most, over {low:.4g} to "
                f"{high:.4g} mV")

    def dv_dt(self, v, current=0 * CURRENT_DENSITY) -> Quantity:
        """The fitted AdEx dV/dt at potentials v (volt/second)."""
        v = check_dimension(v, mV, "v")
        exponential = self.g_L * self.delta_T * np.exp(np.asarray((v - self.V_T) / self.delta_T))
        return (-self.g_L * (v - self.E_L) + exponential + current) / self.C


def adex_fit(model, *, v_range=None, n_points=2001, **held) -> AdExFit:
    """Fit AdEx's linear + exponential shape to dV/dt(V) of a slice by least squares.

    Initial guesses come from the slice itself (E_L at the rest point, g_L from the slope
    there, V_T at the minimum of dV/dt), then ``scipy.optimize.least_squares`` fits
    E_L, g_L, V_T and Δ_T on ``n_points`` potentials evenly spread over ``v_range``.
    The default range runs from 35 mV below rest to 5 mV above threshold (the slice's
    stable and unstable fixed points): the part of the curve that AdEx's shape describes.

    Examples
    --------
    >>> from brian2 import mV
    >>> from brian2 import mV, ms
    >>> from hh_brian.analysis import adex_fit
    >>> fit = adex_fit("hh_2d_reduction", n=0)
    >>> round(float(fit.E_L / mV), 1), round(float(fit.V_T / mV), 1)
    (-54.5, -7.2)
    """
    functions = model_functions(model)
    held = held_gates(functions, held)
    rest, threshold = _rest_and_threshold(functions, (-100 * mV, 60 * mV), held)
    if v_range is None:
        v_range = (rest.v - 35 * mV, threshold.v + 5 * mV)
    lo, hi = check_v_range(v_range)
    v = np.linspace(lo, hi, int(n_points))
    target = _slice(functions, held, 0.0)(v)
    C = float(functions._params["C_m"])
    # Guesses from the slice: E_L at rest, g_L from the slope there, V_T at the minimum.
    E_L0 = float(rest.v / volt)
    g_L0 = -float(rest.slope * second) * C
    V_T0 = float(v[np.argmin(target)])

    def model_rate(params):
        E_L, g_L, V_T, delta_T = params
        return (-g_L * (v - E_L) + g_L * delta_T * np.exp((v - V_T) / delta_T)) / C

    # Work in mV/ms-sized numbers so that the solver's tolerances are meaningful.
    scale = np.array([1e-3, 1.0, 1e-3, 1e-3])

    def residual(x):
        return (model_rate(x * scale) - target) / 1e3

    x0 = np.array([E_L0, max(g_L0, 1e-6), V_T0, 3e-3]) / scale
    lower = np.array([lo, 0.0, lo, 1e-5]) / scale
    upper = np.array([hi, np.inf, hi + 0.1, 0.1]) / scale
    solution = least_squares(residual, x0, bounds=(lower, upper), xtol=1e-14, ftol=1e-14,
                             gtol=1e-14, max_nfev=10000)
    E_L, g_L, V_T, delta_T = solution.x * scale
    error = model_rate(solution.x * scale) - target
    rate_unit = VOLT_PER_SECOND
    return AdExFit(
        E_L=E_L * volt, g_L=Quantity(g_L, dim=get_dimensions(functions.model.params["C_m"] / second)),
        V_T=V_T * volt, delta_T=delta_T * volt, C=functions.model.params["C_m"],
        rms_error=float(np.sqrt(np.mean(error**2))) * rate_unit,
        max_error=float(np.max(np.abs(error))) * rate_unit,
        v_range=(lo * volt, hi * volt))
