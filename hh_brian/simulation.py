"""Running a model: :func:`simulate` and its :class:`SimulationResult`.

Every call builds its own Brian2 objects (group, monitor, clock and network) with an explicit
namespace, so two calls in one process share nothing but Brian2's compiled-code cache.
Code-generation targets come from a registry (:data:`TARGETS`); an unknown name raises an
error that lists the valid ones.
"""

from __future__ import annotations

import sys
import warnings
from dataclasses import dataclass
from typing import Callable, Mapping

import numpy as np
from brian2 import Clock, Network, Quantity, StateMonitor, TimedArray, mV, ms, second
from brian2.codegen.runtime.cython_rt import CythonCodeObject
from brian2.codegen.runtime.numpy_rt import NumpyCodeObject
from brian2.stateupdaters.base import StateUpdateMethod

from . import stimuli as _stimuli
from ._brian import assign, build_group, set_initial_state
from .models import Model, get_model, validate_params
from .traces import upward_crossings
from .units import check_dimension, to_display

__all__ = ["ProgressBar", "simulate", "SimulationResult", "TARGETS"]


@dataclass(frozen=True)
class RunSpec:
    """Everything a target needs to run a model, already validated."""

    model: Model
    n_neurons: int
    n_steps: int
    dt: Quantity
    method: str
    stimulus: _stimuli.Stimulus
    initial: Mapping[str, Quantity]
    record: tuple[str, ...]
    progress: Callable | None = None


class ProgressBar:
    """A text progress bar for runs that take longer than ``delay`` seconds of wall time.

    It is a Brian2 report callback: Brian2 calls it with the elapsed wall time, the fraction
    completed, the start time and the duration. Runs that finish within ``delay`` print
    nothing.

    Examples
    --------
    >>> import io
    >>> from brian2 import second, ms
    >>> stream = io.StringIO()
    >>> bar = ProgressBar(stream, delay=0)
    >>> bar(3*second, 0.5, 0*ms, 200*ms)
    >>> stream.getvalue().strip()
    '[###############...............]  50% of 200 ms, 3.0 s elapsed, ~3.0 s left'
    """

    def __init__(self, stream=None, delay: float = 2.0, width: int = 30):
        self.stream = stream if stream is not None else sys.stderr
        self.delay = delay
        self.width = width
        self._shown = False

    def __call__(self, elapsed, completed, start, duration):
        seconds = float(elapsed / second)
        if not self._shown and (seconds < self.delay or completed >= 1):
            return
        self._shown = True
        filled = int(round(self.width * completed))
        left = seconds * (1 - completed) / completed if completed > 0 else float("nan")
        bar = "#" * filled + "." * (self.width - filled)
        self.stream.write(f"\r[{bar}] {100 * completed:3.0f}% of {float(duration / ms):g} ms, "
                          f"{seconds:.1f} s elapsed, ~{left:.1f} s left")
        if completed >= 1:
            self.stream.write("\n")
        self.stream.flush()


class RuntimeTarget:
    """Brian2's runtime mode with one code-object class (generated code run from Python)."""

    def __init__(self, codeobj_class, description: str):
        self.codeobj_class = codeobj_class
        self.description = description

    def run(self, spec: RunSpec) -> dict[str, Quantity]:
        """Run ``spec`` and return the recorded arrays (t, then every recorded variable)."""
        clock = Clock(dt=spec.dt)
        stimulus_eqs, namespace, stim_values = _stimulus_equations(spec)
        group = build_group(spec.model, spec.n_neurons, self.codeobj_class,
                            stimulus_eqs=stimulus_eqs, namespace=namespace, clock=clock,
                            method=spec.method)
        for name, value in stim_values.items():
            assign(group, name, value)
        set_initial_state(group, spec.model, spec.initial)
        monitor = StateMonitor(group, list(spec.record), record=True, clock=clock,
                               codeobj_class=self.codeobj_class)
        network = Network(group, monitor)
        network.run(spec.n_steps * spec.dt, namespace={}, report=spec.progress,
                    report_period=0.5 * second)
        if len(monitor.t) != spec.n_steps:  # pragma: no cover - guards Brian2's step rounding
            raise RuntimeError(f"expected {spec.n_steps} samples, Brian2 recorded {len(monitor.t)}")
        recorded = {"t": monitor.t[:]}
        for name in spec.record:
            recorded[name] = getattr(monitor, name)[:]
        return recorded


