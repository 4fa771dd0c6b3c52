"""simulate() and its result: shapes, units, timing of inputs, batches, isolation."""

import numpy as np
import pytest
from brian2 import Quantity, mS, ms, mV, uA, cm, volt
from brian2.units.fundamentalunits import have_same_dimensions

import hh_brian
from hh_brian import stimuli

UA_CM2 = uA / cm**2


def test_result_holds_every_trace_with_units():
    result = hh_brian.simulate("hodgkin_huxley", 2 * ms, target="numpy")
    assert result.t.shape == (200,) and result.t[0] == 0 * ms
    assert float((result.t[1] - result.t[0]) / ms) == pytest.approx(0.01)
    assert set(result.traces) == {"v", "n", "m", "h", "I_K", "I_Na", "I_L", "I_stim"}
    assert have_same_dimensions(result.v, volt)
    for name in ("I_K", "I_Na", "I_L", "I_stim"):
        assert have_same_dimensions(getattr(result, name), UA_CM2)
    assert not isinstance(result.n, Quantity) or result.n.is_dimensionless
    assert result.v[0] == -65 * mV  # the initial state is the first sample
    assert set(result.currents) == {"I_K", "I_Na", "I_L"}
    assert result.target == "numpy" and result.method == "euler"
    assert result.dt == 0.01 * ms and result.duration == 2 * ms
    assert result.params["g_Na"] == 120 * mS / cm**2
    assert "hodgkin_huxley" in repr(result)
    with pytest.raises(AttributeError, match="its traces are: v, n, m, h"):
        result.w


def test_gates_start_at_their_steady_state():
    result = hh_brian.simulate("hodgkin_huxley", 1 * ms, target="numpy",
                               initial={"v": -70 * mV, "h": 0.2})
    from hh_brian.analysis import evaluate

    steady = evaluate("hodgkin_huxley", ["n_inf", "m_inf"], -70 * mV)
    assert result.n[0] == pytest.approx(float(steady["n_inf"]), rel=1e-12)
    assert result.m[0] == pytest.approx(float(steady["m_inf"]), rel=1e-12)
    assert result.h[0] == 0.2
    assert result.initial["h"] == 0.2


def test_default_duration_and_protocol_are_the_sources():
    for model in hh_brian.list_models()[:7]:
        assert model.duration == (100 * ms if model.source_name in
                                  ("neuron_func_1", "neuron_func_2", "neuron_func_3") else 200 * ms)
        expected = 5 if model.source_name == "neuron_func_7" else 30
        assert type(model.default_current).__name__ == "Protocol"
        assert float(model.default_current.amplitude / UA_CM2) == pytest.approx(expected)
    result = hh_brian.simulate("passive_membrane", target="numpy")
    I = np.asarray(result.I_stim / UA_CM2)
    assert I.shape == (10000,)
    assert np.all(I[1999] == 0) and I[2000] == 30 and I[3999] == 30 and I[4000] == 0
    assert I[6000] == -30 and I[7999] == -30 and I[8000] == 0


@pytest.mark.parametrize("target", ["cython", "numpy"])
def test_sample_k_acts_during_step_k(target):
    # Passive membrane with g_L = 0: v[k+1] = v[k] + dt * I[k] / C exactly as the source loop.
    k0 = 7
    current = stimuli.step(2 * UA_CM2, start=k0 * 0.01 * ms)
    result = hh_brian.simulate("passive_membrane", 0.2 * ms, current, target=target,
                               params={"g_L": 0 * mS / cm**2})
    v = np.asarray(result.v / mV)
    assert np.all(v[:k0 + 1] == -65.0)  # unchanged up to and including sample k0
    assert v[k0 + 1] == pytest.approx(-65.0 + 0.01 * 2.0, abs=1e-12)  # 2 uA/cm^2 over 0.01 ms


