"""hh-brian demo-recording: the fitting example's recording written as CSV files that
hh-brian fit reads; every mistake is one line with exit status 2, before anything runs.

The recordings are replaced by small ones here (the real ones are two 300-ms runs on the
standalone target); the slow command-line fit test runs the real command.
"""

import inspect

import numpy as np
import pytest
from brian2 import cm, mS, ms, mV, uA

import hh_brian.course.fit_demo
from hh_brian import fit, stimuli
from hh_brian.cli import demo_recording as command
from hh_brian.cli import main

STEPS = fit.recorded_sweep([-65.0, -64.5, -60.25, -30.125] * mV,
                           stimuli.step(3 * uA / cm**2, 0.1 * ms), dt=0.1 * ms, name="two steps")
RAMP = fit.recorded_sweep([-65.0, -65.5, -66.0, -66.5] * mV,
                          np.array([0.0, 1.0, 2.0, 3.0]) * uA / cm**2, dt=0.1 * ms, name="ramp")


@pytest.fixture
def recordings(monkeypatch):
    """Small recordings in place of the demo's; returns the arguments of each call."""
    calls = []

    def fake(seed=7, target="cpp_standalone", dt=0.01 * ms):
        calls.append({"seed": seed, "target": target})
        return STEPS, RAMP

    monkeypatch.setattr(hh_brian.course.fit_demo, "demo_recordings", fake)
    return calls


@pytest.fixture
def no_recordings(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the recordings were simulated before the mistake was caught")

    monkeypatch.setattr(hh_brian.course.fit_demo, "demo_recordings", refuse)


def test_the_recordings_are_written_as_fit_reads_them(recordings, tmp_path, capsys):
    cell, ramp = tmp_path / "data" / "cell.csv", tmp_path / "ramp.csv"
    assert main(["demo-recording", str(cell), "--ramp", str(ramp)]) == 0
    for path, written in ((cell, STEPS), (ramp, RAMP)):
        read = fit.read_csv(path)
        np.testing.assert_allclose(read.v / mV, written.v / mV, rtol=1e-10)
        np.testing.assert_allclose(read.current_samples() / (uA / cm**2),
                                   written.current_samples() / (uA / cm**2), atol=1e-12)
        assert float(read.dt / ms) == pytest.approx(float(written.dt / ms), rel=1e-12)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"written to {cell}: two steps, 4 samples every 0.1 ms"
    assert out[1] == f"written to {ramp}: ramp, 4 samples every 0.1 ms"
    # The recorded cell's values, to set a fit's estimates beside.
    truth = hh_brian.course.fit_demo.DEMO_TRUTH
    assert out[2].startswith("the recorded cell: hodgkin_huxley with g_Na = "
                             f"{float(truth['g_Na'] / (mS / cm**2)):g} mS/cm^2")
    assert out[2].endswith("Gaussian noise of 2 mV added (seed 7)")
    assert recordings == [{"seed": 7, "target": "cpp_standalone"}]


def test_without_ramp_only_the_steps_are_written(recordings, tmp_path, capsys):
    assert main(["demo-recording", str(tmp_path / "cell.csv"), "--seed", "3",
                 "--target", "numpy"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cell.csv"]
    assert recordings == [{"seed": 3, "target": "numpy"}]
    assert "(seed 3)" in capsys.readouterr().out


def test_the_defaults_are_the_demos_own():
    defaults = inspect.signature(hh_brian.course.fit_demo.demo_recordings).parameters
    assert command.TARGET == defaults["target"].default
    assert int(command.SEED) == defaults["seed"].default


@pytest.mark.parametrize("argv, message", [
    (["cell.txt"], "file: expected a CSV file name such as cell.csv; got 'cell.txt'"),
    (["cell"], "file: expected a CSV file name such as cell.csv; got 'cell'"),
    (["cell.csv", "--ramp", "ramp.json"],
     "--ramp: expected a CSV file name such as ramp.csv; got 'ramp.json'"),
    (["cell.csv", "--ramp", "./cell.csv"], "--ramp: './cell.csv' is the steps' file too"),
    (["folder.csv"], "file: 'folder.csv' is a folder"),
    (["blocker/cell.csv"], "file: 'blocker' is a file, not a folder"),
    (["cell.csv", "--seed", "-1"], "--seed: expected a whole number"),
    (["cell.csv", "--target", "gpu"], "--target: unknown target 'gpu'"),
])
def test_mistakes_are_one_line_before_anything_runs(argv, message, no_recordings, tmp_path,
                                                    monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "blocker").write_text("")
    (tmp_path / "folder.csv").mkdir()
    assert main(["demo-recording", *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert err.startswith("hh-brian demo-recording: error: ") and message in err, err
    assert not (tmp_path / "cell.csv").exists()


def test_the_help_shows_an_example_and_the_overview_lists_the_command(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["demo-recording", "--help"])
    assert exit_.value.code == 0
    text = capsys.readouterr().out
    assert f"example:\n  {command.EXAMPLE}\n  hh-brian fit hodgkin_huxley cell.csv " in text
    assert "--ramp FILE" in text and "--seed SEED" in text
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "\n    demo-recording" in capsys.readouterr().out
