"""The explorer's axon page: a model on an axon, its space–time figure and conduction
velocity redrawn as the axon's, the temperature's and the model's sliders move.

The computation is :mod:`~hh_brian.explorer.axon`'s (no Panel there); this module lays it
out and runs it on a background worker that only finishes the newest request, as the patch
page does.
"""

from __future__ import annotations

import functools
import threading

from ..model.core import get_model
from ..targets.registry import get_target
from .axon import AxonSettings, axon_figure, axon_sliders, run_axon
from .compute import Settings
from .controls import parameter_sliders
from .widgets import SLOW_RUN, model_select, notebook_extension, pn, registered, schedule, widget
from .worker import LatestOnly

__all__ = ["AxonPage"]


class AxonPage(pn.viewable.Viewer):
    """A model on an axon: sliders for the axon, its temperature and the model's parameters;
    the space–time figure and the conduction velocity redrawn as they move.

    The explorer's second page (:class:`Explorer`'s "Axon" tab); it also displays on its
    own. Its runs are :func:`~hh_brian.explorer.axon.run_axon`'s, on a background worker
    that only finishes the newest request, as the patch page's.

    Parameters
    ----------
    model : str or Model
        The registered model shown first; a selector offers every registered model.
    target : str or Target
        The simulation target (default ``"cython"``: compiled once per model, then each
        new value is one run of about a fifth of a second).
    params : mapping of str to float or Quantity, optional
        Starting values of the model's parameters (``T`` in °C), in the sliders' units or
        as quantities.
    axon : mapping of str to float, optional
        Starting values of the axon's controls
        (:func:`~hh_brian.explorer.axon.axon_sliders`: ``diameter``, ``R_i``, ``length``,
        ``amplitude``, ``duration``).

    Attributes
    ----------
    model : Model
    sliders : dict of str to FloatSlider
        The model's parameter sliders by name (its temperature ``T`` among them).
    axon_sliders : dict of str to FloatSlider
        The axon's controls by name.
    snapshot : AxonSnapshot or None
        The run shown.
    figure : panel.pane.Matplotlib
        Its space–time figure.
    status : panel.pane.HTML
        Its velocity, and whether it reached the far end.

    Examples
    --------
    >>> page = AxonPage("hodgkin_huxley", target="numpy", axon={"length": 1, "duration": 2})
    >>> page.wait()
    True
    >>> print(page.snapshot.summary)  # doctest: +ELLIPSIS
    1... m/s, reached the far end
    >>> squid = page.snapshot.velocity
    >>> page.set(diameter=200)  # thinner: slower
    >>> page.wait(), page.snapshot.velocity < squid
    (True, True)
    """

    def __init__(self, model="hodgkin_huxley", *, target="cython", params=None, axon=None):
        model = registered(model)
        runner = get_target(target)  # an unknown target fails here, before anything is built
        params = Settings(model.name, dict(params or {})).shown_params()  # likewise a bad value
        specs = {s.name: s for s in axon_sliders()}
        axon = dict(axon or {})
        unknown = sorted(set(axon) - set(specs))
        if unknown:
            raise ValueError(f"axon: {', '.join(unknown)} not controls of the axon; valid: "
                             f"{', '.join(specs)}")
        axon = {name: specs[name].check(value) for name, value in axon.items()}
        super().__init__()
        notebook_extension()
        self.target = target
        self._runner = runner
        self._axon_specs = specs
        self.snapshot = None
        self._doc = pn.state.curdoc
        self._lock = threading.RLock()
        self._worker = LatestOnly(self._compute, self._deliver)
        self._latest = None
        self._warm = set()
        self._slow = True  # whether to show a progress bar: the last run took long
        self.model_select = model_select(model)
        self.model_select.param.watch(lambda event: self._show_model(event.new), "value")
        self.status = pn.pane.HTML("", css_classes=["hh-axon-status"], width=320,
                                   min_height=40)
        self.progress = pn.indicators.Progress(active=False, visible=False, value=-1,
                                               sizing_mode="stretch_width", height=12)
        self.reset_button = pn.widgets.Button(label="reset to the source's values",
                                              sizing_mode="stretch_width")
        self.reset_button.on_click(lambda event: self.reset())
        self.axon_sliders = {name: widget(spec) for name, spec in self._axon_specs.items()}
        for name, value in axon.items():
            self.axon_sliders[name].value = value
        for control in self.axon_sliders.values():
            control.param.watch(lambda event: self._request(), "value_throttled")
        self.figure = pn.pane.Matplotlib(None, dpi=96, tight=False, format="png",
                                         width=900, height=614)
        self._controls = pn.Column(sizing_mode="stretch_width")
        self._layout = pn.Row(
            pn.Column(self.model_select, self.status, self.progress, self.reset_button,
                      self._controls, width=330),
            self.figure)
        self._show_model(model.name, params=params)

    def __panel__(self):
        return self._layout

    def _show_model(self, name: str, params=None) -> None:
        with self._lock:
            self.model = get_model(name)
            self.snapshot = None
            self._slider_specs = {s.name: s for s in parameter_sliders(self.model)}
            self.sliders = {key: widget(spec) for key, spec in self._slider_specs.items()}
            for key, value in (params or {}).items():
                self.sliders[key].value = float(value)
            for control in self.sliders.values():
                control.param.watch(lambda event: self._request(), "value_throttled")
            axon = self.axon_sliders
            temperature = [self.sliders["T"]] if "T" in self.sliders else []
            self._controls.objects = [
                pn.pane.HTML("<b>axon</b><br>sealed ends, compartments of 0.1 mm"),
                axon["diameter"], axon["R_i"], axon["length"], *temperature,
                pn.pane.HTML("<b>input</b><br>a 0.5-ms pulse over the first millimetre"),
                axon["amplitude"], axon["duration"],
                pn.pane.HTML("<b>parameters</b>"),
                *(w for key, w in self.sliders.items() if key != "T")]
        self._request()

    def settings(self) -> AxonSettings:
        """The position of the controls.

        Examples
        --------
        >>> page = AxonPage("passive_membrane", target="numpy",  # doctest: +SLOW
        ...                 axon={"length": 0.5, "duration": 2})
        >>> page.settings().diameter, page.settings().params["g_L"]
        (476.0, 1.0)
        """
        return AxonSettings(self.model.name,
                            {name: float(w.value) for name, w in self.sliders.items()},
                            **{name: float(w.value) for name, w in self.axon_sliders.items()})

    def _request(self) -> None:
        with self._lock:
            settings = self.settings()
            self._latest = settings
            first = settings.model not in self._warm and self._runner.compiles_per_shape
            if first or self._slow:
                self.progress.value, self.progress.active, self.progress.visible = -1, True, True
                self.status.object = ("compiling this model's axon (once), then running…"
                                      if first else "running…")
        self._worker.submit(settings)

    def _compute(self, settings, superseded):
        snapshot = run_axon(settings, target=self._runner)
        if superseded():
            return None  # dropped by the worker: not worth drawing
        return snapshot, axon_figure(snapshot)

    def _deliver(self, result) -> None:
        schedule(self._doc, functools.partial(self._apply, result))

    def _apply(self, result) -> None:
        with self._lock:
            self.progress.active = self.progress.visible = False
            if isinstance(result, Exception):
                self.status.object = (f"<span style='color:#b00'>{type(result).__name__}: "
                                      f"{result}</span>")
                return
            snapshot, fig = result
            if snapshot.settings is not self._latest:
                return  # a newer request is on its way
            self._warm.add(snapshot.settings.model)
            self._slow = snapshot.seconds > SLOW_RUN
            self.snapshot = snapshot
            self.figure.object = fig
            self.status.object = self._status_text()

    def _status_text(self) -> str:
        snap = self.snapshot
        if snap.error:
            return f"<span style='color:#b00'>{snap.error}</span>"
        text = (f"<span class='hh-velocity'>{snap.summary}</span> · run "
                f"{1000 * snap.seconds:.0f} ms")
        if snap.note:
            text += f"<br><span style='color:#a60'>{snap.note}</span>"
        return text

    def set(self, **values) -> None:
        """Move sliders (the axon's or the model's) and redraw, e.g. ``set(diameter=200)``.

        Numbers are in the sliders' units. Every value is checked before any slider moves.

        Examples
        --------
        >>> page = AxonPage("passive_membrane", target="numpy",  # doctest: +SLOW
        ...                 axon={"length": 0.5, "duration": 2})
        >>> page.set(R_i=70, g_L=2.0)
        >>> page.wait(), page.settings().R_i
        (True, 70.0)
        """
        widgets = {**self.axon_sliders, **self.sliders}
        specs = {**self._axon_specs, **self._slider_specs}
        unknown = sorted(set(values) - set(widgets))
        if unknown:
            raise ValueError(f"{', '.join(unknown)}: not a control of the axon page of "
                             f"{self.model.name}; valid: {', '.join(widgets)}")
        shown = {name: specs[name].check(value) for name, value in values.items()}
        with self._lock:
            for name, value in shown.items():
                widgets[name].value = value
        self._request()

    def reset(self) -> None:
        """Every slider back to its default (the source's values, HH's squid axon), and
        redraw.

        Examples
        --------
        >>> page = AxonPage("passive_membrane", target="numpy",  # doctest: +SLOW
        ...                 axon={"length": 0.5, "duration": 2})
        >>> page.reset()
        >>> page.settings().length
        2.0
        """
        with self._lock:
            for name, control in self.axon_sliders.items():
                control.value = self._axon_specs[name].default
            for name, control in self.sliders.items():
                control.value = self._slider_specs[name].default
        self._request()

    def wait(self, timeout: float = 60.0) -> bool:
        """Block until the newest request is drawn (False on timeout).

        Examples
        --------
        >>> AxonPage("passive_membrane", target="numpy",  # doctest: +SLOW
        ...          axon={"length": 0.5, "duration": 2}).wait()
        True
        """
        return self._worker.wait(timeout)

    def close(self) -> None:
        """Stop the background worker.

        Examples
        --------
        >>> page = AxonPage("passive_membrane", target="numpy",  # doctest: +SLOW
        ...                 axon={"length": 0.5, "duration": 2})
        >>> page.close()
        """
        self._worker.close()
