"""What a model is: the :class:`Model` value, and the registry that finds models by name.

The models themselves, the step-by-step construction of Hodgkin–Huxley, are the catalogue
in :mod:`hh_brian.models`, which registers each of them here; :func:`register` adds a
model of one's own.
"""

from __future__ import annotations

import dataclasses
import functools
import types
from dataclasses import dataclass, field
from typing import Mapping

import numpy as np
from brian2 import Equations, Quantity

from ..core.ranges import Interval, physical_range
from ..core.wording import did_you_mean
from ..stimuli import Stimulus
from .checks import (RESERVED_NAMES, STIMULUS_LINE, check_in_range, current_sign,
                     declared_parameters, parse_equations, parse_with_stimulus, validate_params)
from .diff import ModelDiff, diff_models
from .latex import to_latex

__all__ = ["MODELS", "Model", "get_model", "list_models", "register"]


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
        (:func:`hh_brian.core.ranges.physical_range`); :attr:`param_ranges` gives every one.

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
        declared = declared_parameters(self.equations)
        if declared != set(self.params):
            raise ValueError(
                f"model {self.name!r}: parameters declared in the equations "
                f"({sorted(declared)}) differ from those with defaults ({sorted(self.params)})"
            )
        taken = sorted(RESERVED_NAMES & set(parse_with_stimulus(self.equations)))
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
        check_in_range(self, self.params)

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
        return current_sign(self)

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
        return parse_equations(self.equations + "\n" + (stimulus or STIMULUS_LINE))

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
        return to_latex(self)

    def __repr__(self) -> str:
        return f"<Model {self.name} ({self.source_name}): {self.title}>"


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
    >>> from hh_brian.model import MODELS, register
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
    names = [name for m in MODELS.values() for name in (m.name, m.source_name)]
    raise ValueError(f"model: unknown model {model!r};{did_you_mean(model, names)} valid "
                     f"names: {valid}")
