"""A model's expressions evaluated with numpy: the one evaluator analysis and targets share.

:class:`ModelFunctions` compiles the Brian2 equations' expressions of a model once into plain
numpy arithmetic in SI units (Brian2 has already checked their units), so that root finding,
Jacobians and initial states can evaluate them many times cheaply. A test checks it against
Brian2's own evaluation. This module imports brian2 only for its unit names; it does not run
anything.
"""

from __future__ import annotations

import functools

import numpy as np
from brian2.core.namespace import DEFAULT_UNITS

from .checks import parse_with_stimulus
from .core import Model, get_model

__all__ = ["ModelFunctions", "constant_subexpressions", "time_constants",
           "with_constants_as_parameters"]


def _exprel(x):
    x = np.asarray(x, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        safe = np.where(x == 0.0, 1.0, x)
        return np.where(x == 0.0, 1.0, np.expm1(x) / safe)


# Functions that Brian2 equations may call, as plain numpy (stochastic ones excluded).
_FUNCTIONS = {
    "exp": np.exp, "log": np.log, "log10": np.log10, "expm1": np.expm1, "log1p": np.log1p,
    "exprel": _exprel, "sqrt": np.sqrt, "sin": np.sin, "cos": np.cos, "tan": np.tan,
    "sinh": np.sinh, "cosh": np.cosh, "tanh": np.tanh, "arcsin": np.arcsin,
    "arccos": np.arccos, "arctan": np.arctan, "abs": np.abs, "sign": np.sign,
    "ceil": np.ceil, "floor": np.floor, "clip": np.clip, "int": np.trunc,
}
_CONSTANTS = {"pi": np.pi, "e": np.e, "inf": np.inf, "True": True, "False": False}


_GLOBALS = {"__builtins__": {}, **_FUNCTIONS, **_CONSTANTS,
            **{name: float(unit) for name, unit in DEFAULT_UNITS.items()}}


@functools.lru_cache(maxsize=256)
def _compiled(equations: str):
    """Each expression of the equations compiled once (parameters are bound per model)."""
    eqs = parse_with_stimulus(equations)
    dims = {name: eq.dim for name, eq in eqs.items()}
    code, derivatives = {}, {}
    for name, eq in eqs.items():
        if eq.type == "subexpression":
            code[name] = compile(eq.expr.code, f"<{name}>", "eval")
        elif eq.type == "differential equation":
            derivatives[name] = compile(eq.expr.code, f"<d{name}/dt>", "eval")
    return dims, code, derivatives


class ModelFunctions:
    """A model's expressions compiled to numpy, evaluated in SI units.

    Parameters
    ----------
    model : Model or str
        The model; its parameters (scalars or per-neuron arrays) are bound in.

    Examples
    --------
    >>> from hh_brian.model import ModelFunctions
    >>> f = ModelFunctions("hodgkin_huxley")
    >>> round(float(f.value("m_inf", v=-0.065)), 4)  # SI: v in volts
    0.0529
    """

    def __init__(self, model):
        self.model: Model = get_model(model)
        self.dims, self._code, self.derivatives = _compiled(self.model.equations)
        self._globals = _GLOBALS
        self._params = {name: np.asarray(value, dtype=float)
                        for name, value in self.model.params.items()}

    def _namespace(self, values):
        functions = self

        class Lazy(dict):
            def __missing__(self, key):
                if key in functions._code:
                    self[key] = eval(functions._code[key], functions._globals, self)
                    return self[key]
                # KeyError lets Python look the name up in the globals (units, functions);
                # a name found nowhere becomes a NameError.
                raise KeyError(key)

        namespace = Lazy(self._params)
        namespace.setdefault("I_stim", 0.0)
        namespace.update({k: np.asarray(v, dtype=float) for k, v in values.items()})
        return namespace

    def value(self, name: str, **values) -> np.ndarray:
        """Evaluate a subexpression or variable at the given state (plain SI floats)."""
        return np.asarray(self._namespace(values)[name])

    def derivative(self, name: str, **values) -> np.ndarray:
        """d(name)/dt at the given state, in SI units per second."""
        return np.asarray(eval(self.derivatives[name], self._globals, self._namespace(values)))

    def with_steady_gates(self, v, held: dict) -> dict:
        """State at potentials v: gates in ``held`` at their values, others at steady state."""
        values = {"v": v}
        for gate, (steady_state, _) in self.model.gates.items():
            values[gate] = held[gate] if gate in held else self.value(steady_state, v=v)
        return values


def time_constants(model, state: dict) -> dict:
    """The time constant of each state variable at ``state``: ``1 / |∂(dx/dt)/∂x|`` with the
    other variables held, in seconds (inf where x does not act on its own derivative).

    For a gate this is its tau (its equation is linear in itself); for v, the membrane's
    time constant C / (the slope of the total membrane current). Parameters given per
    neuron give one value per neuron.

    Parameters
    ----------
    model : Model or str
    state : dict
        SI values of every state variable (see :meth:`ModelFunctions.with_steady_gates`).

    Examples
    --------
    >>> f = ModelFunctions("hodgkin_huxley")
    >>> taus = time_constants("hodgkin_huxley", f.with_steady_gates(-0.065, {}))
    >>> {name: round(float(tau) * 1e3, 4) for name, tau in taus.items()}  # ms; m: 1/(alpha+beta)
    {'v': 1.4766, 'n': 5.4586, 'm': 0.2368, 'h': 8.516}
    """
    functions = ModelFunctions(model)
    taus = {}
    for name in functions.model.state_variables:
        x = np.asarray(state[name], dtype=float)
        step = 1e-6 * max(1.0, float(np.max(np.abs(x))))  # 1 uV for v, 1e-6 for a gate
        ahead = functions.derivative(name, **{**state, name: x + step})
        behind = functions.derivative(name, **{**state, name: x - step})
        slope = np.abs(ahead - behind) / (2 * step)
        with np.errstate(divide="ignore"):
            taus[name] = np.where(slope > 0, 1.0 / np.where(slope > 0, slope, 1.0), np.inf)
    return taus


def constant_subexpressions(model) -> tuple[str, ...]:
    """The subexpressions of ``model`` that depend on its constant parameters only.

    They take one value per neuron for a whole run (the temperature factor ``phi``, say),
    so a run computes them once, not at every step (:func:`with_constants_as_parameters`).

    Examples
    --------
    >>> constant_subexpressions("hodgkin_huxley"), constant_subexpressions("passive_membrane")
    (('phi',), ())
    """
    model = get_model(model)
    eqs = parse_with_stimulus(model.equations)
    constant = {name for name, eq in eqs.items()
                if eq.type == "parameter" and "constant" in eq.flags and name != "I_stim"}
    found = []
    changed = True
    while changed:  # a constant subexpression may use another
        changed = False
        for name, eq in eqs.items():
            if (eq.type == "subexpression" and name not in constant
                    and eq.identifiers <= constant | set(_GLOBALS)):
                constant.add(name)
                found.append(name)
                changed = True
    return tuple(name for name in eqs if name in found)


def with_constants_as_parameters(model) -> str:
    """``model``'s equations with each constant subexpression declared a ``(constant)``
    parameter instead; the run sets its value per neuron (:meth:`ModelFunctions.value`).

    Examples
    --------
    >>> text = with_constants_as_parameters("hodgkin_huxley")
    >>> [line for line in text.splitlines() if line.startswith("phi")]
    ['phi : 1 (constant)']
    """
    model = get_model(model)
    names = constant_subexpressions(model)
    if not names:
        return model.equations
    eqs = parse_with_stimulus(model.equations)
    lines = []
    for line in model.equations.splitlines():
        name = line.split("=", 1)[0].strip() if "=" in line.split(":", 1)[0] else None
        if name in names:
            unit = line.rsplit(":", 1)[1].strip()
            lines.append(f"{name} : {unit} (constant)")
            assert eqs[name].type == "subexpression"
        else:
            lines.append(line)
    return "\n".join(lines)
