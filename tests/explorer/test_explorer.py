"""The explorer: its controls, what it computes, its worker, its figures and its app.

The app is driven from code here (``set``, ``wait``); ``test_explorer_browser.py`` drives the
served app in a real browser.
"""

import subprocess
import sys
import threading
import time

import numpy as np
import pytest
from brian2 import DimensionMismatchError, Hz, cm, mS, ms, mV, uA

import hh_brian
from hh_brian import analysis, stimuli
from hh_brian.cli import main
from hh_brian.explorer import (STIMULUS_KINDS, Settings, analyse, make_stimulus,
                               parameter_sliders, run, stimulus_sliders)
from hh_brian.explorer.controls import duration_choices, noise_sd_per_amplitude
from hh_brian.explorer.worker import LatestOnly, Superseded

MODELS = [m.name for m in hh_brian.list_models()]


# ------------------------------------------------------------------------------------------
# Controls


@pytest.mark.parametrize("name", MODELS)
def test_every_parameter_has_a_slider_around_its_source_value(name):
    model = hh_brian.get_model(name)
    sliders = parameter_sliders(model)
    assert [s.name for s in sliders] == list(model.params)
    for slider in sliders:
        assert np.isfinite([slider.start, slider.end]).all()
        assert slider.start <= slider.default <= slider.end and slider.step > 0
        # The slider's value in its unit is the parameter's value.
        shown = float(hh_brian.core.units.to_display(model.params[slider.name])[0])
        assert float(hh_brian.core.units.to_display(slider.quantity(slider.default))[0]) == \
            pytest.approx(shown, rel=1e-11, abs=1e-12)
        # Every position is within the declared physical range.
        assert model.param_ranges[slider.name].contains(slider.quantity(slider.start))
        assert model.param_ranges[slider.name].contains(slider.quantity(slider.end))


def test_a_slider_refuses_values_outside_its_range_naming_itself():
    g_Na = {s.name: s for s in parameter_sliders("hodgkin_huxley")}["g_Na"]
    with pytest.raises(ValueError, match=r"g_Na: expected a value in \[0, 480\] mS/cm²"):
        g_Na.check(500)


@pytest.mark.parametrize("kind", STIMULUS_KINDS)
def test_each_stimulus_kind_is_the_stimuli_module_s_own(kind):
    controls = stimulus_sliders("hodgkin_huxley")[kind]
    values = {s.name: s.default for s in controls}
    made = make_stimulus(kind, values, 200 * ms).samples(20000, 0.01 * ms)
    A = 5 * uA / cm**2
    expected = {
        "source": stimuli.protocol(A),
        "constant": stimuli.constant(A),
        "pulse": stimuli.pulse(A, 40 * ms, 160 * ms),
        "step": stimuli.step(A, 40 * ms, 160 * ms),
        "ramp": stimuli.ramp(0 * A, 2 * A, 40 * ms, 160 * ms),
        "sine": stimuli.sine(A, 10 * Hz),
        # The noise's slider is its standard deviation, at its default that of amplitude A.
        "noise": stimuli.smoothed_noise(A, 6 * ms, 1),
    }[kind].samples(20000, 0.01 * ms)
    np.testing.assert_allclose(made / (uA / cm**2), expected / (uA / cm**2), rtol=1e-12,
                               atol=1e-12)


def test_the_source_run_is_the_default_and_durations_include_the_source_s():
    assert Settings("hh_2d_reduction").stimulus == "source"  # a Settings default
    assert 2000.0 in duration_choices("hh_2d_reduction")
    assert 100.0 in duration_choices("passive_membrane")


def test_bad_settings_are_refused_before_any_run():
    with pytest.raises(ValueError, match="params: g_X not parameters of hodgkin_huxley"):
        Settings("hodgkin_huxley", {"g_X": 1.0}).quantities()
    with pytest.raises(ValueError, match="g_Na: expected a value in"):
        Settings("hodgkin_huxley", {"g_Na": -1.0}).quantities()
    with pytest.raises(ValueError, match="stimulus: expected one of"):
        Settings("hodgkin_huxley", stimulus="square").current()
    with pytest.raises(ValueError, match="stimulus_values: width not controls of 'step'"):
        Settings("hodgkin_huxley", stimulus="step", stimulus_values={"width": 1}).current()
    with pytest.raises(ValueError, match="kind: expected one of"):
        make_stimulus("square", {}, 10 * ms)


