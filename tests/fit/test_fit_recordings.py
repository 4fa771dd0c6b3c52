"""Recorded sweeps from files: CSV with units in the header, NWB, and the errors they give."""

import datetime
import doctest
import re
import sys

import numpy as np
import pytest
from brian2 import DimensionMismatchError, cm, mm, ms, mV, nA, uA, umetre

import hh_brian.fit.recordings
from hh_brian import stimuli
from hh_brian.core.errors import MissingExtra
from hh_brian.fit.data import recorded_sweep
from hh_brian.fit.recordings import read_csv, read_nwb, write_csv, write_nwb

UA_CM2 = uA / cm**2
# write_csv keeps 10 significant digits: a value read back is within half a unit of the 10th.
DIGITS = 1e-9
# NWB stores float64 in volts and amperes: only the conversion from mV and uA/cm^2 rounds.
FLOAT = 1e-12


def trace(n, seed=0):
    """A voltage trace with values of every size, so that rounding would show."""
    rng = np.random.default_rng(seed)
    return (-65 + 30 * rng.standard_normal(n)) * mV


def write(path, text):
    path.write_text(text)
    return path


def same(a, b, rtol):
    return np.allclose(np.asarray(a), np.asarray(b), rtol=rtol, atol=0)


# --------------------------------------------------------------------------------------------
# CSV


def test_csv_round_trip_keeps_ten_significant_digits(tmp_path):
    current = stimuli.sampled(np.linspace(-3, 7, 400) * UA_CM2, dt=0.025 * ms)
    recorded = recorded_sweep(trace(400), current, dt=0.025 * ms, name="cell")
    back = read_csv(write_csv(recorded, tmp_path / "cell.csv"))
    assert back.name == "cell" and back.n_samples == 400
    assert same(back.v / mV, recorded.v / mV, DIGITS)
    assert same(back.current_samples() / UA_CM2, recorded.current_samples() / UA_CM2, DIGITS)
    assert same(back.dt / ms, 0.025, DIGITS)


def test_a_long_recording_at_a_step_that_is_no_short_decimal_reads_back(tmp_path):
    # 30 kHz for 3.3 s: times near 3333 ms are written to 1e-6 ms, 3e-5 of the step.
    dt = (1 / 30) * ms
    recorded = recorded_sweep(trace(100_000), 1 * UA_CM2, dt=dt)
    path = write_csv(recorded, tmp_path / "long.csv")
    back = read_csv(path)
    assert same(back.dt / ms, dt / ms, DIGITS)
    assert same(back.v / mV, recorded.v / mV, DIGITS)
    # One sample missing in the middle is still seen, at its row: the slack is that small.
    lines = path.read_text().splitlines()
    del lines[1 + 50_000]  # the header, then sample k on line k + 2
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ValueError, match="not evenly spaced: row 50001 \\(line 50002\\) "
                                         "is at 1666.7"):
        read_csv(path)


def test_reads_the_run_commands_format_ignoring_the_extra_columns(tmp_path):
    t = np.arange(50) * 0.01
    v = -65 + np.sin(t)
    gates = np.full((50, 3), 0.3)
    currents = np.full((50, 3), 1.5)
    i_stim = np.where(t >= 0.2, 10.0, 0.0)
    path = tmp_path / "hh.csv"
    np.savetxt(path, np.column_stack([t, v, gates, currents, i_stim]), delimiter=",",
               header="t [ms],v [mV],n [1],m [1],h [1],I_K [uA/cm^2],I_Na [uA/cm^2],"
                      "I_L [uA/cm^2],I_stim [uA/cm^2]", comments="", fmt="%.10g")
    recorded = read_csv(path)
    assert recorded.name == "hh"
    assert same(recorded.dt / ms, 0.01, DIGITS)
    assert same(recorded.v / mV, v, DIGITS)
    assert same(recorded.current_samples() / UA_CM2, i_stim, DIGITS)


