"""Physical ranges: the values a parameter or a state variable may take.

Every model parameter has a declared valid range, derived from its dimension unless the model
declares another one: a capacitance must be positive, a conductance may be zero but not
negative, a time constant must be positive, a potential must lie within what a membrane can
hold. A gate is a fraction of open channels, so its value lies in [0, 1]. Checks happen
before anything is compiled, with a message that names the argument, the value and the range;
sweeps, fits and the command line reuse the same ranges.

Why ±200 mV for potentials: a reversal potential is a Nernst (or GHK) potential, and a
thousand-fold concentration gradient of a monovalent ion gives 185 mV at 37 °C; no membrane
or reversal potential in physiology goes beyond that. Why 0–45 °C for temperatures: from a
cold-water animal's nerve to a feverish mammal's; water freezes below, proteins denature
above.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from brian2 import Quantity, cm, kelvin, mS, ms, mV, uA, uF
from brian2.units.fundamentalunits import get_dimensions

from .units import celsius, to_display

__all__ = ["GATE_RANGE", "Interval", "physical_range"]


@dataclass(frozen=True)
class Interval:
    """A range of values with units; each end open or closed, possibly infinite.

    Parameters
    ----------
    low, high : Quantity or float
        The ends, in the unit of the values (``-inf``/``inf`` allowed).
    low_closed, high_closed : bool
        Whether each end belongs to the range.

    Examples
    --------
    >>> from brian2 import mS, cm, mV
    >>> conductance = Interval(0 * mS / cm**2, float("inf") * mS / cm**2)
    >>> print(conductance)
    >= 0 mS/cm^2
    >>> conductance.contains([-1, 0, 120] * mS / cm**2)
    array([False,  True,  True])
    >>> print(Interval(-200 * mV, 200 * mV))
    [-200, 200] mV
    """

    low: object
    high: object
    low_closed: bool = True
    high_closed: bool = True

    def contains(self, value) -> np.ndarray:
        """Whether each value lies in the range (NaN never does)."""
        low, high = self._plain(self.low), self._plain(self.high)
        x = self._plain(value)
        above = x >= low if self.low_closed else x > low
        below = x <= high if self.high_closed else x < high
        return np.asarray(above & below)

    def _plain(self, value) -> np.ndarray:
        # Compare in SI: both ends and the value share one dimension, checked by the caller.
        return np.asarray(value, dtype=float)

    def __str__(self) -> str:
        low, unit = to_display(self.low)
        high, _ = to_display(self.high)
        low, high = float(low), float(high)
        unit = "" if unit == "1" else f" {unit}"
        if math.isinf(high) and not math.isinf(low):
            return f"{'>=' if self.low_closed else '>'} {low:g}{unit}"
        if math.isinf(low) and not math.isinf(high):
            return f"{'<=' if self.high_closed else '<'} {high:g}{unit}"
        if math.isinf(low) and math.isinf(high):
            return "any finite value"
        return (f"{'[' if self.low_closed else '('}{low:g}, {high:g}"
                f"{']' if self.high_closed else ')'}{unit}")


_INF = float("inf")

#: The range of every gate: a fraction of open channels.
GATE_RANGE = Interval(0.0, 1.0)

# Default range of a parameter by its dimension (see the module docstring for the voltages).
_BY_DIMENSION = {
    get_dimensions(uF / cm**2): Interval(0 * uF / cm**2, _INF * uF / cm**2, low_closed=False),
    get_dimensions(mS / cm**2): Interval(0 * mS / cm**2, _INF * mS / cm**2),
    get_dimensions(mV): Interval(-200 * mV, 200 * mV),
    get_dimensions(ms): Interval(0 * ms, _INF * ms, low_closed=False),
    get_dimensions(uA / cm**2): Interval(-_INF * uA / cm**2, _INF * uA / cm**2),
    get_dimensions(kelvin): Interval(celsius(0), celsius(45)),
}


def physical_range(unit) -> Interval:
    """The default valid range of a quantity with the dimension of ``unit``.

    Capacitances are positive, conductances non-negative, times positive, potentials within
    ±200 mV, temperatures within 0–45 °C; a dimensionless parameter or another dimension may
    take any finite value.

    Examples
    --------
    >>> from brian2 import uF, cm, ms
    >>> print(physical_range(1 * uF / cm**2))
    > 0 uF/cm^2
    >>> print(physical_range(3 * ms))
    > 0 ms
    >>> print(physical_range(celsius(18.5)))
    [0, 45] degC
    """
    dim = get_dimensions(unit)
    if dim in _BY_DIMENSION:
        return _BY_DIMENSION[dim]
    one = Quantity(1.0, dim=dim)
    return Interval(-_INF * one, _INF * one)
