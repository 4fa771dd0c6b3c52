"""What the explorer's axon page shows for one position of its controls, computed without Panel.

The page runs a model on an axon (:func:`hh_brian.cable.propagate`): its controls are the
axon's geometry and input (:func:`axon_sliders`) and the model's parameters, its temperature
among them (:func:`~hh_brian.explorer.controls.parameter_sliders`). :class:`AxonSettings` is
one position of them (plain floats in the units the sliders show); :func:`run_axon` runs it
and returns an :class:`AxonSnapshot`: the :class:`~hh_brian.cable.Propagation`, its velocity
and whether it reached the far end; :func:`axon_figure` draws it
(:func:`hh_brian.cable.plot_propagation`, the space–time figure).

The axon is modest, so that a redraw takes a fraction of a second once compiled: 2 cm in
compartments of 0.1 mm, 6 ms, kept every 0.05 ms.
"""

from __future__ import annotations

import pathlib
import threading
import time
import warnings
from dataclasses import dataclass, field

import numpy as np
from brian2 import cm, meter, ms, ohm, second, um

from ..cable import Axon, plot_propagation, propagate
from ..core.errors import IntegrationError
from ..core.units import CURRENT_DENSITY
from ..model.core import get_model
from ..stimuli import pulse
from ..targets.registry import get_target
from ..targets.standalone import StandaloneTarget
from .compute import DT, Settings
from .controls import Slider

__all__ = ["AxonSettings", "AxonSnapshot", "axon_figure", "axon_sliders", "axon_target",
           "run_axon"]

#: The length of every compartment (cm): the length slider moves in whole compartments.
COMPARTMENT = 0.01
#: How long the input pulse lasts (ms); it is injected over the first millimetre.
PULSE = 0.5
#: How often v is kept for the figure.
RECORD_DT = 0.05 * ms
#: The figure's size (inches): 900 pixels wide at Panel's 96 dpi, as the patch page's plots.
FIGSIZE = (9.375, 6.4)

_CONTROLS = (
    Slider("diameter", "µm", um, 50.0, 1000.0, 1.0, 476.0),
    Slider("R_i", "Ω·cm", ohm * cm, 10.0, 200.0, 0.1, 35.4),
    Slider("length", "cm", cm, 0.5, 5.0, 0.1, 2.0),
    Slider("amplitude", "µA/cm²", CURRENT_DENSITY, 0.0, 1000.0, 1.0, 200.0),
    Slider("duration", "ms", ms, 2.0, 20.0, 0.5, 6.0),
)
# Warnings are caught per run; the catching itself changes the process's warning state,
# so one run at a time catches them. Those passed on are shown once each, as usual.
_CATCHING = threading.Lock()
_PASSED_ON: dict = {}
_PACKAGE = pathlib.Path(__file__).resolve().parent.parent


def axon_sliders() -> list[Slider]:
    """The axon page's own controls: the axon's diameter, axial resistivity and length, the
    amplitude of the input pulse (0.5 ms over the first millimetre) and the duration.

    Their defaults are Hodgkin & Huxley's squid axon (476 µm, 35.4 Ω·cm) and the input of
    :func:`hh_brian.cable.propagate`, on 2 cm for 6 ms.

    Examples
    --------
    >>> for slider in axon_sliders():
    ...     print(slider.label, slider.start, slider.end, slider.default)
    diameter (µm) 50.0 1000.0 476.0
    R_i (Ω·cm) 10.0 200.0 35.4
    length (cm) 0.5 5.0 2.0
    amplitude (µA/cm²) 0.0 1000.0 200.0
    duration (ms) 2.0 20.0 6.0
    """
    return list(_CONTROLS)


def axon_target(target):
    """The target the axon page runs on, for the patch page's ``target``: the same one,
    but Cython for a standalone program (built anew for each geometry, it would build a
    program at every move of the diameter).

    Examples
    --------
    >>> axon_target("cpp_standalone"), axon_target("numpy")
    ('cython', 'numpy')
    """
    return "cython" if isinstance(get_target(target), StandaloneTarget) else target


@dataclass(frozen=True)
class AxonSettings:
    """One position of the axon page's controls.

    Attributes
    ----------
    model : str
    params : mapping of str to float or Quantity
        The model's parameters (its temperature ``T`` in °C among them): numbers in the
        sliders' units, or quantities (missing ones: the source's values).
    diameter : float
        µm.
    R_i : float
        Axial resistivity, Ω·cm.
    length : float
        cm; a whole number of 0.1-mm compartments.
    amplitude : float
        µA/cm², of the 0.5-ms pulse over the first millimetre.
    duration : float
        ms.

    Examples
    --------
    >>> s = AxonSettings("hodgkin_huxley", {"T": 18.5}, diameter=200.0)
    >>> print(s.axon())
    axon of 20 mm and 0.2 mm diameter, R_i 35.4 ohm cm, 200 compartments of 0.1 mm
    >>> print(s.quantities()["T"])
    291.65 K
    """

    model: str
    params: dict = field(default_factory=dict)
    diameter: float = 476.0
    R_i: float = 35.4
    length: float = 2.0
    amplitude: float = 200.0
    duration: float = 6.0

    def values(self) -> dict:
        """The axon's controls by name, checked against their sliders' ranges."""
        return {s.name: s.check(getattr(self, s.name)) for s in _CONTROLS}

    def quantities(self) -> dict:
        """The model's parameters as quantities, checked against their sliders' ranges."""
        return Settings(self.model, dict(self.params)).quantities()

    def axon(self) -> Axon:
        """The axon: ``length`` cut into compartments of 0.1 mm."""
        values = self.values()
        return Axon(length=values["length"] * cm, diameter=values["diameter"] * um,
                    R_i=values["R_i"] * (ohm * cm),
                    compartments=max(3, round(values["length"] / COMPARTMENT)))

    def current(self):
        """The input: a pulse of ``amplitude`` from 0 to 0.5 ms."""
        return pulse(self.values()["amplitude"] * CURRENT_DENSITY, 0 * ms, PULSE * ms)


