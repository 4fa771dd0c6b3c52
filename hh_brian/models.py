"""The models: what a model is, and the step-by-step construction of Hodgkin–Huxley.

Each :class:`Model` is a value: a Brian2 equation string with physical units, its default
parameters as quantities, the rule for its initial state, and what it teaches. The seven
models reproduce ``neuron_func_1`` … ``neuron_func_7`` of the source chapter, in order; each
adds one ingredient to the previous one, so that a reader who sets model *k* beside model
*k + 1* sees exactly what that step adds.

Conventions shared by every model here:

* ``v`` is the membrane potential; every membrane current is written outward-positive,
  ``I_x = g_x * (gates) * (v - E_x)``, and ``C_m dv/dt = I_stim - sum of currents``.
* ``I_stim`` is the injected current density; :func:`hh_brian.simulate` defines it from the
  stimulus, so it is used but not defined in the equations below.
* Every parameter is a per-neuron constant, so a batch of neurons can differ in any of them.
* The source is unitless; it is read with v in mV, t and time constants in ms, C in µF/cm²,
  g in mS/cm² and I in µA/cm².
"""

from __future__ import annotations

import dataclasses
import functools
import types
from dataclasses import dataclass, field
from typing import Mapping

import numpy as np
from brian2 import Equations, Quantity, cm, mm, mS, ms, mV, nA, second, uA, uF

from .modeldiff import ModelDiff, diff_models
from .ranges import Interval, physical_range
from .stimuli import Stimulus, protocol, smoothed_noise
from .units import check_dimension, show_value

__all__ = ["Model", "MODELS", "RESERVED_NAMES", "get_model", "list_models", "register",
           "validate_params"]


def _frozen(mapping) -> Mapping:
    return types.MappingProxyType(dict(mapping))


def _rebuild_model(fields: dict) -> "Model":
    return Model(**fields)


