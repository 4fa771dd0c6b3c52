"""The hh-brian command line: commands, unit parsing, files written, one-line errors."""

import contextlib
import io
import pathlib
import subprocess
import sys

import numpy as np
import pytest
from brian2 import Hz, cm, mm, mS, ms, mV, nA, second, uA, volt
from brian2.core.namespace import DEFAULT_UNITS
from hypothesis import event, given, settings
from hypothesis import strategies as st

import hh_brian
import hh_brian.course.gallery
import hh_brian.cli.run
import hh_brian.simulation.run
from hh_brian.core import units
from hh_brian.cli import UsageError, main, parse_quantity


@pytest.mark.parametrize("text, expected", [
    ("5uA/cm2", 5 * uA / cm**2),
    ("5 uA/cm**2", 5 * uA / cm**2),
    ("50nA/mm2", 50 * nA / mm**2),
    ("5 µA/cm^2", 5 * uA / cm**2),
    ("100mS/cm2", 100 * mS / cm**2),
    ("-1.5e1 ms", -15 * ms),
])
def test_quantities_are_read_with_their_units(text, expected):
    value = parse_quantity(text)
    assert value.has_same_dimensions(expected)
    assert float(value / expected) == pytest.approx(1.0, rel=1e-12)


@pytest.mark.parametrize("text", ["five uA/cm2", "5 parsecs", "5 uA/cm2 + 1", "5 __import__"])
def test_unreadable_quantities_are_refused(text):
    with pytest.raises(UsageError, match="--current"):
        parse_quantity(text, uA / cm**2, "--current")