def test_units_are_converted(tmp_path):
    in_ms = write(tmp_path / "ms.csv", "t [ms],v [mV],I_stim [uA/cm^2]\n"
                                       "0,-65,0\n0.1,-64.5,2\n0.2,-63,2\n")
    in_s = write(tmp_path / "s.csv", "t [s],v [V],I_stim [nA/mm^2]\n"
                                     "0,-0.065,0\n0.0001,-0.0645,20\n0.0002,-0.063,20\n")
    a, b = read_csv(in_ms), read_csv(in_s)
    assert same(a.dt / ms, b.dt / ms, DIGITS)
    assert same(a.v / mV, b.v / mV, DIGITS)
    assert same(a.current_samples() / UA_CM2, b.current_samples() / UA_CM2, DIGITS)
    assert same(b.v / mV, [-65, -64.5, -63], DIGITS)


def test_the_sweep_starts_at_the_first_sample(tmp_path):
    path = write(tmp_path / "late.csv", "t [ms],v [mV],I_stim [uA/cm^2]\n"
                                        "250,-65,0\n250.5,-64,0\n251,-63,0\n")
    recorded = read_csv(path, name="late start")
    assert recorded.name == "late start"
    assert same(recorded.t / ms, [0, 0.5, 1.0], DIGITS)


def test_current_can_be_given_instead_of_a_column(tmp_path):
    path = write(tmp_path / "v_only.csv", "t [ms],v [mV]\n0,-65\n0.1,-64\n0.2,-63\n")
    recorded = read_csv(path, current=stimuli.step(5 * UA_CM2, start=0.1 * ms))
    assert same(recorded.current_samples() / UA_CM2, [0, 5, 5], DIGITS)
    # current= takes the place of a column the file has, too.
    path = write(tmp_path / "both.csv", "t [ms],v [mV],I_stim [uA/cm^2]\n0,-65,1\n0.1,-64,1\n")
    assert same(read_csv(path, current=3 * UA_CM2).current_samples() / UA_CM2, [3, 3], DIGITS)


HEADER = "t [ms],v [mV],I_stim [uA/cm^2]\n"


@pytest.mark.parametrize("text, message", [
    ("", "the file is empty"),
    (HEADER, "expected at least 2 rows of samples after the header, got 0"),
    ("time [ms],v [mV],I_stim [uA/cm^2]\n0,-65,0\n0.1,-64,0\n",
     ("no column 't' \\(a time\\); the columns are 'time \\[ms\\]', 'v \\[mV\\]', "
      "'I_stim \\[uA/cm\\^2\\]'")),
    ("t [ms],V_m [mV],I_stim [uA/cm^2]\n0,-65,0\n0.1,-64,0\n", "no column 'v' \\(a voltage\\)"),
    ("t [ms],v [mV]\n0,-65\n0.1,-64\n", "has no I_stim column.*pass current="),
    ("t [mV],v [mV],I_stim [uA/cm^2]\n0,-65,0\n0.1,-64,0\n",
     "column 't' has the unit \\[mV\\]; expected a time in a unit such as \\[ms\\]"),
    ("t [ms],v,I_stim [uA/cm^2]\n0,-65,0\n0.1,-64,0\n",
     "column 'v' has no unit; expected a voltage"),
    ("t [ms],v [furlong],I_stim [uA/cm^2]\n0,-65,0\n0.1,-64,0\n",
     "column 'v': cannot read the unit \\[furlong\\]; expected a voltage"),
    ("t [ms],v [mV],I_stim [nA]\n0,-65,0\n0.1,-64,0\n",
     "column 'I_stim' has the unit \\[nA\\]; expected a current density.*divide it by the area"),
    (HEADER + "0,-65,0\n0.1,abc,0\n", "row 2 \\(line 3\\), column 'v': cannot read 'abc'"),
    (HEADER + "0,-65,0\n0.1,-64\n", "row 2 \\(line 3\\): expected 3 values.*got 2"),
    (HEADER + "0,-65,0\n0.1,-64,0\n0.3,-63,0\n0.4,-63,0\n",
     "column 't': the times are not evenly spaced: row 3 \\(line 4\\) is at 0.3 ms"),
    (HEADER + "0.2,-65,0\n0.1,-64,0\n0,-63,0\n", "column 't': the times do not increase"),
    ("t [ms],v [mV],v [mV],I_stim [uA/cm^2]\n0,-65,-65,0\n0.1,-64,-64,0\n",
     "2 columns are named 'v'"),
    # Not a recording at all: JSON (a fit's own output), no header, a header without units.
    ('{\n  "model": "hodgkin_huxley"\n}\n',
     ("not a CSV recording: it begins with '\\{', as JSON does; expected a header such as "
      "'t \\[ms\\],v \\[mV\\],I_stim \\[uA/cm\\^2\\]', then one row per sample")),
    ('[1, 2]\n', "not a CSV recording: it begins with '\\[', as JSON does"),
    ("0,-65,0\n0.1,-64,0\n", "its first line '0,-65,0' is a row of numbers, not a header"),
    ("time,voltage\n0,-65\n0.1,-64\n",
     "its first line 'time,voltage' names no column with its unit in brackets"),
])
def test_bad_csv_files_are_refused_naming_the_file_and_what_is_wrong(tmp_path, text, message):
    path = write(tmp_path / "bad.csv", text)
    with pytest.raises(ValueError, match=re.escape(str(path)) + ".*" + message):
        read_csv(path)


