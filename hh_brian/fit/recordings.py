"""Recorded sweeps read from files and written back: CSV with units in its header, and NWB.

A CSV file has one header line naming each column with its unit in brackets, then one row
per sample: ``t [ms],v [mV],I_stim [uA/cm^2]``, the format in which ``hh-brian run --out``
writes a simulation. NWB (Neurodata Without Borders) is the field's standard format for
intracellular recordings; it needs the optional ``nwb`` extra (pynwb). Every reader returns
:class:`~hh_brian.fit.data.Sweep` values, checked by :func:`~hh_brian.fit.data.recorded_sweep`.
"""

from __future__ import annotations

import datetime
import pathlib
import re
import uuid

import numpy as np
from brian2 import Quantity, amp, cm, ms, mV, second, volt
from brian2.units.fundamentalunits import have_same_dimensions

from ..core.errors import MissingExtra
from ..core.units import CURRENT_DENSITY, UnitTextError, check_dimension, parse_quantity
from .data import Sweep, recorded_sweep

__all__ = ["read_csv", "read_nwb", "write_csv", "write_nwb"]

# Sampling steps that differ by less than this fraction of the step are the same step.
_STEP_TOLERANCE = 1e-6
# Times written with 10 significant digits (as write_csv and the run command write them) are
# off by up to half a unit in their 10th digit, and so is each step between them, relative to
# the largest time: a long recording sampled at a step that is not a short decimal (30 kHz)
# would look unevenly spaced at 1e-6 of the step without this slack.
_DIGITS_TOLERANCE = 1e-9

# The columns a CSV sweep is read from: the dimension each must have, its name in messages,
# and units to suggest.
_COLUMNS = {
    "t": (ms, "a time", "[ms] or [s]"),
    "v": (mV, "a voltage", "[mV] or [V]"),
    "I_stim": (CURRENT_DENSITY, "a current density", "[uA/cm^2] or [nA/mm^2]"),
}
_CSV_EXAMPLE = "t [ms],v [mV],I_stim [uA/cm^2]"

# The default start of an NWB session: a fixed placeholder, so that the same sweeps give the
# same file content (NWB requires a timezone-aware start time).
_DEFAULT_START = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


# --------------------------------------------------------------------------------------------
# CSV


