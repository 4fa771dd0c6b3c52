"""Periodic orbits born at Hopf points, through AUTO-07p (the optional ``bifpy`` engine).

Periodic orbits are boundary-value problems: they are continued by orthogonal collocation
with adaptive meshes, the limit points of cycles, period doublings and tori are detected
from the Floquet multipliers, and the branch is switched onto at a Hopf point. This is what
AUTO-07p has done reliably for decades, so the package hands it the model rather than writing
collocation itself. ``bifpy`` vendors AUTO-07p and builds it with gfortran; its ``transpile``
mode compiles the model's right-hand side (and its exact Jacobian) to Fortran, which is what
makes a diagram take seconds rather than minutes.

The model reaches AUTO-07p as :meth:`OdeSystem.engine_function`, the same symbolic
right-hand side the package's own continuation uses: nothing is written twice. AUTO-07p first
follows the equilibria from the starting point (its Hopf points are compared with the package's
own), then restarts from each Hopf point onto the cycles.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass

import numpy as np

from ..core.errors import MissingExtra
from .equilibria import RawPoint
from .system import OdeSystem

__all__ = ["CYCLE_STOPS", "DOUBTS", "cycles_from_hopf", "require_engine"]

_MISSING = ("Periodic orbits need the AUTO-07p engine, which is built with gfortran (e.g. "
            "apt-get install gfortran); equilibria, folds and Hopf points work without it "
            "(cycles=False). Install it with")

# Floquet multipliers beyond this size (a canard explosion, a cycle near a homoclinic orbit)
# are computed too inaccurately for AUTO-07p's branch-point, period-doubling and torus tests
# to mean anything; such points are reported as notes, not as special points.
_ILL_CONDITIONED = 1e3

# Why a point AUTO-07p reported is a note and not a special point.
DOUBTS = {
    "ill_conditioned": "its Floquet multipliers are too ill-conditioned to trust (a canard "
                       "explosion or a near-homoclinic cycle)",
    "planar": "the cycles of a system of two variables have one nontrivial multiplier, real "
              "and positive, so they cannot double their period or bifurcate to a torus, and "
              "a branch point needs a symmetry: this one is numerical (typically at a canard "
              "explosion)",
}

# A cycle whose v amplitude falls below this (mV) has shrunk back onto an equilibrium:
# the branch has reached a Hopf point and ends there.
_ZERO_AMPLITUDE_MV = 1e-3

_KINDS = {
    "FOLD": "limit_point_of_cycles",
    "PERIOD_DOUBLING": "period_doubling",
    "TORUS": "torus",
    "BRANCH_POINT": "branch_point",
}


def require_engine():
    """Import ``bifpy.auto``, or raise :class:`~hh_brian.core.errors.MissingExtra` (an ImportError)
    that names the extra to install.

    The engine compiles each model with gfortran, so gfortran must be on PATH too.

    Examples
    --------
    >>> engine = require_engine()  # doctest: +ENGINE
    >>> engine.IPS_PERIODIC_ORBIT  # AUTO-07p's problem type for periodic orbits
    2
    """
    try:
        from bifpy import auto
    except ImportError as error:
        raise MissingExtra("bifurcation", _MISSING) from error
    if shutil.which("gfortran") is None:
        raise MissingExtra("bifurcation", "bifpy is installed but gfortran is not on PATH. "
                           + _MISSING)
    return auto


@dataclass
class RawCycleBranch:
    """A branch of periodic orbits in display units (period in ms)."""

    p: np.ndarray
    period: np.ndarray
    v_min: np.ndarray
    v_max: np.ndarray
    stable: np.ndarray
    points: list
    doubtful: list  # (RawPoint, key of DOUBTS): points AUTO-07p reported, not to be trusted
    start: float   # parameter value of the Hopf point it starts from
    end: float | None  # parameter value of the Hopf point it ends on, if it does
    stop: str = "range"  # a key of CYCLE_STOPS


#: Why a branch of cycles ended, in words.
CYCLE_STOPS = {
    "hopf": "shrank onto another Hopf point",
    "range": "reached the end of the range",
    "max_period": "its period passed max_period (approaching a homoclinic orbit)",
    "equilibrium": "shrank onto an equilibrium away from every Hopf point found",
    "steps": "AUTO-07p stopped (its maximum number of steps, or no convergence)",
}


def _settings(auto, system: OdeSystem, p_range, **changes):
    lo, hi = p_range
    span = hi - lo
    settings = dict(
        ips=auto.IPS_EQUILIBRIUM, ndim=len(system.states), npar=auto.PERIOD_INDEX,
        nmx=3000, ntst=60, ncol=4, iad=3, ilp=1, isp=2, isw=1, iplt=-1, nbc=0, nint=0,
        itmx=8, itnw=7, nwtn=3, jac=1, ds=1e-3 * span, dsmin=1e-9 * span, dsmax=0.01 * span,
        rl0=lo, rl1=hi, a0=-1e300, a1=1e300, epsl=1e-9, epsu=1e-9, epss=1e-7,
        npr=10_000, iads=1, mxbf=0,
    )
    settings.update(changes)
    return settings


def _hopf_points(result, auto):
    return [point for branch in result.branches for point in branch.points
            if point.point_type == auto.PointType.HOPF_BIFURCATION]


def _engine_hopf(auto, func, system, branch, hopf, p_range):
    """AUTO-07p's own Hopf point near ``hopf``: it follows the equilibria from a point of the
    branch a little before it, in the branch's direction, and stops at its first Hopf point."""
    # From the point just before it: the continuation put no other special point between.
    j = hopf.index
    following = branch.p[min(j + 1, len(branch.p) - 1)] - branch.p[j]
    sign = -1.0 if following < 0 else 1.0
    x_start, p_start = branch.x[j], float(branch.p[j])
    n = len(system.states)

    def start(state, parameters, time):
        for i in range(n):
            state[i] = float(x_start[i])
        parameters[0] = p_start

    # Small steps, so that a second Hopf point close by is not stepped over.
    span = p_range[1] - p_range[0]
    # AUTO-07p does not test the first steps of a run for Hopf points: start with small ones.
    settings = _settings(auto, system, p_range, nmx=2000, dsmax=1e-3 * span, ds=1e-5 * span)
    settings["ds"] *= sign
    result = auto.run(func, start, settings, icu=[1], transpile=True, jac=auto.AUTO_JACOBIAN,
                      stop=["HB1"])
    found = _hopf_points(result, auto)
    return found[0] if found else None


