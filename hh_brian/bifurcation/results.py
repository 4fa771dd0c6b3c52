"""What a bifurcation diagram holds: special points, branches of equilibria and of cycles.

Values carry units; each prints as a line a reader can quote.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from brian2 import Quantity, ms, mV

from ..core.units import show_value, to_display
from .kinds import KIND_NAMES

__all__ = ["CycleBranch", "Diagram", "EquilibriumBranch", "SpecialPoint"]


def _number(value) -> str:
    text = show_value(value)
    number, _, unit = text.partition(" ")
    return f"{float(number):.4g}" + (f" {unit}" if unit else "")


@dataclass(frozen=True)
class SpecialPoint:
    """A point where the behaviour changes along the parameter.

    Attributes
    ----------
    kind : str
        ``"fold"``, ``"hopf"``, ``"branch_point"`` (on equilibria), or
        ``"limit_point_of_cycles"``, ``"period_doubling"``, ``"torus"`` (on cycles).
    parameter : str
        The free parameter's name.
    value : Quantity
        Where the point lies.
    v : Quantity
        The equilibrium's v; for a point on cycles, the maximum of v around the cycle.
    state : dict
        The equilibrium's full state (equilibrium points), or None.
    v_min, v_max : Quantity or None
        The range of v around the cycle (points on cycles).
    period : Quantity or None
        For a Hopf point, 2π/ω of the eigenvalues ±iω (the period of the cycle born there);
        for a point on cycles, that cycle's period.
    criticality : str or None
        For a Hopf point: ``"subcritical"`` if the first Lyapunov coefficient is positive,
        ``"supercritical"`` if negative, ``"degenerate"`` if it vanishes (a Bautin point,
        where the third-order terms cannot tell).
    lyapunov : float or None
        The first Lyapunov coefficient, in the display units of the state (v in mV, time in
        ms); only its sign is independent of the units.
    engine : str
        ``"hh_brian"`` (equilibria) or ``"AUTO-07p"`` (cycles).

    Examples
    --------
    >>> from brian2 import uA, cm, mV
    >>> from hh_brian.bifurcation import diagram
    >>> d = diagram("hodgkin_huxley", "I_stim", (0*uA/cm**2, 20*uA/cm**2), cycles=False)
    >>> hopf = d.points[0]
    >>> print(hopf)
    Hopf (subcritical) at I_stim = 8.411 uA/cm^2, v = -60.11 mV, period 11.11 ms
    >>> round(float(hopf.state["h"]), 4)
    0.4218
    """

    kind: str
    parameter: str
    value: Quantity
    v: Quantity
    state: dict | None = None
    v_min: Quantity | None = None
    v_max: Quantity | None = None
    period: Quantity | None = None
    criticality: str | None = None
    lyapunov: float | None = None
    engine: str = "hh_brian"

    def __str__(self) -> str:
        name = KIND_NAMES[self.kind]
        if self.criticality:
            name += f" ({self.criticality})"
        text = f"{name} at {self.parameter} = {_number(self.value)}"
        if self.v_min is not None:
            text += f", v from {_number(self.v_min)} to {_number(self.v_max)}"
        else:
            text += f", v = {_number(self.v)}"
        if self.period is not None:
            text += f", period {_number(self.period)}"
        return text


@dataclass(frozen=True)
class EquilibriumBranch:
    """A branch of equilibria.

    Attributes
    ----------
    values : Quantity
        The parameter along the branch, in the order followed.
    state : dict of str to Quantity
        Each state variable along the branch (``state["v"]`` also as :attr:`v`).
    stable : ndarray of bool
        Whether every eigenvalue of the Jacobian has a negative real part.
    eigenvalues : ndarray of complex
        Eigenvalues of the Jacobian along the branch, one row per point, in 1/ms.

    Examples
    --------
    >>> from brian2 import uA, cm
    >>> from hh_brian.bifurcation import diagram
    >>> d = diagram("hh_2d_reduction_model7", "I_stim", (0*uA/cm**2, 10*uA/cm**2), cycles=False)
    >>> (branch,) = d.equilibria
    >>> print(branch.v[0], bool(branch.stable[0]), bool(branch.stable[-1]))
    -65.05687705 mV True False
    """

    values: Quantity
    state: dict
    stable: np.ndarray
    eigenvalues: np.ndarray

    @property
    def v(self) -> Quantity:
        return self.state["v"]

    def __len__(self) -> int:
        return len(self.stable)


@dataclass(frozen=True)
class CycleBranch:
    """A branch of periodic orbits, born at a Hopf point.

    Attributes
    ----------
    values : Quantity
        The parameter along the branch, in the order followed.
    period : Quantity
        The period of each orbit.
    v_min, v_max : Quantity
        The lowest and highest v around each orbit.
    stable : ndarray of bool
        Whether every Floquet multiplier but the trivial one lies inside the unit circle.
    start, end : Quantity
        The parameter of the Hopf point the branch starts from, and of the Hopf point it ends
        on (None if it leaves the range, grows to a very long period, or stops otherwise).
    stop : str
        Why the branch ends: ``"hopf"``, ``"range"``, ``"max_period"``, ``"equilibrium"`` or
        ``"steps"`` (:data:`hh_brian.bifurcation.cycles.CYCLE_STOPS` says each in words).

    Examples
    --------
    >>> from brian2 import uA, cm, ms  # doctest: +ENGINE
    >>> from hh_brian.bifurcation import diagram
    >>> d = diagram("hodgkin_huxley", "I_stim", (0*uA/cm**2, 200*uA/cm**2))
    >>> (cycles,) = d.cycles
    >>> print(round(float(cycles.start / (uA/cm**2)), 4), round(float(cycles.end / (uA/cm**2)), 2))
    8.4105 163.35
    >>> bool(cycles.stable[1]), bool(cycles.stable[-1])  # born unstable, ends stable
    (False, True)
    """

    values: Quantity
    period: Quantity
    v_min: Quantity
    v_max: Quantity
    stable: np.ndarray
    start: Quantity
    end: Quantity | None = None
    stop: str = "range"

    def __len__(self) -> int:
        return len(self.stable)


@dataclass(frozen=True)
class Diagram:
    """A one-parameter bifurcation diagram of a model.

    Attributes
    ----------
    model : Model
        The model, with the parameters the diagram was computed at.
    parameter : str
        The free parameter.
    bounds : tuple of Quantity
        The range of the parameter.
    points : list of SpecialPoint
        Special points, by increasing parameter value.
    equilibria : list of EquilibriumBranch
    cycles : list of CycleBranch
        Empty if cycles were not asked for or no Hopf point was found.
    cycles_computed : bool
        Whether cycles were asked for.
    engine_hopf : Quantity or None
        The Hopf points AUTO-07p found on its own continuation of the equilibria, the
        independent check of the package's (None without cycles).
    notes : list of str
        What a reader should know that is not a special point: a branch that stopped before
        the end of the range and why, a change of stability that could not be located, a
        Hopf point AUTO-07p did not confirm, points AUTO-07p reported where its Floquet
        multipliers are too ill-conditioned to trust.

    Examples
    --------
    >>> from brian2 import mS, cm, uA
    >>> from hh_brian.bifurcation import diagram
    >>> print(diagram("hodgkin_huxley", "g_Na", (50*mS/cm**2, 200*mS/cm**2),
    ...               current=10*uA/cm**2, cycles=False))
    hodgkin_huxley: g_Na from 50 mS/cm^2 to 200 mS/cm^2
      Hopf (subcritical) at g_Na = 113.9 mS/cm^2, v = -59.59 mV, period 10.66 ms
    """

    model: object
    parameter: str
    bounds: tuple
    points: list
    equilibria: list
    cycles: list = field(default_factory=list)
    cycles_computed: bool = False
    engine_hopf: Quantity | None = None
    notes: list = field(default_factory=list)

    def __str__(self) -> str:
        low, high = self.bounds
        lines = [f"{self.model.name}: {self.parameter} from {_number(low)} to "
                 f"{_number(high)}"]
        lines += [f"  {point}" for point in self.points] or ["  no special points"]
        lines += [f"  note: {note}" for note in self.notes]
        return "\n".join(lines)

    def plot(self, hysteresis=None, axes=None):
        """The classical figure; see :func:`hh_brian.bifurcation.plot.plot_diagram`."""
        from .plot import plot_diagram

        return plot_diagram(self, hysteresis=hysteresis, axes=axes)

    def to_csv(self, path) -> None:
        """Write the special points as CSV, one row each, values in display units."""
        import csv

        header = ["kind", "criticality", f"{self.parameter}", "unit", "v_mV", "v_min_mV",
                  "v_max_mV", "period_ms", "lyapunov", "engine"]
        with open(path, "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            for point in self.points:
                number, unit = to_display(point.value)
                writer.writerow([
                    point.kind, point.criticality or "", repr(float(number)), unit,
                    _mv(point.v), _mv(point.v_min),
                    _mv(point.v_max), "" if point.period is None else
                    repr(float(point.period / ms)),
                    "" if point.lyapunov is None else repr(float(point.lyapunov)), point.engine])


def _mv(value) -> str:
    return "" if value is None else repr(float(value / mV))
