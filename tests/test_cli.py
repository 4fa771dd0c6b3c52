"""The hh-brian command line: commands, unit parsing, files written, one-line errors."""

import subprocess
import sys

import numpy as np
import pytest
from brian2 import cm, mm, mS, ms, nA, uA

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


def test_analyse_prints_fixed_points_and_fold(capsys):
    assert main(["analyse", "hh_2d_reduction", "--n", "0"]) == 0
    out = capsys.readouterr().out
    assert "-54.4000      stable" in out and "2.0065    unstable" in out
    assert "fold (rest meets threshold): I = 1.34671 uA/cm^2 = 13.4671 nA/mm^2" in out
    assert "stable node at -54.4 mV" in out


@pytest.mark.parametrize("argv, message", [
    (["run", "neuron_func_9"], "unknown model 'neuron_func_9'; valid names: passive_membrane"),
    (["run", "hodgkin_huxley", "--current", "5mV"],
     "--current: expected a current density such as 5uA/cm2, got '5mV'"),
    (["run", "hodgkin_huxley", "--param", "g_na=1mS/cm2"],
     "--param: unknown parameter 'g_na' for hodgkin_huxley; valid: C_m, g_K"),
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