def cycles_from_hopf(system: OdeSystem, branches, p_range, max_period: float = 1000.0):
    """Cycle branches from the Hopf points of ``branches`` (RawBranch, display units).

    For each Hopf point, AUTO-07p first follows the equilibria itself from a point of the
    branch just before it and must find its own Hopf point within 1e-6 (relative) of the
    package's: the independent check. It then switches onto the cycles born there.

    Returns ``(cycles, engine_values, unmatched)``: the branches of periodic orbits, the Hopf
    points AUTO-07p found, and the package's Hopf points it found none near (from which no
    cycles were followed). A branch ends where p leaves the range, where it shrinks onto
    another Hopf point (whose cycles are then not followed again), where its period exceeds
    ``max_period`` (ms: it is approaching a homoclinic orbit), or after AUTO-07p's maximum
    number of steps; ``cycle.stop`` says which.

    Examples
    --------
    >>> from hh_brian.bifurcation.system import OdeSystem  # doctest: +ENGINE
    >>> from hh_brian.bifurcation.equilibria import continue_equilibrium
    >>> system = OdeSystem("hodgkin_huxley")
    >>> branch = continue_equilibrium(system, [-65, 0.3, 0.05, 0.6], 0.0, (0.0, 20.0))
    >>> (cycle,), engine, unmatched = cycles_from_hopf(system, [branch], (0.0, 20.0))
    >>> round(engine[0], 4), round(float(cycle.p.min()), 3), cycle.stop
    (8.4105, 5.265, 'range')
    """
    auto = require_engine()
    func = system.engine_function()
    lo, hi = p_range
    span = hi - lo
    hopfs = [(branch, point) for branch in branches for point in branch.points
             if point.kind == "hopf"]
    all_values = [point.p for _, point in hopfs]
    cycles, engine_values, unmatched, reached = [], [], [], []
    for branch, point in hopfs:
        hopf = _engine_hopf(auto, func, system, branch, point, p_range)
        if hopf is None or abs(hopf.parameters[0] - point.p) > 1e-6 * max(1.0, abs(point.p)):
            unmatched.append(point.p)
            continue
        engine_values.append(float(hopf.parameters[0]))
        if any(abs(point.p - end) <= 1e-9 * max(1.0, abs(end)) for end in reached):
            continue  # the cycles from this Hopf point were followed from the other end
        settings = _settings(auto, system, p_range, ips=auto.IPS_PERIODIC_ORBIT, nmx=1500)
        result = auto.restart(func, settings, icu=[1, auto.PERIOD_INDEX], restart_point=hopf,
                              isw=auto.ISW_HOPF_TO_PERIODIC_ORBIT, transpile=True,
                              jac=auto.AUTO_JACOBIAN, uzstop={auto.PERIOD_INDEX: max_period})
        others = [value for value in all_values if value != point.p]
        cycle = _branch(result.branches[0], auto, point.p, others, 1e-2 * span, max_period,
                        (lo, hi), planar=len(system.states) == 2)
        if cycle.end is not None:
            reached.append(cycle.end)
        cycles.append(cycle)
    return cycles, engine_values, unmatched


