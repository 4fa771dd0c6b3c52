"""An independent cable: any source model on a uniform cylinder, in plain numpy.

The witness of :mod:`hh_brian.cable`. Like :mod:`hh_brian.reference.patch` it imports neither
Brian2 nor the package's equation strings: the membrane of each compartment is the patch
witness's own transcription of the source model, and the cable is written here from the
cable equation

    C_m dv/dt = (d / (4 R_i)) d²v/dx² + I_stim - I_ion,

discretised in space into n compartments of length dx = L/n (central differences; each
compartment's neighbour across a sealed end is itself, so no current leaves through an end)
and in time by backward Euler for v, after the gates:

1. every gate is advanced over dt at the old v, by forward Euler or by exponential Euler
   (exact for a rate linear in the gate at fixed v, as HH's are);
2. v is found from the tridiagonal system

       C_m (v' - v)/dt = g_ax (v'_{i-1} - 2 v'_i + v'_{i+1}) + I_m(v) - g_m (v' - v),

   where g_ax = d / (4 R_i dx²), I_m(v) = I_stim - I_ion(v) with the new gates, and
   g_m = -dI_m/dv its slope at the old v (the membrane current made implicit by one Newton
   step; for a current linear in v at fixed gates, as HH's, it is exact), taken by a
   five-point central difference.

Units are the source's (mV, ms, µF/cm², mS/cm², µA/cm²) and, for the cable, cm and Ω·cm:
g_ax in mS/cm² is 1000 d / (4 R_i dx²). The linear system is solved by
``scipy.linalg.solve_banded``.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import solve_banded

from .patch import MODELS

__all__ = ["arrival_times", "integrate_cable", "velocity"]

#: The slope of the membrane current is taken by the five-point central difference over
#: ±this and twice this (mV): exact for a current linear in v, as HH's at fixed gates; for
#: the 2D reductions (m at its steady state) its truncation error is of order h⁴ and its
#: rounding of order 1e-16 |I_m| / h, both far below the tests' tolerance.
_SLOPE_STEP = 1e-2


def _linear_gate_update(spec, state, v, I, p, dt, method):
    """Every gate advanced over dt at membrane potential ``v``."""
    names = spec.gates
    if not names:
        return {}
    rates = spec.derivatives({**state, "v": v}, I, p)
    if method == "euler":
        return {g: state[g] + dt * rates[g] for g in names}
    # Exponential Euler: dx/dt = a + b x at fixed v, so x(dt) = -a/b + (x + a/b) exp(b dt).
    ones = spec.derivatives({**state, **{g: state[g] + 1.0 for g in names}, "v": v}, I, p)
    new = {}
    for g in names:
        b = ones[g] - rates[g]
        a = rates[g] - b * state[g]
        with np.errstate(divide="ignore", invalid="ignore"):
            new[g] = np.where(b != 0, -a / b + (state[g] + a / b) * np.exp(b * dt),
                              state[g] + dt * rates[g])
    return new


def _slope(spec, state, v, I, p):
    """d(dv/dt)/dv at fixed gates, by the five-point central difference."""
    h = _SLOPE_STEP
    f = {s: spec.derivatives({**state, "v": v + s * h}, I, p)["v"] for s in (-2, -1, 1, 2)}
    return (f[-2] - 8 * f[-1] + 8 * f[1] - f[2]) / (12 * h)


def integrate_cable(model: str, *, length: float, diameter: float, R_i: float,
                    n_compartments: int, duration: float, current, dt: float = 0.01,
                    method: str = "exponential_euler", params: dict | None = None,
                    record_every: int = 1) -> dict:
    """Integrate a source model on a uniform cylinder with sealed ends.

    Parameters
    ----------
    model : str
        Source name (``"neuron_func_7"``…), as :func:`hh_brian.reference.integrate` takes.
    length, diameter : float
        In cm.
    R_i : float
        Axial resistivity, Ω·cm.
    n_compartments : int
    duration : float
        ms.
    current : array
        Injected current density (µA/cm²) of each compartment at each step, shape
        ``(n_compartments, n_steps)``; sample k acts during step k.
    dt : float
        ms.
    method : str
        How the gates are advanced: ``"euler"`` or ``"exponential_euler"``.
    params : dict, optional
        The membrane's parameters in source units (the temperature ``T`` in degrees Celsius).
    record_every : int
        Keep every k-th step.

    Returns
    -------
    dict
        ``t`` (ms), ``x`` (each compartment's centre, cm), ``v`` (mV, shape
        ``(n_compartments, n_samples)``) and each gate; sample 0 is the initial state (rest:
        v at the model's initial value, gates at their steady state).

    Examples
    --------
    A passive cable charged at one end decays along it with its length constant
    (λ = sqrt(d R_m / (4 R_i)) = 0.58 cm here, with R_m = 1/g_L = 1000 Ω·cm²):

    >>> import numpy as np
    >>> I = np.zeros((200, 2000)); I[0] = 20.0
    >>> out = integrate_cable("neuron_func_1", length=4.0, diameter=0.0476, R_i=35.4,
    ...                       n_compartments=200, duration=20.0, current=I)
    >>> depolarisation = out["v"][:, -1] + 65
    >>> round(float(np.log(depolarisation[10] / depolarisation[60])), 2)  # 1 cm: 1/λ
    1.72
    """
    if model not in MODELS:
        raise ValueError(f"model: unknown source model {model!r}; valid: {', '.join(MODELS)}")
    if method not in ("euler", "exponential_euler"):
        raise ValueError(f"method: expected 'euler' or 'exponential_euler', got {method!r}")
    spec = MODELS[model]
    p = {**spec.defaults, **(params or {})}
    n = int(n_compartments)
    n_steps = int(round(duration / dt))
    I = np.asarray(current, dtype=float)
    if I.shape != (n, n_steps):
        raise ValueError(f"current: expected shape {(n, n_steps)}, got {I.shape}")
    dx = length / n
    g_ax = 1000.0 * diameter / (4.0 * R_i * dx**2)  # mS/cm^2
    C = float(p["C_m"])

    v = np.full(n, float(spec.v_init))
    state = {g: np.broadcast_to(spec.steady_state(v, p)[g], (n,)).copy() for g in spec.gates}
    kept = list(range(0, n_steps + 1, record_every))
    out = {name: np.empty((n, len(kept))) for name in ("v",) + spec.gates}
    column = 0

    # The axial part of the matrix: -g_ax on both off-diagonals, 2 g_ax on the diagonal, g_ax
    # at each sealed end.
    axial = np.full(n, 2.0 * g_ax)
    axial[[0, -1]] = g_ax
    bands = np.zeros((3, n))
    bands[0, 1:] = -g_ax
    bands[2, :-1] = -g_ax

    for k in range(n_steps + 1):
        if k % record_every == 0:
            out["v"][:, column] = v
            for g in spec.gates:
                out[g][:, column] = state[g]
            column += 1
        if k == n_steps:
            break
        state = _linear_gate_update(spec, state, v, I[:, k], p, dt, method)
        full = {**state, "v": v}
        I_m = spec.derivatives(full, I[:, k], p)["v"] * C
        g_m = -_slope(spec, state, v, I[:, k], p) * C
        bands[1] = C / dt + axial + g_m
        v = solve_banded((1, 1), bands, C / dt * v + I_m + g_m * v)
    out["t"] = np.asarray(kept, dtype=float) * dt
    out["x"] = (np.arange(n) + 0.5) * dx
    return out


def arrival_times(v: np.ndarray, t: np.ndarray, threshold: float = 0.0) -> np.ndarray:
    """When v first crosses ``threshold`` upwards at each position (linear interpolation
    between samples); NaN where it never does.

    Examples
    --------
    >>> arrival_times(np.array([[-65.0, -10.0, 10.0], [-65.0, -65.0, -64.0]]),
    ...               np.array([0.0, 0.1, 0.2]))
    array([0.15,  nan])
    """
    above = v >= threshold
    first = np.argmax(above, axis=1)
    crossed = above.any(axis=1) & (first > 0)
    rows = np.flatnonzero(crossed)
    k = first[rows]
    v0, v1 = v[rows, k - 1], v[rows, k]
    times = np.full(v.shape[0], np.nan)
    times[rows] = t[k - 1] + (threshold - v0) / (v1 - v0) * (t[k] - t[k - 1])
    return times


def velocity(x: np.ndarray, arrival: np.ndarray, window=(0.25, 0.75)) -> float:
    """The conduction velocity (position units per time unit): the inverse slope of arrival
    time against position, fitted by least squares over the middle ``window`` of the
    positions (away from the stimulus and the far end). NaN if any arrival there is NaN.

    Examples
    --------
    >>> x = np.linspace(0, 10, 11)
    >>> velocity(x, 0.5 * x + 1.0)
    2.0
    """
    x = np.asarray(x, dtype=float)
    span = x.max() - x.min()
    inside = (x >= x.min() + window[0] * span) & (x <= x.min() + window[1] * span)
    if np.isnan(arrival[inside]).any() or inside.sum() < 2:
        return float("nan")
    slope = np.polyfit(x[inside], arrival[inside], 1)[0]
    return float(1.0 / slope)
