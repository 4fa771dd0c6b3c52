"""Evaluating a model's expressions with numpy, and the arguments every analysis shares.

Everything in :mod:`hh_brian.analysis` is computed from the model's own Brian2 equation
string through :class:`~hh_brian.model.functions.ModelFunctions`, so what is analysed is
exactly what is simulated. This module evaluates named expressions (:func:`evaluate`,
:func:`gate_curves`) and holds what the other analyses share: the model's functions, the
checked arguments, root finding on a grid.
"""

from __future__ import annotations

import numpy as np
from brian2 import Quantity, mV, second, volt
from brian2.units.fundamentalunits import get_dimensions
from scipy.optimize import brentq

from ..core.units import CURRENT_DENSITY, check_dimension, show_value
from ..model.core import Model, get_model
from ..model.functions import ModelFunctions

__all__ = ["evaluate", "gate_curves"]

#: The SI unit of dV/dt.
VOLT_PER_SECOND = volt / second
#: 1 A/m², the SI unit of a current density.
SI_CURRENT = Quantity(1.0, dim=get_dimensions(CURRENT_DENSITY))


def model_functions(model) -> ModelFunctions:
    """The :class:`ModelFunctions` of a model given by name, as a Model or already as one;
    a batch (array-valued parameters) is refused."""
    if isinstance(model, ModelFunctions):
        return model
    model = get_model(model)
    if model.batch_size is not None:
        raise ValueError("model: analysis needs scalar parameters, not a batch")
    return ModelFunctions(model)


def held_gates(functions: ModelFunctions, held: dict) -> dict:
    """The held gates' values as float arrays, each name checked to be a gate."""
    gates = functions.model.gates
    out = {}
    for name, value in held.items():
        if name not in gates:
            raise ValueError(f"{name}: not a gate of {functions.model.name}; gates that can be "
                             f"held: {', '.join(gates) or 'none'}")
        out[name] = np.asarray(check_dimension(value, 1, name), dtype=float)
    return out


def current_in_si(current) -> np.ndarray:
    """A current density, checked, as plain A/m²."""
    current = check_dimension(current, CURRENT_DENSITY, "current")
    return np.asarray(current / SI_CURRENT, dtype=float)


def check_v_range(v_range):
    """``(low, high)`` voltages, checked, as plain volts."""
    lo, hi = v_range
    lo, hi = check_dimension(lo, mV, "v_range"), check_dimension(hi, mV, "v_range")
    if not lo < hi:
        raise ValueError(f"v_range: expected (low, high) with low < high, got "
                         f"({show_value(lo)}, {show_value(hi)})")
    return float(lo / volt), float(hi / volt)


def derivative_1d(f, x, h=1e-7):
    """Central difference; h = 1e-7 V (0.1 µV) balances truncation and rounding error."""
    return (f(x + h) - f(x - h)) / (2 * h)


def roots_on_grid(f, lo, hi, n_grid):
    """Every root of f on [lo, hi]: bracketed by sign changes on a grid, refined by brentq."""
    grid = np.linspace(lo, hi, n_grid)
    values = f(grid)
    roots = list(grid[values == 0.0])
    sign_change = np.flatnonzero(np.sign(values[:-1]) * np.sign(values[1:]) < 0)
    for k in sign_change:
        roots.append(brentq(lambda x: float(f(np.asarray(x))), grid[k], grid[k + 1],
                            xtol=1e-15, rtol=4 * np.finfo(float).eps, maxiter=200))
    return np.sort(np.asarray(roots, dtype=float))


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
    functions = model_functions(model)
    v_si = np.asarray(check_dimension(v, mV, "v") / volt, dtype=float)
    current = values.pop("I_stim", None)
    state = functions.with_steady_gates(v_si, held_gates(functions, values))
    if current is not None:
        state["I_stim"] = current_in_si(current)
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