def _branch(branch, auto, start, others, tolerance, max_period, p_range,
            planar) -> RawCycleBranch:
    columns = {"p": [], "period": [], "v_min": [], "v_max": [], "stable": []}
    points, doubtful, end = [], [], None
    stop = "steps"
    for index, point in enumerate(branch.points):
        p, period = float(point.parameters[0]), float(point.parameters[1])
        v_max, v_min = float(point.state[0]), float(point.solution_measure)
        if index > 2 and v_max - v_min < _ZERO_AMPLITUDE_MV:
            # Back on an equilibrium: the branch ends at a Hopf point near here, if there is
            # one (otherwise on an equilibrium no continuation found).
            near = [h for h in others if abs(h - p) <= tolerance]
            if near:
                end = min(near, key=lambda h: abs(h - p))
                stop = "hopf"
            else:
                stop = "equilibrium"
            break
        for key, value in zip(columns, (p, period, v_min, v_max,
                                        point.stability == auto.Stability.STABLE)):
            columns[key].append(value)
        kind = _KINDS.get(point.point_type.name)
        if kind is not None and index > 0:
            multipliers = np.array([complex(m) for m in (point.floquet_multipliers or ())])
            raw = RawPoint(kind, p, np.array([v_max, v_min]), multipliers,
                           frequency=2 * np.pi / period)
            if kind != "limit_point_of_cycles" and planar:
                doubtful.append((raw, "planar"))
            elif (kind != "limit_point_of_cycles" and multipliers.size
                    and np.max(np.abs(multipliers)) > _ILL_CONDITIONED):
                doubtful.append((raw, "ill_conditioned"))
            else:
                points.append(raw)
    lo, hi = p_range
    inside = [i for i, p in enumerate(columns["p"]) if lo <= p <= hi]
    if len(inside) < len(columns["p"]):
        # AUTO-07p stops at the first point past an end of the range: that end is reached.
        columns = {key: [values[i] for i in inside] for key, values in columns.items()}
        stop = "range"
    if stop == "steps" and columns["p"]:
        amplitude = np.array(columns["v_max"]) - np.array(columns["v_min"])
        near = [h for h in others if abs(h - columns["p"][-1]) <= tolerance]
        if near and amplitude[-1] <= 0.02 * amplitude.max():
            # Converging onto another Hopf point with a cycle too small to pass the threshold
            # above (a family of small cycles between two close Hopf points).
            end, stop = min(near, key=lambda h: abs(h - columns["p"][-1])), "hopf"
        elif columns["period"][-1] >= max_period * (1 - 1e-6):
            stop = "max_period"
    return RawCycleBranch(
        p=np.array(columns["p"], dtype=float), period=np.array(columns["period"], dtype=float),
        v_min=np.array(columns["v_min"], dtype=float),
        v_max=np.array(columns["v_max"], dtype=float),
        stable=np.array(columns["stable"], dtype=bool), points=points, doubtful=doubtful,
        start=start, end=end, stop=stop)
