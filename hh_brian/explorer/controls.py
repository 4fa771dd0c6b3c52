"""What the explorer lets a reader move: one slider per parameter, the stimulus, the duration.

Nothing here needs Panel: each control is a plain description (:class:`Slider`) that the app
turns into a widget, and :func:`make_stimulus` turns the stimulus controls' values into a
:mod:`hh_brian.stimuli` object. Values are plain floats in the unit the slider shows.

A slider's range is the parameter's declared physical range
(:attr:`hh_brian.Model.param_ranges`). An end at infinity (a conductance or a capacitance
has no upper limit) is replaced by four times the source's value, and an open end at 0 (a
capacitance must be positive) by one step above it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from brian2 import Hz, Quantity, kelvin, ms
from brian2.units.fundamentalunits import get_dimensions

from .. import stimuli
from ..core.units import (CURRENT_DENSITY, DISPLAY_UNITS, ZERO_CELSIUS, check_dimension,
                          to_display, unit_text)
from ..model.core import Model, get_model
from ..stimuli import STIMULUS_KINDS

__all__ = ["DT", "DURATIONS", "Slider", "default_stimulus", "duration_choices",
           "make_stimulus", "noise_sd_per_amplitude", "parameter_sliders", "stimulus_sliders"]

#: How many times the source's value an unbounded slider reaches.
UNBOUNDED_FACTOR = 4.0
#: About how many steps a slider has from end to end.
STEPS_PER_SLIDER = 1000

@dataclass(frozen=True)
class Slider:
    """One control: a name, its unit, its range and step, and the source's value.

    Attributes
    ----------
    name : str
        The parameter (or stimulus setting) it sets, e.g. ``"g_Na"``.
    unit : str
        The unit of the values as shown, e.g. ``"mS/cm²"`` (empty when dimensionless).
    scale : Quantity or float
        One shown unit as a quantity: ``(value + offset) * scale`` is the quantity.
    start, end, step : float
    default : float
        The source's value (what a reset returns to).
    offset : float
        Added before scaling: 273.15 for a temperature shown in degrees Celsius, else 0.

    Examples
    --------
    >>> from hh_brian.explorer.controls import parameter_sliders
    >>> g_Na = {s.name: s for s in parameter_sliders("hodgkin_huxley")}["g_Na"]
    >>> g_Na.label, g_Na.start, g_Na.end, g_Na.step, g_Na.default
    ('g_Na (mS/cm²)', 0.0, 480.0, 0.5, 120.0)
    >>> print(g_Na.quantity(60))
    60. mS/(cm^2)
    """

    name: str
    unit: str
    scale: object
    start: float
    end: float
    step: float
    default: float
    offset: float = 0.0

    @property
    def label(self) -> str:
        return f"{self.name} ({self.unit})" if self.unit else self.name

    def quantity(self, value) -> Quantity:
        """The slider's value as a quantity."""
        return (float(value) + self.offset) * self.scale

    def check(self, value) -> float:
        """``value`` as a float in the slider's unit, within its range; else an error naming it.

        A plain number is taken in the slider's unit; a quantity must have its dimension.

        Examples
        --------
        >>> from brian2 import mS, cm
        >>> g_Na = {s.name: s for s in parameter_sliders("hodgkin_huxley")}["g_Na"]
        >>> g_Na.check(60), g_Na.check(60*mS/cm**2)
        (60.0, 60.0)
        """
        if isinstance(value, Quantity):
            value = np.asarray(check_dimension(value, self.scale, self.name) / self.scale
                               - self.offset)
        if isinstance(value, (bool, np.bool_)) or not isinstance(
                value, (int, float, np.integer, np.floating, np.ndarray)) or np.ndim(value):
            raise ValueError(f"{self.name}: expected one number (in {self.unit or 'no unit'}) "
                             f"or a quantity, got {value!r}")
        number = float(value)
        if not self.start <= number <= self.end:
            raise ValueError(f"{self.name}: expected a value in [{self.start:g}, {self.end:g}] "
                             f"{self.unit}, got {number:g}".rstrip())
        return number


