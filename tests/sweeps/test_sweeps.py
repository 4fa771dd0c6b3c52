"""Sweeps, f-I curves, rheobase, recording options and the memory guard."""

import numpy as np
import pytest
from brian2 import Hz, cm, mS, ms, mV, uA

import hh_brian
from hh_brian import stimuli
from hh_brian.core.errors import RecordingTooLarge
from hh_brian.simulation import estimate_memory
from hh_brian.sweeps import fi_curve, rheobase, sweep

UA_CM2 = uA / cm**2
# Spikes-only runs of HH on cython share their compiled code: the tests that make them run on
# one worker (conftest.py: --dist loadgroup), so that the code is compiled once.
SPIKES_ONLY = pytest.mark.xdist_group("hh-spikes-only-cython")


@pytest.mark.slow  # compiles code of its own (several seconds): with the slow tests
def test_sweep_labels_match_their_neurons():
    ds = sweep("hodgkin_huxley", {"g_K": [30, 40] * mS / cm**2,
                                  "g_Na": [100, 120, 140] * mS / cm**2},
               current=10 * UA_CM2, duration=40 * ms, target="numpy")
    assert ds.spike_count.dims == ("g_K", "g_Na") and ds.spike_count.shape == (2, 3)
    assert ds.g_Na.attrs["units"] == "mS/cm^2" and ds.g_Na.values.tolist() == [100, 120, 140]
    for g_K in (30, 40):
        for g_Na in (100, 120, 140):
            single = hh_brian.simulate("hodgkin_huxley", 40 * ms, 10 * UA_CM2, target="numpy",
                                       params={"g_K": g_K * mS / cm**2,
                                               "g_Na": g_Na * mS / cm**2})
            point = ds.sel(g_K=g_K, g_Na=g_Na)
            spikes = np.asarray(single.spike_times() / ms)
            assert int(point.spike_count) == len(spikes)
            # Spikes only: the onset is the start of the crossing step, within one dt.
            assert abs(float(point.first_spike) - spikes[0]) <= 0.01 + 1e-9
            assert float(point.v_peak) == pytest.approx(float(single.v.max() / mV), abs=1e-9)


def test_sweep_as_a_list_of_parameter_sets_and_of_amplitudes():
    ds = sweep("passive_membrane", {"g_L": [1, 2] * mS / cm**2, "amplitude": [10, 20] * UA_CM2},
               current=stimuli.step(1 * UA_CM2, start=1 * ms), product=False,
               duration=30 * ms, target="numpy")
    # E_L + I/g_L: -65 + 10/1 and -65 + 20/2
    assert ds.v_end.dims == ("point",)
    np.testing.assert_allclose(ds.v_end.values, [-55, -55], atol=1e-6)
    assert ds.g_L.values.tolist() == [1, 2] and ds.amplitude.values.tolist() == [10, 20]
    with pytest.raises(ValueError, match="same length"):
        sweep("passive_membrane", {"g_L": [1, 2] * mS / cm**2, "E_L": [-70] * mV},
              product=False)
    with pytest.raises(ValueError, match="unknown parameter 'g_x'"):
        sweep("passive_membrane", {"g_x": [1] * mS / cm**2})
    with pytest.raises(TypeError, match=r"unexpected options \['record'\].*params= arrays"):
        sweep("passive_membrane", {"g_L": [1] * mS / cm**2}, record=["v"])
    with pytest.raises(ValueError, match=r"params: 'g_L' is swept"):
        sweep("passive_membrane", {"g_L": [1] * mS / cm**2}, params={"g_L": 2 * mS / cm**2})


@SPIKES_ONLY
def test_regimes_of_the_textbook_cases():
    """HH under constant currents: rest, one onset spike, tonic firing, depolarisation block
    (v settles near -40 mV after one spike above the upper Hopf point, ~154 uA/cm^2 in the
    1952 model); test_divergence checks the diverged regime."""
    from hh_brian.sweeps.regimes import REGIMES

    ds = sweep("hodgkin_huxley", {"amplitude": [0, 3, 10, 200] * UA_CM2},
               current=stimuli.constant(1 * UA_CM2), duration=200 * ms, target="cython")
    assert [REGIMES[k] for k in ds.regime.values] == ["rest", "onset", "repetitive", "block"]
    assert ds.spike_count.values.tolist() == [0, 1, 14, 1]
    assert -45 < float(ds.v_end[3]) < -38 and float(ds.v_peak[2]) > 40
    assert float(ds.rate[2]) == pytest.approx(70, abs=0.5)  # 7 spikes in the last 100 ms


def test_a_sweep_writes_to_netcdf_and_reads_back(tmp_path):
    import xarray as xr

    ds = sweep("passive_membrane", {"E_L": [-70, -60] * mV}, duration=5 * ms, target="numpy")
    path = tmp_path / "sweep.nc"
    ds.to_netcdf(path)  # netCDF3 through scipy: no other library needed
    back = xr.load_dataset(path)
    assert back.E_L.attrs["units"] == "mV" and back.regime.attrs["flag_meanings"].split()[0] == "rest"
    np.testing.assert_array_equal(back.v_end.values, ds.v_end.values)
    assert back.attrs["model"] == "passive_membrane"