def read_csv(path, *, current=None, name=None) -> Sweep:
    """Read a recorded sweep from a CSV file whose header gives each column's unit.

    The header names each column with its unit in brackets, e.g.
    ``t [ms],v [mV],I_stim [uA/cm^2]``; ``[1]`` or no bracket means a plain number. Units are
    read as :func:`hh_brian.core.units.parse_quantity` reads them (``ms``, ``s``, ``mV``, ``V``,
    ``uA/cm^2``, ``nA/mm2``...). The columns ``t`` and ``v`` are required; other columns
    (gates, membrane currents: everything ``hh-brian run --out`` adds) are ignored.

    Parameters
    ----------
    path : str or path-like
    current : Stimulus or Quantity (current density), optional
        The injected current, passed on to :func:`~hh_brian.fit.data.recorded_sweep`. Without it the
        current is read from the column ``I_stim``, each sample held until the next.
    name : str, optional
        The sweep's name; the file's stem by default.

    Returns
    -------
    Sweep
        The sweep starts at the file's first sample: its ``t`` becomes 0. The sampling
        interval is the mean step of ``t``.

    Raises
    ------
    ValueError
        For an empty file, a file that is not a CSV recording (JSON, or a first line that is
        not a header naming units in brackets), a missing column (the message lists the
        columns found), a unit of the wrong dimension, a number that cannot be read (row and
        column named), times that are not increasing and evenly spaced (the first bad row
        named), a file without ``I_stim`` and no ``current=``, or anything
        :func:`~hh_brian.fit.data.recorded_sweep` refuses.
        Every message begins with the file's path.
    FileNotFoundError
        If there is no file at ``path``.

    Notes
    -----
    The times must increase in equal steps: each step within 1e-6 of the median step, or
    within the precision of times written to 10 significant digits, whichever is larger.
    Nothing is resampled: a recording with gaps is refused at its first uneven row.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from brian2 import uA, cm
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = pathlib.Path(folder.name) / "cell1.csv"
    >>> _ = path.write_text("t [s],v [V],I_stim [uA/cm^2]\\n"
    ...                     "0.5,-0.065,0\\n0.5001,-0.064,2\\n0.5002,-0.060,2\\n")
    >>> recorded = read_csv(path)
    >>> recorded.name, recorded.dt, recorded.v
    ('cell1', 100. * usecond, array([-65., -64., -60.]) * mvolt)
    >>> recorded.current_samples() / (uA/cm**2)
    array([0., 2., 2.])
    >>> folder.cleanup()
    """
    path = pathlib.Path(path)
    # utf-8-sig: a spreadsheet's export may begin with a byte-order mark.
    text = path.read_text(encoding="utf-8-sig")
    lines = [(number, line) for number, line in enumerate(text.splitlines(), start=1)
             if line.strip()]
    if not lines:
        raise ValueError(f"{path}: the file is empty; expected a header such as "
                         f"{_CSV_EXAMPLE!r} and one row per sample")
    _, header = lines[0]
    expected = f"expected a header such as {_CSV_EXAMPLE!r}, then one row per sample"
    if header.lstrip().startswith(("{", "[")):
        raise ValueError(f"{path}: not a CSV recording: it begins with "
                         f"{header.lstrip()[0]!r}, as JSON does; {expected}")
    # A header written by numpy.savetxt with its default comment mark starts with "# ".
    cells = [cell.strip() for cell in header.strip().lstrip("#").split(",")]
    columns = [_header_cell(cell) for cell in cells]
    names = [column_name for column_name, _ in columns]
    if not any(unit for _, unit in columns) and not {"t", "v"} <= set(names):
        shown = header.strip() if len(header.strip()) <= 60 else header.strip()[:57] + "..."
        what = ("is a row of numbers, not a header" if _all_numbers(cells)
                else "names no column with its unit in brackets")
        raise ValueError(f"{path}: not a CSV recording: its first line {shown!r} {what}; "
                         f"{expected}")
    rows = lines[1:]
    wanted = ["t", "v"] + (["I_stim"] if current is None else [])
    for column_name in wanted:
        if column_name not in names:
            found = ", ".join(repr(cell) for cell in cells)
            if column_name == "I_stim":
                raise ValueError(f"{path}: the file has no I_stim column, so the injected "
                                 f"current is unknown; pass current= (a Stimulus or a current "
                                 f"density); the columns are {found}")
            raise ValueError(f"{path}: no column {column_name!r} "
                             f"({_COLUMNS[column_name][1]}); the columns are {found}")
        if names.count(column_name) > 1:
            raise ValueError(f"{path}: {names.count(column_name)} columns are named "
                             f"{column_name!r}; expected one")
    # The units first: a wrong unit is found without reading the rows.
    scales = {column_name: _column_unit(path, column_name, columns[names.index(column_name)][1])
              for column_name in wanted}
    if len(rows) < 2:
        raise ValueError(f"{path}: expected at least 2 rows of samples after the header, "
                         f"got {len(rows)}")
    split = []
    for row, (number, line) in enumerate(rows, start=1):
        values = line.split(",")
        if len(values) != len(cells):
            raise ValueError(f"{path}, row {row} (line {number}): expected {len(cells)} "
                             f"values, one per column of the header, got {len(values)}")
        split.append(values)
    line_numbers = [number for number, _ in rows]
    numbers = {column_name: _column_numbers(path, column_name,
                                            [values[names.index(column_name)]
                                             for values in split], line_numbers)
               for column_name in wanted}
    step = _even_step(numbers["t"], f"{path}: column 't'",
                      lambda k: f"row {k + 1} (line {line_numbers[k]})",
                      unit=columns[names.index("t")][1])
    if current is None:
        current = numbers["I_stim"] * scales["I_stim"]
    return recorded_sweep(numbers["v"] * scales["v"], current, step * scales["t"],
                 name=path.stem if name is None else name)


def write_csv(recorded: Sweep, path) -> pathlib.Path:
    """Write a sweep as CSV: ``t [ms],v [mV],I_stim [uA/cm^2]``, 10 significant digits.

    :func:`read_csv` reads the file back: the same sweep to 10 significant digits.

    Parameters
    ----------
    recorded : Sweep
    path : str or path-like

    Returns
    -------
    pathlib.Path
        The path written.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from brian2 import mV, ms, uA, cm
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = write_csv(recorded_sweep([-65, -64, -60]*mV, 2*uA/cm**2, dt=0.1*ms, name="step"),
    ...                  pathlib.Path(folder.name) / "step.csv")
    >>> print(path.read_text(), end="")
    t [ms],v [mV],I_stim [uA/cm^2]
    0,-65,2
    0.1,-64,2
    0.2,-60,2
    >>> read_csv(path).v
    array([-65., -64., -60.]) * mvolt
    >>> folder.cleanup()
    """
    if not isinstance(recorded, Sweep):
        raise TypeError(f"recorded: expected a Sweep, got {type(recorded).__name__}")
    path = pathlib.Path(path)
    table = np.column_stack([np.asarray(recorded.t / ms), np.asarray(recorded.v / mV),
                             np.asarray(recorded.current_samples() / CURRENT_DENSITY)])
    np.savetxt(path, table, delimiter=",", header=_CSV_EXAMPLE, comments="", fmt="%.10g")
    return path


