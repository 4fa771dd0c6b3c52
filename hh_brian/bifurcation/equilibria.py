"""Branches of equilibria by pseudo-arclength continuation, with their folds and Hopf points.

The package's own engine, written on numpy and scipy (the derivatives come exact from sympy,
through :mod:`.system`), so that the equilibrium part of a diagram needs no extra dependency and
checks the periodic-orbit engine independently.

* **Continuation**: the branch is followed as a curve y(s) = (x(s), p(s)) parametrised by
  arclength, in the display units of :class:`~hh_brian.bifurcation.system.OdeSystem`. Each step
  predicts along the tangent and corrects with Newton's method on f(x, p) = 0 plus the
  pseudo-arclength condition; the Jacobian is exact (symbolic). Steps grow while Newton
  converges quickly and halve when it does not.
* **Stability**: the eigenvalues of the Jacobian at each point.
* **Special points**: a *fold* (limit point) where a real eigenvalue crosses zero, located as
  a root of det(df/dx) along the branch; a *Hopf point* where a complex pair crosses the
  imaginary axis, located as a root of the bialternate product, the product of
  (λ_i + λ_j) over all pairs i < j, which vanishes when λ + λ̄ = 0. A real eigenvalue crossing
  where the parameter does not turn back is reported as a *branch point*.
* **Criticality**: the first Lyapunov coefficient of a Hopf point, by Kuznetsov's formula from
  the exact second and third derivatives of the vector field (Kuznetsov, *Elements of Applied
  Bifurcation Theory*, 3rd ed., 2004, eq. 3.20). Positive: subcritical (the cycle born there is
  unstable and exists on the stable side of the equilibrium); negative: supercritical.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import brentq

from .system import OdeSystem

__all__ = ["STOP_REASONS", "continue_equilibrium", "correct", "first_lyapunov"]

_NEWTON_TOL = 1e-11
_NEWTON_MAX = 12


@dataclass
class RawPoint:
    """A special point in display units, before units are attached."""

    kind: str
    p: float
    x: np.ndarray
    eigenvalues: np.ndarray
    lyapunov: float | None = None
    frequency: float | None = None  # rad/ms, for a Hopf point
    index: int = 0  # on a branch of equilibria: the point of the branch just before it


@dataclass
class RawBranch:
    """Points of a branch of equilibria in display units, in the order followed."""

    p: np.ndarray
    x: np.ndarray             # (points, states)
    eigenvalues: np.ndarray   # (points, states), complex
    points: list
    stop: str = "range"       # a key of STOP_REASONS
    unlocated: list = field(default_factory=list)  # (p, p_next) where stability changed


def correct(system: OdeSystem, x, p) -> np.ndarray:
    """Newton's method for f(x, p) = 0 at fixed p; raises ArithmeticError if it fails.

    Examples
    --------
    >>> from hh_brian.bifurcation.system import OdeSystem
    >>> rest = correct(OdeSystem("hodgkin_huxley"), [-65, 0.3, 0.05, 0.6], 0.0)
    >>> round(float(rest[0]), 4)  # v in mV at I_stim = 0 (E_Na = 55 mV in this model)
    -64.9538
    """
    x = np.asarray(x, dtype=float).copy()
    for _ in range(_NEWTON_MAX * 3):
        f = system.f(x, p)
        dx = np.linalg.solve(system.jacobian(x, p), -f)
        x += dx
        if np.max(np.abs(dx)) < _NEWTON_TOL * (1 + np.max(np.abs(x))):
            return x
    raise ArithmeticError(f"no equilibrium converged near {x} at p = {p}")


def _tangent(system: OdeSystem, y, previous=None) -> np.ndarray:
    n = len(y) - 1
    jac = np.hstack([system.jacobian(y[:n], y[n]), system.dfdp(y[:n], y[n])[:, None]])
    if previous is None:
        t = np.linalg.svd(jac)[2][-1]
    else:
        t = np.linalg.solve(np.vstack([jac, previous]), np.eye(n + 1)[-1])
    return t / np.linalg.norm(t)


def _corrector(system: OdeSystem, y_pred, t):
    """Newton on f = 0 plus t·(y - y_pred) = 0; returns (y, iterations) or (None, _)."""
    n = len(y_pred) - 1
    y = y_pred.copy()
    for iteration in range(1, _NEWTON_MAX + 1):
        x, p = y[:n], y[n]
        residual = np.append(system.f(x, p), t @ (y - y_pred))
        jac = np.vstack([np.hstack([system.jacobian(x, p), system.dfdp(x, p)[:, None]]), t])
        try:
            dy = np.linalg.solve(jac, -residual)
        except np.linalg.LinAlgError:
            return None, iteration
        if not np.all(np.isfinite(dy)):
            return None, iteration
        y = y + dy
        if np.max(np.abs(dy)) < _NEWTON_TOL * (1 + np.max(np.abs(y))):
            return y, iteration
    return None, _NEWTON_MAX


def _bialternate(eigenvalues) -> float:
    lam = np.asarray(eigenvalues)
    i, j = np.triu_indices(len(lam), k=1)
    return float(np.real(np.prod(lam[i] + lam[j])))


def _unstable(eigenvalues) -> int:
    return int(np.sum(np.real(eigenvalues) > 0))


def _locate(system, y0, t0, h, test):
    """The point between y0 and y0 + h·t0 (corrected) where ``test(y)`` changes sign."""
    n = len(y0) - 1

    def point(step):
        y, _ = _corrector(system, y0 + step * t0, t0)
        if y is None:
            raise ArithmeticError("corrector failed while locating a special point")
        return y

    def value(step):
        return test(point(step))

    step = brentq(value, 0.0, h, xtol=1e-13 * max(1.0, abs(h)), rtol=1e-15, maxiter=200)
    y = point(step)
    return y[:n], y[n]


def first_lyapunov(system: OdeSystem, x, p) -> tuple[float, float]:
    """First Lyapunov coefficient and angular frequency (rad/ms) of a Hopf point.

    Examples
    --------
    >>> from hh_brian.bifurcation.system import OdeSystem
    >>> system = OdeSystem("hodgkin_huxley")
    >>> branch = continue_equilibrium(system, [-65, 0.3, 0.05, 0.6], 0.0, (0.0, 20.0))
    >>> hopf = branch.points[0]
    >>> l1, omega = first_lyapunov(system, hopf.x, hopf.p)
    >>> l1 > 0, round(2 * 3.141592653589793 / omega, 2)  # subcritical; period in ms
    (True, 11.11)
    """
    a = system.jacobian(x, p)
    eigenvalues, vectors = np.linalg.eig(a)
    # The critical pair: of the eigenvalues with a positive imaginary part, the one nearest
    # the imaginary axis.
    upper = np.flatnonzero(np.imag(eigenvalues) > 0)
    if upper.size == 0:
        raise ArithmeticError("first_lyapunov: no complex pair of eigenvalues at this point")
    k = int(upper[np.argmin(np.abs(np.real(eigenvalues[upper])))])
    omega = float(np.imag(eigenvalues[k]))
    q = vectors[:, k] / np.linalg.norm(vectors[:, k])
    left_values, left_vectors = np.linalg.eig(a.T)
    k_left = int(np.argmin(np.abs(left_values + 1j * omega)))
    pv = left_vectors[:, k_left]
    pv = pv / np.conj(np.vdot(pv, q))  # so that <p, q> = conj(p)·q = 1
    b_tensor = system.second_derivatives(x, p)
    c_tensor = system.third_derivatives(x, p)

    def b(u, w):
        return np.einsum("ijk,j,k->i", b_tensor, u, w)

    def c(u, w, z):
        return np.einsum("ijkl,j,k,l->i", c_tensor, u, w, z)

    qb = np.conj(q)
    n = len(x)
    term1 = np.vdot(pv, c(q, q, qb))
    term2 = -2.0 * np.vdot(pv, b(q, np.linalg.solve(a, b(q, qb))))
    term3 = np.vdot(pv, b(qb, np.linalg.solve(2j * omega * np.eye(n) - a, b(q, q))))
    return float(np.real(term1 + term2 + term3) / (2.0 * omega)), omega


def _test_functions(system: OdeSystem, y) -> np.ndarray:
    """The smooth test functions of a point: the bialternate product (zero at a Hopf point)
    and det(df/dx) (zero at a fold); both are polynomials in the Jacobian's entries."""
    n = len(y) - 1
    jac = system.jacobian(y[:n], y[n])
    return np.array([_bialternate(np.linalg.eigvals(jac)), float(np.linalg.det(jac))])


