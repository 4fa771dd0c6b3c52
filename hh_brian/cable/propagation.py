"""The propagated action potential: a model of the package on an axon, and its velocity.

:func:`propagate` runs any model with a membrane current on an :class:`~.axon.Axon`
through Brian2's ``SpatialNeuron`` (every target that runs a patch runs an axon), with the
current injected at a point or along a stretch, and returns a :class:`Propagation`: v (and
whatever else was asked) against time and position with units, when the action potential
arrived at each position, the conduction velocity and whether it reached the far end.

Every argument is checked before anything is compiled, as :func:`hh_brian.plan_run` does for
a patch; compartments too long for the membrane's length constant give a warning that says
what accuracy to expect.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Mapping

import numpy as np
from brian2 import Quantity, farad, meter, mm, ms, mV, second, siemens, volt

from ..core.errors import IntegrationError, RecordingTooLarge
from ..core.traces import TracesByName
from ..core.units import CURRENT_DENSITY, check_dimension, positive_time, show_value, whole_steps
from ..model.core import get_model
from ..model.functions import ModelFunctions
from ..stimuli import Stimulus, as_stimulus, pulse
from ..targets.base import DEFAULT_MEMORY_LIMIT
from ..targets.cable import CableRun
from ..targets.registry import get_target
from .axon import SQUID_AXON, Axon, length_constant

__all__ = ["ARRIVAL_THRESHOLD", "DEFAULT_CURRENT", "MAX_COMPARTMENT", "Propagation",
           "VELOCITY_WINDOW", "axon_model", "plan_propagation", "propagate",
           "resting_length_constant"]

#: The default input: 0.5 ms of 200 µA/cm² over the first millimetre, enough to start an
#: action potential in HH's squid axon at any temperature it conducts at.
DEFAULT_CURRENT = pulse(200 * CURRENT_DENSITY, 0 * ms, 0.5 * ms)
_DEFAULT_WHERE = (0 * mm, 1 * mm)
#: The level whose first upward crossing is an action potential's arrival: 25 mV above HH's
#: rest. Not 0 mV, nor -20 mV: on HH's squid axon at 32.7 degC, just below the temperature
#: at which conduction fails, an action potential still crosses the whole axon with a peak
#: between -28 and -21 mV; 0.1 degC warmer it dies, falling below -40 mV within 2 cm.
ARRIVAL_THRESHOLD = -40 * mV
#: Compartments longer than this fraction of the resting length constant give a warning.
MAX_COMPARTMENT = 0.05
#: The part of the axon (fractions of its length) over which the velocity is fitted: away
#: from the stimulus, where the wave is still forming, and from the sealed far end.
VELOCITY_WINDOW = (0.25, 0.75)
# The methods that move the gates (the cable itself is implicit): Brian2's explicit ones.
_METHODS = ("euler", "exponential_euler", "heun", "rk2", "rk4")


@dataclass(frozen=True, eq=False)
class Propagation(TracesByName):
    """What :func:`propagate` returns: v along the axon over time, and the wave's arrival.

    Attributes
    ----------
    model : Model
        With the parameters of the run (its temperature among them).
    axon : Axon
    t : Quantity
        Sample times.
    x : Quantity
        The centre of each compartment.
    traces : mapping of str to Quantity
        Each recorded trace, shape ``(compartments, samples)``; also attributes
        (``result.v``).
    arrival : Quantity
        When v first crossed ``threshold`` upwards at each compartment (NaN: never), at
        step resolution with linear interpolation.
    threshold : Quantity
    duration, dt : Quantity
    method, target : str
    current : Stimulus
    stimulated : ndarray of bool
        Where the current was injected.

    Examples
    --------
    >>> from brian2 import ms
    >>> from hh_brian.cable import propagate
    >>> from brian2 import meter, second
    >>> wave = propagate("hodgkin_huxley", duration=8*ms)  # doctest: +SLOW
    >>> wave.reached_end, round(float(wave.velocity / (meter/second)), 1)
    (True, 12.7)
    """

    model: object
    axon: Axon
    t: Quantity
    traces: Mapping[str, Quantity]
    arrival: Quantity
    threshold: Quantity
    duration: Quantity
    dt: Quantity
    method: str
    target: str
    current: Stimulus
    stimulated: np.ndarray

    @property
    def x(self) -> Quantity:
        return self.axon.x

    @property
    def reached_end(self) -> bool:
        """Whether the action potential arrived at the far end's compartment."""
        return bool(np.isfinite(float(self.arrival[-1] / second)))

    @property
    def velocity(self) -> Quantity:
        """The conduction velocity: the inverse slope of arrival time against position,
        fitted by least squares over the middle of the axon (:data:`VELOCITY_WINDOW`); NaN
        (m/s) when the wave did not cross that stretch."""
        x = np.asarray(self.x / mm)
        arrival = np.asarray(self.arrival / ms)
        span = float(self.axon.length / mm)
        inside = (x >= VELOCITY_WINDOW[0] * span) & (x <= VELOCITY_WINDOW[1] * span)
        if np.isnan(arrival[inside]).any() or inside.sum() < 2:
            return float("nan") * (mm / ms)
        slope = np.polyfit(x[inside], arrival[inside], 1)[0]  # ms per mm
        return (1.0 / slope) * (mm / ms)

    def plot(self, fig=None):
        """v as an image over position and time, and its trace at a few positions.

        See :func:`hh_brian.cable.plot.plot_propagation`; returns the Figure.
        """
        from .plot import plot_propagation

        return plot_propagation(self, fig=fig)

    def __repr__(self):
        speed = float(self.velocity / (mm / ms))
        return (f"<Propagation {self.model.name} on an {self.axon}: velocity "
                f"{speed:.4g} m/s, {'reached' if self.reached_end else 'did not reach'} "
                f"the far end, target={self.target!r}>")


