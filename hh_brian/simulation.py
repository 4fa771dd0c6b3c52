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
from brian2 import (Clock, Network, Quantity, SpikeMonitor, StateMonitor, TimedArray, mV, ms,
                    second, volt)
from brian2.units.fundamentalunits import get_dimensions
from brian2.codegen.runtime.cython_rt import CythonCodeObject
from brian2.codegen.runtime.numpy_rt import NumpyCodeObject
from brian2.stateupdaters.base import StateUpdateMethod

from . import stimuli as _stimuli
from ._brian import assign, build_group, set_initial_state
from .models import Model, get_model, validate_params
from .standalone import StandaloneTarget
from .traces import upward_crossings
from .units import CURRENT_DENSITY, check_dimension, to_display

__all__ = ["ProgressBar", "RecordingTooLarge", "SimulationResult", "TARGETS", "estimate_memory",
           "simulate"]


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
    record_indices: tuple | None = None
    record_every: int = 1
    spike_threshold: float | None = None  # volts; record spikes with Brian2's threshold


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
        """Run ``spec``; return ``t`` and every recorded trace, and ``spikes`` if asked."""
        clock = Clock(dt=spec.dt)
        stimulus_eqs, kind, values = stimulus_arrays(spec)
        if kind == "factors":
            namespace = {"I_input": TimedArray(values["samples"], dt=spec.dt)}
        else:
            namespace = {"I_input": TimedArray(values["samples"] * CURRENT_DENSITY_SI,
                                               dt=spec.dt)}
        group = build_group(spec.model, spec.n_neurons, self.codeobj_class,
                            stimulus_eqs=stimulus_eqs, namespace=namespace, clock=clock,
                            method=spec.method, threshold=spec.spike_threshold)
        if kind == "factors":
            assign(group, "I_amplitude", values["amplitude"])
        set_initial_state(group, spec.model, spec.initial)
        objects = [group]
        if spec.record:
            # Recording every k-th step needs its own clock; it ticks with the group's.
            monitor_clock = clock if spec.record_every == 1 else Clock(spec.record_every * spec.dt)
            monitor = StateMonitor(group, list(spec.record), clock=monitor_clock,
                                   record=True if spec.record_indices is None
                                   else list(spec.record_indices),
                                   codeobj_class=self.codeobj_class)
            objects.append(monitor)
        if spec.spike_threshold is not None:
            spike_monitor = SpikeMonitor(group, codeobj_class=self.codeobj_class)
            objects.append(spike_monitor)
        network = Network(*objects)
        network.run(spec.n_steps * spec.dt, namespace={}, report=spec.progress,
                    report_period=0.5 * second)
        recorded = {}
        if spec.record:
            recorded["t"] = monitor.t[:]
            for name in spec.record:
                recorded[name] = getattr(monitor, name)[:]
        if spec.spike_threshold is not None:
            recorded["spikes"] = (np.asarray(spike_monitor.i[:]), spike_monitor.t[:])
        return recorded


# 1 A/m^2, the SI unit in which stimulus samples are handed to the targets.
CURRENT_DENSITY_SI = Quantity(1.0, dim=get_dimensions(CURRENT_DENSITY))


def stimulus_arrays(spec: RunSpec):
    """Equations defining I_stim, how the input is stored, and its values in SI units.

    Returns ``(equations, kind, values)``. ``kind`` is ``"factors"`` (one dimensionless
    waveform shared by all neurons, scaled per neuron by ``values["amplitude"]``: the memory
    of one trace), ``"shared"`` (one sampled current, ``values["samples"]`` of shape
    ``(n_steps,)``) or ``"per_neuron"`` (shape ``(n_steps, N)``, TimedArray's layout).
    """
    factors = spec.stimulus.factors(spec.n_steps, spec.dt)
    if factors is not None:
        amplitude, waveform = factors
        eqs = ("I_stim = I_amplitude * I_input(t) : amp/meter**2\n"
               "I_amplitude : amp/meter**2 (constant)")
        return eqs, "factors", {"amplitude": amplitude, "samples": np.asarray(waveform, float)}
    samples = np.asarray(spec.stimulus.samples(spec.n_steps, spec.dt) / CURRENT_DENSITY_SI,
                         dtype=float)
    if samples.ndim == 1:
        return "I_stim = I_input(t) : amp/meter**2", "shared", {"samples": samples}
    return ("I_stim = I_input(t, i) : amp/meter**2", "per_neuron",
            {"samples": np.ascontiguousarray(samples.T)})


