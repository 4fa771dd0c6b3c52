"""hh-brian propagate: the velocity printed, the files written, the mistakes refused in one
line before anything is compiled."""

import numpy as np
import pytest

import hh_brian.cable.propagation
from hh_brian.cli import main

SHORT = ["--length", "2cm", "--compartment-length", "0.2mm", "--duration", "4ms",
         "--target", "numpy"]


def test_propagate_prints_the_velocity_and_writes_the_arrival_times(tmp_path, capsys):
    out = tmp_path / "axon.csv"
    assert main(["propagate", "hodgkin_huxley", *SHORT, "--temperature", "18.5degC",
                 "--param", "E_Na=50mV", "--out", str(out)]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].startswith("hodgkin_huxley at 18.5 degC on an axon of 20 mm and 0.476 mm "
                                 "diameter, R_i 35.4 ohm cm, 100 compartments of 0.2 mm")
    speed = float(printed[1].removeprefix("conduction velocity: ").removesuffix(" m/s"))
    assert 18.5 < speed < 19.5  # the short, coarse axon of the cable tests
    assert printed[2].startswith("reached the far end at")
    table = np.loadtxt(out, delimiter=",", skiprows=1)
    assert table.shape == (100, 2) and np.all(np.diff(table[40:, 1]) > 0)


def test_propagate_writes_the_space_time_figure_and_v(tmp_path):
    assert main(["propagate", "hodgkin_huxley", *SHORT, "--out", str(tmp_path / "a.png")]) == 0
    assert (tmp_path / "a.png").read_bytes()[:4] == b"\x89PNG"
    assert main(["propagate", "hodgkin_huxley", *SHORT, "--out", str(tmp_path / "a.npz")]) == 0
    saved = np.load(tmp_path / "a.npz")
    assert saved["v"].shape == (100, 80) and saved["t"][1] == pytest.approx(0.05)


def test_a_weak_pulse_says_nothing_propagated(capsys):
    assert main(["propagate", "hodgkin_huxley", *SHORT, "--current", "5uA/cm2"]) == 0
    printed = capsys.readouterr().out
    assert "conduction velocity: none" in printed and "did not reach the far end" in printed


@pytest.fixture
def no_run(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("ran before the mistake was caught")

    # Every check comes before the run is described to a target.
    monkeypatch.setattr(hh_brian.cable.propagation, "CableRun", refuse)


@pytest.mark.parametrize("argv, message", [
    (["--diameter", "-3um"], "--diameter: expected one positive value, such as 476 um"),
    (["--length", "0cm"], "--length: expected one positive value"),
    (["--R-i", "3ohm"], "--R-i: expected a resistivity such as 35.4ohm*cm, got '3ohm'"),
    (["--temperature", "50degC"], "--temperature: 50 degC is outside the physical range"),
    (["--temperature", "18.5"], "--temperature: expected a temperature such as 18.5degC"),
    (["--where", "0mm", "9cm"], "--where: 90 mm is off the axon"),
    (["--compartments", "2"], "--compartments: expected a whole number of at least 3"),
    (["--compartments", "10", "--compartment-length", "1mm"],
     "--compartments, --compartment-length: give one or the other"),
    (["--compartment-length", "0.3mm"],
     "--compartment-length: expected a whole fraction of the length"),
    (["--out", "axon.txt"], "--out: unknown file type '.txt'"),
    (["--dt", "0.03ms", "--duration", "1ms"],
     "--duration: expected a whole number of steps of --dt 0.03 ms"),
])
def test_mistakes_are_one_line_before_anything_runs(argv, message, no_run, capsys):
    assert main(["propagate", "hodgkin_huxley", *argv]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and message in error, error


def test_a_model_without_gates_has_no_temperature(no_run, capsys):
    assert main(["propagate", "passive_membrane", "--temperature", "20degC"]) == 2
    assert "--temperature: passive_membrane has no gates" in capsys.readouterr().err
