"""One-parameter bifurcation diagrams: where a model starts and stops firing.

:func:`diagram` checks its arguments, finds the equilibria at both ends of the range, follows
each branch with the package's own continuation (:mod:`.equilibria`), and, if asked, follows
the periodic orbits born at its Hopf points with AUTO-07p (:mod:`.cycles`). Whatever a reader
should know that is not a special point (a branch that stopped early, a change of stability
that could not be located, a point of the engine too ill-conditioned to trust) becomes a note
of the diagram.
"""

from __future__ import annotations

import numpy as np
from brian2 import Quantity, mV, ms

from ..core.units import CURRENT_DENSITY, check_dimension, show_value
from ..model.core import get_model
from .equilibria import STOP_REASONS, RawBranch, continue_equilibrium
from .kinds import KIND_NAMES
from .results import CycleBranch, Diagram, EquilibriumBranch, SpecialPoint
from .system import STIMULUS, OdeSystem

__all__ = ["diagram"]

# Where equilibria are looked for at the ends of the range (the package's physical range of
# a membrane potential).
_V_SEARCH = (-200 * mV, 200 * mV)


def _scalar(value, unit, argument: str) -> Quantity:
    value = check_dimension(value, unit, argument)
    number = np.asarray(value / unit)
    if number.ndim != 0 or not np.isfinite(number):
        raise ValueError(f"{argument}: expected one finite value, got {value}")
    return value


def _check(model, parameter, bounds, params, current, cycles, max_period):
    model = get_model(model)
    if not isinstance(parameter, str):
        raise TypeError(f"parameter: expected a parameter name (str), got {parameter!r}")
    if params is not None and not hasattr(params, "items"):
        raise TypeError(f"params: expected a mapping of parameter names to values, "
                        f"got {type(params).__name__}")
    if not isinstance(cycles, bool):
        raise TypeError(f"cycles: expected True or False, got {cycles!r}")
    max_period = _scalar(max_period, ms, "max_period")
    if not max_period > 0 * ms:
        raise ValueError(f"max_period: expected a positive time, got {show_value(max_period)}")
    params = dict(params or {})
    if parameter in params:
        raise ValueError(f"params: {parameter!r} is the free parameter; give its range "
                         f"as bounds, not a value in params")
    for name, value in params.items():
        if np.ndim(value) != 0:
            raise ValueError(f"params[{name!r}]: a bifurcation diagram needs one value per "
                             f"parameter, got {np.size(value)}")
    if current is not None:
        current = _scalar(current, CURRENT_DENSITY, "current")
    model = model.with_params(**params)
    system = OdeSystem(model, parameter, current)
    try:
        if isinstance(bounds, (str, bytes)) or len(bounds) != 2:
            raise TypeError
        low, high = bounds[0], bounds[1]
    except TypeError:
        raise TypeError(f"bounds: expected two values (low, high) of {parameter}, "
                        f"got {bounds!r}") from None
    unit = system.parameter_quantity(1.0)
    low = float(_scalar(low, unit, "bounds[0]") / unit)
    high = float(_scalar(high, unit, "bounds[1]") / unit)
    if not low < high:
        raise ValueError(f"bounds: expected low < high, got "
                         f"{show_value(system.parameter_quantity(low))} and "
                         f"{show_value(system.parameter_quantity(high))}")
    if parameter != STIMULUS:
        interval = model.param_ranges[parameter]
        for end, value in (("bounds[0]", low), ("bounds[1]", high)):
            quantity = system.parameter_quantity(value)
            if not bool(interval.contains(quantity)):
                raise ValueError(f"{end}: {show_value(quantity)} is outside the physical range "
                                 f"of {parameter} ({interval})")
    return model, system, (low, high), float(max_period / ms)


def _starts(system, p):
    """The equilibria at parameter value p (display units), as state vectors."""
    return [np.array([float(np.asarray(s.state[name] / Quantity(scale, dim=dim)))
                      for name, scale, dim in zip(system.states, system.scales,
                                                  system.dimensions)])
            for s in system.steady_states_at(p, v_range=_V_SEARCH)]