@dataclass(frozen=True, eq=False)
class Model:
    """A membrane model: Brian2 equations with units, default parameters and initial-state rule.

    Models are immutable values. Use :meth:`with_params` to get a copy with other parameter
    values, and :func:`hh_brian.simulate` to run one.

    Parameters
    ----------
    name : str
        Self-explanatory registry name, e.g. ``"hodgkin_huxley"``.
    source_name : str
        Name of the function in the source document, e.g. ``"neuron_func_7"``.
    title : str
        A short human title.
    equations : str
        Brian2 equations. They use ``I_stim`` (amp/meter**2), which the simulation defines,
        and declare every parameter as a ``(constant)`` per-neuron variable.
    params : mapping of str to Quantity
        Default value of every parameter declared in ``equations``.
    gates : mapping of str to (str, str)
        For each gating variable, the names of its steady-state and time-constant
        subexpressions, e.g. ``{"n": ("n_inf", "tau_n")}``.
    currents : tuple of str
        Names of the membrane-current subexpressions (amp/meter**2), in plotting order.
    v_init : Quantity
        Initial membrane potential. Every gate starts at its steady state for that potential.
    default_current : Stimulus
        The input of the source's default run: the chapter's protocol
        (``stimuli.protocol(A)``: +A during [T/5, 2T/5), −A during [3T/5, 4T/5)) or the
        notebook's noise.
    duration : Quantity
        Duration T of the source's default run.
    adds : str
        One line: what this model adds to the previous one.
    description : str
        What the model shows and what it still fails at.
    source_symbols : mapping of str to str
        The source's name for each parameter or variable whose name here differs from it.
    ranges : mapping of str to Interval, optional
        Valid range of a parameter when it is not the default for its dimension
        (:func:`hh_brian.ranges.physical_range`); :attr:`param_ranges` gives every one.

    Examples
    --------
    >>> from hh_brian import get_model
    >>> from brian2 import mS, cm
    >>> hh = get_model("neuron_func_7")
    >>> hh.name
    'hodgkin_huxley'
    >>> print(hh.params["g_Na"] / (mS/cm**2))
    120.0
    >>> weaker = hh.with_params(g_Na=100*mS/cm**2)
    >>> print(weaker.params["g_Na"] / (mS/cm**2), hh.params["g_Na"] / (mS/cm**2))
    100.0 120.0
    """

    name: str
    source_name: str
    title: str
    equations: str
    params: Mapping[str, Quantity]
    gates: Mapping[str, tuple[str, str]]
    currents: tuple[str, ...]
    v_init: Quantity
    default_current: Stimulus
    duration: Quantity
    adds: str
    description: str
    source_symbols: Mapping[str, str] = field(default_factory=dict)
    ranges: Mapping[str, Interval] = field(default_factory=dict)

    def __post_init__(self):
        object.__setattr__(self, "params", _frozen(self.params))
        object.__setattr__(self, "gates", _frozen(self.gates))
        object.__setattr__(self, "source_symbols", _frozen(self.source_symbols))
        object.__setattr__(self, "currents", tuple(self.currents))
        object.__setattr__(self, "ranges", _frozen(self.ranges))
        declared = _declared_parameters(self.equations)
        if declared != set(self.params):
            raise ValueError(
                f"model {self.name!r}: parameters declared in the equations "
                f"({sorted(declared)}) differ from those with defaults ({sorted(self.params)})"
            )
        taken = sorted(RESERVED_NAMES & set(parse_equations(self.equations + "\n"
                                                            + _STIMULUS_LINE)))
        if taken:
            raise ValueError(f"model {self.name!r}: {', '.join(taken)} are names the simulation "
                             f"defines; rename them in the equations")
        unknown = sorted(set(self.ranges) - set(self.params))
        if unknown:
            raise ValueError(f"model {self.name!r}: ranges given for unknown parameters "
                             f"{unknown}")
        if not isinstance(self.default_current, Stimulus):
            raise TypeError(f"model {self.name!r}: default_current must be a stimulus from "
                            f"hh_brian.stimuli, got {self.default_current!r}")
        # The defaults themselves must be valid values (scalars only: a batch is checked
        # when it is made, by with_params).
        _check_in_range(self, self.params)

    def __reduce__(self):
        # Pickled field by field (its mappings are read-only views, which cannot be
        # pickled), so that a model travels to another process (a sweep's workers).
        fields = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        for name, value in fields.items():
            if isinstance(value, types.MappingProxyType):
                fields[name] = dict(value)
        return (_rebuild_model, (fields,))

    @property
    def param_ranges(self) -> Mapping[str, Interval]:
        """The valid range of every parameter: declared, or the default for its dimension."""
        return _frozen({name: self.ranges.get(name) or physical_range(value)
                        for name, value in self.params.items()})

    @functools.cached_property
    def current_sign(self) -> int:
        """+1 if the membrane currents are written outward-positive, -1 if inward-positive.

        Read off the equations: the coefficient of each current in dv/dt, which must have
        the sign opposite to (outward) or the same as (inward) that of ``I_stim``, the same
        for every current.

        Examples
        --------
        >>> from hh_brian import get_model
        >>> get_model("hodgkin_huxley").current_sign, get_model("hh_2d_reduction").current_sign
        (1, -1)
        """
        return _current_sign(self)

    def diff(self, other: "Model") -> ModelDiff:
        """What this model adds to, changes in and removes from ``other``.

        Examples
        --------
        >>> from hh_brian import get_model
        >>> step = get_model("gated_conductance").diff(get_model("two_conductances"))
        >>> step.gates_added, [new.split(" =")[0] for _, new in step.changed]
        (('a',), ['I_a'])
        """
        return diff_models(self, get_model(other))

    @property
    def state_variables(self) -> tuple[str, ...]:
        """The integrated variables: ``v`` then the gates, in declaration order."""
        return ("v",) + tuple(self.gates)

    @property
    def batch_size(self) -> int | None:
        """Number of neurons implied by array-valued parameters, or None if all are scalars."""
        sizes = {np.size(value) for value in self.params.values() if np.ndim(value) > 0}
        return sizes.pop() if sizes else None

    def with_params(self, **overrides) -> "Model":
        """Return a copy with some parameters changed.

        Parameters
        ----------
        **overrides : Quantity
            New values, each with the dimension of the default it replaces. A value may be
            an array of N values: the model then describes a batch of N neurons, all
            array-valued parameters having the same N.

        Raises
        ------
        ValueError
            For an unknown parameter name (the message lists the valid ones) or arrays of
            different lengths.
        DimensionMismatchError
            For a value with the wrong dimension.

        Examples
        --------
        >>> from hh_brian import get_model
        >>> from brian2 import mV
        >>> print(get_model("passive_membrane").with_params(E_L=-70*mV).params["E_L"])
        -70. mV
        """
        params = dict(self.params)
        params.update(validate_params(self, overrides))
        return dataclasses.replace(self, params=params)

    def brian2_equations(self, stimulus: str | None = None) -> Equations:
        """The model as a Brian2 :class:`~brian2.equations.equations.Equations` object.

        Parameters
        ----------
        stimulus : str, optional
            A Brian2 equation line defining ``I_stim``, such as
            ``"I_stim = I_drive(t) : amp/meter**2"``. If omitted, ``I_stim`` is declared as a
            constant per-neuron parameter.
        """
        return parse_equations(self.equations + "\n" + (stimulus or _STIMULUS_LINE))

    def to_latex(self) -> str:
        """The model's equations as a LaTeX ``aligned`` block (parameters omitted).

        Examples
        --------
        >>> from hh_brian import get_model
        >>> print(get_model("passive_membrane").to_latex())
        \\begin{aligned}
        \\frac{dv}{dt} &= \\frac{- I_{L} + I_{stim}}{C_{m}} \\\\
        I_{L} &= g_{L} \\left(- E_{L} + v\\right)
        \\end{aligned}
        """
        return _latex(self)

    def __repr__(self) -> str:
        return f"<Model {self.name} ({self.source_name}): {self.title}>"