def _header_cell(cell: str) -> tuple[str, str]:
    """A header cell's column name and unit text ("" when it has no brackets)."""
    match = re.fullmatch(r"([^\[\]]*?)\s*\[([^\[\]]*)\]", cell)
    if match is None:
        return cell, ""
    return match.group(1).strip(), match.group(2).strip()


def _all_numbers(cells) -> bool:
    try:
        [float(cell) for cell in cells]
    except ValueError:
        return False
    return True


def _column_unit(path, column_name: str, unit_text: str) -> Quantity:
    """The size of one unit of a column, checked against the dimension the column needs."""
    unit, what, examples = _COLUMNS[column_name]
    where = f"{path}: column {column_name!r}"
    if unit_text in ("", "1"):
        scale = Quantity(1.0)
    else:
        try:
            scale = parse_quantity("1 " + unit_text, argument=where)
        except UnitTextError:
            raise ValueError(f"{where}: cannot read the unit [{unit_text}]; expected {what} "
                             f"in a unit such as {examples}") from None
    if not have_same_dimensions(scale, unit):
        shown = "no unit" if unit_text in ("", "1") else f"the unit [{unit_text}]"
        hint = ""
        if column_name == "I_stim" and have_same_dimensions(scale, amp):
            hint = ("; this is a current, not a current per membrane area: divide it by the "
                    "area, or pass current=")
        raise ValueError(f"{where} has {shown}; expected {what} in a unit such as "
                         f"{examples}{hint}")
    return scale


def _column_numbers(path, column_name: str, cells: list[str], line_numbers) -> np.ndarray:
    try:
        return np.array(cells, dtype=float)
    except ValueError:
        pass
    # Cell by cell only when numpy refuses the column, to name the first cell at fault.
    numbers = np.empty(len(cells))
    for k, (cell, number) in enumerate(zip(cells, line_numbers)):
        try:
            numbers[k] = float(cell)
        except ValueError:
            raise ValueError(f"{path}, row {k + 1} (line {number}), column {column_name!r}: "
                             f"cannot read {cell.strip()!r} as a number") from None
    return numbers


def _even_step(times: np.ndarray, where: str, label, unit: str = "") -> float:
    """The sampling interval of increasing, evenly spaced ``times`` (in their own unit).

    ``label(k)`` names sample k in messages. The interval returned is the mean step, more
    precise than any single difference of rounded times.
    """
    steps = np.diff(times)
    typical = float(np.median(steps))
    shown = f" {unit}" if unit and unit != "1" else ""
    if not typical > 0:
        raise ValueError(f"{where}: the times do not increase (median step {typical:g}"
                         f"{shown}); expected one row per sample in time order")
    # The median step is a difference of rounded times too: the slack covers both.
    slack = _STEP_TOLERANCE * typical + 2 * _DIGITS_TOLERANCE * float(np.max(np.abs(times)))
    bad = np.flatnonzero(~(np.abs(steps - typical) <= slack))
    if bad.size:
        k = int(bad[0])
        raise ValueError(f"{where}: the times are not evenly spaced: {label(k + 1)} is at "
                         f"{times[k + 1]:.10g}{shown}, {steps[k]:.10g}{shown} after the "
                         f"previous sample where the step is {typical:.10g}{shown}; a fit "
                         f"needs one sampling interval (cut the recording or resample it)")
    return float((times[-1] - times[0]) / (times.size - 1))


# --------------------------------------------------------------------------------------------
# NWB


def _pynwb():
    try:
        import pynwb.icephys
    except ImportError as error:
        raise MissingExtra("nwb", "reading and writing NWB files needs pynwb") from error
    return pynwb


def _membrane_area(area) -> Quantity:
    if area is None:
        raise TypeError("area: expected the membrane area, such as 1e-4*cm**2; NWB stores "
                        "currents in amperes and hh_brian's currents are per area")
    area = check_dimension(area, cm**2, "area")
    if np.ndim(area) != 0 or not float(area / cm**2) > 0:
        raise ValueError(f"area: expected one positive membrane area, such as 1e-4*cm**2; "
                         f"got {area}")
    return area


