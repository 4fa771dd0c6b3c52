"""Parameter sweeps, f–I curves and rheobase: many neurons, run in chunks, reduced to measures.

Every function here runs one neuron per parameter set or input current, as batches
(:mod:`hh_brian.parallel`): in this process, in a local pool of processes, or on a Dask
cluster (``client=``, the ``dask`` extra). :func:`sweep` returns an :class:`xarray.Dataset`
labelled by the swept values, with the measures and regimes of :mod:`hh_brian.regimes`.
The traces of a small sweep come from :func:`hh_brian.simulate` with ``params=`` arrays
(one neuron per value), which is what a sweep runs.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from brian2 import Quantity, ms, second

from . import stimuli
from .errors import IntegrationError
from .models import get_model
from .parallel import Job, run_job
from .regimes import BLOCK_LEVEL, MEASURES, REGIMES
from .units import CURRENT_DENSITY, check_dimension, to_display

__all__ = ["FICurve", "fi_curve", "rheobase", "sweep"]

#: Options of :func:`hh_brian.simulate` a sweep passes on to every run.
_RUN_OPTIONS = ("dt", "method", "target", "params", "initial", "spike_threshold")
#: Options of :func:`hh_brian.parallel.run_job`.
_PLACEMENT = ("client", "chunk_size", "n_jobs", "store", "progress")


def _job_options(options: dict, function: str) -> tuple[dict, dict]:
    """Split ``**options`` into the runs' options and where to run them."""
    unknown = sorted(set(options) - set(_RUN_OPTIONS) - set(_PLACEMENT))
    if unknown:
        raise TypeError(f"{function}() got unexpected options {unknown}; it takes "
                        f"{', '.join(_RUN_OPTIONS + _PLACEMENT)} (it records no traces: use "
                        f"hh_brian.simulate with params= arrays for those)")
    run = {name: options[name] for name in _RUN_OPTIONS if name in options}
    run.setdefault("target", "cpp_standalone")
    placement = {name: options[name] for name in _PLACEMENT if name in options}
    return run, placement


def _per_point(run: dict, n: int, values: dict) -> None:
    """Move the arrays of ``params`` (one value per point) among the swept values."""
    params = dict(run.get("params") or {})
    for name, value in list(params.items()):
        if np.ndim(value) == 1 and np.size(value) == n:
            values[name] = params.pop(name)
    if params or "params" in run:
        run["params"] = params


