"""A model as an autonomous ODE system in one parameter, in the units a reader uses.

:class:`OdeSystem` turns a model's Brian2 equations into symbolic right-hand sides (sympy,
through Brian2's own parser), with every subexpression and every other parameter substituted.
Variables are scaled to the package's display units (v in mV, time in ms, the parameter in the
display unit of its dimension, such as uA/cm^2 or mS/cm^2), so that a continuation engine works
with numbers of order one. From the symbolic form come, without finite differences:

* the vector field, its Jacobian, its derivative in the parameter, and the second and third
  derivatives used by the first Lyapunov coefficient, compiled to numpy;
* a plain Python function of ``(state, parameters)`` written only with arithmetic and
  ``numpy.exp``, which a continuation engine can evaluate or trace symbolically.

Brian2's ``exprel(x)`` is written as ``(exp(x) - 1)/x``. Its removable singularity (v = -55 mV
exactly, for HH's alpha_n) is a single point that a continuation never lands on; near it the
cancellation costs a relative error of about 1e-16 divided by ``|x|`` in f, and by ``|x|``
squared, cubed and to the fourth power in the first, second and third derivatives (0.1 mV from
that point, where ``x = 0.01``: 1e-14 in f, 1e-8 in the third derivatives).
"""

from __future__ import annotations

import functools

import numpy as np
import sympy
from brian2 import Quantity, amp, meter, ms
from brian2.core.namespace import DEFAULT_UNITS
from brian2.parsing.sympytools import str_to_sympy
from brian2.units.fundamentalunits import get_dimensions

from ..core.units import CURRENT_DENSITY, DISPLAY_UNITS, check_dimension
from ..model.checks import parse_with_stimulus
from ..model.core import Model, get_model

__all__ = ["OdeSystem", "STIMULUS"]

#: The name of the injected current, a parameter of every model.
STIMULUS = "I_stim"


def display_scale(dimension) -> tuple[float, str]:
    """The SI value of the display unit of a dimension, and its name ("1" if dimensionless)."""
    if dimension.is_dimensionless:
        return 1.0, "1"
    unit, name = DISPLAY_UNITS.get(dimension, (Quantity(1, dim=dimension), str(dimension)))
    return float(unit / Quantity(1, dim=dimension)), name


def _rewrite_exprel(expression):
    return expression.replace(
        lambda e: isinstance(e, sympy.Function) and e.func.__name__ == "exprel",
        lambda e: (sympy.exp(e.args[0]) - 1) / e.args[0],
    )


@functools.lru_cache(maxsize=64)
def _symbolic_rhs(equations: str):
    """Each state variable's dX/dt in SI units, as sympy in states and parameters."""
    eqs = parse_with_stimulus(equations)
    units = {name: float(unit) for name, unit in DEFAULT_UNITS.items()}
    subexpressions = {name: _plain(str_to_sympy(eq.expr.code))
                      for name, eq in eqs.items() if eq.type == "subexpression"}
    # Substitute subexpressions into one another until none is left (they form a DAG).
    for _ in range(len(subexpressions) + 1):
        changed = False
        for key, expr in subexpressions.items():
            new = _substitute(expr, subexpressions)
            if new != expr:
                subexpressions[key], changed = new, True
        if not changed:
            break
    return {name: _substitute(_substitute(_plain(str_to_sympy(eq.expr.code)), subexpressions),
                              units)
            for name, eq in eqs.items() if eq.type == "differential equation"}


def _plain(expression):
    """exprel rewritten, and every symbol made a plain one (Brian2's carry assumptions)."""
    expression = _rewrite_exprel(expression)
    return expression.xreplace({s: sympy.Symbol(s.name) for s in expression.free_symbols})


def _substitute(expression, values: dict):
    """Replace symbols by name."""
    return expression.xreplace({s: values[s.name] for s in expression.free_symbols
                                if s.name in values})