def read_nwb(path, *, area, series=None) -> tuple[Sweep, ...]:
    """Read the current-clamp sweeps of an NWB file, each with the current injected during it.

    Parameters
    ----------
    path : str or path-like
    area : Quantity (area)
        The membrane area of the recorded cell, e.g. ``1e-4*cm**2``: NWB stores the injected
        current in amperes, and hh_brian's currents are densities (current per area).
    series : list of str, optional
        The names of the series to read, in that order; by default every
        ``CurrentClampSeries`` in the file's acquisition, by sweep number.

    Returns
    -------
    tuple of Sweep
        One per series, named after it.

    Raises
    ------
    MissingExtra
        If pynwb is not installed (``pip install 'hh_brian[nwb]'``).
    ValueError
        For an unknown series name (the message lists the valid ones), a file without
        current-clamp series, a series without a stimulus (named), a stimulus sampled at
        another rate or for another length than its response (both named), or a non-positive
        ``area``.
    DimensionMismatchError
        For an ``area`` that is not an area.
    FileNotFoundError
        If there is no file at ``path``.

    Notes
    -----
    How the NWB objects become sweeps:

    - The voltage is a ``CurrentClampSeries`` in ``acquisition``: ``data * conversion +
      offset`` volts. An ``IZeroClampSeries`` (a current-clamp series recorded with no
      current) is read with a current of 0.
    - Its current is the ``CurrentClampStimulusSeries`` paired with it in the file's
      intracellular recordings table (``intracellular_recordings``); a series absent from
      the table is paired with the stimulus in ``stimulus`` that has its ``sweep_number``
      (and its electrode, if several do). The stimulus, ``data * conversion + offset``
      amperes, is divided by ``area``; each sample is held until the next.
    - The sampling interval is ``1 / rate`` (or the step of evenly spaced ``timestamps``); the
      stimulus must have the response's rate and length. The whole of both series is read.
    - The sweep starts at the series' first sample: its ``starting_time`` is dropped.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from brian2 import mV, ms, uA, cm
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = pathlib.Path(folder.name) / "cell.nwb"
    >>> steps = [recorded_sweep([-65, -64, -60]*mV, i*uA/cm**2, dt=0.1*ms, name=f"step {i}")
    ...          for i in (1, 2)]
    >>> _ = write_nwb(steps, path, area=1e-4*cm**2)  # doctest: +SKIP
    >>> [s.name for s in read_nwb(path, area=1e-4*cm**2)]  # doctest: +SKIP
    ['step 1', 'step 2']
    >>> folder.cleanup()
    """
    pynwb = _pynwb()
    area = _membrane_area(area)
    path = pathlib.Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    clamp_type = pynwb.icephys.CurrentClampSeries
    with pynwb.NWBHDF5IO(str(path), "r") as io:
        nwbfile = io.read()
        clamp = {key: value for key, value in nwbfile.acquisition.items()
                 if isinstance(value, clamp_type)}
        if series is None:
            if not clamp:
                found = ", ".join(f"{key!r} ({type(value).__name__})"
                                  for key, value in nwbfile.acquisition.items()) or "nothing"
                raise ValueError(f"{path}: no CurrentClampSeries in the file's acquisition "
                                 f"(found {found})")
            chosen = sorted(clamp.values(), key=lambda s: (s.sweep_number is None,
                                                             s.sweep_number or 0, s.name))
        else:
            chosen = [_named_series(path, nwbfile, clamp, key) for key in
                      ([series] if isinstance(series, str) else list(series))]
        paired = _paired_in_table(nwbfile)
        return tuple(_nwb_sweep(path, pynwb, nwbfile, response, paired, area)
                     for response in chosen)


def _named_series(path, nwbfile, clamp: dict, key: str):
    if key in clamp:
        return clamp[key]
    valid = ", ".join(repr(k) for k in sorted(clamp)) or "none"
    if key in nwbfile.acquisition:
        raise ValueError(f"series: {key!r} in {path} is a "
                         f"{type(nwbfile.acquisition[key]).__name__}, not a current-clamp "
                         f"series; valid: {valid}")
    raise ValueError(f"series: no series {key!r} in the acquisition of {path}; valid: {valid}")