def _on(branch: RawBranch, x, p, tol=1e-6) -> bool:
    close = np.abs(branch.p - p) <= tol * max(1.0, abs(p))
    if not close.any():
        return False
    distance = np.max(np.abs(branch.x[close] - x), axis=1)
    return bool(np.any(distance <= tol * (1 + np.abs(x).max())))


def _equilibrium_point(system, raw) -> SpecialPoint:
    state = system.state_of(raw.x)
    period = criticality = None
    if raw.kind == "hopf":
        period = 2 * np.pi / raw.frequency * ms
        if not np.isfinite(raw.lyapunov) or raw.lyapunov == 0:
            criticality = "degenerate"
        else:
            criticality = "subcritical" if raw.lyapunov > 0 else "supercritical"
    return SpecialPoint(kind=raw.kind, parameter=system.parameter,
                        value=system.parameter_quantity(raw.p), v=state["v"], state=state,
                        period=period, criticality=criticality, lyapunov=raw.lyapunov)


def _cycle_point(system, raw) -> SpecialPoint:
    v_max, v_min = raw.x
    return SpecialPoint(kind=raw.kind, parameter=system.parameter,
                        value=system.parameter_quantity(raw.p), v=v_max * mV,
                        v_min=v_min * mV, v_max=v_max * mV,
                        period=2 * np.pi / raw.frequency * ms, engine="AUTO-07p")


def _branch_notes(system, raw: RawBranch) -> list[str]:
    shown = [show_value(system.parameter_quantity(p)) for p in raw.p[[0, -1]]]
    notes = []
    if raw.stop != "range":
        notes.append(f"the branch of equilibria from {system.parameter} = {shown[0]} stopped "
                     f"at {shown[1]}: {STOP_REASONS[raw.stop]}")
    for a, b in raw.unlocated:
        notes.append(f"the stability of the equilibria changes between {system.parameter} = "
                     f"{show_value(system.parameter_quantity(a))} and "
                     f"{show_value(system.parameter_quantity(b))}, but no single point "
                     f"could be located there")
    return notes


