"""Running a model: :func:`simulate` and its :class:`SimulationResult`.

:func:`simulate` checks every argument (names, units, physical ranges, batch sizes, the
memory the recording needs) before anything is compiled or run, hands a
:class:`~hh_brian.targets.RunSpec` to a code-generation target (:mod:`hh_brian.targets`) and
turns what it recorded into a :class:`SimulationResult`. Every call builds its own Brian2
objects with an explicit namespace, so two calls in one process share nothing but Brian2's
compiled-code cache.

A run that diverges (some state variable becomes NaN or infinite) raises
:class:`~hh_brian.errors.IntegrationError` for a single neuron; in a batch the other neurons
are kept and ``result.diverged`` says which neurons diverged and when.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Mapping

import numpy as np
from brian2 import Quantity, mV, ms, second, volt
from brian2.stateupdaters.base import StateUpdateMethod

from . import stimuli as _stimuli
from .errors import IntegrationError
from .models import Model, get_model
from .ranges import GATE_RANGE, physical_range
from .targets import TARGETS, Recording, RunSpec, SpikeEvents, get_target
from .traces import MAX_WIDTH_MS, MIN_HEIGHT_MV, spike_onsets
from .units import check_dimension, positive_time, show_value, to_display, whole_steps

__all__ = ["ProgressBar", "RecordingTooLarge", "SimulationResult", "TARGETS", "estimate_memory",
           "simulate"]


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


@dataclass(frozen=True, eq=False)
class SimulationResult:
    """What :func:`simulate` returns: every trace with units, and what produced it.

    Traces have shape ``(n_samples,)`` for a single neuron and ``(N, n_samples)`` for a
    batch (or for the neurons of ``record_neurons``). Sample k is the state at
    ``t[k] = k·record_dt``, before that step's update; sample 0 is the initial state, as in
    the source loops.

    Attributes
    ----------
    model : Model
        The model, with the parameters of this run (array-valued for a batch).
    t : Quantity
        Sample times.
    traces : mapping of str to Quantity
        Every recorded trace: ``v`` (volt), each gate (dimensionless), each membrane current
        in ``model.currents`` and the injected current ``I_stim`` (amp/meter**2). Each is also
        an attribute: ``result.v``, ``result.I_Na``, ``result.n``… Samples of a diverged
        neuron from its divergence on are NaN.
    batch : bool
        True when the run was a batch of neurons.
    duration, dt : Quantity
    method : str
        The Brian2 integration method.
    target : str
        The name of the target that ran it.
    initial : mapping of str to ndarray or Quantity
        The initial state actually used, gates included (one value per neuron).
    current : Stimulus
        The injected current.
    n_neurons : int
    record_neurons : tuple of int or None
        The neurons whose traces were recorded (None: all).
    record_dt : Quantity
    spike_threshold : Quantity
        The threshold of :meth:`spike_times` (in the spikes-only mode, the one used while
        running).
    spike_events : SpikeEvents or None
        In the spikes-only mode (``v`` not recorded): the excursions above the threshold
        detected while running; :meth:`spike_times` keeps those that are spikes.
    diverged : mapping of int to Quantity
        Neurons whose state became NaN or infinite, with the time it first did. Empty when
        none did (a single neuron that diverges raises
        :class:`~hh_brian.errors.IntegrationError` instead).
    v_end : Quantity
        v at the end of the run (after the last step), one value per neuron for a batch;
        NaN for a neuron that diverged.
    v_peak : Quantity or None
        With ``track_peak``: the highest v over the run, from the initial state to the end;
        NaN for a neuron that diverged.

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
    batch: bool
    duration: Quantity
    dt: Quantity
    method: str
    target: str
    initial: Mapping[str, object]
    current: _stimuli.Stimulus
    n_neurons: int
    record_neurons: tuple | None
    record_dt: Quantity
    spike_threshold: Quantity
    spike_events: SpikeEvents | None = None
    diverged: Mapping[int, Quantity] = field(default_factory=dict)
    v_end: Quantity | None = None
    v_peak: Quantity | None = None

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
    def state_variables(self) -> tuple[str, ...]:
        return self.model.state_variables

    @property
    def currents(self) -> Mapping[str, Quantity]:
        """The recorded membrane currents by name (sign convention: ``model.current_sign``)."""
        return {name: self.traces[name] for name in self.model.currents if name in self.traces}

    @property
    def recorded_neurons(self) -> tuple[int, ...]:
        """The neuron of each row of the traces."""
        return (tuple(range(self.n_neurons)) if self.record_neurons is None
                else tuple(self.record_neurons))

    def spike_times(self, threshold=None, max_width=MAX_WIDTH_MS * ms):
        """Times of the spikes: excursions of v above ``threshold`` that come back.

        A spike is an upward crossing of the threshold that rises at least 5 mV above it
        and comes back below it within ``max_width`` (:mod:`hh_brian.traces` states the
        definition and why): a membrane resting at the threshold, a slow drift across it or
        a plateau is not a spike. Times are interpolated between samples; in the spikes-only mode
        (``v`` not recorded) each is the start of the step during which v crossed.

        Parameters
        ----------
        threshold : Quantity (voltage), optional
            Default: the run's ``spike_threshold`` (0 mV unless given to :func:`simulate`).
            In the spikes-only mode it cannot differ from the threshold used while running.
        max_width : Quantity (time), default 5 ms
            Longest time at or above the threshold.

        Returns
        -------
        Quantity or list
            The spike times of the neuron; for a batch (or ``record_neurons``) a list with
            one entry per neuron, which is None for a neuron that diverged: no spike time is
            read off a diverged trace.

        Examples
        --------
        >>> from brian2 import ms, uA, cm
        >>> from hh_brian import simulate
        >>> result = simulate("hodgkin_huxley", 30*ms, 10*uA/cm**2, target="numpy")
        >>> (result.spike_times() / ms).round(3)
        array([ 1.873, 16.495])
        >>> len(simulate("two_conductances", target="numpy").spike_times())  # a linear model
        0
        """
        max_width = check_dimension(max_width, ms, "max_width")
        if threshold is None:
            threshold = self.spike_threshold
        threshold = check_dimension(threshold, mV, "threshold")
        if self.spike_events is not None:
            if not np.isclose(float(threshold / mV), float(self.spike_threshold / mV)):
                raise ValueError(f"threshold: spikes were detected during the run at "
                                 f"{show_value(self.spike_threshold)}; record v to use "
                                 f"another threshold")
            times = _spikes_from_events(self.spike_events, self.n_neurons, max_width)
        else:
            t_ms = np.asarray(self.t / ms)
            v_mV = np.atleast_2d(np.asarray(self.traces["v"] / mV))
            times = [spike_onsets(row, t_ms, float(threshold / mV), float(max_width / ms),
                                  MIN_HEIGHT_MV) * ms for row in v_mV]
        # Rows are the recorded neurons; in the spikes-only mode every neuron is known.
        rows = (range(self.n_neurons) if self.spike_events is not None
                else self.recorded_neurons)
        times = [None if neuron in self.diverged else spikes
                 for neuron, spikes in zip(rows, times)]
        return times if self.batch or len(times) > 1 else times[0]

    def spike_table(self, max_width=MAX_WIDTH_MS * ms) -> tuple[np.ndarray, Quantity]:
        """Every spike of every neuron as two flat arrays: the neuron, and the time.

        The spikes of :meth:`spike_times` (at the run's threshold), ordered by neuron and
        then by time, without the neurons that diverged; built without a list per neuron,
        so it suits batches of millions.

        Examples
        --------
        >>> from brian2 import ms, uA, cm
        >>> from hh_brian import simulate, stimuli
        >>> run = simulate("hodgkin_huxley", 30*ms, stimuli.constant([0, 10]*uA/cm**2),
        ...                target="numpy", record=[])
        >>> neurons, times = run.spike_table()
        >>> neurons, times / ms
        (array([1, 1], dtype=int32), array([ 1.87, 16.49]))
        """
        max_width = check_dimension(max_width, ms, "max_width")
        if self.spike_events is not None:
            neurons, onsets = _kept_events(self.spike_events, max_width)
            order = np.lexsort((onsets, neurons))
            neurons, onsets = neurons[order], onsets[order]
        else:
            rows = self.recorded_neurons
            trains = self.spike_times(max_width=max_width)
            trains = trains if isinstance(trains, list) else [trains]
            neurons = np.concatenate([np.full(len(t), k, dtype=np.int32)
                                      for k, t in zip(rows, trains) if t is not None] or
                                     [np.zeros(0, dtype=np.int32)])
            onsets = np.concatenate([np.asarray(t / ms) for t in trains if t is not None] or
                                    [np.zeros(0)])
        if self.diverged:
            alive = ~np.isin(neurons, list(self.diverged))
            neurons, onsets = neurons[alive], onsets[alive]
        return neurons, onsets * ms

    def to_arrays(self) -> tuple[dict[str, np.ndarray], dict[str, str]]:
        """Every trace as a plain float array, in the source's units.

        Returns
        -------
        arrays : dict of str to ndarray
            ``t`` in ms, ``v`` in mV, gates dimensionless, currents in µA/cm².
        units : dict of str to str
            The unit of each array, e.g. ``{"t": "ms", "v": "mV", ...}``.

        Examples
        --------
        >>> from brian2 import ms
        >>> from hh_brian import simulate
        >>> arrays, units = simulate("passive_membrane", 1*ms, target="numpy").to_arrays()
        >>> units
        {'t': 'ms', 'v': 'mV', 'I_L': 'uA/cm^2', 'I_stim': 'uA/cm^2'}
        """
        arrays, units = {}, {}
        for name, value in {"t": self.t, **self.traces}.items():
            arrays[name], units[name] = to_display(value)
        return arrays, units

    def plot(self, fig=None):
        """The model's figure of this run: input, membrane currents, v and gates, titled.

        See :func:`hh_brian.plotting.plot_model_figure`; returns the Figure (so a notebook
        shows it once).

        Examples
        --------
        >>> from brian2 import ms
        >>> from hh_brian import simulate
        >>> fig = simulate("hodgkin_huxley", 5*ms, target="numpy").plot()
        >>> fig.get_suptitle(), len(fig.axes)
        ('neuron_func_7: Hodgkin–Huxley 1952 (squid giant axon)', 6)
        """
        from .plotting import plot_model_figure

        return plot_model_figure(self, fig=fig)

    def __repr__(self):
        neurons = f"{self.n_neurons} neurons" if self.batch else "1 neuron"
        diverged = f", {len(self.diverged)} diverged" if self.diverged else ""
        return (f"<SimulationResult {self.model.name}: {neurons}{diverged}, {len(self.t)} "
                f"samples every {show_value(self.record_dt)}, target={self.target!r}>")


