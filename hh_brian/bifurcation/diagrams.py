"""One-parameter bifurcation diagrams: where a model starts and stops firing.

:func:`diagram` checks its arguments, finds the equilibria at both ends of the range, follows
each branch with the package's own continuation (:mod:`.equilibria`), and, if asked, follows
the periodic orbits born at its Hopf points with AUTO-07p (:mod:`.cycles`).
"""

from __future__ import annotations

import numpy as np
from brian2 import Quantity, mV, ms

from ..analysis import steady_states
from ..models import get_model
from ..units import CURRENT_DENSITY, check_dimension, show_value
from .equilibria import RawBranch, continue_equilibrium
from .kinds import KIND_NAMES
from .results import CycleBranch, Diagram, EquilibriumBranch, SpecialPoint
from .system import STIMULUS, OdeSystem

__all__ = ["diagram"]

# Where equilibria are looked for at the ends of the range (the package's physical range of
# a membrane potential).
_V_SEARCH = (-200 * mV, 200 * mV)


def _check(model, parameter, bounds, params, current):
    model = get_model(model)
    if not isinstance(parameter, str):
        raise TypeError(f"parameter: expected a parameter name (str), got {parameter!r}")
    if params is not None and not hasattr(params, "items"):
        raise TypeError(f"params: expected a mapping of parameter names to values, "
                        f"got {type(params).__name__}")
    params = dict(params or {})
    if current is None:
        current = 0 * CURRENT_DENSITY
    current = check_dimension(current, CURRENT_DENSITY, "current")
    if parameter == STIMULUS and float(current / CURRENT_DENSITY) != 0:
        raise ValueError("current: the injected current is the free parameter here; "
                         "give its range as bounds")
    if np.ndim(current) != 0:
        raise ValueError(f"current: expected one value, got {np.size(current)}")
    if parameter in params:
        raise ValueError(f"params: {parameter!r} is the free parameter; give its range "
                         f"as bounds, not a value in params")
    model = model.with_params(**params)
    system = OdeSystem(model, parameter, current)
    try:
        low, high = bounds
    except (TypeError, ValueError):
        raise TypeError(f"bounds: expected two values (low, high) of {parameter}, "
                        f"got {bounds!r}") from None
    low = system.parameter_value(low, "bounds[0]")
    high = system.parameter_value(high, "bounds[1]")
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise ValueError(f"bounds: expected low < high, got {show_value(system.parameter_quantity(low))}"
                         f" and {show_value(system.parameter_quantity(high))}")
    if parameter != STIMULUS:
        interval = model.param_ranges[parameter]
        for end, value in (("bounds[0]", low), ("bounds[1]", high)):
            quantity = system.parameter_quantity(value)
            if not bool(interval.contains(quantity)):
                raise ValueError(f"{end}: {show_value(quantity)} is outside the physical range "
                                 f"of {parameter} ({interval})")
    return model, system, (low, high), current


def _starts(model, system, p, current):
    """The equilibria at parameter value p (display units), as state vectors."""
    if system.parameter == STIMULUS:
        here, current = model, system.parameter_quantity(p)
    else:
        here = model.with_params(**{system.parameter: system.parameter_quantity(p)})
    starts = []
    for s in steady_states(here, current, v_range=_V_SEARCH):
        starts.append(np.array([float(s.state[name] / Quantity(scale, dim=s.state[name].dim))
                                if isinstance(s.state[name], Quantity) else float(s.state[name])
                                for name, scale in zip(system.states, system.scales)]))
    return starts


def _on(branch: RawBranch, x, p, tol=1e-6) -> bool:
    close = np.abs(branch.p - p) <= tol * max(1.0, abs(p))
    return bool(np.any(np.max(np.abs(branch.x[close] - x), axis=1,
                              initial=0.0) <= tol * (1 + np.abs(x).max()))) if close.any() else False


def _equilibrium_branch(system, raw: RawBranch) -> EquilibriumBranch:
    state = {name: Quantity(raw.x[:, i] * scale, dim=_dim(system, i))
             for i, (name, scale) in enumerate(zip(system.states, system.scales))}
    return EquilibriumBranch(values=system.parameter_quantity(raw.p), state=state,
                             stable=np.all(np.real(raw.eigenvalues) < 0, axis=1),
                             eigenvalues=raw.eigenvalues)


