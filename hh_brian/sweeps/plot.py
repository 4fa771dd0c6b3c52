"""Figures of many runs: an f–I curve, and the regime map of a sweep."""

from __future__ import annotations

import numpy as np

from ..core.units import CURRENT_DENSITY, unit_text
from ..plotting import CURRENT_LABEL, new_axes, pyplot
from .regimes import REGIMES

__all__ = ["REGIME_COLOURS", "plot_fi_curve", "plot_regime_map"]


def plot_fi_curve(fi, ax=None, label=None):
    """Firing rate against input current, from :func:`hh_brian.sweeps.fi_curve`.

    Returns
    -------
    Axes

    Examples
    --------
    >>> from brian2 import uA, cm, ms
    >>> from hh_brian.sweeps import fi_curve
    >>> ax = plot_fi_curve(fi_curve("passive_membrane", [0, 5]*uA/cm**2, 20*ms,
    ...                             transient=5*ms, target="numpy"))
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('input current (µA/cm²)', 'firing rate (Hz)')
    """
    from brian2 import Hz

    ax = new_axes(ax)
    ax.plot(fi.currents / CURRENT_DENSITY, fi.rates / Hz, "o-", label=label)
    ax.set_xlabel(f"input current ({CURRENT_LABEL})")
    ax.set_ylabel("firing rate (Hz)")
    return ax


#: The colour of each regime of :mod:`hh_brian.sweeps.regimes` in a map.
REGIME_COLOURS = {"rest": "#d9d9d9", "onset": "#9ecae1", "repetitive": "#e6550d",
                  "block": "#756bb1", "diverged": "#000000"}


def plot_regime_map(dataset, x: str, y: str, panels: str | None = None, fig=None):
    """The regime of every point of a sweep over two parameters, one panel per value of a
    third.

    Parameters
    ----------
    dataset : xarray.Dataset
        From :func:`hh_brian.sweeps.sweep` with ``product=True``.
    x, y : str
        The swept names on the axes.
    panels : str, optional
        The third swept name: one panel per value. Needed when the sweep has three
        dimensions.
    fig : Figure, optional

    Returns
    -------
    Figure

    Examples
    --------
    >>> from brian2 import mS, cm, uA, ms  # doctest: +SLOW
    >>> from hh_brian import stimuli
    >>> from hh_brian.sweeps import sweep
    >>> ds = sweep("hodgkin_huxley", {"g_Na": [60, 120]*mS/cm**2, "g_K": [20, 36]*mS/cm**2,
    ...                               "amplitude": [0, 10]*uA/cm**2}, duration=50*ms,
    ...            current=stimuli.constant(1*uA/cm**2), target="numpy", transient=25*ms)
    >>> fig = plot_regime_map(ds, "g_Na", "g_K", panels="amplitude")
    >>> [ax.get_title() for ax in fig.axes[:2]]
    ['amplitude = 0 µA/cm²', 'amplitude = 10 µA/cm²']
    """
    from matplotlib.colors import BoundaryNorm, ListedColormap
    from matplotlib.patches import Patch

    regime = dataset["regime"]
    others = [d for d in regime.dims if d not in (x, y)]
    for name, argument in ((x, "x"), (y, "y")):
        if name not in regime.dims:
            raise ValueError(f"{argument}: expected one of the swept names {list(regime.dims)}, "
                             f"got {name!r}")
    if panels is None and others:
        raise ValueError(f"panels: the sweep also varies {others}; name the one to lay out "
                         f"as panels")
    if panels is not None and (panels not in others or len(others) != 1):
        raise ValueError(f"panels: expected the third swept name {others}, got {panels!r}")
    values = dataset[panels].values if panels is not None else [None]

    def unit(name):
        return unit_text(dataset[name].attrs.get("units", ""))

    plt = pyplot()
    if fig is None:
        columns = min(len(values), 4)
        rows = -(-len(values) // columns)
        fig = plt.figure(figsize=(3.3 * columns + 1.6, 3.0 * rows), layout="constrained")
    axes = fig.subplots(-(-len(values) // min(len(values), 4)), min(len(values), 4),
                        squeeze=False, sharex=True, sharey=True).ravel()
    colours = ListedColormap([REGIME_COLOURS[name] for name in REGIMES])
    norm = BoundaryNorm(np.arange(len(REGIMES) + 1) - 0.5, len(REGIMES))
    for ax, value in zip(axes, values):
        plane = regime if value is None else regime.sel({panels: value})
        plane = plane.transpose(y, x)
        ax.pcolormesh(dataset[x].values, dataset[y].values, plane.values, cmap=colours,
                      norm=norm, shading="nearest")
        if value is not None:
            ax.set_title(f"{panels} = {value:g} {unit(panels)}")
    for ax in axes[len(values):]:
        ax.set_visible(False)
    for ax in axes[::min(len(values), 4)]:
        ax.set_ylabel(f"{y} ({unit(y)})")
    for ax in axes[:len(values)]:
        ax.set_xlabel(f"{x} ({unit(x)})")
    fig.legend(handles=[Patch(color=REGIME_COLOURS[name], label=name) for name in REGIMES],
               loc="outside right center", frameon=False)
    fig.suptitle(f"{dataset.attrs.get('model', '')}: firing regime over "
                 f"{dataset.attrs.get('duration_ms', float('nan')):g} ms")
    return fig
