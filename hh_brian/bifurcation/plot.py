"""The classical bifurcation figure: v of equilibria and cycles, and the period, against a parameter.

Stable branches are solid, unstable ones dashed; equilibria are black, the highest and lowest
v of the cycles coloured; special points are marked and labelled (HB, LP, LPC, PD, TR, BP).
With a :class:`~hh_brian.bifurcation.bistability.Hysteresis`, a third panel shows the firing
rate of the simulated sweeps up and down.
"""

from __future__ import annotations

import numpy as np
from brian2 import Hz, mV, ms

from ..core.units import to_display
from .kinds import KIND_LABELS, KIND_NAMES

__all__ = ["plot_diagram"]

_CYCLE_COLOUR = "C0"
_POINT_COLOURS = {"hopf": "C3", "fold": "C2", "branch_point": "C7",
                  "limit_point_of_cycles": "C1", "period_doubling": "C4", "torus": "C5"}


def _segments(x, y, stable):
    """Runs of constant stability, each including its neighbour so lines join."""
    start = 0
    for i in range(1, len(stable) + 1):
        if i == len(stable) or stable[i] != stable[start]:
            stop = min(i + 1, len(stable))
            yield x[start:stop], y[start:stop], bool(stable[start])
            start = i


def plot_diagram(d, hysteresis=None, axes=None):
    """Draw a diagram; returns the Figure.

    Parameters
    ----------
    d : Diagram
        A diagram from :func:`hh_brian.bifurcation.diagrams.diagram`.
    hysteresis : Hysteresis, optional
        Firing rates of a simulated sweep up and down, drawn in a third panel.
    axes : sequence of Axes, optional
        Two axes (three with ``hysteresis``) to draw into; by default a new figure.

    Examples
    --------
    >>> from brian2 import uA, cm
    >>> from hh_brian.bifurcation import diagram
    >>> d = diagram("hh_2d_reduction_model7", "I_stim", (0*uA/cm**2, 20*uA/cm**2),
    ...             cycles=False)
    >>> fig = d.plot()
    >>> [ax.get_ylabel() for ax in fig.axes]
    ['v (mV)', 'period (ms)']
    """
    import matplotlib.pyplot as plt

    if hysteresis is not None and hysteresis.parameter != d.parameter:
        raise ValueError(f"hysteresis: a sweep of {hysteresis.parameter} cannot be drawn on a "
                         f"diagram in {d.parameter}")
    panels = 3 if hysteresis is not None else 2
    if axes is None:
        fig, axes = plt.subplots(panels, 1, sharex=True, figsize=(7, 2.6 * panels + 0.8),
                                 gridspec_kw={"height_ratios": [2] + [1] * (panels - 1)})
    else:
        fig = axes[0].figure
    ax_v, ax_period = axes[0], axes[1]
    _, unit = to_display(d.bounds[0])

    def x_of(values):
        return np.asarray(to_display(values)[0], dtype=float)

    for branch in d.equilibria:
        for x, y, stable in _segments(x_of(branch.values), np.asarray(branch.v / mV),
                                      branch.stable):
            ax_v.plot(x, y, color="k", linestyle="-" if stable else "--", linewidth=1.4)
    for branch in d.cycles:
        x = x_of(branch.values)
        for values in (branch.v_max, branch.v_min):
            for xs, ys, stable in _segments(x, np.asarray(values / mV), branch.stable):
                ax_v.plot(xs, ys, color=_CYCLE_COLOUR, linestyle="-" if stable else "--",
                          linewidth=1.2)
        for xs, ys, stable in _segments(x, np.asarray(branch.period / ms), branch.stable):
            ax_period.plot(xs, ys, color=_CYCLE_COLOUR, linestyle="-" if stable else "--",
                           linewidth=1.2)
    seen = set()
    for point in d.points:
        x = float(x_of(point.value))
        colour = _POINT_COLOURS[point.kind]
        seen.add(point.kind)
        ys = ([float(point.v_min / mV), float(point.v_max / mV)] if point.v_min is not None
              else [float(point.v / mV)])
        ax_v.plot([x] * len(ys), ys, "o", color=colour, markersize=5, zorder=3)
        ax_v.annotate(KIND_LABELS[point.kind], (x, ys[-1]), textcoords="offset points",
                      xytext=(4, 4), fontsize=8, color=colour)
        if point.period is not None and (point.kind != "hopf" or d.cycles):
            ax_period.plot([x], [float(point.period / ms)], "o", color=colour, markersize=4)
    ax_v.set_ylabel("v (mV)")
    ax_period.set_ylabel("period (ms)")
    ax_v.set_title(f"{d.model.title}\nbifurcation diagram in {d.parameter}", fontsize=10)
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color="k", label="equilibria: stable"),
               Line2D([], [], color="k", linestyle="--", label="unstable")]
    if d.cycles:
        handles.append(Line2D([], [], color=_CYCLE_COLOUR, label="cycles: max and min v"))
    handles += [Line2D([], [], marker="o", linestyle="", color=_POINT_COLOURS[kind],
                       label=KIND_NAMES[kind]) for kind in _POINT_COLOURS if kind in seen]
    ax_v.legend(handles=handles, loc="best", fontsize=7, frameon=False)
    if not d.cycles:
        note = "no Hopf point: no cycles" if d.cycles_computed else "cycles not computed"
        ax_period.text(0.5, 0.5, note, transform=ax_period.transAxes,
                       ha="center", va="center", color="0.5")
    if hysteresis is not None:
        ax_rate = axes[2]
        values = x_of(hysteresis.values)
        ax_rate.plot(values, np.asarray(hysteresis.rate_up / Hz), "^-", color="C2",
                     label="simulated, sweep up", markersize=4)
        ax_rate.plot(values, np.asarray(hysteresis.rate_down / Hz), "v--", color="C3",
                     label="simulated, sweep down", markersize=4)
        ax_rate.set_ylabel("rate (Hz)")
        ax_rate.legend(loc="best", fontsize=8, frameon=False)
    axes[panels - 1].set_xlabel(f"{d.parameter} ({unit})")
    low, high = x_of(d.bounds[0]), x_of(d.bounds[1])
    for ax in axes[:panels]:
        ax.set_xlim(float(low), float(high))
    fig.tight_layout()
    return fig
