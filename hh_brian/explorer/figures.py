"""The explorer's figures: Bokeh plots laid out like the tutorial's model figures.

The figures are built once per model and never rebuilt: a new :class:`~.compute.Snapshot`
or :class:`~.compute.Analysis` only replaces the data of their sources, which is what keeps a
slider move cheap (a redraw in the browser, no new figure). The rows follow
:func:`hh_brian.plotting.plot_model_figure`: the gates' steady states and time constants
against v, then the injected current, the membrane currents, v and the gates against time, in
matplotlib's default colours; a model with one gate adds its phase plane and dV/dt slice.

Needs Bokeh (installed with the ``explore`` extra, through Panel).
"""

from __future__ import annotations

import numpy as np
from bokeh.models import ColumnDataSource, Range1d, Span
from bokeh.plotting import figure

from ..model.core import get_model
from .compute import CURVE_V

__all__ = ["COLOURS", "Figures", "envelope"]

#: matplotlib's default colour cycle (tab10), as the tutorial's figures use it.
COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf")

#: Above this many samples a trace is drawn through its envelope (see :func:`envelope`).
MAX_POINTS = 40_000

#: Width of every plot (pixels). Fixed rather than stretched to the window: a stretched plot
#: measures the page again on every redraw, which cost a third of the redraw's time.
PLOT_WIDTH = 900
_LEFT_BORDER = 70  # room for the y axis, the same in every plot so that time axes line up
_TIME_HEIGHT = 150
_CURVE_HEIGHT = 190
_PLANE_HEIGHT = 330


