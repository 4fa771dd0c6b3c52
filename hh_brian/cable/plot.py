"""The space–time figure of a propagated action potential."""

from __future__ import annotations

import numpy as np
from brian2 import mm, ms, mV

from ..core.units import unit_text
from ..plotting import pyplot

__all__ = ["plot_propagation", "plot_velocity"]


def plot_propagation(result, fig=None, positions=4):
    """v as an image over position and time, its trace at a few positions, and the arrival.

    Parameters
    ----------
    result : Propagation
        With ``v`` recorded.
    fig : Figure, optional
    positions : int
        How many positions get a trace (evenly spread along the axon).

    Returns
    -------
    Figure

    Examples
    --------
    >>> from brian2 import cm, ms
    >>> from hh_brian.cable import Axon, propagate
    >>> wave = propagate("passive_membrane", Axon(length=1*cm, compartments=20), 2*ms,
    ...                  target="numpy")
    >>> fig = plot_propagation(wave)
    >>> [ax.get_ylabel() for ax in fig.axes[:2]]
    ['position (mm)', '$v$ (mV)']
    """
    if "v" not in result.traces:
        raise ValueError("result: v was not recorded; propagate(..., record=['v'])")
    plt = pyplot()
    if fig is None:
        fig = plt.figure(figsize=(8, 6.4), layout="constrained")
    image_ax, trace_ax = fig.subplots(2, 1, sharex=True, height_ratios=[3, 2])
    t = np.asarray(result.t / ms)
    x = np.asarray(result.x / mm)
    v = np.asarray(result.v / mV)
    image = image_ax.pcolormesh(t, x, v, shading="nearest", cmap="viridis",
                                vmin=min(-90.0, v.min()), vmax=max(50.0, v.max()))
    arrival = np.asarray(result.arrival / ms)
    image_ax.plot(arrival, x, color="w", lw=1, ls="--", label="arrival")
    image_ax.set_ylabel("position (mm)")
    speed = float(result.velocity / (mm / ms))
    image_ax.set_title(f"{result.model.name}: "
                       + (f"{speed:.3g} m/s" if np.isfinite(speed) else "no propagation")
                       + f", {result.axon.compartments} compartments of "
                       f"{float(result.axon.compartment_length / mm):g} mm")
    fig.colorbar(image, ax=image_ax, label="$v$ (mV)")
    rows = np.unique(np.linspace(0, len(x) - 1, positions).round().astype(int))
    for row in rows:
        trace_ax.plot(t, v[row], lw=1, label=f"{x[row]:.3g} mm")
    trace_ax.set_xlabel("t (ms)")
    trace_ax.set_ylabel("$v$ (mV)")
    trace_ax.legend(fontsize="small", loc="upper right", frameon=False)
    return fig


def plot_velocity(dataset, x: str, ax=None, *, reference=None, label=None):
    """The conduction velocity of a one-dimensional :func:`~hh_brian.cable.velocity_sweep`
    against its swept name; where the action potential did not reach the far end, a cross
    on the axis.

    Parameters
    ----------
    dataset : xarray.Dataset
        With one dimension, ``x``.
    x : str
    ax : Axes, optional
    reference : sequence of (value, velocity, label), optional
        Points to mark (e.g. HH's computed and measured velocity).
    label : str, optional
        The curve's legend entry.

    Returns
    -------
    Axes

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> ds = xr.Dataset({"velocity": ("T", [12.3, 18.7, np.nan]),
    ...                  "reached_end": ("T", [True, True, False])},
    ...                 coords={"T": ("T", [6.3, 18.5, 35.0], {"units": "degC"})})
    >>> ax = plot_velocity(ds, "T")
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('T (°C)', 'conduction velocity (m/s)')
    """
    if list(dataset.velocity.dims) != [x]:
        raise ValueError(f"dataset: expected one dimension, {x!r}; got "
                         f"{list(dataset.velocity.dims)}")
    plt = pyplot()
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 4.2), layout="constrained")
    values = np.asarray(dataset[x].values, dtype=float)
    velocity = np.asarray(dataset.velocity.values, dtype=float)
    line, = ax.plot(values, velocity, "o-", ms=4, label=label)
    failed = ~np.asarray(dataset.reached_end.values, dtype=bool)
    if failed.any():
        ax.plot(values[failed], np.zeros(failed.sum()), "x", color=line.get_color(),
                label="no conduction to the far end")
    for value, speed, text in reference or ():
        ax.plot([value], [speed], "*", ms=10, label=text)
    unit = unit_text(dataset[x].attrs.get("units", ""))
    ax.set_xlabel(f"{x} ({unit})" if unit else x)
    ax.set_ylabel("conduction velocity (m/s)")
    ax.set_ylim(bottom=0)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize="small", frameon=False)
    return ax
