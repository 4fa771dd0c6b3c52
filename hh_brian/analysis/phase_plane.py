"""The full system, every state variable free: its steady states and, for a model with one
gate, the phase plane (nullclines and vector field).

A fixed point of the full system is a v where dV/dt vanishes with every gate at its steady
state, classified by the eigenvalues of the Jacobian of the whole system.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from brian2 import Quantity, mV, second, volt
from brian2.units.fundamentalunits import get_dimensions

from ..core.units import CURRENT_DENSITY, check_dimension
from ..model.functions import ModelFunctions
from .evaluation import VOLT_PER_SECOND, current_in_si, model_functions
from .slices import fixed_points

__all__ = ["SteadyState", "nullclines", "steady_states", "vector_field"]


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
    functions = model_functions(model)
    current_si = current_in_si(current)
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
    functions = model_functions(model)
    gate = _phase_plane_gate(functions, gate)
    v_si = np.atleast_1d(np.asarray(check_dimension(v, mV, "v") / volt, dtype=float))
    current_si = current_in_si(current)
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
    functions = model_functions(model)
    gate = _phase_plane_gate(functions, gate)
    v_si = np.asarray(check_dimension(v, mV, "v") / volt, dtype=float)
    V, X = np.meshgrid(v_si, np.asarray(gate_values, dtype=float))
    others = {g: functions.value(functions.model.gates[g][0], v=V)
              for g in functions.model.gates if g != gate}
    state = {"v": V, gate: X, **others}
    current_si = current_in_si(current)
    return {"v": V * volt, "gate": X,
            "dv_dt": Quantity(functions.derivative("v", I_stim=current_si, **state),
                              dim=get_dimensions(VOLT_PER_SECOND)),
            "dgate_dt": functions.derivative(gate, I_stim=current_si, **state) / second}