class OdeSystem:
    """dx/dt = f(x, p) of a model, with one parameter free, in display units.

    Parameters
    ----------
    model : Model or str
        The model, with its parameters (overridden ones included); they must be scalars.
    parameter : str
        The free parameter: ``"I_stim"`` or a name of ``model.params``.
    current : Quantity, optional
        The injected current when it is not the free parameter (default 0).

    Attributes
    ----------
    states : tuple of str
        State variables, v first. ``scales[i]`` is the SI value of state i's display unit.
    units : tuple of str
        Display unit of each state variable ("mV", "1").
    parameter_unit : str
        Display unit of the free parameter.

    Examples
    --------
    >>> from hh_brian.bifurcation.system import OdeSystem
    >>> system = OdeSystem("hodgkin_huxley", "I_stim")
    >>> system.states, system.parameter_unit
    (('v', 'n', 'm', 'h'), 'uA/cm^2')
    >>> rest = [-65.0, 0.3177, 0.0529, 0.5961]  # v in mV, then the gates
    >>> round(float(system.f(rest, 10.0)[0]), 3)  # dv/dt in mV/ms at 10 uA/cm^2
    10.05
    """

    def __init__(self, model, parameter: str = STIMULUS, current=None):
        self.model: Model = get_model(model)
        if self.model.batch_size is not None:
            raise ValueError(
                f"model: a bifurcation diagram needs scalar parameters; "
                f"{self.model.name!r} has arrays of {self.model.batch_size} values")
        if parameter != STIMULUS and parameter not in self.model.params:
            valid = ", ".join([STIMULUS, *self.model.params])
            raise ValueError(
                f"parameter: {parameter!r} is not a parameter of model {self.model.name!r}; "
                f"valid names: {valid}")
        self.parameter = parameter
        rhs = _symbolic_rhs(self.model.equations)
        self.states = tuple(self.model.state_variables)
        dims = {name: eq.dim for name, eq in parse_with_stimulus(
            self.model.equations).items()}
        #: The dimension of each state variable.
        self.dimensions = tuple(dims[name] for name in self.states)
        state_scales = [display_scale(dims[name]) for name in self.states]
        self.scales = np.array([s for s, _ in state_scales])
        self.units = tuple(u for _, u in state_scales)
        self.parameter_scale, self.parameter_unit = display_scale(dims[parameter])
        self._parameter_dim = dims[parameter]

        x = sympy.symbols(f"x0:{len(self.states)}")
        p = sympy.Symbol("p")
        substitution = {name: float(value / Quantity(1, dim=get_dimensions(value)))
                        for name, value in self.model.params.items() if name != parameter}
        if parameter == STIMULUS and current is not None:
            raise ValueError("current: the injected current is the free parameter here")
        if parameter != STIMULUS:
            current_si = np.asarray(0.0 if current is None else
                                    check_dimension(current, CURRENT_DENSITY, "current")
                                    / (amp / meter**2))
            if current_si.ndim != 0 or not np.isfinite(current_si):
                raise ValueError(f"current: expected one finite value, got {current}")
            substitution[STIMULUS] = float(current_si)
        #: The injected current when it is not the free parameter.
        self.current = None if parameter == STIMULUS else float(current_si) * amp / meter**2
        substitution.update({name: xi * scale
                             for name, xi, scale in zip(self.states, x, self.scales)})
        substitution[parameter] = p * self.parameter_scale
        time_scale = float(ms)
        self.expressions = tuple(
            _substitute(rhs[name], substitution) * (time_scale / scale)
            for name, scale in zip(self.states, self.scales))
        self._x, self._p = x, p
        self._compiled = {}

    # ---------------------------------------------------------------------------------------
    # Values with units

    def state_of(self, x) -> dict:
        """A state vector in display units as a dict of Quantities (or floats), by name."""
        return {name: Quantity(np.asarray(x[..., i], dtype=float) * scale, dim=dim)
                for i, (name, scale, dim) in enumerate(zip(self.states, self.scales,
                                                            self.dimensions))}

    def steady_states_at(self, value, v_range=None) -> list:
        """The model's equilibria at parameter ``value`` (display units), by
        :func:`hh_brian.analysis.steady_states` (v searched over ``v_range``, its default if
        None).

        Examples
        --------
        >>> system = OdeSystem("hodgkin_huxley")
        >>> [s.kind for s in system.steady_states_at(20.0)]  # 20 uA/cm^2: rest is lost (one unstable pair)
        ['saddle-focus']
        """
        from ..analysis import steady_states

        quantity = self.parameter_quantity(value)
        if self.parameter == STIMULUS:
            model, current = self.model, quantity
        else:
            model, current = self.model.with_params(**{self.parameter: quantity}), self.current
        options = {} if v_range is None else {"v_range": v_range}
        return steady_states(model, current, **options)

    def parameter_quantity(self, value) -> Quantity:
        """A parameter value in display units as a Quantity."""
        return Quantity(np.asarray(value, dtype=float) * self.parameter_scale,
                        dim=self._parameter_dim)

    # ---------------------------------------------------------------------------------------
    # Numbers

    def _lambdified(self, key, build):
        if key not in self._compiled:
            self._compiled[key] = sympy.lambdify((self._x, self._p), build(), modules="numpy")
        return self._compiled[key]

    def f(self, x, p) -> np.ndarray:
        """The vector field (display units per ms)."""
        return np.asarray(self._lambdified("f", lambda: list(self.expressions))(x, p),
                          dtype=float)

    def jacobian(self, x, p) -> np.ndarray:
        """df/dx, an n × n matrix."""
        build = lambda: sympy.Matrix(self.expressions).jacobian(self._x)  # noqa: E731
        return np.asarray(self._lambdified("J", build)(x, p), dtype=float)

    def dfdp(self, x, p) -> np.ndarray:
        """df/dp, a vector."""
        build = lambda: [sympy.diff(e, self._p) for e in self.expressions]  # noqa: E731
        return np.asarray(self._lambdified("fp", build)(x, p), dtype=float)

    def second_derivatives(self, x, p) -> np.ndarray:
        """d²f_i/dx_j dx_k, an n × n × n array."""
        def build():
            return [[[sympy.diff(e, a, b) for b in self._x] for a in self._x]
                    for e in self.expressions]
        return np.asarray(self._lambdified("B", build)(x, p), dtype=float)

    def third_derivatives(self, x, p) -> np.ndarray:
        """d³f_i/dx_j dx_k dx_l, an n × n × n × n array."""
        def build():
            return [[[[sympy.diff(e, a, b, c) for c in self._x] for b in self._x]
                     for a in self._x] for e in self.expressions]
        return np.asarray(self._lambdified("C", build)(x, p), dtype=float)

    def engine_function(self):
        """f as ``func(state, parameters) -> list`` using only arithmetic and ``numpy.exp``.

        The function accepts floats and also objects that implement numpy's ufunc protocol
        (a continuation engine's symbolic tracer).
        """
        f = sympy.lambdify((self._x, self._p), list(self.expressions), modules="numpy")
        n = len(self.states)

        def func(state, parameters):
            return list(f([state[i] for i in range(n)], parameters[0]))

        return func