def _stimulus_equations(spec: RunSpec):
    """Brian2 equation line(s) defining I_stim, their namespace and per-neuron values."""
    factors = spec.stimulus.factors(spec.n_steps, spec.dt)
    if factors is not None:
        amplitude, waveform = factors
        # One shared dimensionless waveform scaled per neuron: the memory of one trace.
        eqs = ("I_stim = I_amplitude * I_waveform(t) : amp/meter**2\n"
               "I_amplitude : amp/meter**2 (constant)")
        namespace = {"I_waveform": TimedArray(waveform, dt=spec.dt)}
        return eqs, namespace, {"I_amplitude": amplitude}
    samples = spec.stimulus.samples(spec.n_steps, spec.dt)
    if np.ndim(samples) == 1:
        return ("I_stim = I_samples(t) : amp/meter**2",
                {"I_samples": TimedArray(samples, dt=spec.dt)}, {})
    # TimedArray's 2-D values are indexed (time step, neuron).
    return ("I_stim = I_samples(t, i) : amp/meter**2",
            {"I_samples": TimedArray(samples.T, dt=spec.dt)}, {})


#: Code-generation targets by name. A new target (e.g. C++ standalone) registers here.
TARGETS: dict[str, RuntimeTarget] = {
    "cython": RuntimeTarget(CythonCodeObject, "Brian2 runtime, generated Cython compiled by g++"),
    "numpy": RuntimeTarget(NumpyCodeObject, "Brian2 runtime, generated vectorised numpy"),
}


@dataclass(frozen=True, eq=False)
class SimulationResult:
    """What :func:`simulate` returns: every trace with units, and what produced it.

    Traces have shape ``(n_steps,)`` for a single neuron and ``(N, n_steps)`` for a batch.
    Sample k is the state at ``t[k] = k·dt``, before step k's update; sample 0 is the
    initial state, as in the source loops.

    Attributes
    ----------
    model : Model
        The model, with the parameters of this run (array-valued for a batch).
    t : Quantity
        Sample times, shape ``(n_steps,)``.
    traces : mapping of str to Quantity
        Every recorded trace: ``v`` (volt), each gate (dimensionless), each membrane current
        in ``model.currents`` and the injected current ``I_stim`` (amp/meter**2). Each is also
        an attribute: ``result.v``, ``result.I_Na``, ``result.n``…
    options : mapping
        ``duration``, ``dt``, ``method``, ``target``, ``initial`` (the initial state actually
        used, gates included) and ``current`` (the stimulus).
    batch : bool
        True when the run was a batch of neurons.

    Examples
    --------
    >>> from brian2 import ms, mV, uA, cm
    >>> from hh_brian import simulate
    >>> result = simulate("passive_membrane", 10*ms, 30*uA/cm**2, target="numpy")
    >>> result.t.shape, result.v.shape, sorted(result.traces)
    ((1000,), (1000,), ['I_L', 'I_stim', 'v'])
    >>> round(float(result.v[-1] / mV), 3)  # E_L + I/g_L after 10 time constants
    -35.001
    """

    model: Model
    t: Quantity
    traces: Mapping[str, Quantity]
    options: Mapping[str, object]
    batch: bool

    def __getattr__(self, name):
        traces = self.__dict__.get("traces", {})
        if name in traces:
            return traces[name]
        raise AttributeError(f"{type(self).__name__} has no attribute {name!r}; its traces "
                             f"are: {', '.join(traces)}")

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self.traces))

    @property
    def params(self) -> Mapping[str, Quantity]:
        """The parameters of this run."""
        return self.model.params

    @property
    def n_neurons(self) -> int:
        """Number of simulated neurons (1 unless a batch)."""
        return np.shape(self.traces["v"])[0] if self.batch else 1

    @property
    def state_variables(self) -> tuple[str, ...]:
        return self.model.state_variables

    @property
    def currents(self) -> Mapping[str, Quantity]:
        """The membrane currents by name (outward positive unless the model says otherwise)."""
        return {name: self.traces[name] for name in self.model.currents}

    def spike_times(self, threshold=0 * mV):
        """Times at which ``v`` crosses ``threshold`` upwards, linearly interpolated.

        Parameters
        ----------
        threshold : Quantity (voltage), default 0 mV

        Returns
        -------
        Quantity or list of Quantity
            The spike times of the neuron, or for a batch a list with one array per neuron.
        """
        threshold = check_dimension(threshold, mV, "threshold")
        t_ms = np.asarray(self.t / ms)
        v_mV = np.atleast_2d(np.asarray(self.traces["v"] / mV))
        times = [upward_crossings(row, t_ms, float(threshold / mV)) * ms for row in v_mV]
        return times if self.batch else times[0]

    def to_arrays(self) -> tuple[dict[str, np.ndarray], dict[str, str]]:
        """Every trace as a plain float array, in the source's units.

        Returns
        -------
        arrays : dict of str to ndarray
            ``t`` in ms, ``v`` in mV, gates dimensionless, currents in µA/cm².
        units : dict of str to str
            The unit of each array, e.g. ``{"t": "ms", "v": "mV", ...}``.
        """
        arrays, units = {}, {}
        for name, value in {"t": self.t, **self.traces}.items():
            arrays[name], units[name] = to_display(value)
        return arrays, units

    def plot(self, axes=None):
        """Plot the injected current, the membrane currents and v against time.

        See :func:`hh_brian.plotting.plot_result`. Returns the axes.
        """
        from .plotting import plot_result

        return plot_result(self, axes=axes)

    def __repr__(self):
        neurons = f"{self.n_neurons} neurons" if self.batch else "1 neuron"
        return (f"<SimulationResult {self.model.name}: {neurons}, {len(self.t)} steps of "
                f"{self.options['dt']}, target={self.options['target']!r}>")


