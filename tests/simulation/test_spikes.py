"""A spike is a spike: one definition (hh_brian.core.traces) for traces and for spikes detected
while running, and what does not count as one."""

import numpy as np
import pytest
from brian2 import cm, ms, mV, uA

import hh_brian
from hh_brian import stimuli
from hh_brian.core.traces import MAX_WIDTH_MS, MIN_HEIGHT_MV, excursions, spike_onsets

UA_CM2 = uA / cm**2


def test_an_excursion_must_start_and_end_below_the_threshold():
    t = np.arange(7.0)
    # Above at the start (onset unseen), a real spike, above at the end (return unseen).
    v = [10, -60, 30, -60, -60, 30, 30]
    first, count = excursions(v, 0.0)
    assert first.tolist() == [2] and count.tolist() == [1]
    assert spike_onsets(v, t, 0.0).tolist() == [1 + 60 / 90]


def test_nan_breaks_an_excursion_and_never_makes_a_spike():
    t = np.arange(6.0)
    assert spike_onsets([-60, 30, np.nan, -60, -60, -60], t, 0.0).size == 0
    assert spike_onsets([-60, np.nan, 30, -60, -60, -60], t, 0.0).size == 0


def test_width_and_height_limits():
    t = np.arange(10) * 1.0  # ms
    plateau = [-60, 20, 20, 20, 20, 20, 20, -60, -60, -60]  # 6 ms above
    assert spike_onsets(plateau, t, 0.0).size == 0
    assert spike_onsets(plateau, t, 0.0, max_width=6.0).size == 1
    wobble = [-10, 4, -10, -10, -10, -10, -10, -10, -10, -10]  # 4 mV above for 1 ms
    assert spike_onsets(wobble, t, 0.0).size == 0
    assert spike_onsets(wobble, t, 0.0, min_height=4.0).size == 1
    assert (MAX_WIDTH_MS, MIN_HEIGHT_MV) == (5.0, 5.0)


# A default run on cython: its code is the default-runs group's (test_source_claims.py).
@pytest.mark.xdist_group("default-runs")
def test_a_linear_model_resting_at_the_threshold_does_not_spike():
    # two_conductances rests at exactly 0 mV; the +30 step lifts it to +15 mV for 20 ms.
    result = hh_brian.simulate("two_conductances")
    assert np.max(np.asarray(result.v / mV)) == pytest.approx(15, abs=1e-6)
    assert len(result.spike_times()) == 0


def test_a_membrane_wobbling_at_the_threshold_does_not_spike():
    # A passive membrane resting at 0 mV, driven by noise of a few tenths of a mV.
    result = hh_brian.simulate("passive_membrane", 200 * ms,
                               stimuli.smoothed_noise(50 * UA_CM2, sigma=1 * ms, seed=3),
                               params={"E_L": 0 * mV}, initial={"v": -5 * mV})
    v = np.asarray(result.v / mV)
    assert len(excursions(v, 0.0)[0]) > 5 and np.max(v) < 5  # it does cross, often
    assert len(result.spike_times()) == 0


def test_a_slow_drift_across_the_threshold_does_not_spike():
    ramp = stimuli.ramp(0 * UA_CM2, 80 * UA_CM2, start=0 * ms, stop=100 * ms)
    result = hh_brian.simulate("passive_membrane", 100 * ms, ramp)
    assert np.max(np.asarray(result.v / mV)) > 10  # crossed 0 mV and stayed up
    assert len(result.spike_times()) == 0


# A default run on cython: its code is the default-runs group's (test_source_claims.py).
@pytest.mark.xdist_group("default-runs")
def test_step_5_plateau_is_not_a_spike_but_step_6_spike_is():
    assert len(hh_brian.simulate("inactivating_conductance").spike_times()) == 0
    assert len(hh_brian.simulate("inactivating_and_delayed_conductances").spike_times()) == 1


# The numpy target in the quick suite; the compiled ones (each a build of its own) with the
# slow tests.
@pytest.mark.parametrize("target", [pytest.param("cython", marks=pytest.mark.slow), "numpy",
                                    pytest.param("cpp_standalone", marks=pytest.mark.slow)])
def test_spikes_only_mode_counts_the_same_spikes(target):
    """Detected while running (step resolution) or read off the trace (interpolated): the
    same spikes, each onset within one step of the trace's."""
    currents = stimuli.constant([0, 5, 10, 50, 150] * UA_CM2)
    duration = 100 * ms if target != "numpy" else 30 * ms
    traces = hh_brian.simulate("hodgkin_huxley", duration, currents, target=target,
                               record=["v"])
    online = hh_brian.simulate("hodgkin_huxley", duration, currents, target=target, record=[])
    for a, b in zip(traces.spike_times(), online.spike_times()):
        assert len(a) == len(b)
        assert np.all((a - b) / ms >= 0) and np.all((a - b) / ms < 0.01)
    # Both honour max_width afterwards.
    narrow = online.spike_times(max_width=0.5 * ms)
    assert sum(len(s) for s in narrow) < sum(len(s) for s in online.spike_times())


def test_a_neuron_starting_above_the_threshold_has_no_seen_onset():
    for record in (None, []):
        result = hh_brian.simulate("hodgkin_huxley", 20 * ms, 0 * UA_CM2, target="numpy",
                                   initial={"v": 10 * mV}, record=record)
        assert len(result.spike_times()) == 0, record


def test_spikes_only_threshold_is_fixed_at_run_time():
    result = hh_brian.simulate("hodgkin_huxley", 20 * ms, 10 * UA_CM2, target="numpy",
                               record=[], spike_threshold=-20 * mV)
    assert len(result.spike_times()) == len(result.spike_times(threshold=-20 * mV)) == 2
    with pytest.raises(ValueError, match="threshold: spikes were detected during the run"):
        result.spike_times(threshold=0 * mV)
