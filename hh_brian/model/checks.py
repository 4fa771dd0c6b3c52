"""What makes a model valid: its equations, its parameters' values and its initial state.

:class:`~hh_brian.model.core.Model` calls these checks when it is made and when its
parameters change; :func:`hh_brian.plan_run` calls :func:`check_initial` for the initial
state of a run. Each raises ValueError (or DimensionMismatchError) naming the argument.
"""

from __future__ import annotations

import functools
from typing import Mapping

import numpy as np
from brian2 import Equations, Quantity, mV

from ..core.ranges import GATE_RANGE, physical_range
from ..core.units import check_dimension, show_value
from ..core.wording import did_you_mean

__all__ = ["RESERVED_NAMES", "STIMULUS_LINE", "check_in_range", "check_initial",
           "current_sign", "declared_parameters", "first_non_finite", "parse_equations",
           "parse_with_stimulus", "validate_params"]

#: The line that declares the injected current when a model is parsed on its own (a run
#: defines ``I_stim`` from its stimulus instead).
STIMULUS_LINE = "I_stim : amp/meter**2 (constant)"

#: Names the simulation defines around a model's equations (the input, the book-keeping of
#: divergence, of spikes and of the highest v); a model may use ``I_stim`` but not define it.
RESERVED_NAMES = frozenset({"I_input", "I_amplitude", "time_finite", "time_above_threshold",
                            "time_above_height", "v_peak", "finite"})


def check_in_range(model, values: Mapping) -> None:
    """Raise ValueError if a value of ``values`` lies outside its parameter's physical range.

    Examples
    --------
    >>> from brian2 import mS, cm
    >>> from hh_brian import get_model
    >>> check_in_range(get_model("hodgkin_huxley"), {"g_Na": [60, -1]*mS/cm**2})
    Traceback (most recent call last):
    ...
    ValueError: params['g_Na']: 1 of 2 values outside, e.g. -1 mS/cm^2, is outside the physical range of g_Na (>= 0 mS/cm^2) in model 'hodgkin_huxley'
    """
    for name, value in values.items():
        interval = model.ranges.get(name) or physical_range(model.params[name])
        inside = interval.contains(value)
        if not np.all(inside):
            outside = np.flatnonzero(~np.atleast_1d(inside))
            first = show_value(np.atleast_1d(value)[outside[0]])
            shown = (first if np.ndim(value) == 0 else
                     f"{outside.size} of {np.size(value)} values outside, e.g. {first},")
            raise ValueError(f"params[{name!r}]: {shown} is outside the physical range of "
                             f"{name} ({interval}) in model {model.name!r}")


def current_sign(model) -> int:
    """+1 for outward-positive membrane currents, -1 for inward-positive ones (see
    :attr:`Model.current_sign <hh_brian.model.core.Model.current_sign>`).

    Examples
    --------
    >>> from hh_brian import get_model
    >>> current_sign(get_model("hh_2d_reduction"))
    -1
    """
    import sympy
    from brian2.parsing.sympytools import str_to_sympy

    eqs = model.brian2_equations()
    rhs = str_to_sympy(eqs["v"].expr.code)
    stim = sympy.diff(rhs, sympy.Symbol("I_stim", real=True))
    signs = set()
    for name in model.currents:
        coefficient = sympy.simplify(sympy.diff(rhs, sympy.Symbol(name, real=True)) / stim)
        if coefficient not in (-1, 1):
            raise ValueError(f"model {model.name!r}: {name} enters dv/dt as {coefficient} "
                             f"times I_stim; expected +1 or -1")
        signs.add(-int(coefficient))
    if len(signs) > 1:
        raise ValueError(f"model {model.name!r}: its currents mix outward- and "
                         f"inward-positive conventions")
    return signs.pop() if signs else 1


