"""The check of a diagram by simulation: sweep a parameter up, then down, carrying the state.

Where a stable rest state and a stable cycle coexist (between the limit point of cycles and a
subcritical Hopf point), what the neuron does depends on where it comes from: coming from rest
it stays at rest, coming from firing it keeps firing. :func:`hysteresis` shows this with the
simulator itself: each run starts from the final state of the run before, so a firing state is
carried into the next value (a jump from an arbitrary initial state could land in either basin).

Just past a subcritical Hopf point the rest state is unstable, but the escape from it is slow
(the real part of its eigenvalues grows from zero there): a run of finite length can still see
rest a little beyond the Hopf point on the way up.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from brian2 import Hz, Quantity, ms

from ..core.units import CURRENT_DENSITY, check_dimension, show_value
from ..model.core import get_model
from .system import STIMULUS, OdeSystem

__all__ = ["Hysteresis", "hysteresis"]


@dataclass(frozen=True)
class Hysteresis:
    """Firing rates of a sweep up and a sweep down through the same parameter values.

    Attributes
    ----------
    parameter : str
    values : Quantity
        The parameter values, increasing.
    rate_up, rate_down : Quantity
        The firing rate at each value (same order as ``values``) on the way up and on the
        way down, counted over the end of each run (after ``settle``).

    Examples
    --------
    >>> from brian2 import Hz, uA, cm
    >>> h = Hysteresis("I_stim", [6, 8, 10] * uA/cm**2, [0, 0, 70] * Hz, [0, 60, 70] * Hz)
    >>> print(h.bistable() / (uA/cm**2))
    [8.]
    """

    parameter: str
    values: Quantity
    rate_up: Quantity
    rate_down: Quantity

    def bistable(self) -> Quantity:
        """The values where the two sweeps disagree: at rest one way, firing the other."""
        up = np.asarray(self.rate_up / Hz) > 0
        down = np.asarray(self.rate_down / Hz) > 0
        return self.values[up != down]


def _ramped(start, stop, duration):
    """A current moving linearly from ``start`` to ``stop`` over ``duration``, then held."""
    from .. import stimuli

    if float(duration / ms) == 0 or start == stop:
        return stimuli.constant(stop)
    return stimuli.ramp(start, stop, 0 * ms, duration) + stimuli.step(stop, duration)


def _rest(system: OdeSystem, value: float):
    """The stable equilibrium of lowest v at the first value, as an initial state (or None)."""
    stable = [s for s in system.steady_states_at(value) if s.kind.startswith("stable")]
    return dict(stable[0].state) if stable else None


def hysteresis(model, parameter: str, values, *, params=None, current=None,
               duration=400 * ms, settle=200 * ms, ramp=50 * ms, **simulate_options) -> Hysteresis:
    """Firing rate along ``values`` swept up and then down, each run continuing the last.

    Parameters
    ----------
    model : Model or str
    parameter : str
        ``"I_stim"`` or a parameter of the model.
    values : Quantity
        Increasing parameter values (at least two).
    params : dict, optional
        Other parameters overridden.
    current : Quantity, optional
        The constant injected current when ``parameter`` is not ``I_stim`` (default 0).
    duration : Quantity
        Length of the run at each value. The sweep up starts at the stable equilibrium of
        lowest v at the first value (if there is one).
    settle : Quantity
        Spikes are counted after this time into each run.
    ramp : Quantity
        When the swept parameter is ``I_stim``, the current moves linearly from the previous
        value to the next over the first ``ramp`` of each run (at most ``settle``): a step of
        current is itself a stimulus, which could make a resting neuron fire. Any other
        parameter changes as a step between runs.
    **simulate_options
        Passed to :func:`hh_brian.simulate` (``dt``, ``method``, ``target``).

    Returns
    -------
    Hysteresis

    Examples
    --------
    >>> from brian2 import uA, cm, mV, ms  # doctest: +SLOW
    >>> from hh_brian.bifurcation import hysteresis
    >>> h = hysteresis("hodgkin_huxley", "I_stim", [6, 7.5, 9, 10.5]*uA/cm**2,
    ...                params={"E_Na": 50*mV})
    >>> print(h.rate_up)
    [ 0.  0.  0. 65.] Hz
    >>> print(h.rate_down)
    [ 0. 60. 70. 70.] Hz
    >>> print(h.bistable() / (uA/cm**2))  # at rest on the way up, firing on the way down
    [7.5 9. ]
    """
    from ..simulation.run import simulate

    model = get_model(model)
    if params is not None and not hasattr(params, "items"):
        raise TypeError(f"params: expected a mapping of parameter names to values, "
                        f"got {type(params).__name__}")
    if parameter in (params or {}):
        raise ValueError(f"params: {parameter!r} is the swept parameter; give its values as "
                         f"values, not in params")
    system = OdeSystem(model.with_params(**dict(params or {})), parameter, current)
    unit = system.parameter_quantity(1.0)
    values = check_dimension(values, unit, "values")
    plain = np.asarray(values / unit, dtype=float)
    if (plain.ndim != 1 or plain.size < 2 or not np.all(np.isfinite(plain))
            or np.any(np.diff(plain) <= 0)):
        raise ValueError(f"values: expected at least two finite, increasing values of "
                         f"{parameter}, got {values}")
    if parameter != STIMULUS:
        interval = model.param_ranges[parameter]
        outside = [v for v in plain if not bool(interval.contains(system.parameter_quantity(v)))]
        if outside:
            raise ValueError(f"values: {show_value(system.parameter_quantity(outside[0]))} is "
                             f"outside the physical range of {parameter} ({interval})")
    times = {}
    for name, value in (("duration", duration), ("settle", settle), ("ramp", ramp)):
        value = check_dimension(value, ms, name)
        if np.ndim(value) != 0 or not np.isfinite(float(value / ms)):
            raise ValueError(f"{name}: expected one finite time, got {value}")
        times[name] = value
    duration, settle, ramp = times["duration"], times["settle"], times["ramp"]
    if not duration > 0 * ms:
        raise ValueError(f"duration: expected a positive time, got {show_value(duration)}")
    if not 0 <= float(settle / ms) < float(duration / ms):
        raise ValueError(f"settle: expected a time in [0, duration), got {show_value(settle)}")
    if not 0 <= float(ramp / ms) <= float(settle / ms):
        raise ValueError(f"ramp: expected a time in [0, settle], got {show_value(ramp)}")
    if parameter != STIMULUS:
        current = 0 * CURRENT_DENSITY if current is None else current
    base = dict(params or {})
    state = _rest(system, plain[0])
    previous = system.parameter_quantity(plain[0])
    rates = {}
    for direction, order in (("up", plain), ("down", plain[::-1])):
        out = []
        for value in order:
            quantity = system.parameter_quantity(value)
            run_params, run_current = dict(base), current
            if parameter == STIMULUS:
                run_current = _ramped(previous, quantity, ramp)
            else:
                run_params[parameter] = quantity
            result = simulate(model, duration, run_current, params=run_params, initial=state,
                              record=list(model.state_variables), **simulate_options)
            spikes = np.asarray(result.spike_times() / ms)
            out.append(np.sum(spikes >= float(settle / ms))
                       / float((duration - settle) / ms) * 1000.0)
            # The last recorded sample: the state one step before the end of the run.
            state = {name: result.traces[name][-1] for name in model.state_variables}
            previous = quantity
        rates[direction] = np.array(out)
    return Hysteresis(parameter=parameter, values=system.parameter_quantity(plain),
                      rate_up=rates["up"] * Hz, rate_down=rates["down"][::-1] * Hz)