def simulate(model, duration=None, current=None, *, dt=0.01 * ms, method="euler",
             target="cython", params=None, initial=None, progress=False) -> SimulationResult:
    """Simulate a model with Brian2 code generation.

    Parameters
    ----------
    model : Model or str
        A model, or its name or source name (``"hodgkin_huxley"``, ``"neuron_func_7"``).
    duration : Quantity (time), optional
        Length of the run; a whole number of ``dt``. Default: the model's source duration
        (100 ms for models 1–3, 200 ms for 4–7).
    current : Stimulus or Quantity (current density), optional
        The injected current. A scalar is a constant current; an array is sampled, one
        sample per step (shape ``(n_steps,)``, or ``(N, n_steps)`` for a batch); a stimulus
        from :mod:`hh_brian.stimuli` is used as it is. Default: the source protocol, +A
        during [T/5, 2T/5) and −A during [3T/5, 4T/5) with the model's A, or the model's
        own default stimulus (the 2D reduction's noise).
    dt : Quantity (time), default 0.01 ms
        Integration step.
    method : str, default "euler"
        A Brian2 integration method by name ("euler", "rk2", "rk4", "exponential_euler", …).
    target : str, default "cython"
        Code-generation target, one of :data:`TARGETS`.
    params : mapping of str to Quantity, optional
        Parameter overrides, each with the dimension of its default. An array of N values
        runs a batch of N neurons in one group.
    initial : mapping of str to Quantity, optional
        Initial values of state variables (scalar or per neuron). ``v`` defaults to the
        model's ``v_init``; a gate not given starts at its steady state for the initial v.
    progress : bool or callable, default False
        True shows a progress bar on standard error for runs longer than 2 s of wall time;
        a callable is used as Brian2's report callback
        ``f(elapsed, fraction_completed, start, duration)``.

    Returns
    -------
    SimulationResult

    Raises
    ------
    ValueError
        For an unknown model, target, method, parameter or state-variable name (the message
        lists the valid ones), a non-positive duration or dt, a duration that is not a whole
        number of steps, or batch sizes that disagree.
    DimensionMismatchError
        For a current, parameter, initial value, duration or dt in the wrong dimension.

    Examples
    --------
    >>> from brian2 import ms, uA, cm
    >>> from hh_brian import simulate
    >>> result = simulate("hodgkin_huxley", 50*ms, 10*uA/cm**2, target="numpy")
    >>> result.v.shape
    (5000,)
    >>> len(result.spike_times()) > 0
    True
    """
    model = get_model(model)
    if params is not None:
        model = model.with_params(**params)
    dt = _positive_time(dt, "dt")
    duration = _positive_time(model.duration if duration is None else duration, "duration")
    n_steps = _whole_steps(duration, dt)
    if not isinstance(target, str) or target not in TARGETS:
        raise ValueError(f"target: unknown target {target!r}; valid targets: "
                         f"{', '.join(TARGETS)}")
    if not isinstance(method, str) or method not in StateUpdateMethod.stateupdaters:
        raise ValueError(f"method: unknown integration method {method!r}; valid methods: "
                         f"{', '.join(sorted(StateUpdateMethod.stateupdaters))}")
    stimulus = _stimuli.as_stimulus(current, default=model.default_current())
    initial = _check_initial(model, initial)
    n_neurons = _batch_size(model, stimulus, initial)
    initial = {"v": model.v_init, **initial}
    record = model.state_variables + tuple(model.currents) + ("I_stim",)
    if progress is True:
        progress = ProgressBar()
    elif progress is False or progress is None:
        progress = None
    elif not callable(progress):
        raise TypeError(f"progress: expected True, False or a callable, got {progress!r}")
    spec = RunSpec(model, n_neurons or 1, n_steps, dt, method, stimulus, initial, record,
                   progress)
    recorded = TARGETS[target].run(spec)

    t = recorded.pop("t")
    batch = n_neurons is not None
    traces = {name: (values if batch else values[0]) for name, values in recorded.items()}
    used_initial = {name: traces[name][..., 0] for name in model.state_variables}
    _warn_if_not_finite(model, traces["v"], t)
    options = {"duration": duration, "dt": dt, "method": method, "target": target,
               "initial": used_initial, "current": stimulus}
    return SimulationResult(model=model, t=t, traces=traces, options=options, batch=batch)