@pytest.mark.parametrize("target", ["cython", "numpy"])
@pytest.mark.parametrize("v0", [-55, -40])
def test_hh_is_finite_at_the_rates_removable_singularities(target, v0):
    # At v - v_rest = 10 mV and 25 mV the raw alpha_n and alpha_m are 0/0.
    result = hh_brian.simulate("hodgkin_huxley", 5 * ms, 0 * UA_CM2, target=target,
                               initial={"v": v0 * mV})
    for name, values in result.traces.items():
        assert np.all(np.isfinite(np.asarray(values))), name
    assert result.v[0] == v0 * mV


@pytest.mark.slow  # four numpy runs; test_batch_matches_reference checks batches quickly
def test_batch_over_a_parameter_equals_separate_runs():
    g_K = [30, 36, 42] * mS / cm**2
    batch = hh_brian.simulate("hodgkin_huxley", 30 * ms, 10 * UA_CM2, target="numpy",
                              params={"g_K": g_K})
    assert batch.batch and batch.n_neurons == 3 and batch.v.shape == (3, 3000)
    assert batch.params["g_K"].shape == (3,)
    spikes = batch.spike_times()
    assert isinstance(spikes, list) and len(spikes) == 3
    for j, g in enumerate(g_K):
        single = hh_brian.simulate("hodgkin_huxley", 30 * ms, 10 * UA_CM2, target="numpy",
                                   params={"g_K": g})
        assert not single.batch and single.v.shape == (3000,)
        # Same generated arithmetic per neuron: identical up to vectorisation rounding.
        assert np.max(np.abs(np.asarray((batch.v[j] - single.v) / mV))) < 1e-10
        np.testing.assert_allclose(spikes[j] / ms, single.spike_times() / ms, atol=1e-9)


def test_batch_over_current_amplitudes():
    result = hh_brian.simulate("hodgkin_huxley", 50 * ms,
                               stimuli.constant([0, 3, 10] * UA_CM2), target="numpy")
    counts = [len(s) for s in result.spike_times()]
    assert counts[0] == 0 and counts[2] > counts[1] >= 1
    assert np.all(result.I_stim[1] == 3 * UA_CM2)


def test_batch_over_initial_values():
    result = hh_brian.simulate("passive_membrane", 1 * ms, 0 * UA_CM2, target="numpy",
                               initial={"v": [-80, -65, -50] * mV})
    assert result.v.shape == (3, 100)
    assert np.all(np.diff(np.asarray(result.v[:, -1] / mV)) > 0)


def test_model_value_with_array_params_runs_as_batch():
    model = hh_brian.get_model("passive_membrane").with_params(E_L=[-70, -60] * mV)
    result = hh_brian.simulate(model, 30 * ms, 0 * UA_CM2, target="numpy")
    np.testing.assert_allclose(np.asarray(result.v[:, -1] / mV), [-70, -60], atol=1e-6)


@pytest.mark.slow  # compiles code of its own (several seconds): with the slow tests
def test_calls_do_not_leak_state_into_each_other():
    first = hh_brian.simulate("hodgkin_huxley", 20 * ms, 10 * UA_CM2, target="numpy")
    hh_brian.simulate("hodgkin_huxley", 5 * ms, 0 * UA_CM2, target="numpy",
                      params={"g_Na": 10 * mS / cm**2}, dt=0.005 * ms)
    hh_brian.simulate("passive_membrane", 3 * ms, target="numpy")
    again = hh_brian.simulate("hodgkin_huxley", 20 * ms, 10 * UA_CM2, target="numpy")
    np.testing.assert_array_equal(np.asarray(first.v), np.asarray(again.v))
    assert again.params["g_Na"] == 120 * mS / cm**2


def test_caller_variables_never_reach_the_model():
    baseline = hh_brian.simulate("hodgkin_huxley", 10 * ms, 10 * UA_CM2, target="numpy")
    # Local names that the equations use: an implicit namespace would pick them up.
    I_stim = 100 * UA_CM2  # noqa: F841
    v_rest = 0 * mV  # noqa: F841
    g_Na = 1 * mS / cm**2  # noqa: F841
    n_inf = 0.9  # noqa: F841
    again = hh_brian.simulate("hodgkin_huxley", 10 * ms, 10 * UA_CM2, target="numpy")
    np.testing.assert_array_equal(np.asarray(baseline.v), np.asarray(again.v))