def test_models_lists_every_model_in_order(capsys):
    assert main(["models"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("1. passive_membrane (neuron_func_1): ")
    assert lines[6].startswith("7. hodgkin_huxley (neuron_func_7): ")


def test_run_prints_spikes_and_summary_and_writes_csv(tmp_path, capsys):
    out = tmp_path / "hh.csv"
    status = main(["run", "neuron_func_7", "--current", "10uA/cm2", "--duration", "30ms",
                   "--target", "numpy", "--param", "g_Na=120mS/cm2", "--out", str(out), "--quiet"])
    assert status == 0
    printed = capsys.readouterr().out
    assert "spike times (ms): 1.873 16.495" in printed
    assert "hodgkin_huxley: 30 ms, 3000 steps of 0.01 ms [numpy, euler]; 2 spikes" in printed
    header = out.read_text().splitlines()[0]
    assert header.startswith("t [ms],v [mV],n [1],m [1],h [1],I_K [uA/cm^2]")
    data = np.loadtxt(out, delimiter=",", skiprows=1)
    assert data.shape == (3000, 9) and data[0, 1] == -65.0


def test_run_protocols_and_npz_and_figure(tmp_path):
    npz = tmp_path / "traces.npz"
    assert main(["run", "hodgkin_huxley", "--protocol", "pulse", "--amplitude", "20uA/cm2",
                 "--start", "1ms", "--stop", "2ms", "--duration", "10ms", "--target", "numpy",
                 "--out", str(npz), "--quiet"]) == 0
    stored = np.load(npz)
    assert stored["I_stim"][99] == 0 and stored["I_stim"][100] == 20
    png = tmp_path / "run.png"
    assert main(["run", "passive_membrane", "--duration", "5ms", "--target", "numpy",
                 "--out", str(png), "--quiet"]) == 0
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_analyse_holds_a_gate_at_rest_as_the_readme_tabulates(capsys):
    # The README's model-7 column: n held at n_inf(-65 mV), printed in full.
    assert main(["analyse", "hh_2d_reduction_model7", "--n", "rest"]) == 0
    out = capsys.readouterr().out
    assert "with n = 0.3176769141;" in out
    assert "-65.2308      stable" in out and "-61.9243    unstable" in out
    assert "I = 0.291406 uA/cm^2 = 2.91406 nA/mm^2 at V = -63.4386 mV" in out


def test_analyse_prints_fixed_points_and_fold(capsys):
    assert main(["analyse", "hh_2d_reduction", "--n", "0"]) == 0
    out = capsys.readouterr().out
    assert "-54.4000      stable" in out and "2.0065    unstable" in out
    assert "fold (rest meets threshold): I = 1.34671 uA/cm^2 = 13.4671 nA/mm^2" in out
    assert "stable node at -54.4 mV" in out


@pytest.mark.parametrize("argv, message", [
    (["run", "neuron_func_9"], "unknown model 'neuron_func_9'; did you mean 'neuron_func_7'? "
                               "valid names: passive_membrane"),
    (["run", "zebra"], "unknown model 'zebra'; valid names: passive_membrane"),
    (["run", "hodgkin_huxley", "--param", "gNa=1mS/cm2"],
     "--param: unknown parameter 'gNa' for hodgkin_huxley; did you mean 'g_Na'? valid: C_m"),
    (["run", "hodgkin_huxley", "--current", "5mV"],
     "--current: expected a current density such as 5uA/cm2, got '5mV'"),
    (["run", "hodgkin_huxley", "--param", "g_na=1mS/cm2"],
     "--param: unknown parameter 'g_na' for hodgkin_huxley; did you mean 'g_Na'? valid: "
     "C_m, g_K"),
    (["run", "hodgkin_huxley", "--param", "g_Na=1mV"], "--param g_Na: expected a conductance"),
    (["run", "hodgkin_huxley", "--target", "gpu"], "valid targets: cython, numpy"),
    (["run", "hodgkin_huxley", "--out", "x.txt", "--duration", "1ms", "--target", "numpy"],
     "--out: unknown file type '.txt'"),
    (["analyse", "hh_2d_reduction", "--hold", "m=0.1"], "--hold: 'm' is not a gate"),
])
def test_errors_are_one_line_with_status_2(argv, message, capsys):
    assert main(argv + ["--quiet"] if argv[0] == "run" else argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_installed_command_and_module_help():
    for command in (["hh-brian"], [sys.executable, "-m", "hh_brian"]):
        done = subprocess.run(command + ["run", "--help"], capture_output=True, text=True)
        assert done.returncode == 0
        assert "example:" in done.stdout and "--param NAME=VALUE" in done.stdout
    bad = subprocess.run(["hh-brian", "run", "hodgkin_huxley", "--current", "5mV"],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


# --------------------------------------------------------------------------------------------
# Units, negative values, malformed values, the output file, long spike lists, targets


def _refuse_to_run(*args, **kwargs):
    raise AssertionError("simulate was called; the mistake should have been caught first")


def _replace_simulate(monkeypatch, fake):
    # Both names, so that the fake is used however the command reaches simulate.
    monkeypatch.setattr(hh_brian.simulation.run, "simulate", fake)
    monkeypatch.setattr(hh_brian.cli.run, "simulate", fake)


@pytest.fixture
def no_run(monkeypatch):
    """Every mistake must be reported before anything is compiled or run."""
    _replace_simulate(monkeypatch, _refuse_to_run)


def _error_line(capsys):
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


@pytest.mark.parametrize("text, expected", [
    ("10s", 10 * second),
    ("10 sec", 10 * second),
    ("1.5s", 1500 * ms),
    ("-70 V", -70 * volt),
    ("5µA/cm²", 5 * uA / cm**2),
    ("5 μA/cm³", 5 * uA / cm**3),
    ("5uA/cm^2", 5 * uA / cm**2),
    ("5uA/cm2", 5 * uA / cm**2),
    ("10 uA/cm2", 10 * uA / cm**2),
    ("5 µA·cm⁻²", 5 * uA / cm**2),
    ("100 mS/cm**2", 100 * mS / cm**2),
    (" 2 Hz ", 2 * Hz),
])
def test_common_unit_spellings(text, expected):
    value = parse_quantity(text)
    assert value.has_same_dimensions(expected)
    assert float(value / expected) == pytest.approx(1.0, rel=1e-12)


def test_every_unit_brian2_knows():
    for name, unit in DEFAULT_UNITS.items():
        value = parse_quantity(f"2 {name}")
        assert value.has_same_dimensions(unit), name
        assert float(value / unit) == pytest.approx(2.0, rel=1e-12), name


def test_the_units_quoted_in_errors_are_valid():
    for dimension, examples in units._UNIT_EXAMPLES.items():
        for example in examples.split(", "):
            assert parse_quantity(f"1 {example}").dim == dimension, example


@pytest.mark.parametrize("argv, message", [
    (["run", "hodgkin_huxley", "--duration", "10parsec"],
     "--duration: unknown unit 'parsec' in '10parsec'; valid units for --duration include "
     "ms, s, us"),
    (["run", "hodgkin_huxley", "--current", "5uA/furlong2"],
     "--current: unknown unit 'furlong' in '5uA/furlong2'; valid units for --current include "
     "uA/cm2, nA/mm2, mA/cm2"),
    (["run", "hodgkin_huxley", "--param", "g_Na=100mS/acre"],
     "--param g_Na: unknown unit 'acre' in '100mS/acre'; valid units for --param g_Na include "
     "mS/cm2, uS/mm2, S/m2"),
    (["run", "hodgkin_huxley", "--initial", "v=-70mv"],
     "--initial v: unknown unit 'mv' in '-70mv'; valid units for --initial v include mV, V, uV"),
    (["run", "hodgkin_huxley", "--current", "5 uA/cm**99"],
     "--current: cannot read the unit of '5 uA/cm**99'; valid units for --current include"),
])
def test_unknown_units_quote_units_of_the_options_dimension(argv, message, no_run, capsys):
    assert main(argv) == 2
    assert message in _error_line(capsys)


def _fake_result(n_spikes=2, n_steps=100):
    class Result:
        t = np.arange(n_steps) * 0.01 * ms
        v = np.linspace(-65, 30, n_steps) * mV

        @staticmethod
        def spike_times(threshold):
            return (1.0 + 14.5 * np.arange(n_spikes)) * ms

    return Result()


@pytest.fixture
def fake_run(monkeypatch):
    """Replace simulate by a fast fake; returns the keyword arguments of each call."""
    calls = []

    def fake(model, duration, current, **kwargs):
        calls.append(dict(model=model, duration=duration, current=current, **kwargs))
        return _fake_result()

    _replace_simulate(monkeypatch, fake)
    return calls


def test_negative_values_reach_their_option(fake_run, capsys):
    assert main(["run", "hodgkin_huxley", "--current", "-5uA/cm2", "--initial", "v=-70mV",
                 "--threshold", "-20mV", "--quiet"]) == 0
    call = fake_run[-1]
    assert float(call["current"].samples(1, 1 * ms)[0] / (uA / cm**2)) == -5
    assert float(call["initial"]["v"] / mV) == -70
    assert main(["run", "hodgkin_huxley", "--protocol", "ramp", "--amplitude", "-.5uA/cm2",
                 "--amplitude-end", "-1uA/cm2", "--start", "0ms", "--stop", "5ms"]) == 0
    capsys.readouterr()


def test_a_negative_current_runs(capsys):
    assert main(["run", "hodgkin_huxley", "--current", "-5uA/cm2", "--duration", "2ms",
                 "--target", "numpy", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "hodgkin_huxley: 2 ms, 200 steps of 0.01 ms [numpy, euler]; 0 spikes" in out
    assert "v from -65.00 to -65.00" not in out  # the current moved v


@pytest.mark.parametrize("options", [
    ["--protocol", "source"],
    ["--protocol", "source", "--amplitude", "-3uA/cm2"],
    ["--protocol", "step", "--amplitude", "5uA/cm2", "--start", "1ms"],
    ["--protocol", "pulse", "--amplitude", "5uA/cm2", "--start", "1ms", "--stop", "2ms"],
    ["--protocol", "ramp", "--amplitude-end", "5uA/cm2", "--start", "1ms", "--stop", "2ms"],
    ["--protocol", "sine", "--amplitude", "5uA/cm2", "--frequency", "0.1kHz"],
    ["--protocol", "noise", "--sigma", "2ms", "--seed", "7"],
])
def test_every_protocol_reaches_the_run(options, fake_run, capsys):
    assert main(["run", "hodgkin_huxley", *options]) == 0
    current = fake_run[-1]["current"]
    assert current.samples(5000, 0.01 * ms).shape == (5000,)
    if options == ["--protocol", "source"]:
        assert current is hh_brian.get_model("hodgkin_huxley").default_current
    capsys.readouterr()


def test_the_source_protocol_needs_an_amplitude_where_the_model_has_none(no_run, capsys):
    assert main(["run", "hh_2d_reduction", "--protocol", "source"]) == 2
    assert "--amplitude: protocol 'source' needs an amplitude" in _error_line(capsys)


@pytest.mark.parametrize("argv", [
    ["run", "hodgkin_huxley", "--duration", "-5ms"],
    ["run", "hodgkin_huxley", "--dur", "-5ms"],  # argparse's abbreviation of --duration
    ["run", "hodgkin_huxley", "--duration=-5ms"],
])
def test_negative_duration_is_refused_by_the_value_check(argv, no_run, capsys):
    assert main(argv) == 2
    assert "--duration: expected a positive time, such as 10ms; got '-5ms'" in _error_line(capsys)


def test_negative_voltage_range(capsys):
    assert main(["analyse", "hh_2d_reduction", "--n", "0", "--v-range", "-100mV", "-20mV"]) == 0
    assert "-54.4000      stable" in capsys.readouterr().out
    assert main(["analyse", "hh_2d_reduction", "--v-range", "-20mV", "-100mV"]) == 2
    assert "--v-range: expected LOW below HIGH, such as -100mV 60mV; got '-20mV -100mV'" in \
        _error_line(capsys)


@pytest.mark.parametrize("argv, message", [
    (["analyse", "hh_2d_reduction", "--hold", "n=abc"],
     "--hold n: expected a gate's open fraction, a number from 0 to 1 such as 0.3, or rest "
     "(its steady state at the initial v); got 'abc'"),
    (["analyse", "hh_2d_reduction", "--n", "abc"], "--n: expected a gate's open fraction"),
    (["analyse", "hh_2d_reduction", "--n", "1.5"], "--n: expected a gate's open fraction"),
    (["analyse", "hh_2d_reduction", "--hold", "n"], "--hold: expected NAME=VALUE, such as h=0.6"),
    (["analyse", "passive_membrane", "--n", "0.5"], "--n: 'n' is not a gate of passive_membrane"),
    (["run", "hodgkin_huxley", "--protocol", "noise", "--seed", "x"],
     "--seed: expected a whole number from 0 to 4294967295, such as 1; got 'x'"),
    (["run", "hodgkin_huxley", "--protocol", "noise", "--seed", "-1"], "--seed: expected a whole"),
    (["run", "hodgkin_huxley", "--param", "g_Na="],
     "--param: expected NAME=VALUE, such as g_Na=100mS/cm2; got 'g_Na='"),
    (["run", "hodgkin_huxley", "--param", "g_Na=-5mS/cm2"], "--param g_Na: "),
    (["run", "hodgkin_huxley", "--initial", "n=2"], "--initial n: expected a gate's open fraction"),
    (["run", "hodgkin_huxley", "--initial", "v=-70"], "--initial v: expected a voltage"),
    (["run", "hodgkin_huxley", "--duration", "1e999ms"], "--duration: expected a finite value"),
    (["run", "hodgkin_huxley", "--duration", ""], "--duration: expected a time such as"),
    (["run", "hodgkin_huxley", "--duration", "0.015ms"],
     "--duration: expected a whole number of steps of --dt 0.01 ms; got 0.015 ms"),
    (["run", "hodgkin_huxley", "--dt", "0ms"], "--dt: expected a positive time"),
    (["run", "hodgkin_huxley", "--threshold", "0"], "--threshold: expected a voltage"),
    (["run", "hodgkin_huxley", "--method", "exact"],
     "--method: unknown integration method 'exact'; valid: euler, exponential_euler"),
    (["run", "hodgkin_huxley", "--amplitude", "5uA/cm2"],
     "--amplitude: only used with --protocol"),
    (["run", "hodgkin_huxley", "--protocol", "step", "--amplitude", "5uA/cm2",
      "--frequency", "10Hz"], "--frequency: protocol 'step' does not use it"),
    (["run", "hodgkin_huxley", "--protocol", "step", "--amplitude", "5uA/cm2",
      "--start", "5ms", "--stop", "2ms"], "--stop: must not be before start"),
    (["run", "hodgkin_huxley", "--protocol", "sine", "--amplitude", "5uA/cm2",
      "--frequency", "-10Hz"], "--frequency: expected a positive frequency"),
    (["run", "hodgkin_huxley", "--protocol", "noise", "--sigma", "0ms"],
     "--sigma: expected a positive time"),
    (["run", "hodgkin_huxley", "--target", "gpu"], "--target: unknown target 'gpu'"),
    (["figures", "--target", "gpu"], "--target: unknown target 'gpu'"),
])
def test_malformed_values_name_their_option(argv, message, no_run, capsys):
    assert main(argv) == 2
    assert message in _error_line(capsys)


@pytest.mark.parametrize("argv, message", [
    (["run", "hodgkin_huxley", "--duration"],
     "hh-brian run: error: --duration: expected one argument (see hh-brian run --help)"),
    (["run"], "hh-brian run: error: the following arguments are required: model"),
    (["analyse", "hh_2d_reduction", "--v-range", "-100mV"], "--v-range: expected 2 arguments"),
    (["run", "hodgkin_huxley", "--protocol", "square"], "--protocol: invalid choice: 'square'"),
])
def test_argparse_mistakes_are_one_line_naming_the_option(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    assert message in _error_line(capsys)


@pytest.mark.parametrize("out, message", [
    ("hh.txt", "--out: unknown file type '.txt'; valid: .png, .pdf, .svg (figure), .csv, .npz"),
    ("hh", "--out: no file type in 'hh'"),
    ("", "--out: expected a file name such as hh.png; got ''"),
    ("blocker/hh.png", "--out: 'blocker' is a file, not a folder"),
    ("folder.png", "--out: 'folder.png' is a folder"),
    ("missing/deeper/hh.png", "--out: cannot create the folder 'missing/deeper': the folder "
                              "'TMP/missing' does not exist"),
])
def test_the_output_file_is_checked_before_the_run(out, message, no_run, tmp_path, capsys,
                                                   monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "blocker").write_text("")
    (tmp_path / "folder.png").mkdir()
    assert main(["run", "hodgkin_huxley", "--out", out]) == 2
    assert message.replace("TMP", str(tmp_path)) in _error_line(capsys)
    assert not (tmp_path / "missing").exists()  # no tree of folders from a mistyped path


def test_the_output_folder_is_created_before_the_run(fake_run, tmp_path, capsys, monkeypatch):
    written = []
    monkeypatch.setattr(hh_brian.cli.run, "write",
                        lambda result, path: written.append(path) or path)
    out = tmp_path / "new" / "hh.csv"  # the last folder of the path is created
    assert main(["run", "hodgkin_huxley", "--out", str(out)]) == 0
    assert out.parent.is_dir() and written == [out]
    assert f"written to {out}" in capsys.readouterr().out


def test_a_long_spike_list_shows_the_first_ten_and_the_count(monkeypatch, capsys):
    _replace_simulate(monkeypatch, lambda *args, **kwargs: _fake_result(698))
    assert main(["run", "hodgkin_huxley", "--duration", "10s"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == ("spike times (ms): 1.000 15.500 30.000 44.500 59.000 73.500 88.000 "
                        "102.500 117.000 131.500 ... (698 spikes; the first 10 shown)")
    assert "10000 ms, 100 steps of 0.01 ms [cython, euler]; 698 spikes;" in lines[1]


def test_ten_spikes_are_all_shown(monkeypatch, capsys):
    _replace_simulate(monkeypatch, lambda *args, **kwargs: _fake_result(10))
    assert main(["run", "hodgkin_huxley"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.endswith(" 131.500") and len(first.split()) == 3 + 10


@pytest.mark.parametrize("command", ["run", "figures"])
def test_target_help_lists_every_registered_target(command, monkeypatch, capsys):
    class Target:
        description = "a target registered for this test only"

    monkeypatch.setitem(hh_brian.TARGETS, "test_only", Target())
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    for name, target in hh_brian.TARGETS.items():
        assert f"{name} ({' '.join(target.description.split())})" in text


def test_the_exit_statuses_are_documented():
    text = (pathlib.Path(__file__).parents[2] / "docs" / "cli.rst").read_text()
    assert "Exit status" in text and "``0``" in text and "``2``" in text


# --------------------------------------------------------------------------------------------
# Property: random command lines


_MODELS = [name for model in hh_brian.list_models() for name in (model.name, model.source_name)]
_RUN_OPTIONS = ["--duration", "--current", "--protocol", "--amplitude", "--amplitude-end",
                "--start", "--stop", "--frequency", "--sigma", "--seed", "--param", "--initial",
                "--dt", "--target", "--method", "--threshold", "--out", "--dur", "--s"]
_VALUES = [
    *_MODELS, *hh_brian.stimuli.STIMULUS_KINDS, *hh_brian.TARGETS, "gpu", "euler", "rk4",
    "exact", "",
    "5ms", "-5ms", "0.1ms", "10s", "-.5ms", "1e999ms", "10uA/cm2", "-5uA/cm2", "5 µA/cm²",
    "50nA/mm2", "5mV", "-70mV", "10Hz", "0", "-1", "0.3", "1.5", "nan", "inf", "=", "-", "--",
    "g_Na=100mS/cm2", "g_Na=", "=5ms", "v=-70mV", "n=0.3", "h=0.6", "m=abc",
    "hh.png", "hh.csv", "hh.txt", "out/hh.npz", "hh", ".png",
]
# "/" and "\\" are left out so that a random folder name stays inside the test's folder.
_TEXT = st.text(alphabet=st.characters(blacklist_characters="/\\", blacklist_categories=("Cs",)),
                max_size=10)
_NUMBER_WITH_UNIT = st.builds(
    lambda number, space, unit: f"{number}{space}{unit}",
    st.one_of(st.integers(-10**6, 10**6), st.floats(allow_nan=True, allow_infinity=True)),
    st.sampled_from(["", " "]),
    st.sampled_from(["", "ms", "s", "sec", "uA/cm2", "µA/cm²", "nA/mm2", "mV", "Hz", "parsec"]))
_VALUE = st.one_of(st.sampled_from(_VALUES), _TEXT, _NUMBER_WITH_UNIT)
_TOKEN = st.one_of(st.sampled_from(["run", "models", "figures", "analyse", "--quiet", "--help",
                                    "--version", "--v-range", "--n", "--hold", *_RUN_OPTIONS]),
                   _VALUE)


def _command_line(command, start, value_options, flags=(), pairs=()):
    # Mostly the command's own options, each with a value, so that the values' checks are
    # reached; now and then a stray token.
    group = st.one_of(st.tuples(st.sampled_from(value_options), _VALUE),
                      *[st.just((flag,)) for flag in flags],
                      *[st.tuples(st.just(option), _VALUE, _VALUE) for option in pairs],
                      st.tuples(_TOKEN))
    return st.builds(lambda first, groups: [command, *first, *(t for g in groups for t in g)],
                     start, st.lists(group, max_size=6))


_ARGV = st.one_of(
    _command_line("run", st.sampled_from([["hodgkin_huxley"], ["passive_membrane"], []]),
                  _RUN_OPTIONS, flags=["--quiet"]),
    _command_line("analyse", st.sampled_from([["hh_2d_reduction"], ["hodgkin_huxley"], []]),
                  ["--n", "--hold", "--current"], pairs=["--v-range"]),
    _command_line("figures", st.sampled_from([[], ["figures"]]), ["--target"], flags=["--quiet"]),
    st.lists(_TOKEN, max_size=6),
)


def test_random_command_lines_exit_0_or_2_without_a_traceback(monkeypatch, tmp_path):
    """Random command lines end with status 0 or 2, never a traceback.

    Most command lines are a command (often with a model) and up to six groups, each mostly
    one of the command's options with a value, else a lone token; the others are up to six
    tokens of any kind. Values are model, protocol, target and method names, numbers with
    and without units (negative, empty, non-finite, ``=``) and random text, unicode
    included. ``main`` runs in-process with ``simulate``, the writing of the output file
    and ``hh-brian figures`` replaced by fast fakes: the property is about argument
    handling. A status-2 ending writes exactly one line on standard error. The fake
    ``simulate`` also checks that what reaches it has passed the checks (a positive
    duration that is a whole number of positive steps, a registered target).

    Settings: 200 examples, no deadline (the first call imports and builds the parser),
    no example database (nothing is stored between test runs).
    """
    def fake_simulate(model, duration, current, *, dt, target, **kwargs):
        assert float(dt / ms) > 0 and float(duration / ms) > 0
        steps = float(duration / dt)
        assert abs(steps - round(steps)) <= 1e-9 * max(1.0, steps) and round(steps) >= 1
        assert target in hh_brian.TARGETS
        return _fake_result()

    _replace_simulate(monkeypatch, fake_simulate)
    monkeypatch.setattr(hh_brian.cli.run, "write", lambda result, path: path)
    monkeypatch.setattr(hh_brian.course.gallery, "write_all_figures", lambda *args, **kwargs: [])
    monkeypatch.chdir(tmp_path)

    @settings(max_examples=200, deadline=None, database=None)
    @given(argv=_ARGV)
    def check(argv):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                status = main(argv)
            except SystemExit as exit_:
                status = exit_.code or 0
        event(f"exit status {status}")
        assert status in (0, 2), (argv, status, err.getvalue())
        assert "Traceback" not in err.getvalue()
        if status == 2:
            assert err.getvalue().count("\n") == 1, (argv, err.getvalue())

    check()


def test_a_diverged_run_is_one_line_and_status_3(capsys):
    status = main(["run", "hodgkin_huxley", "--dt", "0.1ms", "--duration", "50ms",
                   "--target", "numpy", "--quiet"])
    assert status == 3
    err = capsys.readouterr().err
    assert err == ("hh-brian run: error: hodgkin_huxley: the integration diverged: the state "
                   "became NaN or infinite at t = 14.2 ms with dt = 0.1 ms and method 'euler'; "
                   "try a smaller --dt or --method exponential_euler\n")  # the CLI's words


# --------------------------------------------------------------------------------------------
# Bifurcation diagrams


def test_bifurcation_prints_points_and_writes_them(tmp_path, capsys):
    out = tmp_path / "points.csv"
    assert main(["bifurcation", "hodgkin_huxley", "--range", "0uA/cm2", "20uA/cm2",
                 "--param", "E_Na=50mV", "--no-cycles", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Hopf (subcritical) at I_stim = 9.779 uA/cm^2, v = -59.65 mV, period 10.72 ms" \
        in printed
    assert out.read_text().splitlines()[1].startswith("hopf,subcritical,9.77933799")


def test_bifurcation_in_another_parameter_writes_a_figure(tmp_path, capsys):
    out = tmp_path / "gk.png"
    assert main(["bifurcation", "hodgkin_huxley", "--parameter", "g_K", "--range", "20mS/cm2",
                 "50mS/cm2", "--current", "10uA/cm2", "--no-cycles", "--out", str(out)]) == 0
    assert "Hopf (subcritical) at g_K = 37.78 mS/cm^2" in capsys.readouterr().out
    assert out.stat().st_size > 10_000


@pytest.fixture
def no_diagram(monkeypatch):
    import hh_brian.bifurcation

    def refuse(*args, **kwargs):
        raise AssertionError("diagram was called; the mistake should have been caught first")

    monkeypatch.setattr(hh_brian.bifurcation, "diagram", refuse)


@pytest.mark.parametrize("argv, message", [
    (["hodgkin_huxley", "--range", "20uA/cm2", "0uA/cm2"], "--range: expected LOW below HIGH"),
    (["hodgkin_huxley", "--range", "0mV", "5mV"], "--range: expected a current density"),
    (["hodgkin_huxley", "--parameter", "g_x", "--range", "0", "1"],
     "--parameter: 'g_x' is not a parameter of hodgkin_huxley; valid: I_stim, C_m"),
    (["hodgkin_huxley", "--range", "0uA/cm2", "5uA/cm2", "--out", "x.txt"],
     "--out: expected a figure (.png, .pdf, .svg) or the special points (.csv)"),
    (["hodgkin_huxley", "--range", "0uA/cm2", "5uA/cm2", "--current", "1uA/cm2"],
     "--current: the current is the free parameter"),
    (["hodgkin_huxley", "--parameter", "g_K", "--range", "20mS/cm2", "50mS/cm2", "--param",
      "g_K=30mS/cm2"], "--param: g_K is the free parameter"),
    (["hodgkin_huxley", "--range", "0uA/cm2", "5uA/cm2", "--param", "C_m=-1uF/cm2"],
     "--param C_m: -1 uF/cm^2 is outside the physical range"),
])
def test_bifurcation_mistakes_are_one_line_before_any_work(argv, message, no_diagram, capsys):
    assert main(["bifurcation"] + argv) == 2
    assert message in _error_line(capsys)


def test_bifurcation_without_the_engine_names_the_extra(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "bifpy", None)
    assert main(["bifurcation", "hodgkin_huxley", "--range", "0uA/cm2", "20uA/cm2"]) == 1
    assert "pip install 'hh_brian[bifurcation]'" in _error_line(capsys)


def test_bifurcation_range_errors_name_the_option(no_diagram, capsys):
    assert main(["bifurcation", "hodgkin_huxley", "--parameter", "g_K", "--range", "-5mS/cm2",
                 "5mS/cm2", "--no-cycles"]) == 2
    assert ("--range LOW: -5 mS/cm^2 is outside the physical range of g_K"
            in _error_line(capsys))


def test_figures_reports_each_figure_as_it_is_written(monkeypatch, tmp_path, capsys):
    def write_all_figures(directory, *, target, progress, written):
        written("the models")
        path = pathlib.Path(directory) / "model_1.png"
        assert capsys.readouterr().out == "the models ...\n"  # shown before the figure
        written(path)
        assert capsys.readouterr().out.split() == ["0.0", "s", str(path)]
        return [path]

    monkeypatch.setattr(hh_brian.course.gallery, "write_all_figures", write_all_figures)
    assert main(["figures", str(tmp_path), "--quiet"]) == 0
    assert capsys.readouterr().out == f"1 figure written to {tmp_path}\n"
