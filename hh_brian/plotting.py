"""Figures of a run and of a model's analysis. Functions take ``axes``/``fig`` (created when
None), return what they drew, label every axis with its unit and never call ``show()``.

The figures of many runs are :mod:`hh_brian.sweeps.plot`'s; those that reproduce the source
notebook's own figures are :mod:`hh_brian.course.notebook_figures`'s. Both use the helpers
here (:func:`new_axes`, :func:`tex_name`, :data:`CURRENT_LABEL`, :func:`place_legend`, …),
so that every figure of the package writes units and names alike, and keeps its legends off
the data.
"""

from __future__ import annotations

import numpy as np
from brian2 import mm, mV, ms, nA

from . import analysis
from ._compat import moved_names
from .analysis import gate_curves
from .core.units import CURRENT_DENSITY, to_display, unit_text
from .model.core import get_model

__all__ = [
    "OUTSIDE_PLACES",
    "covers_data",
    "place_legend",
    "plot_dvdt",
    "plot_gate_curves",
    "plot_model_figure",
    "plot_phase_plane",
    "plot_result",
]

#: How every figure writes a current density.
CURRENT_LABEL = unit_text(to_display(CURRENT_DENSITY)[1])
#: The 2D-reduction notebook's current unit (1 µA/cm² = 10 nA/mm²).
NOTEBOOK_CURRENT = nA / mm**2
#: The unit of dV/dt in figures.
RATE_UNIT = mV / ms


def pyplot():
    """matplotlib's pyplot, imported when a figure is first drawn."""
    import matplotlib.pyplot as plt

    return plt


def _neurons(values):
    """Rows to draw: a single trace, or every neuron of a batch."""
    arr = np.asarray(values)
    return arr if arr.ndim == 2 else arr[None, :]


def plot_result(result, axes=None):
    """Injected current, membrane currents and v against time, in three stacked axes.

    A trace that was not recorded is left out (the injected current is recomputed from the
    run's stimulus); a neuron that diverged is drawn up to its divergence.

    Parameters
    ----------
    result : SimulationResult
    axes : sequence of 3 Axes, optional
        Created in a new figure when omitted.

    Returns
    -------
    array of Axes

    Examples
    --------
    >>> from brian2 import ms
    >>> from hh_brian import simulate
    >>> axes = plot_result(simulate("passive_membrane", 5*ms, target="numpy"))
    >>> axes[2].get_ylabel()
    '$v$ (mV)'
    """
    if axes is None:
        _, axes = pyplot().subplots(3, 1, sharex=True, figsize=(8, 6), layout="constrained")
    t = np.asarray(result.t / ms)
    ax_input, ax_currents, ax_v = axes
    for row in _neurons(_injected(result) / CURRENT_DENSITY):
        ax_input.plot(t, row, color=None if result.batch else "k", lw=1)
    ax_input.set_ylabel(f"$I_{{stim}}$ ({CURRENT_LABEL})")
    for name, values in result.currents.items():
        for j, row in enumerate(_neurons(values / CURRENT_DENSITY)):
            ax_currents.plot(t, row, lw=1, label=f"${tex_name(name)}$" if j == 0 else None)
    sign = "outward" if result.model.current_sign > 0 else "inward"
    ax_currents.set_ylabel(f"membrane currents\n({CURRENT_LABEL}, {sign} +)")
    if result.currents:
        place_legend(ax_currents, where=("beside",))
    else:
        _not_recorded(ax_currents, "membrane currents")
    if "v" in result.traces:
        for row in _neurons(result.v / mV):
            ax_v.plot(t, row, lw=1)
    else:
        _not_recorded(ax_v, "v")
    ax_v.set_ylabel("$v$ (mV)")
    ax_v.set_xlabel("time (ms)")
    return np.asarray(axes)


def _injected(result):
    """The injected current at the sample times, recorded or recomputed from the stimulus."""
    if "I_stim" in result.traces:
        return result.I_stim
    n_steps = int(round(float(result.duration / result.dt)))
    every = int(round(float(result.record_dt / result.dt)))
    return result.current.samples(n_steps, result.dt)[..., ::every]


def _not_recorded(ax, what):
    ax.text(0.5, 0.5, f"{what}: not recorded", transform=ax.transAxes, ha="center",
            va="center", color="0.4")