def _kept_events(events: SpikeEvents, max_width) -> tuple[np.ndarray, np.ndarray]:
    """The neuron and onset (ms) of each event that is a spike, in the events' order."""
    width = np.asarray(events.widths / ms)
    keep = (width <= float(max_width / ms) * (1 + 1e-12)) & events.high_enough
    return events.neurons[keep], np.asarray(events.onsets / ms)[keep]


def _spikes_from_events(events: SpikeEvents, n_neurons: int, max_width) -> list:
    neurons, onsets = _kept_events(events, max_width)
    # Grouped by one sort, not one scan of every event per neuron: a million neurons with
    # ten million spikes take a second.
    order = np.lexsort((onsets, neurons))
    counts = np.bincount(neurons, minlength=n_neurons)
    return [times * ms for times in np.split(onsets[order], np.cumsum(counts)[:-1])]


def simulate(model, duration=None, current=None, *, dt=0.01 * ms, method="euler",
             target="cython", params=None, initial=None, record=None, record_neurons=None,
             record_dt=None, spike_threshold=0 * mV, memory_limit=None,
             progress=False, track_peak=False) -> SimulationResult:
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
        from :mod:`hh_brian.stimuli` is used as it is. Default: the model's
        ``default_current`` (the source protocol, +A during [T/5, 2T/5) and −A during
        [3T/5, 4T/5), or the 2D reduction's noise).
    dt : Quantity (time), default 0.01 ms
        Integration step.
    method : str, default "euler"
        A Brian2 integration method by name ("euler", "rk2", "rk4", "exponential_euler", …).
    target : str or Target, default "cython"
        A code-generation target registered in :data:`hh_brian.TARGETS` ("cython", "numpy",
        "cpp_standalone": compiled once per code shape, then reused; see
        :mod:`hh_brian.targets`), or a :class:`~hh_brian.targets.Target` instance or class.
    params : mapping of str to Quantity, optional
        Parameter overrides, each with the dimension of its default and within its physical
        range (``model.param_ranges``). An array of N values runs a batch of N neurons in
        one group.
    initial : mapping of str to Quantity, optional
        Initial values of state variables (scalar or per neuron): ``v`` within ±200 mV
        (default: the model's ``v_init``), gates in [0, 1]; a gate not given starts at its
        steady state for the initial v.
    record : sequence of str, optional
        Traces to record (default: v, every gate, every current and I_stim). Without ``v``,
        spikes are detected while running (the spikes-only mode; ``record=[]`` records
        nothing else), at step resolution.
    record_neurons : sequence of int, optional
        Record traces of these neurons only (default: all). Traces then have one row per
        recorded neuron.
    record_dt : Quantity (time), optional
        Record every ``record_dt`` (a whole number of steps; default every step).
    spike_threshold : Quantity (voltage), default 0 mV
        The threshold of the spikes (see :meth:`SimulationResult.spike_times`).
    memory_limit : int, optional
        Bytes the recording may need (default 2 GiB); a larger request is refused before
        the run with the estimate and how to reduce it (:class:`RecordingTooLarge`).
    progress : bool or callable, default False
        True shows a progress bar on standard error for runs longer than 2 s of wall time;
        a callable is used as Brian2's report callback
        ``f(elapsed, fraction_completed, start, duration)``.
    track_peak : bool, default False
        Keep each neuron's highest v over the run (``result.v_peak``) without recording v.

    Returns
    -------
    SimulationResult

    Raises
    ------
    ValueError
        For an unknown model, target, method, parameter or state-variable name (the message
        lists the valid ones), a value outside its physical range, a non-positive duration
        or dt, a duration that is not a whole number of steps, or batch sizes that disagree.
    DimensionMismatchError
        For a current, parameter, initial value, duration or dt in the wrong dimension.
    IntegrationError
        When a single neuron's state becomes NaN or infinite (the integration diverged).

    Examples
    --------
    >>> from brian2 import ms, uA, cm
    >>> from hh_brian import simulate
    >>> result = simulate("hodgkin_huxley", 50*ms, 10*uA/cm**2, target="numpy")
    >>> result.v.shape
    (5000,)
    >>> len(result.spike_times())
    4
    """
    model = _with_params(get_model(model), params)
    dt = positive_time(dt, "dt")
    duration = positive_time(model.duration if duration is None else duration, "duration")
    n_steps = whole_steps(duration, dt)
    runner = get_target(target)
    _check_method(method)
    stimulus = _stimuli.as_stimulus(current, default=model.default_current)
    stimulus.check_steps(n_steps, dt)
    initial = _check_initial(model, initial)
    n_neurons = _batch_size(model, stimulus, initial)
    initial = {"v": model.v_init, **initial}
    all_traces = model.state_variables + tuple(model.currents) + ("I_stim",)
    record = _check_record(record, all_traces)
    n_total = n_neurons or 1
    record_indices = _check_record_neurons(record_neurons, n_total)
    record_every = 1 if record_dt is None else whole_steps(
        positive_time(record_dt, "record_dt"), dt, argument="record_dt")
    spike_threshold = check_dimension(spike_threshold, mV, "spike_threshold")
    _check_memory(record, n_total if record_indices is None else len(record_indices),
                  -(-n_steps // record_every), n_steps, n_total, stimulus, memory_limit)
    if progress is True:
        progress = ProgressBar()
    elif progress is False or progress is None:
        progress = None
    elif not callable(progress):
        raise TypeError(f"progress: expected True, False or a callable, got {progress!r}")
    if not isinstance(track_peak, (bool, np.bool_)):
        raise TypeError(f"track_peak: expected True or False, got {track_peak!r}")
    # Without v among the traces, spikes are detected while running (spikes-only mode).
    spikes_online = "v" not in record
    spec = RunSpec(model=model, n_neurons=n_total, n_steps=n_steps, dt=dt, method=method,
                   stimulus=stimulus, initial=initial, record=record,
                   record_indices=record_indices, record_every=record_every,
                   spike_threshold=float(spike_threshold / volt) if spikes_online else None,
                   progress=progress, track_peak=bool(track_peak))
    recording = runner.run(spec)

    batch = n_neurons is not None
    diverged = _first_non_finite_steps(recording, spec)
    if diverged and not batch:
        raise IntegrationError(model.name, diverged[0] * dt, dt, method)
    traces = _mask_diverged(recording, spec, diverged)
    if not (batch or record_indices is not None):
        traces = {name: values[0] for name, values in traces.items()}
    t = recording.t if recording.t is not None else np.arange(0, n_steps, record_every) * dt
    state = dict(spec.initial_state)
    state["v"] = state["v"] * volt
    used_initial = {name: value if batch else value[0] for name, value in state.items()}
    return SimulationResult(
        model=model, t=t, traces=traces, batch=batch, duration=duration, dt=dt,
        method=method, target=getattr(runner, "name", type(runner).__name__),
        initial=used_initial, current=stimulus, n_neurons=n_total,
        record_neurons=record_indices, record_dt=record_every * dt,
        spike_threshold=spike_threshold, spike_events=recording.spike_events,
        diverged={k: step * dt for k, step in diverged.items()},
        v_end=_per_neuron(recording.v_end, batch, diverged),
        v_peak=_per_neuron(recording.v_peak, batch, diverged))


def _per_neuron(values, batch: bool, diverged: dict):
    """One value per neuron (NaN for a diverged one), or the single neuron's value."""
    if values is None:
        return None
    plain = np.array(values / volt, dtype=float)
    plain[list(diverged)] = np.nan
    return (plain if batch else plain[0]) * volt


def _first_non_finite_steps(recording: Recording, spec: RunSpec) -> dict[int, int]:
    """For each neuron that diverged, the first step at which its state was not finite.

    Every target counts, per neuron, the time the state stayed finite; where the neuron's
    state variables were recorded at every step, the trace itself gives the step.
    """
    finite_steps = np.asarray(recording.time_finite / spec.dt, dtype=float)
    # Rounded up: within a step, Runge-Kutta stages may count a fraction of dt.
    steps = np.ceil(finite_steps - 1e-6).astype(int)
    diverged = {int(k): int(steps[k]) for k in np.flatnonzero(steps < spec.n_steps)}
    recorded = [name for name in spec.model.state_variables if name in recording.traces]
    if diverged and recorded and spec.record_every == 1:
        rows = (range(spec.n_neurons) if spec.record_indices is None else spec.record_indices)
        bad = np.zeros(np.shape(recording.traces[recorded[0]]), dtype=bool)
        for name in recorded:
            bad |= ~np.isfinite(np.asarray(recording.traces[name]))
        for row, neuron in enumerate(rows):
            if neuron in diverged and bad[row].any():
                diverged[neuron] = min(diverged[neuron], int(np.argmax(bad[row])))
    return diverged


def _mask_diverged(recording: Recording, spec: RunSpec, diverged: dict) -> dict:
    """Traces with every sample of a diverged neuron from its divergence on set to NaN."""
    traces = dict(recording.traces)
    if not diverged or not traces:
        return traces
    rows = list(range(spec.n_neurons) if spec.record_indices is None else spec.record_indices)
    for name, values in traces.items():
        plain = np.array(values, dtype=float)  # a Quantity gives its SI values
        for row, neuron in enumerate(rows):
            if neuron in diverged:
                plain[row, -(-diverged[neuron] // spec.record_every):] = np.nan
        traces[name] = (Quantity(plain, dim=values.dim) if isinstance(values, Quantity)
                        else plain)
    return traces


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
    per_neuron = stimulus.batch_size is not None and not stimulus.separable
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


def _first_non_finite(value):
    flat = np.ravel(np.asarray(value))
    return np.ravel(value)[int(np.argmax(~np.isfinite(flat)))] if np.ndim(value) else value


def _with_params(model: Model, params) -> Model:
    """``model`` with the overrides ``params`` (None: none), checked by ``with_params``."""
    if params is None:
        return model
    if not isinstance(params, Mapping):
        raise TypeError(f"params: expected a mapping of parameter names to values, got "
                        f"{params!r}")
    return model.with_params(**params)


def _check_method(method) -> str:
    if not isinstance(method, str) or method not in StateUpdateMethod.stateupdaters:
        raise ValueError(f"method: unknown integration method {method!r}; valid methods: "
                         f"{', '.join(sorted(StateUpdateMethod.stateupdaters))}")
    return method


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
            raise ValueError(f"initial[{name!r}]: expected finite values, got "
                             f"{show_value(_first_non_finite(value))}")
        interval = physical_range(mV) if name == "v" else GATE_RANGE
        inside = interval.contains(value)
        if not np.all(inside):
            shown = show_value(np.atleast_1d(value)[np.flatnonzero(~np.atleast_1d(inside))[0]])
            what = "v" if name == "v" else f"a gate ({name} is a fraction of open channels)"
            raise ValueError(f"initial[{name!r}]: {shown} is outside the physical range of "
                             f"{what}: {interval}")
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
