"""The source chapter's seven loops, transcribed as plain functions that return their arrays.

These follow ``neuron_func_1`` … ``neuron_func_7`` statement by statement (their figures
left out): the same time grid ``np.arange(0, T, 0.01)``, the same ``delta_t = t[i] - t[i-1]``,
the same raw rate expressions (no exprel), the same protocol by index. They are the ground
truth that the reference integrator is checked against. Consecutive loops repeat most of
each other's statements, as the chapter does, on purpose.
"""

import numpy as np


def _grid(T):
    t = np.arange(0, T, 0.01)
    return t, t.shape[0]


def _protocol(n, amplitude):
    I = np.zeros(n)
    I[n // 5:2 * n // 5] = amplitude
    I[3 * n // 5:4 * n // 5] = -amplitude
    return I


def _bell(v, mu, sig, scaled):
    peak = 300 / sig if scaled else 1.0
    return peak * np.exp(-((v - mu) / sig) ** 2)


def _sig_a(v):
    return 1 / (1 + 0.1 * np.exp(-0.1 * (v)))


def _sig_inact(v):
    return -1 / (1.1 + 0.1 * np.exp(-0.1 * (v))) + 1


def _sig_act(v):
    return 1 / (1 + 0.1 * np.exp(-0.5 * (v + 50.0)))


def neuron_func_1():
    t, n = _grid(100)
    I, v = _protocol(n, 30.0), np.zeros(n)
    E, g, C = -65.0, 1.0, 1.0
    v[0] = -65.0
    for i in range(1, n):
        dt = t[i] - t[i - 1]
        v[i] = v[i - 1] + (I[i - 1] - g * (v[i - 1] - E)) / C * dt
    return {"t": t, "v": v}


def neuron_func_2():
    t, n = _grid(100)
    I, v = _protocol(n, 30.0), np.zeros(n)
    E_a, E_b, g_a, g_b, C = -65.0, 65.0, 1.0, 1.0, 1.0
    v[0] = -65.0
    for i in range(1, n):
        dt = t[i] - t[i - 1]
        dvdt = (I[i - 1] - g_a * (v[i - 1] - E_a) - g_b * (v[i - 1] - E_b)) / C
        v[i] = v[i - 1] + dvdt * dt
    return {"t": t, "v": v}


def neuron_func_3():
    t, n = _grid(100)
    I, v, a = _protocol(n, 30.0), np.zeros(n), np.zeros(n)
    E_a, E_b, g_a_max, g_b, C = -65.0, -65.0, 20.0, 1.0, 1.0
    v[0] = -65.0
    a[0] = _sig_a(-65.0)
    for i in range(1, n):
        dt = t[i] - t[i - 1]
        dvdt = (I[i - 1] - g_a_max * a[i - 1] * (v[i - 1] - E_a) - g_b * (v[i - 1] - E_b)) / C
        dadt = (_sig_a(v[i - 1]) - a[i - 1]) / _bell(v[i - 1], -10.0, 50.0, scaled=False)
        v[i] = v[i - 1] + dvdt * dt
        a[i] = a[i - 1] + dadt * dt
    return {"t": t, "v": v, "a": a}


def neuron_func_4():
    t, n = _grid(200)
    I, v, a, b = _protocol(n, 30.0), np.zeros(n), np.zeros(n), np.zeros(n)
    E_a, E_b, g_a_max, g_b_max, C = 120.0, -70.0, 1.0, 2.0, 1.0
    v[0] = -65.0
    a[0], b[0] = _sig_a(-65.0), _sig_inact(-65.0)
    for i in range(1, n):
        dt = t[i] - t[i - 1]
        x = v[i - 1]
        dvdt = (I[i - 1] - g_a_max * a[i - 1] * (x - E_a) - g_b_max * b[i - 1] * (x - E_b)) / C
        dadt = (_sig_a(x) - a[i - 1]) / _bell(x, -10.0, 60.0, scaled=True)
        dbdt = (_sig_inact(x) - b[i - 1]) / _bell(x, -10.0, 50.0, scaled=True)
        v[i], a[i], b[i] = x + dvdt * dt, a[i - 1] + dadt * dt, b[i - 1] + dbdt * dt
    return {"t": t, "v": v, "a": a, "b": b}


def neuron_func_5():
    t, n = _grid(200)
    I, v = _protocol(n, 30.0), np.zeros(n)
    act, inact = np.zeros(n), np.zeros(n)
    E_a, E_b, g_a_max, g_b_max, C = 120.0, -70.0, 2.0, 1.0, 1.0
    v[0] = -65.0
    act[0], inact[0] = _sig_act(-65.0), _sig_inact(-65.0)
    for i in range(1, n):
        dt = t[i] - t[i - 1]
        x = v[i - 1]
        dvdt = (I[i - 1] - g_a_max * act[i - 1] ** 3 * inact[i - 1] * (x - E_a)
                - g_b_max * (x - E_b)) / C
        d_act = (_sig_act(x) - act[i - 1]) / _bell(x, -10.0, 60.0, scaled=True)
        d_inact = (_sig_inact(x) - inact[i - 1]) / _bell(x, -10.0, 50.0, scaled=True)
        v[i] = x + dvdt * dt
        act[i], inact[i] = act[i - 1] + d_act * dt, inact[i - 1] + d_inact * dt
    return {"t": t, "v": v, "a_act": act, "a_inact": inact}


def neuron_func_6():
    def b_inf(x):
        return 1 / (1.1 + 0.1 * np.exp(-0.09 * (x)))

    t, n = _grid(200)
    I, v = _protocol(n, 30.0), np.zeros(n)
    act, inact, b = np.zeros(n), np.zeros(n), np.zeros(n)
    E_a, E_b, g_a_max, g_b_max, C = 120.0, -70.0, 2.0, 5.0, 1.0
    v[0] = -65.0
    act[0], inact[0], b[0] = _sig_act(-65.0), _sig_inact(-65.0), b_inf(-65.0)
    for i in range(1, n):
        dt = t[i] - t[i - 1]
        x = v[i - 1]
        dvdt = (I[i - 1] - g_a_max * act[i - 1] ** 3 * inact[i - 1] * (x - E_a)
                - g_b_max * b[i - 1] ** 4 * (x - E_b)) / C
        d_act = (_sig_act(x) - act[i - 1]) / _bell(x, -10.0, 60.0, scaled=True)
        d_inact = (_sig_inact(x) - inact[i - 1]) / _bell(x, -10.0, 50.0, scaled=True)
        d_b = (b_inf(x) - b[i - 1]) / _bell(x, 5.0, 50.0, scaled=True)
        v[i] = x + dvdt * dt
        act[i], inact[i], b[i] = act[i - 1] + d_act * dt, inact[i - 1] + d_inact * dt, b[i - 1] + d_b * dt
    return {"t": t, "v": v, "a_act": act, "a_inact": inact, "b": b}


def neuron_func_7():
    def alpha_n(u):
        return 0.01 * (10.0 - u) / (np.exp((10.0 - u) / 10.0) - 1.0)

    def beta_n(u):
        return 0.125 * np.exp(-u / 80.0)

    def alpha_m(u):
        return 0.1 * (25.0 - u) / (np.exp((25.0 - u) / 10.0) - 1.0)

    def beta_m(u):
        return 4.0 * np.exp(-u / 18.0)

    def alpha_h(u):
        return 0.07 * np.exp(-u / 20.0)

    def beta_h(u):
        return 1.0 / (np.exp((30.0 - u) / 10.0) + 1.0)

    def inf(alpha, beta, u):
        return alpha(u) / (alpha(u) + beta(u))

    def tau(alpha, beta, u):
        return 1.0 / (alpha(u) + beta(u))

    t, nn = _grid(200)
    I, v = _protocol(nn, 5.0), np.zeros(nn)
    n, m, h = np.zeros(nn), np.zeros(nn), np.zeros(nn)
    vr = -65.0
    v[0] = vr
    n[0], m[0], h[0] = inf(alpha_n, beta_n, 0.0), inf(alpha_m, beta_m, 0.0), inf(alpha_h, beta_h, 0.0)
    g_k, g_na, g_leak = 36.0, 120.0, 0.30
    E_k, E_na, E_leak = -12 + vr, 120 + vr, 10.6 + vr
    C = 1.0
    for i in range(1, nn):
        dt = t[i] - t[i - 1]
        x = v[i - 1]
        I_k = g_k * n[i - 1] ** 4 * (x - E_k)
        I_na = g_na * m[i - 1] ** 3 * h[i - 1] * (x - E_na)
        I_leak = g_leak * (x - E_leak)
        u = x - vr
        v[i] = x + (I[i - 1] - (I_k + I_na + I_leak)) / C * dt
        n[i] = n[i - 1] + (inf(alpha_n, beta_n, u) - n[i - 1]) / tau(alpha_n, beta_n, u) * dt
        m[i] = m[i - 1] + (inf(alpha_m, beta_m, u) - m[i - 1]) / tau(alpha_m, beta_m, u) * dt
        h[i] = h[i - 1] + (inf(alpha_h, beta_h, u) - h[i - 1]) / tau(alpha_h, beta_h, u) * dt
    return {"t": t, "v": v, "n": n, "m": m, "h": h}


def local_hh_dv_shape():
    """The dV/dt notebook's noise-driven 2D simulation (its 'ODE integration' cell).

    Unitless: V in mV, t in ms, I first in the notebook's nA/mm^2, then divided by 10 to
    give uA/cm^2, so that with c = 1 uF/cm^2 and g in mS/cm^2, dV/dt is in mV/ms.
    """
    from scipy.signal.windows import gaussian

    def alpha_m(V):
        return 0.1 * (25 - V) / (np.exp((25 - V) / 10) - 1)

    def beta_m(V):
        return 4 * np.exp(-V / 18)

    def m_inf(V):
        return alpha_m(V) / (alpha_m(V) + beta_m(V))

    def alpha_n(V):
        return 0.01 * (10 - V) / (np.exp((10 - V) / 10) - 1)

    def beta_n(V):
        return 0.125 * np.exp(-V / 80)

    def n_inf(V):
        return alpha_n(V) / (alpha_n(V) + beta_n(V))

    def tau_n(V):
        return 1 / (alpha_n(V) + beta_n(V))

    E_shift = 65
    c, g_K, g_Na, g_L = 1.0, 36.0, 120.0, 0.03
    E_K, E_Na, E_L = -12 - E_shift, 120 - E_shift, 10.6 - E_shift

    def dV_dt(V, n, I):
        h = 0.89 - 1.1 * n
        I_K = -g_K * n**4 * (V - E_K)
        I_Na = -g_Na * m_inf(V) ** 3 * h * (V - E_Na)
        I_L = -g_L * (V - E_L)
        return (I + I_K + I_Na + I_L) / c

    def dn_dt(V, n):
        return (n_inf(V) - n) / tau_n(V)

    dt = 0.01
    N = round(2000 / dt)
    state = np.random.get_state()
    try:
        np.random.seed(1)
        I = np.random.randn(N) * 1400
    finally:
        np.random.set_state(state)
    sigma = 6
    M = round(2 * 4 * sigma / dt)
    I = np.convolve(I, gaussian(M, std=sigma / dt) / M, "same")
    I = I / 10  # nA/mm^2 -> uA/cm^2
    V = np.ones(N) * -54.4
    n = n_inf(V)
    for i in range(N - 1):
        V[i + 1] = V[i] + dV_dt(V[i], n[i], I[i]) * dt
        n[i + 1] = n[i] + dn_dt(V[i], n[i]) * dt
    return {"t": np.arange(N) * dt, "v": V, "n": n}


SOURCE_LOOPS = {f"neuron_func_{k}": globals()[f"neuron_func_{k}"] for k in range(1, 8)}
SOURCE_LOOPS["local_hh_dv_shape"] = local_hh_dv_shape
