"""The explorer app: Panel widgets around :mod:`.figures`, one code path for notebook and browser.

:class:`Explorer` is a Panel viewer: shown in a Jupyter cell it displays there, and
:func:`serve` gives each browser session its own. Every control change submits the new
:class:`~.compute.Settings` to a :class:`~.worker.LatestOnly` worker; its result replaces the
figures' data on the session's own thread.

Everything the page needs is served by the app itself (Bokeh's and Panel's scripts and
styles, no fonts or themes from a CDN), so it works without a network.
"""

from __future__ import annotations

import functools
import math
import os
import socket
import time

from brian2 import ms

from ..errors import MissingExtra
from ..models import get_model, list_models
from ..simulation import get_target
from .compute import Settings, analyse, run
from .controls import (STIMULUS_KINDS, Slider, default_stimulus, duration_choices,
                       parameter_sliders, stimulus_sliders)
from .worker import LatestOnly, Superseded

try:
    import panel as pn
except ImportError as error:  # pragma: no cover - exercised without the extra
    raise MissingExtra("explore", "the explorer needs Panel") from error

from .figures import Figures  # noqa: E402  (Bokeh comes with Panel)

__all__ = ["Explorer", "RunningServer", "serve"]

#: Runs expected to take longer than this show a progress bar (seconds).
_SLOW_RUN = 0.3
#: Rough cost of one step of one neuron on each target, for that estimate (seconds).
_STEP_COST = {"cpp_standalone": 5e-7, "cython": 2e-6, "numpy": 2e-5}

_ANALYSIS_CURRENT = Slider("I", "µA/cm²", None, -50.0, 50.0, 0.1, 0.0)


def _offline() -> None:
    """Serve and embed every script and style from the app, none from a CDN.

    In a Jupyter kernel, Panel's notebook extension is loaded too (with its scripts inline),
    so that the app displays without a ``pn.extension()`` cell of the reader's own.
    """
    os.environ.setdefault("BOKEH_RESOURCES", "server")
    pn.config.inline = True
    pn.config.design = None
    if _in_kernel() and not _LOADED["notebook"]:
        pn.extension(inline=True)
        _LOADED["notebook"] = True


_LOADED = {"notebook": False}


def _in_kernel() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    return getattr(get_ipython(), "kernel", None) is not None


class _Slider(pn.widgets.FloatSlider):
    # Panel holds a widget's changes on the server for 50 ms, waiting for more; a slider's
    # moves and its release are handled at once (as Panel handles a button's click), and
    # only the release starts a run.
    _priority_changes = ["value", "value_throttled"]


def _widget(slider: Slider):
    decimals = max(0, -math.floor(math.log10(slider.step)))
    return _Slider(label=slider.label, start=slider.start, end=slider.end,
                                  step=slider.step, value=slider.default,
                                  format="0" + ("." + "0" * decimals if decimals else ""),
                                  sizing_mode="stretch_width")


