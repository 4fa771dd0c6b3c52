"""Fitting: what fit_trace recovers, how sure it says it is, what it refuses, and
cross-validation on protocols it was not fitted on.

The quick tests fit the passive membrane on the numpy target (no compilation); several
sweeps, free initial values, coarser recordings, the acceptance test (HH, σ = 2 mV, 300 ms,
three conductances), the intervals' coverage over many noise draws and the teaching table
run with the slow tests.
"""

import json

import numpy as np
import pytest
from brian2 import DimensionMismatchError, cm, mS, ms, mV, uA, uF

import hh_brian
from hh_brian import fit, stimuli
from hh_brian.course import fit_demo as demo
from hh_brian.course import teaching
from hh_brian.fit import agreement, objective
from hh_brian.fit.uncertainty import from_jacobian

DENSITY = uA / cm**2
G = mS / cm**2
PASSIVE_DT = 0.05 * ms
STEP = stimuli.step(5 * DENSITY, start=2 * ms)
PASSIVE_TRUTH = {"g_L": 0.5 * G, "C_m": 1.5 * uF / cm**2}
PASSIVE_FREE = {"g_L": (0.1, 2) * G, "C_m": (0.5, 3) * uF / cm**2}
# A smaller, coarser search where the test is about something else than the search: the
# passive membrane's cost has one minimum, which the polish reaches from anywhere near.
QUICK_SEARCH = {"popsize": 6, "tol": 0.1}


def passive_recording(current=STEP, noise=0.5, seed=1, duration=20 * ms, params=None):
    truth = hh_brian.simulate("passive_membrane", duration, current, dt=PASSIVE_DT,
                              target="numpy", params=params or PASSIVE_TRUTH, record=["v"])
    rng = np.random.default_rng(seed)
    return truth.v + rng.normal(0, noise, truth.v.shape) * mV



# Its tests share a module fixture, computed once when they run on one worker (conftest.py:
# --dist loadgroup).
pytestmark = pytest.mark.xdist_group("test_fit")

@pytest.fixture(scope="module")
def passive_fit():
    return fit.fit_trace("passive_membrane", passive_recording(), STEP, dt=PASSIVE_DT,
                         free=PASSIVE_FREE, target="numpy", **QUICK_SEARCH)


# -- what a fit recovers ------------------------------------------------------------------------

def test_passive_fit_recovers_conductance_and_capacitance_within_its_intervals(passive_fit):
    for name, truth in PASSIVE_TRUTH.items():
        low, high = passive_fit.intervals[name]
        assert low < truth < high, name
        # 400 samples with σ = 0.5 mV: the estimate is within a few percent.
        assert abs(float(passive_fit.params[name] / truth) - 1) < 0.05, name
    assert abs(float(passive_fit.noise / (0.5 * mV)) - 1) < 0.1


def test_result_carries_the_fitted_model_and_counts_its_work(passive_fit):
    assert passive_fit.model.params["g_L"] == passive_fit.params["g_L"]
    assert passive_fit.model.params["E_L"] == hh_brian.get_model("passive_membrane").params["E_L"]
    # Each generation is one run of popsize x p = 12 candidates (after the first population's
    # run); the polish runs 2p + 1 = 5 at a time.
    assert passive_fit.n_generations >= 1
    assert passive_fit.n_runs >= passive_fit.n_generations + 1
    assert passive_fit.n_evaluations >= 12 * (passive_fit.n_generations + 1)
    assert passive_fit.n_evaluations > 4 * passive_fit.n_runs
    assert set(passive_fit.correlations) == {("g_L", "C_m")}
    assert -1 <= passive_fit.correlations[("g_L", "C_m")] <= 1
    assert passive_fit.at_bounds == ()
    assert passive_fit.converged and passive_fit.convergence.reasons == ()


def test_predict_runs_the_fitted_model_under_another_current(passive_fit):
    ramp = stimuli.ramp(0 * DENSITY, 10 * DENSITY, 0 * ms, 20 * ms)
    predicted = passive_fit.predict(ramp, 20 * ms)
    direct = hh_brian.simulate(passive_fit.model, 20 * ms, ramp, dt=PASSIVE_DT, target="numpy")
    np.testing.assert_allclose(predicted.v / mV, direct.v / mV, rtol=0, atol=1e-12)


