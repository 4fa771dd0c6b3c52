"""Which quantities a fit may move, and within what bounds.

A free quantity is a parameter of the model (a conductance, a reversal potential, the
capacitance) or, when asked, the initial value of a state variable (``v`` or a gate). Its
bounds must have the parameter's dimension and lie within its physical range
(:attr:`hh_brian.Model.param_ranges`; ±200 mV for v, [0, 1] for a gate). The optimiser
works in the unit cube: each quantity is mapped linearly from its bounds onto [0, 1].
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from brian2 import Quantity, kelvin, mV

from ..core.ranges import GATE_RANGE, physical_range
from ..core.units import check_dimension, show_value, to_display
from ..model.core import Model, get_model

__all__ = ["FreeParameter", "FreeParameters", "free_parameters"]


@dataclass(frozen=True)
class FreeParameter:
    """One quantity the fit moves, between ``low`` and ``high``.

    Attributes
    ----------
    name : str
    low, high : Quantity
    initial : bool
        True for the initial value of a state variable, False for a model parameter.
    unit : Quantity
        The display unit (mV, mS/cm², …) in which the optimiser and tables read it.
    unit_name : str

    Examples
    --------
    >>> from brian2 import mS, cm
    >>> p = free_parameters("hodgkin_huxley", {"g_K": (10, 80)*mS/cm**2}).items[0]
    >>> p.bounds, p.unit_name, p.initial
    ((10.0, 80.0), 'mS/cm^2', False)
    """

    name: str
    low: Quantity
    high: Quantity
    initial: bool
    unit: Quantity
    unit_name: str

    @property
    def bounds(self) -> tuple[float, float]:
        """The bounds as plain numbers in the display unit."""
        return float(self.low / self.unit), float(self.high / self.unit)


@dataclass(frozen=True)
class FreeParameters:
    """The free quantities of a fit, in order, and the map between them and the unit cube.

    Examples
    --------
    >>> from brian2 import mS, cm
    >>> free = free_parameters("hodgkin_huxley", {"g_Na": (50, 200)*mS/cm**2,
    ...                                           "g_K": (10, 80)*mS/cm**2})
    >>> free.names, free.to_values([[0.5, 0.0]])
    (('g_Na', 'g_K'), array([[125.,  10.]]))
    """

    items: tuple[FreeParameter, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def lows(self) -> np.ndarray:
        return np.array([p.bounds[0] for p in self.items])

    @property
    def spans(self) -> np.ndarray:
        return np.array([p.bounds[1] - p.bounds[0] for p in self.items])

    def to_values(self, cube) -> np.ndarray:
        """Points of the unit cube (shape ``(S, p)``) as values in display units."""
        return self.lows + np.asarray(cube, dtype=float) * self.spans

    def quantities(self, values) -> dict[str, Quantity]:
        """Values in display units (shape ``(p,)`` or ``(S, p)``) as quantities by name."""
        values = np.asarray(values, dtype=float)
        return {p.name: values[..., k] * p.unit for k, p in enumerate(self.items)}

    def split(self, values) -> tuple[dict[str, Quantity], dict[str, Quantity]]:
        """The model parameters and the initial values among ``values``, as quantities."""
        quantities = self.quantities(values)
        params = {p.name: quantities[p.name] for p in self.items if not p.initial}
        initial = {p.name: quantities[p.name] for p in self.items if p.initial}
        return params, initial


def _bounds(value, name: str, unit) -> tuple[Quantity, Quantity]:
    argument = f"free[{name!r}]"
    if isinstance(value, (list, tuple)) and len(value) == 2 and all(
            isinstance(v, Quantity) for v in value):
        low, high = (check_dimension(v, unit, argument) for v in value)
    else:
        if isinstance(value, (list, tuple)):
            value = np.asarray(value, dtype=float) if not any(
                isinstance(v, Quantity) for v in value) else value
        pair = check_dimension(value, unit, argument)
        if np.shape(pair) != (2,):
            raise ValueError(f"{argument}: expected bounds (low, high) with units, such as "
                             f"(50, 200)*mS/cm**2; got {value!r}")
        low, high = pair[0], pair[1]
    low, high = low * 1.0, high * 1.0
    if np.ndim(low) or np.ndim(high):
        raise ValueError(f"{argument}: expected two scalar bounds (low, high), got {value!r}")
    if not (np.isfinite(float(np.asarray(low))) and np.isfinite(float(np.asarray(high)))):
        raise ValueError(f"{argument}: the bounds must be finite, got {show_value(low)} .. "
                         f"{show_value(high)}")
    if not low < high:
        raise ValueError(f"{argument}: expected low < high, got {show_value(low)} .. "
                         f"{show_value(high)}")
    return low, high


def free_parameters(model: Model | str, free: Mapping) -> FreeParameters:
    """Check ``free`` (name → bounds) against ``model`` and order it.

    Raises
    ------
    ValueError
        For an empty mapping, an unknown name (the valid ones are listed), bounds that are
        not a finite pair with low < high, or a bound outside the physical range.
    DimensionMismatchError
        For bounds in the wrong dimension.

    Examples
    --------
    >>> from brian2 import mS, cm, mV
    >>> free_parameters("hodgkin_huxley", {"g_L": (-1, 1)*mS/cm**2})
    Traceback (most recent call last):
    ...
    ValueError: free['g_L']: the bound -1 mS/cm^2 is outside the physical range of g_L (>= 0 mS/cm^2)
    >>> free_parameters("hodgkin_huxley", {"v": (-80, -50)*mV}).items[0].initial
    True
    """
    model = get_model(model)
    if not isinstance(free, Mapping) or not free:
        raise ValueError(f"free: expected a mapping of parameter names to bounds, such as "
                         f"{{'g_Na': (50, 200)*mS/cm**2}}; got {free!r}")
    items = []
    for name, value in free.items():
        if name in model.params:
            unit, interval, initial = model.params[name], model.param_ranges[name], False
            if np.ndim(unit):
                raise ValueError(f"free[{name!r}]: the model holds a batch of values for "
                                 f"{name}; fit a model with scalar parameters")
        elif name in model.state_variables:
            unit = mV if name == "v" else 1.0
            interval = physical_range(mV) if name == "v" else GATE_RANGE
            initial = True
        else:
            valid = ", ".join([*model.params, *(f"{s} (initial value)"
                                                 for s in model.state_variables)])
            raise ValueError(f"free: unknown parameter {name!r} for model {model.name!r}; "
                             f"valid names: {valid}")
        low, high = _bounds(value, name, unit)
        for bound in (low, high):
            if not bool(interval.contains(bound)):
                what = "v" if name == "v" else name
                raise ValueError(f"free[{name!r}]: the bound {show_value(bound)} is outside "
                                 f"the physical range of {what} ({interval})")
        if isinstance(low, Quantity) and low.dim == kelvin.dim:
            # Degrees Celsius are an offset from kelvin, not a multiple: a fitted
            # temperature is read in kelvin.
            scale, unit_name = kelvin, "K"
        else:
            display_unit_value, unit_name = to_display(Quantity(1.0, dim=low.dim)
                                                       if isinstance(low, Quantity) else 1.0)
            scale = (Quantity(1.0, dim=low.dim) / float(display_unit_value)
                     if isinstance(low, Quantity) and not low.is_dimensionless else 1.0)
        items.append(FreeParameter(name, low, high, initial, scale, unit_name))
    return FreeParameters(tuple(items))