@pytest.mark.slow  # compiles code of its own (several seconds): with the slow tests
def test_other_integration_methods_by_name():
    euler = hh_brian.simulate("hodgkin_huxley", 20 * ms, 10 * UA_CM2, target="numpy")
    rk4 = hh_brian.simulate("hodgkin_huxley", 20 * ms, 10 * UA_CM2, target="numpy",
                            method="rk4")
    assert rk4.method == "rk4"
    # Both resolve the same first spike; the methods differ by their truncation error only.
    assert abs(float((euler.spike_times()[0] - rk4.spike_times()[0]) / ms)) < 0.05
    assert np.any(np.asarray(euler.v) != np.asarray(rk4.v))


def test_a_step_beyond_the_stable_one_is_refused_before_the_run():
    # dt * g_L / C_m = 5000: each Euler step would multiply v - E_L by -4999. The membrane's
    # time constant is C_m / g_L = 1e-4 ms, and forward Euler is stable up to twice that.
    with pytest.raises(ValueError, match=r"dt: 0.5 ms is more than 2 times the model's "
                                         r"fastest time constant \(that of v, 0.0001 ms"):
        hh_brian.simulate("passive_membrane", 100 * ms, 0 * UA_CM2, target="numpy",
                          dt=0.5 * ms, params={"g_L": 1e4 * mS / cm**2},
                          initial={"v": -60 * mV})


def test_unstable_integration_is_an_error():
    # Stable at rest (dt below 2 tau_m = 0.47 ms), forward Euler at 0.1 ms diverges in HH's
    # first spike, where tau_m falls to 0.04 ms (as the README shows).
    with pytest.raises(hh_brian.IntegrationError, match="at t = 14.2 ms with dt = 0.1 ms"):
        hh_brian.simulate("hodgkin_huxley", 50 * ms, target="numpy", dt=0.1 * ms)


def test_to_arrays_gives_source_units():
    result = hh_brian.simulate("passive_membrane", 1 * ms, 30 * UA_CM2, target="numpy")
    arrays, units = result.to_arrays()
    assert units == {"t": "ms", "v": "mV", "I_L": "uA/cm^2", "I_stim": "uA/cm^2"}
    assert arrays["t"][1] == pytest.approx(0.01)
    assert arrays["v"][0] == -65.0 and arrays["I_stim"][0] == 30.0
    assert all(isinstance(a, np.ndarray) and not isinstance(a, Quantity) for a in arrays.values())


def test_spike_times_threshold_has_units():
    result = hh_brian.simulate("hodgkin_huxley", 20 * ms, 10 * UA_CM2, target="numpy")
    low = result.spike_times(threshold=-20 * mV)
    high = result.spike_times(threshold=20 * mV)
    assert len(low) == len(high) >= 1
    assert np.all(low < high)  # the upstroke reaches -20 mV before +20 mV


def test_plot_returns_the_model_figure():
    import matplotlib.pyplot as plt

    result = hh_brian.simulate("hodgkin_huxley", 5 * ms, target="numpy")
    fig = result.plot()
    assert isinstance(fig, plt.Figure)
    # Gate curves (2), then input, membrane currents, v and gates against time.
    labels = [ax.get_ylabel() for ax in fig.axes]
    assert labels[2].startswith("$I_{stim}$") and labels[3].startswith("membrane currents")
    assert labels[4] == "$v$ (mV)" and labels[5] == "gates"
    assert fig.get_suptitle() == "neuron_func_7: Hodgkin–Huxley 1952 (squid giant axon)"
    # A batch: no gate curves (each neuron may have its own); still titled.
    batch = hh_brian.simulate("hodgkin_huxley", 5 * ms, target="numpy",
                              params={"g_K": [30, 36] * mS / cm**2})
    assert len(batch.plot().axes) == 4
    plt.close("all")