def axon_model(model, params=None, temperature=None):
    """The model an axon runs: ``model`` with ``params`` and ``temperature`` (its ``T``)
    applied, each checked; refused if it has no membrane current or is a batch.

    Examples
    --------
    >>> from hh_brian import celsius
    >>> axon_model("hodgkin_huxley", temperature=celsius(18.5)).params["T"]
    291.65 * kelvin
    >>> axon_model("passive_membrane", temperature=celsius(18.5))
    Traceback (most recent call last):
    ...
    ValueError: temperature: passive_membrane has no gates, so nothing that depends on temperature
    """
    model = get_model(model)
    if not model.currents:
        raise ValueError(f"model: {model.name} has no membrane current; an axon needs one")
    if params is not None and not isinstance(params, Mapping):
        raise TypeError(f"params: expected a mapping of parameter names to values, got "
                        f"{params!r}")
    params = dict(params or {})
    if temperature is not None:
        if "T" not in model.params:
            raise ValueError(f"temperature: {model.name} has no gates, so nothing that "
                             f"depends on temperature")
        if "T" in params:
            raise ValueError("temperature, params: T is given twice; give it once")
        params["T"] = temperature
    model = model.with_params(**params) if params else model
    if model.batch_size is not None:
        raise ValueError("params: one axon at a time: give scalar values (a sweep runs many)")
    return model


def _check_record(record, model) -> tuple:
    valid = model.state_variables + tuple(model.currents) + ("I_stim",)
    record = (record,) if isinstance(record, str) else tuple(record)
    unknown = [name for name in record if name not in valid]
    if unknown:
        raise ValueError(f"record: unknown trace(s) {unknown}; valid: {', '.join(valid)}")
    return tuple(dict.fromkeys(record))