@pytest.mark.slow
def test_fit_of_several_sweeps_uses_all_of_them():
    hyper = stimuli.step(-5 * DENSITY, start=2 * ms)
    recordings = [passive_recording(STEP, seed=2), passive_recording(hyper, seed=3)]
    result = fit.fit_trace("passive_membrane", recordings, [STEP, hyper], dt=PASSIVE_DT,
                           free=PASSIVE_FREE, target="numpy", **QUICK_SEARCH)
    assert len(result.sweeps) == len(result.fitted) == 2
    assert result.n_evaluations % 2 == 0
    for name, truth in PASSIVE_TRUTH.items():
        low, high = result.intervals[name]
        assert low < truth < high, name


@pytest.mark.slow
def test_free_initial_value_is_fitted():
    recording = passive_recording(noise=0.2, seed=4)
    result = fit.fit_trace("passive_membrane", recording, STEP, dt=PASSIVE_DT,
                           free={"g_L": (0.1, 2) * G, "v": (-80, -50) * mV},
                           params={"C_m": PASSIVE_TRUTH["C_m"]}, target="numpy",
                           **QUICK_SEARCH)
    # The truth starts at the model's v_init, -65 mV.
    low, high = result.intervals["v"]
    assert low < -65 * mV < high
    assert result.initial["v"] == result.params["v"]
    # Another protocol starts from the fitted initial state too.
    assert result.predict(0 * DENSITY, 5 * ms).v[0] == result.params["v"]


@pytest.mark.slow
def test_recording_sampled_every_few_steps_is_compared_at_its_samples():
    fine = passive_recording(noise=0.2, seed=5)
    coarse = fine[::2]
    result = fit.fit_trace("passive_membrane", coarse, STEP, dt=PASSIVE_DT,
                           recording_dt=2 * PASSIVE_DT, free=PASSIVE_FREE, target="numpy",
                           **QUICK_SEARCH)
    assert result.fitted[0].shape == coarse.shape
    for name, truth in PASSIVE_TRUTH.items():
        low, high = result.intervals[name]
        assert low < truth < high, name
    # A held-out trace is read on the fitted recording's grid unless told otherwise.
    check = fit.cross_validate(result, coarse, STEP)
    assert check.sweeps[0].predicted.shape == coarse.shape
    assert float(check.sweeps[0].rmse / mV) == pytest.approx(float(result.noise / mV), rel=0.05)


def test_resample_is_explicit_and_linear():
    recorded = fit.recorded_sweep([-65, -61, -57] * mV, 1 * DENSITY, dt=0.3 * ms)
    with pytest.raises(ValueError, match=r"not a whole number .*hh_brian\.fit\.resample"):
        recorded.steps_per_sample(0.2 * ms)
    finer = fit.resample(recorded, 0.1 * ms)
    np.testing.assert_allclose(finer.v / mV, np.linspace(-65, -57, 7))
    assert finer.steps_per_sample(0.1 * ms) == 1


def test_resample_to_a_coarser_grid_keeps_every_part_of_the_current():
    # A 0.04-ms pulse in a recording sampled every 0.01 ms: the simulation still sees its
    # whole charge after the voltage is resampled every 0.1 ms.
    current = np.zeros(100)
    current[13:17] = 10.0
    recorded = fit.recorded_sweep(np.full(100, -65.0) * mV, current * DENSITY, dt=0.01 * ms)
    coarse = fit.resample(recorded, 0.1 * ms)
    held = coarse.current.samples(100, 0.01 * ms) / DENSITY
    assert float(np.sum(held) * 0.01) == pytest.approx(0.4)