def sweep(model, grid: dict, current=None, *, duration=None, product: bool = True,
          transient=None, block_level=BLOCK_LEVEL, **options):
    """Run every parameter set of a grid and label its measures: an :class:`xarray.Dataset`.

    Parameters
    ----------
    model : Model or str
    grid : dict of str to sequence of Quantity
        Values of each swept parameter. The special name ``"amplitude"`` sweeps the
        amplitude of ``current`` (a constant, step, pulse, protocol or noise stimulus).
    current : Stimulus or Quantity, optional
        The input, shared by all points unless ``"amplitude"`` is swept (default: the
        model's own).
    duration : Quantity (time), optional
        Default: the model's source duration.
    product : bool, default True
        True: every combination of the values, one dimension per name. False: the k-th
        values of every name together (one dimension, ``point``; all lists of one length).
    transient : Quantity (time), optional
        Start of the window of the rate and of repetitive firing (default: half the run).
    block_level : Quantity (voltage), default -50 mV
        See :mod:`hh_brian.regimes`.
    **options
        For every run: ``dt``, ``method``, ``target`` (default ``"cpp_standalone"``),
        ``params`` (fixed values), ``initial``, ``spike_threshold``. Where to run:
        ``client`` (a :class:`dask.distributed.Client`), ``chunk_size``, ``n_jobs``,
        ``store`` (a folder: finished chunks are kept, and a repeated call resumes),
        ``progress`` (see :func:`hh_brian.parallel.run_job`).

    Returns
    -------
    xarray.Dataset
        One variable per measure of :data:`hh_brian.regimes.MEASURES` (``spike_count``,
        ``rate``, ``first_spike``, ``v_peak``, ``v_end``, ``diverged``, ``diverged_at``,
        ``regime``), over one dimension per swept name; coordinates in the display units
        named by their ``units`` attribute. ``regime`` carries the CF attributes
        ``flag_values`` and ``flag_meanings``. ``to_netcdf`` writes it with scipy.

    Examples
    --------
    >>> from brian2 import mS, cm, uA, ms
    >>> from hh_brian.sweeps import sweep
    >>> ds = sweep("hodgkin_huxley", {"g_Na": [60, 120]*mS/cm**2, "amplitude": [3, 10]*uA/cm**2},
    ...            current=stimuli.constant(1*uA/cm**2), duration=200*ms, target="numpy")
    >>> ds.spike_count.dims, ds.g_Na.attrs["units"]
    (('g_Na', 'amplitude'), 'mS/cm^2')
    >>> at_120 = ds.sel(g_Na=120)
    >>> at_120.spike_count.values.tolist(), [REGIMES[k] for k in at_120.regime.values]
    ([1, 14], ['onset', 'repetitive'])
    """
    model = get_model(model)
    if not isinstance(grid, dict) or not grid:
        raise ValueError(f"grid: expected a non-empty dict of names to value lists, got {grid!r}")
    names = list(grid)
    columns = []
    for name in names:
        values = grid[name]
        if name == "amplitude":
            values = check_dimension(values, CURRENT_DENSITY, "grid['amplitude']")
        elif name not in model.params:
            raise ValueError(f"grid: unknown parameter {name!r} for {model.name}; valid: "
                             f"{', '.join(model.params)}, amplitude")
        else:
            values = check_dimension(values, model.params[name], f"grid[{name!r}]")
        if np.ndim(values) != 1 or len(values) == 0:
            raise ValueError(f"grid[{name!r}]: expected a non-empty 1-D list of values, got "
                             f"{values!r}")
        columns.append(values)
    if product:
        index = np.array(list(itertools.product(*[range(len(c)) for c in columns])))
    else:
        lengths = {len(c) for c in columns}
        if len(lengths) != 1:
            raise ValueError(f"grid: with product=False every list needs the same length; got "
                             f"{ {n: len(c) for n, c in zip(names, columns)} }")
        index = np.repeat(np.arange(lengths.pop())[:, None], len(columns), axis=1)
    per_point = {name: column[index[:, j]] for j, (name, column) in enumerate(zip(names, columns))}
    stimulus = stimuli.as_stimulus(current, default=model.default_current)
    if "amplitude" in per_point and not stimulus.separable:
        raise ValueError("grid['amplitude']: sweeping an amplitude needs a constant, step, "
                         "pulse, protocol or noise stimulus as current")
    for name in names:
        if name != "amplitude" and name in (options.get("params") or {}):
            raise ValueError(f"params: {name!r} is swept by the grid; give it once")
    run, placement = _job_options(options, "sweep")
    duration = model.duration if duration is None else duration
    job = Job(model, duration, stimulus, per_point, run, transient, block_level)
    measures = run_job(job, **placement)
    return _dataset(job, names, columns, product, measures)