@SPIKES_ONLY
def test_fi_curve_is_zero_below_rheobase_and_rises_above():
    currents = np.array([0, 2, 4, 6, 8, 10, 15, 20]) * UA_CM2
    fi = fi_curve("hodgkin_huxley", currents, 500 * ms, transient=100 * ms, target="cython")
    rates = np.asarray(fi.rates / Hz)
    assert np.all(rates[:3] == 0)  # below the threshold for repetitive firing (~6.3)
    assert np.all(rates[4:] > 40)  # tonic firing, near 50-90 Hz for the squid axon
    assert np.all(np.diff(rates[4:]) >= 0)  # rising with the current


@SPIKES_ONLY
def test_rheobase_to_the_stated_tolerance():
    tolerance = 0.02 * UA_CM2
    I = rheobase("hodgkin_huxley", high=10 * UA_CM2, tolerance=tolerance, duration=100 * ms,
                 target="cython")
    fires = hh_brian.simulate("hodgkin_huxley", 100 * ms, stimuli.constant([I, I - tolerance]),
                              target="cython", record=[]).spike_times()
    assert len(fires[0]) >= 1 and len(fires[1]) == 0


def test_rheobase_checks_its_bracket():
    with pytest.raises(ValueError, match="high: the model does not fire"):
        rheobase("hodgkin_huxley", high=1 * UA_CM2, duration=20 * ms, target="numpy")


def test_record_subsets():
    result = hh_brian.simulate("hodgkin_huxley", 20 * ms, stimuli.constant([0, 10, 20] * UA_CM2),
                               target="numpy", record=["v", "I_Na"], record_neurons=[2],
                               record_dt=0.1 * ms)
    assert set(result.traces) == {"v", "I_Na"}
    assert result.v.shape == (1, 200) and result.n_neurons == 3
    assert float(result.t[1] / ms) == pytest.approx(0.1)
    full = hh_brian.simulate("hodgkin_huxley", 20 * ms, 20 * UA_CM2, target="numpy")
    np.testing.assert_array_equal(np.asarray(result.v[0]), np.asarray(full.v[::10]))


@pytest.mark.slow  # compiles code of its own (several seconds): with the slow tests
def test_spikes_only_mode_finds_the_crossing_steps():
    spikes = hh_brian.simulate("hodgkin_huxley", 50 * ms, 10 * UA_CM2, target="numpy",
                               record=[]).spike_times()
    traced = hh_brian.simulate("hodgkin_huxley", 50 * ms, 10 * UA_CM2,
                               target="numpy").spike_times()
    # Online detection reports the start of the step during which v crossed; the
    # interpolated crossing lies within that step.
    assert len(spikes) == len(traced)
    lag = np.asarray((traced - spikes) / ms)
    assert np.all(lag >= 0) and np.all(lag <= 0.01 + 1e-9)


def test_memory_guard_refuses_with_the_estimate():
    with pytest.raises(RecordingTooLarge, match=r"needs about 256 GB, over the limit of 2.15 GB.*record=\['v'\]"):
        hh_brian.simulate("hodgkin_huxley", 2000 * ms, stimuli.constant(np.zeros(10000) * UA_CM2),
                          target="numpy")
    with pytest.raises(ValueError, match="record: unknown trace"):
        hh_brian.simulate("hodgkin_huxley", 1 * ms, target="numpy", record=["w"])
    with pytest.raises(ValueError, match="record_neurons: indices must lie in 0..0"):
        hh_brian.simulate("hodgkin_huxley", 1 * ms, target="numpy", record_neurons=[3])
    # The limit can be raised (here only checked, not run: the estimate passes).
    assert estimate_memory(8, 10000, 200000, 200000, 10000, False) > 2 * 1024**3


def test_v_average_is_the_exponential_average_of_v_after_each_step():
    # Written from its definition: after every step, v_average moves 1 - exp(-dt/window) of
    # the way to v, starting at the initial v.
    from hh_brian.targets.network import AVERAGE_WINDOW

    run = hh_brian.simulate("hodgkin_huxley", 30 * ms, stimuli.constant([0, 10] * uA / cm**2),
                            record=["v"], track_peak=True, target="numpy")
    weight = -np.expm1(-float(run.dt / AVERAGE_WINDOW))
    after_each_step = np.concatenate([run.v[:, 1:] / mV, run.v_end[:, None] / mV], axis=1)
    average = run.v[:, 0] / mV
    for column in after_each_step.T:
        average = average + weight * (column - average)
    np.testing.assert_allclose(run.v_average / mV, average, rtol=0, atol=1e-9)


def test_the_regime_reads_the_averaged_v_not_the_last_sample():
    from types import SimpleNamespace

    from hh_brian.sweeps.regimes import REGIMES, measure

    # Three neurons without spikes, whose last samples fall on either side of the block
    # level as a ringing v would: the averages decide.
    result = SimpleNamespace(
        batch=True, duration=200 * ms, n_neurons=3, diverged={},
        spike_table=lambda: (np.array([], dtype=int), np.array([]) * ms),
        v_end=[-30, -70, -70] * mV, v_average=[-60, -45, -60] * mV, v_peak=None)
    measures = measure(result)
    assert [REGIMES[k] for k in measures["regime"]] == ["rest", "block", "rest"]
    assert measures["v_end"].tolist() == [-30, -70, -70]
    assert measures["v_average"].tolist() == [-60, -45, -60]
