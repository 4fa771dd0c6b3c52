"""The 2D reduction and the analysis of its dV/dt: what the notebook states, independently checked.

Independent computations here transcribe the notebook's own lambdas in plain numpy (mV, ms,
µF/cm², mS/cm², µA/cm²) and use scipy directly, sharing no code with hh_brian.analysis.
"""

import numpy as np
import pytest
from brian2 import cm, mm, mS, ms, mV, nA, nS, pF, uA
from scipy.optimize import brentq, minimize_scalar
from scipy.signal.windows import gaussian

import hh_brian
from hh_brian import analysis, stimuli

NOTEBOOK = "hh_2d_reduction"
VARIANT = "hh_2d_reduction_model7"
NA_MM2 = nA / mm**2
RATE = mV / ms


# The notebook's definitions, unitless (V in mV, rates in 1/ms, I in uA/cm^2 with c = 1).
def _alpha_m(V):
    return 0.1 * (25 - V) / (np.exp((25 - V) / 10) - 1)


def _beta_m(V):
    return 4 * np.exp(-V / 18)


def _alpha_n(V):
    return 0.01 * (10 - V) / (np.exp((10 - V) / 10) - 1)


def _beta_n(V):
    return 0.125 * np.exp(-V / 80)


def notebook_dvdt(V, n, I):
    m_inf = _alpha_m(V) / (_alpha_m(V) + _beta_m(V))
    h = 0.89 - 1.1 * n
    I_K = -36 * n**4 * (V - (-12 - 65))
    I_Na = -120 * m_inf**3 * h * (V - (120 - 65))
    I_L = -0.03 * (V - (10.6 - 65))
    return (I + I_K + I_Na + I_L) / 1.0


def notebook_tau_n(V):
    return 1 / (_alpha_n(V) + _beta_n(V))


def test_registered_beside_the_seven_with_the_notebook_defaults():
    names = [m.name for m in hh_brian.list_models()]
    assert names[7:9] == [NOTEBOOK, VARIANT]
    model = hh_brian.get_model(NOTEBOOK)
    p = {k: float(v / u) for (k, v), u in zip(model.params.items(), [
        uA / cm**2 * ms / mV, mS / cm**2, mV, mS / cm**2, mV, mS / cm**2, mV, mV])}
    assert p == pytest.approx({"C_m": 1, "g_K": 36, "E_K": -77, "g_Na": 120, "E_Na": 55,
                               "g_L": 0.03, "E_L": -54.4, "v_rest": 0})
    assert model.current_sign == -1 and "I_K = -g_K" in model.equations
    variant = hh_brian.get_model(VARIANT)
    assert variant.params["v_rest"] == -65 * mV
    assert float(variant.params["g_L"] / (mS / cm**2)) == pytest.approx(0.3)


def test_two_fixed_points_at_n0_I0():
    points = analysis.fixed_points(NOTEBOOK, v_range=(-100 * mV, 5 * mV), n=0)
    assert [p.stability for p in points] == ["stable", "unstable"]
    # At E_L the K current vanishes (n = 0) and I_Na ~ m_inf^3 ~ 1e-11 uA/cm^2.
    assert float(points[0].v / mV) == pytest.approx(-54.4, abs=1e-6)
    assert float(points[1].v / mV) == pytest.approx(2.007, abs=0.002)  # the notebook's 2.007
    # Independent: brentq on the notebook's own function.
    independent = brentq(lambda V: notebook_dvdt(V, 0, 0), -10, 10, xtol=1e-14)
    assert float(points[1].v / mV) == pytest.approx(independent, abs=1e-9)


def test_all_fixed_points_in_a_wider_range_include_the_depolarised_one():
    points = analysis.fixed_points(NOTEBOOK, v_range=(-100 * mV, 60 * mV), n=0)
    assert [p.stability for p in points] == ["stable", "unstable", "stable"]
    assert 54 < float(points[2].v / mV) < 55  # just below E_Na = 55 mV


