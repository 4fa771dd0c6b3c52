"""Analysis of a model's equations: evaluating its expressions, gate curves.

Expressions are evaluated by Brian2 from the model's own equation string (numpy target, no
compilation), so what is analysed is exactly what is simulated.
"""

from __future__ import annotations

import numpy as np
from brian2 import Quantity, mV
from brian2.codegen.runtime.numpy_rt import NumpyCodeObject

from ._brian import assign, build_group, read, set_initial_state
from .models import Model, get_model
from .units import CURRENT_DENSITY, check_dimension

__all__ = ["evaluate", "gate_curves"]


def evaluate(model, names, v, **values) -> dict[str, Quantity]:
    """Evaluate subexpressions of a model at given membrane potentials.

    Parameters
    ----------
    model : Model or str
        The model (its parameters are used; they must be scalars).
    names : sequence of str
        Subexpressions or variables to evaluate, e.g. ``["m_inf", "tau_m", "I_Na"]``.
    v : Quantity (voltage)
        Membrane potentials, scalar or 1-D.
    **values : Quantity or float
        Values of other state variables (gates, ``I_stim``), scalars or arrays like ``v``.
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
    model = get_model(model)
    if model.batch_size is not None:
        raise ValueError("model: evaluate() needs scalar parameters, not a batch")
    v = check_dimension(v, mV, "v")
    shape = np.shape(v)
    flat_v = np.ravel(np.asarray(v / mV)) * mV
    group = build_group(model, len(flat_v), NumpyCodeObject)
    # Evaluated, never simulated: mark it so Brian2 does not warn that it was unused.
    group._network = "hh_brian.analysis.evaluate"
    initial = {"v": flat_v}
    for name, value in values.items():
        if name not in model.gates and name != "I_stim":
            valid = ", ".join(list(model.gates) + ["I_stim"])
            raise ValueError(f"{name}: not a gate or input of {model.name}; valid: {valid}")
        unit = CURRENT_DENSITY if name == "I_stim" else 1
        plain = np.asarray(check_dimension(value, unit, name) / unit, dtype=float)
        initial[name] = np.broadcast_to(plain, shape).ravel() * unit
    set_initial_state(group, model, initial)
    if "I_stim" in initial:
        assign(group, "I_stim", initial["I_stim"])
    out = {}
    for name in names:
        if name not in group.variables:
            raise ValueError(f"names: {name!r} is not an expression of {model.name}")
        value = read(group, name)
        out[name] = value.reshape(shape)
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