def _slopes(system: OdeSystem, y, t, values) -> np.ndarray:
    """d(test functions)/ds along the tangent, by a forward difference."""
    delta = 1e-7 * (1.0 + float(np.max(np.abs(y))))
    return (_test_functions(system, y + delta * t) - values) / delta


def _two_crossings(a, b, da, db, h) -> bool:
    """Whether the cubic Hermite interpolant of a test function over one step has two or
    more zeros inside it: two special points too close for the step to tell apart."""
    scale = max(abs(a), abs(b), abs(da * h), abs(db * h))
    if scale == 0 or not np.isfinite(scale):
        return False
    a, b, da, db = a / scale, b / scale, da * h / scale, db * h / scale
    # p(u) = a + da u + c2 u^2 + c3 u^3 on [0, 1] with p(1) = b, p'(1) = db.
    c3 = 2 * a - 2 * b + da + db
    c2 = -3 * a + 3 * b - 2 * da - db
    roots = np.roots([c3, c2, da, a]) if abs(c3) > 1e-12 else np.roots([c2, da, a])
    inside = [r.real for r in roots if abs(r.imag) < 1e-9 and 1e-9 < r.real < 1 - 1e-9]
    return len(inside) >= 2


#: Why a branch ended, in words (the normal end is the end of the range).
STOP_REASONS = {
    "range": "reached the end of the range",
    "v": "v left the physical range of a membrane potential (±200 mV)",
    "step": "the continuation step fell below its minimum (the branch could not be followed)",
    "max_points": "the maximum number of points was reached",
}