def _paired_in_table(nwbfile) -> dict:
    """Each response series' name mapped to its stimulus series in the recordings table."""
    table = nwbfile.intracellular_recordings
    if table is None:
        return {}
    responses = table.category_tables["responses"]["response"]
    stimuli = table.category_tables["stimuli"]["stimulus"]
    paired = {}
    for row in range(len(table)):
        # A missing entry reads as a reference whose fields are all None.
        response, stimulus = responses[row], stimuli[row]
        if response.timeseries is not None and stimulus.timeseries is not None:
            paired.setdefault(response.timeseries.name, stimulus.timeseries)
    return paired


def _stimulus_of(path, pynwb, nwbfile, response, paired):
    if response.name in paired:
        return paired[response.name]
    stimulus_type = pynwb.icephys.CurrentClampStimulusSeries
    candidates = []
    if response.sweep_number is not None:
        candidates = [s for s in nwbfile.stimulus.values() if isinstance(s, stimulus_type)
                      and s.sweep_number is not None
                      and int(s.sweep_number) == int(response.sweep_number)]
    if len(candidates) > 1:
        candidates = [s for s in candidates if s.electrode is not None
                      and response.electrode is not None
                      and s.electrode.name == response.electrode.name]
    if len(candidates) > 1:
        names = ", ".join(repr(s.name) for s in candidates)
        raise ValueError(f"{path}: series {response.name!r}: several stimuli share its sweep "
                         f"number {int(response.sweep_number)} and electrode ({names}); "
                         f"pair them in the intracellular recordings table")
    if not candidates:
        number = ("no sweep number" if response.sweep_number is None
                  else f"sweep number {int(response.sweep_number)}")
        raise ValueError(f"{path}: series {response.name!r} has no stimulus: it is not paired "
                         f"with one in the intracellular recordings table, and no "
                         f"CurrentClampStimulusSeries has its {number}")
    return candidates[0]


def _sampling_interval(path, series) -> float:
    """The sampling interval of an NWB series, in seconds."""
    if series.rate is not None:
        if not float(series.rate) > 0:
            raise ValueError(f"{path}: series {series.name!r} has a sampling rate of "
                             f"{series.rate} Hz; expected a positive rate")
        return 1.0 / float(series.rate)
    times = np.asarray(series.timestamps[:], dtype=float)
    if times.size < 2:
        raise ValueError(f"{path}: series {series.name!r} has {times.size} timestamps; "
                         f"expected at least 2")
    return _even_step(times, f"{path}: series {series.name!r}",
                      lambda k: f"sample {k}", unit="s")


def _nwb_sweep(path, pynwb, nwbfile, response, paired, area) -> Sweep:
    v = (np.asarray(response.data[:], dtype=float) * float(response.conversion)
         + float(response.offset)) * volt
    dt = _sampling_interval(path, response)
    if isinstance(response, pynwb.icephys.IZeroClampSeries):
        return recorded_sweep(v, 0 * CURRENT_DENSITY, dt * second, name=response.name)
    stimulus = _stimulus_of(path, pynwb, nwbfile, response, paired)
    stimulus_dt = _sampling_interval(path, stimulus)
    if abs(stimulus_dt - dt) > _STEP_TOLERANCE * dt:
        raise ValueError(f"{path}: the stimulus {stimulus.name!r} is sampled every "
                         f"{stimulus_dt:.6g} s and its response {response.name!r} every "
                         f"{dt:.6g} s; expected one current sample per voltage sample")
    amperes = (np.asarray(stimulus.data[:], dtype=float) * float(stimulus.conversion)
               + float(stimulus.offset))
    if amperes.shape != np.shape(v):
        raise ValueError(f"{path}: the stimulus {stimulus.name!r} has {amperes.shape[0]} "
                         f"samples and its response {response.name!r} {np.shape(v)[0]}; "
                         f"expected one current sample per voltage sample")
    return recorded_sweep(v, amperes * amp / area, dt * second, name=response.name)