def _nice_step(span: float) -> float:
    """A step of 1, 2 or 5 times a power of ten, near span / STEPS_PER_SLIDER."""
    raw = span / STEPS_PER_SLIDER
    power = 10.0 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return float(factor * power)
    return float(10 * power)  # pragma: no cover - the loop always returns


def _slider(name: str, default: Quantity, low: Quantity, high: Quantity,
            low_open: bool) -> Slider:
    number, unit_name = to_display(default)
    default_value = float(f"{float(number):.12g}")  # 54.99999999999999 mV is 55 mV
    low_value, high_value = float(to_display(low)[0]), float(to_display(high)[0])
    if math.isinf(high_value):
        high_value = max(low_value, 0.0) + UNBOUNDED_FACTOR * abs(default_value or 1.0)
    step = _nice_step(high_value - low_value)
    if low_open:
        low_value += step
    # The display unit itself, so that a slider at 100 mS/cm² gives 100*mS/cm**2 exactly,
    # as a script would write it.
    offset = 0.0
    if unit_name == "1":
        scale = 1.0
    elif unit_name == "degC":  # an offset from kelvin, not a multiple of it
        scale, offset = kelvin, ZERO_CELSIUS
    else:
        scale = DISPLAY_UNITS[get_dimensions(default)][0]
    return Slider(name=name, unit="" if unit_name == "1" else unit_text(unit_name), scale=scale,
                  offset=offset,
                  start=low_value, end=high_value, step=step, default=default_value)


def parameter_sliders(model) -> list[Slider]:
    """A slider per parameter of ``model``, in the model's order.

    Examples
    --------
    >>> for slider in parameter_sliders("passive_membrane"):
    ...     print(slider.label, slider.start, slider.end, slider.default)
    C_m (µF/cm²) 0.005 4.0 1.0
    g_L (mS/cm²) 0.0 4.0 1.0
    E_L (mV) -200.0 200.0 -65.0
    """
    model = get_model(model)
    sliders = []
    for name, value in model.params.items():
        interval = model.param_ranges[name]
        sliders.append(_slider(name, value, interval.low, interval.high,
                               low_open=not interval.low_closed))
    return sliders


def default_stimulus(model) -> str:
    """The stimulus kind of the model's source run: ``"noise"`` or ``"source"``.

    Examples
    --------
    >>> default_stimulus("hodgkin_huxley"), default_stimulus("hh_2d_reduction")
    ('source', 'noise')
    """
    model = get_model(model)
    return "noise" if isinstance(model.default_current, stimuli.SmoothedNoise) else "source"


def _current_slider(name: str, default: float, reach: float) -> Slider:
    reach = max(reach, 1.0)
    span = 2 * reach
    return Slider(name=name, unit="µA/cm²", scale=CURRENT_DENSITY, start=-reach, end=reach,
                  step=_nice_step(span), default=default)


def _time_slider(name: str, default: float, duration_ms: float) -> Slider:
    return Slider(name=name, unit="ms", scale=ms, start=0.0, end=duration_ms,
                  step=_nice_step(duration_ms), default=default)


def _control(parameter: stimuli.StimulusParameter, model: Model, duration) -> Slider:
    """The slider of one stimulus parameter, its span set by the parameter's role."""
    suggested = parameter.suggest(model, duration)
    if parameter.role == "current":
        reach = UNBOUNDED_FACTOR * float(stimuli.typical_amplitude(model) / CURRENT_DENSITY)
        return _current_slider(parameter.name, float(suggested / CURRENT_DENSITY), reach)
    if parameter.role == "time":
        return _time_slider(parameter.name, float(suggested / ms), float(duration / ms))
    if parameter.role == "frequency":
        return Slider(parameter.name, "Hz", Hz, 1.0, 200.0, 0.5, float(suggested / Hz))
    if parameter.role == "width":
        return Slider(parameter.name, "ms", ms, 0.5, 50.0, 0.5, float(suggested / ms))
    if parameter.role == "seed":
        return Slider(parameter.name, "", 1.0, 0.0, 100.0, 1.0, float(suggested))
    raise ValueError(f"parameter {parameter.name!r}: no control for the role "
                     f"{parameter.role!r}")


