"""A run that diverges says so: one error with a time for a neuron, a mark per neuron in a batch.

The reference point: forward Euler at dt = 0.1 ms is unstable for HH. Under the source
protocol the state first becomes infinite at step 142 (t = 14.2 ms), one step after the
protocol's +5 uA/cm^2 step starts pushing it (the reference integrator, which shares no code
with the targets, finds the same step: test_the_reference_diverges_at_the_same_step).
"""

import numpy as np
import pytest
from brian2 import cm, mS, ms, mV, uA

import hh_brian
from hh_brian import reference
from hh_brian.sweeps.regimes import REGIMES
from hh_brian.sweeps import fi_curve, sweep

UA_CM2 = uA / cm**2
UNSTABLE = {"model": "hodgkin_huxley", "duration": 50 * ms, "dt": 0.1 * ms}


def test_the_reference_diverges_at_the_same_step():
    with np.errstate(all="ignore"):
        ref = reference.integrate("neuron_func_7", 50.0, reference.source_protocol(500, 5.0),
                                  dt=0.1)
    bad = np.zeros(500, dtype=bool)
    for name in ("v", "n", "m", "h"):
        bad |= ~np.isfinite(ref[name][0])
    assert int(np.argmax(bad)) == 142


# Every recording mode on the numpy target; on the compiled ones, which build code per mode,
# all traces and spikes only (the standalone builds with the slow tests).
def _mode(target, record, slow=False):
    label = "spikes" if record == [] else "-".join(record or ["all"])
    return pytest.param(target, record, id=f"{target}-{label}",
                        marks=pytest.mark.slow if slow else ())


MODES = [_mode("numpy", None), _mode("numpy", ["v"]), _mode("numpy", ["n"]),
         _mode("numpy", []), _mode("cython", None, slow=True), _mode("cython", [], slow=True),
         _mode("cpp_standalone", None, slow=True), _mode("cpp_standalone", [], slow=True)]


@pytest.mark.parametrize("target, record", MODES)
def test_a_diverging_neuron_is_an_error_with_its_time(target, record):
    with pytest.raises(hh_brian.IntegrationError) as caught:
        hh_brian.simulate(UNSTABLE["model"], UNSTABLE["duration"], dt=UNSTABLE["dt"],
                          target=target, record=record)
    error = caught.value
    assert float(error.time / ms) == pytest.approx(14.2) and error.method == "euler"
    assert float(error.dt / ms) == pytest.approx(0.1)
    message = str(error)
    assert message.startswith("hodgkin_huxley: the integration diverged")
    assert "t = 14.2 ms" in message and "dt = 0.1 ms" in message
    assert "smaller dt" in message and "exponential_euler" in message


# A default run on cython: its code is the default-runs group's (test_source_claims.py).
@pytest.mark.xdist_group("default-runs")
def test_the_longer_run_of_the_issue_is_the_same_error_not_nan_spikes():
    # 200 ms used to return NaN traces, a warning and three "spikes" at 43.07, 43.62 and
    # 43.81 ms: v swinging wildly as it blew up, after the step started at T/5 = 40 ms.
    with pytest.raises(hh_brian.IntegrationError, match="t = 44.2 ms"):
        hh_brian.simulate("hodgkin_huxley", 200 * ms, dt=0.1 * ms)


def test_the_advice_fits_the_method():
    # 0.1 ms is within the stable step at rest (2 tau_m = 0.47 ms) but not during a spike,
    # where tau_m falls to 0.04 ms: rk2 diverges in the first one.
    with pytest.raises(hh_brian.IntegrationError) as caught:
        hh_brian.simulate("hodgkin_huxley", 100 * ms, 10 * UA_CM2, dt=0.1 * ms,
                          method="rk2", target="numpy")
    assert str(caught.value).endswith("try a smaller dt or method='exponential_euler'")
    assert caught.value.remedies == ("dt", "exponential_euler")


# numpy in the quick suite; the compiled targets (code of their own) with the slow tests.
@pytest.mark.parametrize("target", [pytest.param("cython", marks=pytest.mark.slow), "numpy",
                                    pytest.param("cpp_standalone", marks=pytest.mark.slow)])
