"""hh-brian fit: a recording in, the estimates with their intervals out; every mistake in the
command line is one line with exit status 2, found before the fit starts; a fit that did not
converge is status 4.

The recording is a passive membrane's 10-ms response to a 5 uA/cm^2 step with g_L = 0.5
mS/cm^2, sampled every 0.1 ms, with Gaussian noise of 0.3 mV: a fit of one parameter that
takes about two seconds on the numpy target.
"""

import inspect
import json
import pathlib
import re
import shlex
from functools import partial

import numpy as np
import pytest
from brian2 import cm, mS, ms, mV, uA

import hh_brian
import hh_brian.fit
import hh_brian.fit.fitting
from hh_brian.cli import DIVERGED, main
from hh_brian.cli.fit import NOT_CONVERGED
from hh_brian.core.errors import IntegrationError
from hh_brian.simulation.progress import ProgressBar

TRUE_G_L = 0.5  # mS/cm^2
NOISE_MV = 0.3
UA_CM2 = uA / cm**2
MS_CM2 = mS / cm**2

# fit_trace's defaults, read before any test replaces it.
FIT_DEFAULTS = {name: parameter.default for name, parameter
                in inspect.signature(hh_brian.fit.fitting.fit_trace).parameters.items()}

# A small, quick fit: the recording's own step, the numpy target, six candidates a generation.
QUICK = ["--dt", "0.1ms", "--target", "numpy", "--popsize", "6"]



# Its tests share a module fixture, computed once when they run on one worker (conftest.py:
# --dist loadgroup).
pytestmark = pytest.mark.xdist_group("test_cli_fit")

@pytest.fixture(scope="module")
def recording(tmp_path_factory):
    """The noisy passive-membrane recording, written as CSV with its units in the header."""
    run = hh_brian.simulate("passive_membrane", 10 * ms,
                            hh_brian.stimuli.step(5 * UA_CM2, start=1 * ms), dt=0.1 * ms,
                            target="numpy", params={"g_L": TRUE_G_L * MS_CM2})
    noise = np.random.default_rng(0).normal(0, NOISE_MV, np.shape(run.v)) * mV
    path = tmp_path_factory.mktemp("recording") / "cell1.csv"
    recorded = hh_brian.fit.recorded_sweep(run.v + noise, run.I_stim, dt=0.1 * ms)
    return hh_brian.fit.write_csv(recorded, path)


def _estimate_line(printed: str, name: str) -> tuple[float, float, float]:
    """The estimate and interval printed for ``name``: ``g_L  0.497  [0.492, 0.502]  unit``."""
    line = next(line for line in printed.splitlines() if line.split()[0] == name)
    match = re.fullmatch(r"\S+\s+(\S+)\s+\[\s*(\S+),\s*(\S+)\]\s+\S+", line)
    assert match, line
    estimate, low, high = (float(number) for number in match.groups())
    return estimate, low, high