def test_a_diverging_candidate_is_left_behind_not_fatal():
    # Forward Euler at 0.1 ms diverges for HH with large g_Na: those candidates get the
    # largest residual and the search goes on.
    free = hh_brian.fit.parameters.free_parameters("hodgkin_huxley", {"g_Na": (50, 400) * G})
    sweeps = fit.data.as_sweeps(np.full(50, -65.0) * mV, 0 * DENSITY, 0.1 * ms)
    obj = objective.Objective(model=hh_brian.get_model("hodgkin_huxley"), sweeps=sweeps,
                              free=free, dt=0.1 * ms, method="euler", target="numpy",
                              batch_size=2)
    residuals = obj.residuals([[400.0], [120.0]])
    assert np.all(residuals[0] == objective.DIVERGED_RESIDUAL_MV)
    assert np.all(np.abs(residuals[1]) < 1)


# -- how sure -------------------------------------------------------------------------------------

def test_linearised_intervals_match_ordinary_least_squares():
    rng = np.random.default_rng(0)
    x = np.linspace(0, 1, 200)
    jacobian = np.column_stack([np.ones_like(x), x])
    y = 1 + 2 * x + rng.normal(0, 0.3, x.size)
    coef, *_ = np.linalg.lstsq(jacobian, y, rcond=None)
    u = from_jacobian(jacobian, jacobian @ coef - y)
    from scipy import stats

    line = stats.linregress(x, y)
    np.testing.assert_allclose(u.standard_errors, [line.intercept_stderr, line.stderr],
                               rtol=1e-10)
    assert u.dof == 198
    assert u.correlations[0, 1] < 0  # intercept and slope trade off


def test_a_parameter_without_effect_has_an_infinite_interval():
    rng = np.random.default_rng(1)
    jacobian = np.column_stack([np.ones(10), np.zeros(10), np.arange(10.0)])
    u = from_jacobian(jacobian, rng.normal(size=10))
    assert np.isinf(u.standard_errors[1]) and np.isinf(u.condition)
    assert np.all(np.isfinite(u.standard_errors[[0, 2]]))
    assert np.isnan(u.correlations[0, 1]) and np.isfinite(u.correlations[0, 2])


def test_condition_number_does_not_depend_on_units():
    rng = np.random.default_rng(2)
    jacobian = rng.normal(size=(50, 2))
    residuals = rng.normal(size=50)
    rescaled = jacobian * [1.0, 1000.0]  # the second parameter in other units
    assert from_jacobian(rescaled, residuals).condition == pytest.approx(
        from_jacobian(jacobian, residuals).condition)


# -- what a fit refuses, before anything runs ----------------------------------------------------