_V_LIMIT_MV = 200.0


def continue_equilibrium(system: OdeSystem, x0, p0: float, p_range, *, direction: int = 1,
                         h_initial: float = 0.05, h_max: float = 2.0, h_min: float = 1e-7,
                         max_points: int = 5000) -> RawBranch:
    """Follow the branch of equilibria through (x0, p0) while p stays within ``p_range``.

    ``direction`` (+1 or -1) is the sign of dp/ds at the start. Stops at the ends of the range
    (the last point lying exactly on the boundary), when v leaves ±200 mV, when the step falls
    below ``h_min``, or after ``max_points`` points; ``branch.stop`` says which (a key of
    :data:`STOP_REASONS`). A step is refused, and halved, when the test functions of two
    special points (the bialternate product, det(df/dx)) could vanish twice within it, so that
    close Hopf points or folds are told apart. Returns the branch with its special points
    (kind, parameter value and state, in display units).

    Examples
    --------
    >>> from hh_brian.bifurcation.system import OdeSystem
    >>> branch = continue_equilibrium(OdeSystem("hodgkin_huxley"), [-65, 0.3, 0.05, 0.6],
    ...                               0.0, (0.0, 20.0))
    >>> [(point.kind, round(float(point.p), 4)) for point in branch.points]  # in uA/cm^2
    [('hopf', 8.4105)]
    >>> branch.stop
    'range'
    """
    lo, hi = p_range
    if not lo <= p0 <= hi:
        raise ValueError(f"p0: {p0} is outside the range [{lo}, {hi}]")
    n = len(x0)
    y = np.append(correct(system, x0, p0), p0)
    t = _tangent(system, y)
    if t[n] * direction < 0 or (t[n] == 0 and direction < 0):
        t = -t
    eig = np.linalg.eigvals(system.jacobian(y[:n], y[n]))
    tests = _test_functions(system, y)
    slopes = _slopes(system, y, t, tests)
    ps, xs, eigs, points, unlocated = [y[n]], [y[:n]], [eig], [], []
    h, stop = h_initial, "step"
    while h >= h_min:
        if len(ps) >= max_points:
            stop = "max_points"
            break
        y_new, iterations = _corrector(system, y + h * t, t)
        if y_new is None or not np.all(np.isfinite(y_new)):
            h /= 2
            continue
        t_new = _tangent(system, y_new, t)
        tests_new = _test_functions(system, y_new)
        slopes_new = _slopes(system, y_new, t_new, tests_new)
        if h > 16 * h_min and any(_two_crossings(a, b, da, db, h) for a, b, da, db in zip(
                tests, tests_new, slopes, slopes_new)):
            h /= 2
            continue
        eig_new = np.linalg.eigvals(system.jacobian(y_new[:n], y_new[n]))
        found, missed = _events(system, y, t, h, eig, eig_new, t_new)
        out = y_new[n] > hi or y_new[n] < lo
        if out:
            bound = hi if y_new[n] > hi else lo
            x_end = correct(system, y[:n] + (y_new[:n] - y[:n]) * (bound - y[n])
                            / (y_new[n] - y[n]), bound)
            found = [pt for pt in found if lo <= pt.p <= hi]
            missed = [m for m in missed if lo <= m[0] <= hi or lo <= m[1] <= hi]
            y_new = np.append(x_end, bound)
            eig_new = np.linalg.eigvals(system.jacobian(x_end, bound))
        for point in found:
            point.index = len(ps) - 1
        points.extend(found)
        unlocated.extend(missed)
        ps.append(y_new[n])
        xs.append(y_new[:n])
        eigs.append(eig_new)
        if out:
            stop = "range"
            break
        if abs(y_new[0] * system.scales[0] / 1e-3) > _V_LIMIT_MV:
            stop = "v"
            break
        y, t, eig, tests, slopes = y_new, t_new, eig_new, tests_new, slopes_new
        if iterations <= 3:
            h = min(h * 1.5, h_max)
        elif iterations > 6:
            h = h / 2
    return RawBranch(p=np.array(ps), x=np.array(xs), eigenvalues=np.array(eigs), points=points,
                     stop=stop, unlocated=unlocated)