def _dim(system, i):
    return (mV if system.units[i] == "mV" else Quantity(1.0)).dim


def _state_of(system, x) -> dict:
    return {name: Quantity(x[i] * scale, dim=_dim(system, i))
            for i, (name, scale) in enumerate(zip(system.states, system.scales))}


def _equilibrium_point(system, raw) -> SpecialPoint:
    state = _state_of(system, raw.x)
    period = criticality = None
    if raw.kind == "hopf":
        period = 2 * np.pi / raw.frequency * ms
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


def diagram(model, parameter: str = STIMULUS, bounds=None, *, params=None, current=None,
            cycles: bool = True, max_period=1000 * ms) -> Diagram:
    """The bifurcation diagram of a model along one parameter.

    Parameters
    ----------
    model : Model or str
        Any registered model (or a Model value).
    parameter : str
        ``"I_stim"`` (the injected current, the default) or any parameter of the model.
    bounds : (Quantity, Quantity)
        The range of the parameter, in its dimension; within its physical range.
    params : dict, optional
        Other parameters overridden, as in :func:`hh_brian.simulate`.
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
        For an unknown model or parameter, bounds of the wrong dimension, reversed or outside
        the parameter's physical range, and parameter overrides that ``simulate`` would refuse;
        all before anything is computed.
    ImportError
        With ``cycles=True`` when the ``bifurcation`` extra is not installed (the message
        names it).

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
    model, system, (low, high), current = _check(model, parameter, bounds, params, current)
    max_period = float(check_dimension(max_period, ms, "max_period") / ms)
    if cycles:
        from .cycles import require_engine

        require_engine()
    raw_branches = []
    for p, direction in ((low, 1), (high, -1)):
        for x in _starts(model, system, p, current):
            if any(_on(branch, x, p) for branch in raw_branches):
                continue
            raw_branches.append(continue_equilibrium(system, x, p, (low, high),
                                                     direction=direction))
    if not raw_branches:
        raise ValueError(f"bounds: no equilibrium of {model.name!r} with v in "
                         f"[{show_value(_V_SEARCH[0])}, {show_value(_V_SEARCH[1])}] at either "
                         f"end of the range")
    points = [_equilibrium_point(system, raw) for branch in raw_branches for raw in branch.points]
    cycle_branches, engine_hopf, notes = [], None, []
    hopfs = [(branch, raw.p) for branch in raw_branches for raw in branch.points
             if raw.kind == "hopf"]
    if cycles and hopfs:
        from .cycles import cycles_from_hopf

        branch = hopfs[0][0]
        values = [p for b, p in hopfs if b is branch]
        raw_cycles, engine_values, unmatched = cycles_from_hopf(
            system, branch.x[0], branch.p[0], (low, high), values, max_period)
        notes += [f"AUTO-07p found no Hopf point at {parameter} = "
                  f"{show_value(system.parameter_quantity(value))} on its own continuation "
                  f"of the equilibria; no cycles were followed from there"
                  for value in unmatched]
        engine_hopf = system.parameter_quantity(np.array(engine_values))
        for raw in raw_cycles:
            cycle_branches.append(CycleBranch(
                values=system.parameter_quantity(raw.p), period=raw.period * ms,
                v_min=raw.v_min * mV, v_max=raw.v_max * mV, stable=raw.stable,
                start=system.parameter_quantity(raw.start),
                end=None if raw.end is None else system.parameter_quantity(raw.end)))
            points.extend(_cycle_point(system, point) for point in raw.points)
            for point in raw.doubtful:
                notes.append(
                    f"AUTO-07p reported a {KIND_NAMES[point.kind]} at {parameter} = "
                    f"{show_value(system.parameter_quantity(point.p))} where the largest "
                    f"Floquet multiplier is {np.max(np.abs(point.eigenvalues)):.2g}: too "
                    f"ill-conditioned to trust (a canard explosion or a near-homoclinic "
                    f"cycle); not listed")
    points.sort(key=lambda point: float(point.value / system.parameter_quantity(1.0)))
    return Diagram(model=model, parameter=parameter,
                   bounds=(system.parameter_quantity(low), system.parameter_quantity(high)),
                   points=points,
                   equilibria=[_equilibrium_branch(system, raw) for raw in raw_branches],
                   cycles=cycle_branches, cycles_computed=cycles, engine_hopf=engine_hopf,
                   notes=notes)