def test_the_noise_waveform_is_kept_and_only_scaled():
    settings = Settings("hh_2d_reduction", stimulus="noise",
                        stimulus_values={"amplitude": 0.5}, duration=500.0)
    kept = settings.current().samples(50000, 0.01 * ms)
    # The slider is the input's standard deviation, 0.5 µA/cm².
    fresh = stimuli.smoothed_noise(0.5 / noise_sd_per_amplitude(6.0) * uA / cm**2, 6 * ms,
                                   1).samples(50000, 0.01 * ms)
    # Only the order of one multiplication differs: last-bit agreement.
    np.testing.assert_allclose(kept / (uA / cm**2), fresh / (uA / cm**2), rtol=1e-13,
                               atol=1e-15)


# ------------------------------------------------------------------------------------------
# What is computed


def test_a_snapshot_is_what_simulate_gives():
    settings = Settings("hodgkin_huxley", {"g_Na": 100.0}, "step",
                        {"amplitude": 10.0, "start": 10.0, "stop": 40.0}, 50.0)
    snap = run(settings, target="numpy")
    # The same quantities a script would pass (last-bit equal: 10.0 * (uA/cm**2) and
    # 10 * uA / cm**2 may round apart, which the integration then shows at 1e-14 mV).
    assert settings.quantities() == {"g_Na": 100 * (mS / cm**2)}
    direct = hh_brian.simulate("hodgkin_huxley", 50 * ms, settings.current(), target="numpy",
                               params=settings.quantities())
    np.testing.assert_array_equal(
        settings.current().samples(5000, 0.01 * ms),
        stimuli.step(10 * (uA / cm**2), 10 * ms, 40 * ms).samples(5000, 0.01 * ms))
    np.testing.assert_array_equal(snap.traces["v"], np.asarray(direct.v / mV))
    np.testing.assert_array_equal(snap.spike_times, np.asarray(direct.spike_times() / ms))
    assert snap.spike_count == len(direct.spike_times()) > 0
    assert snap.rate == pytest.approx(snap.spike_count / 0.05)
    assert set(snap.gate_curves) == {"n", "m", "h"}


def test_a_diverged_run_is_reported_not_raised():
    snap = run(Settings("hodgkin_huxley", {"C_m": 0.005, "g_Na": 480.0}, duration=50.0),
               target="numpy")
    assert "diverged" in snap.error and snap.t.size == 0 and snap.spike_count == 0


def test_the_analysis_is_the_analysis_module_s():
    result = analyse("hh_2d_reduction_model7", {}, current=10.0, gate_value=0.3)
    model = hh_brian.get_model("hh_2d_reduction_model7")
    states = analysis.steady_states(model, 10 * uA / cm**2, v_range=(-100 * mV, 60 * mV))
    assert [(round(v, 9), kind) for v, _, kind in result.steady_states] == [
        (round(float(s.v / mV), 9), s.kind) for s in states]
    points = analysis.fixed_points(model, 10 * uA / cm**2, v_range=(-100 * mV, 60 * mV), n=0.3)
    assert [round(v, 9) for v, _ in result.slice_points] == [
        round(float(p.v / mV), 9) for p in points]
    with pytest.raises(ValueError, match="one gate"):
        analyse("hodgkin_huxley", {}, current=0.0, gate_value=0.0)


# ------------------------------------------------------------------------------------------
# The worker