def _error_line(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert err.startswith("hh-brian fit: error: "), err
    return err


# --------------------------------------------------------------------------------------------
# Fits


def test_the_fit_prints_the_estimate_with_its_interval_and_writes_json(recording, tmp_path,
                                                                       capsys):
    out = tmp_path / "fit.json"
    assert main(["fit", "passive_membrane", str(recording), "--free", "g_L=0.1..2mS/cm2",
                 *QUICK, "--quiet", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""  # --quiet: no line per generation
    printed = captured.out
    assert printed.startswith("passive_membrane fitted to 1 sweep(s), 100 samples\n")
    estimate, low, high = _estimate_line(printed, "g_L")
    assert low < TRUE_G_L < high and low < estimate < high
    assert "95% interval" in printed and "noise " in printed and " model evaluations in " \
        in printed
    assert "\nthe fit converged: the search settled in " in printed
    assert printed.splitlines()[-1] == f"written to {out}"
    stored = json.loads(out.read_text())
    assert stored["converged"] is True and stored["interval_note"] == ""
    (row,) = stored["estimates"]
    assert row["name"] == "g_L" and row["unit"] == "mS/cm^2"
    # The file holds the estimate printed (printed to 6 significant digits).
    assert row["estimate"] == pytest.approx(estimate, rel=1e-5)
    assert row["low"] < TRUE_G_L < row["high"]
    assert stored["target"] == "numpy" and stored["dt_ms"] == pytest.approx(0.1)


@pytest.mark.slow
def test_a_figure_is_written_and_the_progress_is_one_line(recording, tmp_path, monkeypatch,
                                                         capsys):
    # The bar drawn from the first generation on, so that this quick fit shows it.
    monkeypatch.setattr(hh_brian.fit.fitting, "ProgressBar",
                        partial(ProgressBar, delay=0))
    out = tmp_path / "figures" / "fit.png"
    out.parent.mkdir()
    assert main(["fit", "passive_membrane", str(recording), "--free", "g_L=0.1..2mS/cm2",
                 *QUICK, "--out", str(out)]) == 0
    assert out.read_bytes()[:4] == b"\x89PNG"
    captured = capsys.readouterr()
    assert f"written to {out}" in captured.out
    # Without --quiet: one line on standard error, redrawn for each generation.
    assert captured.err.startswith("\r[") and captured.err.count("\n") == 1
    assert "generation 1 of at most 300, best cost " in captured.err


def test_a_fit_that_did_not_converge_is_status_4(recording, tmp_path, capsys):
    out = tmp_path / "fit.json"
    assert main(["fit", "passive_membrane", str(recording), "--free", "g_L=0.1..2mS/cm2",
                 *QUICK, "--maxiter", "1", "--quiet", "--out", str(out)]) == NOT_CONVERGED
    captured = capsys.readouterr()
    printed = captured.out
    assert printed.splitlines()[1].startswith("NOT CONVERGED: the search stopped at its limit "
                                              "of 1 generation, unsettled")
    assert "interval*" in printed and "95% interval" not in printed
    assert "\n* a 95% confidence interval only if " in printed
    _estimate_line(printed, "g_L")  # the estimate is printed all the same
    assert printed.splitlines()[-1] == f"written to {out}"
    # One warning line, not a Python warning with its file and line.
    assert captured.err.count("\n") == 1 and "Warning" not in captured.err
    assert captured.err.startswith("hh-brian fit: warning: the fit did not converge: the search "
                                   "stopped at its limit of 1 generation")
    stored = json.loads(out.read_text())
    assert stored["converged"] is False and stored["interval_note"].startswith("a 95% ")


# --------------------------------------------------------------------------------------------
# What reaches fit_trace


def _replace_fit_trace(monkeypatch, fake):
    # Both names, so that the fake is used however the command reaches fit_trace.
    monkeypatch.setattr(hh_brian.fit, "fit_trace", fake)
    monkeypatch.setattr(hh_brian.fit.fitting, "fit_trace", fake)


@pytest.fixture
def fake_fit(monkeypatch):
    """Replace fit_trace by a fake that records its arguments; returns the calls."""
    calls = []

    class Result:
        converged = True

        def __str__(self):
            return "the fit's summary"

    def fake(model, recording, current=None, **kwargs):
        calls.append(dict(model=model, recording=recording, current=current, **kwargs))
        return Result()

    _replace_fit_trace(monkeypatch, fake)
    return calls


@pytest.fixture
def no_fit(monkeypatch):
    """Every mistake must be reported before the fit starts."""
    def refuse(*args, **kwargs):
        raise AssertionError("fit_trace was called; the mistake should have been caught first")

    _replace_fit_trace(monkeypatch, refuse)


def _bounds(call, name):
    low, high = call["free"][name]
    return float(low / MS_CM2), float(high / MS_CM2)


@pytest.mark.parametrize("free", ["g_L=0.1..2mS/cm2", "g_L=0.1mS/cm2..2mS/cm2",
                                  "g_L = 0.1 .. 2 mS/cm**2", "g_L=1e-1..2mS/cm^2",
                                  "g_L=100..2000uS/cm2", "g_L=0.1mS/cm2..20uS/mm2"])
def test_the_unit_is_written_once_after_high_or_on_both(free, recording, fake_fit, capsys):
    assert main(["fit", "passive_membrane", str(recording), "--free", free, "--quiet"]) == 0
    assert _bounds(fake_fit[-1], "g_L") == pytest.approx((0.1, 2.0), rel=1e-12)
    assert capsys.readouterr().out == "the fit's summary\n"


def test_every_option_reaches_the_fit(recording, fake_fit, capsys):
    assert main(["fit", "hodgkin_huxley", str(recording), "--free", "g_Na=50..200mS/cm2",
                 "--free", "E_K=-90..-60mV", "--free", "v=-80..-50mV", "--free", "n=0.1..0.5",
                 "--param", "E_L=-54.4mV", "--dt", "0.05ms", "--target", "numpy",
                 "--seed", "7", "--maxiter", "20", "--popsize", "4"]) == 0
    call = fake_fit[-1]
    assert call["model"].name == "hodgkin_huxley" and call["current"] is None
    assert call["recording"].n_samples == 100 and call["recording"].name == "cell1"
    assert list(call["free"]) == ["g_Na", "E_K", "v", "n"]
    assert [float(b / mV) for b in call["free"]["E_K"]] == [-90, -60]
    assert [float(b / mV) for b in call["free"]["v"]] == [-80, -50]
    assert [float(b) for b in call["free"]["n"]] == [0.1, 0.5]
    assert float(call["params"]["E_L"] / mV) == -54.4
    assert float(call["dt"] / ms) == 0.05 and call["target"] == "numpy"
    assert (call["seed"], call["maxiter"], call["popsize"]) == (7, 20, 4)
    assert call["progress"] is True
    capsys.readouterr()


def test_the_defaults_are_the_fits_own(recording, fake_fit, capsys):
    defaults = FIT_DEFAULTS
    assert main(["fit", "passive_membrane", str(recording), "--free", "g_L=0.1..2mS/cm2",
                 "--quiet"]) == 0
    call = fake_fit[-1]
    for name in ("dt", "target", "seed", "maxiter", "popsize"):
        assert call[name] == defaults[name], name
    assert call["progress"] is False and call["params"] == {}
    capsys.readouterr()
    with pytest.raises(SystemExit):
        main(["fit", "--help"])
    shown = " ".join(capsys.readouterr().out.split())
    assert (f"default {float(defaults['dt'] / ms):g}ms" in shown
            and f"default {defaults['target']}" in shown)
    for name in ("seed", "maxiter", "popsize"):
        assert f"--{name} {name.upper()} " in shown and f"(default {defaults[name]})" in shown


def test_a_diverged_fit_is_status_3(recording, monkeypatch, capsys):
    def diverge(*args, **kwargs):
        raise IntegrationError("passive_membrane", 2 * ms, 0.1 * ms, "euler")

    _replace_fit_trace(monkeypatch, diverge)
    assert main(["fit", "passive_membrane", str(recording), "--free", "g_L=0.1..2mS/cm2",
                 "--dt", "0.1ms", "--quiet"]) == DIVERGED
    line = _error_line(capsys)
    # The advice in the command's own words: fit has --dt, but no --method.
    assert "the integration diverged" in line and line.rstrip().endswith("try a smaller --dt")


# --------------------------------------------------------------------------------------------
# Mistakes: one line naming the option, status 2, no fit


@pytest.mark.parametrize("options, message", [
    (["--free", "g_L"], ("--free: expected NAME=LOW..HIGH with the unit after HIGH, such as "
                         "g_Na=50..200mS/cm2; got 'g_L'")),
    (["--free", "g_L=0.1mS/cm2"], "--free: expected NAME=LOW..HIGH"),
    (["--free", "g_L=..2mS/cm2"], "--free: expected NAME=LOW..HIGH"),
    (["--free", "=0.1..2mS/cm2"], "--free: expected NAME=LOW..HIGH"),
    (["--free", "g_L=a..2mS/cm2"], ("--free g_L: expected a conductance per area such as "
                                    "36mS/cm2, got 'a'")),
    (["--free", "g_L=0.1..2mV"], "--free g_L: expected a conductance per area"),
    (["--free", "g_L=0.1mV..2mS/cm2"], "--free g_L: expected a conductance per area"),
    (["--free", "g_L=0.1..2parsec"], ("--free g_L: unknown unit 'parsec' in '2parsec'; valid "
                                      "units for --free g_L include mS/cm2")),
    (["--free", "g_L=2..0.1mS/cm2"], "--free g_L: expected LOW below HIGH; got '2..0.1mS/cm2'"),
    (["--free", "g_L=1..1mS/cm2"], "--free g_L: expected LOW below HIGH"),
    (["--free", "g_L=0.1..infmS/cm2"], "--free g_L: expected a conductance per area"),
    (["--free", "g_x=1..2mS/cm2"], ("--free: unknown parameter 'g_x' for model "
                                    "'passive_membrane'; valid names: C_m, g_L, E_L, "
                                    "v (initial value)")),
    (["--free", "g_L=-1..2mS/cm2"], ("--free g_L: the bound -1 mS/cm^2 is outside the physical "
                                     "range of g_L")),
    (["--free", "v=-300..-50mV"], "--free v: the bound -300 mV is outside the physical range"),
    (["--free", "g_L=0.1..2mS/cm2", "--free", "g_L=0.2..1mS/cm2"], "--free: g_L is given twice"),
    (["--free", "g_L=0.1..2mS/cm2", "--param", "g_L=1mS/cm2"],
     "--free, --param: g_L is both free and fixed"),
    (["--free", "g_L=0.1..2mS/cm2", "--param", "E_L=5mS/cm2"], "--param E_L: expected a voltage"),
    (["--free", "g_L=0.1..2mS/cm2", "--param", "g_x=1mS/cm2"],
     "--param: unknown parameter 'g_x' for passive_membrane"),
    (["--free", "g_L=0.1..2mS/cm2", "--param", "C_m=-1uF/cm2"],
     "--param C_m: -1 uF/cm^2 is outside the physical range"),
    (["--free", "g_L=0.1..2mS/cm2", "--dt", "0.03ms"],
     ("is sampled every 0.1 ms, not a whole number of steps of --dt 0.03 ms; give a --dt that "
      "divides it")),
    (["--free", "g_L=0.1..2mS/cm2", "--dt", "0.2ms"], "not a whole number of steps of --dt"),
    (["--free", "g_L=0.1..2mS/cm2", "--dt", "-1ms"], "--dt: expected a positive time"),
    (["--free", "g_L=0.1..2mS/cm2", "--dt", "1mV"], "--dt: expected a time"),
    (["--free", "g_L=0.1..2mS/cm2", "--target", "gpu"], "--target: unknown target 'gpu'"),
    (["--free", "g_L=0.1..2mS/cm2", "--seed", "x"], "--seed: expected a whole number"),
    (["--free", "g_L=0.1..2mS/cm2", "--popsize", "1"],
     "--popsize: expected a whole number of at least 2; got '1'"),
    (["--free", "g_L=0.1..2mS/cm2", "--maxiter", "0"], "--maxiter: expected a whole number"),
    (["--free", "g_L=0.1..2mS/cm2", "--maxiter", "2.5"], "--maxiter: expected a whole number"),
    (["--free", "g_L=0.1..2mS/cm2", "--out", "fit.txt"],
     "--out: unknown file type '.txt'; valid: .json (estimates), .png, .pdf, .svg (figure)"),
    (["--free", "g_L=0.1..2mS/cm2", "--out", "fit.csv"], "--out: unknown file type '.csv'"),
    (["--free", "g_L=0.1..2mS/cm2", "--out", "fit"], "--out: no file type in 'fit'"),
    (["--free", "g_L=0.1..2mS/cm2", "--out", "blocker/fit.json"],
     "--out: 'blocker' is a file, not a folder"),
])
def test_mistakes_are_one_line_naming_the_option(options, message, recording, no_fit,
                                                 tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "blocker").write_text("")
    assert main(["fit", "passive_membrane", str(recording), *options, "--quiet"]) == 2
    assert message in _error_line(capsys)


@pytest.mark.parametrize("model, free, message", [
    ("hodgkin_huxley", "n=0.1..1.5", "--free n: the bound 1.5 is outside the physical range"),
    ("hodgkin_huxley", "n=0.1..0.5mV", "--free n: expected a plain number"),
    ("hodgkin_huxley", "g_Na=50..200", "--free g_Na: expected a conductance per area"),
    ("neuron_func_9", "g_L=0.1..2mS/cm2", "unknown model 'neuron_func_9'"),
])
def test_mistakes_in_other_models(model, free, message, recording, no_fit, capsys):
    assert main(["fit", model, str(recording), "--free", free, "--quiet"]) == 2
    assert message in _error_line(capsys)


def _recording_file(tmp_path, kind) -> pathlib.Path:
    good = "t [ms],v [mV],I_stim [uA/cm^2]\n0,-65,0\n0.1,-64,1\n0.2,-63,1\n"
    path = tmp_path / f"{kind}.csv"
    if kind == "folder":
        path.mkdir()
    elif kind == "binary":
        path.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\x00")
    elif kind == "empty":
        path.write_text("")
    elif kind == "nan":
        path.write_text(good.replace("-64", "nan"))
    elif kind == "no_v":
        path.write_text(good.replace("v [mV]", "V_m [mV]"))
    elif kind == "amperes":
        path.write_text(good.replace("[uA/cm^2]", "[nA]"))
    elif kind == "uneven":
        path.write_text(good.replace("0.2,", "0.3,"))
    elif kind == "json":  # a fit's own output, given as its input
        path.write_text('{\n  "model": "passive_membrane",\n  "estimates": []\n}\n')
    elif kind == "no_header":
        path.write_text(good.partition("\n")[2])
    elif kind == "no_units":
        path.write_text(good.replace("t [ms],v [mV],I_stim [uA/cm^2]", "time,voltage,current"))
    return path


@pytest.mark.parametrize("kind, message", [
    ("missing", ("no such file; expected a CSV recording with a header such as "
                 "'t [ms],v [mV],I_stim [uA/cm^2]'")),
    ("folder", "cannot read the file"),
    ("binary", "not a text file"),
    ("empty", "the file is empty"),
    ("nan", "sample 1 (t = 0.1 ms) is NaN"),
    ("no_v", "no column 'v'"),
    ("amperes", "column 'I_stim' has the unit [nA]; expected a current density"),
    ("uneven", "the times are not evenly spaced"),
    ("json", ("not a CSV recording: it begins with '{', as JSON does; expected a header such as "
              "'t [ms],v [mV],I_stim [uA/cm^2]', then one row per sample")),
    ("no_header", ("not a CSV recording: its first line '0,-65,0' is a row of numbers, not a "
                   "header; expected a header such as 't [ms],v [mV],I_stim [uA/cm^2]'")),
    ("no_units", ("not a CSV recording: its first line 'time,voltage,current' names no column "
                  "with its unit in brackets; expected a header such as 't [ms],v [mV],")),
])
def test_a_recording_that_cannot_be_read_is_one_line_naming_the_file(kind, message, no_fit,
                                                                     tmp_path, capsys):
    path = _recording_file(tmp_path, kind)
    assert main(["fit", "passive_membrane", str(path), "--free", "g_L=0.1..2mS/cm2",
                 "--dt", "0.1ms", "--quiet"]) == 2
    err = _error_line(capsys)
    assert f"error: {path}: " in err and message in err


def test_at_least_one_free_quantity_is_required(recording, no_fit, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["fit", "passive_membrane", str(recording)])
    assert exit_.value.code == 2
    assert "the following arguments are required: --free" in capsys.readouterr().err


# --------------------------------------------------------------------------------------------
# Help and documentation


def test_the_help_shows_an_example_and_the_overview_lists_the_command(capsys):
    with pytest.raises(SystemExit):
        main(["fit", "--help"])
    text = capsys.readouterr().out
    assert "--free NAME=LOW..HIGH" in text
    assert "\n  hh-brian demo-recording cell.csv\n  hh-brian fit hodgkin_huxley cell.csv " in text
    assert f"exit status: 0 when the fit converged; {NOT_CONVERGED} when it did not" in text
    with pytest.raises(SystemExit):
        main(["--help"])
    overview = capsys.readouterr().out
    assert "\n    fit " in overview and "\n  hh-brian fit hodgkin_huxley " in overview


def test_the_documented_mistake_is_the_one_printed(no_fit, tmp_path, monkeypatch, capsys):
    text = (pathlib.Path(__file__).parents[2] / "docs" / "cli.rst").read_text()
    lines = text.partition("\nMistakes\n")[2].splitlines()
    at = next(k for k, line in enumerate(lines) if line.strip().startswith("$ hh-brian fit "))
    command, expected = lines[at].strip()[2:], lines[at + 1].strip()
    monkeypatch.chdir(tmp_path)  # its recording need not exist: the range is refused first
    assert main(shlex.split(command)[1:]) == 2
    assert _error_line(capsys) == expected + "\n"


# --------------------------------------------------------------------------------------------
# As a user runs them (slow: the default target, full-length recordings)


def _truth_within(printed: str, truth: dict) -> None:
    for name, value in truth.items():
        estimate, low, high = _estimate_line(printed, name)
        assert low <= value <= high, (name, estimate, low, high)


@pytest.mark.slow
def test_the_noise_free_recording_that_run_writes_is_fitted_and_converges(tmp_path,
                                                                          monkeypatch, capsys):
    # Once, both stages stopped at their limits here (300 generations, 300 evaluations):
    # estimates within 0.02 % of the truth, with "95 % intervals" that excluded it. Without
    # noise the search never meets its tolerance but gathers; the polish converges.
    monkeypatch.chdir(tmp_path)
    assert main(["run", "neuron_func_7", "--protocol", "step", "--amplitude", "10uA/cm2",
                 "--start", "10ms", "--param", "g_Na=100mS/cm2", "--out", "hh.csv",
                 "--quiet"]) == 0
    capsys.readouterr()
    assert main(["fit", "hodgkin_huxley", "hh.csv", "--free", "g_Na=50..200mS/cm2",
                 "--free", "g_K=10..80mS/cm2", "--free", "g_L=0.05..1mS/cm2", "--quiet",
                 "--out", "fit.json"]) == 0
    printed = capsys.readouterr().out
    assert "\nthe fit converged: the search gathered within " in printed
    # A few dozen evaluations of the polish (fitting.JACOBIAN_STEP; 1e-5 took a thousand).
    polish = re.search(r"the polish met its \w+ test in (\d+) evaluations", printed)
    assert polish and int(polish.group(1)) < 100, printed
    stored = json.loads((tmp_path / "fit.json").read_text())
    truth = {"g_Na": 100.0, "g_K": 36.0, "g_L": 0.3}
    for row in stored["estimates"]:
        assert row["low"] <= truth[row["name"]] <= row["high"], row
    # The noise is the rounding of the file's 10 significant digits (docs/fitting.rst).
    assert 1e-10 < stored["noise_mV"] < 1e-8


def _commands(block: str) -> list[list[str]]:
    """The command lines of a shell block: continuation lines joined, comments dropped."""
    joined = block.replace("\\\n", " ")
    return [shlex.split(line.split("#")[0]) for line in joined.splitlines() if line.strip()]


@pytest.mark.slow
def test_the_documented_fit_of_the_demo_recording_runs_as_written(tmp_path, monkeypatch,
                                                                   capsys):
    # docs/cli.rst's block: the demo recording written, then fitted (the README's command).
    from hh_brian.course.fit_demo import DEMO_TRUTH

    monkeypatch.chdir(tmp_path)
    text = (pathlib.Path(__file__).parents[2] / "docs" / "cli.rst").read_text()
    block = re.search(r"\n(   hh-brian demo-recording cell.csv --ramp .*?)\n\n", text,
                      flags=re.DOTALL).group(1)
    commands = _commands(block)
    assert [c[:2] for c in commands] == [["hh-brian", "demo-recording"], ["hh-brian", "fit"]]
    assert main(commands[0][1:]) == 0
    assert main(commands[1][1:] + ["--quiet"]) == 0
    printed = capsys.readouterr().out
    _truth_within(printed, {name: float(value / MS_CM2) for name, value in DEMO_TRUTH.items()})
    assert "\nthe fit converged: the search settled in " in printed
    assert json.loads((tmp_path / "fit.json").read_text())["converged"] is True
    assert hh_brian.fit.read_csv(tmp_path / "ramp.csv").name == "ramp"