def test_a_batch_keeps_the_neurons_that_did_not_diverge(target):
    # g_Na = 50 mS/cm^2 is stable at dt = 0.1 ms under a constant 10 uA/cm^2; 120 is not.
    g_Na = [120, 50, 120, 50] * mS / cm**2
    batch = hh_brian.simulate("hodgkin_huxley", 50 * ms, 10 * UA_CM2, dt=0.1 * ms,
                              target=target, params={"g_Na": g_Na})
    assert set(batch.diverged) == {0, 2}
    assert [float(batch.diverged[k] / ms) for k in (0, 2)] == pytest.approx([2.9, 2.9])
    spikes = batch.spike_times()
    assert spikes[0] is None and spikes[2] is None  # nothing is read off a diverged trace
    # A diverged neuron's samples are NaN from its divergence on, and finite before it.
    v = np.asarray(batch.v / mV)
    assert np.all(np.isfinite(v[0, :29])) and np.all(np.isnan(v[0, 29:]))
    # The others are exactly what they would have been alone.
    alone = hh_brian.simulate("hodgkin_huxley", 50 * ms, 10 * UA_CM2, dt=0.1 * ms,
                              target=target, params={"g_Na": 50 * mS / cm**2})
    assert np.max(np.abs(v[1] - np.asarray(alone.v / mV))) < 1e-9
    np.testing.assert_allclose(spikes[1] / ms, alone.spike_times() / ms, atol=1e-9)
    assert "2 diverged" in repr(batch)


# numpy quickly; the compiled targets (seconds of compiling each) with the slow tests.
@pytest.mark.parametrize("target", ["numpy", pytest.param("cython", marks=pytest.mark.slow),
                                    pytest.param("cpp_standalone", marks=pytest.mark.slow)])
def test_spikes_only_batches_mark_diverged_neurons_too(target):
    batch = hh_brian.simulate("hodgkin_huxley", 50 * ms, 10 * UA_CM2, dt=0.1 * ms,
                              target=target, params={"g_Na": [120, 50] * mS / cm**2},
                              record=[])
    assert list(batch.diverged) == [0]
    assert float(batch.diverged[0] / ms) == pytest.approx(2.9)
    spikes = batch.spike_times()
    assert spikes[0] is None and len(spikes[1]) > 0


# Cython in the quick suite (its code shared with the sweeps' tests), the sweeps' own default,
# cpp_standalone, with the slow tests.
SWEEP_TARGETS = [pytest.param("cython", marks=pytest.mark.xdist_group("hh-spikes-only-cython")),
                 pytest.param("cpp_standalone", marks=pytest.mark.slow)]


@pytest.mark.parametrize("target", SWEEP_TARGETS)
def test_sweeps_and_fi_curves_mark_diverged_points(target):
    fi = fi_curve("hodgkin_huxley", [10, 10] * UA_CM2, 50 * ms, transient=0 * ms,
                  dt=0.1 * ms, params={"g_Na": [120, 50] * mS / cm**2}, target=target)
    assert fi.diverged.tolist() == [True, False]
    assert np.isnan(float(fi.rates[0] / (1 / ms))) and float(fi.rates[1] / (1 / ms)) > 0
    assert np.ma.is_masked(fi.spike_counts[0]) and fi.spike_counts[1] > 0
    grid = sweep("hodgkin_huxley", {"g_Na": [120, 50] * mS / cm**2}, current=10 * UA_CM2,
                 duration=50 * ms, dt=0.1 * ms, target=target)
    assert grid.diverged.values.tolist() == [True, False]
    assert np.isnan(float(grid.rate[0])) and int(grid.spike_count[1]) > 0
    assert float(grid.diverged_at[0]) == pytest.approx(2.9)
    assert grid.regime.values.tolist()[0] == REGIMES.index("diverged")


@pytest.mark.parametrize("target", SWEEP_TARGETS)
def test_rheobase_stops_on_a_diverged_run(target):
    from hh_brian.sweeps import rheobase

    with pytest.raises(hh_brian.IntegrationError, match="diverged in neuron"):
        rheobase("hodgkin_huxley", high=20 * UA_CM2, duration=50 * ms, dt=0.1 * ms,
                 target=target)


def test_the_error_survives_pickling():
    import pickle

    error = hh_brian.IntegrationError("hodgkin_huxley", 14.2 * ms, 0.1 * ms, "euler")
    again = pickle.loads(pickle.dumps(error))
    assert str(again) == str(error) and again.time == error.time


def test_nothing_but_the_error_is_printed(capfd):
    with pytest.raises(hh_brian.IntegrationError):
        hh_brian.simulate("hodgkin_huxley", 50 * ms, dt=0.1 * ms, target="numpy")
    out, err = capfd.readouterr()
    # No numpy overflow warning, no Brian2 "invalid values" warning: the error says it all.
    assert "overflow" not in err and "invalid" not in err and "NaN" not in err
