"""The space–time figure of a propagated action potential."""

from __future__ import annotations

import numpy as np
from brian2 import mm, ms, mV

from ..plotting import pyplot

__all__ = ["plot_propagation"]


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
