"""The classical bifurcation figure: v of equilibria and cycles, and the period, against a parameter.

Stable branches are solid, unstable ones dashed; equilibria are black, the highest and lowest
v of the cycles coloured; special points are marked and labelled (HB, LP, LPC, PD, TR, BP),
each label beside its point where it crosses no branch. With a
:class:`~hh_brian.bifurcation.bistability.Hysteresis`, a third panel shows the firing rate of
the simulated sweeps up and down.
"""

from __future__ import annotations

import numpy as np
from brian2 import Hz, mV, ms

from ..core.units import to_display, unit_text
from ..plotting import covers_data, place_legend
from .kinds import KIND_LABELS, KIND_NAMES

__all__ = ["plot_diagram"]

_CYCLE_COLOUR = "C0"
_POINT_COLOURS = {"hopf": "C3", "fold": "C2", "branch_point": "C7",
                  "limit_point_of_cycles": "C1", "period_doubling": "C4", "torus": "C5"}
#: Where a point's label may go, in the order tried: its offset from the point (points) and
#: alignment. Beside the point, then diagonally, above and below; then the same, further.
_LABEL_PLACES = [((sx * distance, sy * distance), ha, va) for distance in (5, 12)
                 for sx, sy, ha, va in ((-1, 0, "right", "center"), (1, 0, "left", "center"),
                                        (1, 1, "left", "bottom"), (-1, 1, "right", "bottom"),
                                        (1, -1, "left", "top"), (-1, -1, "right", "top"),
                                        (0, 1, "center", "bottom"), (0, -1, "center", "top"))]
#: Room left on either side of the parameter's range, as a fraction of it, so that a point
#: at an end of the range is not drawn on the frame.
_X_MARGIN = 0.015


def _segments(x, y, stable):
    """Runs of constant stability, each including its neighbour so lines join."""
    start = 0
    for i in range(1, len(stable) + 1):
        if i == len(stable) or stable[i] != stable[start]:
            stop = min(i + 1, len(stable))
            yield x[start:stop], y[start:stop], bool(stable[start])
            start = i


def _place_labels(ax, labels):
    """Label each point at the first of :data:`_LABEL_PLACES` where its label is inside the
    axes and covers no data, no other label and not the legend; if there is none, at the
    first place inside the axes clear of the other labels (or the first place).

    The figure's layout must be final: places are tested where the axes now are."""
    taken = [legend.get_window_extent() for legend in [ax.get_legend()] if legend]
    frame = ax.bbox

    def inside_and_apart(box):
        return (frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0
                and box.y1 <= frame.y1 and not any(box.overlaps(other) for other in taken))

    for text, xy, colour in labels:
        fallback = None
        for offset, ha, va in _LABEL_PLACES:
            label = ax.annotate(text, xy, textcoords="offset points", xytext=offset, ha=ha,
                                va=va, fontsize=8, color=colour)
            box = label.get_window_extent()
            label.remove()
            if inside_and_apart(box):
                if not covers_data(ax, box):
                    fallback = (offset, ha, va)
                    break
                fallback = fallback or (offset, ha, va)
        offset, ha, va = fallback or _LABEL_PLACES[0]
        label = ax.annotate(text, xy, textcoords="offset points", xytext=offset, ha=ha, va=va,
                            fontsize=8, color=colour)
        taken.append(label.get_window_extent())


def plot_diagram(d, hysteresis=None, axes=None, legend=True):
    """Draw a diagram; returns the Figure.

    Parameters
    ----------
    d : Diagram
        A diagram from :func:`hh_brian.bifurcation.diagrams.diagram`.
    hysteresis : Hysteresis, optional
        Firing rates of a simulated sweep up and down, drawn in a third panel.
    axes : sequence of Axes, optional
        Two axes (three with ``hysteresis``) to draw into; by default a new figure. The
        figure's layout is redone (``tight_layout``) and the points' labels placed for it.
    legend : bool
        Whether the v panel has the legend of the branches and points (inside the axes if a
        place there hides no data, else beside it). Figures of several diagrams side by side
        may want it once.

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
    seen, labels = set(), []
    for point in d.points:
        x = float(x_of(point.value))
        colour = _POINT_COLOURS[point.kind]
        seen.add(point.kind)
        ys = ([float(point.v_min / mV), float(point.v_max / mV)] if point.v_min is not None
              else [float(point.v / mV)])
        ax_v.plot([x] * len(ys), ys, "o", color=colour, markersize=5, zorder=3)
        labels.append((KIND_LABELS[point.kind], (x, ys[-1]), colour))
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
    axes[panels - 1].set_xlabel(f"{d.parameter} ({unit_text(unit)})")
    low, high = float(x_of(d.bounds[0])), float(x_of(d.bounds[1]))
    margin = _X_MARGIN * (high - low)
    for ax in axes[:panels]:
        ax.set_xlim(low - margin, high + margin)
    fig.tight_layout()
    # Inside the axes where they hide no data, else beside them (then the layout makes room).
    if legend:
        place_legend(ax_v, handles=handles, fontsize=7, frameon=False)
    if hysteresis is not None:
        place_legend(axes[2], fontsize=8, frameon=False)
    fig.tight_layout()
    _place_labels(ax_v, labels)
    return fig
