"""Parameter sweeps, f–I curves and rheobase, each as one batch run of many neurons.

Every function here builds one group of N neurons, one per parameter set or input current,
and runs it once, on any target: the cost of a sweep is that of one run of N neurons.
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass

import numpy as np
from brian2 import Quantity, ms, second

from . import stimuli
from .errors import IntegrationError
from .models import get_model
from .simulation import simulate
from .units import CURRENT_DENSITY, check_dimension

__all__ = ["FICurve", "SweepResult", "fi_curve", "rheobase", "sweep"]


@dataclass(frozen=True)
class SweepResult:
    """A sweep's run and the parameters of each of its neurons.

    Attributes
    ----------
    result : SimulationResult
        The batch run; row k of every trace is neuron k.
    labels : list of dict
        ``labels[k]`` maps each swept name to neuron k's value.

    Examples
    --------
    >>> from brian2 import mV, ms
    >>> out = sweep("passive_membrane", {"E_L": [-70, -60]*mV}, duration=5*ms, target="numpy")
    >>> [float(label["E_L"] / mV) for label in out.labels], out.find(E_L=-60*mV)
    ([-70.0, -60.0], [1])
    """

    result: object
    labels: list

    def spike_counts(self) -> np.ma.MaskedArray:
        """Number of spikes of each neuron; masked where the neuron diverged."""
        return _counts(self.result.spike_times())

    @property
    def diverged(self) -> dict:
        """Neurons whose integration diverged, with the time it did (see ``labels``)."""
        return dict(self.result.diverged)

    def find(self, **values) -> list[int]:
        """Indices of the neurons whose labels match the given values."""
        matches = []
        for k, label in enumerate(self.labels):
            if all(np.isclose(float(label[n] / _unit_of(label[n])),
                              float(v / _unit_of(label[n]))) for n, v in values.items()):
                matches.append(k)
        return matches


def _counts(spike_times, since=None) -> np.ma.MaskedArray:
    """Spikes per neuron (from ``since`` on), masked for the neurons that diverged (None)."""
    counts = [0 if times is None else int(np.sum(times >= since) if since is not None
                                          else len(times)) for times in spike_times]
    return np.ma.masked_array(counts, mask=[times is None for times in spike_times])


def _unit_of(value):
    return Quantity(1, dim=value.dim) if isinstance(value, Quantity) else 1


def sweep(model, grid: dict, current=None, *, product: bool = True, **options) -> SweepResult:
    """Run every parameter set of a grid as one batch.

    Parameters
    ----------
    model : Model or str
    grid : dict of str to sequence of Quantity
        Values of each swept parameter. The special name ``"amplitude"`` sweeps the
        amplitude of ``current`` (a constant, step, pulse, protocol or noise stimulus).
    current : Stimulus or Quantity, optional
        The input, shared by all neurons unless ``"amplitude"`` is swept.
    product : bool, default True
        True: every combination of the values (a grid). False: the k-th values of every
        name together (a list of parameter sets; all lists must have one length).
    **options
        Passed to :func:`hh_brian.simulate` (duration, target, dt, record, ...).

    Returns
    -------
    SweepResult

    Examples
    --------
    >>> from brian2 import mS, cm, uA, ms
    >>> from hh_brian.sweeps import sweep
    >>> out = sweep("hodgkin_huxley", {"g_Na": [100, 120]*mS/cm**2,
    ...                                "amplitude": [5, 10]*uA/cm**2},
    ...             current=stimuli.constant(1*uA/cm**2), duration=50*ms, target="numpy")
    >>> len(out.labels), out.result.v.shape
    (4, (4, 5000))
    >>> out.spike_counts()[out.find(g_Na=120*mS/cm**2, amplitude=10*uA/cm**2)].tolist()
    [4]
    """
    model = get_model(model)
    if not isinstance(grid, dict) or not grid:
        raise ValueError(f"grid: expected a non-empty dict of names to value lists, got {grid!r}")
    names = list(grid)
    columns = []
    for name in names:
        values = grid[name]
        if name == "amplitude":
            values = check_dimension(values, CURRENT_DENSITY, "grid['amplitude']")
        elif name not in model.params:
            raise ValueError(f"grid: unknown parameter {name!r} for {model.name}; valid: "
                             f"{', '.join(model.params)}, amplitude")
        else:
            values = check_dimension(values, model.params[name], f"grid[{name!r}]")
        if np.ndim(values) != 1 or len(values) == 0:
            raise ValueError(f"grid[{name!r}]: expected a non-empty 1-D list of values, got "
                             f"{values!r}")
        columns.append(values)
    if product:
        index = list(itertools.product(*[range(len(c)) for c in columns]))
    else:
        lengths = {len(c) for c in columns}
        if len(lengths) != 1:
            raise ValueError(f"grid: with product=False every list needs the same length; got "
                             f"{ {n: len(c) for n, c in zip(names, columns)} }")
        index = [tuple([k] * len(columns)) for k in range(lengths.pop())]
    per_neuron = {name: column[[row[j] for row in index]]
                  for j, (name, column) in enumerate(zip(names, columns))}
    labels = [{name: per_neuron[name][k] for name in names} for k in range(len(index))]
    amplitude = per_neuron.pop("amplitude", None)
    stimulus = stimuli.as_stimulus(current, default=model.default_current)
    if amplitude is not None:
        if not stimulus.separable:
            raise ValueError("grid['amplitude']: sweeping an amplitude needs a constant, step, "
                             "pulse, protocol or noise stimulus as current")
        stimulus = dataclasses.replace(stimulus, amplitude=amplitude)
    result = simulate(model, current=stimulus, params=per_neuron, **options)
    return SweepResult(result=result, labels=labels)


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
    >>> from brian2 import uA, cm, ms
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
    """Firing rate for each constant current, in one batch run (spikes only are recorded).

    Parameters
    ----------
    model : Model or str
    currents : Quantity (current density), 1-D
    duration : Quantity (time), default 1 s
    transient : Quantity (time), default 200 ms
        Spikes before this time are not counted (the onset response).
    **options
        Passed to :func:`hh_brian.simulate` (target, dt, params, ...).

    Returns
    -------
    FICurve

    Examples
    --------
    >>> from brian2 import uA, cm, ms, Hz
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
    options.setdefault("record", [])
    result = simulate(model, duration, stimuli.constant(currents), **options)
    counts = _counts(result.spike_times(), since=transient)
    window = float((duration - transient) / second)
    rates = counts.astype(float).filled(np.nan) / window / second
    return FICurve(currents=currents, rates=rates, spike_counts=counts, transient=transient,
                   duration=duration, diverged=np.ma.getmaskarray(counts))


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
        Passed to :func:`hh_brian.simulate`.

    Returns
    -------
    Quantity

    Examples
    --------
    >>> from brian2 import uA, cm, ms
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
    if int(batch) < 3:
        raise ValueError(f"batch: expected at least 3 currents per round, got {batch}")
    options.setdefault("record", [])
    lo, hi = float(low / CURRENT_DENSITY), float(high / CURRENT_DENSITY)
    first = True
    while hi - lo > float(tolerance / CURRENT_DENSITY) or first:
        grid = np.linspace(lo, hi, int(batch))
        result = simulate(model, duration, stimuli.constant(grid * CURRENT_DENSITY), **options)
        if result.diverged:
            # A bisection cannot step over a run with no answer: say where and stop.
            neurons = sorted(result.diverged)
            raise IntegrationError(result.model.name, min(result.diverged.values()),
                                   result.dt, result.method, neurons=neurons)
        fires = np.array([len(times) > 0 for times in result.spike_times()])
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