def analytic_initial_state(spec: RunSpec) -> dict:
    """Initial v and gates as arrays, gates not given at their steady state for v.

    Used by targets that cannot evaluate string expressions before a run without
    recompiling (C++ standalone); the steady states come from the model's own expressions.
    """
    from .analysis import ModelFunctions

    functions = ModelFunctions(spec.model)
    v = np.broadcast_to(np.asarray(spec.initial["v"] / volt, dtype=float), (spec.n_neurons,))
    state = {"v": v * volt}
    for gate, (steady_state, _) in spec.model.gates.items():
        if gate in spec.initial:
            state[gate] = np.broadcast_to(np.asarray(spec.initial[gate], dtype=float),
                                          (spec.n_neurons,))
        else:
            state[gate] = np.asarray(functions.value(steady_state, v=v), dtype=float)
    return state


#: Code-generation targets by name. A new target registers here.
TARGETS: dict = {
    "cython": RuntimeTarget(CythonCodeObject, "Brian2 runtime, generated Cython compiled by g++"),
    "numpy": RuntimeTarget(NumpyCodeObject, "Brian2 runtime, generated vectorised numpy"),
    "cpp_standalone": StandaloneTarget(),
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
    spikes: tuple | None = None

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
        return self.options["n_neurons"]

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
            Ignored in spikes-only mode (``record=[]``), where the run's
            ``spike_threshold`` was used and each time is the start of the step during which
            v crossed it.

        Returns
        -------
        Quantity or list of Quantity
            The spike times of the neuron, or for a batch a list with one array per
            (recorded) neuron.
        """
        if self.spikes is not None:
            # Spikes-only mode: crossings were detected while running, at step resolution.
            indices, times = self.spikes
            times = [np.sort(np.asarray(times[indices == k] / ms)) * ms
                     for k in range(self.n_neurons)]
            return times if self.batch else times[0]
        threshold = check_dimension(threshold, mV, "threshold")
        t_ms = np.asarray(self.t / ms)
        v_mV = np.atleast_2d(np.asarray(self.traces["v"] / mV))
        times = [upward_crossings(row, t_ms, float(threshold / mV)) * ms for row in v_mV]
        return times if self.batch or len(times) > 1 else times[0]

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
             target="cython", params=None, initial=None, record=None, record_neurons=None,
             record_dt=None, spike_threshold=0 * mV, memory_limit=None,
             progress=False) -> SimulationResult:
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
        Code-generation target, one of :data:`TARGETS`: "cython", "numpy" or
        "cpp_standalone" (compiled once per code shape, then reused; see
        :mod:`hh_brian.standalone`).
    params : mapping of str to Quantity, optional
        Parameter overrides, each with the dimension of its default. An array of N values
        runs a batch of N neurons in one group.
    initial : mapping of str to Quantity, optional
        Initial values of state variables (scalar or per neuron). ``v`` defaults to the
        model's ``v_init``; a gate not given starts at its steady state for the initial v.
    record : sequence of str, optional
        Traces to record (default: v, every gate, every current and I_stim). An empty list
        records spikes only: they are detected while running, each at the start of the
        step during which v crossed ``spike_threshold`` upwards (step resolution).
    record_neurons : sequence of int, optional
        Record traces of these neurons only (default: all). Traces then have one row per
        recorded neuron.
    record_dt : Quantity (time), optional
        Record every ``record_dt`` (a whole number of steps; default every step).
    spike_threshold : Quantity (voltage), default 0 mV
        Threshold of the spikes-only mode.
    memory_limit : int, optional
        Bytes the recording may need (default 2 GiB); a larger request is refused before
        the run with the estimate and how to reduce it (:class:`RecordingTooLarge`).
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
    all_traces = model.state_variables + tuple(model.currents) + ("I_stim",)
    record = _check_record(record, all_traces)
    n_total = n_neurons or 1
    record_indices = _check_record_neurons(record_neurons, n_total)
    record_every = 1 if record_dt is None else _whole_steps(
        _positive_time(record_dt, "record_dt"), dt, argument="record_dt")
    spike_threshold = check_dimension(spike_threshold, mV, "spike_threshold")
    _check_memory(record, n_total if record_indices is None else len(record_indices),
                  -(-n_steps // record_every), n_steps, n_total, stimulus, memory_limit)
    if progress is True:
        progress = ProgressBar()
    elif progress is False or progress is None:
        progress = None
    elif not callable(progress):
        raise TypeError(f"progress: expected True, False or a callable, got {progress!r}")
    # Without v among the traces, spikes are detected while running (spikes-only mode).
    spikes_online = "v" not in record
    spec = RunSpec(model, n_total, n_steps, dt, method, stimulus, initial, record, progress,
                   record_indices, record_every,
                   float(spike_threshold / volt) if spikes_online else None)
    recorded = TARGETS[target].run(spec)

    batch = n_neurons is not None
    t = recorded.pop("t", np.arange(0, n_steps, record_every) * dt)
    spikes = recorded.pop("spikes", None)
    keep_rows = batch or record_indices is not None
    traces = {name: (values if keep_rows else values[0]) for name, values in recorded.items()}
    used_initial = {name: traces[name][..., 0] for name in model.state_variables
                    if name in traces}
    if "v" in traces:
        _warn_if_not_finite(model, traces["v"], t)
    options = {"duration": duration, "dt": dt, "method": method, "target": target,
               "initial": used_initial, "current": stimulus, "n_neurons": n_total,
               "record_neurons": record_indices, "record_dt": record_every * dt,
               "spike_threshold": spike_threshold if spikes_online else None}
    return SimulationResult(model=model, t=t, traces=traces, options=options, batch=batch,
                            spikes=spikes)


#: Default limit on the memory a run's recording may need (2 GiB).
DEFAULT_MEMORY_LIMIT = 2 * 1024**3


class RecordingTooLarge(ValueError):
    """The requested recording would need more memory than allowed.

    Examples
    --------
    >>> import numpy as np
    >>> from brian2 import ms, uA, cm
    >>> from hh_brian import simulate, stimuli
    >>> try:
    ...     simulate("hodgkin_huxley", 1000*ms, stimuli.constant(np.zeros(10000)*uA/cm**2))
    ... except RecordingTooLarge as error:
    ...     print(str(error)[:60])
    memory_limit: recording 8 trace(s) of 10000 neuron(s) x 1000
    """


def estimate_memory(n_traces: int, n_recorded: int, n_samples: int, n_steps: int,
                    n_neurons: int, per_neuron_input: bool) -> int:
    """Bytes a run needs for its recording and input, as :func:`simulate` estimates them.

    Each recorded sample is a float64 held twice at the peak (Brian2's monitor array and
    the result's copy); a per-neuron sampled input holds one float64 per neuron and step
    (twice as well, while it is converted). The model's own state (a few floats per neuron)
    is not counted.

    Examples
    --------
    >>> estimate_memory(8, 1, 20000, 20000, 1, False) / 1e6  # all of HH, one neuron, 200 ms
    2.88
    """
    traces = 2 * 8 * n_traces * n_recorded * n_samples
    inputs = 2 * 8 * n_steps * (n_neurons if per_neuron_input else 1)
    return int(traces + inputs)


def _check_memory(record, n_recorded, n_samples, n_steps, n_neurons, stimulus, limit):
    limit = DEFAULT_MEMORY_LIMIT if limit is None else limit
    if not isinstance(limit, (int, float)) or limit <= 0:
        raise ValueError(f"memory_limit: expected a positive number of bytes, got {limit!r}")
    per_neuron = stimulus.batch_size is not None and stimulus.factors(1, 1 * ms) is None
    need = estimate_memory(len(record), n_recorded, n_samples, n_steps, n_neurons, per_neuron)
    if need > limit:
        raise RecordingTooLarge(
            f"memory_limit: recording {len(record)} trace(s) of {n_recorded} neuron(s) x "
            f"{n_samples} samples needs about {need / 1e9:.3g} GB, over the limit of "
            f"{limit / 1e9:.3g} GB. Record fewer variables (record=['v']), fewer neurons "
            f"(record_neurons=[...]), a coarser record_dt, spikes only (record=[]), or raise "
            f"memory_limit (in bytes)")


def _check_record(record, all_traces) -> tuple:
    if record is None:
        return tuple(all_traces)
    if isinstance(record, str):
        record = [record]
    record = tuple(record)
    unknown = [name for name in record if name not in all_traces]
    if unknown:
        raise ValueError(f"record: unknown trace(s) {unknown}; valid: {', '.join(all_traces)}"
                         f" (or [] for spikes only)")
    return tuple(dict.fromkeys(record))


def _check_record_neurons(record_neurons, n_neurons):
    if record_neurons is None:
        return None
    indices = np.atleast_1d(np.asarray(record_neurons))
    if indices.ndim != 1 or not np.issubdtype(indices.dtype, np.integer) or indices.size == 0:
        raise ValueError(f"record_neurons: expected a non-empty list of neuron indices, got "
                         f"{record_neurons!r}")
    if indices.min() < 0 or indices.max() >= n_neurons:
        raise ValueError(f"record_neurons: indices must lie in 0..{n_neurons - 1}, got "
                         f"{indices.min()}..{indices.max()}")
    return tuple(int(k) for k in indices)


def _positive_time(value, argument: str) -> Quantity:
    value = check_dimension(value, ms, argument)
    if np.ndim(value) != 0:
        raise ValueError(f"{argument}: expected a single time, got shape {np.shape(value)}")
    if not float(value / ms) > 0:
        raise ValueError(f"{argument}: expected a positive time, got {value}")
    return value


def _whole_steps(duration, dt, argument: str = "duration") -> int:
    ratio = float(duration / dt)
    n_steps = int(round(ratio))
    if n_steps < 1 or abs(ratio - n_steps) > 1e-9 * max(1.0, ratio):
        raise ValueError(f"{argument}: must be a whole number of steps of dt={dt}; got "
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
