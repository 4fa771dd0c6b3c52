"""Many axons: the conduction velocity over a grid (an xarray map, here or on Dask), and the
temperature at which conduction fails.

Each point of :func:`velocity_sweep` is one :func:`~hh_brian.cable.propagate` run that keeps
no trace (the arrival times are measured while running), so a map of any size holds only
its numbers. The runs go where a sweep's chunks go (:func:`hh_brian.sweeps.jobs.map_tasks`):
this process, a local pool, or a Dask cluster; the compiled code is built once and shared
through Brian2's cache.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
from brian2 import Quantity, kelvin, mm, ms

from ..core.units import check_dimension, show_value, to_celsius, to_display
from ..model.core import get_model
from ..sweeps.jobs import map_tasks
from .axon import SQUID_AXON, Axon
from .propagation import axon_model, propagate

__all__ = ["AXON_DIMENSIONS", "HeatBlock", "block_temperature", "velocity_sweep"]

#: What a grid may sweep besides the model's parameters: the axon's own dimensions.
AXON_DIMENSIONS = ("diameter", "length", "R_i")
_SPEED = mm / ms  # m/s


def _point(settings, values):
    """One axon of the grid: its velocity (m/s), whether it reached the end, its arrival
    at the far end (ms)."""
    options, axon, model = settings
    geometry = {name: values.pop(name) for name in AXON_DIMENSIONS if name in values}
    if geometry:
        axon = axon.replace(**geometry)
    wave = propagate(model, axon, params=values, record=[], **options)
    return (float(wave.velocity / _SPEED), wave.reached_end,
            float(wave.arrival[-1] / ms))


def velocity_sweep(model="hodgkin_huxley", grid=None, axon: Axon = SQUID_AXON,
                   duration=10 * ms, *, client=None, n_jobs: int | None = 1, **options):
    """The conduction velocity at every point of a grid, as an ``xarray.Dataset``.

    Parameters
    ----------
    model : Model or str
    grid : mapping of str to Quantity arrays
        Values of the axon's ``diameter``, ``length`` or ``R_i``, or of the model's
        parameters (its temperature ``T`` among them); every combination is run.
    axon : Axon
        The axon whose dimensions the grid does not sweep (its compartment count is kept).
    duration : Quantity
    client : dask.distributed.Client, optional
        Run on this cluster (the ``dask`` extra).
    n_jobs : int or None, default 1
        Without a client: processes of a local pool (None: one per core).
    **options
        Passed to :func:`~hh_brian.cable.propagate`: ``current``, ``where``, ``dt``,
        ``method``, ``target``, ``params`` (fixed values), ``threshold``.

    Returns
    -------
    xarray.Dataset
        ``velocity`` (m/s; NaN where the wave did not cross the middle of the axon),
        ``reached_end`` and ``arrival_end`` (ms, at the far end), over one dimension per
        swept name; coordinates in display units (``units`` attribute).

    Examples
    --------
    >>> from brian2 import um, cm, ms
    >>> from hh_brian import celsius
    >>> from hh_brian.cable import Axon
    >>> ds = velocity_sweep("hodgkin_huxley", {"diameter": [238, 476]*um,
    ...                                        "T": celsius([6.3, 18.5])},
    ...                     Axon(length=2*cm, compartments=200), 5*ms)  # doctest: +SLOW
    >>> ds.velocity.dims, ds.velocity.attrs["units"]  # doctest: +SLOW
    (('diameter', 'T'), 'm/s')
    """
    model = get_model(model)
    if not isinstance(grid, dict) or not grid:
        raise ValueError("grid: expected a mapping of names to values, such as "
                         "{'diameter': [238, 476]*um}")
    if not isinstance(axon, Axon):
        raise TypeError(f"axon: expected an Axon, got {axon!r}")
    for name in ("record", "temperature", "model", "axon"):
        if name in options:
            raise ValueError(f"{name}: not an option of a velocity sweep (the grid sweeps the "
                             f"axon and the model's parameters; nothing is recorded)")
    fixed = dict(options.pop("params", None) or {})
    names, columns = list(grid), []
    for name in names:
        if name in fixed:
            raise ValueError(f"params: {name!r} is swept by the grid; give it once")
        if name not in AXON_DIMENSIONS and name not in model.params:
            raise ValueError(f"grid: unknown name {name!r}; valid: "
                             f"{', '.join(AXON_DIMENSIONS + tuple(model.params))}")
        unit = getattr(axon, name) if name in AXON_DIMENSIONS else model.params[name]
        column = check_dimension(grid[name], unit, f"grid[{name!r}]")
        if np.ndim(column) != 1 or len(column) < 1:
            raise ValueError(f"grid[{name!r}]: expected a list of values, got {grid[name]!r}")
        columns.append(column)
    points = [dict(zip(names, values)) for values in itertools.product(*columns)]
    # Every point is checked here, before anything is compiled (a geometry by the Axon, the
    # parameters by the model, the options by propagate's own checks on a dry run).
    for values in points:
        geometry = {n: values[n] for n in AXON_DIMENSIONS if n in values}
        if geometry:
            axon.replace(**geometry)
        axon_model(model, {**fixed, **{n: v for n, v in values.items()
                                          if n not in AXON_DIMENSIONS}}, None)
    settings = (dict(options, duration=duration), axon, model)
    tasks = [({**fixed, **values},) for values in points]
    results = list(map_tasks(_indexed_point, settings, list(enumerate(tasks)),
                             client=client, n_jobs=n_jobs))
    results.sort(key=lambda item: item[0])
    return _dataset(model, axon, duration, names, columns, [r[1] for r in results], fixed)


def _indexed_point(settings, k, arguments):
    return k, _point(settings, dict(arguments[0]))


def _dataset(model, axon, duration, names, columns, measures, fixed):
    import xarray as xr

    shape = tuple(len(c) for c in columns)
    coords = {}
    for name, column in zip(names, columns):
        numbers, unit = to_display(column)
        coords[name] = ((name,), numbers, {"units": unit})
    velocity, reached, arrival = (np.array(column).reshape(shape) for column in zip(*measures))
    data = {
        "velocity": (tuple(names), velocity,
                     {"units": "m/s", "long_name": "conduction velocity"}),
        "reached_end": (tuple(names), reached.astype(bool),
                        {"long_name": "the action potential reached the far end"}),
        "arrival_end": (tuple(names), arrival,
                        {"units": "ms", "long_name": "arrival at the far end"}),
    }
    attrs = {"model": model.name, "axon": str(axon), "duration_ms": float(duration / ms)}
    for name, value in fixed.items():
        numbers, unit = to_display(value)
        attrs[f"param_{name}"] = f"{float(numbers):g} {unit}"
    return xr.Dataset(data, coords=coords, attrs=attrs)


@dataclass(frozen=True)
class HeatBlock:
    """Where conduction fails as the axon warms: the warmest temperature found to conduct
    and the coolest found not to, at most ``tolerance`` apart.

    Examples
    --------
    >>> from hh_brian import celsius
    >>> block = HeatBlock(conducts=celsius(32.5), fails=celsius(32.6))
    >>> block
    HeatBlock(conducts at 32.5 degC, fails at 32.6 degC)
    >>> round(float(to_celsius(block.temperature)), 2)
    32.55
    """

    conducts: Quantity
    fails: Quantity

    @property
    def temperature(self) -> Quantity:
        """The middle of the bracket."""
        return (self.conducts + self.fails) / 2

    def __repr__(self):
        return (f"HeatBlock(conducts at {float(to_celsius(self.conducts)):.4g} degC, fails at "
                f"{float(to_celsius(self.fails)):.4g} degC)")


def block_temperature(model="hodgkin_huxley", axon: Axon = SQUID_AXON, low=None, high=None,
                      tolerance=0.05 * kelvin, duration=10 * ms, **options) -> HeatBlock:
    """The temperature above which the action potential no longer reaches the far end, by
    bisection between ``low`` (where it must) and ``high`` (where it must not).

    Parameters
    ----------
    model : Model or str
    axon : Axon
    low, high : Quantity (kelvin)
        The bracket; default 20 °C and 45 °C.
    tolerance : Quantity (kelvin)
        The width at which the bisection stops.
    duration : Quantity
        Of each run: long enough for a wave to cross the axon.
    **options
        Passed to :func:`~hh_brian.cable.propagate`.

    Returns
    -------
    HeatBlock

    Examples
    --------
    >>> from hh_brian import celsius
    >>> block_temperature(low=celsius(30), high=celsius(35))  # doctest: +SLOW
    HeatBlock(conducts at 33.44 degC, fails at 33.48 degC)
    """
    from ..core.units import celsius

    low = celsius(20) if low is None else check_dimension(low, kelvin, "low")
    high = celsius(45) if high is None else check_dimension(high, kelvin, "high")
    tolerance = check_dimension(tolerance, kelvin, "tolerance")
    if not float(tolerance / kelvin) > 0:
        raise ValueError(f"tolerance: expected a positive temperature difference, got "
                         f"{show_value(tolerance)}")
    if not low < high:
        raise ValueError(f"low, high: expected low < high, got {show_value(low)} and "
                         f"{show_value(high)}")
    for name in ("record", "temperature"):
        if name in options:
            raise ValueError(f"{name}: not an option of block_temperature")
    model = axon_model(model, options.pop("params", None), None)

    def conducts(temperature) -> bool:
        wave = propagate(model, axon, duration, temperature=temperature, record=[],
                         **options)
        return wave.reached_end

    if not conducts(low):
        raise ValueError(f"low: the action potential does not reach the far end at "
                         f"{show_value(low)} either; choose a cooler low")
    if conducts(high):
        raise ValueError(f"high: the action potential still reaches the far end at "
                         f"{show_value(high)}; choose a warmer high")
    while high - low > tolerance:
        middle = (low + high) / 2
        if conducts(middle):
            low = middle
        else:
            high = middle
    return HeatBlock(conducts=low, fails=high)
