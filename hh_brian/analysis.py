"""Analysis of a model's equations: dV/dt(V), fixed points, folds, phase planes, fits.

Everything here is computed from the model's own Brian2 equation string, so what is analysed
is exactly what is simulated: :class:`~hh_brian.expressions.ModelFunctions` evaluates the
equations' expressions with numpy, which makes the many evaluations of root finding cheap.
Public functions take and return quantities.

Two kinds of questions are answered:

* **Slices** (``dv_dt``, ``fixed_points``, ``fold``): v is free and the other state
  variables are held. A gate passed by keyword (``n=0.2``) is held at that value; a gate not
  passed is taken at its steady state for each v (treated as instantaneous).
* **The full system** (``steady_states``, ``nullclines``, ``vector_field``): every state
  variable is free; a fixed point is a v where dV/dt vanishes with all gates at steady state,
  classified by the eigenvalues of the Jacobian.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from brian2 import Quantity, mV, nS, second, volt
from brian2.units.fundamentalunits import get_dimensions
from scipy.optimize import brentq, least_squares

from .expressions import ModelFunctions
from .models import Model, get_model
from .units import CURRENT_DENSITY, check_dimension, show_value

__all__ = [
    "AdExFit",
    "FixedPoint",
    "Fold",
    "IzhikevichFit",
    "ModelFunctions",
    "SteadyState",
    "adex_fit",
    "dv_dt",
    "evaluate",
    "fixed_points",
    "fold",
    "gate_curves",
    "izhikevich_fit",
    "nullclines",
    "steady_states",
    "vector_field",
]

_VOLT_PER_SECOND = volt / second


# --------------------------------------------------------------------------------------------
# Checking arguments


def _model_of(model) -> ModelFunctions:
    if isinstance(model, ModelFunctions):
        return model
    model = get_model(model)
    if model.batch_size is not None:
        raise ValueError("model: analysis needs scalar parameters, not a batch")
    return ModelFunctions(model)


def _held(functions: ModelFunctions, held: dict) -> dict:
    gates = functions.model.gates
    out = {}
    for name, value in held.items():
        if name not in gates:
            raise ValueError(f"{name}: not a gate of {functions.model.name}; gates that can be "
                             f"held: {', '.join(gates) or 'none'}")
        out[name] = np.asarray(check_dimension(value, 1, name), dtype=float)
    return out


_SI_CURRENT = Quantity(1.0, dim=get_dimensions(CURRENT_DENSITY))  # 1 A/m^2


def _current_si(current) -> np.ndarray:
    current = check_dimension(current, CURRENT_DENSITY, "current")
    return np.asarray(current / _SI_CURRENT, dtype=float)


def _v_range(v_range):
    lo, hi = v_range
    lo, hi = check_dimension(lo, mV, "v_range"), check_dimension(hi, mV, "v_range")
    if not lo < hi:
        raise ValueError(f"v_range: expected (low, high) with low < high, got "
                         f"({show_value(lo)}, {show_value(hi)})")
    return float(lo / volt), float(hi / volt)


# --------------------------------------------------------------------------------------------
# Evaluating expressions


def evaluate(model, names, v, **values) -> dict[str, Quantity]:
    """Evaluate subexpressions of a model at given membrane potentials.

    Parameters
    ----------
    model : Model or str
        The model (its parameters are used; they must be scalars).
    names : sequence of str
        Subexpressions or variables to evaluate, e.g. ``["m_inf", "tau_m", "I_Na"]``.
    v : Quantity (voltage)
        Membrane potentials, scalar or array.
    **values : float or Quantity
        Gates (dimensionless) and ``I_stim`` (current density), scalars or arrays like ``v``.
        Gates not given are set to their steady state at ``v``.

    Returns
    -------
    dict of str to Quantity
        One array per name, shaped like ``v``.

    Examples
    --------
    >>> from brian2 import mV
    >>> from hh_brian.analysis import evaluate
    >>> out = evaluate("hodgkin_huxley", ["m_inf"], [-65, -40]*mV)
    >>> out["m_inf"].round(4)
    array([0.0529, 0.5006])
    """
    functions = _model_of(model)
    v_si = np.asarray(check_dimension(v, mV, "v") / volt, dtype=float)
    current = values.pop("I_stim", None)
    state = functions.with_steady_gates(v_si, _held(functions, values))
    if current is not None:
        state["I_stim"] = _current_si(current)
    out = {}
    for name in names:
        if name not in functions.dims:
            raise ValueError(f"names: {name!r} is not an expression of "
                             f"{functions.model.name}; valid: {', '.join(functions.dims)}")
        value = np.broadcast_to(functions.value(name, **state), np.shape(v_si))
        out[name] = Quantity(np.array(value), dim=functions.dims[name])
    return out


def gate_curves(model, v) -> dict[str, dict[str, Quantity]]:
    """Steady state and time constant of every gate of a model over membrane potentials.

    Returns
    -------
    dict
        ``{gate: {"steady_state": array, "time_constant": Quantity}}`` for each gate.

    Examples
    --------
    >>> from brian2 import mV, ms
    >>> from hh_brian.analysis import gate_curves
    >>> curves = gate_curves("gated_conductance", [-10]*mV)
    >>> curves["a"]["time_constant"] / ms  # the bell's peak, 1 ms at -10 mV
    array([1.])
    """
    model: Model = get_model(model)
    names = [name for pair in model.gates.values() for name in pair]
    values = evaluate(model, names, v)
    return {gate: {"steady_state": values[inf], "time_constant": values[tau]}
            for gate, (inf, tau) in model.gates.items()}


# --------------------------------------------------------------------------------------------
# The 1-variable slice: dV/dt(V) with the slow variables held


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
    functions = _model_of(model)
    v_si = np.asarray(check_dimension(v, mV, "v") / volt, dtype=float)
    rate = _slice(functions, _held(functions, held), _current_si(current))(v_si)
    return Quantity(rate, dim=get_dimensions(_VOLT_PER_SECOND))


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


def _derivative_1d(f, x, h=1e-7):
    """Central difference; h = 1e-7 V (0.1 µV) balances truncation and rounding error."""
    return (f(x + h) - f(x - h)) / (2 * h)


def _roots(f, lo, hi, n_grid):
    """Every root of f on [lo, hi]: bracketed by sign changes on a grid, refined by brentq."""
    grid = np.linspace(lo, hi, n_grid)
    values = f(grid)
    roots = list(grid[values == 0.0])
    sign_change = np.flatnonzero(np.sign(values[:-1]) * np.sign(values[1:]) < 0)
    for k in sign_change:
        roots.append(brentq(lambda x: float(f(np.asarray(x))), grid[k], grid[k + 1],
                            xtol=1e-15, rtol=4 * np.finfo(float).eps, maxiter=200))
    return np.sort(np.asarray(roots, dtype=float))


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
    functions = _model_of(model)
    f = _slice(functions, _held(functions, held), _current_si(current))
    lo, hi = _v_range(v_range)
    if int(n_grid) < 3:
        raise ValueError(f"n_grid: expected at least 3 points, got {n_grid}")
    roots = _roots(f, lo, hi, int(n_grid))
    scale = np.max(np.abs(_derivative_1d(f, np.linspace(lo, hi, 101))))
    points = []
    for root in roots:
        slope = float(_derivative_1d(f, np.asarray(root)))
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
    functions = _model_of(model)
    held = _held(functions, held)
    rest, threshold = _rest_and_threshold(functions, v_range, held, n_grid)
    lo, hi = float(rest.v / volt), float(threshold.v / volt)
    f0 = _slice(functions, held, 0.0)
    v_star = brentq(lambda x: float(_derivative_1d(f0, np.asarray(x))), lo, hi,
                    xtol=1e-13, rtol=4 * np.finfo(float).eps, maxiter=200)
    # dV/dt is affine in the input: dV/dt(I) = f0 + I * per_unit.
    per_unit = float(_slice(functions, held, 1.0)(np.asarray(v_star))) - float(f0(np.asarray(v_star)))
    current = -float(f0(np.asarray(v_star))) / per_unit
    return Fold(current=current * _SI_CURRENT, v=v_star * volt)


# --------------------------------------------------------------------------------------------
# The full system: every state variable free


@dataclass(frozen=True)
class SteadyState:
    """A fixed point of the full system.

    Attributes
    ----------
    state : dict of str to Quantity
        v and every gate (each gate at its steady state for v).
    eigenvalues : Quantity
        Eigenvalues of the Jacobian (1/second), complex in general.
    kind : str
        "stable node" or "unstable node" (real eigenvalues of one sign), "stable focus" or
        "unstable focus" (complex ones, real parts of one sign), "saddle" or "saddle-focus"
        (real parts of both signs; the latter with a complex pair), or "degenerate" (an
        eigenvalue with zero real part, e.g. at a bifurcation).

    Examples
    --------
    >>> from hh_brian.analysis import steady_states
    >>> (rest,) = steady_states("hodgkin_huxley")
    >>> rest.kind, round(float(rest.v / mV), 2)
    ('stable focus', -64.95)
    """

    state: dict
    eigenvalues: np.ndarray
    kind: str

    @property
    def v(self):
        return self.state["v"]

    def __str__(self):
        ev = ", ".join(f"{z.real:.4g}{z.imag:+.4g}j" for z in np.asarray(self.eigenvalues) / 1000)
        return f"{self.kind} at {float(self.v / mV):.6g} mV (eigenvalues {ev} 1/ms)"


def _jacobian(functions: ModelFunctions, state: dict, current_si) -> np.ndarray:
    # Central differences; a step of 1e-7 (0.1 µV for v, 1e-7 for gates) balances
    # truncation and rounding error.
    h = 1e-7
    names = functions.model.state_variables
    jac = np.empty((len(names), len(names)))
    for j, wrt in enumerate(names):
        plus, minus = dict(state), dict(state)
        plus[wrt] = state[wrt] + h
        minus[wrt] = state[wrt] - h
        for i, of in enumerate(names):
            d_plus = functions.derivative(of, I_stim=current_si, **plus)
            d_minus = functions.derivative(of, I_stim=current_si, **minus)
            jac[i, j] = (d_plus - d_minus) / (2 * h)
    return jac


def _classify(eigenvalues) -> str:
    re = np.real(eigenvalues)
    scale = max(np.max(np.abs(eigenvalues)), 1e-300)
    if np.any(np.abs(re) <= 1e-9 * scale):
        return "degenerate"
    complex_pair = np.any(np.abs(np.imag(eigenvalues)) > 1e-12 * scale)
    if np.all(re < 0):
        return "stable focus" if complex_pair else "stable node"
    if np.all(re > 0):
        return "unstable focus" if complex_pair else "unstable node"
    return "saddle-focus" if complex_pair else "saddle"


def steady_states(model, current=0 * CURRENT_DENSITY, *, v_range=(-100 * mV, 60 * mV),
                  n_grid=4001) -> list[SteadyState]:
    """Fixed points of the full system, with the Jacobian's eigenvalues and their kind.

    At a fixed point every gate sits at its steady state, so the fixed points are the roots
    of dV/dt(V) with all gates at steady state: found like :func:`fixed_points`, then
    classified from the eigenvalues of the Jacobian of the whole system (central
    differences).

    Examples
    --------
    >>> from hh_brian.analysis import steady_states
    >>> from brian2 import mV
    >>> for s in steady_states("hh_2d_reduction"):
    ...     print(s.kind, round(float(s.v / mV), 3))
    stable node -54.4
    """
    functions = _model_of(model)
    current_si = _current_si(current)
    points = fixed_points(functions, current, v_range=v_range, n_grid=n_grid)
    out = []
    for point in points:
        v_si = float(point.v / volt)
        state = functions.with_steady_gates(np.asarray(v_si), {})
        state = {k: float(val) for k, val in state.items()}
        eigenvalues = np.linalg.eigvals(_jacobian(functions, state, current_si))
        quantities = {"v": v_si * volt, **{g: state[g] for g in functions.model.gates}}
        out.append(SteadyState(state=quantities, eigenvalues=eigenvalues / second,
                               kind=_classify(eigenvalues)))
    return out


def nullclines(model, v, current=0 * CURRENT_DENSITY, *, gate=None, gate_range=(0.0, 1.0)):
    """The v- and gate-nullclines of a 2D model (or of v and one gate, others at steady state).

    Parameters
    ----------
    model : Model or str
    v : Quantity (voltage)
        Potentials at which to compute the nullclines.
    current : Quantity (current density)
    gate : str, optional
        The slow variable of the phase plane; default: the model's only (or first) gate.
    gate_range : (float, float)
        Interval searched for the v-nullcline's gate value.

    Returns
    -------
    dict
        ``"v"``: the potentials; ``"gate_nullcline"``: the gate's steady state at each v;
        ``"v_nullcline"``: the gate value where dV/dt = 0 at each v (NaN where none lies
        in ``gate_range``; where dV/dt is monotonic in the gate there is at most one).

    Examples
    --------
    >>> from brian2 import mV
    >>> from hh_brian.analysis import nullclines
    >>> lines = nullclines("hh_2d_reduction", [-54.4, -60]*mV)
    >>> lines["v_nullcline"].round(4)  # dV/dt = 0 at these n; at -54.4 mV n is nearly 0
    array([0.0009, 0.1287])
    """
    functions = _model_of(model)
    gate = _phase_plane_gate(functions, gate)
    v_si = np.atleast_1d(np.asarray(check_dimension(v, mV, "v") / volt, dtype=float))
    current_si = _current_si(current)
    steady_state = functions.model.gates[gate][0]
    others = {g: functions.value(functions.model.gates[g][0], v=v_si)
              for g in functions.model.gates if g != gate}

    def f(x):
        return functions.derivative("v", v=v_si, I_stim=current_si, **others, **{gate: x})

    lo, hi = (float(g) for g in gate_range)
    x_lo, x_hi = np.full_like(v_si, lo), np.full_like(v_si, hi)
    f_lo, f_hi = f(x_lo), f(x_hi)
    bracketed = np.sign(f_lo) * np.sign(f_hi) <= 0
    # Vectorised bisection: 60 halvings take the bracket below 1e-18.
    for _ in range(60):
        mid = 0.5 * (x_lo + x_hi)
        f_mid = f(mid)
        left = np.sign(f_mid) == np.sign(f_lo)
        x_lo, f_lo = np.where(left, mid, x_lo), np.where(left, f_mid, f_lo)
        x_hi = np.where(left, x_hi, mid)
    v_null = np.where(bracketed, 0.5 * (x_lo + x_hi), np.nan)
    return {"v": v_si * volt, "gate": gate,
            "gate_nullcline": np.asarray(functions.value(steady_state, v=v_si)),
            "v_nullcline": v_null}


def _phase_plane_gate(functions: ModelFunctions, gate):
    gates = list(functions.model.gates)
    if not gates:
        raise ValueError(f"model: {functions.model.name} has no gate for a phase plane")
    if gate is None:
        return gates[0]
    if gate not in gates:
        raise ValueError(f"gate: {gate!r} is not a gate of {functions.model.name}; valid: "
                         f"{', '.join(gates)}")
    return gate


def vector_field(model, v, gate_values, current=0 * CURRENT_DENSITY, *, gate=None):
    """dV/dt and d(gate)/dt on a grid of (v, gate), other gates at steady state.

    Returns
    -------
    dict
        ``"v"`` and ``"gate"`` (2D grids, v along columns), ``"dv_dt"`` (Quantity, volt/second)
        and ``"dgate_dt"`` (Quantity, 1/second).

    Examples
    --------
    >>> from hh_brian.analysis import vector_field
    >>> field = vector_field("hh_2d_reduction", [-60, 0]*mV, [0.0, 0.5, 1.0])
    >>> field["dv_dt"].shape  # (gate values, potentials)
    (3, 2)
    """
    functions = _model_of(model)
    gate = _phase_plane_gate(functions, gate)
    v_si = np.asarray(check_dimension(v, mV, "v") / volt, dtype=float)
    V, X = np.meshgrid(v_si, np.asarray(gate_values, dtype=float))
    others = {g: functions.value(functions.model.gates[g][0], v=V)
              for g in functions.model.gates if g != gate}
    state = {"v": V, gate: X, **others}
    current_si = _current_si(current)
    return {"v": V * volt, "gate": X,
            "dv_dt": Quantity(functions.derivative("v", I_stim=current_si, **state),
                              dim=get_dimensions(_VOLT_PER_SECOND)),
            "dgate_dt": functions.derivative(gate, I_stim=current_si, **state) / second}


# --------------------------------------------------------------------------------------------
# Simpler models' dV/dt shapes


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
    functions = _model_of(model)
    rest, threshold = _rest_and_threshold(functions, v_range, _held(functions, held))
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
    functions = _model_of(model)
    held = _held(functions, held)
    rest, threshold = _rest_and_threshold(functions, (-100 * mV, 60 * mV), held)
    if v_range is None:
        v_range = (rest.v - 35 * mV, threshold.v + 5 * mV)
    lo, hi = _v_range(v_range)
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
    rate_unit = _VOLT_PER_SECOND
    return AdExFit(
        E_L=E_L * volt, g_L=Quantity(g_L, dim=get_dimensions(functions.model.params["C_m"] / second)),
        V_T=V_T * volt, delta_T=delta_T * volt, C=functions.model.params["C_m"],
        rms_error=float(np.sqrt(np.mean(error**2))) * rate_unit,
        max_error=float(np.max(np.abs(error))) * rate_unit,
        v_range=(lo * volt, hi * volt))