class Explorer(pn.viewable.Viewer):
    """Sliders for every parameter of a model, and its traces redrawn as they move.

    Parameters
    ----------
    model : Model or str
        The model shown first; a selector offers every registered model.
    target : str
        The simulation target (default ``"cpp_standalone"``: after its first build, a
        200-ms run of HH takes about 12 ms).
    params : mapping of str to float, optional
        Starting slider values (in the sliders' units), e.g. ``{"g_Na": 60}``.

    Attributes
    ----------
    sliders : dict of str to FloatSlider
        The parameter sliders by parameter name.
    snapshot : Snapshot or None
        What the figures show.

    Examples
    --------
    >>> app = Explorer("hh_2d_reduction_model7", target="numpy")
    >>> app.wait()
    True
    >>> sorted(app.sliders)[:3], app.snapshot.spike_count
    (['C_m', 'E_K', 'E_L'], 4)
    >>> [kind for _, _, kind in app.analysis.steady_states]  # at I = 0
    ['stable focus']
    """

    def __init__(self, model="hodgkin_huxley", *, target="cpp_standalone", params=None):
        model = get_model(model)
        get_target(target)  # an unknown target fails here, before anything is built
        Settings(model.name, dict(params or {})).quantities()  # likewise a bad value
        super().__init__()
        _offline()
        self.target = target
        self.snapshot = None
        self.analysis = None
        self._doc = pn.state.curdoc
        self._worker = LatestOnly(self._compute, self._deliver)
        self._last_settings = None
        self._warm = set()
        labels = {f"{m.source_name}: {m.title}": m.name for m in list_models()}
        self.model_select = pn.widgets.Select(label="model", options=labels, value=model.name,
                                              sizing_mode="stretch_width")
        self.model_select.param.watch(lambda event: self._show_model(event.new), "value")
        self.status = pn.pane.HTML("", css_classes=["hh-status"], width=320, height=40)
        self.progress = pn.indicators.Progress(active=False, visible=False, value=-1,
                                               sizing_mode="stretch_width", height=12)
        self.reset_button = pn.widgets.Button(label="reset to the source's values",
                                              sizing_mode="stretch_width")
        self.reset_button.on_click(lambda event: self.reset())
        self._controls = pn.Column(sizing_mode="stretch_width")
        self._plots = pn.Column()
        self._layout = pn.Row(
            pn.Column(self.model_select, self.status, self.progress, self.reset_button,
                      self._controls, width=330),
            self._plots)
        self._show_model(model.name, params=params)

    def __panel__(self):
        return self._layout

    # --------------------------------------------------------------------------------------
    # Building the controls of one model

    def _show_model(self, name: str, params=None) -> None:
        model = get_model(name)
        self.model = model
        self.sliders = {s.name: _widget(s) for s in parameter_sliders(model)}
        self._slider_specs = {s.name: s for s in parameter_sliders(model)}
        for key, value in (params or {}).items():
            self.sliders[key].value = float(value)
        self.stimulus_select = pn.widgets.Select(label="stimulus", options=list(STIMULUS_KINDS),
                                                 value=default_stimulus(model),
                                                 sizing_mode="stretch_width")
        self._stimulus_specs = stimulus_sliders(model)
        self.stimulus_sliders = {kind: {s.name: _widget(s) for s in specs}
                                 for kind, specs in self._stimulus_specs.items()}
        self.duration = pn.widgets.DiscreteSlider(
            label="duration (ms)", options=duration_choices(model),
            value=float(model.duration / ms), sizing_mode="stretch_width")
        watched = [*self.sliders.values(), self.duration,
                   *(w for group in self.stimulus_sliders.values() for w in group.values())]
        for widget in watched:
            widget.param.watch(lambda event: self._request(), "value_throttled")
        self.stimulus_select.param.watch(lambda event: self._stimulus_changed(), "value")
        self._stimulus_boxes = {kind: pn.Column(*group.values(), sizing_mode="stretch_width",
                                                visible=kind == self.stimulus_select.value)
                                for kind, group in self.stimulus_sliders.items()}
        controls = [pn.pane.HTML("<b>parameters</b>"), *self.sliders.values(),
                    pn.pane.HTML("<b>input</b>"), self.stimulus_select,
                    *self._stimulus_boxes.values(), self.duration]
        self.figures = Figures(model)
        plots = [pn.pane.Bokeh(fig) for fig in self.figures.rows]
        self.analysis_sliders = {}
        if self.figures.phase_plane is not None:
            gate = self.figures.gates[0]
            self.analysis_sliders = {
                "current": _widget(_ANALYSIS_CURRENT),
                "gate": _widget(Slider(gate, "", 1.0, 0.0, 1.0, 0.005, 0.0))}
            for widget in self.analysis_sliders.values():
                widget.param.watch(lambda event: self._request(), "value_throttled")
            controls += [pn.pane.HTML(f"<b>phase plane and dV/dt slice</b><br>nullclines at "
                                      f"the current I; the slice holds {gate}"),
                         *self.analysis_sliders.values()]
            plots = [pn.Row(pn.pane.Bokeh(self.figures.phase_plane),
                            pn.pane.Bokeh(self.figures.dvdt)), *plots]
        self._controls.objects = controls
        self._plots.objects = plots
        self._last_settings = None
        self._request()

    def _stimulus_changed(self) -> None:
        for kind, box in self._stimulus_boxes.items():
            box.visible = kind == self.stimulus_select.value
        self._request()

    # --------------------------------------------------------------------------------------
    # Running

    def settings(self) -> Settings:
        """The position of the controls."""
        kind = self.stimulus_select.value
        return Settings(self.model.name,
                        {name: float(w.value) for name, w in self.sliders.items()},
                        kind, {name: float(w.value)
                               for name, w in self.stimulus_sliders[kind].items()},
                        float(self.duration.value))

    def _request(self) -> None:
        settings = self.settings()
        analysis = None
        if self.analysis_sliders:
            analysis = (float(self.analysis_sliders["current"].value),
                        float(self.analysis_sliders["gate"].value))
        steps = settings.duration / 0.01
        first = (settings.model, settings.duration) not in self._warm
        if first or steps * _STEP_COST.get(self.target, 2e-5) > _SLOW_RUN:
            self.progress.value, self.progress.active, self.progress.visible = -1, True, True
            self.status.object = ("compiling this model and duration's program (once), then "
                                  "running…" if first and self.target == "cpp_standalone"
                                  else "running…")
        self._worker.submit((settings, analysis))

    def _compute(self, job, superseded):
        settings, analysis_at = job

        def report(elapsed, fraction, start, duration):
            if superseded():
                raise Superseded()
            self._schedule(functools.partial(self._show_progress, fraction))

        snapshot = None
        if settings != self._last_settings:
            snapshot = run(settings, target=self.target, progress=report)
            self._last_settings = settings
        analysis = None
        if analysis_at is not None:
            analysis = analyse(settings.model, settings.params, current=analysis_at[0],
                               gate_value=analysis_at[1])
        return snapshot, analysis

    def _show_progress(self, fraction) -> None:
        self.progress.value = int(100 * fraction)

    def _schedule(self, callback) -> None:
        doc = self._doc
        if doc is not None and doc.session_context is not None:
            doc.add_next_tick_callback(callback)
        else:
            callback()

    def _deliver(self, result) -> None:
        self._schedule(functools.partial(self._apply, result))

    def _apply(self, result) -> None:
        self.progress.active = self.progress.visible = False
        if isinstance(result, Exception):
            self._last_settings = None
            self.status.object = f"<span style='color:#b00'>{type(result).__name__}: " \
                                 f"{result}</span>"
            return
        snapshot, analysis = result
        if snapshot is not None and snapshot.settings.model == self.model.name:
            self._warm.add((snapshot.settings.model, snapshot.settings.duration))
            self.snapshot = snapshot
            self.figures.update(snapshot)
        if analysis is not None and self.figures.phase_plane is not None:
            self.analysis = analysis
            self.figures.update_analysis(analysis)
        self.status.object = self._status_text()

    def _status_text(self) -> str:
        snap = self.snapshot
        if snap is None:
            return ""
        if snap.error:
            return f"<span style='color:#b00'>{snap.error}</span>"
        return (f"<span class='hh-spike-count'>{snap.spike_count} spikes</span> · "
                f"{snap.rate:.1f} Hz · run {1000 * snap.seconds:.0f} ms")

    # --------------------------------------------------------------------------------------
    # Programmatic use (notebooks, tests)

    def set(self, **values) -> None:
        """Move parameter sliders (values in their units) and redraw, e.g. ``set(g_Na=60)``."""
        for name, value in values.items():
            if name not in self.sliders:
                raise ValueError(f"{name}: not a parameter of {self.model.name}; valid: "
                                 f"{', '.join(self.sliders)}")
            self._slider_specs[name].check(value)
        for name, value in values.items():
            self.sliders[name].value = float(value)
        self._request()

    def reset(self) -> None:
        """Every parameter back to the source's value, and redraw."""
        for name, widget in self.sliders.items():
            widget.value = self._slider_specs[name].default
        self._request()

    def wait(self, timeout: float = 60.0) -> bool:
        """Block until the newest run is drawn (False on timeout)."""
        return self._worker.wait(timeout)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(model="hodgkin_huxley", *, port: int = 0, show: bool = True, threaded=False,
          **options):
    """Serve the explorer on 127.0.0.1: each browser session gets its own :class:`Explorer`.

    Parameters
    ----------
    model, **options
        As for :class:`Explorer` (checked before the server starts).
    port : int
        0 picks a free port.
    show : bool
        Open the page in the default browser.
    threaded : bool
        Run the server on a background thread and return a :class:`RunningServer`;
        otherwise block until interrupted.

    Examples
    --------
    >>> server = serve("hodgkin_huxley", show=False, threaded=True, target="numpy")
    >>> server.port > 0
    True
    >>> server.stop()
    """
    model = get_model(model)
    get_target(options.get("target", "cpp_standalone"))
    Settings(model.name, dict(options.get("params") or {})).quantities()
    _offline()
    port = int(port) or _free_port()
    if not threaded:
        print(f"hh_brian explorer at http://127.0.0.1:{port}/ (Ctrl-C to stop)", flush=True)
    thread = pn.serve({"/": lambda: Explorer(model, **options)}, port=port,
                      address="127.0.0.1", show=show, threaded=threaded, verbose=False,
                      title="hh_brian explorer",
                      websocket_origin=[f"127.0.0.1:{port}", f"localhost:{port}"])
    if not threaded:
        return None
    _wait_listening(port)
    return RunningServer(thread, port)


def _wait_listening(port: int, timeout: float = 30.0) -> None:
    """Return once the server on ``port`` accepts connections."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the explorer's server did not start on port {port}")
            time.sleep(0.05)


class RunningServer:
    """A served explorer running on a background thread (:func:`serve` with ``threaded``).

    Attributes
    ----------
    port : int
    url : str

    Examples
    --------
    >>> server = serve("passive_membrane", show=False, threaded=True, target="numpy")
    >>> server.url.startswith("http://127.0.0.1:")
    True
    >>> server.stop()
    """

    def __init__(self, thread, port: int):
        self._thread, self.port = thread, port
        self.url = f"http://127.0.0.1:{port}/"

    def join(self) -> None:
        """Wait until the server stops (Ctrl-C interrupts the wait)."""
        while self._thread.is_alive():
            self._thread.join(0.5)

    def stop(self) -> None:
        """Stop the server."""
        self._thread.stop()
