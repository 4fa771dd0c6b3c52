"""Branches of equilibria by pseudo-arclength continuation, with their folds and Hopf points.

The package's own engine, written on numpy and scipy only, so that the equilibrium part of a
diagram needs no extra dependency and checks the periodic-orbit engine independently.

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

from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from .system import OdeSystem

__all__ = ["continue_equilibrium", "correct", "first_lyapunov"]

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


@dataclass
class RawBranch:
    """Points of a branch of equilibria in display units, in the order followed."""

    p: np.ndarray
    x: np.ndarray             # (points, states)
    eigenvalues: np.ndarray   # (points, states), complex
    points: list


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
    k = int(np.argmax(np.imag(eigenvalues)))
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


def continue_equilibrium(system: OdeSystem, x0, p0: float, p_range, *, direction: int = 1,
                         h_initial: float = 0.05, h_max: float = 2.0, h_min: float = 1e-7,
                         max_points: int = 5000) -> RawBranch:
    """Follow the branch of equilibria through (x0, p0) while p stays within ``p_range``.

    ``direction`` (+1 or -1) is the sign of dp/ds at the start. Stops at the ends of the range
    (the last point lying exactly on the boundary), when the step falls below ``h_min``, after
    ``max_points`` points, or when the state stops being finite. Returns the branch with its
    special points (kind, parameter value and state, in display units).

    Examples
    --------
    >>> from hh_brian.bifurcation.system import OdeSystem
    >>> branch = continue_equilibrium(OdeSystem("hodgkin_huxley"), [-65, 0.3, 0.05, 0.6],
    ...                               0.0, (0.0, 20.0))
    >>> [(point.kind, round(float(point.p), 4)) for point in branch.points]  # in uA/cm^2
    [('hopf', 8.4105)]
    """
    lo, hi = p_range
    n = len(x0)
    y = np.append(correct(system, x0, p0), p0)
    t = _tangent(system, y)
    if t[n] * direction < 0 or (t[n] == 0 and direction < 0):
        t = -t
    eig = np.linalg.eigvals(system.jacobian(y[:n], y[n]))
    ps, xs, eigs, points = [y[n]], [y[:n]], [eig], []
    h = h_initial
    while len(ps) < max_points and h >= h_min:
        y_new, iterations = _corrector(system, y + h * t, t)
        if y_new is None or not np.all(np.isfinite(y_new)):
            h /= 2
            continue
        t_new = _tangent(system, y_new, t)
        eig_new = np.linalg.eigvals(system.jacobian(y_new[:n], y_new[n]))
        points.extend(_events(system, y, t, h, eig, eig_new, t_new))
        out = y_new[n] > hi or y_new[n] < lo
        if out:
            bound = hi if y_new[n] > hi else lo
            x_end = correct(system, y[:n] + (y_new[:n] - y[:n]) * (bound - y[n])
                            / (y_new[n] - y[n]), bound)
            points = [pt for pt in points if lo <= pt.p <= hi]
            y_new = np.append(x_end, bound)
            eig_new = np.linalg.eigvals(system.jacobian(x_end, bound))
        ps.append(y_new[n])
        xs.append(y_new[:n])
        eigs.append(eig_new)
        if out:
            break
        y, t, eig = y_new, t_new, eig_new
        if iterations <= 3:
            h = min(h * 1.5, h_max)
        elif iterations > 6:
            h = h / 2
    return RawBranch(p=np.array(ps), x=np.array(xs), eigenvalues=np.array(eigs), points=points)


def _events(system, y, t, h, eig, eig_new, t_new) -> list[RawPoint]:
    """Special points between y and the next point (one step h along t)."""
    n = len(y) - 1
    found = []
    change = _unstable(eig_new) - _unstable(eig)
    if change == 0:
        return found
    crossing = eig_new[np.argmin(np.abs(np.real(eig_new)))]
    if abs(change) == 2 and abs(np.imag(crossing)) > 0:
        x, p = _locate(system, y, t, h, lambda z: _bialternate(
            np.linalg.eigvals(system.jacobian(z[:n], z[n]))))
        lyapunov, omega = first_lyapunov(system, x, p)
        found.append(RawPoint("hopf", p, x, np.linalg.eigvals(system.jacobian(x, p)),
                              lyapunov=lyapunov, frequency=omega))
    else:
        x, p = _locate(system, y, t, h, lambda z: float(np.linalg.det(
            system.jacobian(z[:n], z[n]))))
        kind = "fold" if t[n] * t_new[n] < 0 else "branch_point"
        found.append(RawPoint(kind, p, x, np.linalg.eigvals(system.jacobian(x, p))))
    return found