def test_fold_at_n0_lies_between_10_and_20_nA_per_mm2():
    fold = analysis.fold(NOTEBOOK, n=0)
    current = float(fold.current / NA_MM2)
    assert 10 < current < 20
    # Independent: the fold is where the curve's minimum between the nodes touches zero,
    # I_fold = -min dV/dt (c = 1), found by a bounded scalar minimiser.
    best = minimize_scalar(lambda V: notebook_dvdt(V, 0, 0), bounds=(-54.4, 2.0),
                           method="bounded", options={"xatol": 1e-10})
    independent = -best.fun * 10  # uA/cm^2 -> nA/mm^2
    assert current == pytest.approx(independent, rel=1e-6)
    assert float(fold.v / mV) == pytest.approx(best.x, abs=1e-4)
    # Just below the fold the two nodes still exist; just above they are gone.
    below = analysis.fixed_points(NOTEBOOK, fold.current * (1 - 1e-4),
                                  v_range=(-100 * mV, 0 * mV), n=0)
    above = analysis.fixed_points(NOTEBOOK, fold.current * (1 + 1e-4),
                                  v_range=(-100 * mV, 0 * mV), n=0)
    assert len(below) == 2 and len(above) == 0


def test_negative_input_lowers_the_resting_point():
    def rest(I):
        points = analysis.fixed_points(NOTEBOOK, I * NA_MM2, v_range=(-200 * mV, 60 * mV), n=0)
        return float(next(p for p in points if p.stability == "stable").v / mV)

    rests = [rest(I) for I in (-20, -10, 0, 10)]
    assert np.all(np.diff(rests) > 0)
    assert rests[1] < -54.4 - 20  # -10 nA/mm^2 lowers rest by more than 20 mV


def test_influence_of_n_grows_with_n():
    # The notebook: weak influence of low n, strongly growing influence from n ~ 0.1 on.
    n = np.linspace(0, 0.6, 61)
    at_0mV = np.asarray(analysis.dv_dt(NOTEBOOK, np.zeros(n.shape) * mV, n=n) / RATE)
    change = np.abs(np.diff(at_0mV))
    assert np.all(np.diff(change) > 0)  # each step of n matters more than the last
    assert change[-1] > 100 * change[0]
    rest = [float(analysis.fixed_points(NOTEBOOK, n=x)[0].v / mV) for x in (0, 0.1, 0.2)]
    assert abs(rest[1] - rest[0]) < 0.25 * abs(rest[2] - rest[1])


def test_dvdt_matches_the_notebook_formula():
    V = np.linspace(-100, 20, 241)
    for n in (0.0, 0.2):
        for I in (0.0, 1.5):
            ours = analysis.dv_dt(NOTEBOOK, V * mV, I * uA / cm**2, n=n) / RATE
            np.testing.assert_allclose(ours, notebook_dvdt(V, n, I), rtol=1e-10, atol=1e-12)


def test_izhikevich_capacitance_matches_the_slope_at_rest():
    fit = analysis.izhikevich_fit(NOTEBOOK, k=0.7 * nS / mV, v_range=(-100 * mV, 5 * mV), n=0)
    h = 1e-5
    slope = (notebook_dvdt(-54.4 + h, 0, 0) - notebook_dvdt(-54.4 - h, 0, 0)) / (2 * h)  # 1/ms
    V_t = brentq(lambda V: notebook_dvdt(V, 0, 0), -10, 10, xtol=1e-14)
    independent = 0.7 * (-54.4 - V_t) / slope  # nS/mV * mV / (1/ms) = nS*ms = pF
    assert float(fit.C / pF) == pytest.approx(independent, rel=1e-6)
    assert float(fit.C / pF) == pytest.approx(1320, rel=0.005)  # the notebook rounds to 1320
    # The parabola has the slice's zeros and slope at rest.
    v = [-54.4, float(V_t)] * mV
    np.testing.assert_allclose(np.asarray(fit.dv_dt(v) / RATE), 0, atol=1e-9)


