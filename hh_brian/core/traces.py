"""What a spike is, for recorded traces and for spikes detected while running.

This module imports neither brian2 nor the models, so the reference integrator uses it too:
both sides of every comparison count spikes by the same definition.

**A spike** is a brief excursion of v above the threshold (0 mV by default) that comes back:
v crosses the threshold upwards (sample k below it, sample k + 1 at or above it), rises at
least ``min_height`` above it (:data:`MIN_HEIGHT_MV`, 5 mV, by default), stays at or above it
for at most ``max_width`` (:data:`MAX_WIDTH_MS`, 5 ms, by default), and falls below it again.
Its time is the upward crossing, linearly interpolated between the two samples. What is not
a spike:

* a membrane resting at or near the threshold, wobbling across it by less than
  ``min_height``, or a slow drift across it that stays above for longer than ``max_width``
  (a passive response to a long step, a plateau, a depolarisation block);
* an excursion still above the threshold when the recording ends (whether it would come
  back is unknown), or one under way when it starts (its onset was not seen);
* anything involving a NaN or an infinite value.

The action potentials of the models here last 0.5 to 4 ms above 0 mV (full HH: 1.2 ms at the
source protocol's onset; step 6's single spike: 4.0 ms) and overshoot it by 12 mV (HH firing
at 50 µA/cm²) to 64 mV (step 6), so 5 ms and 5 mV keep every one of them; they reject the
responses of the linear models to the protocol's 20- to 40-ms steps, and step 5's plateau
near 0 mV, which wobbles 0.8 mV above it when the negative step ends.

In the spikes-only mode of :func:`hh_brian.simulate`, the same rule is applied while running,
at step resolution: the time spent at or above the threshold, and at or above the threshold
plus ``min_height``, is counted step by step (the number of samples there, times dt), and the
onset is the start of the step during which v crossed.
"""

from __future__ import annotations

import numpy as np

__all__ = ["MAX_WIDTH_MS", "MIN_HEIGHT_MV", "TracesByName", "excursions", "spike_onsets",
           "upward_crossings"]

#: Default longest time (ms) v may stay at or above the threshold in one spike.
MAX_WIDTH_MS = 5.0
#: Default least height (mV) above the threshold that v must reach in one spike.
MIN_HEIGHT_MV = 5.0


def _check(values, t):
    values = np.asarray(values, dtype=float)
    t = np.asarray(t, dtype=float)
    if values.ndim != 1 or values.shape != t.shape:
        raise ValueError(f"values and t must be 1-D of equal length, got shapes "
                         f"{values.shape} and {t.shape}")
    return values, t


def upward_crossings(values, t, threshold: float) -> np.ndarray:
    """Times at which a sampled trace crosses ``threshold`` from below.

    A crossing lies between sample k (below the threshold) and sample k + 1 (at or above
    it); its time is found by linear interpolation between the two samples. Every crossing
    counts, whatever follows it: :func:`spike_onsets` keeps those that are spikes.

    Parameters
    ----------
    values : array, shape (n,)
        The trace, e.g. a membrane potential in mV.
    t : array, shape (n,)
        Sample times.
    threshold : float
        In the unit of ``values``.

    Returns
    -------
    array
        Crossing times, in the unit of ``t``.

    Examples
    --------
    >>> upward_crossings([-1.0, 1.0, -1.0, 3.0], [0.0, 1.0, 2.0, 3.0], 0.0)
    array([0.5 , 2.25])
    """
    values, t = _check(values, t)
    k = np.flatnonzero((values[:-1] < threshold) & (values[1:] >= threshold))
    fraction = (threshold - values[k]) / (values[k + 1] - values[k])
    return t[k] + fraction * (t[k + 1] - t[k])


def excursions(values, threshold: float):
    """Runs of samples at or above the threshold that start and end below it.

    Returns
    -------
    first, count : arrays of int
        The index of each run's first sample above the threshold and its number of
        samples. A run touching either end of the trace, or next to a NaN, is left out.

    Examples
    --------
    >>> excursions([-1, 2, 3, -1, 0, -2, 5], 0.0)
    (array([1, 4]), array([2, 1]))
    """
    values = np.asarray(values, dtype=float)
    above = values >= threshold
    below = values < threshold  # NaN is neither above nor below
    edges = np.diff(above.astype(np.int8))
    starts = np.flatnonzero(edges == 1) + 1  # first sample of a run
    ends = np.flatnonzero(edges == -1) + 1  # first sample after a run
    # Pair each start with the next end; runs open at either end of the trace drop out.
    ends = ends[ends > starts[0]] if starts.size else ends[:0]
    starts = starts[:ends.size]
    keep = below[starts - 1] & below[ends] if starts.size else np.zeros(0, dtype=bool)
    return starts[keep], (ends - starts)[keep]


def spike_onsets(values, t, threshold: float, max_width: float = MAX_WIDTH_MS,
                 min_height: float = MIN_HEIGHT_MV) -> np.ndarray:
    """Times of the spikes in a sampled trace (see the module's definition of a spike).

    Parameters
    ----------
    values : array, shape (n,)
        The trace, e.g. v in mV.
    t : array, shape (n,)
        Sample times, evenly spaced.
    threshold : float
        In the unit of ``values``.
    max_width : float
        Longest time at or above the threshold, in the unit of ``t``: the number of samples
        there times the sample spacing.
    min_height : float
        Least height above the threshold that some sample must reach, in the unit of
        ``values``.

    Returns
    -------
    array
        Upward crossing times, interpolated, in the unit of ``t``.

    Examples
    --------
    A 1-sample spike, a wobble 2 mV above the threshold, then a plateau that never comes
    back:

    >>> spike_onsets([-60, 20, -60, 2, -5, 10, 10, 10], [0, 1, 2, 3, 4, 5, 6, 7], 0.0)
    array([0.75])
    >>> spike_onsets([-60, 20, 20, 20, -60], [0, 1, 2, 3, 4], 0.0, max_width=2)
    array([], dtype=float64)
    """
    values, t = _check(values, t)
    if values.size < 2:
        return np.zeros(0)
    spacing = t[1] - t[0]
    first, count = excursions(values, threshold)
    peaks = np.array([values[a:a + n].max() for a, n in zip(first, count)])
    spike = (count * spacing <= max_width * (1 + 1e-12)) & (peaks >= threshold + min_height)
    first = first[spike]
    before = first - 1
    fraction = (threshold - values[before]) / (values[first] - values[before])
    return t[before] + fraction * (t[first] - t[before])


class TracesByName:
    """Each entry of a result's ``traces`` mapping is also an attribute (``result.v``); an
    unknown name says which traces there are. For the results of a patch and of an axon.

    Examples
    --------
    >>> class Result(TracesByName):
    ...     def __init__(self, traces):
    ...         self.traces = traces
    >>> Result({"v": [1.0]}).v
    [1.0]
    >>> Result({"v": [1.0]}).m
    Traceback (most recent call last):
    ...
    AttributeError: Result has no attribute 'm'; its traces are: v
    """

    def __getattr__(self, name):
        traces = self.__dict__.get("traces", {})
        if name in traces:
            return traces[name]
        raise AttributeError(f"{type(self).__name__} has no attribute {name!r}; its traces "
                             f"are: {', '.join(traces)}")

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self.__dict__.get("traces", {})))