def plot_gate_curves(model, v=None, axes=None):
    """Steady state and time constant of every gate over a range of membrane potentials.

    Parameters
    ----------
    model : Model or str
    v : Quantity (voltage), optional
        Potentials to evaluate; default -90 mV to 90 mV, as in the source figures.
    axes : sequence of 2 Axes, optional

    Returns
    -------
    array of Axes

    Examples
    --------
    >>> axes = plot_gate_curves("hodgkin_huxley")
    >>> print(*[line.get_label() for line in axes[0].lines])
    ${n}_\\infty$ ${m}_\\infty$ ${h}_\\infty$
    """
    if v is None:
        v = np.arange(-90, 90, 0.1) * mV
    if axes is None:
        _, axes = pyplot().subplots(2, 1, sharex=True, figsize=(8, 4), layout="constrained")
    ax_inf, ax_tau = axes
    for gate, curves in gate_curves(model, v).items():
        ax_inf.plot(v / mV, curves["steady_state"], label=f"${{{tex_name(gate)}}}_\\infty$")
        ax_tau.plot(v / mV, curves["time_constant"] / ms, label=f"$\\tau_{{{tex_name(gate)}}}$")
    ax_inf.set_ylabel("steady state")
    ax_tau.set_ylabel("time constant (ms)")
    ax_tau.set_xlabel("$v$ (mV)")
    for ax in axes:
        place_legend(ax, where=("beside",))
    return np.asarray(axes)


def plot_model_figure(result, fig=None):
    """The source's figure for one model, from a simulation result.

    Gate steady states and time constants against v (for a single neuron of a model with
    gates: a batch's neurons may each have other curves), then the injected current, the
    membrane currents, v, and the gates against time; titled with the model. The legends
    stand beside the axes, off the traces: a figure passed in as ``fig`` needs a layout that
    makes room for them (``layout="constrained"``, as a new one has) or
    ``bbox_inches="tight"`` when saved.

    Returns
    -------
    Figure

    Examples
    --------
    >>> from brian2 import ms
    >>> from hh_brian import simulate
    >>> fig = plot_model_figure(simulate("gated_conductance", 10*ms, target="numpy"))
    >>> len(fig.axes)  # gate curves (2), input, currents, v, gates
    6
    >>> fig.get_suptitle()
    'neuron_func_3: One voltage-gated conductance'
    """
    model = result.model
    gates = [gate for gate in model.gates if gate in result.traces]
    curves = bool(model.gates) and not result.batch
    n_rows = 3 + 2 * curves + bool(gates)
    if fig is None:
        # The constrained layout makes room for the legends beside the axes.
        fig = pyplot().figure(figsize=(8, 1.7 * n_rows + 0.6), layout="constrained")
    grid = fig.add_gridspec(n_rows, 1)
    rows = [fig.add_subplot(grid[k]) for k in range(n_rows)]
    if curves:
        plot_gate_curves(model, axes=rows[:2])
    time_axes = rows[2 * curves:2 * curves + 3]
    plot_result(result, axes=time_axes)
    if gates:
        t = np.asarray(result.t / ms)
        ax = rows[-1]
        for gate in gates:
            for j, row in enumerate(_neurons(getattr(result, gate))):
                ax.plot(t, row, lw=1, label=f"${tex_name(gate)}$" if j == 0 else None)
        ax.set_ylabel("gates")
        ax.set_xlabel("time (ms)")
        place_legend(ax, where=("beside",))
        time_axes[-1].set_xlabel("")
        for a in time_axes:
            a.sharex(ax)
    fig.suptitle(f"{model.source_name}: {model.title}")
    return fig


#: The places outside an axes where :func:`place_legend` may put its legend: the legend's
#: corner (``loc``) and where it goes, in axes coordinates.
OUTSIDE_PLACES = {"beside": ("upper left", (1.01, 1)), "above": ("lower right", (1, 1.01))}


def place_legend(ax, where=("best", "beside"), **options):
    """Give ``ax`` its legend at the first place of ``where`` where it hides none of the data.

    A place is one of matplotlib's inside the axes (``"best"``, ``"upper left"``, …), taken
    if the legend covers no data there (:func:`covers_data`, tested where the figure's layout
    puts the axes now), or one of :data:`OUTSIDE_PLACES`, always taken: ``"beside"``, right
    of the top corner, or ``"above"``, over the right end, in one row. The last place is
    taken if none is free. The figure's layout (``layout="constrained"``, ``tight_layout``
    or ``bbox_inches="tight"`` on saving) makes room for a legend outside.

    Parameters
    ----------
    ax : Axes
    where : sequence of str
    **options
        For :meth:`~matplotlib.axes.Axes.legend` (e.g. ``handles``, ``fontsize``).

    Returns
    -------
    Legend

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([0, 1], [1, 1], label="high")
    >>> _ = ax.plot([0, 1], [0, 0], label="low")
    >>> box = place_legend(ax, where=("upper left", "center left")).get_window_extent()
    >>> covers_data(ax, box), bool(ax.bbox.y0 < box.y0 < box.y1 < ax.bbox.y1)  # centre left
    (False, True)
    >>> box = place_legend(ax, where=("beside",)).get_window_extent()
    >>> bool(box.x0 > ax.bbox.x1)
    True
    """
    if any(place not in OUTSIDE_PLACES for place in where):
        ax.figure.draw_without_rendering()  # so that the axes are where they will be drawn
    options = {"fontsize": "small", **options}
    for place in where:
        if place in OUTSIDE_PLACES:
            loc, anchor = OUTSIDE_PLACES[place]
            entries = len(options.get("handles") or ax.get_legend_handles_labels()[0])
            return ax.legend(**{"loc": loc, "bbox_to_anchor": anchor, "borderaxespad": 0,
                                "frameon": False,
                                "ncols": entries if place == "above" else 1, **options})
        legend = ax.legend(loc=place, **options)
        if place == where[-1] or not covers_data(ax, legend.get_window_extent()):
            return legend
    raise ValueError(f"where: expected at least one place, got {where!r}")