def stimulus_sliders(model, duration=None) -> dict[str, list[Slider]]:
    """The controls of each stimulus kind (:data:`hh_brian.stimuli.STIMULUS_KINDS`), with
    the model's source values as defaults.

    Currents reach four times the source amplitude either way; times span the duration.

    Examples
    --------
    >>> controls = stimulus_sliders("hodgkin_huxley")
    >>> [s.name for s in controls["step"]]
    ['amplitude', 'start', 'stop']
    >>> controls["source"][0].default  # the source's 5 µA/cm²
    5.0
    """
    model = get_model(model)
    duration = model.duration if duration is None else duration
    controls = {name: [_control(p, model, duration) for p in kind.parameters]
                for name, kind in STIMULUS_KINDS.items()}
    if "noise" in controls:  # the noise's amplitude shown as what is plotted: its SD
        sliders = {s.name: s for s in controls["noise"]}
        default = sliders["amplitude"].default * noise_sd_per_amplitude(sliders["sigma"].default)
        # Not rounded: at its default the slider gives the source's own input back.
        controls["noise"][list(sliders).index("amplitude")] = _current_slider(
            "amplitude", default, UNBOUNDED_FACTOR * abs(default))
    return controls


#: The explorer's integration step (the noise's standard deviation depends on it).
DT = 0.01 * ms


def noise_sd_per_amplitude(sigma_ms: float) -> float:
    """The standard deviation of the smoothed noise of amplitude 1 (both in µA/cm²) at the
    explorer's step: the noise slider shows the SD, the stimulus takes the amplitude.

    Examples
    --------
    >>> round(140 * noise_sd_per_amplitude(6.0), 4)  # the dV/dt notebook's input
    0.9512
    """
    noise = stimuli.smoothed_noise(1.0 * CURRENT_DENSITY, sigma_ms * ms)
    return float(noise.standard_deviation(DT) / CURRENT_DENSITY)


#: Durations the explorer offers (ms), besides the model's own. A compiled program is built
#: for each duration once (a few seconds), then reused: a free duration would compile on
#: nearly every move.
DURATIONS = (50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0)


def duration_choices(model) -> list[float]:
    """The durations offered for ``model`` (ms): :data:`DURATIONS` and the source's own.

    Examples
    --------
    >>> duration_choices("passive_membrane")
    [50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0]
    """
    source = float(get_model(model).duration / ms)
    return sorted(set(DURATIONS) | {source})


def make_stimulus(kind: str, values: dict, duration) -> stimuli.Stimulus:
    """The stimulus of ``kind`` with the controls' ``values`` (plain floats, shown units).

    Sliders can cross: a start after the stop is read as the other way round, and a stop
    on the start is moved one step of the time sliders past it.

    Parameters
    ----------
    kind : str
        One of :data:`hh_brian.stimuli.STIMULUS_KINDS`.
    values : mapping of str to float
        The values of that kind's controls (:func:`stimulus_sliders`), by name.
    duration : Quantity (time)
        The run's duration.

    Examples
    --------
    >>> from brian2 import ms
    >>> make_stimulus("step", {"amplitude": 10, "start": 20, "stop": 150}, 200*ms)
    Step(amplitude=10. * uamp / (cmetre ** 2), start=20. * msecond, stop=150. * msecond)
    """
    if kind not in STIMULUS_KINDS:
        raise ValueError(f"kind: expected one of {', '.join(STIMULUS_KINDS)}; got {kind!r}")
    parameters = {p.name: p for p in STIMULUS_KINDS[kind].parameters}
    values = dict(values)
    if "start" in values and "stop" in values:
        start, stop = sorted((values["start"], values["stop"]))
        values["start"] = start
        values["stop"] = max(stop, start + float(duration / ms) / STEPS_PER_SLIDER)
    if kind == "noise" and "amplitude" in values:  # the slider's SD, as the amplitude
        sigma = values.get("sigma", float(parameters["sigma"].default / ms))
        values["amplitude"] = values["amplitude"] / noise_sd_per_amplitude(sigma)
    quantities = {}
    for name, value in values.items():
        unit = parameters[name].unit if name in parameters else None
        quantities[name] = int(round(value)) if unit is None else float(value) * unit
    return STIMULUS_KINDS[kind].make(quantities)