@pytest.fixture
def no_runs(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a run started before the input was checked")

    monkeypatch.setattr(objective, "run_plan", refuse)


TRACE = np.full(100, -65.0) * mV


@pytest.mark.parametrize("kwargs, error, match", [
    ({"recording": np.r_[np.full(10, -65.0), np.nan, np.full(89, -65.0)] * mV},
     ValueError, r"recording: sample 10 \(t = 0\.1 ms\) is NaN"),
    ({"recording": np.full(100, -65.0) * ms}, DimensionMismatchError, "recording: expected a voltage"),
    ({"current": np.zeros(99) * DENSITY}, ValueError, "current: expected one sample per recorded sample"),
    ({"current": 5 * mV}, DimensionMismatchError, "current: expected a current density"),
    ({"free": {"g_Na": (-10, 200) * G}}, ValueError, r"free\['g_Na'\]: the bound -10 mS/cm\^2 is outside the physical range"),
    ({"free": {"g_Nax": (50, 200) * G}}, ValueError, "free: unknown parameter 'g_Nax'.*valid names: C_m"),
    ({"free": {"g_Na": (50, 200) * mV}}, DimensionMismatchError, r"free\['g_Na'\]: expected a conductance"),
    ({"free": {"g_Na": (200, 50) * G}}, ValueError, "expected low < high"),
    ({"free": {"g_Na": [50, 100, 200] * G}}, ValueError, r"expected bounds \(low, high\)"),
    ({"free": {}}, ValueError, "free: expected a mapping"),
    ({"free": {"m": (0, 1.5)}}, ValueError, r"free\['m'\]: the bound 1\.5 is outside"),
    ({"recording_dt": 0.015 * ms}, ValueError, "not a whole number of simulation steps"),
    ({"initial": {"v": -60 * mV}, "free": {"v": (-70, -60) * mV}}, ValueError, "both fixed and free"),
    ({"popsize": 1}, ValueError, "popsize: expected an integer >= 2"),
    ({"level": 95}, ValueError, "level: expected a confidence level"),
    ({"target": "cuda"}, ValueError, "target"),
    ({"dt": -1 * ms}, ValueError, "dt"),
    ({"params": {"g_K": [1, 2] * G}}, ValueError, "params: fixed parameters must be scalars"),
    ({"params": {"g_Na": 100 * G}}, ValueError, "params: g_Na is both fixed and free"),
    ({"initial": {"v": [-65, -60] * mV}}, ValueError, r"initial\['v'\]: a fixed initial value"),
    ({"method": "eulr"}, ValueError, "method: unknown integration method 'eulr'"),
    ({"recording": fit.recorded_sweep(TRACE, 0 * DENSITY, dt=0.01 * ms), "current": None,
      "recording_dt": 0.02 * ms}, ValueError, "recording_dt: a Sweep carries its own"),
])
def test_bad_input_is_refused_before_any_run(no_runs, kwargs, error, match):
    arguments = {"model": "hodgkin_huxley", "recording": TRACE, "current": 0 * DENSITY,
                 "free": {"g_Na": (50, 200) * G}, **kwargs}
    model, recording, current = (arguments.pop(k) for k in ("model", "recording", "current"))
    with pytest.raises(error, match=match):
        fit.fit_trace(model, recording, current, **arguments)


def test_several_traces_need_as_many_currents(no_runs):
    with pytest.raises(ValueError, match="expected a list of 2 currents"):
        fit.fit_trace("hodgkin_huxley", [TRACE, TRACE], 0 * DENSITY,
                      free={"g_Na": (50, 200) * G})


# -- outside the protocol --------------------------------------------------------------------------

def test_coincidence_factor_is_one_for_the_same_train_and_near_zero_by_chance():
    rng = np.random.default_rng(0)
    train = np.sort(rng.uniform(0, 10_000, 200))
    assert agreement.coincidence_factor(train, train + 0.5, 2.0, 10_000) == 1.0
    gammas = [agreement.coincidence_factor(train, np.sort(rng.uniform(0, 10_000, 200)), 2.0,
                                           10_000) for _ in range(50)]
    # Independent trains: Γ's expectation is 0; its spread over 50 draws is about 0.07 / √50.
    assert abs(np.mean(gammas)) < 0.05


def test_each_recorded_spike_matches_at_most_one_model_spike():
    m = agreement.match_spikes([10.0], [9.5, 10.2, 10.4], window=2.0, duration=100.0)
    assert m.pairs.tolist() == [[0, 1]] and m.extra == 2 and m.missed == 0
    assert m.gamma < 1


def test_cross_validation_of_a_passive_fit(passive_fit):
    ramp = stimuli.ramp(0 * DENSITY, 10 * DENSITY, 0 * ms, 20 * ms)
    held_out = passive_recording(ramp, seed=9)
    check = fit.cross_validate(passive_fit, held_out, ramp)
    row = check.sweeps[0]
    # The held-out recording's noise is 0.5 mV; a good fit predicts it to about that.
    assert 0.45 < float(row.rmse / mV) < 0.6
    assert np.isnan(row.gamma)  # no spikes in either: nothing to say about timing
    assert "rmse" in str(check)


def test_cross_validate_refuses_what_is_not_a_fit():
    with pytest.raises(TypeError, match="result: expected a FitResult"):
        fit.cross_validate("fit", TRACE, 0 * DENSITY)


# -- what a result shows ------------------------------------------------------------------------

def test_result_table_json_and_figure(passive_fit, tmp_path):
    text = str(passive_fit)
    assert "g_L" in text and "95% interval" in text and "noise" in text
    data = json.loads(passive_fit.to_json(tmp_path / "fit.json").read_text())
    by_name = {row["name"]: row for row in data["estimates"]}
    assert by_name["g_L"]["estimate"] == pytest.approx(float(passive_fit.params["g_L"] / G))
    assert by_name["g_L"]["unit"] == "mS/cm^2"
    assert data["noise_mV"] == pytest.approx(float(passive_fit.noise / mV))
    assert data["fixed_params"]["E_L"].endswith("mV")
    fig = passive_fit.plot()
    assert len(fig.axes) == 3  # data and fit, residuals, intervals


def test_teaching_bounds_free_every_conductance_and_reversal_potential():
    free = teaching.free_bounds("inactivating_and_delayed_conductances")
    assert sorted(free) == ["E_a", "E_b", "g_a", "g_b"]
    free_hh = teaching.free_bounds("hodgkin_huxley")
    assert sorted(free_hh) == ["E_K", "E_L", "E_Na", "g_K", "g_L", "g_Na"]


# -- acceptance (slow) ----------------------------------------------------------------------------

HH_TRUTH, HH_FREE = demo.DEMO_TRUTH, demo.DEMO_FREE


@pytest.mark.slow
def test_acceptance_three_conductances_from_a_noisy_two_step_recording():
    # HH with g_Na, g_K, g_L at 160, 28, 0.5 mS/cm^2, two steps over 300 ms, sigma = 2 mV.
    fitted, ramp = demo.demo_recordings()
    assert float(fitted.duration / ms) == pytest.approx(300) and float(demo.DEMO_NOISE / mV) == 2
    result = fit.fit_trace("hodgkin_huxley", fitted, free=HH_FREE)
    for name, truth in HH_TRUTH.items():
        assert abs(float(result.params[name] / truth) - 1) < 0.02, name
        low, high = result.intervals[name]
        assert low < truth < high, name
    assert abs(float(result.noise / demo.DEMO_NOISE) - 1) < 0.1
    # A protocol the fit never saw: a ramp, recorded with its own noise.
    check = fit.cross_validate(result, ramp)
    spikes = check.sweeps[0].spikes
    assert len(spikes.data) >= 10
    assert spikes.missed == spikes.extra == 0
    assert spikes.max_shift < 0.5


@pytest.mark.slow
def test_intervals_cover_the_truth_as_often_as_they_claim():
    # 20 noise draws of a 100-ms HH recording, 3 intervals each: a 95 % interval misses
    # about 3 of 60 (1.7 standard deviations: 8 misses would be 3 away). And the squared
    # errors in units of the standard errors average 1 when those are right (the three of a
    # draw are correlated, so the mean of 60 scatters by about 0.3).
    step = stimuli.step(10 * DENSITY, 20 * ms, 90 * ms)
    covered, z = 0, []
    for seed in range(20):
        recording = demo.noisy_sweep("hodgkin_huxley", 100 * ms, step, 2 * mV,
                                     np.random.default_rng(100 + seed), params=HH_TRUTH)
        result = fit.fit_trace("hodgkin_huxley", recording, free=HH_FREE, seed=seed)
        for name, truth in HH_TRUTH.items():
            low, high = result.intervals[name]
            covered += bool(low < truth < high)
            z.append(float((result.params[name] - truth) / result.standard_errors[name]))
    assert covered >= 53
    assert 0.4 < np.mean(np.square(z)) < 2.0


@pytest.mark.slow
def test_teaching_table_only_full_hh_reaches_the_noise():
    # The documentation's reading of the table: steps 3-6 fit best by not spiking (their
    # error is the size of HH's spikes, no spike reproduced); full HH reaches the noise.
    table = teaching.ingredient_table()
    assert [row.step for row in table.rows] == [3, 4, 5, 6, 7]
    noise = float(teaching.NOISE / mV)
    for row in table.rows[:-1]:
        fitted, held = row.check.sweeps
        assert float(fitted.rmse / mV) > 5 * noise, row.model
        assert fitted.gamma < 0.5 and held.gamma < 0.5, row.model
    fitted, held = table.rows[-1].check.sweeps
    assert float(fitted.rmse / mV) == pytest.approx(noise, rel=0.1)
    assert fitted.gamma == held.gamma == 1.0
