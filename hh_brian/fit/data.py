"""What a fit is given: recorded sweeps, each a voltage trace with its current.

A :class:`Sweep` is one recorded trace of a protocol: the membrane potential sampled every
``dt`` from t = 0, and the current injected during it. Several sweeps recorded under
different currents are fitted jointly. Nothing is resampled silently: a recording sampled on
a grid that is not a whole number of simulation steps is refused, and :func:`resample`
makes the change of grid explicit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from brian2 import Quantity, ms, mV

from .. import stimuli as _stimuli
from .._compat import moved_names
from ..core.units import (
    CURRENT_DENSITY,
    check_dimension,
    positive_time,
    show_value,
    whole_steps,
)
from ..stimuli import Stimulus

__all__ = ["Sweep", "as_sweeps", "recorded_sweep", "resample"]


@dataclass(frozen=True)
class Sweep:
    """One recorded sweep: ``v`` sampled every ``dt`` from t = 0, under ``current``.

    Make one with :func:`recorded_sweep`, which checks its parts.

    Attributes
    ----------
    v : Quantity
        The membrane potential, shape ``(n,)``; sample k at t = k·dt.
    current : Stimulus
        The injected current during the sweep.
    dt : Quantity
        The sampling interval.
    name : str
        A label for tables and figures.

    Examples
    --------
    >>> from brian2 import mV, ms, uA, cm
    >>> s = recorded_sweep([-65, -64, -63]*mV, 2*uA/cm**2, dt=0.1*ms, name="step")
    >>> s.duration, s.t
    (300. * usecond, array([  0., 100., 200.]) * usecond)
    """

    v: Quantity
    current: Stimulus
    dt: Quantity
    name: str = ""

    @property
    def n_samples(self) -> int:
        return int(np.shape(self.v)[0])

    @property
    def duration(self) -> Quantity:
        return self.n_samples * self.dt

    @property
    def t(self) -> Quantity:
        return np.arange(self.n_samples) * self.dt

    def current_samples(self) -> Quantity:
        """The current at every sample time (sample k in force during [k·dt, (k+1)·dt))."""
        return self.current.samples(self.n_samples, self.dt)

    def steps_per_sample(self, dt) -> int:
        """How many simulation steps of ``dt`` one sample spans.

        Raises
        ------
        ValueError
            If the sampling interval is not a whole number of steps (the message says how
            to resample explicitly).

        Examples
        --------
        >>> from brian2 import mV, ms, uA, cm
        >>> recorded_sweep([-65, -64]*mV, 0*uA/cm**2, dt=0.1*ms).steps_per_sample(0.01*ms)
        10
        """
        try:
            return whole_steps(self.dt, dt, "recording")
        except ValueError:
            label = f"sweep {self.name!r}" if self.name else "the recording"
            raise ValueError(
                f"recording: {label} is sampled every {show_value(self.dt)}, not a whole "
                f"number of simulation steps of dt = {show_value(dt)}; pick a dt that divides "
                f"it, or resample the sweep explicitly with hh_brian.fit.resample(sweep, dt)"
            ) from None


def recorded_sweep(v, current, dt, name: str = "") -> Sweep:
    """A recorded sweep, checked: a finite voltage trace, its current, its sampling interval.

    Parameters
    ----------
    v : Quantity (voltage)
        The recorded membrane potential, shape ``(n,)`` with n ≥ 2, sample k at t = k·dt.
    current : Stimulus or Quantity (current density)
        The injected current: a stimulus from :mod:`hh_brian.stimuli`, a constant, or an
        array with one sample per recorded sample (held for ``dt`` each).
    dt : Quantity (time)
        The sampling interval of ``v`` (and of a sampled ``current``).
    name : str, optional

    Raises
    ------
    ValueError
        For a trace that is not one-dimensional, has fewer than two samples or contains NaN
        or infinity (the first bad sample is named), a sampled current of another length,
        or a non-positive ``dt``.
    DimensionMismatchError
        For a ``v``, ``current`` or ``dt`` in the wrong dimension.

    Examples
    --------
    >>> from brian2 import mV, ms, uA, cm
    >>> import numpy as np
    >>> recorded_sweep([-65, np.nan, -63]*mV, 0*uA/cm**2, dt=0.1*ms)
    Traceback (most recent call last):
    ...
    ValueError: recording: sample 1 (t = 0.1 ms) is NaN; a fit needs a finite trace (cut the sweep or fill the gap first)
    """
    v = check_dimension(v, mV, "recording")
    if np.ndim(v) != 1 or np.shape(v)[0] < 2:
        raise ValueError(f"recording: expected a voltage trace of shape (n_samples,) with at "
                         f"least 2 samples, got shape {np.shape(v)}")
    dt = positive_time(dt, "dt")
    plain = np.asarray(v / mV, dtype=float)
    bad = np.flatnonzero(~np.isfinite(plain))
    if bad.size:
        k = int(bad[0])
        what = "NaN" if np.isnan(plain[k]) else "infinite"
        more = f" ({bad.size} such samples)" if bad.size > 1 else ""
        raise ValueError(f"recording: sample {k} (t = {show_value(k * dt)}) is {what}{more}; "
                         f"a fit needs a finite trace (cut the sweep or fill the gap first)")
    if isinstance(current, Stimulus):
        stimulus = current
    else:
        current = check_dimension(current, CURRENT_DENSITY, "current")
        if np.ndim(current) == 0:
            stimulus = _stimuli.constant(current)
        elif np.ndim(current) == 1:
            if np.shape(current)[0] != plain.size:
                raise ValueError(f"current: expected one sample per recorded sample "
                                 f"({plain.size}), got {np.shape(current)[0]}")
            stimulus = _stimuli.sampled(current, dt=dt)
        else:
            raise ValueError(f"current: expected a constant or one sample per recorded sample, "
                             f"shape ({plain.size},); got shape {np.shape(current)}")
    if stimulus.batch_size is not None:
        raise ValueError("current: a sweep has one current, not one per neuron "
                         f"(got a batch of {stimulus.batch_size})")
    stimulus.check_steps(plain.size, dt)
    return Sweep(v=plain * mV, current=stimulus, dt=dt * 1.0,
                 name=str(name))


def as_sweeps(recording, current, dt) -> tuple[Sweep, ...]:
    """The sweeps of a fit from what a user passes: one trace, a Sweep, or sequences of them.

    Examples
    --------
    >>> from brian2 import mV, ms, uA, cm
    >>> sweeps = as_sweeps([[-65, -64]*mV, [-65, -66]*mV], [1*uA/cm**2, -1*uA/cm**2], 0.1*ms)
    >>> [s.name for s in sweeps]
    ['sweep 0', 'sweep 1']
    """
    if isinstance(recording, Sweep):
        if current is not None:
            raise ValueError("current: a Sweep carries its own current; pass current=None")
        return (recording,)
    if isinstance(recording, (list, tuple)) and recording and all(
            isinstance(r, Sweep) for r in recording):
        if current is not None:
            raise ValueError("current: Sweeps carry their own currents; pass current=None")
        return tuple(recording)
    several = (isinstance(recording, (list, tuple)) and recording
               and all(isinstance(r, Quantity) and np.ndim(r) == 1 for r in recording))
    if not several:
        if dt is None:
            raise ValueError("dt: the sampling interval of the recording is needed "
                             "(e.g. dt=0.01*ms)")
        return (recorded_sweep(recording, current, dt),)
    if not isinstance(current, (list, tuple)) or len(current) != len(recording):
        raise ValueError(f"current: with {len(recording)} recorded traces, expected a list of "
                         f"{len(recording)} currents, one per trace; got {current!r:.80}")
    if dt is None:
        raise ValueError("dt: the sampling interval of the recordings is needed "
                         "(e.g. dt=0.01*ms)")
    return tuple(recorded_sweep(v, i, dt, name=f"sweep {k}")
                 for k, (v, i) in enumerate(zip(recording, current)))


def resample(recorded: Sweep, dt) -> Sweep:
    """The sweep on another sampling grid, by linear interpolation of v (explicitly asked).

    The new samples lie at k·dt for every k·dt within the recording; the current is kept as
    it was given (a sampled current holds each of its samples for its own interval on any
    grid the simulation uses, so no part of it is lost). Interpolation smooths a spike's
    peak when the new grid is coarser than the old one, and cannot restore what a coarse
    recording lacks.

    Examples
    --------
    >>> from brian2 import mV, ms, uA, cm
    >>> s = resample(recorded_sweep([-65, -63, -61]*mV, 1*uA/cm**2, dt=0.2*ms), 0.1*ms)
    >>> s.v / mV, s.dt
    (array([-65., -64., -63., -62., -61.]), 100. * usecond)
    """
    if not isinstance(recorded, Sweep):
        raise TypeError(f"recorded: expected a Sweep, got {type(recorded).__name__}")
    dt = positive_time(dt, "dt")
    # Every new sample time within the recording (a time within 1e-9 of a step of the last
    # sample counts as on it).
    last = float((recorded.n_samples - 1) * recorded.dt / dt)
    n_new = int(np.floor(last + 1e-9)) + 1
    old_t = np.arange(recorded.n_samples) * float(recorded.dt / ms)
    new_t = np.minimum(np.arange(n_new) * float(dt / ms), old_t[-1])
    v = np.interp(new_t, old_t, np.asarray(recorded.v / mV)) * mV
    return recorded_sweep(v, recorded.current, dt, name=recorded.name)


# Names that lived here before the package was regrouped: found, with a warning, for one
# release (hh_brian._compat).
__getattr__ = moved_names(__name__)
