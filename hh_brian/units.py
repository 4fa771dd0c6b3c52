"""Units shared by the package: checking arguments and turning quantities into plain numbers.

The source documents work without units, reading voltages in mV, times in ms, capacitances in
µF/cm², conductances in mS/cm² and currents in µA/cm². Those are also the units in which
hh_brian hands out plain arrays (:data:`DISPLAY_UNITS`), so that a number printed by hh_brian
can be set beside the source's.
"""

from __future__ import annotations

import numpy as np
from brian2 import DimensionMismatchError, Quantity, cm, mS, ms, mV, uA, uF
from brian2.units.fundamentalunits import get_dimensions, have_same_dimensions

__all__ = ["CURRENT_DENSITY", "DISPLAY_UNITS", "check_dimension", "describe_dimension",
           "show_value", "to_display"]

#: Current density, the unit of every membrane and injected current in the package.
CURRENT_DENSITY = uA / cm**2

#: The unit (and its printed name) in which each physical dimension is shown as a plain number.
DISPLAY_UNITS = {
    get_dimensions(mV): (mV, "mV"),
    get_dimensions(ms): (ms, "ms"),
    get_dimensions(uF / cm**2): (uF / cm**2, "uF/cm^2"),
    get_dimensions(mS / cm**2): (mS / cm**2, "mS/cm^2"),
    get_dimensions(uA / cm**2): (uA / cm**2, "uA/cm^2"),
    get_dimensions(1 / ms): (1 / ms, "1/ms"),
    get_dimensions(mV / ms): (mV / ms, "mV/ms"),
}

_EXAMPLES = {
    get_dimensions(mV): "-65*mV",
    get_dimensions(ms): "0.01*ms",
    get_dimensions(uF / cm**2): "1*uF/cm**2",
    get_dimensions(mS / cm**2): "36*mS/cm**2",
    get_dimensions(uA / cm**2): "5*uA/cm**2",
    get_dimensions(1 / ms): "50*Hz",
}


def describe_dimension(unit) -> str:
    """Name a unit's dimension for an error message, with an example value.

    Examples
    --------
    >>> from brian2 import mV
    >>> describe_dimension(mV)
    'a voltage such as -65*mV'
    """
    dim = get_dimensions(unit)
    names = {
        get_dimensions(mV): "a voltage",
        get_dimensions(ms): "a time",
        get_dimensions(uF / cm**2): "a capacitance per area",
        get_dimensions(mS / cm**2): "a conductance per area",
        get_dimensions(uA / cm**2): "a current density",
        get_dimensions(1 / ms): "a rate",
    }
    if dim.is_dimensionless:
        return "a dimensionless number"
    name = names.get(dim, f"a quantity in {dim}")
    example = _EXAMPLES.get(dim)
    return f"{name} such as {example}" if example else name


def check_dimension(value, unit, argument: str) -> Quantity:
    """Return ``value`` as a Quantity after checking it has the dimension of ``unit``.

    Parameters
    ----------
    value : Quantity, float or array
        The value to check. Plain numbers are accepted only for dimensionless units.
    unit : Unit or Quantity
        Anything with the expected dimension.
    argument : str
        The argument's name, used in the error message.

    Raises
    ------
    DimensionMismatchError
        If the dimensions differ; the message names ``argument`` and what was expected.

    Examples
    --------
    >>> from brian2 import mV, ms
    >>> check_dimension(-65*mV, mV, "v_init")
    -65. * mvolt
    >>> check_dimension(3*ms, mV, "v_init")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    brian2.units.fundamentalunits.DimensionMismatchError: v_init: expected a voltage such as -65*mV, got 3. ms...
    """
    if isinstance(value, (list, tuple)):
        try:
            value = Quantity(value)  # a list of quantities keeps its (common) unit
        except DimensionMismatchError:
            raise DimensionMismatchError(f"{argument}: the values have different units: "
                                         f"{value!r}") from None
    if not have_same_dimensions(value, unit):
        shown = value if isinstance(value, Quantity) else repr(value)
        raise DimensionMismatchError(
            f"{argument}: expected {describe_dimension(unit)}, got {shown}"
        )
    if isinstance(value, Quantity):
        return value
    return Quantity(np.asarray(value, dtype=float))


def to_display(value) -> tuple[np.ndarray, str]:
    """Split a quantity into a plain float array in its display unit and that unit's name.

    Examples
    --------
    >>> from brian2 import uA, cm
    >>> to_display(5*uA/cm**2)
    (array(5.), 'uA/cm^2')
    """
    dim = get_dimensions(value)
    if dim.is_dimensionless:
        return np.asarray(value, dtype=float), "1"
    try:
        unit, name = DISPLAY_UNITS[dim]
    except KeyError:
        # Fall back to SI for dimensions the package does not show (never silently rescaled).
        return np.asarray(value / Quantity(1, dim=dim), dtype=float), str(dim)
    return np.asarray(value / unit, dtype=float), name


def show_value(value) -> str:
    """A scalar quantity as text in its display unit, for messages.

    Examples
    --------
    >>> from brian2 import uF, cm, mV
    >>> show_value(-1 * uF / cm**2), show_value(0.5 * 1000 * mV), show_value(0.2)
    ('-1 uF/cm^2', '500 mV', '0.2')
    """
    number, unit = to_display(value)
    return f"{float(number):g}" + ("" if unit == "1" else f" {unit}")
