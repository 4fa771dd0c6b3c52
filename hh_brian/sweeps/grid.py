"""Parameter sweeps over a grid: one neuron per parameter set, an :class:`xarray.Dataset` back.

:func:`sweep` runs one neuron per parameter set, as batches (:mod:`hh_brian.sweeps.jobs`):
in this process, in a local pool of processes, or on a Dask cluster (``client=``, the
``dask`` extra), and returns an :class:`xarray.Dataset` labelled by the swept values, with
the measures and regimes of :mod:`hh_brian.sweeps.regimes`.
The traces of a small sweep come from :func:`hh_brian.simulate` with ``params=`` arrays
(one neuron per value), which is what a sweep runs.
"""

from __future__ import annotations

import itertools

import numpy as np
from brian2 import ms

from .. import stimuli
from ..core.units import CURRENT_DENSITY, check_dimension, to_display
from ..model.core import get_model
from .jobs import Job, make_job, run_job
from .regimes import BLOCK_LEVEL, MEASURES, REGIMES

__all__ = ["sweep"]


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
        See :mod:`hh_brian.sweeps.regimes`.
    **options
        For every run: ``dt``, ``method``, ``target`` (default ``"cpp_standalone"``),
        ``params`` (fixed values), ``initial``, ``spike_threshold``. Where to run:
        ``client`` (a :class:`dask.distributed.Client`), ``chunk_size``, ``n_jobs``,
        ``store`` (a folder: finished chunks are kept, and a repeated call resumes),
        ``progress`` (see :func:`hh_brian.sweeps.jobs.run_job`).

    Returns
    -------
    xarray.Dataset
        One variable per measure of :data:`hh_brian.sweeps.regimes.MEASURES` (``spike_count``,
        ``rate``, ``first_spike``, ``v_peak``, ``v_end``, ``v_average``, ``diverged``,
        ``diverged_at``, ``regime``), over one dimension per swept name; coordinates in the
        display units named by their ``units`` attribute. ``regime`` carries the CF attributes
        ``flag_values`` and ``flag_meanings``. ``to_netcdf`` writes it with scipy.

    Examples
    --------
    >>> from brian2 import mS, cm, uA, ms  # doctest: +SLOW
    >>> from hh_brian import stimuli
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
    fixed = dict(options.get("params") or {})
    for name in names:
        if name != "amplitude" and name in fixed:
            raise ValueError(f"params: {name!r} is swept by the grid; give it once")
    job, placement = make_job("sweep", model, duration, stimulus, per_point, options,
                              transient=transient, block_level=block_level)
    measures = run_job(job, **placement)
    return _dataset(job, names, columns, product, measures, fixed)


def _dataset(job: Job, names: list, columns: list, product: bool, measures: dict,
             fixed: dict):
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
    plan = job.plan
    transient = job.duration / 2 if job.transient is None else job.transient
    attrs = {"model": plan.model.name, "duration_ms": float(job.duration / ms),
             "transient_ms": float(transient / ms),
             "block_level_mV": float(to_display(job.block_level)[0]),
             "current": type(plan.stimulus).__name__
             + (", amplitude swept" if "amplitude" in names else ""),
             "target": plan.target.name, "method": plan.method,
             "regimes": "hh_brian.sweeps.regimes: " + ", ".join(REGIMES)}
    for name, value in (("dt", plan.dt), ("spike_threshold", plan.spike_threshold)):
        numbers, unit = to_display(value)
        attrs[f"{name}_{unit}"] = float(numbers)
    for name, value in fixed.items():
        numbers, unit = to_display(value)
        attrs[f"param_{name}"] = f"{float(numbers):g} {unit}"
    return xr.Dataset(data, coords=coords, attrs=attrs)