def covers_data(ax, box) -> bool:
    """Whether ``box`` (a Bbox in display coordinates, e.g. a legend's or a label's window
    extent) covers any of ``ax``'s data where the axes shows it.

    Data are the lines drawn in the axes' data coordinates (their segments, or their markers
    for a line without a line style) and the points of scatter plots, inside the axes if they
    are clipped there. Lines that span the axes whatever the data (``axhline``, ``axvline``),
    vector fields, images and shaded bands are background: they are not counted.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from matplotlib.transforms import Bbox
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot([0, 1], [0, 1])
    >>> middle, corner = Bbox.from_bounds(0.4, 0.4, 0.2, 0.2), Bbox.from_bounds(0.8, 0, 0.2, 0.2)
    >>> [covers_data(ax, ax.transData.transform_bbox(b)) for b in (middle, corner)]
    [True, False]
    """
    from matplotlib.collections import PathCollection
    from matplotlib.quiver import Quiver

    for line in ax.lines:
        if not line.get_visible() or line.get_transform() != ax.transData:
            continue
        xy = ax.transData.transform(np.asarray(line.get_xydata(), dtype=float))
        if line.get_linestyle() in ("None", "none", "", " "):
            start = end = xy
        else:
            start, end = xy[:-1], xy[1:]
        if _segments_meet(start, end, _where_shown(box, ax, line)):
            return True
    for collection in ax.collections:
        if (isinstance(collection, PathCollection) and not isinstance(collection, Quiver)
                and collection.get_visible()):
            xy = collection.get_offset_transform().transform(
                np.asarray(collection.get_offsets(), dtype=float))
            if _segments_meet(xy, xy, _where_shown(box, ax, collection)):
                return True
    return False


def _where_shown(box, ax, artist):
    """The part of ``box`` where ``artist`` is drawn (None if nowhere)."""
    from matplotlib.transforms import Bbox

    return Bbox.intersection(box, ax.bbox) if artist.get_clip_on() else box


def _segments_meet(start, end, box) -> bool:
    """Whether any segment from ``start[k]`` to ``end[k]`` (a point where they are equal)
    meets ``box``: each segment clipped to the box (Liang–Barsky), all at once. A segment
    with a non-finite end is a gap, as matplotlib draws it."""
    if box is None or len(start) == 0:
        return False
    finite = np.isfinite(start).all(axis=1) & np.isfinite(end).all(axis=1)
    start, end = start[finite], end[finite]
    step = end - start
    enter, leave = np.zeros(len(start)), np.ones(len(start))
    for k, (low, high) in enumerate(((box.x0, box.x1), (box.y0, box.y1))):
        still = step[:, k] == 0
        inside = (start[:, k] >= low) & (start[:, k] <= high)
        with np.errstate(divide="ignore", invalid="ignore"):
            a = (low - start[:, k]) / step[:, k]
            b = (high - start[:, k]) / step[:, k]
        enter = np.maximum(enter, np.where(still, np.where(inside, -np.inf, np.inf),
                                           np.minimum(a, b)))
        leave = np.minimum(leave, np.where(still, np.where(inside, np.inf, -np.inf),
                                           np.maximum(a, b)))
    return bool(np.any(enter <= leave))


def tex_name(name: str) -> str:
    """'I_Na' -> 'I_{Na}', 'a_act' -> 'a_{act}' for mathtext labels."""
    head, _, rest = name.partition("_")
    return f"{head}_{{{rest}}}" if rest else head


# --------------------------------------------------------------------------------------------
# dV/dt and the phase plane


def new_axes(ax):
    """``ax``, or new axes of the package's usual size when it is None."""
    if ax is None:
        _, ax = pyplot().subplots(figsize=(6.4, 4.2))
    return ax


def dvdt_axes(ax):
    """Label ``ax`` for dV/dt against V, with the line dV/dt = 0."""
    ax.axhline(0, color="k", lw=0.8)
    ax.set_xlabel("$V$ (mV)")
    ax.set_ylabel(r"$\dot V$ (mV/ms)")
    return ax


