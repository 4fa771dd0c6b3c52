"""Firing rate against current: f–I curves and the rheobase, one neuron per current.

Both run their currents as batches through :mod:`hh_brian.sweeps.jobs`, spikes only, in
this process, a local pool or on Dask, like :func:`hh_brian.sweeps.sweep`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from brian2 import Quantity, ms, second

from .. import stimuli
from ..core.errors import IntegrationError
from ..core.units import CURRENT_DENSITY, check_dimension
from ..model.core import get_model
from .jobs import Job, make_job, run_job

__all__ = ["FICurve", "fi_curve", "rheobase"]


@dataclass(frozen=True)
class FICurve:
    """Firing rate against constant input current.

    Attributes
    ----------
    currents : Quantity
        The input currents (current density).
    rates : Quantity
        Firing rate after the transient (Hz); NaN where the integration diverged.
    spike_counts : masked array of int
        Spikes counted after the transient; masked where the integration diverged.
    transient, duration : Quantity
    diverged : ndarray of bool
        Where the integration diverged (no rate can be read off those runs).

    Examples
    --------
    >>> from brian2 import uA, cm, ms  # doctest: +SLOW
    >>> fi = fi_curve("hodgkin_huxley", [10]*uA/cm**2, 200*ms, transient=50*ms, target="numpy")
    >>> fi.spike_counts.tolist(), fi.diverged.tolist()
    ([10], [False])
    """

    currents: Quantity
    rates: Quantity
    spike_counts: np.ma.MaskedArray
    transient: Quantity
    duration: Quantity
    diverged: np.ndarray


def fi_curve(model, currents, duration=1000 * ms, *, transient=200 * ms, **options) -> FICurve:
    """Firing rate for each constant current (spikes only are recorded).

    Parameters
    ----------
    model : Model or str
    currents : Quantity (current density), 1-D
    duration : Quantity (time), default 1 s
    transient : Quantity (time), default 200 ms
        Spikes before this time are not counted (the onset response).
    **options
        As for :func:`sweep`: ``dt``, ``method``, ``target``, ``params`` (fixed values, or
        one per current), ``initial``, ``spike_threshold``; ``client``, ``chunk_size``,
        ``n_jobs``, ``store``, ``progress``.

    Returns
    -------
    FICurve

    Examples
    --------
    >>> from brian2 import uA, cm, ms, Hz  # doctest: +SLOW
    >>> from hh_brian.sweeps import fi_curve
    >>> fi = fi_curve("hodgkin_huxley", [0, 5, 10]*uA/cm**2, 300*ms, transient=100*ms,
    ...               target="numpy")
    >>> (fi.rates / Hz).round()
    array([ 0.,  0., 70.])
    """
    currents = check_dimension(currents, CURRENT_DENSITY, "currents")
    if np.ndim(currents) != 1 or len(currents) == 0:
        raise ValueError(f"currents: expected a 1-D array of current densities, got "
                         f"shape {np.shape(currents)}")
    transient = check_dimension(transient, ms, "transient")
    duration = check_dimension(duration, ms, "duration")
    if not 0 * ms <= transient < duration:
        raise ValueError(f"transient: expected 0 <= transient < duration ({duration}), got "
                         f"{transient}")
    job, placement = make_job("fi_curve", model, duration, stimuli.constant(0 * CURRENT_DENSITY),
                              {"amplitude": currents}, options, transient=transient)
    measures = run_job(job, **placement)
    window = float((duration - transient) / second)
    diverged = measures["diverged"]
    late = np.rint(np.nan_to_num(measures["rate"]) * window).astype(int)
    counts = np.ma.masked_array(late, mask=diverged)
    return FICurve(currents=currents, rates=measures["rate"] / second, spike_counts=counts,
                   transient=transient, duration=duration, diverged=diverged)


def rheobase(model, *, low=0 * CURRENT_DENSITY, high=50 * CURRENT_DENSITY,
             tolerance=0.01 * CURRENT_DENSITY, duration=200 * ms, batch: int = 16,
             **options) -> Quantity:
    """The smallest constant current that makes the model spike, to a stated tolerance.

    Each round runs ``batch`` currents evenly spread over the bracket [low, high] as one
    batch, and keeps the interval between the largest silent and the smallest firing
    current; rounds continue until it is narrower than ``tolerance``. The answer is the
    upper end of the final bracket: the smallest current known to fire.

    Parameters
    ----------
    model : Model or str
    low, high : Quantity (current density)
        Initial bracket: ``low`` must not fire, ``high`` must.
    tolerance : Quantity (current density)
    duration : Quantity (time)
        How long each current is applied; a spike anywhere in it counts.
    batch : int
        Currents per round (at least 3).
    **options
        As for :func:`fi_curve` (``params`` fixed values only).

    Returns
    -------
    Quantity

    Examples
    --------
    >>> from brian2 import uA, cm, ms  # doctest: +SLOW
    >>> from hh_brian.sweeps import rheobase
    >>> I = rheobase("hodgkin_huxley", high=10*uA/cm**2, tolerance=0.05*uA/cm**2,
    ...              duration=100*ms, target="numpy")
    >>> 2 < float(I / (uA/cm**2)) < 3
    True
    """
    low = check_dimension(low, CURRENT_DENSITY, "low")
    high = check_dimension(high, CURRENT_DENSITY, "high")
    tolerance = check_dimension(tolerance, CURRENT_DENSITY, "tolerance")
    if not float(tolerance / CURRENT_DENSITY) > 0:
        raise ValueError(f"tolerance: expected a positive current density, got {tolerance}")
    if not low < high:
        raise ValueError(f"high: expected more than low ({low}), got {high}")
    if isinstance(batch, bool) or not isinstance(batch, (int, np.integer)) or batch < 3:
        raise ValueError(f"batch: expected at least 3 currents per round, got {batch!r}")
    duration = check_dimension(duration, ms, "duration")
    model = get_model(model)
    first_grid = np.linspace(float(low / CURRENT_DENSITY), float(high / CURRENT_DENSITY),
                             int(batch)) * CURRENT_DENSITY
    job, placement = make_job("rheobase", model, duration,
                              stimuli.constant(0 * CURRENT_DENSITY), {"amplitude": first_grid},
                              options, transient=0 * ms)
    lo, hi = float(low / CURRENT_DENSITY), float(high / CURRENT_DENSITY)
    first = True
    while hi - lo > float(tolerance / CURRENT_DENSITY) or first:
        grid = np.linspace(lo, hi, int(batch))
        job = Job(job.plan, {"amplitude": grid * CURRENT_DENSITY}, job.transient)
        measures = run_job(job, **placement)
        if measures["diverged"].any():
            # A bisection cannot step over a run with no answer: say where and stop.
            neurons = np.flatnonzero(measures["diverged"]).tolist()
            raise IntegrationError(model.name, np.nanmin(measures["diverged_at"]) * ms,
                                   job.plan.dt, job.plan.method, neurons=neurons)
        fires = measures["spike_count"] > 0
        if first:
            if fires[0]:
                raise ValueError(f"low: the model already fires at {low}; lower it")
            if not fires[-1]:
                raise ValueError(f"high: the model does not fire at {high} within {duration}; "
                                 "raise it or lengthen duration")
            first = False
        k = int(np.argmax(fires))  # first firing current
        lo, hi = grid[k - 1], grid[k]
    return hi * CURRENT_DENSITY
