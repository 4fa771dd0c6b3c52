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

from .equilibria import RawPoint, correct
from .system import OdeSystem

__all__ = ["cycles_from_hopf", "require_engine"]

_MISSING = ("Periodic orbits need the AUTO-07p engine: pip install 'hh_brian[bifurcation]' "
            "(its build needs gfortran, e.g. apt-get install gfortran). Equilibria, folds and "
            "Hopf points work without it: pass cycles=False.")

# Floquet multipliers beyond this size (a canard explosion, a cycle near a homoclinic orbit)
# are computed too inaccurately for AUTO-07p's branch-point, period-doubling and torus tests
# to mean anything; such points are reported as notes, not as special points.
_ILL_CONDITIONED = 1e3

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
    """Import ``bifpy.auto``, or raise an ImportError that names the extra to install.

    The engine compiles each model with gfortran, so gfortran must be on PATH too.

    Examples
    --------
    >>> require_engine().IPS_PERIODIC_ORBIT  # AUTO-07p's problem type for periodic orbits
    2
    """
    try:
        from bifpy import auto
    except ImportError as error:
        raise ImportError(_MISSING) from error
    if shutil.which("gfortran") is None:
        raise ImportError(_MISSING + " (bifpy is installed, but gfortran is not on PATH)")
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
    doubtful: list  # points AUTO-07p reported where the multipliers are ill-conditioned
    start: float   # parameter value of the Hopf point it starts from
    end: float | None  # parameter value of the Hopf point it ends on, if it does


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


def cycles_from_hopf(system: OdeSystem, x0, p0: float, p_range, hopf_values,
                     max_period: float = 1000.0):
    """Cycle branches from the Hopf points at ``hopf_values`` (display units).

    Returns ``(branches, auto_hopf_values, unmatched)``: the branches of periodic orbits, the
    Hopf points AUTO-07p found on the equilibrium branch through (x0, p0), for comparison with
    the package's own, and the values of ``hopf_values`` AUTO-07p found no Hopf point at
    (within 1e-6 relative), from which no cycles were followed. A branch ends where p leaves the range, where it reaches another Hopf
    point, where its period exceeds ``max_period`` (ms; it is approaching a homoclinic orbit),
    or after AUTO-07p's maximum number of steps.

    Examples
    --------
    >>> from hh_brian.bifurcation.system import OdeSystem
    >>> from hh_brian.bifurcation.equilibria import continue_equilibrium
    >>> system = OdeSystem("hodgkin_huxley")
    >>> rest = [-65, 0.3, 0.05, 0.6]
    >>> hopf = continue_equilibrium(system, rest, 0.0, (0.0, 20.0)).points[0]
    >>> (branch,), engine, unmatched = cycles_from_hopf(system, rest, 0.0, (0.0, 20.0),
    ...                                                [hopf.p])
    >>> round(engine[0], 4), round(float(branch.p.min()), 3)  # Hopf; limit point of cycles
    (8.4105, 5.265)
    """
    auto = require_engine()
    func = system.engine_function()
    jac = auto.AUTO_JACOBIAN
    n = len(system.states)
    lo, hi = p_range

    x0 = correct(system, x0, p0)

    def start(state, parameters, time):
        for i in range(n):
            state[i] = float(x0[i])
        parameters[0] = float(p0)

    equilibria = auto.run(func, start, _settings(auto, system, p_range), icu=[1],
                          transpile=True, jac=jac)
    auto_hopfs = _hopf_points(equilibria, auto)
    auto_values = [float(point.parameters[0]) for point in auto_hopfs]
    branches, reached, unmatched = [], [], []
    for value in hopf_values:
        if any(abs(value - end) <= 1e-6 * max(1.0, abs(value)) for end in reached):
            continue  # the cycles from this Hopf point were followed from the other end
        matches = [point for point in auto_hopfs
                   if abs(point.parameters[0] - value) <= 1e-6 * max(1.0, abs(value))]
        if not matches:
            unmatched.append(value)
            continue
        hopf = matches[0]
        settings = _settings(auto, system, p_range, ips=auto.IPS_PERIODIC_ORBIT,
                             nmx=1500, npr=10_000)
        result = auto.restart(func, settings, icu=[1, auto.PERIOD_INDEX], restart_point=hopf,
                              isw=auto.ISW_HOPF_TO_PERIODIC_ORBIT, transpile=True, jac=jac,
                              uzstop={auto.PERIOD_INDEX: max_period})
        branch = _branch(result.branches[0], auto, float(hopf.parameters[0]), auto_values,
                         (lo, hi))
        if branch.end is not None:
            reached.append(branch.end)
        branches.append(branch)
    return branches, auto_values, unmatched


def _branch(branch, auto, start, hopf_values, p_range) -> RawCycleBranch:
    columns = {"p": [], "period": [], "v_min": [], "v_max": [], "stable": []}
    points, doubtful, end = [], [], None
    others = [h for h in hopf_values if abs(h - start) > 1e-6 * max(1.0, abs(start))]
    for index, point in enumerate(branch.points):
        p, period = float(point.parameters[0]), float(point.parameters[1])
        v_max, v_min = float(point.state[0]), float(point.solution_measure)
        if index > 2 and v_max - v_min < _ZERO_AMPLITUDE_MV:
            # Back on an equilibrium: the branch ends at the Hopf point nearest to here.
            if others:
                end = min(others, key=lambda h: abs(h - p))
            break
        for key, value in zip(columns, (p, period, v_min, v_max,
                                        point.stability == auto.Stability.STABLE)):
            columns[key].append(value)
        kind = _KINDS.get(point.point_type.name)
        if kind is not None and index > 0:
            multipliers = np.array([complex(m) for m in (point.floquet_multipliers or ())])
            raw = RawPoint(kind, p, np.array([v_max, v_min]), multipliers,
                           frequency=2 * np.pi / period)
            if (kind != "limit_point_of_cycles" and multipliers.size
                    and np.max(np.abs(multipliers)) > _ILL_CONDITIONED):
                doubtful.append(raw)
            else:
                points.append(raw)
    return RawCycleBranch(
        p=np.array(columns["p"], dtype=float), period=np.array(columns["period"], dtype=float),
        v_min=np.array(columns["v_min"], dtype=float),
        v_max=np.array(columns["v_max"], dtype=float),
        stable=np.array(columns["stable"], dtype=bool), points=points, doubtful=doubtful,
        start=start, end=end)
