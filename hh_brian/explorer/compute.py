"""What the explorer shows for one position of its controls, computed without Panel.

:class:`Settings` is that position (plain floats in the units the controls show);
:func:`run` simulates it and returns a :class:`Snapshot`: every trace in shown units, the
spikes, the gate curves; :func:`analyse` gives a 2D model's phase plane and dV/dt slice at a
chosen current and gate value (:class:`Analysis`). Both use the package's public functions
(:func:`hh_brian.simulate`, :mod:`hh_brian.analysis`), so what the explorer shows is what a
script would get.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass, field

import numpy as np
from brian2 import mV, ms

from .. import analysis, stimuli
from ..core.errors import IntegrationError
from ..core.units import CURRENT_DENSITY, whole_steps
from ..model.core import get_model
from ..simulation.run import simulate
from .controls import (DT, make_stimulus, noise_sd_per_amplitude, parameter_sliders,
                       stimulus_sliders)

__all__ = ["Analysis", "Settings", "Snapshot", "analyse", "run"]

#: Potentials of the gate curves (mV), as in the tutorial's figures.
CURVE_V = np.linspace(-90.0, 90.0, 721)
#: Potentials of the phase plane's nullclines and of the dV/dt slice (mV).
PLANE_V = np.linspace(-100.0, 60.0, 801)


@dataclass(frozen=True)
class Settings:
    """One position of the explorer's controls.

    Attributes
    ----------
    model : str
    params : mapping of str to float or Quantity
        Parameter values: numbers in the sliders' units, or quantities (missing ones: the
        source's values).
    stimulus : str
        A kind of :data:`~hh_brian.stimuli.STIMULUS_KINDS`.
    stimulus_values : mapping of str to float
        That kind's controls.
    duration : float
        Milliseconds.

    Examples
    --------
    >>> s = Settings("hodgkin_huxley", {"g_Na": 60.0}, "step",
    ...              {"amplitude": 10.0, "start": 20.0, "stop": 180.0}, 200.0)
    >>> sorted(s.quantities())
    ['g_Na']
    """

    model: str
    params: dict = field(default_factory=dict)
    stimulus: str = "source"
    stimulus_values: dict = field(default_factory=dict)
    duration: float = 200.0

    def shown_params(self) -> dict:
        """The parameters as numbers in the sliders' units, checked against their ranges."""
        sliders = {s.name: s for s in parameter_sliders(self.model)}
        unknown = sorted(set(self.params) - set(sliders))
        if unknown:
            raise ValueError(f"params: {', '.join(unknown)} not parameters of {self.model}; "
                             f"valid: {', '.join(sliders)}")
        return {name: sliders[name].check(value) for name, value in self.params.items()}

    def quantities(self) -> dict:
        """The parameters as quantities, checked against their sliders' ranges."""
        sliders = {s.name: s for s in parameter_sliders(self.model)}
        return {name: sliders[name].quantity(value)
                for name, value in self.shown_params().items()}

    def stimulus_settings(self) -> dict:
        """Every control of the stimulus, those not given at the source's values."""
        controls = stimulus_sliders(self.model, self.duration * ms)
        if self.stimulus not in controls:
            raise ValueError(f"stimulus: expected one of {', '.join(controls)}; "
                             f"got {self.stimulus!r}")
        sliders = {s.name: s for s in controls[self.stimulus]}
        unknown = sorted(set(self.stimulus_values) - set(sliders))
        if unknown:
            raise ValueError(f"stimulus_values: {', '.join(unknown)} not controls of "
                             f"{self.stimulus!r}; valid: {', '.join(sliders)}")
        values = {name: slider.default for name, slider in sliders.items()}
        values.update({name: sliders[name].check(value)
                       for name, value in self.stimulus_values.items()})
        return values

    def current(self):
        """The stimulus (:func:`~hh_brian.explorer.controls.make_stimulus`)."""
        values = self.stimulus_settings()
        if self.stimulus == "noise":
            # The smoothing is a long convolution (0.2 s for 2 s of input): the waveform is
            # kept, and a new amplitude only scales it.
            waveform = _noise_waveform(values["sigma"], int(round(values["seed"])),
                                       whole_steps(self.duration * ms, DT))
            amplitude = values["amplitude"] / noise_sd_per_amplitude(values["sigma"])
            return stimuli.sampled(amplitude * waveform * CURRENT_DENSITY)
        return make_stimulus(self.stimulus, values, self.duration * ms)


@functools.lru_cache(maxsize=8)
def _noise_waveform(sigma: float, seed: int, n_steps: int) -> np.ndarray:
    waveform = stimuli.smoothed_noise(1.0 * CURRENT_DENSITY, sigma * ms, seed).factors(n_steps,
                                                                                       DT)[1]
    waveform.setflags(write=False)
    return waveform


@dataclass
class Snapshot:
    """A run of one :class:`Settings`, ready to draw: plain arrays in shown units.

    Attributes
    ----------
    settings : Settings
    t : ndarray
        Milliseconds.
    traces : dict of str to ndarray
        ``v`` (mV), each gate, each membrane current and ``I_stim`` (µA/cm²).
    spike_times : ndarray
        Milliseconds.
    rate : float
        Spikes per second over the run.
    gate_curves : dict
        For each gate, ``(steady state, time constant in ms)`` over :data:`CURVE_V`.
    error : str or None
        Why there is nothing to draw (the integration diverged), else None.
    seconds : float
        Wall time of the simulation.

    Examples
    --------
    >>> snap = run(Settings("hodgkin_huxley", stimulus="step",
    ...                     stimulus_values={"amplitude": 10, "start": 10, "stop": 40},
    ...                     duration=50), target="numpy")
    >>> snap.spike_count, round(snap.rate, 1), sorted(snap.traces)[:3]
    (3, 60.0, ['I_K', 'I_L', 'I_Na'])
    """

    settings: Settings
    t: np.ndarray
    traces: dict
    spike_times: np.ndarray
    rate: float
    gate_curves: dict
    error: str | None = None
    seconds: float = 0.0

    @property
    def spike_count(self) -> int:
        return int(len(self.spike_times))


