"""Units shared by the package: checking arguments and turning quantities into plain numbers.

The source documents work without units, reading voltages in mV, times in ms, capacitances in
µF/cm², conductances in mS/cm² and currents in µA/cm². Those are also the units in which
hh_brian hands out plain arrays (:data:`DISPLAY_UNITS`), so that a number printed by hh_brian
can be set beside the source's.

Quantities written as text (``"5uA/cm2"``, ``"200 ms"``, a CSV header's ``[mV]``) are read by
:func:`parse_quantity`, shared by the command line and the readers of recorded data.
"""

from __future__ import annotations

import ast
import re

import brian2
import numpy as np
from brian2 import (DimensionMismatchError, Hz, Quantity, cm, farad, kelvin, metre, mm, mS,
                    ms, mV, ohm, second, siemens, uA, uF, volt)
from brian2.core.namespace import DEFAULT_UNITS
from brian2.units.fundamentalunits import (DIMENSIONLESS, Unit, get_dimensions,
                                           have_same_dimensions)

__all__ = ["CURRENT_DENSITY", "DISPLAY_UNITS", "UnitTextError", "celsius", "check_dimension",
           "describe_dimension", "parse_quantity", "positive_time", "show_value", "to_celsius",
           "to_display", "unit_text", "whole_steps"]

#: Current density, the unit of every membrane and injected current in the package.
CURRENT_DENSITY = uA / cm**2

#: 0 °C in kelvin. Temperatures are quantities in kelvin (Brian2's unit): a temperature in
#: degrees Celsius becomes one with :func:`celsius`, never by a bare number, so that kelvin
#: cannot be read as Celsius or the reverse.
ZERO_CELSIUS = 273.15


def celsius(value) -> Quantity:
    """A temperature given in degrees Celsius, as a quantity in kelvin.

    Examples
    --------
    >>> print(celsius(18.5))
    291.65 K
    >>> to_celsius(celsius([6.3, 18.5]))
    array([ 6.3, 18.5])
    """
    return (np.asarray(value, dtype=float) + ZERO_CELSIUS) * kelvin


def to_celsius(temperature) -> np.ndarray:
    """A temperature (a quantity in kelvin) in degrees Celsius, as plain floats.

    Examples
    --------
    >>> from brian2 import kelvin
    >>> float(to_celsius(300 * kelvin))
    26.85
    """
    temperature = check_dimension(temperature, kelvin, "temperature")
    return np.round(np.asarray(temperature / kelvin, dtype=float) - ZERO_CELSIUS, 10)

#: For each physical dimension the package uses: the unit in which it is shown as a plain
#: number and its printed name, what it is called in an error message, and an example value
#: written as a script would write it. One table, so that the three never disagree.
_DIMENSIONS = {
    get_dimensions(unit): (unit, text, called, example) for unit, text, called, example in (
        (mV, "mV", "a voltage", "-65*mV"),
        (ms, "ms", "a time", "0.01*ms"),
        (uF / cm**2, "uF/cm^2", "a capacitance per area", "1*uF/cm**2"),
        (mS / cm**2, "mS/cm^2", "a conductance per area", "36*mS/cm**2"),
        (uA / cm**2, "uA/cm^2", "a current density", "5*uA/cm**2"),
        (1 / ms, "1/ms", "a rate", "50*Hz"),
        (mV / ms, "mV/ms", "a rate of change of voltage", None),
        (kelvin, "degC", "a temperature", "celsius(18.5)"),
        (mm, "mm", "a length", "5*mm"),
        (metre / second, "m/s", "a velocity", "20*meter/second"),
        (ohm * cm, "ohm cm", "a resistivity", "35.4*ohm*cm"),
    )}

#: The unit (and its printed name) in which each physical dimension is shown as a plain number.
#: Temperatures are shown in degrees Celsius, an offset from kelvin, not a multiple of it:
#: :func:`to_display` converts them, and they have no entry here.
DISPLAY_UNITS = {dim: (unit, text) for dim, (unit, text, _, _) in _DIMENSIONS.items()
                 if dim != get_dimensions(kelvin)}