def _positive_time(value, argument: str) -> Quantity:
    value = check_dimension(value, ms, argument)
    if np.ndim(value) != 0:
        raise ValueError(f"{argument}: expected a single time, got shape {np.shape(value)}")
    if not float(value / ms) > 0:
        raise ValueError(f"{argument}: expected a positive time, got {value}")
    return value


def _whole_steps(duration, dt) -> int:
    ratio = float(duration / dt)
    n_steps = int(round(ratio))
    if n_steps < 1 or abs(ratio - n_steps) > 1e-9 * max(1.0, ratio):
        raise ValueError(f"duration: must be a whole number of steps of dt={dt}; got "
                         f"{duration}, which is {ratio:g} steps")
    return n_steps


def _check_initial(model: Model, initial) -> dict[str, Quantity]:
    if initial is None:
        return {}
    if not isinstance(initial, Mapping):
        raise TypeError(f"initial: expected a mapping of state-variable names to values, "
                        f"got {initial!r}")
    checked = {}
    for name, value in initial.items():
        if name not in model.state_variables:
            raise ValueError(f"initial: unknown state variable {name!r} for model "
                             f"{model.name!r}; valid names: {', '.join(model.state_variables)}")
        unit = mV if name == "v" else 1
        value = check_dimension(value, unit, f"initial[{name!r}]")
        if np.ndim(value) > 1:
            raise ValueError(f"initial[{name!r}]: expected a scalar or one value per neuron, "
                             f"got shape {np.shape(value)}")
        if not np.all(np.isfinite(np.asarray(value))):
            raise ValueError(f"initial[{name!r}]: expected finite values, got {value}")
        checked[name] = value
    return checked


def _batch_size(model: Model, stimulus, initial) -> int | None:
    sources = {"params": model.batch_size, "current": stimulus.batch_size}
    for name, value in initial.items():
        sources[f"initial[{name!r}]"] = np.size(value) if np.ndim(value) == 1 else None
    sizes = {name: size for name, size in sources.items() if size is not None}
    if len(set(sizes.values())) > 1:
        raise ValueError(f"batch: every per-neuron array must describe the same number of "
                         f"neurons; got {sizes}")
    return next(iter(sizes.values()), None)


def _warn_if_not_finite(model: Model, v, t) -> None:
    bad = ~np.isfinite(np.atleast_2d(np.asarray(v)))
    if bad.any():
        neurons = np.flatnonzero(bad.any(axis=1))
        first = int(np.argmax(bad.any(axis=0)))
        warnings.warn(f"{model.name}: v became NaN or infinite at t = {t[first]} (step "
                      f"{first}) in neuron(s) {neurons.tolist()}; the step or the parameters "
                      f"may make the integration unstable", RuntimeWarning, stacklevel=3)
