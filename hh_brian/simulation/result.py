"""What a run returns: :class:`SimulationResult`, every trace with units and what produced it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import numpy as np
from brian2 import Quantity, mV, ms

from .. import stimuli as _stimuli
from ..core.traces import MAX_WIDTH_MS, MIN_HEIGHT_MV, TracesByName, spike_onsets
from ..core.units import check_dimension, show_value, to_display
from ..model.core import Model
from ..targets.base import SpikeEvents

__all__ = ["SimulationResult"]


@dataclass(frozen=True, eq=False)
class SimulationResult(TracesByName):
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
        :class:`~hh_brian.core.errors.IntegrationError` instead).
    v_end : Quantity
        v at the end of the run (after the last step), one value per neuron for a batch;
        NaN for a neuron that diverged.
    v_peak : Quantity or None
        With ``track_peak``: the highest v over the run, from the initial state to the end;
        NaN for a neuron that diverged.
    v_average : Quantity or None
        With ``track_peak``: v averaged over the last
        :data:`~hh_brian.targets.network.AVERAGE_WINDOW` (50 ms) of the run, with an
        exponential window; NaN for a neuron that diverged.

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
    v_average: Quantity | None = None

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
        and comes back below it within ``max_width`` (:mod:`hh_brian.core.traces` states the
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
        from ..plotting import plot_model_figure

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
