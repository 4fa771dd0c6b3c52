"""What a run did, neuron by neuron: spike measures and the firing regime.

:func:`measure` reduces a spikes-only batch run (``simulate(..., record=[],
track_peak=True)``) to a few numbers per neuron, and :func:`classify` names its regime. The
regimes, over a run of length T with the window W = [transient, T):

``diverged``
    the state became NaN or infinite (:attr:`SimulationResult.diverged`); no other measure
    is read from it.
``repetitive``
    at least ``MIN_REPETITIVE_SPIKES`` (2) spikes in W: the neuron still fires after the
    onset response.
``block``
    fewer than 2 spikes in W, and v at the end of the run at or above ``block_level``
    (default −50 mV, 15 mV above the resting potential of the source models): the membrane
    sits depolarised without firing (depolarisation block), with or without onset spikes.
``onset``
    at least one spike, fewer than 2 of them in W, and v at the end below ``block_level``:
    the neuron answered the onset of the input and came back to rest.
``rest``
    no spike at all, and v at the end below ``block_level``.

"v at the end" is v averaged over the last 50 ms of the run (``v_average``, an exponential
window; :data:`~hh_brian.targets.network.AVERAGE_WINDOW`) when the run tracked it
(``track_peak=True``, as every sweep's runs do), and the last sample otherwise. Near the block, v rings about its
depolarised rest for a long time (10–20 ms a period in HH), and its last sample falls
above or below the level depending on the phase at which the run happens to end: the
average does not.

A spike is what :meth:`hh_brian.SimulationResult.spike_times` counts (an excursion above
0 mV that rises 5 mV above it and comes back within 5 ms). In the HH model (source
parameters, 200 ms, W = [100 ms, 200 ms)) a constant 0 µA/cm² rests, 3 µA/cm² gives one
onset spike, 10 µA/cm² fires repetitively and 200 µA/cm² ends in block after one spike.
"""

from __future__ import annotations

import numpy as np
from brian2 import mV, ms, second, volt

from ..core.units import check_dimension

__all__ = ["BLOCK_LEVEL", "MEASURES", "MIN_REPETITIVE_SPIKES", "REGIMES", "classify",
           "measure"]

#: The regimes, in the order of their codes (``REGIMES[code]``).
REGIMES = ("rest", "onset", "repetitive", "block", "diverged")
#: Spikes in the window after the transient that make the firing repetitive.
MIN_REPETITIVE_SPIKES = 2
#: Default v at the end of a run at or above which a neuron that stopped firing is blocked.
BLOCK_LEVEL = -50 * mV
#: The measures :func:`measure` returns, with their units (as text) and meaning.
MEASURES = {
    "spike_count": ("1", "spikes over the whole run"),
    "rate": ("Hz", "spikes per second from the transient to the end"),
    "first_spike": ("ms", "time of the first spike (NaN: none)"),
    "v_peak": ("mV", "highest v over the run"),
    "v_end": ("mV", "v at the end of the run"),
    "v_average": ("mV", "v averaged over the last 50 ms of the run (exponential window)"),
    "diverged": ("1", "the state became NaN or infinite"),
    "diverged_at": ("ms", "time the state first became NaN or infinite (NaN: never)"),
    "regime": ("1", "index into REGIMES: " + ", ".join(f"{k} {name}"
                                                    for k, name in enumerate(REGIMES))),
}


