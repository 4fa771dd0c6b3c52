"""How well two spike trains agree: matched spikes and the coincidence factor Γ.

The coincidence factor (Kistler, Gerstner & van Hemmen 1997, *Neural Comput.* 9:1015; used
to rank models of spike timing by Jolivet et al. 2008, *J. Neurosci. Methods* 169:417)
counts the recorded spikes that the model reproduces within ±Δ, and corrects the count for
the coincidences a Poisson train of the model's rate would reach by chance:

    Γ = (N_coinc − 2 ν Δ N_data) / (½ (N_data + N_model) (1 − 2 ν Δ)),  ν = N_model / T.

Γ = 1 when every spike is reproduced within the window and no other appears, and 0 for a
model no better than chance. Here the spikes are matched one to one: as many pairs within
the window as there can be, and among those pairings the one with the smallest total shift
(an assignment problem, solved by scipy's ``linear_sum_assignment``), so that Γ never
exceeds 1 and every shift reported is that of the closest pairing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize

__all__ = ["SpikeAgreement", "coincidence_factor", "match_spikes", "merge_split_spikes"]


@dataclass(frozen=True)
class SpikeAgreement:
    """Recorded and predicted spikes paired within a window (times in ms).

    Attributes
    ----------
    data, model : ndarray
        The two trains.
    pairs : ndarray, shape (k, 2)
        Indices (into ``data``, ``model``) of the matched spikes.
    window : float
        Δ (ms): a pair lies within ±Δ.
    duration : float
        T (ms), the length of the recording.

    Examples
    --------
    >>> m = match_spikes([10.0, 50.0], [10.3, 49.8], window=2.0, duration=100.0)
    >>> m.shifts.round(2), m.missed, m.extra, m.gamma
    (array([ 0.3, -0.2]), 0, 0, 1.0)
    """

    data: np.ndarray
    model: np.ndarray
    pairs: np.ndarray
    window: float
    duration: float

    @property
    def shifts(self) -> np.ndarray:
        """Model minus data spike time (ms) of every matched pair."""
        return self.model[self.pairs[:, 1]] - self.data[self.pairs[:, 0]]

    @property
    def max_shift(self) -> float:
        """The largest absolute shift of a matched pair (ms); NaN without pairs."""
        return float(np.abs(self.shifts).max()) if len(self.pairs) else float("nan")

    @property
    def missed(self) -> int:
        """Recorded spikes without a model spike within the window."""
        return len(self.data) - len(self.pairs)

    @property
    def extra(self) -> int:
        """Model spikes without a recorded spike within the window."""
        return len(self.model) - len(self.pairs)

    @property
    def gamma(self) -> float:
        """The coincidence factor Γ; NaN when neither train has a spike."""
        n_data, n_model = len(self.data), len(self.model)
        if n_data + n_model == 0:
            return float("nan")
        rate = n_model / self.duration
        chance = 2 * rate * self.window
        if chance >= 1:
            # The model fires so fast that every window holds a spike by chance.
            return float("nan")
        return float((len(self.pairs) - chance * n_data)
                     / (0.5 * (n_data + n_model) * (1 - chance)))


def match_spikes(data, model, window: float, duration: float) -> SpikeAgreement:
    """Pair recorded and model spikes one to one within ±``window``: the most pairs, and
    among those pairings the one with the smallest total shift.

    Parameters
    ----------
    data, model : array of float
        Spike times (ms), sorted.
    window : float
        Δ (ms).
    duration : float
        Length of the recording (ms).

    Examples
    --------
    >>> m = match_spikes([10.0, 50.0, 90.0], [10.4, 51.0, 120.0], window=2.0, duration=200.0)
    >>> m.pairs.tolist(), m.missed, m.extra, round(m.max_shift, 3)
    ([[0, 0], [1, 1]], 1, 1, 1.0)

    Nearest-first would pair 0 with 0.9 and leave -1.5 alone; both can be matched:

    >>> match_spikes([0.0, 1.0], [-1.5, 0.9], window=2.0, duration=10.0).pairs.tolist()
    [[0, 0], [1, 1]]
    """
    data = np.sort(np.asarray(data, dtype=float))
    model = np.sort(np.asarray(model, dtype=float))
    if not window > 0:
        raise ValueError(f"window: expected a positive time, got {window!r}")
    if not duration > 0:
        raise ValueError(f"duration: expected a positive time, got {duration!r}")
    pairs = np.zeros((0, 2), dtype=int)
    if len(data) and len(model):
        shift = np.abs(data[:, None] - model[None, :])
        inside = shift <= window
        # A pair outside the window costs more than all pairs inside together, so the
        # assignment first makes as many pairs inside as it can, then the shortest ones.
        outside_cost = 1.0 + window * (min(len(data), len(model)) + 1)
        rows, cols = optimize.linear_sum_assignment(np.where(inside, shift, outside_cost))
        keep = inside[rows, cols]
        pairs = np.column_stack([rows[keep], cols[keep]]).astype(int)
    return SpikeAgreement(data=data, model=model, pairs=pairs, window=float(window),
                          duration=float(duration))


def coincidence_factor(data, model, window: float, duration: float) -> float:
    """The coincidence factor Γ of two spike trains (times in ms).

    Examples
    --------
    >>> coincidence_factor([10.0, 50.0, 90.0], [10.4, 50.5, 89.0], window=2.0, duration=200.0)
    1.0

    One of three spikes reproduced, one extra: (1 − 2·0.01·2·3) / (½·5·(1 − 2·0.01·2)):

    >>> round(coincidence_factor([10.0, 50.0, 90.0], [10.4, 150.0], window=2.0,
    ...                          duration=200.0), 4)
    0.3667
    """
    return match_spikes(data, model, window, duration).gamma


def merge_split_spikes(times, min_interval: float) -> np.ndarray:
    """Spike times with every spike closer than ``min_interval`` to the one before dropped.

    In a noisy recording, noise can pull v below the threshold for a sample while a spike
    falls through it and back above it for the next: one spike seen as two. No neuron of the
    package fires twice within its refractory period (about 2 ms for HH), so a second onset
    that soon belongs to the first spike.

    Examples
    --------
    >>> merge_split_spikes([10.0, 11.2, 30.0, 31.0, 31.5], min_interval=2.0)
    array([10., 30.])
    """
    times = np.sort(np.asarray(times, dtype=float))
    kept = []
    for time in times:
        if not kept or time - kept[-1] >= min_interval:
            kept.append(time)
    return np.array(kept, dtype=float)