_GREEK = {"alpha", "beta", "tau", "sigma", "mu"}


def _latex_name(name: str) -> str:
    head, _, rest = name.partition("_")
    head = f"\\{head}" if head in _GREEK else head
    if not rest:
        return head
    rest = {"inf": "\\infty"}.get(rest, rest.replace("_inf", ",\\infty").replace("_", ","))
    return f"{head}_{{{rest}}}"


def _latex(model: Model) -> str:
    import sympy
    from brian2.parsing.sympytools import str_to_sympy

    eqs = model.brian2_equations()
    lines = []
    for name, eq in eqs.items():
        if eq.type == "parameter":
            continue
        expr = str_to_sympy(eq.expr.code)
        names = {symbol: _latex_name(str(symbol)) for symbol in expr.free_symbols}
        for unit in ("mV", "ms"):
            for symbol in expr.free_symbols:
                if str(symbol) == unit:
                    names[symbol] = f"\\mathrm{{{unit}}}"
        rhs = sympy.latex(expr, symbol_names=names, mul_symbol=" ")
        lhs = (f"\\frac{{d{_latex_name(name)}}}{{dt}}" if eq.type == "differential equation"
               else _latex_name(name))
        lines.append(f"{lhs} &= {rhs}")
    return "\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"


_STIMULUS_LINE = "I_stim : amp/meter**2 (constant)"

#: Names the simulation defines around a model's equations (the input, the book-keeping of
#: divergence and of spikes); a model may use ``I_stim`` but not define it.
RESERVED_NAMES = frozenset({"I_input", "I_amplitude", "time_finite", "time_above_threshold",
                            "finite"})


def _check_in_range(model: "Model", values: Mapping) -> None:
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


def _current_sign(model: "Model") -> int:
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