def classify(spike_count, late_count, v_end, diverged, block_level=BLOCK_LEVEL) -> np.ndarray:
    """The regime code (index into :data:`REGIMES`) of each neuron.

    Parameters
    ----------
    spike_count : array of int
        Spikes over the whole run.
    late_count : array of int
        Spikes in the window after the transient.
    v_end : Quantity (voltage)
        v at the end of the run (:func:`measure` passes v averaged over its last 50 ms).
    diverged : array of bool
    block_level : Quantity (voltage)

    Returns
    -------
    ndarray of int8

    Examples
    --------
    >>> from brian2 import mV
    >>> codes = classify([0, 1, 12, 1, 0], [0, 0, 6, 0, 0], [-65, -64, -70, -42, 0]*mV,
    ...                  [False, False, False, False, True])
    >>> [REGIMES[k] for k in codes]
    ['rest', 'onset', 'repetitive', 'block', 'diverged']
    """
    block_level = check_dimension(block_level, mV, "block_level")
    spike_count = np.asarray(spike_count)
    late_count = np.asarray(late_count)
    high = np.asarray(v_end / volt, dtype=float) >= float(block_level / volt)
    codes = np.where(spike_count > 0, REGIMES.index("onset"), REGIMES.index("rest"))
    codes = np.where(high, REGIMES.index("block"), codes)
    codes = np.where(late_count >= MIN_REPETITIVE_SPIKES, REGIMES.index("repetitive"), codes)
    codes = np.where(np.asarray(diverged, dtype=bool), REGIMES.index("diverged"), codes)
    return codes.astype(np.int8)


def measure(result, transient=None, block_level=BLOCK_LEVEL) -> dict[str, np.ndarray]:
    """The measures of :data:`MEASURES` for every neuron of a batch run, as plain arrays.

    Parameters
    ----------
    result : SimulationResult
        A batch run; ``v_peak`` is NaN unless it was run with ``track_peak=True``.
    transient : Quantity (time), optional
        Start of the window of the rate and of repetitive firing (default: half the run).
    block_level : Quantity (voltage)

    Returns
    -------
    dict of str to ndarray
        In the units of :data:`MEASURES` (ms, mV, Hz); NaN (0 for counts) where the neuron
        diverged.

    Examples
    --------
    >>> from brian2 import ms, uA, cm  # doctest: +SLOW
    >>> import hh_brian
    >>> run = hh_brian.simulate("hodgkin_huxley", 200*ms,
    ...                         hh_brian.stimuli.constant([0, 3, 10, 200]*uA/cm**2),
    ...                         record=[], track_peak=True, target="numpy")
    >>> m = measure(run)
    >>> [REGIMES[k] for k in m["regime"]], m["spike_count"].tolist()
    (['rest', 'onset', 'repetitive', 'block'], [0, 1, 14, 1])
    """
    if not result.batch:
        raise ValueError("result: expected a batch run (params or current with one value "
                         "per neuron)")
    duration = result.duration
    transient = duration / 2 if transient is None else check_dimension(transient, ms,
                                                                       "transient")
    if not 0 * ms <= transient < duration:
        raise ValueError(f"transient: expected 0 <= transient < duration ({duration}), got "
                         f"{transient}")
    n = result.n_neurons
    diverged_at = np.full(n, np.nan)
    for k, time in result.diverged.items():
        diverged_at[k] = float(time / ms)
    diverged = ~np.isnan(diverged_at)
    neurons, times = result.spike_table()
    times = np.asarray(times / ms)
    count = np.bincount(neurons, minlength=n)
    late = np.bincount(neurons[times >= float(transient / ms)], minlength=n)
    first = np.full(n, np.nan)
    starts = np.flatnonzero(np.r_[True, np.diff(neurons) != 0]) if neurons.size else []
    first[neurons[starts]] = times[starts]  # the table is ordered by neuron, then time
    v_end = result.v_end
    settled = result.v_end if result.v_average is None else result.v_average
    v_peak = result.v_peak if result.v_peak is not None else np.full(n, np.nan) * volt
    window = float((duration - transient) / second)
    rate = np.where(diverged, np.nan, late / window)
    return {"spike_count": count, "rate": rate, "first_spike": first,
            "v_peak": np.asarray(v_peak / mV, dtype=float),
            "v_end": np.asarray(v_end / mV, dtype=float),
            "v_average": np.asarray(settled / mV, dtype=float), "diverged": diverged,
            "diverged_at": diverged_at,
            "regime": classify(count, late, settled, diverged, block_level)}