def diagram(model, parameter: str = STIMULUS, bounds=None, *, params=None, current=None,
            cycles: bool = True, max_period=1000 * ms) -> Diagram:
    """The bifurcation diagram of a model along one parameter.

    The equilibria are found at both ends of the range (v within ±200 mV) and each branch
    through them is followed; a branch that lies wholly inside the range (an isola) is not
    found. Cycles are followed from every Hopf point; cycles born otherwise (at a homoclinic
    orbit or on an invariant circle at a fold) are not.

    Parameters
    ----------
    model : Model or str
        Any registered model (or a Model value).
    parameter : str
        ``"I_stim"`` (the injected current, the default) or any parameter of the model.
    bounds : (Quantity, Quantity)
        The range of the parameter, in its dimension; within its physical range.
    params : dict, optional
        Other parameters overridden (one value each), as in :func:`hh_brian.simulate`.
    current : Quantity, optional
        The injected current when the free parameter is not ``I_stim`` (default 0).
    cycles : bool
        Follow the periodic orbits born at the Hopf points (needs the ``bifurcation`` extra:
        AUTO-07p through ``bifpy``). With False, only equilibria, folds and Hopf points.
    max_period : Quantity
        A cycle branch stops when its period exceeds this (it is approaching a homoclinic
        orbit, where the period grows without bound).

    Returns
    -------
    Diagram

    Raises
    ------
    ValueError, TypeError, DimensionMismatchError
        For an unknown model or parameter, bounds of the wrong dimension, not finite, reversed
        or outside the parameter's physical range, a current given with ``I_stim`` free, a
        ``max_period`` that is not a positive time, and parameter overrides that ``simulate``
        would refuse; all before anything is computed. A ValueError also when no equilibrium
        exists at either end of the range.
    MissingExtra
        With ``cycles=True`` when the ``bifurcation`` extra is not installed (the message
        names it); an ImportError.

    Examples
    --------
    >>> from brian2 import uA, cm, mV
    >>> from hh_brian.bifurcation import diagram
    >>> d = diagram("hodgkin_huxley", "I_stim", (0*uA/cm**2, 200*uA/cm**2),
    ...             params={"E_Na": 50*mV}, cycles=False)
    >>> for point in d.points:
    ...     print(point)
    Hopf (subcritical) at I_stim = 9.779 uA/cm^2, v = -59.65 mV, period 10.72 ms
    Hopf (supercritical) at I_stim = 154.5 uA/cm^2, v = -43.06 mV, period 5.911 ms
    """
    if bounds is None:
        raise TypeError("bounds: expected the range of the parameter, (low, high)")
    model, system, (low, high), max_period = _check(
        model, parameter, bounds, params, current, cycles, max_period)
    if cycles:
        from .cycles import require_engine

        require_engine()
    raw_branches = []
    for p, direction in ((low, 1), (high, -1)):
        for x in _starts(system, p):
            if any(_on(branch, x, p) for branch in raw_branches):
                continue
            raw_branches.append(continue_equilibrium(system, x, p, (low, high),
                                                     direction=direction))
    if not raw_branches:
        raise ValueError(f"bounds: no equilibrium of {model.name!r} with v in "
                         f"[{show_value(_V_SEARCH[0])}, {show_value(_V_SEARCH[1])}] at either "
                         f"end of the range")
    points = [_equilibrium_point(system, raw) for branch in raw_branches for raw in branch.points]
    notes = [note for branch in raw_branches for note in _branch_notes(system, branch)]
    cycle_branches, engine_hopf = [], None
    if cycles and any(raw.kind == "hopf" for branch in raw_branches for raw in branch.points):
        from .cycles import CYCLE_STOPS, DOUBTS, cycles_from_hopf

        raw_cycles, engine_values, unmatched = cycles_from_hopf(system, raw_branches,
                                                                (low, high), max_period)
        engine_hopf = system.parameter_quantity(np.array(engine_values))
        notes += [f"AUTO-07p found no Hopf point at {parameter} = "
                  f"{show_value(system.parameter_quantity(value))} on its own continuation "
                  f"of the equilibria; no cycles were followed from there"
                  for value in unmatched]
        for raw in raw_cycles:
            cycle_branches.append(CycleBranch(
                values=system.parameter_quantity(raw.p), period=raw.period * ms,
                v_min=raw.v_min * mV, v_max=raw.v_max * mV, stable=raw.stable,
                start=system.parameter_quantity(raw.start),
                end=None if raw.end is None else system.parameter_quantity(raw.end),
                stop=raw.stop))
            points.extend(_cycle_point(system, point) for point in raw.points)
            if raw.stop not in ("hopf", "range"):
                notes.append(f"the cycles born at {parameter} = "
                             f"{show_value(system.parameter_quantity(raw.start))} were "
                             f"followed until {CYCLE_STOPS[raw.stop]}")
            for point, doubt in raw.doubtful:
                largest = (f" (largest Floquet multiplier {np.max(np.abs(point.eigenvalues)):.2g})"
                           if point.eigenvalues.size else "")
                notes.append(
                    f"AUTO-07p reported a {KIND_NAMES[point.kind]} at {parameter} = "
                    f"{show_value(system.parameter_quantity(point.p))}{largest}, not listed: "
                    f"{DOUBTS[doubt]}")
    points.sort(key=lambda point: float(point.value / system.parameter_quantity(1.0)))
    return Diagram(model=model, parameter=parameter,
                   bounds=(system.parameter_quantity(low), system.parameter_quantity(high)),
                   points=points,
                   equilibria=[EquilibriumBranch(
                       values=system.parameter_quantity(raw.p), state=system.state_of(raw.x),
                       stable=np.all(np.real(raw.eigenvalues) < 0, axis=1),
                       eigenvalues=raw.eigenvalues) for raw in raw_branches],
                   cycles=cycle_branches, cycles_computed=cycles, engine_hopf=engine_hopf,
                   notes=notes)