def write_nwb(sweeps, path, *, area, session_description: str = "hh_brian sweeps",
              identifier: str | None = None,
              session_start_time: datetime.datetime | None = None) -> pathlib.Path:
    """Write sweeps to an NWB file, each as a current-clamp response with its stimulus.

    Parameters
    ----------
    sweeps : Sweep or sequence of Sweep
        Their names become the series' names (``sweep k`` for an unnamed one) and must be
        distinct.
    path : str or path-like
    area : Quantity (area)
        The membrane area by which the current densities are multiplied: NWB stores currents
        in amperes.
    session_description : str, optional
    identifier : str, optional
        A unique identifier of the file; a random UUID by default.
    session_start_time : datetime, optional
        Timezone-aware. By default 1970-01-01 00:00 UTC, a placeholder: pass the true start
        of a recording session.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    MissingExtra
        If pynwb is not installed (``pip install 'hh_brian[nwb]'``).
    TypeError
        If ``sweeps`` holds anything but Sweeps.
    ValueError
        For two sweeps of the same name, a name with ``/`` or ``:`` (NWB refuses them), a
        start time without a timezone, or a non-positive ``area``.

    Notes
    -----
    The file holds one ``Device`` and one ``IntracellularElectrode``; sweep k becomes a
    ``CurrentClampSeries`` in ``acquisition`` (volts) and a ``CurrentClampStimulusSeries`` in
    ``stimulus`` (amperes; named after the sweep with `` stimulus`` appended), both with
    ``sweep_number`` k, the rate ``1/dt`` and starting time 0, paired in one row of the
    intracellular recordings table. :func:`read_nwb` reads them back.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from brian2 import mV, ms, uA, cm
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = pathlib.Path(folder.name) / "cell.nwb"
    >>> steps = [recorded_sweep([-65, -64, -60]*mV, i*uA/cm**2, dt=0.1*ms, name=f"step {i}")
    ...          for i in (1, 2)]
    >>> _ = write_nwb(steps, path, area=1e-4*cm**2)  # doctest: +SKIP
    >>> read_nwb(path, area=1e-4*cm**2)[1].current_samples() / (uA/cm**2)  # doctest: +SKIP
    array([2., 2., 2.])
    >>> folder.cleanup()
    """
    pynwb = _pynwb()
    area = _membrane_area(area)
    if isinstance(sweeps, Sweep):
        sweeps = [sweeps]
    sweeps = list(sweeps)
    for k, item in enumerate(sweeps):
        if not isinstance(item, Sweep):
            raise TypeError(f"sweeps: expected Sweeps, got a {type(item).__name__} at "
                            f"position {k}")
    if not sweeps:
        raise ValueError("sweeps: expected at least one Sweep, got none")
    names = [item.name or f"sweep {k}" for k, item in enumerate(sweeps)]
    for name in names:
        if names.count(name) > 1:
            raise ValueError(f"sweeps: {names.count(name)} sweeps are named {name!r}; NWB "
                             f"needs a distinct name for each")
        if "/" in name or ":" in name:
            raise ValueError(f"sweeps: the name {name!r} contains '/' or ':', which NWB "
                             f"refuses in a name")
    start = _DEFAULT_START if session_start_time is None else session_start_time
    if not isinstance(start, datetime.datetime) or start.utcoffset() is None:
        raise ValueError(f"session_start_time: expected a timezone-aware datetime, such as "
                         f"datetime(2024, 5, 1, 9, 30, tzinfo=timezone.utc); got {start!r}")
    nwbfile = pynwb.NWBFile(session_description=str(session_description),
                            identifier=str(uuid.uuid4()) if identifier is None
                            else str(identifier),
                            session_start_time=start)
    device = nwbfile.create_device(name="device",
                                   description="the source of the sweeps (hh_brian wrote the "
                                               "file)")
    electrode = nwbfile.create_icephys_electrode(
        name="electrode", device=device,
        description="the electrode through which each sweep's current was injected and its "
                    "voltage recorded")
    for k, (item, name) in enumerate(zip(sweeps, names)):
        rate = float(1 / (item.dt / second))
        # NWB's sweep_number is unsigned; an int would be converted with a warning.
        number = np.uint32(k)
        response = pynwb.icephys.CurrentClampSeries(
            name=name, data=np.asarray(item.v / volt, dtype=float), electrode=electrode,
            rate=rate, starting_time=0.0, sweep_number=number,
            description="membrane potential")
        stimulus = pynwb.icephys.CurrentClampStimulusSeries(
            name=f"{name} stimulus",
            data=np.asarray(item.current_samples() * area / amp, dtype=float),
            electrode=electrode, rate=rate, starting_time=0.0, sweep_number=number,
            description="injected current, each sample held until the next")
        nwbfile.add_acquisition(response)
        nwbfile.add_stimulus(stimulus)
        nwbfile.add_intracellular_recording(electrode=electrode, stimulus=stimulus,
                                            response=response)
    path = pathlib.Path(path)
    with pynwb.NWBHDF5IO(str(path), "w") as io:
        io.write(nwbfile)
    return path
