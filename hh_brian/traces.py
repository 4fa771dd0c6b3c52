"""Plain-numpy helpers for recorded traces, shared by the simulator's results and the reference.

This module imports neither brian2 nor the models, so the reference integrator can use it.
"""

from __future__ import annotations

import numpy as np

__all__ = ["upward_crossings"]


def upward_crossings(values, t, threshold: float) -> np.ndarray:
    """Times at which a sampled trace crosses ``threshold`` from below.

    A crossing lies between sample k (below the threshold) and sample k + 1 (at or above
    it); its time is found by linear interpolation between the two samples.

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
    values = np.asarray(values, dtype=float)
    t = np.asarray(t, dtype=float)
    if values.ndim != 1 or values.shape != t.shape:
        raise ValueError(f"values and t must be 1-D of equal length, got shapes "
                         f"{values.shape} and {t.shape}")
    below = values[:-1] < threshold
    above = values[1:] >= threshold
    k = np.flatnonzero(below & above)
    fraction = (threshold - values[k]) / (values[k + 1] - values[k])
    return t[k] + fraction * (t[k + 1] - t[k])