def test_a_nan_sample_is_refused_by_the_sweep_check(tmp_path):
    path = write(tmp_path / "gap.csv", HEADER + "0,-65,0\n0.1,nan,0\n0.2,-63,0\n")
    with pytest.raises(ValueError, match="sample 1 \\(t = 0.1 ms\\) is NaN"):
        read_csv(path)


def test_write_csv_takes_a_sweep(tmp_path):
    with pytest.raises(TypeError, match="recorded: expected a Sweep, got Quantity"):
        write_csv([-65, -64] * mV, tmp_path / "x.csv")


# --------------------------------------------------------------------------------------------
# NWB

AREA = 1e-4 * cm**2


@pytest.fixture
def pynwb():
    return pytest.importorskip("pynwb")


@pytest.fixture
def two_sweeps():
    step = recorded_sweep(trace(300, seed=1), stimuli.step(4 * UA_CM2, start=1 * ms), dt=0.02 * ms,
                 name="step 4")
    noisy = recorded_sweep(trace(300, seed=2), np.linspace(-2, 9, 300) * UA_CM2, dt=0.02 * ms,
                  name="ramp")
    return step, noisy


def test_nwb_round_trip_of_two_sweeps(pynwb, two_sweeps, tmp_path):
    path = write_nwb(two_sweeps, tmp_path / "cell.nwb", area=AREA)
    assert pynwb.validate(path=str(path)) == []
    back = read_nwb(path, area=AREA)
    assert [s.name for s in back] == ["step 4", "ramp"]  # by sweep number
    for original, read in zip(two_sweeps, back):
        assert same(read.v / mV, original.v / mV, FLOAT)
        assert same(read.current_samples() / UA_CM2, original.current_samples() / UA_CM2,
                    FLOAT)
        assert same(read.dt / ms, 0.02, FLOAT)
    # The currents differ, so a swap of the stimuli would show.
    assert not same(back[0].current_samples() / UA_CM2, back[1].current_samples() / UA_CM2,
                    0.1)


def test_the_area_turns_densities_into_amperes(pynwb, two_sweeps, tmp_path):
    path = write_nwb(two_sweeps, tmp_path / "cell.nwb", area=AREA)
    with pynwb.NWBHDF5IO(str(path), "r") as io:
        stimulus = io.read().stimulus["step 4 stimulus"]
        assert stimulus.unit == "amperes"
        assert same(stimulus.data[-1], float(4 * UA_CM2 * AREA / nA) * 1e-9, FLOAT)
    # Read with another area, the same amperes are another density.
    read = read_nwb(path, area=2 * AREA, series=["step 4"])[0]
    assert same(read.current_samples()[-1] / UA_CM2, 2.0, FLOAT)


def test_read_nwb_selects_series_by_name(pynwb, two_sweeps, tmp_path):
    path = write_nwb(two_sweeps, tmp_path / "cell.nwb", area=AREA)
    (ramp,) = read_nwb(path, area=AREA, series=["ramp"])
    assert ramp.name == "ramp"
    assert same(ramp.v / mV, two_sweeps[1].v / mV, FLOAT)