def _shown(name: str, values) -> np.ndarray:
    if name == "v":
        return np.asarray(values / mV)
    if name.startswith("I"):
        return np.asarray(values / CURRENT_DENSITY)
    return np.asarray(values, dtype=float)


def run(settings: Settings, *, target="cpp_standalone", progress=None) -> Snapshot:
    """Simulate ``settings`` and collect what the explorer draws.

    A diverged integration is not an exception here: the snapshot carries its message
    (``error``) and empty traces, so the app can say so and keep going.

    Parameters
    ----------
    settings : Settings
    target : str
        The simulation target (default ``"cpp_standalone"``: compiled once, then each new
        value is a run of the compiled program).
    progress : callable, optional
        Passed to :func:`hh_brian.simulate` (runtime targets report through it).

    Examples
    --------
    >>> snap = run(Settings("passive_membrane", duration=50), target="numpy")
    >>> snap.t.shape, snap.spike_count, snap.error
    ((5000,), 0, None)
    """
    model = get_model(settings.model).with_params(**settings.quantities())
    duration = settings.duration * ms
    stimulus = settings.current()
    curves = {}
    if model.gates:
        for gate, curve in analysis.gate_curves(model, CURVE_V * mV).items():
            curves[gate] = (np.asarray(curve["steady_state"], dtype=float),
                            np.asarray(curve["time_constant"] / ms))
    started = time.perf_counter()
    try:
        result = simulate(model, duration, stimulus, dt=DT, target=target, progress=progress)
    except IntegrationError as error:
        return Snapshot(settings, np.zeros(0), {}, np.zeros(0), 0.0, curves, error=str(error),
                        seconds=time.perf_counter() - started)
    seconds = time.perf_counter() - started
    spikes = np.asarray(result.spike_times() / ms)
    traces = {name: _shown(name, values) for name, values in result.traces.items()}
    return Snapshot(settings, np.asarray(result.t / ms), traces, spikes,
                    rate=len(spikes) / (settings.duration / 1000.0), gate_curves=curves,
                    seconds=seconds)


@dataclass
class Analysis:
    """A 2D model's phase plane and dV/dt slice at one current and one gate value.

    Attributes
    ----------
    gate : str
    current : float
        µA/cm².
    gate_value : float
        The gate's value held on the slice.
    v : ndarray
        Potentials (mV) of the curves.
    v_nullcline, gate_nullcline : ndarray
        The gate values where dV/dt = 0 and d(gate)/dt = 0 at each potential.
    steady_states : list of (float, float, str)
        Fixed points of the full system: v (mV), gate, kind.
    dv_dt : ndarray
        dV/dt (mV/ms) along the slice, the gate held at ``gate_value``.
    slice_points : list of (float, str)
        The slice's fixed points: v (mV), "stable" / "unstable" / "degenerate".

    Examples
    --------
    >>> a = analyse("hh_2d_reduction", {}, current=0.0, gate_value=0.0)
    >>> [(round(v, 1), kind) for v, _, kind in a.steady_states]
    [(-54.4, 'stable node')]
    >>> [(round(v, 1), kind) for v, kind in a.slice_points][:2]
    [(-54.4, 'stable'), (2.0, 'unstable')]
    """

    gate: str
    current: float
    gate_value: float
    v: np.ndarray
    v_nullcline: np.ndarray
    gate_nullcline: np.ndarray
    steady_states: list
    dv_dt: np.ndarray
    slice_points: list


def analyse(model_name: str, params: dict, *, current: float, gate_value: float) -> Analysis:
    """The phase plane and the dV/dt slice of a model with one gate.

    Parameters
    ----------
    model_name : str
    params : mapping of str to float
        Parameter values in the sliders' units.
    current : float
        Injected current, µA/cm², constant.
    gate_value : float
        The gate's value held on the dV/dt slice.

    Examples
    --------
    >>> a = analyse("hh_2d_reduction", {"g_L": 0.06}, current=0.0, gate_value=0.0)
    >>> a.gate, [round(v, 1) for v, _, _ in a.steady_states]  # rest stays at E_L
    ('n', [-54.4])
    """
    quantities = Settings(model_name, dict(params)).quantities()
    model = get_model(model_name).with_params(**quantities)
    if len(model.gates) != 1:
        raise ValueError(f"model: the phase plane needs a model with one gate; "
                         f"{model.name} has {len(model.gates)}")
    (gate,) = model.gates
    v = PLANE_V * mV
    I = current * CURRENT_DENSITY
    lines = analysis.nullclines(model, v, I, gate=gate)
    states = [(float(s.v / mV), float(s.state[gate]), s.kind)
              for s in analysis.steady_states(model, I, v_range=(v[0], v[-1]))]
    held = {gate: float(gate_value)}
    rate = np.asarray(analysis.dv_dt(model, v, I, **held) / (mV / ms))
    points = [(float(p.v / mV), p.stability)
              for p in analysis.fixed_points(model, I, v_range=(v[0], v[-1]), **held)]
    return Analysis(gate=gate, current=float(current), gate_value=float(gate_value),
                    v=PLANE_V.copy(), v_nullcline=np.asarray(lines["v_nullcline"]),
                    gate_nullcline=np.asarray(lines["gate_nullcline"]), steady_states=states,
                    dv_dt=rate, slice_points=points)