def describe_dimension(unit) -> str:
    """Name a unit's dimension for an error message, with an example value.

    Examples
    --------
    >>> from brian2 import mV
    >>> describe_dimension(mV)
    'a voltage such as -65*mV'
    """
    dim = get_dimensions(unit)
    if dim.is_dimensionless:
        return "a dimensionless number"
    _, _, called, example = _DIMENSIONS.get(dim, (None, None, f"a quantity in {dim}", None))
    return f"{called} such as {example}" if example else called


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
    >>> to_display(celsius(18.5))  # temperatures in degrees Celsius
    (array(18.5), 'degC')
    """
    dim = get_dimensions(value)
    if dim.is_dimensionless:
        return np.asarray(value, dtype=float), "1"
    if dim == get_dimensions(kelvin):  # shown in degrees Celsius, as physiology writes them
        return np.asarray(to_celsius(value), dtype=float), "degC"
    try:
        unit, name = DISPLAY_UNITS[dim]
    except KeyError:
        # Fall back to SI for dimensions the package does not show (never silently rescaled).
        return np.asarray(value / Quantity(1, dim=dim), dtype=float), str(dim)
    return np.asarray(value / unit, dtype=float), name


_TO_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def unit_text(name: str) -> str:
    """A unit's plain-text name (as :func:`to_display` writes it, and a sweep's ``units``
    attribute) as figures write it: µ for micro, powers as superscripts, ° and Ω.

    Examples
    --------
    >>> unit_text("uA/cm^2"), unit_text("mS/cm^2"), unit_text("nA/mm^2")
    ('µA/cm²', 'mS/cm²', 'nA/mm²')
    >>> unit_text("degC"), unit_text("ohm cm"), unit_text("um"), unit_text("1/ms")
    ('°C', 'Ω·cm', 'µm', '1/ms')
    """
    text = re.sub(r"\^(-?\d+)", lambda m: m.group(1).translate(_TO_SUPERSCRIPTS), name)
    text = re.sub(r"\bdegC\b", "°C", text)
    text = re.sub(r"\bohm\b", "Ω", text.replace("ohm cm", "Ω·cm"))
    return re.sub(r"\bu(?=[A-Za-z])", "µ", text)


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


# --------------------------------------------------------------------------------------------
# Quantities written as text


class UnitTextError(ValueError):
    """A quantity written as text could not be read, or has the wrong dimension.

    The message names the argument (an option, a file's column) and what it expects.

    Examples
    --------
    >>> from brian2 import mV
    >>> try:
    ...     parse_quantity("-65 mV/ms", mV, "v_init")
    ... except UnitTextError as error:
    ...     print(error)
    v_init: expected a voltage such as -65mV, got '-65 mV/ms'
    """


def _unit_names() -> dict:
    # Brian2's unit names: the full set and the short aliases it exports (mS, uF, ...).
    units = {**DEFAULT_UNITS, **{k: v for k, v in vars(brian2).items() if isinstance(v, Unit)}}
    # Brian2 has short aliases for some units only (ms, mV, uA) and none for the unprefixed
    # ones, not even `s`, the symbol people type most. Each missing one (s, V, uV, kS...) is
    # taken from the full name (second, volt, uvolt, ksiemens).
    symbols = {"s": "second", "V": "volt", "A": "amp", "S": "siemens", "F": "farad",
               "m": "metre", "Hz": "hertz"}
    for symbol, name in symbols.items():
        for prefix in ("", "p", "n", "u", "m", "c", "k", "M", "G"):
            if prefix + name in DEFAULT_UNITS:
                units.setdefault(prefix + symbol, DEFAULT_UNITS[prefix + name])
    units["sec"] = second
    units["K"] = kelvin
    return units


_UNITS = _unit_names()

#: Units quoted in error messages, by the dimension the argument expects.
_UNIT_EXAMPLES = {
    get_dimensions(second): "ms, s, us",
    get_dimensions(volt): "mV, V, uV",
    get_dimensions(CURRENT_DENSITY): "uA/cm2, nA/mm2, mA/cm2",
    get_dimensions(siemens / metre**2): "mS/cm2, uS/mm2, S/m2",
    get_dimensions(farad / metre**2): "uF/cm2, nF/mm2, F/m2",
    get_dimensions(Hz): "Hz, kHz",
    get_dimensions(kelvin): "degC, K",
}
#: What a temperature is written with, in degrees Celsius (an offset from kelvin).
_CELSIUS = ("degC", "°C", "ºC")
_ANY_UNIT_EXAMPLES = "mV, ms, uA/cm2, mS/cm2"
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
# Longer unit texts are no unit anyone means, and could nest deep enough to exhaust the parser.
_MAX_UNIT_LENGTH = 64
_MAX_POWER = 9


def parse_quantity(text: str, unit=None, argument: str = "value") -> Quantity:
    """Read a quantity written with its unit, e.g. ``"5uA/cm2"`` or ``"-5 uA/cm**2"``.

    Units are Brian2's names (``mV``, ``ms``, ``uA``, ``nA``, ``cm``, ``mS``, ``Hz``...) and
    the SI symbols it lacks, prefixed or not (``s`` or ``sec``, ``V``, ``uV``, ``S``, ``kS``,
    ``F``, ``A``, ``m``...). ``µ`` may stand for ``u``; a power is written ``**2``, ``^2``,
    ``²`` or as a digit right after the unit (``cm2`` is ``cm**2``); a space may separate the
    number from its unit.

    Parameters
    ----------
    text : str
    unit : Unit, optional
        If given, the dimension the quantity must have (``1`` for a plain number).
    argument : str
        Named in error messages.

    Returns
    -------
    Quantity

    Raises
    ------
    UnitTextError
        If the text is not a finite number with a known unit, or has the wrong dimension.
        The message names ``argument`` and, for an unknown unit, units of the expected
        dimension.

    Examples
    --------
    >>> from brian2 import uA, cm, ms
    >>> float(parse_quantity("5uA/cm2", uA/cm**2) / (uA/cm**2))
    5.0
    >>> float(parse_quantity("50 nA/mm**2") / (uA/cm**2))
    5.0
    >>> float(parse_quantity("-5 µA/cm²") / (uA/cm**2))
    -5.0
    >>> float(parse_quantity("1.5s", ms) / ms)
    1500.0
    >>> print(parse_quantity("18.5degC"), parse_quantity("291.65 K"))
    291.65 K 291.65 K
    >>> try:
    ...     parse_quantity("10 parsec", ms, "--duration")
    ... except UnitTextError as error:
    ...     print(error)  # doctest: +NORMALIZE_WHITESPACE
    --duration: unknown unit 'parsec' in '10 parsec';
    valid units for --duration include ms, s, us
    """
    text = text.strip()
    expected = None if unit is None else get_dimensions(unit)
    cleaned = text.replace("µ", "u").replace("μ", "u")
    cleaned = re.sub(r"[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+", lambda m: "**" + m.group().translate(_SUPERSCRIPTS),
                     cleaned)
    cleaned = cleaned.replace("^", "**").replace("·", "*")
    match = re.fullmatch(r"([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(.*)", cleaned,
                         flags=re.DOTALL)
    if not match:
        raise UnitTextError(f"{argument}: expected {_what(expected)}, got {text!r}")
    number, unit_text = float(match.group(1)), match.group(2).strip()
    if unit_text in _CELSIUS:  # an offset from kelvin, converted exactly as celsius() does
        value = celsius(number)
        if expected is not None and expected != get_dimensions(kelvin):
            raise UnitTextError(f"{argument}: expected {_what(expected)}, got {text!r}")
        return value
    unit_text = re.sub(r"([A-Za-z]+)(\d+)", r"\1**\2", unit_text)
    # A dimensionless unit (radian) times a number is a plain float; keep the Quantity type.
    value = Quantity(number * _evaluate_unit(unit_text, text, argument, expected) if unit_text
                     else number)
    if not np.isfinite(float(np.asarray(value))):
        raise UnitTextError(f"{argument}: expected a finite value, got {text!r}")
    if expected is not None and get_dimensions(value) != expected:
        raise UnitTextError(f"{argument}: expected {_what(expected)}, got {text!r}")
    return value


def _what(dimension) -> str:
    if dimension is None:
        return "a number with a unit, such as 5uA/cm2 or 10ms"
    if dimension == DIMENSIONLESS:
        return "a plain number without a unit, such as 0.3"
    if dimension == get_dimensions(kelvin):
        return "a temperature such as 18.5degC or 291.65K"
    # describe_dimension writes Python expressions (5*uA/cm**2); units as text read 5uA/cm2
    # (and a product of units keeps its *: 35.4ohm*cm).
    text = describe_dimension(Quantity(1.0, dim=dimension)).replace("**", "")
    return re.sub(r"(\d)\*", r"\1", text)


def _unit_hint(dimension, argument: str) -> str:
    if dimension == DIMENSIONLESS:
        return f"{argument} takes a plain number without a unit, such as 0.3"
    examples = _UNIT_EXAMPLES.get(dimension, _ANY_UNIT_EXAMPLES)
    return f"valid units for {argument} include {examples}"


def _evaluate_unit(unit_text, text, argument, expected):
    def fail():
        return UnitTextError(f"{argument}: cannot read the unit of {text!r}; "
                             f"{_unit_hint(expected, argument)}")

    if len(unit_text) > _MAX_UNIT_LENGTH:
        raise fail()
    try:
        tree = ast.parse(unit_text, mode="eval")
    except (SyntaxError, ValueError):
        raise fail() from None

    def power(node):
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            return -power(node.operand) if isinstance(node.op, ast.USub) else power(node.operand)
        if (isinstance(node, ast.Constant) and type(node.value) is int
                and node.value <= _MAX_POWER):
            return node.value
        raise fail()

    def walk(node):
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Name):
            if node.id not in _UNITS:
                raise UnitTextError(f"{argument}: unknown unit {node.id!r} in {text!r}; "
                                    f"{_unit_hint(expected, argument)}")
            return _UNITS[node.id]
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mult, ast.Div)):
            left, right = walk(node.left), walk(node.right)
            return left * right if isinstance(node.op, ast.Mult) else left / right
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            return walk(node.left) ** power(node.right)
        raise fail()

    return walk(tree)


def positive_time(value, argument: str) -> Quantity:
    """Return ``value`` after checking it is one positive time.

    Raises
    ------
    DimensionMismatchError
        If it is not a time.
    ValueError
        If it is not a single positive value; the message names ``argument``.

    Examples
    --------
    >>> from brian2 import ms
    >>> positive_time(0.01*ms, "dt")
    10. * usecond
    >>> positive_time(-1*ms, "dt")
    Traceback (most recent call last):
    ...
    ValueError: dt: expected a positive time, got -1 ms
    """
    value = check_dimension(value, ms, argument)
    if np.ndim(value) != 0:
        raise ValueError(f"{argument}: expected a single time, got shape {np.shape(value)}")
    if not float(value / ms) > 0:
        raise ValueError(f"{argument}: expected a positive time, got {show_value(value)}")
    return value


def whole_steps(duration, dt, argument: str = "duration") -> int:
    """The number of steps of ``dt`` in ``duration``, which must be a whole number of them.

    Two times closer than 1e-9 of a step count as equal, so that 0.3 ms is three steps of
    0.1 ms despite floating point.

    Examples
    --------
    >>> from brian2 import ms
    >>> whole_steps(0.3*ms, 0.1*ms)
    3
    >>> whole_steps(0.25*ms, 0.1*ms, "record_dt")
    Traceback (most recent call last):
    ...
    ValueError: record_dt: must be a whole number of steps of dt = 0.1 ms; got 0.25 ms, which is 2.5 steps
    """
    ratio = float(duration / dt)
    n_steps = int(round(ratio))
    if n_steps < 1 or abs(ratio - n_steps) > 1e-9 * max(1.0, ratio):
        raise ValueError(f"{argument}: must be a whole number of steps of dt = "
                         f"{show_value(dt)}; got {show_value(duration)}, which is {ratio:g} "
                         f"steps")
    return n_steps