def test_an_unknown_series_name_lists_the_valid_ones(pynwb, two_sweeps, tmp_path):
    path = write_nwb(two_sweeps, tmp_path / "cell.nwb", area=AREA)
    with pytest.raises(ValueError, match="series: no series 'sweep 9' in the acquisition of "
                                         ".*cell.nwb; valid: 'ramp', 'step 4'"):
        read_nwb(path, area=AREA, series=["sweep 9"])


def test_the_area_is_required_and_checked(pynwb, two_sweeps, tmp_path):
    path = write_nwb(two_sweeps, tmp_path / "cell.nwb", area=AREA)
    with pytest.raises(TypeError, match="area"):
        read_nwb(path)
    with pytest.raises(TypeError, match="area: expected the membrane area"):
        read_nwb(path, area=None)
    with pytest.raises(DimensionMismatchError, match="area: expected"):
        read_nwb(path, area=5 * mV)
    with pytest.raises(ValueError, match="area: expected one positive membrane area"):
        write_nwb(two_sweeps, tmp_path / "other.nwb", area=-1 * umetre**2)


def nwb_file(pynwb, *, paired_in_table, stimulus_length=5, sweep_number=0):
    """A file with one current-clamp response and a stimulus, linked as asked."""
    nwbfile = pynwb.NWBFile(session_description="test", identifier="test",
                            session_start_time=datetime.datetime(
                                2024, 1, 1, tzinfo=datetime.timezone.utc))
    device = nwbfile.create_device(name="amplifier")
    electrode = nwbfile.create_icephys_electrode(name="electrode", device=device,
                                                 description="patch pipette")
    response = pynwb.icephys.CurrentClampSeries(
        name="response", data=np.linspace(-0.065, -0.060, 5), electrode=electrode,
        rate=10_000.0, sweep_number=np.uint32(0))
    nwbfile.add_acquisition(response)
    if stimulus_length:
        stimulus = pynwb.icephys.CurrentClampStimulusSeries(
            name="injected", data=np.full(stimulus_length, 2e-10), electrode=electrode,
            rate=10_000.0, sweep_number=np.uint32(sweep_number))
        nwbfile.add_stimulus(stimulus)
        if paired_in_table:
            nwbfile.add_intracellular_recording(electrode=electrode, stimulus=stimulus,
                                                response=response)
    return nwbfile


def save(pynwb, nwbfile, path):
    with pynwb.NWBHDF5IO(str(path), "w") as io:
        io.write(nwbfile)
    return path


def test_a_stimulus_outside_the_table_is_found_by_sweep_number(pynwb, tmp_path):
    path = save(pynwb, nwb_file(pynwb, paired_in_table=False), tmp_path / "by_number.nwb")
    (read,) = read_nwb(path, area=AREA)
    # 2e-10 A over 1e-4 cm^2 is 2 uA/cm^2.
    assert same(read.current_samples() / UA_CM2, [2] * 5, FLOAT)
    assert same(read.v / mV, np.linspace(-65, -60, 5), FLOAT)


def test_a_series_without_a_stimulus_is_named(pynwb, tmp_path):
    path = save(pynwb, nwb_file(pynwb, paired_in_table=False, sweep_number=7),
                tmp_path / "alone.nwb")
    with pytest.raises(ValueError, match="series 'response' has no stimulus"):
        read_nwb(path, area=AREA)


def test_a_stimulus_of_another_length_is_refused_naming_both(pynwb, tmp_path):
    path = save(pynwb, nwb_file(pynwb, paired_in_table=True, stimulus_length=4),
                tmp_path / "short.nwb")
    with pytest.raises(ValueError, match="the stimulus 'injected' has 4 samples and its "
                                         "response 'response' 5"):
        read_nwb(path, area=AREA)


