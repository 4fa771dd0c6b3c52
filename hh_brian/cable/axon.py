"""An axon: a uniform cylinder of membrane, its geometry checked, and its length constant.

The cylinder is cut into compartments of equal length; its ends are sealed (no current
leaves through them). :data:`SQUID_AXON` is the axon of Hodgkin & Huxley (1952, Part III):
radius 238 µm, axial resistivity 35.4 Ω·cm.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from brian2 import Quantity, cm, mm, ohm, um

from ..core.units import check_dimension, show_value

__all__ = ["Axon", "SQUID_AXON", "length_constant"]

_RESISTIVITY = ohm * cm


def _positive(value, unit, argument: str, example: str) -> Quantity:
    value = check_dimension(value, unit, argument)
    if np.ndim(value) or not float(value / unit) > 0 or not np.isfinite(float(value / unit)):
        raise ValueError(f"{argument}: expected one positive value, such as {example}; got "
                         f"{show_value(value) if not np.ndim(value) else value}")
    return value


@dataclass(frozen=True)
class Axon:
    """A uniform cylinder with sealed ends, cut into compartments of equal length.

    Parameters
    ----------
    length, diameter : Quantity
    R_i : Quantity
        Axial (intracellular) resistivity, e.g. ``35.4*ohm*cm``.
    compartments : int, optional
        How many compartments (at least 3).
    compartment_length : Quantity, optional
        Or their length, a whole fraction of ``length``. Default: 0.1 mm, or the length
        over 3 for an axon shorter than 0.3 mm.

    Examples
    --------
    >>> from brian2 import cm, um, ohm, mm
    >>> axon = Axon(length=5*cm, diameter=476*um, R_i=35.4*ohm*cm)
    >>> axon.compartments, axon.compartment_length
    (500, 100. * umetre)
    >>> Axon(length=5*cm, compartments=0)
    Traceback (most recent call last):
    ...
    ValueError: compartments: expected a whole number of at least 3, got 0
    """

    length: Quantity = field(default_factory=lambda: 5 * cm)
    diameter: Quantity = field(default_factory=lambda: 476 * um)
    R_i: Quantity = field(default_factory=lambda: 35.4 * _RESISTIVITY)
    compartments: int | None = None
    compartment_length: Quantity | None = None

    def __post_init__(self):
        length = _positive(self.length, cm, "length", "5 cm")
        diameter = _positive(self.diameter, um, "diameter", "476 um")
        resistivity = _positive(self.R_i, _RESISTIVITY, "R_i", "35.4 ohm cm")
        n = self.compartments
        if n is not None and self.compartment_length is not None:
            raise ValueError("compartments, compartment_length: give one or the other")
        if self.compartment_length is not None:
            dx = _positive(self.compartment_length, um, "compartment_length", "0.1 mm")
            ratio = float(length / dx)
            n = round(ratio)
            if abs(ratio - n) > 1e-9 * ratio:
                raise ValueError(f"compartment_length: expected a whole fraction of the length "
                                 f"({show_value(length)}); got {show_value(dx)}, "
                                 f"{ratio:g} compartments")
        elif n is None:
            n = max(3, round(float(length / (0.1 * mm))))
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 3:
            raise ValueError(f"compartments: expected a whole number of at least 3, got {n!r}")
        object.__setattr__(self, "length", length)
        object.__setattr__(self, "diameter", diameter)
        object.__setattr__(self, "R_i", resistivity)
        object.__setattr__(self, "compartments", int(n))
        object.__setattr__(self, "compartment_length", length / int(n))

    def replace(self, **changes) -> "Axon":
        """The same axon with other dimensions: a new ``length`` keeps the compartments'
        length (and so the accuracy), a new ``diameter`` or ``R_i`` keeps every compartment.

        Examples
        --------
        >>> from brian2 import cm, um
        >>> SQUID_AXON.replace(length=2*cm).compartments
        200
        >>> SQUID_AXON.replace(diameter=238*um).compartments
        500
        """
        unknown = set(changes) - {"length", "diameter", "R_i", "compartments",
                                  "compartment_length"}
        if unknown:
            raise ValueError(f"changes: unknown dimension(s) {sorted(unknown)}; valid: "
                             f"length, diameter, R_i, compartments, compartment_length")
        values = {"length": self.length, "diameter": self.diameter, "R_i": self.R_i}
        values.update({k: v for k, v in changes.items() if k in values})
        if "compartments" in changes or "compartment_length" in changes:
            values.update({k: changes[k] for k in ("compartments", "compartment_length")
                           if k in changes})
        elif "length" in changes:
            values["compartment_length"] = self.compartment_length
        else:
            values["compartments"] = self.compartments
        return Axon(**values)

    @property
    def x(self) -> Quantity:
        """The centre of each compartment, from one end."""
        return (np.arange(self.compartments) + 0.5) * self.compartment_length

    def compartments_at(self, where) -> np.ndarray:
        """Which compartments ``where`` covers: a position (the compartment that holds it)
        or a stretch ``(start, stop)`` (the compartments whose centre lies in it, at least
        the one nearest its middle); as a boolean mask.

        Examples
        --------
        >>> from brian2 import mm
        >>> axon = Axon(length=1*mm, compartments=10)
        >>> np.flatnonzero(axon.compartments_at(0.25*mm))
        array([2])
        >>> np.flatnonzero(axon.compartments_at((0*mm, 0.3*mm)))
        array([0, 1, 2])
        """
        length_mm = float(self.length / mm)
        x = np.asarray(self.x / mm)
        if isinstance(where, tuple) or (np.ndim(where) == 1 and np.size(where) == 2):
            start, stop = (float(check_dimension(w, mm, "where") / mm) for w in where)
            for value in (start, stop):
                if not 0 <= value <= length_mm:
                    raise ValueError(f"where: {value:g} mm is off the axon (0 to "
                                     f"{length_mm:g} mm)")
            if not start < stop:
                raise ValueError(f"where: expected (start, stop) with start < stop, got "
                                 f"({start:g} mm, {stop:g} mm)")
            mask = (x >= start) & (x <= stop)
            if not mask.any():
                mask[int(np.argmin(np.abs(x - (start + stop) / 2)))] = True
            return mask
        position = check_dimension(where, mm, "where")
        if np.ndim(position):
            raise ValueError(f"where: expected a position or (start, stop), got {where!r}")
        value = float(position / mm)
        if not 0 <= value <= length_mm:
            raise ValueError(f"where: {value:g} mm is off the axon (0 to {length_mm:g} mm)")
        mask = np.zeros(self.compartments, dtype=bool)
        mask[min(int(value / length_mm * self.compartments), self.compartments - 1)] = True
        return mask

    def __str__(self):
        return (f"axon of {show_value(self.length)} and {show_value(self.diameter)} diameter, "
                f"R_i {float(self.R_i / _RESISTIVITY):g} ohm cm, {self.compartments} "
                f"compartments of {show_value(self.compartment_length)}")


#: Hodgkin & Huxley's squid giant axon (1952, Part III: radius 238 µm, R_i = 35.4 Ω·cm),
#: 5 cm of it in compartments of 0.1 mm.
SQUID_AXON = Axon(length=5 * cm, diameter=476 * um, R_i=35.4 * _RESISTIVITY)


def length_constant(axon: Axon, membrane_conductance) -> Quantity:
    """λ = sqrt(d / (4 R_i g_m)): how far a steady voltage spreads along the axon, for a
    membrane of conductance ``g_m`` per area.

    Examples
    --------
    >>> from brian2 import mS, cm, mm
    >>> round(float(length_constant(SQUID_AXON, 0.3 * mS / cm**2) / mm), 2)  # HH's leak
    10.59
    """
    g = check_dimension(membrane_conductance, 1 * ohm**-1 / cm**2, "membrane_conductance")
    return np.sqrt(axon.diameter / (4 * axon.R_i * g))