def test_adex_fit_is_close_and_recovers_rest_and_leak():
    fit = analysis.adex_fit(NOTEBOOK, n=0)
    assert float(fit.E_L / mV) == pytest.approx(-54.4, abs=0.2)
    assert float(fit.g_L / (mS / cm**2)) == pytest.approx(0.03, rel=0.05)  # HH-2D's g_L
    assert 1 < float(fit.delta_T / mV) < 5
    assert float(fit.rms_error / RATE) < 0.02  # vs a curve spanning -1.3..+4 mV/ms
    v = np.linspace(-89, 7, 97) * mV
    err = np.abs(np.asarray((fit.dv_dt(v) - analysis.dv_dt(NOTEBOOK, v, n=0)) / RATE))
    assert err.max() <= float(fit.max_error / RATE) * 1.001


def test_full_2d_system_rest_is_a_stable_node_with_the_expected_eigenvalues():
    (state,) = analysis.steady_states(NOTEBOOK)
    assert state.kind == "stable node"
    assert float(state.v / mV) == pytest.approx(-54.4, abs=1e-3)
    # n is ~0.004 at rest, so the Jacobian is nearly triangular: its eigenvalues are about
    # d(dV/dt)/dV = -g_L/c (plus a tiny Na term) and -1/tau_n(V_rest).
    eigenvalues = np.sort(np.real(np.asarray(state.eigenvalues * ms)))
    assert eigenvalues[0] == pytest.approx(-1 / notebook_tau_n(-54.4), rel=1e-3)
    assert eigenvalues[1] == pytest.approx(-0.03, rel=1e-3)


def test_variant_rest_matches_full_hodgkin_huxley():
    (variant,) = analysis.steady_states(VARIANT)
    hh_states = analysis.steady_states("hodgkin_huxley")
    assert variant.kind == "stable focus" and hh_states[0].kind == "stable focus"
    assert abs(float((variant.v - hh_states[0].v) / mV)) < 0.2
    (notebook,) = analysis.steady_states(NOTEBOOK)
    assert abs(float((notebook.v - hh_states[0].v) / mV)) > 10  # the notebook's shifted rates


def test_fold_needs_a_rest_and_a_threshold():
    with pytest.raises(ValueError, match="no stable fixed point .* followed by an unstable"):
        analysis.fold(VARIANT, n=0)  # without K current and with HH's leak: no rest


def test_nullclines_and_vector_field():
    v = np.linspace(-80, 50, 27) * mV
    lines = analysis.nullclines(NOTEBOOK, v)
    ok = np.isfinite(lines["v_nullcline"])
    assert ok.sum() > 10
    rate = analysis.dv_dt(NOTEBOOK, v[ok], n=lines["v_nullcline"][ok])
    assert np.max(np.abs(np.asarray(rate / RATE))) < 1e-9
    n_inf = analysis.evaluate(NOTEBOOK, ["n_inf"], v)["n_inf"]
    np.testing.assert_allclose(lines["gate_nullcline"], n_inf, rtol=1e-12)
    field = analysis.vector_field(NOTEBOOK, v, [0.0, 0.5])
    assert field["dv_dt"].shape == (2, 27) and field["dgate_dt"].shape == (2, 27)


def test_noise_stimulus_reproduces_the_notebook_realisation():
    state = np.random.get_state()
    try:
        np.random.seed(1)
        N = round(2000 / 0.01)
        I = np.random.randn(N) * 1400
        M = round(2 * 4 * 6 / 0.01)
        I = np.convolve(I, gaussian(M, std=6 / 0.01) / M, "same")
    finally:
        np.random.set_state(state)
    ours = stimuli.smoothed_noise(1400 * NA_MM2, sigma=6 * ms, seed=1).samples(N, 0.01 * ms)
    np.testing.assert_allclose(np.asarray(ours / NA_MM2), I, rtol=1e-12, atol=1e-12)
    default = hh_brian.get_model(NOTEBOOK).default_current.samples(N, 0.01 * ms)
    np.testing.assert_array_equal(np.asarray(default), np.asarray(ours))
    other = stimuli.smoothed_noise(1400 * NA_MM2, sigma=6 * ms, seed=2).samples(N, 0.01 * ms)
    assert not np.allclose(np.asarray(other), np.asarray(ours))


def test_noise_run_is_the_models_default():
    model = hh_brian.get_model(NOTEBOOK)
    assert model.duration == 2000 * ms and model.v_init == -54.4 * mV