def test_a_newer_job_supersedes_older_ones():
    started, delivered = [], []
    release = threading.Event()

    def work(job, superseded):
        started.append(job)
        if job == 0:
            release.wait(5)  # the first job is still running while the others arrive
        return job

    worker = LatestOnly(work, delivered.append)
    worker.submit(0)
    while not started:
        time.sleep(0.001)
    for job in (1, 2, 3):
        worker.submit(job)
    release.set()
    assert worker.wait(5)
    assert delivered == [3]  # job 0 finished superseded; 1 and 2 never started
    assert started == [0, 3]


def test_a_long_job_stops_at_its_next_report_and_errors_are_delivered():
    delivered = []

    def work(job, superseded):
        if job == "long":
            for _ in range(500):
                if superseded():
                    raise Superseded()
                time.sleep(0.01)
        if job == "bad":
            raise ValueError("bad job")
        return job

    started = threading.Event()

    def work_and_tell(job, superseded):
        started.set()
        return work(job, superseded)

    worker = LatestOnly(work_and_tell, delivered.append)
    worker.submit("long")
    assert started.wait(5)
    worker.submit("bad")
    assert worker.wait(2)  # well before the long job's 5 s
    assert len(delivered) == 1 and str(delivered[0]) == "bad job"
    worker.close()
    worker.submit("ignored")
    assert worker.wait(1) and len(delivered) == 1


# ------------------------------------------------------------------------------------------
# Figures and the app (the explore extra)


def test_figures_take_a_snapshot_s_data():
    pytest.importorskip("panel", reason="needs the explore extra")
    from hh_brian.explorer.figures import Figures, envelope

    figures = Figures("hh_2d_reduction_model7")
    snap = run(Settings("hh_2d_reduction_model7", duration=50.0), target="numpy")
    figures.update(snap)
    data = figures.time_source.data
    np.testing.assert_array_equal(data["v"], snap.traces["v"])
    assert set(data) == {"t", "I_stim", "v", "I_K", "I_Na", "I_L", "n"}
    figures.update_analysis(analyse("hh_2d_reduction_model7", {}, current=0.0, gate_value=0.0))
    assert len(figures.state_source.data["v"]) == 1
    # Long traces are drawn through their envelope: every extreme kept.
    t = np.arange(100_000) * 0.01
    v = np.sin(t) + (np.arange(t.size) == 54_321) * 50
    t2, kept = envelope(t, {"v": v}, 1000)
    assert t2.size <= 2002 and kept["v"].max() == v.max() and kept["v"].min() == v.min()


def test_parameters_may_be_given_as_quantities_but_are_checked():
    settings = Settings("hodgkin_huxley", {"E_L": -70 * mV, "g_Na": 60 * mS / cm**2,
                                           "C_m": 2.0})
    assert settings.shown_params() == {"E_L": -70.0, "g_Na": 60.0, "C_m": 2.0}
    with pytest.raises(DimensionMismatchError, match="E_L: expected a voltage"):
        Settings("hodgkin_huxley", {"E_L": 5 * ms}).shown_params()
    with pytest.raises(ValueError, match="g_Na: expected one number"):
        Settings("hodgkin_huxley", {"g_Na": True}).shown_params()
    with pytest.raises(ValueError, match="g_Na: expected one number"):
        Settings("hodgkin_huxley", {"g_Na": [1.0, 2.0]}).shown_params()


def test_serve_refuses_a_bad_or_busy_port_before_serving():
    pytest.importorskip("panel", reason="needs the explore extra")
    import socket

    from hh_brian.explorer import serve

    for port in (-1, 70000, 5006.7, "5006", True):
        with pytest.raises(ValueError, match="port: expected a whole number"):
            serve("hodgkin_huxley", port=port, show=False, threaded=True)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        with pytest.raises(ValueError, match=f"port: {busy.getsockname()[1]} on 127.0.0.1 is "
                                             "not free"):
            serve("hodgkin_huxley", port=busy.getsockname()[1], show=False, threaded=True)
    with pytest.raises(TypeError, match="options: .*valid: target, params"):
        serve("hodgkin_huxley", show=False, threaded=True, targte="numpy")


# The app itself runs a simulation in the background for every change: slow tests.