def _events(system, y, t, h, eig, eig_new, t_new):
    """Special points between y and the next point (one step h along t).

    Returns ``(found, missed)``: the located points, and the (p, p_next) intervals where the
    stability changed but no single point could be located.
    """
    n = len(y) - 1
    change = _unstable(eig_new) - _unstable(eig)
    if change == 0:
        return [], []
    crossing = eig_new[np.argmin(np.abs(np.real(eig_new)))]
    try:
        if abs(change) == 2 and abs(np.imag(crossing)) > 0:
            x, p = _locate(system, y, t, h, lambda z: _bialternate(
                np.linalg.eigvals(system.jacobian(z[:n], z[n]))))
            lyapunov, omega = first_lyapunov(system, x, p)
            return [RawPoint("hopf", p, x, np.linalg.eigvals(system.jacobian(x, p)),
                             lyapunov=lyapunov, frequency=omega)], []
        if abs(change) == 1:
            x, p = _locate(system, y, t, h, lambda z: float(np.linalg.det(
                system.jacobian(z[:n], z[n]))))
            kind = "fold" if t[n] * t_new[n] < 0 else "branch_point"
            return [RawPoint(kind, p, x, np.linalg.eigvals(system.jacobian(x, p)))], []
    except (ArithmeticError, ValueError):
        pass
    p_next = y[n] + h * t[n]
    return [], [(float(min(y[n], p_next)), float(max(y[n], p_next)))]