def validate_params(model: Model, overrides: Mapping | None) -> dict[str, Quantity]:
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
        raise TypeError(f"params: expected a mapping of parameter names to values, got {overrides!r}")
    checked = {}
    for name, value in overrides.items():
        if name not in model.params:
            raise ValueError(
                f"params: unknown parameter {name!r} for model {model.name!r}; "
                f"valid names: {', '.join(sorted(model.params))}"
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
    _check_in_range(model, checked)
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
    ``with_params`` or run (parsing is most of the Python time of a repeated short run)."""
    return Equations(text)


def _declared_parameters(equations: str) -> set[str]:
    eqs = parse_equations(equations + "\n" + _STIMULUS_LINE)
    return {
        name
        for name, eq in eqs.items()
        if eq.type == "parameter" and "constant" in eq.flags and name != "I_stim"
    }


# Units of the source chapter, applied to its unitless numbers.
_uF_cm2 = uF / cm**2
_mS_cm2 = mS / cm**2
_uA_cm2 = uA / cm**2

PASSIVE_MEMBRANE = Model(
    name="passive_membrane",
    source_name="neuron_func_1",
    title="Passive membrane",
    equations="""
dv/dt = (I_stim - I_L) / C_m : volt
I_L = g_L * (v - E_L) : amp/meter**2
C_m : farad/meter**2 (constant)
g_L : siemens/meter**2 (constant)
E_L : volt (constant)
""",
    params={"C_m": 1 * _uF_cm2, "g_L": 1 * _mS_cm2, "E_L": -65 * mV},
    gates={},
    currents=("I_L",),
    v_init=-65 * mV,
    default_current=protocol(30 * _uA_cm2),
    duration=100 * ms,
    adds="a capacitor charged through one leak conductance",
    description=(
        "A capacitor in parallel with a single leak conductance. It rests at the leak's "
        "reversal potential E_L and relaxes to E_L + I/g_L with time constant C_m/g_L "
        "(1 ms): a fine picture of sub-threshold responses, but nothing like an action "
        "potential, because the membrane has no way to amplify a depolarisation."
    ),
    source_symbols={"C_m": "C", "g_L": "g", "E_L": "E", "v_init": "vr"},
)

TWO_CONDUCTANCES = Model(
    name="two_conductances",
    source_name="neuron_func_2",
    title="Two passive conductances",
    equations="""
dv/dt = (I_stim - I_a - I_b) / C_m : volt
I_a = g_a * (v - E_a) : amp/meter**2
I_b = g_b * (v - E_b) : amp/meter**2
C_m : farad/meter**2 (constant)
g_a : siemens/meter**2 (constant)
E_a : volt (constant)
g_b : siemens/meter**2 (constant)
E_b : volt (constant)
""",
    params={
        "C_m": 1 * _uF_cm2,
        "g_a": 1 * _mS_cm2,
        "E_a": -65 * mV,
        "g_b": 1 * _mS_cm2,
        "E_b": 65 * mV,
    },
    gates={},
    currents=("I_a", "I_b"),
    v_init=-65 * mV,
    default_current=protocol(30 * _uA_cm2),
    duration=100 * ms,
    adds="a second fixed conductance with its own reversal potential",
    description=(
        "Two fixed conductances pulling towards different reversal potentials. The rest "
        "lies between them, weighted by the conductances: (g_a E_a + g_b E_b)/(g_a + g_b), "
        "0 mV with the defaults. Still linear, so still only sub-threshold behaviour and "
        "nothing like an action potential."
    ),
    source_symbols={"C_m": "C", "v_init": "vr"},
)

GATED_CONDUCTANCE = Model(
    name="gated_conductance",
    source_name="neuron_func_3",
    title="One voltage-gated conductance",
    equations="""
dv/dt = (I_stim - I_a - I_b) / C_m : volt
I_a = g_a * a * (v - E_a) : amp/meter**2
I_b = g_b * (v - E_b) : amp/meter**2
da/dt = (a_inf - a) / tau_a : 1
a_inf = 1 / (1 + 0.1 * exp(-v / (10*mV))) : 1
tau_a = 1*ms * exp(-((v + 10*mV) / (50*mV))**2) : second
C_m : farad/meter**2 (constant)
g_a : siemens/meter**2 (constant)
E_a : volt (constant)
g_b : siemens/meter**2 (constant)
E_b : volt (constant)
""",
    # Kept from the source: E_a = E_b = -65 mV, so the gated conductance can only pull v
    # back to rest; it amplifies nothing despite what the source's note hopes for.
    params={
        "C_m": 1 * _uF_cm2,
        "g_a": 20 * _mS_cm2,
        "E_a": -65 * mV,
        "g_b": 1 * _mS_cm2,
        "E_b": -65 * mV,
    },
    gates={"a": ("a_inf", "tau_a")},
    currents=("I_a", "I_b"),
    v_init=-65 * mV,
    default_current=protocol(30 * _uA_cm2),
    duration=100 * ms,
    adds="a conductance gated by a voltage-dependent variable a (sigmoid a_inf, bell-shaped tau_a)",
    description=(
        "The first conductance now opens with depolarisation: a relaxes to a sigmoid "
        "a_inf(v) with a bell-shaped time constant tau_a(v). The source keeps E_a = E_b = "
        "-65 mV, so both currents pull towards rest; the gated one only makes the membrane "
        "leakier when depolarised, and the response to the +30 uA/cm^2 step stays far "
        "below 0 mV. To amplify a depolarisation the gated current must reverse above rest "
        "(next step); and nothing yet brings v back once it has risen."
    ),
    source_symbols={"C_m": "C", "g_a": "g_a_max", "a": "g_a", "v_init": "vr"},
)

TWO_GATED_CONDUCTANCES = Model(
    name="two_gated_conductances",
    source_name="neuron_func_4",
    title="Two gated conductances",
    equations="""
dv/dt = (I_stim - I_a - I_b) / C_m : volt
I_a = g_a * a * (v - E_a) : amp/meter**2
I_b = g_b * b * (v - E_b) : amp/meter**2
da/dt = (a_inf - a) / tau_a : 1
db/dt = (b_inf - b) / tau_b : 1
a_inf = 1 / (1 + 0.1 * exp(-v / (10*mV))) : 1
b_inf = 1 - 1 / (1.1 + 0.1 * exp(-v / (10*mV))) : 1
# Source quirk kept: the bell's peak is 300/sigma ms, so its width sets its height too.
tau_a = (300 / 60) * ms * exp(-((v + 10*mV) / (60*mV))**2) : second
tau_b = (300 / 50) * ms * exp(-((v + 10*mV) / (50*mV))**2) : second
C_m : farad/meter**2 (constant)
g_a : siemens/meter**2 (constant)
E_a : volt (constant)
g_b : siemens/meter**2 (constant)
E_b : volt (constant)
""",
    params={
        "C_m": 1 * _uF_cm2,
        "g_a": 1 * _mS_cm2,
        "E_a": 120 * mV,
        "g_b": 2 * _mS_cm2,
        "E_b": -70 * mV,
    },
    gates={"a": ("a_inf", "tau_a"), "b": ("b_inf", "tau_b")},
    currents=("I_a", "I_b"),
    v_init=-65 * mV,
    default_current=protocol(30 * _uA_cm2),
    duration=200 * ms,
    adds="an excitatory reversal potential (E_a = 120 mV) and a second, gated conductance b",
    description=(
        "The gated conductance a now reverses far above rest, so opening it depolarises, "
        "and the second conductance b (reversing at -70 mV) is gated too; its gate closes "
        "with depolarisation, which also depolarises. Both effects are regenerative, but "
        "the gates relax with time constants of several ms (the bell peaks at 300/sigma = "
        "5 and 6 ms) and g_a is small: the +30 uA/cm^2 step lifts v to about -51 mV within "
        "5 ms, then v creeps up to -42 mV by the step's end, not a spike, and v falls back "
        "to rest near E_b only over milliseconds once the step ends. Far too slow to be an "
        "action potential."
    ),
    source_symbols={"C_m": "C", "g_a": "g_a_max", "g_b": "g_b_max", "a": "g_a", "b": "g_b",
                    "v_init": "vr"},
)

INACTIVATING_CONDUCTANCE = Model(
    name="inactivating_conductance",
    source_name="neuron_func_5",
    title="Transient conductance: activation and inactivation",
    equations="""
dv/dt = (I_stim - I_a - I_b) / C_m : volt
I_a = g_a * a_act**3 * a_inact * (v - E_a) : amp/meter**2
# Kept from the source: the second conductance is ungated here.
I_b = g_b * (v - E_b) : amp/meter**2
da_act/dt = (a_act_inf - a_act) / tau_a_act : 1
da_inact/dt = (a_inact_inf - a_inact) / tau_a_inact : 1
a_act_inf = 1 / (1 + 0.1 * exp(-(v + 50*mV) / (2*mV))) : 1
a_inact_inf = 1 - 1 / (1.1 + 0.1 * exp(-v / (10*mV))) : 1
# Source quirk kept: the bell's peak is 300/sigma ms, so its width sets its height too.
tau_a_act = (300 / 60) * ms * exp(-((v + 10*mV) / (60*mV))**2) : second
tau_a_inact = (300 / 50) * ms * exp(-((v + 10*mV) / (50*mV))**2) : second
C_m : farad/meter**2 (constant)
g_a : siemens/meter**2 (constant)
E_a : volt (constant)
g_b : siemens/meter**2 (constant)
E_b : volt (constant)
""",
    params={
        "C_m": 1 * _uF_cm2,
        "g_a": 2 * _mS_cm2,
        "E_a": 120 * mV,
        "g_b": 1 * _mS_cm2,
        "E_b": -70 * mV,
    },
    gates={"a_act": ("a_act_inf", "tau_a_act"), "a_inact": ("a_inact_inf", "tau_a_inact")},
    currents=("I_a", "I_b"),
    v_init=-65 * mV,
    default_current=protocol(30 * _uA_cm2),
    duration=200 * ms,
    adds="the excitatory conductance splits into activation a_act**3 and inactivation a_inact",
    description=(
        "The excitatory conductance is now gated by a steep activation gate (cubed, as in "
        "HH's m**3) and an inactivation gate, so it can open fast and switch itself off. "
        "At the onset of the +30 uA/cm^2 step v shoots up to about +14 mV. But the "
        "inactivation's steady state never falls below 1 - 1/1.1 = 0.09 and the activation "
        "stays fully open above -45 mV, so a persistent inward current remains; the "
        "ungated conductance (the source leaves it ungated) cannot pull v back, and the "
        "membrane stays depolarised near 0 mV, even after the step ends: it is bistable, "
        "not excitable. Something must add outward current when v is high."
    ),
    source_symbols={"C_m": "C", "g_a": "g_a_max", "g_b": "g_b_max", "a_act": "g_a_act",
                    "a_inact": "g_a_inact", "v_init": "vr"},
)

INACTIVATING_AND_DELAYED_CONDUCTANCES = Model(
    name="inactivating_and_delayed_conductances",
    source_name="neuron_func_6",
    title="Transient conductance plus a delayed, gated recovery",
    equations="""
dv/dt = (I_stim - I_a - I_b) / C_m : volt
I_a = g_a * a_act**3 * a_inact * (v - E_a) : amp/meter**2
I_b = g_b * b**4 * (v - E_b) : amp/meter**2
da_act/dt = (a_act_inf - a_act) / tau_a_act : 1
da_inact/dt = (a_inact_inf - a_inact) / tau_a_inact : 1
db/dt = (b_inf - b) / tau_b : 1
a_act_inf = 1 / (1 + 0.1 * exp(-(v + 50*mV) / (2*mV))) : 1
a_inact_inf = 1 - 1 / (1.1 + 0.1 * exp(-v / (10*mV))) : 1
b_inf = 1 / (1.1 + 0.1 * exp(-0.09 * v / mV)) : 1
# Source quirk kept: the bell's peak is 300/sigma ms, so its width sets its height too.
tau_a_act = (300 / 60) * ms * exp(-((v + 10*mV) / (60*mV))**2) : second
tau_a_inact = (300 / 50) * ms * exp(-((v + 10*mV) / (50*mV))**2) : second
tau_b = (300 / 50) * ms * exp(-((v - 5*mV) / (50*mV))**2) : second
C_m : farad/meter**2 (constant)
g_a : siemens/meter**2 (constant)
E_a : volt (constant)
g_b : siemens/meter**2 (constant)
E_b : volt (constant)
""",
    params={
        "C_m": 1 * _uF_cm2,
        "g_a": 2 * _mS_cm2,
        "E_a": 120 * mV,
        "g_b": 5 * _mS_cm2,
        "E_b": -70 * mV,
    },
    gates={
        "a_act": ("a_act_inf", "tau_a_act"),
        "a_inact": ("a_inact_inf", "tau_a_inact"),
        "b": ("b_inf", "tau_b"),
    },
    currents=("I_a", "I_b"),
    v_init=-65 * mV,
    default_current=protocol(30 * _uA_cm2),
    duration=200 * ms,
    adds="the repolarising conductance gets its own delayed activation gate b**4",
    description=(
        "The repolarising conductance is now gated too (b**4, like HH's n**4): it opens "
        "with a delay after a depolarisation and, with inactivation, ends the upstroke. The "
        "step's onset now gives a real-looking action potential overshooting to about "
        "+64 mV and repolarising within a few ms. But the made-up gate functions leave the "
        "same persistent inward current as before, so after that one spike v settles on a "
        "plateau near -10 mV and stays there, through and after the step. The structure is "
        "HH's; the gate functions, picked by eye, are not: the next step uses the rates "
        "Hodgkin and Huxley measured."
    ),
    source_symbols={"C_m": "C", "g_a": "g_a_max", "g_b": "g_b_max", "a_act": "g_a_act",
                    "a_inact": "g_a_inact", "b": "g_b", "v_init": "vr"},
)

HODGKIN_HUXLEY = Model(
    name="hodgkin_huxley",
    source_name="neuron_func_7",
    title="Hodgkin–Huxley 1952 (squid giant axon)",
    equations="""
dv/dt = (I_stim - I_K - I_Na - I_L) / C_m : volt
I_K = g_K * n**4 * (v - E_K) : amp/meter**2
I_Na = g_Na * m**3 * h * (v - E_Na) : amp/meter**2
I_L = g_L * (v - E_L) : amp/meter**2
dn/dt = (n_inf - n) / tau_n : 1
dm/dt = (m_inf - m) / tau_m : 1
dh/dt = (h_inf - h) / tau_h : 1
# The 1952 rates are functions of the depolarisation from rest, as in the source.
u = v - v_rest : volt
# alpha_n and alpha_m are 0/0 at u = 10 mV and u = 25 mV; exprel gives the finite limit.
alpha_n = (0.1/ms) / exprel((10*mV - u) / (10*mV)) : Hz
beta_n = (0.125/ms) * exp(-u / (80*mV)) : Hz
alpha_m = (1/ms) / exprel((25*mV - u) / (10*mV)) : Hz
beta_m = (4/ms) * exp(-u / (18*mV)) : Hz
alpha_h = (0.07/ms) * exp(-u / (20*mV)) : Hz
beta_h = (1/ms) / (exp((30*mV - u) / (10*mV)) + 1) : Hz
n_inf = alpha_n / (alpha_n + beta_n) : 1
tau_n = 1 / (alpha_n + beta_n) : second
m_inf = alpha_m / (alpha_m + beta_m) : 1
tau_m = 1 / (alpha_m + beta_m) : second
h_inf = alpha_h / (alpha_h + beta_h) : 1
tau_h = 1 / (alpha_h + beta_h) : second
C_m : farad/meter**2 (constant)
g_K : siemens/meter**2 (constant)
E_K : volt (constant)
g_Na : siemens/meter**2 (constant)
E_Na : volt (constant)
g_L : siemens/meter**2 (constant)
E_L : volt (constant)
v_rest : volt (constant)
""",
    params={
        "C_m": 1 * _uF_cm2,
        "g_K": 36 * _mS_cm2,
        "E_K": (-12 - 65) * mV,
        "g_Na": 120 * _mS_cm2,
        "E_Na": (120 - 65) * mV,
        "g_L": 0.3 * _mS_cm2,
        "E_L": (10.6 - 65) * mV,
        "v_rest": -65 * mV,
    },
    gates={"n": ("n_inf", "tau_n"), "m": ("m_inf", "tau_m"), "h": ("h_inf", "tau_h")},
    currents=("I_K", "I_Na", "I_L"),
    v_init=-65 * mV,
    default_current=protocol(5 * _uA_cm2),
    duration=200 * ms,
    adds="the measured 1952 rate functions for n, m and h (K: n**4; Na: m**3 h; leak)",
    description=(
        "Full Hodgkin-Huxley: potassium with four activation gates n, sodium with three "
        "fast activation gates m and one slow inactivation gate h, and a leak, with the "
        "rate functions Hodgkin and Huxley fitted to the squid giant axon, written as "
        "functions of the depolarisation v - v_rest. It fires one spike at the onset of "
        "the +5 uA/cm^2 step, then shows damped oscillations (5 uA/cm^2 is below its "
        "threshold for repetitive firing), stays silent through the -5 uA/cm^2 step, and "
        "fires a rebound spike when that step ends (anode break: hyperpolarisation had "
        "removed Na inactivation and closed K channels). Its limits are those of any "
        "conductance-based model: parameters are hard to measure, and the fit holds for "
        "the squid axon and the protocols it came from."
    ),
    source_symbols={"C_m": "C", "g_K": "g_k", "E_K": "E_k", "g_Na": "g_na", "E_Na": "E_na",
                    "g_L": "g_leak", "E_L": "E_leak", "v_rest": "vr", "v_init": "vr"},
)

# The 2D reduction of HH analysed in the dV/dt notebook (Izhikevich 2007, sec. 5.2):
# m is instantaneous (m = m_inf(v)) and h is tied to n (h = 0.89 - 1.1 n).
_REDUCED_2D_EQUATIONS = """
# Currents are inward-positive, as in the source: a positive current depolarises.
dv/dt = (I_stim + I_K + I_Na + I_L) / C_m : volt
I_K = -g_K * n**4 * (v - E_K) : amp/meter**2
I_Na = -g_Na * m_inf**3 * h * (v - E_Na) : amp/meter**2
I_L = -g_L * (v - E_L) : amp/meter**2
# The reduction: sodium activation is instantaneous and inactivation follows n.
h = 0.89 - 1.1 * n : 1
dn/dt = (n_inf - n) / tau_n : 1
# HH 1952 rates as functions of u = v - v_rest; v_rest = 0 mV evaluates them at v itself.
u = v - v_rest : volt
alpha_m = (1/ms) / exprel((25*mV - u) / (10*mV)) : Hz
beta_m = (4/ms) * exp(-u / (18*mV)) : Hz
m_inf = alpha_m / (alpha_m + beta_m) : 1
alpha_n = (0.1/ms) / exprel((10*mV - u) / (10*mV)) : Hz
beta_n = (0.125/ms) * exp(-u / (80*mV)) : Hz
n_inf = alpha_n / (alpha_n + beta_n) : 1
tau_n = 1 / (alpha_n + beta_n) : second
C_m : farad/meter**2 (constant)
g_K : siemens/meter**2 (constant)
E_K : volt (constant)
g_Na : siemens/meter**2 (constant)
E_Na : volt (constant)
g_L : siemens/meter**2 (constant)
E_L : volt (constant)
v_rest : volt (constant)
"""

_E_SHIFT = 65 * mV  # the source's E_shift: reversal potentials are HH's, moved down by it

HH_2D_REDUCTION = Model(
    name="hh_2d_reduction",
    source_name="local_hh_dv_shape",
    title="Hodgkin–Huxley reduced to 2D (the dV/dt notebook's convention)",
    equations=_REDUCED_2D_EQUATIONS,
    params={
        "C_m": 1 * _uF_cm2,
        "g_K": 36 * _mS_cm2,
        "E_K": -12 * mV - _E_SHIFT,
        "g_Na": 120 * _mS_cm2,
        "E_Na": 120 * mV - _E_SHIFT,
        # Kept from the source: g_L is 0.03, a tenth of HH's 0.3 mS/cm^2.
        "g_L": 0.03 * _mS_cm2,
        "E_L": 10.6 * mV - _E_SHIFT,
        # Kept from the source: the rates are evaluated at v itself, without the 65 mV shift
        # that the reversal potentials received.
        "v_rest": 0 * mV,
    },
    gates={"n": ("n_inf", "tau_n")},
    currents=("I_K", "I_Na", "I_L"),
    v_init=-54.4 * mV,
    default_current=smoothed_noise(1400 * nA / mm**2, sigma=6 * ms, seed=1),
    duration=2 * second,
    adds="HH reduced to (v, n): m = m_inf(v), h = 0.89 - 1.1 n",
    description=(
        "Hodgkin-Huxley reduced to two variables, as in the dV/dt notebook: sodium "
        "activation is instantaneous (m = m_inf(v)) and inactivation follows potassium "
        "activation (h = 0.89 - 1.1 n). The notebook's conventions are kept: currents are "
        "inward-positive (I_K = -g_K n**4 (v - E_K)), the reversal potentials are HH's "
        "moved down by E_shift = 65 mV (E_K = -77, E_Na = 55, E_L = -54.4 mV), but the rate "
        "functions are evaluated at v without that shift (v_rest = 0 mV) and g_L is 0.03 "
        "mS/cm^2. With n held at 0 and no input, dV/dt(v) has a stable node at -54.4 mV and "
        "an unstable one at 2.0 mV; they meet in a fold as the input grows to 13.5 nA/mm^2 "
        "(1.35 uA/cm^2). Its default input is the notebook's noise: white noise of "
        "1400 nA/mm^2, seed 1, smoothed by a Gaussian window of sigma = 6 ms, for 2 s."
    ),
    source_symbols={"C_m": "c", "v": "V"},
)

HH_2D_REDUCTION_MODEL7 = Model(
    name="hh_2d_reduction_model7",
    source_name="neuron_func_7_2d",
    title="Hodgkin–Huxley reduced to 2D, consistent with model 7",
    equations=_REDUCED_2D_EQUATIONS,
    params={**HH_2D_REDUCTION.params, "g_L": 0.3 * _mS_cm2, "v_rest": -65 * mV},
    gates={"n": ("n_inf", "tau_n")},
    currents=("I_K", "I_Na", "I_L"),
    v_init=-65 * mV,
    default_current=protocol(5 * _uA_cm2),
    duration=200 * ms,
    adds="the same reduction with model 7's conventions: rates at v + 65 mV, g_L 0.3 mS/cm^2",
    description=(
        "The same 2D reduction (m = m_inf(v), h = 0.89 - 1.1 n, inward-positive currents) "
        "with the conventions of model 7 (neuron_func_7): the rates take the depolarisation "
        "v - v_rest with v_rest = -65 mV and g_L is HH's 0.3 mS/cm^2, so its gates and "
        "resting state match full HH. The notebook's version evaluates the rates 65 mV off "
        "and uses a tenth of the leak, which moves its rest, threshold and fold; "
        "hh_brian.analysis gives the numbers for both."
    ),
    source_symbols={"C_m": "c", "v": "V"},
)

#: Every registered model by name, in the order of the construction.
MODELS: dict[str, Model] = {}


def register(model: Model) -> Model:
    """Add a model to the registry (both its name and its source name must be new).

    Raises
    ------
    ValueError
        If its name or source name is already registered.

    Examples
    --------
    >>> from hh_brian.models import MODELS, register
    >>> register(MODELS["hodgkin_huxley"])
    Traceback (most recent call last):
    ...
    ValueError: model name 'hodgkin_huxley' is already registered
    """
    taken = {m.name for m in MODELS.values()} | {m.source_name for m in MODELS.values()}
    for key in (model.name, model.source_name):
        if key in taken:
            raise ValueError(f"model name {key!r} is already registered")
    MODELS[model.name] = model
    return model


for _model in (
    PASSIVE_MEMBRANE,
    TWO_CONDUCTANCES,
    GATED_CONDUCTANCE,
    TWO_GATED_CONDUCTANCES,
    INACTIVATING_CONDUCTANCE,
    INACTIVATING_AND_DELAYED_CONDUCTANCES,
    HODGKIN_HUXLEY,
    HH_2D_REDUCTION,
    HH_2D_REDUCTION_MODEL7,
):
    register(_model)


def list_models() -> list[Model]:
    """All registered models, in order.

    Examples
    --------
    >>> from hh_brian import list_models
    >>> [m.source_name for m in list_models()][:3]
    ['neuron_func_1', 'neuron_func_2', 'neuron_func_3']
    """
    return list(MODELS.values())


def get_model(model) -> Model:
    """Find a model by its name or its source name (a :class:`Model` is returned as it is).

    Raises
    ------
    ValueError
        If no model has that name; the message lists the valid names.
    TypeError
        If ``model`` is neither a string nor a :class:`Model`.

    Examples
    --------
    >>> from hh_brian import get_model
    >>> get_model("neuron_func_3").name
    'gated_conductance'
    >>> get_model("gated_conductance").source_name
    'neuron_func_3'
    """
    if isinstance(model, Model):
        return model
    if not isinstance(model, str):
        raise TypeError(f"model: expected a model name or a Model, got {model!r}")
    for candidate in MODELS.values():
        if model in (candidate.name, candidate.source_name):
            return candidate
    valid = ", ".join(f"{m.name} ({m.source_name})" for m in MODELS.values())
    raise ValueError(f"model: unknown model {model!r}; valid names: {valid}")