@pytest.fixture(scope="module")
def app():
    pytest.importorskip("panel", reason="needs the explore extra")
    explorer = hh_brian.explore("hodgkin_huxley", target="numpy")
    assert explorer.wait(120)
    return explorer


@pytest.mark.slow
def test_the_app_shows_the_source_run_and_follows_its_sliders(app):
    assert app.snapshot.spike_count == 2  # the source protocol at 5 uA/cm^2
    assert "2 spikes" in app.status.object
    app.set(g_Na=60)
    assert app.wait(60) and app.snapshot.spike_count == 0
    assert "0 spikes" in app.status.object
    app.reset()
    assert app.wait(60) and app.sliders["g_Na"].value == 120.0
    assert app.snapshot.spike_count == 2


@pytest.mark.slow
def test_the_app_refuses_what_its_sliders_would_not_allow(app):
    with pytest.raises(ValueError, match="g_X: not a parameter of hodgkin_huxley"):
        app.set(g_X=1)
    with pytest.raises(ValueError, match="g_Na: expected a value in"):
        app.set(g_Na=1000)


@pytest.mark.slow
def test_the_app_takes_quantities_and_its_step_follows_the_duration(app):
    app.set(g_Na=80 * mS / cm**2)
    assert app.wait(60) and app.sliders["g_Na"].value == 80.0
    app.stimulus_select.value = "step"
    app.duration.value = 100.0
    try:
        assert app.wait(60)
        stop = app.stimulus_sliders["step"]["stop"]
        assert stop.end == 100.0 and stop.value == 100.0  # was 160 ms of a 200-ms run
        assert app.snapshot.error is None and app.snapshot.t[-1] == pytest.approx(99.99)
        assert "spike" in app.status.object
    finally:
        app.stimulus_select.value = "source"
        app.duration.value = 200.0
        app.reset()
        app.wait(60)


@pytest.mark.slow
def test_the_app_switches_models_and_shows_a_2d_phase_plane(app):
    app.model_select.value = "hh_2d_reduction_model7"
    try:
        assert app.wait(120)
        assert app.snapshot.settings.model == "hh_2d_reduction_model7"
        assert set(app.sliders) == set(hh_brian.get_model("hh_2d_reduction_model7").params)
        assert set(app.analysis_sliders) == {"current", "gate"}
        assert [kind for _, _, kind in app.analysis.steady_states] == ["stable focus"]
    finally:
        app.model_select.value = "hodgkin_huxley"
        app.wait(120)
    assert app.analysis is None and app.snapshot.settings.model == "hodgkin_huxley"


def test_bad_arguments_fail_before_the_app_is_built():
    pytest.importorskip("panel", reason="needs the explore extra")
    with pytest.raises(ValueError, match="unknown model"):
        hh_brian.explore("hodgkin_huxly")
    with pytest.raises(ValueError, match="target"):
        hh_brian.explore("hodgkin_huxley", target="gpu")
    with pytest.raises(ValueError, match="g_Na: expected a value in"):
        hh_brian.explore("hodgkin_huxley", params={"g_Na": -5})
    changed = hh_brian.get_model("hodgkin_huxley").with_params(g_Na=60 * mS / cm**2)
    with pytest.raises(ValueError, match="model: the explorer starts from a registered"):
        hh_brian.explore(changed)


def test_without_panel_the_error_names_the_extra():
    code = ("import sys; sys.modules['panel'] = None\n"
            "import hh_brian\n"
            "try:\n    hh_brian.explore()\n"
            "except ImportError as error:\n    print(error)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "pip install 'hh_brian[explore]'" in done.stdout, done.stderr


@pytest.mark.parametrize("argv, message", [
    (["explore", "--port", "http"], "--port: expected a whole number"),
    (["explore", "--port", "70000"], "--port: expected a port number up to 65535"),
    (["explore", "--target", "gpu"], "--target: unknown target 'gpu'"),
    (["explore", "hodgkin_huxly"], "unknown model"),
])
def test_the_command_refuses_bad_options_before_serving(argv, message, capsys):
    assert main(argv) == 2
    assert message in capsys.readouterr().err
