"""The explorer app: Panel widgets around :mod:`.figures`, one code path for notebook and browser.

:class:`Explorer` is a Panel viewer: shown in a Jupyter cell it displays there, and
:func:`serve` gives each browser session its own. Every control change submits the new
:class:`~.compute.Settings` to a :class:`~.worker.LatestOnly` worker; its result replaces the
figures' data on the session's own thread.

It has two pages, as tabs: the patch (the traces of one neuron) and the axon
(:class:`~.axon_page.AxonPage`: the model on an axon, its space–time figure and conduction velocity,
from :mod:`~hh_brian.explorer.axon`), built when its tab is first opened.

Everything the page needs is served by the app itself (Bokeh's and Panel's scripts and
styles, no fonts or themes from a CDN), so it works without a network.
"""

from __future__ import annotations

import functools
import inspect
import socket
import threading
import time

from brian2 import ms

from ..core.wording import counted
from ..model.core import get_model
from ..stimuli import STIMULUS_KINDS
from ..targets.registry import get_target
from .axon import axon_target
from .axon_page import AxonPage
from .compute import DT, Settings, analyse, run
from .controls import (Slider, default_stimulus, duration_choices, parameter_sliders,
                       stimulus_sliders)
from .figures import Figures  # Bokeh comes with Panel
from .widgets import SLOW_RUN, model_select, notebook_extension, pn, registered, schedule, widget
from .worker import LatestOnly, Superseded

__all__ = ["Explorer", "RunningServer", "serve"]

_ANALYSIS_CURRENT = Slider("I", "µA/cm²", None, -50.0, 50.0, 0.1, 0.0)