def plot_dvdt(model, v=None, current=0 * NOTEBOOK_CURRENT, *, ax=None, label=None,
              mark_fixed_points=True, **held):
    """dV/dt against V for one slice, with its fixed points marked.

    Stable fixed points are filled circles, unstable ones open circles.

    Parameters
    ----------
    model : Model or str
    v : Quantity (voltage), optional
        Default -100 mV to 5 mV, as in the notebook.
    current : Quantity (current density)
    ax : Axes, optional
    label : str, optional
    mark_fixed_points : bool
    **held : float
        Gates held fixed, e.g. ``n=0``.

    Returns
    -------
    Axes

    Examples
    --------
    >>> ax = plot_dvdt("hh_2d_reduction", n=0)
    >>> print(ax.get_ylabel())
    $\\dot V$ (mV/ms)
    """
    ax = dvdt_axes(new_axes(ax))
    if v is None:
        v = np.linspace(-100, 5, 1000) * mV
    rate = analysis.dv_dt(model, v, current, **held)
    (line,) = ax.plot(v / mV, rate / RATE_UNIT, label=label)
    if mark_fixed_points:
        lo, hi = np.min(v), np.max(v)
        for point in analysis.fixed_points(model, current, v_range=(lo, hi), **held):
            stable = point.stability == "stable"
            ax.plot(float(point.v / mV), 0, "o", ms=8, zorder=3, mec=line.get_color(),
                    mfc=line.get_color() if stable else "white")
    return ax


def plot_phase_plane(model, current=0 * NOTEBOOK_CURRENT, *, v=None, gate_values=None,
                     trajectory=None, ax=None, gate=None):
    """Phase plane of (V, gate): nullclines, vector field, fixed points, optional trajectory.

    Parameters
    ----------
    model : Model or str
    current : Quantity (current density)
    v : Quantity (voltage), optional
        Default -90 mV to 60 mV.
    gate_values : array, optional
        Default 0 to 1.
    trajectory : SimulationResult, optional
        A run of the same model, drawn as its (V, gate) path.
    ax : Axes, optional
    gate : str, optional
        Default: the model's first gate.

    Returns
    -------
    Axes

    Examples
    --------
    >>> ax = plot_phase_plane("hh_2d_reduction")
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('$V$ (mV)', '$n$')
    """
    ax = new_axes(ax)
    model = get_model(model)
    gate = gate or next(iter(model.gates))
    if v is None:
        v = np.linspace(-90, 60, 600) * mV
    if gate_values is None:
        gate_values = np.linspace(0, 1, 400)
    if trajectory is not None:
        ax.plot(trajectory.v / mV, getattr(trajectory, gate), color="0.6", lw=0.5,
                label="trajectory", zorder=1)
    coarse_v = np.linspace(float(np.min(v) / mV), float(np.max(v) / mV), 25) * mV
    coarse_g = np.linspace(float(np.min(gate_values)), float(np.max(gate_values)), 21)
    field = analysis.vector_field(model, coarse_v, coarse_g, current, gate=gate)
    # Arrows show direction only: speeds differ by orders of magnitude across the plane.
    dv = np.asarray(field["dv_dt"] / RATE_UNIT) / float(np.ptp(np.asarray(coarse_v / mV)))
    dg = np.asarray(field["dgate_dt"] * ms) / float(np.ptp(coarse_g))
    norm = np.hypot(dv, dg)
    norm[norm == 0] = 1
    ax.quiver(np.asarray(field["v"] / mV), field["gate"], dv / norm, dg / norm,
              color="0.75", angles="xy", pivot="mid", width=0.002, zorder=0)
    lines = analysis.nullclines(model, v, current, gate=gate,
                                gate_range=(float(np.min(gate_values)),
                                            float(np.max(gate_values))))
    ax.plot(lines["v"] / mV, lines["gate_nullcline"], color="C1", label=f"${gate}$-nullcline")
    ax.plot(lines["v"] / mV, lines["v_nullcline"], color="C0", label="$V$-nullcline")
    for state in analysis.steady_states(model, current, v_range=(np.min(v), np.max(v))):
        filled = state.kind.startswith("stable")
        ax.plot(float(state.v / mV), state.state[gate], "o", ms=8, color="k",
                mfc="k" if filled else "white", zorder=3, label=state.kind)
    ax.set_xlabel("$V$ (mV)")
    ax.set_ylabel(f"${gate}$")
    ax.set_ylim(float(np.min(gate_values)), float(np.max(gate_values)))
    # Upper centre first: the reductions' nullclines leave it empty (then the same place in
    # the plane with and without a trajectory).
    place_legend(ax, where=("upper center", "best", "beside"))
    return ax


# Names that lived here before the package was regrouped: found, with a warning, for one
# release (hh_brian._compat).
__getattr__ = moved_names(__name__)