def validate_params(model, overrides: Mapping | None) -> dict[str, Quantity]:
    """Check parameter overrides for ``model`` and return them as quantities.

    Raises
    ------
    ValueError
        Unknown name (the message lists the valid names), a non-1D array, arrays of
        different lengths, or a value outside the parameter's physical range
        (:attr:`Model.param_ranges`).
    DimensionMismatchError
        A value whose dimension differs from the default's.

    Examples
    --------
    >>> from brian2 import mS, cm
    >>> from hh_brian import get_model
    >>> checked = validate_params(get_model("hodgkin_huxley"), {"g_Na": [100, 120]*mS/cm**2})
    >>> checked["g_Na"].shape
    (2,)
    """
    if overrides is None:
        return {}
    if not isinstance(overrides, Mapping):
        raise TypeError(f"params: expected a mapping of parameter names to values, got "
                        f"{overrides!r}")
    checked = {}
    for name, value in overrides.items():
        if name not in model.params:
            raise ValueError(
                f"params: unknown parameter {name!r} for model {model.name!r};"
                f"{did_you_mean(str(name), model.params)} valid names: "
                f"{', '.join(sorted(model.params))}"
            )
        value = check_dimension(value, model.params[name], f"params[{name!r}]")
        if np.ndim(value) > 1:
            raise ValueError(
                f"params[{name!r}]: expected a scalar or a 1-D array of per-neuron values, "
                f"got shape {np.shape(value)}"
            )
        if np.ndim(value) == 1 and np.size(value) == 0:
            raise ValueError(f"params[{name!r}]: an empty array describes no neuron")
        if not np.all(np.isfinite(np.asarray(value))):
            bad = np.ravel(value)[int(np.argmax(~np.isfinite(np.ravel(np.asarray(value)))))]
            raise ValueError(f"params[{name!r}]: expected finite values, got {show_value(bad)}")
        checked[name] = value
    check_in_range(model, checked)
    merged = {**model.params, **checked}
    sizes = {name: np.size(v) for name, v in merged.items() if np.ndim(v) == 1}
    if len(set(sizes.values())) > 1:
        raise ValueError(
            "params: array-valued parameters must all have the same length (one value per "
            f"neuron); got lengths {sizes}"
        )
    return checked


@functools.lru_cache(maxsize=256)
def parse_equations(text: str) -> Equations:
    """Brian2's parse of an equation string, kept: a model is parsed once, not at every
    ``with_params`` or run (parsing is most of the Python time of a repeated short run).

    Examples
    --------
    >>> text = "dv/dt = -v / (10*ms) : volt"
    >>> parse_equations(text) is parse_equations(text)
    True
    """
    return Equations(text)


def parse_with_stimulus(equations: str) -> Equations:
    """A model's equation string parsed with ``I_stim`` declared (:data:`STIMULUS_LINE`).

    Examples
    --------
    >>> from hh_brian import get_model
    >>> sorted(parse_with_stimulus(get_model("passive_membrane").equations))
    ['C_m', 'E_L', 'I_L', 'I_stim', 'g_L', 'v']
    """
    return parse_equations(equations + "\n" + STIMULUS_LINE)


def declared_parameters(equations: str) -> set[str]:
    """The per-neuron constants an equation string declares (``I_stim`` aside).

    Examples
    --------
    >>> sorted(declared_parameters("dv/dt = -v / tau : volt\\ntau : second (constant)"))
    ['tau']
    """
    eqs = parse_with_stimulus(equations)
    return {
        name
        for name, eq in eqs.items()
        if eq.type == "parameter" and "constant" in eq.flags and name != "I_stim"
    }


def first_non_finite(value):
    """The first value of ``value`` that is NaN or infinite (``value`` itself if scalar).

    Examples
    --------
    >>> import numpy as np
    >>> float(first_non_finite(np.array([1.0, np.inf, np.nan])))
    inf
    """
    flat = np.ravel(np.asarray(value))
    return np.ravel(value)[int(np.argmax(~np.isfinite(flat)))] if np.ndim(value) else value


def check_initial(model, initial) -> dict[str, Quantity]:
    """Initial values of ``model``'s state variables, checked: known names, v a voltage
    within ±200 mV, gates fractions in [0, 1]; a scalar or one value per neuron each.

    Examples
    --------
    >>> from hh_brian import get_model
    >>> check_initial(get_model("hodgkin_huxley"), {"n": 1.5})
    Traceback (most recent call last):
    ...
    ValueError: initial['n']: 1.5 is outside the physical range of a gate (n is a fraction of open channels): [0, 1]
    """
    if initial is None:
        return {}
    if not isinstance(initial, Mapping):
        raise TypeError(f"initial: expected a mapping of state-variable names to values, "
                        f"got {initial!r}")
    checked = {}
    for name, value in initial.items():
        if name not in model.state_variables:
            raise ValueError(f"initial: unknown state variable {name!r} for model "
                             f"{model.name!r}; valid names: {', '.join(model.state_variables)}")
        unit = mV if name == "v" else 1
        value = check_dimension(value, unit, f"initial[{name!r}]")
        if np.ndim(value) > 1:
            raise ValueError(f"initial[{name!r}]: expected a scalar or one value per neuron, "
                             f"got shape {np.shape(value)}")
        if not np.all(np.isfinite(np.asarray(value))):
            raise ValueError(f"initial[{name!r}]: expected finite values, got "
                             f"{show_value(first_non_finite(value))}")
        interval = physical_range(mV) if name == "v" else GATE_RANGE
        inside = interval.contains(value)
        if not np.all(inside):
            shown = show_value(np.atleast_1d(value)[np.flatnonzero(~np.atleast_1d(inside))[0]])
            what = "v" if name == "v" else f"a gate ({name} is a fraction of open channels)"
            raise ValueError(f"initial[{name!r}]: {shown} is outside the physical range of "
                             f"{what}: {interval}")
        checked[name] = value
    return checked