def envelope(t: np.ndarray, traces: dict, buckets: int) -> tuple[np.ndarray, dict]:
    """Each trace through its minimum and maximum in each of ``buckets`` time bins.

    A line through the extremes of each bin looks like the full trace at screen resolution
    and keeps every spike's peak, with at most ``2·buckets + 2`` points (the first and last
    samples are kept too).

    Examples
    --------
    >>> t = np.arange(12.0)
    >>> v = np.array([0, 5, 1, 1, 1, 1, -3, 1, 1, 1, 2, 0.0])
    >>> t2, traces = envelope(t, {"v": v}, 2)
    >>> t2.tolist(), traces["v"].tolist()
    ([0.0, 1.0, 6.0, 10.0, 11.0], [0.0, 5.0, -3.0, 2.0, 0.0])
    """
    n = len(t)
    if n <= 2 * buckets:
        return t, dict(traces)
    size = -(-n // buckets)  # samples per bin; the last bin is padded with its last sample
    offsets = np.arange(buckets)[:, None] * size
    keep = [np.array([0, n - 1])]
    for values in traces.values():
        padded = np.concatenate([values, np.full(size * buckets - n, values[-1])])
        bins = padded.reshape(buckets, size)
        keep += [offsets[:, 0] + np.argmin(bins, axis=1), offsets[:, 0] + np.argmax(bins, axis=1)]
    index = np.unique(np.minimum(np.concatenate(keep), n - 1))
    return t[index], {name: values[index] for name, values in traces.items()}


def _style(fig, x_label, y_label):
    fig.xaxis.axis_label = x_label
    fig.yaxis.axis_label = y_label
    fig.toolbar.logo = None
    fig.outline_line_color = "black"
    fig.xgrid.visible = fig.ygrid.visible = False
    for axis in (fig.xaxis, fig.yaxis):
        axis.axis_label_text_font_style = "normal"
        axis.axis_label_text_font_size = "11px"
        axis.major_label_text_font_size = "10px"
    return fig


def _legend(fig):
    if fig.legend:
        fig.legend.location = "top_right"
        fig.legend.label_text_font_size = fig.legend.title_text_font_size = "10px"
        fig.legend.title_text_font_style = "normal"
        fig.legend.background_fill_alpha = 0.7
        fig.legend.padding = fig.legend.spacing = 2


def _time_figure(y_label, x_range=None, height=_TIME_HEIGHT):
    options = {"x_range": x_range} if x_range is not None else {}
    return _style(figure(height=height, width=PLOT_WIDTH, min_border_left=_LEFT_BORDER,
                         tools="xpan,xwheel_zoom,box_zoom,reset,save", **options),
                  "time (ms)", y_label)


class Figures:
    """The explorer's plots for one model, and the sources that feed them.

    Parameters
    ----------
    model : Model or str

    Attributes
    ----------
    rows : list of bokeh figures
        In display order.
    phase_plane, dvdt : bokeh figure or None
        For a model with one gate.

    Examples
    --------
    >>> from hh_brian.explorer import Settings, run
    >>> figs = Figures("hodgkin_huxley")
    >>> figs.update(run(Settings("hodgkin_huxley", duration=20), target="numpy"))
    >>> len(figs.rows), len(figs.time_source.data["t"])
    (6, 2000)
    """

    def __init__(self, model):
        self.model = model = get_model(model)
        self.gates = list(model.gates)
        self.currents = list(model.currents)
        names = ["t", "I_stim", "v", *self.currents, *self.gates]
        # Named so that a page script can find it (benchmarks/explorer.py times its updates).
        self.time_source = ColumnDataSource({name: [] for name in names}, name="hh-time-source")
        self.spike_source = ColumnDataSource({"t": [], "v": []})
        self.rows = []
        if self.gates:
            self.curve_source = ColumnDataSource(
                {"v": [], **{f"{g}_inf": [] for g in self.gates},
                 **{f"tau_{g}": [] for g in self.gates}})
            steady = _style(figure(height=_CURVE_HEIGHT, width=PLOT_WIDTH,
                                   min_border_left=_LEFT_BORDER,
                                   tools="pan,wheel_zoom,box_zoom,reset,save"),
                            "v (mV)", "steady state")
            tau = _style(figure(height=_CURVE_HEIGHT, width=PLOT_WIDTH,
                                min_border_left=_LEFT_BORDER, x_range=steady.x_range,
                                tools="pan,wheel_zoom,box_zoom,reset,save"),
                         "v (mV)", "time constant (ms)")
            for k, gate in enumerate(self.gates):
                colour = COLOURS[k % len(COLOURS)]
                steady.line("v", f"{gate}_inf", source=self.curve_source, color=colour,
                            legend_label=f"{gate}∞", line_width=1.5)
                tau.line("v", f"tau_{gate}", source=self.curve_source, color=colour,
                         legend_label=f"τ_{gate}", line_width=1.5)
            _legend(steady)
            _legend(tau)
            self.gate_curve_figures = (steady, tau)
        sign = "outward" if model.current_sign > 0 else "inward"
        stim = _time_figure("I_stim (µA/cm²)")
        stim.line("t", "I_stim", source=self.time_source, color="black", line_width=1)
        # The sign convention goes in the legend's title: on the axis, it made the label
        # longer than the plot is high.
        currents = _time_figure("currents (µA/cm²)", stim.x_range, height=_TIME_HEIGHT + 20)
        for k, name in enumerate(self.currents):
            currents.line("t", name, source=self.time_source, color=COLOURS[k % len(COLOURS)],
                          legend_label=name, line_width=1)
        _legend(currents)
        currents.legend.title = f"{sign} +"
        v = _time_figure("v (mV)", stim.x_range, height=_TIME_HEIGHT + 40)
        v.line("t", "v", source=self.time_source, color=COLOURS[0], line_width=1)
        v.scatter("t", "v", source=self.spike_source, marker="inverted_triangle", size=7,
                  color=COLOURS[3], legend_label="spike onset")
        _legend(v)
        self.time_figures = [stim, currents, v]
        if self.gates:
            gates = _time_figure("gates", stim.x_range)
            gates.y_range = Range1d(-0.02, 1.02)
            for k, gate in enumerate(self.gates):
                gates.line("t", gate, source=self.time_source, color=COLOURS[k % len(COLOURS)],
                           legend_label=gate, line_width=1)
            _legend(gates)
            self.time_figures.append(gates)
            self.rows = [*self.gate_curve_figures, *self.time_figures]
        else:
            self.rows = list(self.time_figures)
        self.phase_plane = self.dvdt = None
        if len(self.gates) == 1:
            self._analysis_figures()

    def _analysis_figures(self):
        gate = self.gates[0]
        self.plane_source = ColumnDataSource({"v": [], "v_null": [], "gate_null": []})
        self.trajectory_source = ColumnDataSource({"v": [], "gate": []})
        self.state_source = ColumnDataSource({"v": [], "gate": [], "fill": [], "kind": []})
        plane = _style(figure(height=_PLANE_HEIGHT, width=PLOT_WIDTH // 2,
                              y_range=Range1d(0, 1), x_range=Range1d(-90, 60),
                              tools="pan,wheel_zoom,box_zoom,reset,save"), "v (mV)", gate)
        plane.line("v", "gate", source=self.trajectory_source, color="#999999", line_width=0.7,
                   legend_label="trajectory")
        plane.line("v", "gate_null", source=self.plane_source, color=COLOURS[1], line_width=2,
                   legend_label=f"{gate}-nullcline")
        plane.line("v", "v_null", source=self.plane_source, color=COLOURS[0], line_width=2,
                   legend_label="v-nullcline")
        plane.scatter("v", "gate", source=self.state_source, size=10, line_color="black",
                      fill_color="fill", legend_field="kind")
        plane.legend.location = "top_left"
        plane.legend.label_text_font_size = "10px"
        self.phase_plane = plane
        self.slice_source = ColumnDataSource({"v": [], "rate": []})
        self.slice_point_source = ColumnDataSource({"v": [], "zero": [], "fill": []})
        dvdt = _style(figure(height=_PLANE_HEIGHT, width=PLOT_WIDTH // 2,
                             x_range=Range1d(-100, 60),
                             tools="pan,wheel_zoom,box_zoom,reset,save"),
                      "v (mV)", "dv/dt (mV/ms)")
        dvdt.add_layout(Span(location=0, dimension="width", line_color="#777777",
                             line_width=1))
        dvdt.line("v", "rate", source=self.slice_source, color=COLOURS[0], line_width=2)
        dvdt.scatter("v", "zero", source=self.slice_point_source, size=10,
                     line_color=COLOURS[0], fill_color="fill")
        self.dvdt = dvdt

    def update(self, snapshot) -> None:
        """Show ``snapshot``: new data for every source, the figures themselves unchanged."""
        if snapshot.error:
            self.time_source.data = {name: [] for name in self.time_source.data}
            self.spike_source.data = {"t": [], "v": []}
            if self.phase_plane is not None:
                self.trajectory_source.data = {"v": [], "gate": []}
            return
        wanted = {name: snapshot.traces[name] for name in self.time_source.data
                  if name != "t" and name in snapshot.traces}
        t, wanted = envelope(snapshot.t, wanted, MAX_POINTS // 2)
        self.time_source.data = {"t": t, **wanted}
        onsets = snapshot.spike_times
        index = np.clip(np.searchsorted(snapshot.t, onsets), 0, max(len(snapshot.t) - 1, 0))
        self.spike_source.data = {"t": onsets, "v": snapshot.traces["v"][index]
                                  if len(onsets) else np.zeros(0)}
        if self.gates:
            data = {"v": CURVE_V}
            for gate, (steady, tau) in snapshot.gate_curves.items():
                data[f"{gate}_inf"], data[f"tau_{gate}"] = steady, tau
            # Most parameters leave the curves as they are: only a change is sent and drawn.
            old = self.curve_source.data
            if set(old) != set(data) or not all(np.array_equal(old[k], data[k]) for k in data):
                self.curve_source.data = data
        if self.phase_plane is not None:
            gate = self.gates[0]
            self.trajectory_source.data = {"v": wanted["v"], "gate": wanted[gate]}

    def update_analysis(self, result) -> None:
        """Show a phase plane and dV/dt slice (:class:`~.compute.Analysis`)."""
        self.plane_source.data = {"v": result.v, "v_null": result.v_nullcline,
                                  "gate_null": result.gate_nullcline}
        self.state_source.data = {
            "v": [s[0] for s in result.steady_states], "gate": [s[1] for s in result.steady_states],
            "fill": ["black" if s[2].startswith("stable") else "white"
                     for s in result.steady_states],
            "kind": [s[2] for s in result.steady_states]}
        self.slice_source.data = {"v": result.v, "rate": result.dv_dt}
        self.slice_point_source.data = {
            "v": [p[0] for p in result.slice_points], "zero": [0.0] * len(result.slice_points),
            "fill": [COLOURS[0] if p[1] == "stable" else "white" for p in result.slice_points]}