def _dataset(job: Job, names: list, columns: list, product: bool, measures: dict):
    import xarray as xr

    shape = tuple(len(c) for c in columns) if product else (len(columns[0]),)
    dims = tuple(names) if product else ("point",)
    coords = {}
    for name, column in zip(names, columns):
        numbers, unit = to_display(column)
        coords[name] = ((name,) if product else ("point",), numbers, {"units": unit})
    data = {}
    for name, (unit, description) in MEASURES.items():
        attrs = {"units": unit, "long_name": description}
        if name == "regime":
            attrs.update(flag_values=np.arange(len(REGIMES), dtype=np.int8),
                         flag_meanings=" ".join(REGIMES))
        data[name] = (dims, measures[name].reshape(shape), attrs)
    transient = job.duration / 2 if job.transient is None else job.transient
    attrs = {"model": job.model.name, "duration_ms": float(job.duration / ms),
             "transient_ms": float(transient / ms),
             "block_level_mV": float(to_display(job.block_level)[0]),
             "current": type(job.stimulus).__name__
             + (", amplitude swept" if "amplitude" in names else ""),
             "target": str(job.options.get("target")),
             "regimes": "hh_brian.regimes: " + ", ".join(REGIMES)}
    for name in ("dt", "spike_threshold"):
        if name in job.options:
            numbers, unit = to_display(job.options[name])
            attrs[f"{name}_{unit}"] = float(numbers)
    for name, value in (job.options.get("params") or {}).items():
        numbers, unit = to_display(value)
        attrs[f"param_{name}"] = f"{float(numbers):g} {unit}"
    return xr.Dataset(data, coords=coords, attrs=attrs)


@dataclass(frozen=True)
class FICurve:
    """Firing rate against constant input current.

    Attributes
    ----------
    currents : Quantity
        The input currents (current density).
    rates : Quantity
        Firing rate after the transient (Hz); NaN where the integration diverged.
    spike_counts : masked array of int
        Spikes counted after the transient; masked where the integration diverged.
    transient, duration : Quantity
    diverged : ndarray of bool
        Where the integration diverged (no rate can be read off those runs).

    Examples
    --------
    >>> from brian2 import uA, cm, ms
    >>> fi = fi_curve("hodgkin_huxley", [10]*uA/cm**2, 200*ms, transient=50*ms, target="numpy")
    >>> fi.spike_counts.tolist(), fi.diverged.tolist()
    ([10], [False])
    """

    currents: Quantity
    rates: Quantity
    spike_counts: np.ma.MaskedArray
    transient: Quantity
    duration: Quantity
    diverged: np.ndarray


def fi_curve(model, currents, duration=1000 * ms, *, transient=200 * ms, **options) -> FICurve:
    """Firing rate for each constant current (spikes only are recorded).

    Parameters
    ----------
    model : Model or str
    currents : Quantity (current density), 1-D
    duration : Quantity (time), default 1 s
    transient : Quantity (time), default 200 ms
        Spikes before this time are not counted (the onset response).
    **options
        As for :func:`sweep`: ``dt``, ``method``, ``target``, ``params`` (fixed values, or
        one per current), ``initial``, ``spike_threshold``; ``client``, ``chunk_size``,
        ``n_jobs``, ``store``, ``progress``.

    Returns
    -------
    FICurve

    Examples
    --------
    >>> from brian2 import uA, cm, ms, Hz
    >>> from hh_brian.sweeps import fi_curve
    >>> fi = fi_curve("hodgkin_huxley", [0, 5, 10]*uA/cm**2, 300*ms, transient=100*ms,
    ...               target="numpy")
    >>> (fi.rates / Hz).round()
    array([ 0.,  0., 70.])
    """
    currents = check_dimension(currents, CURRENT_DENSITY, "currents")
    if np.ndim(currents) != 1 or len(currents) == 0:
        raise ValueError(f"currents: expected a 1-D array of current densities, got "
                         f"shape {np.shape(currents)}")
    transient = check_dimension(transient, ms, "transient")
    duration = check_dimension(duration, ms, "duration")
    if not 0 * ms <= transient < duration:
        raise ValueError(f"transient: expected 0 <= transient < duration ({duration}), got "
                         f"{transient}")
    run, placement = _job_options(options, "fi_curve")
    values = {"amplitude": currents}
    _per_point(run, len(currents), values)
    job = Job(get_model(model), duration, stimuli.constant(0 * CURRENT_DENSITY), values, run,
              transient)
    measures = run_job(job, **placement)
    window = float((duration - transient) / second)
    diverged = measures["diverged"]
    late = np.rint(np.nan_to_num(measures["rate"]) * window).astype(int)
    counts = np.ma.masked_array(late, mask=diverged)
    return FICurve(currents=currents, rates=measures["rate"] / second, spike_counts=counts,
                   transient=transient, duration=duration, diverged=diverged)