@dataclass
class AxonSnapshot:
    """A run of one :class:`AxonSettings`, ready to show.

    Attributes
    ----------
    settings : AxonSettings
    wave : Propagation or None
        None when the integration diverged.
    velocity : float
        m/s; NaN when the action potential did not cross the middle of the axon.
    reached_end : bool
    error : str or None
        Why there is nothing to draw (the integration diverged), else None.
    note : str
        Any warning of the run (compartments long for the membrane's length constant).
    seconds : float
        Wall time of the run.

    Examples
    --------
    >>> snap = run_axon(AxonSettings("hodgkin_huxley", length=1.0, duration=2.0),
    ...                 target="numpy")
    >>> print(snap.summary)  # doctest: +ELLIPSIS
    1... m/s, reached the far end
    >>> 10 < snap.velocity < 20, snap.reached_end
    (True, True)
    """

    settings: AxonSettings
    wave: object
    velocity: float
    reached_end: bool
    error: str | None = None
    note: str = ""
    seconds: float = 0.0

    @property
    def summary(self) -> str:
        """One line: the velocity and whether the action potential reached the far end."""
        if self.error:
            return self.error
        if np.isfinite(self.velocity):
            return (f"{self.velocity:.3g} m/s, "
                    + ("reached the far end" if self.reached_end
                       else f"did not reach the far end in {self.settings.duration:g} ms"))
        if self.reached_end:
            return "no velocity, but v crossed the threshold at the far end"
        return "no propagation"


def run_axon(settings: AxonSettings, *, target="cython") -> AxonSnapshot:
    """Run ``settings``'s model on its axon and measure the action potential.

    A diverged integration is not an exception here: the snapshot carries its message
    (``error``), so the page can say so and keep going.

    Parameters
    ----------
    settings : AxonSettings
    target : str or Target
        The simulation target (default ``"cython"``: compiled once per model, then each new
        value is a run; a standalone program would be built for each geometry).

    Examples
    --------
    >>> snap = run_axon(AxonSettings("passive_membrane", length=0.5, duration=2.0),
    ...                 target="numpy")
    >>> snap.wave.v.shape, snap.summary
    ((50, 40), 'no propagation')
    """
    values = settings.values()
    params = settings.quantities()
    model = get_model(settings.model)
    started = time.perf_counter()
    with _CATCHING, warnings.catch_warnings(record=True) as caught:
        # The package's own warnings about this run (compartments too long) are the note,
        # at every run; any other is passed on as it came.
        warnings.filterwarnings("always", category=UserWarning, module=r"hh_brian\.")
        try:
            wave = propagate(model, settings.axon(), values["duration"] * ms, settings.current(),
                             dt=DT, target=target, params=params, record_dt=RECORD_DT)
        except IntegrationError as error:
            wave = error
    seconds = time.perf_counter() - started
    notes = []
    for caught_warning in caught:
        if (caught_warning.category is UserWarning
                and pathlib.Path(caught_warning.filename).is_relative_to(_PACKAGE)):
            notes.append(str(caught_warning.message))
        else:
            warnings.warn_explicit(caught_warning.message, caught_warning.category,
                                   caught_warning.filename, caught_warning.lineno,
                                   registry=_PASSED_ON)
    if isinstance(wave, IntegrationError):
        return AxonSnapshot(settings, None, float("nan"), False, error=str(wave),
                            seconds=seconds)
    return AxonSnapshot(settings, wave, float(wave.velocity / (meter / second)),
                        wave.reached_end, note=" ".join(notes), seconds=seconds)


def axon_figure(snapshot: AxonSnapshot, fig=None):
    """The space–time figure of a snapshot (:func:`hh_brian.cable.plot_propagation`): v over
    position and time as an image, with the arrival, and v at four positions.

    Drawn on a figure of its own, not one of pyplot's (a served page draws many).

    Parameters
    ----------
    snapshot : AxonSnapshot
    fig : Figure, optional

    Returns
    -------
    Figure
        For a diverged run, the error's message instead.

    Examples
    --------
    >>> snap = run_axon(AxonSettings("passive_membrane", length=0.5, duration=2.0),
    ...                 target="numpy")
    >>> fig = axon_figure(snap)
    >>> [ax.get_ylabel() for ax in fig.axes]
    ['position (mm)', '$v$ (mV)', '$v$ (mV)']
    """
    if fig is None:
        from matplotlib.figure import Figure

        fig = Figure(figsize=FIGSIZE, layout="constrained")
    if snapshot.wave is None:
        fig.text(0.5, 0.5, snapshot.error or "nothing to draw", ha="center", va="center",
                 wrap=True, color="#b00")
        return fig
    return plot_propagation(snapshot.wave, fig=fig)