def test_write_nwb_refuses_what_nwb_cannot_hold(pynwb, two_sweeps, tmp_path):
    with pytest.raises(ValueError, match="sweeps: 2 sweeps are named 'ramp'"):
        write_nwb([two_sweeps[1], two_sweeps[1]], tmp_path / "x.nwb", area=AREA)
    with pytest.raises(ValueError, match="session_start_time: expected a timezone-aware"):
        write_nwb(two_sweeps, tmp_path / "x.nwb", area=AREA,
                  session_start_time=datetime.datetime(2024, 1, 1))
    with pytest.raises(TypeError, match="sweeps: expected Sweeps"):
        write_nwb([two_sweeps[0], -65 * mV], tmp_path / "x.nwb", area=AREA)


def test_an_i_zero_clamp_series_has_no_current(pynwb, tmp_path):
    nwbfile = nwb_file(pynwb, paired_in_table=False, stimulus_length=0)
    nwbfile.add_acquisition(pynwb.icephys.IZeroClampSeries(
        name="rest", data=np.full(4, -0.07), electrode=nwbfile.icephys_electrodes["electrode"],
        rate=10_000.0, sweep_number=np.uint32(1)))
    path = save(pynwb, nwbfile, tmp_path / "rest.nwb")
    (rest,) = read_nwb(path, area=AREA, series=["rest"])
    assert same(rest.current_samples() / UA_CM2, [0] * 4, FLOAT)
    assert same(rest.v / mV, [-70] * 4, FLOAT)


def test_timestamps_stand_for_a_rate_when_evenly_spaced(pynwb, tmp_path):
    nwbfile = nwb_file(pynwb, paired_in_table=False, stimulus_length=0)
    electrode = nwbfile.icephys_electrodes["electrode"]
    times = 2.0 + np.arange(4) * 1e-4
    nwbfile.add_acquisition(pynwb.icephys.CurrentClampSeries(
        name="stamped", data=np.full(4, -0.06), electrode=electrode, timestamps=times,
        sweep_number=np.uint32(3)))
    nwbfile.add_stimulus(pynwb.icephys.CurrentClampStimulusSeries(
        name="stamped stimulus", data=np.full(4, 1e-10), electrode=electrode,
        timestamps=times, sweep_number=np.uint32(3)))
    path = save(pynwb, nwbfile, tmp_path / "stamped.nwb")
    (read,) = read_nwb(path, area=AREA, series=["stamped"])
    assert same(read.dt / ms, 0.1, FLOAT)
    assert same(read.current_samples() / UA_CM2, [1] * 4, FLOAT)


@pytest.mark.parametrize("function", ["read_nwb", "write_nwb"])
def test_the_nwb_examples_run_when_pynwb_is_installed(pynwb, function):
    # The doctests skip these examples, since they run without the extra; they run here.
    module = hh_brian.fit.recordings
    text = getattr(module, function).__doc__.replace("  # doctest: +SKIP", "")
    test = doctest.DocTestParser().get_doctest(text, dict(vars(module)), function, None, 0)
    runner = doctest.DocTestRunner()
    runner.run(test)
    results = runner.summarize(verbose=False)
    assert results.failed == 0 and results.attempted > 0


@pytest.mark.parametrize("call", [
    lambda path: read_nwb(path, area=AREA),
    lambda path: write_nwb(recorded_sweep([-65, -64] * mV, 0 * UA_CM2, dt=0.1 * ms), path,
                           area=AREA),
], ids=["read_nwb", "write_nwb"])
def test_without_pynwb_the_error_names_the_extra(call, monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "pynwb", None)  # import pynwb now fails
    with pytest.raises(MissingExtra, match="NWB files needs pynwb: "
                                           "pip install 'hh_brian\\[nwb\\]'") as caught:
        call(tmp_path / "cell.nwb")
    assert caught.value.extra == "nwb"
    assert isinstance(caught.value, ImportError)


def test_nwb_area_in_other_units(pynwb, two_sweeps, tmp_path):
    # 1e-4 cm^2 is 1e-2 mm^2: the same file, the same densities.
    path = write_nwb(two_sweeps, tmp_path / "cell.nwb", area=1e-2 * mm**2)
    back = read_nwb(path, area=AREA)
    assert same(back[0].current_samples() / UA_CM2, two_sweeps[0].current_samples() / UA_CM2,
                FLOAT)