def resting_length_constant(model, axon: Axon) -> Quantity:
    """The length constant of the axon at the model's resting state: λ for the slope
    conductance of its membrane there (every channel open at rest counts, not only the
    leak), -dI_m/dv at the initial v with every gate at its steady state.

    Examples
    --------
    >>> from brian2 import mm
    >>> from hh_brian.cable import SQUID_AXON
    >>> round(float(resting_length_constant("hodgkin_huxley", SQUID_AXON) / mm), 2)
    7.05
    """
    model = get_model(model)
    functions = ModelFunctions(model)
    v0 = float(model.v_init / volt)
    state = functions.with_steady_gates(np.asarray(v0), {})
    step = 1e-6  # volts
    up, down = (float(functions.derivative("v", **{**state, "v": v0 + s}))
                for s in (step, -step))
    capacitance = float(np.asarray(model.params["C_m"] / (farad / meter**2)))
    conductance = max(-(up - down) / (2 * step) * capacitance, 1e-12)  # S/m^2
    return length_constant(axon, conductance * siemens / meter**2)


def plan_propagation(model="hodgkin_huxley", axon: Axon = SQUID_AXON, duration=10 * ms,
                     current=None, *, where=None, dt=0.01 * ms, method="exponential_euler",
                     target="cython", params=None, temperature=None, record=("v",),
                     record_dt=None, threshold=ARRIVAL_THRESHOLD, memory_limit=None) -> CableRun:
    """Check every argument of :func:`propagate` and describe its run to a target, without
    running it (the cable's counterpart of :func:`hh_brian.plan_run`).

    Parameters and errors are :func:`propagate`'s.

    Returns
    -------
    CableRun

    Examples
    --------
    >>> from brian2 import cm, ms
    >>> from hh_brian.cable import Axon
    >>> run = plan_propagation("hodgkin_huxley", Axon(length=1*cm, compartments=100), 1*ms)
    >>> run.n_compartments, run.n_steps, run.compartment_length
    (100, 100, 100. * umetre)
    """
    model = axon_model(model, params, temperature)
    if not isinstance(axon, Axon):
        raise TypeError(f"axon: expected an Axon, got {axon!r}")
    dt = positive_time(dt, "dt")
    duration = positive_time(duration, "duration")
    n_steps = whole_steps(duration, dt)
    if not isinstance(method, str) or method not in _METHODS:
        raise ValueError(f"method: expected one of {', '.join(_METHODS)}; got {method!r}")
    runner = get_target(target)
    stimulus = as_stimulus(current, default=DEFAULT_CURRENT)
    if stimulus.batch_size is not None:
        raise ValueError("current: one axon at a time: give one time course, not one per "
                         "neuron")
    stimulus.check_steps(n_steps, dt)
    stimulus.check_resolution(n_steps, dt)
    stimulated = axon.compartments_at(_DEFAULT_WHERE if where is None else where)
    record = _check_record(record, model)
    record_every = 1 if record_dt is None else whole_steps(
        positive_time(record_dt, "record_dt"), dt, argument="record_dt")
    threshold = check_dimension(threshold, mV, "threshold")
    samples = -(-n_steps // record_every) if record else 0
    need = 2 * 8 * len(record) * axon.compartments * samples
    limit = DEFAULT_MEMORY_LIMIT if memory_limit is None else memory_limit
    if need > limit:
        raise RecordingTooLarge(
            f"memory_limit: recording {len(record)} trace(s) of {axon.compartments} "
            f"compartments x {samples} samples needs about {need / 1e9:.3g} GB, over the "
            f"limit of {limit / 1e9:.3g} GB; record fewer traces, a coarser record_dt, or "
            f"none (record=[]: the velocity is measured while running)")
    _warn_if_coarse(model, axon)
    return CableRun(model=model, length=axon.length, diameter=axon.diameter, R_i=axon.R_i,
                   n_compartments=axon.compartments, n_steps=n_steps, dt=dt, method=method,
                   stimulus=stimulus, stimulated=stimulated, record=record,
                   record_every=record_every, threshold=threshold, target=runner)


def propagate(model="hodgkin_huxley", axon: Axon = SQUID_AXON, duration=10 * ms, current=None,
              *, where=None, dt=0.01 * ms, method="exponential_euler", target="cython",
              params=None, temperature=None, record=("v",), record_dt=None,
              threshold=ARRIVAL_THRESHOLD, memory_limit=None) -> Propagation:
    """Run a model on an axon and follow its action potential.

    Parameters
    ----------
    model : Model or str
        Any model with a membrane current (default: Hodgkin–Huxley).
    axon : Axon
        Default: :data:`~hh_brian.cable.axon.SQUID_AXON`, HH's squid giant axon.
    duration : Quantity (time)
    current : Stimulus or Quantity (current density), optional
        The time course of the injected current density. Default:
        :data:`DEFAULT_CURRENT` (0.5 ms of 200 µA/cm²).
    where : Quantity or (Quantity, Quantity), optional
        Where it is injected: a position (its compartment) or a stretch (the compartments
        whose centre lies in it). Default: the first millimetre.
    dt : Quantity (time), default 0.01 ms
    method : str, default "exponential_euler"
        How the gates move; v is implicit (Brian2's cable solver).
    target : str or Target, default "cython"
    params : mapping of str to Quantity, optional
        The model's parameters (scalars).
    temperature : Quantity (kelvin), optional
        The model's ``T``, e.g. ``celsius(18.5)``: HH's rates scale by 3 per 10 °C.
    record : sequence of str, default ("v",)
        Traces kept at every compartment; ``[]`` keeps none (the arrival times and the
        velocity are measured while running).
    record_dt : Quantity (time), optional
        Keep every ``record_dt`` (a whole number of steps; default every step).
    threshold : Quantity (voltage), default -40 mV
        The level whose first upward crossing is the arrival of the action potential
        (:data:`ARRIVAL_THRESHOLD`).
    memory_limit : int, optional
        Bytes the recording may need (default 2 GiB).

    Returns
    -------
    Propagation

    Raises
    ------
    ValueError, DimensionMismatchError
        For a mistake in any argument, before anything is compiled.
    IntegrationError
        When the state of some compartment becomes NaN or infinite.

    Warns
    -----
    UserWarning
        When compartments are longer than :data:`MAX_COMPARTMENT` of the resting length
        constant.

    Examples
    --------
    >>> from brian2 import ms, meter, second
    >>> from hh_brian import celsius
    >>> from hh_brian.cable import propagate
    >>> wave = propagate(temperature=celsius(18.5), duration=6*ms)  # doctest: +SLOW
    >>> round(float(wave.velocity / (meter/second)), 1)
    19.2
    """
    run = plan_propagation(model, axon, duration, current, where=where, dt=dt, method=method,
                           target=target, params=params, temperature=temperature,
                           record=record, record_dt=record_dt, threshold=threshold,
                           memory_limit=memory_limit)
    recording = run.target.run_cable(run)
    dt, n_steps = run.dt, run.n_steps
    finite = np.asarray(recording.time_finite / dt, dtype=float)
    bad = np.flatnonzero(np.ceil(finite - 1e-6) < n_steps)
    if bad.size:
        raise IntegrationError(run.model.name, float(np.min(finite[bad])) * dt, dt, method,
                               neurons=tuple(int(k) for k in bad))
    t = (recording.t if recording.t is not None
         else np.arange(0, n_steps, run.record_every) * dt)
    return Propagation(model=run.model, axon=axon, t=t, traces=dict(recording.traces),
                       arrival=recording.arrival, threshold=run.threshold,
                       duration=run.duration, dt=dt, method=method,
                       target=getattr(run.target, "name", "target"), current=run.stimulus,
                       stimulated=run.stimulated)


def _warn_if_coarse(model, axon: Axon) -> None:
    scale = resting_length_constant(model, axon)
    ratio = float(axon.compartment_length / scale)
    if ratio > MAX_COMPARTMENT:
        warnings.warn(
            f"compartments: {show_value(axon.compartment_length)} is {ratio:.2g} of the "
            f"resting length constant ({float(scale / mm):.3g} mm); above {MAX_COMPARTMENT:g} the "
            f"velocity comes out more than about 1 % off (docs: 'The propagated action "
            f"potential', convergence); use more compartments", stacklevel=4)
