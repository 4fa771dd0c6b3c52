"""Injected currents: the source protocol, constants, steps, ramps, sines and sampled arrays.

A stimulus is a value that turns into one current sample per integration step. Sample *k*
acts during step *k*, i.e. while the state moves from t = k·dt to t = (k + 1)·dt, exactly as
``I[i - 1]`` does in the source loops. A stimulus whose amplitude is an array of N values
drives N neurons (a batch), each with its own amplitude.

Every amplitude is a current density (e.g. ``5*uA/cm**2``; 1 µA/cm² = 10 nA/mm²).

Examples
--------
>>> from brian2 import uA, cm, ms
>>> from hh_brian import stimuli
>>> stim = stimuli.step(5*uA/cm**2, start=1*ms, stop=2*ms)
>>> stim.samples(4, 0.5*ms) / (uA/cm**2)
array([0., 0., 5., 5.])
>>> (stim + stimuli.constant(1*uA/cm**2)).samples(4, 0.5*ms) / (uA/cm**2)
array([1., 1., 6., 6.])
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from brian2 import Quantity, ms
from brian2.units.fundamentalunits import have_same_dimensions

from .units import CURRENT_DENSITY, check_dimension

__all__ = [
    "Stimulus",
    "as_stimulus",
    "constant",
    "protocol",
    "pulse",
    "ramp",
    "sampled",
    "sine",
    "smoothed_noise",
    "step",
]

# Times within this fraction of a step of a grid point count as on it (t is floating point).
_GRID_TOLERANCE = 1e-9


def step_index(time, dt, argument: str = "time") -> int:
    """Index of the first step whose start k·dt is at or after ``time``.

    Times that fall on the grid up to floating-point error count as on it, so that
    ``step_index(40*ms, 0.01*ms) == 4000`` although 40/0.01 is 3999.9999999999995.
    """
    check_dimension(time, ms, argument)
    x = float(time / dt)
    return int(math.ceil(x - _GRID_TOLERANCE))


def _amplitude(value, argument: str) -> Quantity:
    value = check_dimension(value, CURRENT_DENSITY, argument)
    if np.ndim(value) > 1:
        raise ValueError(f"{argument}: expected a scalar or one value per neuron (1-D), "
                         f"got shape {np.shape(value)}")
    if not np.all(np.isfinite(np.asarray(value))):
        raise ValueError(f"{argument}: expected finite values, got {value}")
    return value


def _time(value, argument: str, allow_none: bool = False):
    if value is None and allow_none:
        return None
    value = check_dimension(value, ms, argument)
    if np.ndim(value) != 0:
        raise ValueError(f"{argument}: expected a single time, got shape {np.shape(value)}")
    return value


class Stimulus:
    """Base class of every stimulus: something that yields one current sample per step.

    Subclasses implement :meth:`samples`. Those made of one amplitude times a unit waveform
    also implement :meth:`factors`, which lets a batch share one waveform in memory.
    Stimuli add up with ``+``.

    Examples
    --------
    >>> from brian2 import uA, cm, ms
    >>> from hh_brian import stimuli
    >>> stim = stimuli.constant(1*uA/cm**2) + stimuli.pulse(2*uA/cm**2, 1*ms, 2*ms)
    >>> stim.samples(3, 1*ms) / (uA/cm**2)
    array([1., 3., 1.])
    """

    def samples(self, n_steps: int, dt) -> Quantity:
        """The current during each of ``n_steps`` steps of length ``dt``.

        Returns
        -------
        Quantity
            Current density, shape ``(n_steps,)``, or ``(N, n_steps)`` for a batch of N.
        """
        amplitude, waveform = self.factors(n_steps, dt)
        if np.ndim(amplitude) == 0:
            return amplitude * waveform
        return amplitude[:, None] * waveform[None, :]

    def check_steps(self, n_steps: int, dt) -> None:
        """Raise ValueError if the stimulus cannot give ``n_steps`` samples of ``dt``.

        :func:`hh_brian.simulate` calls it before anything is compiled or run.
        """

    def factors(self, n_steps: int, dt):
        """``(amplitude, waveform)`` with ``samples = amplitude × waveform``, or None.

        ``amplitude`` is a current density (scalar or one per neuron) and ``waveform`` a
        dimensionless array of ``n_steps`` values. None unless :attr:`separable`.
        """
        return None

    #: True when the stimulus is one amplitude (per neuron) times one shared waveform, so
    #: that :meth:`factors` gives them and a batch can share the waveform in memory.
    separable: bool = False

    @property
    def batch_size(self) -> int | None:
        """Number of neurons this stimulus drives separately, or None if it is shared."""
        return None

    def __add__(self, other: "Stimulus") -> "Stimulus":
        return Sum((self, as_stimulus(other, argument="other")))


def _batch_of(*amplitudes) -> int | None:
    sizes = {np.size(a) for a in amplitudes if np.ndim(a) == 1}
    if len(sizes) > 1:
        raise ValueError(f"amplitudes: one value per neuron, so arrays must have equal "
                         f"lengths; got lengths {sorted(sizes)}")
    return sizes.pop() if sizes else None


@dataclass(frozen=True)
class _Shaped(Stimulus):
    """An amplitude times a waveform of 0s, 1s and -1s (steps, pulses, the protocol)."""

    amplitude: Quantity
    separable = True

    def waveform(self, n_steps: int, dt) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def factors(self, n_steps, dt):
        return self.amplitude, self.waveform(n_steps, dt)

    @property
    def batch_size(self):
        return _batch_of(self.amplitude)


@dataclass(frozen=True)
class Constant(_Shaped):
    """A constant current for the whole run."""

    def waveform(self, n_steps, dt):
        return np.ones(n_steps)


@dataclass(frozen=True)
class Step(_Shaped):
    """``amplitude`` from ``start`` (inclusive) to ``stop`` (exclusive; None: to the end)."""

    start: Quantity
    stop: Quantity | None

    def waveform(self, n_steps, dt):
        wave = np.zeros(n_steps)
        first = step_index(self.start, dt, "start")
        last = n_steps if self.stop is None else step_index(self.stop, dt, "stop")
        wave[max(first, 0):max(min(last, n_steps), 0)] = 1.0
        return wave


@dataclass(frozen=True)
class Protocol(_Shaped):
    """The source protocol: +A on steps [n//5, 2n//5), -A on [3n//5, 4n//5), 0 elsewhere.

    The boundaries are step indices computed from the number of steps n, as the source
    computes them, so they fall at T/5, 2T/5, 3T/5 and 4T/5 of any run.
    """

    def waveform(self, n_steps, dt):
        wave = np.zeros(n_steps)
        wave[n_steps // 5:2 * n_steps // 5] = 1.0
        wave[3 * n_steps // 5:4 * n_steps // 5] = -1.0
        return wave


@dataclass(frozen=True)
class SmoothedNoise(_Shaped):
    """Gaussian white noise smoothed by a Gaussian window, as in the dV/dt notebook.

    ``amplitude * convolve(randn(n), gaussian(M, sigma/dt) / M, "same")`` with
    ``M = round(2*4*sigma/dt)`` and ``randn`` drawn from numpy's legacy generator seeded with
    ``seed`` (the generator behind ``np.random.seed``), so that seed 1 over 2 s at 0.01 ms
    reproduces the notebook's realisation.
    """

    sigma: Quantity
    seed: int

    def waveform(self, n_steps, dt):
        from scipy.signal.windows import gaussian

        white = np.random.RandomState(self.seed).randn(n_steps)
        width = float(self.sigma / dt)
        window_length = round(2 * 4 * width)
        window = gaussian(window_length, std=width) / window_length
        # numpy's "same" mode: the centre of the full convolution, n_steps long (numpy itself
        # would return the window's length when the window is the longer).
        first = (window_length - 1) // 2
        return np.convolve(white, window, "full")[first:first + n_steps]


@dataclass(frozen=True)
class Ramp(Stimulus):
    """Linear from ``amplitude_start`` at ``start`` to ``amplitude_stop`` at ``stop``, 0 outside."""

    amplitude_start: Quantity
    amplitude_stop: Quantity
    start: Quantity
    stop: Quantity

    def samples(self, n_steps, dt):
        t = np.arange(n_steps) * float(dt / ms)
        t0, t1 = float(self.start / ms), float(self.stop / ms)
        first, last = step_index(self.start, dt), step_index(self.stop, dt)
        on = np.zeros(n_steps, dtype=bool)
        on[max(first, 0):max(min(last, n_steps), 0)] = True
        fraction = np.clip((t - t0) / (t1 - t0), 0.0, 1.0)
        a0 = np.asarray(self.amplitude_start / CURRENT_DENSITY, dtype=float)
        a1 = np.asarray(self.amplitude_stop / CURRENT_DENSITY, dtype=float)
        if self.batch_size is not None:
            a0, a1 = np.broadcast_to(a0, (self.batch_size,)), np.broadcast_to(a1, (self.batch_size,))
            values = a0[:, None] + (a1 - a0)[:, None] * fraction[None, :]
        else:
            values = a0 + (a1 - a0) * fraction
        return np.where(on, values, 0.0) * CURRENT_DENSITY

    @property
    def batch_size(self):
        return _batch_of(self.amplitude_start, self.amplitude_stop)


@dataclass(frozen=True)
class Sine(Stimulus):
    """``offset + amplitude·sin(2π·frequency·(t - start) + phase)`` from ``start`` to ``stop``."""

    amplitude: Quantity
    frequency: Quantity
    offset: Quantity
    phase: float
    start: Quantity
    stop: Quantity | None

    def samples(self, n_steps, dt):
        t = np.arange(n_steps) * float(dt / ms)
        first = step_index(self.start, dt)
        last = n_steps if self.stop is None else step_index(self.stop, dt)
        on = np.zeros(n_steps, dtype=bool)
        on[max(first, 0):max(min(last, n_steps), 0)] = True
        omega = 2 * np.pi * float(self.frequency * ms)
        wave = np.sin(omega * (t - float(self.start / ms)) + self.phase)
        amp = np.asarray(self.amplitude / CURRENT_DENSITY, dtype=float)
        off = np.asarray(self.offset / CURRENT_DENSITY, dtype=float)
        if self.batch_size is not None:
            amp = np.broadcast_to(amp, (self.batch_size,))[:, None]
            off = np.broadcast_to(off, (self.batch_size,))[:, None]
        return np.where(on, off + amp * wave, 0.0) * CURRENT_DENSITY

    @property
    def batch_size(self):
        return _batch_of(self.amplitude, self.offset)


@dataclass(frozen=True)
class Sampled(Stimulus):
    """Given samples, held for ``dt`` each (None: one sample per simulation step)."""

    values: Quantity
    dt: Quantity | None = None

    def check_steps(self, n_steps, dt):
        n_given = np.shape(self.values)[-1]
        if self.dt is None and n_given != n_steps:
            raise ValueError(
                f"current: a sampled current needs one sample per step, {n_steps} "
                f"(duration/dt); got {n_given}. Pass dt= to hold samples of another spacing."
            )
        if self.dt is not None and self._index(n_steps, dt)[-1] >= n_given:
            covered = n_given * self.dt
            raise ValueError(f"current: the sampled current covers {covered}, shorter than "
                             f"the run ({n_steps * dt})")

    def _index(self, n_steps, dt):
        # Sample-and-hold onto the simulation grid: step k reads the sample in force at k*dt.
        return np.floor(np.arange(n_steps) * float(dt / self.dt) + _GRID_TOLERANCE).astype(int)

    def samples(self, n_steps, dt):
        self.check_steps(n_steps, dt)
        if self.dt is None:
            return self.values
        return self.values[..., self._index(n_steps, dt)]

    @property
    def batch_size(self):
        return np.shape(self.values)[0] if np.ndim(self.values) == 2 else None


@dataclass(frozen=True)
class Sum(Stimulus):
    """The sum of several stimuli."""

    terms: tuple

    def check_steps(self, n_steps, dt):
        for term in self.terms:
            term.check_steps(n_steps, dt)

    def samples(self, n_steps, dt):
        size = self.batch_size
        total = np.zeros((size, n_steps) if size else n_steps) * CURRENT_DENSITY
        for term in self.terms:
            total = total + term.samples(n_steps, dt)
        return total

    @property
    def batch_size(self):
        sizes = {t.batch_size for t in self.terms} - {None}
        if len(sizes) > 1:
            raise ValueError(f"current: the summed stimuli drive different numbers of "
                             f"neurons: {sorted(sizes)}")
        return sizes.pop() if sizes else None

    def __add__(self, other):
        return Sum(self.terms + (as_stimulus(other, argument="other"),))


def constant(amplitude) -> Stimulus:
    """A constant current.

    Parameters
    ----------
    amplitude : Quantity (current density)
        Scalar, or one value per neuron for a batch.

    Examples
    --------
    >>> from brian2 import uA, cm, ms
    >>> constant([0, 5]*uA/cm**2).samples(2, 0.01*ms) / (uA/cm**2)
    array([[0., 0.],
           [5., 5.]])
    """
    return Constant(_amplitude(amplitude, "amplitude"))


def step(amplitude, start, stop=None) -> Stimulus:
    """A current switched on at ``start`` and, if ``stop`` is given, off at ``stop``.

    The current acts during every step whose start time t_k satisfies start <= t_k < stop.

    Examples
    --------
    >>> from brian2 import uA, cm, ms
    >>> step(2*uA/cm**2, start=0.02*ms).samples(4, 0.01*ms) / (uA/cm**2)
    array([0., 0., 2., 2.])
    """
    start, stop = _time(start, "start"), _time(stop, "stop", allow_none=True)
    if stop is not None and stop < start:
        raise ValueError(f"stop: must not be before start ({start}), got {stop}")
    return Step(_amplitude(amplitude, "amplitude"), start, stop)


def pulse(amplitude, start, stop) -> Stimulus:
    """A current on during [start, stop): a :func:`step` with a required end.

    Examples
    --------
    >>> from brian2 import uA, cm, ms
    >>> pulse(3*uA/cm**2, start=1*ms, stop=3*ms).samples(4, 1*ms) / (uA/cm**2)
    array([0., 3., 3., 0.])
    """
    if stop is None:
        raise ValueError("stop: a pulse needs an end time")
    return step(amplitude, start, stop)


def protocol(amplitude) -> Stimulus:
    """The source documents' protocol: +A during [T/5, 2T/5), −A during [3T/5, 4T/5).

    T is the run's duration; the boundaries are the step indices n//5, 2n//5, … of the n
    steps, as the source computes them. The source uses A = 30 µA/cm² for its models 1–6
    and 5 µA/cm² for Hodgkin–Huxley.

    Examples
    --------
    >>> from brian2 import uA, cm, ms
    >>> protocol(1*uA/cm**2).samples(10, 1*ms) / (uA/cm**2)
    array([ 0.,  0.,  1.,  1.,  0.,  0., -1., -1.,  0.,  0.])
    """
    return Protocol(_amplitude(amplitude, "amplitude"))


def smoothed_noise(amplitude, sigma=6 * ms, seed: int = 1) -> Stimulus:
    """Reproducible smoothed noise: white noise averaged by a Gaussian window.

    The dV/dt notebook's input is ``smoothed_noise(1400*nA/mm**2, sigma=6*ms, seed=1)`` over
    2 s at dt = 0.01 ms: seeded white noise times ``amplitude``, convolved (``"same"``) with
    a Gaussian window of standard deviation ``sigma`` and ``M = round(8*sigma/dt)`` samples,
    divided by M. The realisation depends on the seed and on the number of steps.

    Parameters
    ----------
    amplitude : Quantity (current density)
        Scale of the white noise before smoothing (one value, or one per neuron).
    sigma : Quantity (time)
        Standard deviation of the Gaussian window.
    seed : int
        Seed of numpy's legacy random generator.

    Examples
    --------
    >>> from brian2 import nA, mm, ms
    >>> noise = smoothed_noise(1400*nA/mm**2, sigma=6*ms, seed=1)
    >>> I = noise.samples(200000, 0.01*ms) / (nA/mm**2)
    >>> I.shape, round(float(I.std()), 2)  # smoothing shrinks the spread ~140-fold
    ((200000,), 9.92)
    """
    sigma = _time(sigma, "sigma")
    if not float(sigma / ms) > 0:
        raise ValueError(f"sigma: expected a positive time, got {sigma}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed: expected a non-negative integer, got {seed!r}")
    return SmoothedNoise(_amplitude(amplitude, "amplitude"), sigma, int(seed))


def ramp(amplitude_start, amplitude_stop, start, stop) -> Stimulus:
    """A current rising (or falling) linearly over [start, stop), zero outside.

    Examples
    --------
    >>> from brian2 import uA, cm, ms
    >>> ramp(0*uA/cm**2, 4*uA/cm**2, start=1*ms, stop=5*ms).samples(6, 1*ms) / (uA/cm**2)
    array([0., 0., 1., 2., 3., 0.])
    """
    start, stop = _time(start, "start"), _time(stop, "stop")
    if not stop > start:
        raise ValueError(f"stop: must be after start ({start}), got {stop}")
    return Ramp(_amplitude(amplitude_start, "amplitude_start"),
                _amplitude(amplitude_stop, "amplitude_stop"), start, stop)


def sine(amplitude, frequency, *, offset=None, phase=0.0, start=0 * ms, stop=None) -> Stimulus:
    """A sinusoidal current ``offset + amplitude·sin(2π·frequency·(t − start) + phase)``.

    It is zero outside [start, stop). ``phase`` is in radians.

    Examples
    --------
    >>> from brian2 import uA, cm, ms, Hz
    >>> (sine(1*uA/cm**2, 250*Hz).samples(4, 1*ms) / (uA/cm**2)).round(12)
    array([ 0.,  1.,  0., -1.])
    """
    from brian2 import Hz

    frequency = check_dimension(frequency, Hz, "frequency")
    if np.ndim(frequency) != 0 or not float(frequency / Hz) > 0:
        raise ValueError(f"frequency: expected one positive frequency, got {frequency}")
    offset = 0 * CURRENT_DENSITY if offset is None else offset
    start, stop = _time(start, "start"), _time(stop, "stop", allow_none=True)
    return Sine(_amplitude(amplitude, "amplitude"), frequency,
                _amplitude(offset, "offset"), float(phase), start, stop)


def sampled(values, dt=None) -> Stimulus:
    """A current given sample by sample.

    Parameters
    ----------
    values : Quantity (current density)
        Shape ``(n,)`` for one shared current, or ``(N, n)`` for one current per neuron.
    dt : Quantity, optional
        Spacing of the samples. Without it there must be exactly one sample per simulation
        step: sample k acts during step k. With it, each sample is held for ``dt``.

    Examples
    --------
    >>> from brian2 import uA, cm, ms
    >>> sampled([1, 2]*uA/cm**2, dt=0.02*ms).samples(4, 0.01*ms) / (uA/cm**2)
    array([1., 1., 2., 2.])
    """
    values = check_dimension(values, CURRENT_DENSITY, "current")
    if np.ndim(values) not in (1, 2) or np.shape(values)[-1] == 0:
        raise ValueError(f"current: sampled values must have shape (n_steps,) or "
                         f"(n_neurons, n_steps), got {np.shape(values)}")
    if not np.all(np.isfinite(np.asarray(values))):
        raise ValueError("current: sampled values contain NaN or infinity")
    if dt is not None:
        dt = _time(dt, "dt")
        if not float(dt / ms) > 0:
            raise ValueError(f"dt: expected a positive sample spacing, got {dt}")
    return Sampled(values, dt)


def as_stimulus(current, default: Stimulus | None = None, argument: str = "current") -> Stimulus:
    """Turn what a user passes as ``current`` into a :class:`Stimulus`.

    None gives ``default``; a scalar current density is a :func:`constant`; an array of
    current densities is :func:`sampled` (one sample per step, or ``(N, n_steps)``).

    Raises
    ------
    DimensionMismatchError
        If ``current`` is not a current density.
    TypeError
        If it is neither a stimulus nor a quantity.

    Examples
    --------
    >>> from brian2 import uA, cm, ms
    >>> type(as_stimulus(5*uA/cm**2)).__name__, type(as_stimulus([1, 2]*uA/cm**2)).__name__
    ('Constant', 'Sampled')
    """
    if current is None:
        if default is None:
            raise ValueError(f"{argument}: no current given and no default")
        return default
    if isinstance(current, Stimulus):
        return current
    if isinstance(current, (Quantity, int, float, np.ndarray, list, tuple)):
        if not have_same_dimensions(current, CURRENT_DENSITY):
            check_dimension(current, CURRENT_DENSITY, argument)
        if np.ndim(current) == 0:
            return constant(current)
        return sampled(current)
    raise TypeError(f"{argument}: expected a current density (e.g. 5*uA/cm**2), an array of "
                    f"them, or a stimulus from hh_brian.stimuli; got {type(current).__name__}")