def rheobase(model, *, low=0 * CURRENT_DENSITY, high=50 * CURRENT_DENSITY,
             tolerance=0.01 * CURRENT_DENSITY, duration=200 * ms, batch: int = 16,
             **options) -> Quantity:
    """The smallest constant current that makes the model spike, to a stated tolerance.

    Each round runs ``batch`` currents evenly spread over the bracket [low, high] as one
    batch, and keeps the interval between the largest silent and the smallest firing
    current; rounds continue until it is narrower than ``tolerance``. The answer is the
    upper end of the final bracket: the smallest current known to fire.

    Parameters
    ----------
    model : Model or str
    low, high : Quantity (current density)
        Initial bracket: ``low`` must not fire, ``high`` must.
    tolerance : Quantity (current density)
    duration : Quantity (time)
        How long each current is applied; a spike anywhere in it counts.
    batch : int
        Currents per round (at least 3).
    **options
        As for :func:`fi_curve` (``params`` fixed values only).

    Returns
    -------
    Quantity

    Examples
    --------
    >>> from brian2 import uA, cm, ms
    >>> from hh_brian.sweeps import rheobase
    >>> I = rheobase("hodgkin_huxley", high=10*uA/cm**2, tolerance=0.05*uA/cm**2,
    ...              duration=100*ms, target="numpy")
    >>> 2 < float(I / (uA/cm**2)) < 3
    True
    """
    low = check_dimension(low, CURRENT_DENSITY, "low")
    high = check_dimension(high, CURRENT_DENSITY, "high")
    tolerance = check_dimension(tolerance, CURRENT_DENSITY, "tolerance")
    if not float(tolerance / CURRENT_DENSITY) > 0:
        raise ValueError(f"tolerance: expected a positive current density, got {tolerance}")
    if not low < high:
        raise ValueError(f"high: expected more than low ({low}), got {high}")
    if isinstance(batch, bool) or not isinstance(batch, (int, np.integer)) or batch < 3:
        raise ValueError(f"batch: expected at least 3 currents per round, got {batch!r}")
    duration = check_dimension(duration, ms, "duration")
    run, placement = _job_options(options, "rheobase")
    model = get_model(model)
    lo, hi = float(low / CURRENT_DENSITY), float(high / CURRENT_DENSITY)
    first = True
    while hi - lo > float(tolerance / CURRENT_DENSITY) or first:
        grid = np.linspace(lo, hi, int(batch))
        job = Job(model, duration, stimuli.constant(0 * CURRENT_DENSITY),
                  {"amplitude": grid * CURRENT_DENSITY}, run, 0 * ms)
        measures = run_job(job, **placement)
        if measures["diverged"].any():
            # A bisection cannot step over a run with no answer: say where and stop.
            neurons = np.flatnonzero(measures["diverged"]).tolist()
            raise IntegrationError(model.name, np.nanmin(measures["diverged_at"]) * ms,
                                   run.get("dt", 0.01 * ms), run.get("method", "euler"),
                                   neurons=neurons)
        fires = measures["spike_count"] > 0
        if first:
            if fires[0]:
                raise ValueError(f"low: the model already fires at {low}; lower it")
            if not fires[-1]:
                raise ValueError(f"high: the model does not fire at {high} within {duration}; "
                                 "raise it or lengthen duration")
            first = False
        k = int(np.argmax(fires))  # first firing current
        lo, hi = grid[k - 1], grid[k]
    return hi * CURRENT_DENSITY