class Explorer(pn.viewable.Viewer):
    """Sliders for every parameter of a model, and its traces redrawn as they move.

    Parameters
    ----------
    model : str or Model
        The registered model shown first; a selector offers every registered model.
    target : str
        The simulation target (default ``"cpp_standalone"``: after its first build for a
        model and duration, a new value is one run of the compiled program).
    params : mapping of str to float or Quantity, optional
        Starting parameter values: numbers in the sliders' units (``{"g_Na": 60}``, mS/cm²)
        or quantities (``{"g_Na": 60*mS/cm**2}``).

    Attributes
    ----------
    model : Model
        The model shown.
    sliders : dict of str to FloatSlider
        The parameter sliders by parameter name.
    snapshot : Snapshot or None
        The run the figures show.
    analysis : Analysis or None
        The phase plane and dV/dt slice shown (a model with one gate), else None.
    tabs : Tabs
        The pages: "Patch" and "Axon".
    axon : AxonPage or None
        The axon page, built when its tab is first opened (for the patch page's model; on
        the patch target, Cython for a standalone one: see
        :func:`~hh_brian.explorer.axon.axon_target`).

    Examples
    --------
    >>> app = Explorer("hh_2d_reduction_model7", target="numpy")  # doctest: +SLOW
    >>> app.wait()
    True
    >>> sorted(app.sliders)[:3], app.snapshot.spike_count
    (['C_m', 'E_K', 'E_L'], 4)
    >>> [kind for _, _, kind in app.analysis.steady_states]  # at I = 0
    ['stable focus']
    """

    def __init__(self, model="hodgkin_huxley", *, target="cpp_standalone", params=None):
        model = registered(model)
        runner = get_target(target)  # an unknown target fails here, before anything is built
        params = Settings(model.name, dict(params or {})).shown_params()  # likewise a bad value
        super().__init__()
        notebook_extension()
        self.target = target
        self._runner = runner
        self.snapshot = None
        self.analysis = None
        self._doc = pn.state.curdoc
        # The app's state is changed by the reader's thread and by results: one at a time.
        self._lock = threading.RLock()
        self._worker = LatestOnly(self._compute, self._deliver)
        self._latest = None  # the newest request; results of any other are dropped
        self._cache = None  # (settings, snapshot) of the last run: analysis moves reuse it
        self._warm = set()
        self.model_select = model_select(model)
        self.model_select.param.watch(lambda event: self._show_model(event.new), "value")
        self.status = pn.pane.HTML("", css_classes=["hh-status"], width=320, height=40)
        self.progress = pn.indicators.Progress(active=False, visible=False, value=-1,
                                               sizing_mode="stretch_width", height=12)
        self.reset_button = pn.widgets.Button(label="reset to the source's values",
                                              sizing_mode="stretch_width")
        self.reset_button.on_click(lambda event: self.reset())
        self._controls = pn.Column(sizing_mode="stretch_width")
        self._plots = pn.Column()
        patch = pn.Row(
            pn.Column(self.model_select, self.status, self.progress, self.reset_button,
                      self._controls, width=330),
            self._plots, name="Patch")
        self.axon = None
        self._axon_model = None  # the patch page's model when the axon page last followed it
        self._axon_tab = pn.Column(pn.pane.HTML("the axon is run when this page is opened"),
                                   name="Axon")
        self.tabs = pn.Tabs(patch, self._axon_tab)
        self.tabs.param.watch(lambda event: self._tab_changed(), "active")
        self._layout = self.tabs
        self._show_model(model.name, params=params)

    def __panel__(self):
        return self._layout

    # --------------------------------------------------------------------------------------
    # Building the controls of one model

    def _show_model(self, name: str, params=None) -> None:
        with self._lock:
            self._build_controls(get_model(name), params or {})
        self._request()

    def _build_controls(self, model, params) -> None:
        self.model = model
        self.snapshot = self.analysis = None
        self._slider_specs = {s.name: s for s in parameter_sliders(model)}
        self.sliders = {name: widget(spec) for name, spec in self._slider_specs.items()}
        for key, value in params.items():
            self.sliders[key].value = float(value)
        self.stimulus_select = pn.widgets.Select(label="stimulus", options=list(STIMULUS_KINDS),
                                                 value=default_stimulus(model),
                                                 sizing_mode="stretch_width")
        self.stimulus_sliders = {kind: {s.name: widget(s) for s in specs}
                                 for kind, specs in stimulus_sliders(model).items()}
        # Labelled in full ("2000", not Panel's "2e+03" of three significant digits).
        self.duration = pn.widgets.DiscreteSlider(
            label="duration (ms)", options={f"{d:g}": d for d in duration_choices(model)},
            value=float(model.duration / ms), sizing_mode="stretch_width")
        watched = [*self.sliders.values(),
                   *(w for group in self.stimulus_sliders.values() for w in group.values())]
        for control in watched:
            control.param.watch(lambda event: self._request(), "value_throttled")
        self.duration.param.watch(lambda event: self._duration_changed(), "value")
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
                "current": widget(_ANALYSIS_CURRENT),
                "gate": widget(Slider(gate, "", 1.0, 0.0, 1.0, 0.005, 0.0))}
            for control in self.analysis_sliders.values():
                control.param.watch(lambda event: self._request(), "value_throttled")
            controls += [pn.pane.HTML(f"<b>phase plane and dV/dt slice</b><br>nullclines at "
                                      f"the current I; the slice holds {gate}"),
                         *self.analysis_sliders.values()]
            plots = [pn.Row(pn.pane.Bokeh(self.figures.phase_plane),
                            pn.pane.Bokeh(self.figures.dvdt)), *plots]
        self._controls.objects = controls
        self._plots.objects = plots

    def _tab_changed(self) -> None:
        # The axon page is built when first opened, and follows the patch page's model each
        # time it is opened after that model changed (its own selector may differ between).
        if self.tabs.active != 1 or self._axon_model == self.model.name:
            return
        self._axon_model = self.model.name
        if self.axon is None:
            self.axon = AxonPage(self.model.name, target=axon_target(self._runner))
            self._axon_tab.objects = [self.axon]
        else:
            self.axon.model_select.value = self.model.name

    def _stimulus_changed(self) -> None:
        for kind, box in self._stimulus_boxes.items():
            box.visible = kind == self.stimulus_select.value
        self._request()

    def _duration_changed(self) -> None:
        # The times of a step or a ramp span the run: their sliders follow its duration.
        duration = float(self.duration.value)
        for group in self.stimulus_sliders.values():
            for name in ("start", "stop"):
                if name in group:
                    widget = group[name]
                    widget.end = duration
                    widget.value = min(widget.value, duration)
        self._request()

    # --------------------------------------------------------------------------------------
    # Running

    def settings(self) -> Settings:
        """The position of the controls.

        Examples
        --------
        >>> app = Explorer("passive_membrane", target="numpy")  # doctest: +SLOW
        >>> app.settings().params["g_L"], app.settings().stimulus
        (1.0, 'source')
        """
        kind = self.stimulus_select.value
        return Settings(self.model.name,
                        {name: float(w.value) for name, w in self.sliders.items()},
                        kind, {name: float(w.value)
                               for name, w in self.stimulus_sliders[kind].items()},
                        float(self.duration.value))

    def _request(self) -> None:
        with self._lock:
            settings = self.settings()
            analysis = None
            if self.analysis_sliders:
                analysis = (float(self.analysis_sliders["current"].value),
                            float(self.analysis_sliders["gate"].value))
            job = (settings, analysis)
            self._latest = job
            # A program is built for each model, duration and kind of input (step, noise…).
            build = (settings.model, settings.duration, settings.stimulus)
            steps = settings.duration * ms / DT
            first = build not in self._warm and self._runner.compiles_per_shape
            if first or steps * self._runner.step_cost > SLOW_RUN:
                self.progress.value, self.progress.active, self.progress.visible = -1, True, True
                self.status.object = ("building the compiled program for this model, duration "
                                      "and input (once), then running…" if first
                                      else "running…")
        self._worker.submit(job)

    def _compute(self, job, superseded):
        settings, analysis_at = job

        def report(elapsed, fraction, start, duration):
            if superseded():
                raise Superseded()
            self._schedule(functools.partial(self._show_progress, job, fraction))

        cached = self._cache
        if cached is not None and cached[0] == settings:
            snapshot = cached[1]  # only the phase plane or the slice moved
        else:
            snapshot = run(settings, target=self._runner, progress=report)
            self._cache = (settings, snapshot)
        analysis = None
        if analysis_at is not None:
            analysis = analyse(settings.model, settings.params, current=analysis_at[0],
                               gate_value=analysis_at[1])
        return job, snapshot, analysis

    def _show_progress(self, job, fraction) -> None:
        if job is self._latest:
            self.progress.value = int(100 * fraction)

    def _schedule(self, callback) -> None:
        schedule(self._doc, callback)

    def _deliver(self, result) -> None:
        self._schedule(functools.partial(self._apply, result))

    def _apply(self, result) -> None:
        with self._lock:
            if isinstance(result, Exception):
                self._cache = None
                self.progress.active = self.progress.visible = False
                self.status.object = (f"<span style='color:#b00'>{type(result).__name__}: "
                                      f"{result}</span>")
                return
            job, snapshot, analysis = result
            if job is not self._latest:
                return  # a newer request is on its way (perhaps for another model)
            self.progress.active = self.progress.visible = False
            settings = snapshot.settings
            self._warm.add((settings.model, settings.duration, settings.stimulus))
            self.snapshot = snapshot
            self.figures.update(snapshot)
            if analysis is not None:
                self.analysis = analysis
                self.figures.update_analysis(analysis)
            self.status.object = self._status_text()

    def _status_text(self) -> str:
        snap = self.snapshot
        if snap is None:
            return ""
        if snap.error:
            return f"<span style='color:#b00'>{snap.error}</span>"
        return (f"<span class='hh-spike-count'>{counted(snap.spike_count, 'spike')}</span> · "
                f"{snap.rate:.1f} Hz · run {1000 * snap.seconds:.0f} ms")

    # --------------------------------------------------------------------------------------
    # Programmatic use (notebooks, tests)

    def set(self, **values) -> None:
        """Move parameter sliders and redraw, e.g. ``set(g_Na=60)`` or ``set(g_Na=60*mS/cm**2)``.

        Numbers are in the sliders' units. Every value is checked before any slider moves.

        Examples
        --------
        >>> app = Explorer("passive_membrane", target="numpy")  # doctest: +SLOW
        >>> app.set(g_L=2.0)
        >>> app.wait(), app.sliders["g_L"].value
        (True, 2.0)
        """
        unknown = sorted(set(values) - set(self.sliders))
        if unknown:
            raise ValueError(f"{', '.join(unknown)}: not a parameter of {self.model.name}; "
                             f"valid: {', '.join(self.sliders)}")
        shown = {name: self._slider_specs[name].check(value) for name, value in values.items()}
        with self._lock:
            for name, value in shown.items():
                self.sliders[name].value = value
        self._request()

    def reset(self) -> None:
        """Every parameter back to the source's value, and redraw.

        Examples
        --------
        >>> app = Explorer("passive_membrane", target="numpy",  # doctest: +SLOW
        ...                params={"g_L": 2.0})
        >>> app.reset()
        >>> app.sliders["g_L"].value
        1.0
        """
        with self._lock:
            for name, widget in self.sliders.items():
                widget.value = self._slider_specs[name].default
        self._request()

    def wait(self, timeout: float = 60.0) -> bool:
        """Block until the newest request is drawn (False on timeout).

        Examples
        --------
        >>> Explorer("passive_membrane", target="numpy").wait()  # doctest: +SLOW
        True
        """
        return self._worker.wait(timeout)

    def close(self) -> None:
        """Stop the background worker (a served session's app is closed when it ends).

        Examples
        --------
        >>> app = Explorer("passive_membrane", target="numpy")  # doctest: +SLOW
        >>> app.close()
        """
        self._worker.close()
        if self.axon is not None:
            self.axon.close()


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
    >>> server = serve("hodgkin_huxley", show=False,  # doctest: +SLOW
    ...                threaded=True, target="numpy")
    >>> server.port > 0
    True
    >>> server.stop()
    """
    model = registered(model)
    try:
        inspect.signature(Explorer).bind(model, **options)
    except TypeError as error:
        raise TypeError(f"options: {error}; valid: target, params") from None
    get_target(options.get("target", "cpp_standalone"))
    Settings(model.name, dict(options.get("params") or {})).shown_params()
    port = _check_port(port)

    def session():
        app = Explorer(model, **options)
        pn.state.on_session_destroyed(lambda context: app.close())
        return app

    if not threaded:
        print(f"hh_brian explorer at http://127.0.0.1:{port}/ (Ctrl-C to stop)", flush=True)
    thread = pn.serve({"/": session}, port=port, address="127.0.0.1", show=show,
                      threaded=threaded, verbose=False, title="hh_brian explorer",
                      websocket_origin=[f"127.0.0.1:{port}", f"localhost:{port}"])
    if not threaded:
        return None
    _wait_listening(port, thread)
    return RunningServer(thread, port)


def _check_port(port) -> int:
    """A free port on 127.0.0.1: ``port`` itself (checked) or, for 0, one the system picks."""
    if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
        raise ValueError(f"port: expected a whole number from 0 to 65535, got {port!r}")
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError as error:
            raise ValueError(f"port: {port} on 127.0.0.1 is not free ({error.strerror})") \
                from None
        return sock.getsockname()[1]


def _wait_listening(port: int, thread, timeout: float = 30.0) -> None:
    """Return once the server started on ``thread`` accepts connections on ``port``."""
    deadline = time.monotonic() + timeout
    while True:
        if not thread.is_alive():
            raise RuntimeError(f"the explorer's server stopped while starting on port {port}")
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
    >>> server = serve("passive_membrane", show=False,  # doctest: +SLOW
    ...                threaded=True, target="numpy")
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
