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
from brian2 import Hz, Quantity, mm, ms, nA
from brian2.units.fundamentalunits import have_same_dimensions

from .core.units import CURRENT_DENSITY, check_dimension

__all__ = [
    "REQUIRED",
    "STIMULUS_KINDS",
    "Stimulus",
    "StimulusKind",
    "StimulusParameter",
    "as_stimulus",
    "constant",
    "protocol",
    "pulse",
    "ramp",
    "sampled",
    "sine",
    "smoothed_noise",
    "register_stimulus_kind",
    "source_amplitude",
    "step",
    "typical_amplitude",
]

# Times within this fraction of a step of a grid point count as on it (t is floating point).
_GRID_TOLERANCE = 1e-9
#: Steps that every feature of an input must span at least (a pulse's width, a phase of the
#: protocol, a sine's period, the noise's smoothing width): each edge of a feature falls on
#: the step at or after it, so a feature of 4 steps is kept to within a quarter of its length,
#: and one shorter than a step can vanish between two steps.
MIN_FEATURE_STEPS = 4


def step_index(time, dt, argument: str = "time") -> int:
    """Index of the first step whose start k·dt is at or after ``time``.

    Times that fall on the grid up to floating-point error count as on it, so that
    ``step_index(40*ms, 0.01*ms) == 4000`` although 40/0.01 is 3999.9999999999995.
    """
    check_dimension(time, ms, argument)
    x = float(time / dt)
    return int(math.ceil(x - _GRID_TOLERANCE))


def _ms(value) -> str:
    return f"{float(value / ms):.4g} ms"


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

    def check_resolution(self, n_steps: int, dt) -> None:
        """Raise ValueError if integration steps of ``dt`` would skip or distort the input:
        if one of its :meth:`features` spans fewer than :data:`MIN_FEATURE_STEPS` steps.

        :func:`hh_brian.simulate` calls it, after :meth:`check_steps`, before anything is
        compiled or run. (A recording's samples may be coarser than its current's: there
        :meth:`check_steps` alone applies.)

        Examples
        --------
        >>> from brian2 import uA, cm, ms
        >>> from hh_brian import stimuli
        >>> stimuli.pulse(5*uA/cm**2, 10*ms, 11*ms).check_resolution(2, 100*ms)
        Traceback (most recent call last):
        ...
        ValueError: dt: 100 ms is too long for the input's pulse from 10 ms to 11 ms (1 ms), which needs at least 4 steps; give dt <= 0.25 ms
        """
        duration = n_steps * dt
        for length, what in self.features(duration):
            if length < MIN_FEATURE_STEPS * dt * (1 - _GRID_TOLERANCE):
                raise ValueError(f"dt: {_ms(dt)} is too long for the input's {what} "
                                 f"({_ms(length)}), which needs at least {MIN_FEATURE_STEPS} "
                                 f"steps; give dt <= {_ms(length / MIN_FEATURE_STEPS)}")

    def features(self, duration) -> list:
        """The time scales of the input over a run of ``duration``: ``(length, what)`` pairs,
        such as a pulse's width or a sine's period, each of which the steps must resolve."""
        return []

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

    def features(self, duration):
        if self.stop is None:
            return []
        return [(self.stop - self.start, f"pulse from {_ms(self.start)} to {_ms(self.stop)}")]

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

    def features(self, duration):
        return [(duration / 5, "protocol, whose steps last a fifth of the run each")]

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

    def features(self, duration):
        return [(self.sigma, "noise, smoothed over sigma")]

    def window(self, dt) -> np.ndarray:
        """The smoothing window at steps of ``dt``: ``gaussian(M, sigma/dt) / M``."""
        from scipy.signal.windows import gaussian

        width = float(self.sigma / dt)
        window_length = round(2 * 4 * width)
        return gaussian(window_length, std=width) / window_length

    def standard_deviation(self, dt) -> Quantity:
        """The standard deviation of the input at steps of ``dt``, away from the run's ends
        (where the window reaches past them): ``|amplitude| · ‖window‖₂``. The notebook's
        white noise has unit variance per step, so it depends on ``dt``.

        Examples
        --------
        >>> from brian2 import uA, cm, ms
        >>> noise = smoothed_noise(140*uA/cm**2, sigma=6*ms)  # the notebook's input
        >>> round(float(noise.standard_deviation(0.01*ms) / (uA/cm**2)), 4)
        0.9512
        """
        return abs(self.amplitude) * float(np.sqrt(np.sum(self.window(dt) ** 2)))

    def waveform(self, n_steps, dt):
        white = np.random.RandomState(self.seed).randn(n_steps)
        window = self.window(dt)
        window_length = len(window)
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

    def features(self, duration):
        return [(self.stop - self.start, f"ramp from {_ms(self.start)} to {_ms(self.stop)}")]

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

    def features(self, duration):
        found = [(1 / self.frequency, f"sine of {float(self.frequency / Hz):g} Hz, over a period")]
        if self.stop is not None:
            found.append((self.stop - self.start,
                          f"sine from {_ms(self.start)} to {_ms(self.stop)}"))
        return found

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

    def check_resolution(self, n_steps, dt):
        if self.dt is not None and self.dt < dt * (1 - _GRID_TOLERANCE):
            raise ValueError(f"dt: {_ms(dt)} is longer than the sampled current's spacing "
                             f"({_ms(self.dt)}): steps would skip samples; give dt <= "
                             f"{_ms(self.dt)}")

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

    def check_resolution(self, n_steps, dt):
        for term in self.terms:
            term.check_resolution(n_steps, dt)

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
    frequency = check_dimension(frequency, Hz, "frequency")
    if np.ndim(frequency) != 0 or not float(frequency / Hz) > 0:
        raise ValueError(f"frequency: expected a positive frequency (one value), got "
                         f"{frequency}")
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


# --------------------------------------------------------------------------------------------
# The registry of stimulus kinds: what the command line (``--protocol KIND``) and the
# explorer (its stimulus selector) offer, each kind with its parameters. A new kind is one
# entry here; both front ends read it.

class _Required:
    def __repr__(self):
        return "REQUIRED"


#: The default of a parameter that has none: the command line refuses a kind without it.
REQUIRED = _Required()


@dataclass(frozen=True)
class StimulusParameter:
    """One parameter of a :class:`StimulusKind`.

    Attributes
    ----------
    name : str
        Its name in the front ends: ``--NAME`` on the command line (underscores as
        hyphens), the slider's label in the explorer.
    unit : Unit or None
        The dimension of its values (``ms``, ``Hz``, a current density); None for a whole
        number (a seed).
    role : str
        What the value is, which sets the span a control offers: ``"current"`` (within a
        few times the model's source amplitude, either sign), ``"time"`` (within the run),
        ``"frequency"``, ``"width"`` (a smoothing width) or ``"seed"``.
    what : str
        The value in words, for messages ("an amplitude").
    example : str
        A value as one writes it on the command line (``"10uA/cm2"``).
    default : Quantity, int, None, callable or REQUIRED
        The value used when none is given: a value (None included: a step without a stop
        lasts to the end), a function of ``(model, duration)`` that returns one (or None
        when there is none), or :data:`REQUIRED`.
    suggest : callable
        ``(model, duration) -> value``: where a control starts (the explorer's sliders),
        also for a parameter without a default.
    keyword : str, optional
        The factory's keyword when it differs from ``name``.

    Examples
    --------
    >>> start = {p.name: p for p in STIMULUS_KINDS["step"].parameters}["start"]
    >>> start.keyword, start.example, start.default
    ('start', '10ms', 0. * second)
    """

    name: str
    unit: object
    role: str
    what: str
    example: str
    default: object
    suggest: object
    keyword: str = ""

    def __post_init__(self):
        if not self.keyword:
            object.__setattr__(self, "keyword", self.name)

    def default_for(self, model, duration):
        """The value used when none is given, or :data:`REQUIRED` when there is none."""
        if callable(self.default):
            value = self.default(model, duration)
            return REQUIRED if value is None else value
        return self.default


@dataclass(frozen=True)
class StimulusKind:
    """A kind of stimulus the front ends offer: its name, its factory and its parameters.

    Attributes
    ----------
    name : str
        The kind's name, the same on the command line and in the explorer.
    factory : callable
        The function of this module that makes it (:func:`step`, :func:`ramp`, …).
    parameters : tuple of StimulusParameter
    description : str
        One line, for help texts and the explorer's selector.

    Examples
    --------
    >>> from brian2 import uA, cm, ms
    >>> kind = STIMULUS_KINDS["ramp"]
    >>> [p.name for p in kind.parameters]
    ['amplitude', 'amplitude_end', 'start', 'stop']
    >>> ramp = kind.make({"amplitude_end": 4*uA/cm**2, "start": 1*ms, "stop": 5*ms})
    >>> ramp.samples(6, 1*ms) / (uA/cm**2)
    array([0., 0., 1., 2., 3., 0.])
    """

    name: str
    factory: object
    parameters: tuple
    description: str

    def missing(self, given, model=None, duration=None) -> list:
        """The parameters that are neither in ``given`` nor have a default."""
        return [p for p in self.parameters
                if p.name not in given and p.default_for(model, duration) is REQUIRED]

    def make(self, values, model=None, duration=None) -> Stimulus:
        """The stimulus with ``values`` (by parameter name), defaults filling the rest.

        Raises
        ------
        ValueError
            For an unknown parameter, or a parameter without value or default; the
            factory's own checks follow.
        """
        unknown = sorted(set(values) - {p.name for p in self.parameters})
        if unknown:
            raise ValueError(f"{unknown[0]}: the {self.name!r} stimulus does not use it; it "
                             f"uses {', '.join(p.name for p in self.parameters)}")
        missing = self.missing(values, model, duration)
        if missing:
            raise ValueError(f"{missing[0].name}: the {self.name!r} stimulus needs "
                             f"{missing[0].what}, such as {missing[0].example}")
        return self.factory(**{p.keyword: values[p.name] if p.name in values
                                  else p.default_for(model, duration) for p in self.parameters})


def source_amplitude(model):
    """The amplitude of ``model``'s own input, if it is the source protocol, else None.

    Examples
    --------
    >>> from hh_brian import get_model
    >>> print(source_amplitude(get_model("hodgkin_huxley")))
    5. uA/(cm^2)
    >>> print(source_amplitude(get_model("hh_2d_reduction")))
    None
    """
    current = getattr(model, "default_current", None)
    return current.amplitude if isinstance(current, Protocol) else None


def typical_amplitude(model) -> Quantity:
    """The largest amplitude of ``model``'s own input (10 µA/cm² without a model): a scale
    for the currents a control offers.

    Examples
    --------
    >>> from hh_brian import get_model
    >>> print(typical_amplitude(get_model("passive_membrane")))
    30. uA/(cm^2)
    """
    amplitude = getattr(getattr(model, "default_current", None), "amplitude", None)
    if amplitude is None:
        return 10 * CURRENT_DENSITY
    return float(np.max(np.abs(np.asarray(amplitude / CURRENT_DENSITY)))) * CURRENT_DENSITY


def _noise_setting(name: str, fallback):
    def suggest(model, duration):
        current = getattr(model, "default_current", None)
        return getattr(current, name) if isinstance(current, SmoothedNoise) else fallback
    return suggest


def _scaled(factor: float):
    return lambda model, duration: factor * typical_amplitude(model)


def _at(fraction: float):
    return lambda model, duration: fraction * duration


_CURRENT_EXAMPLE = "10uA/cm2"


def _amplitude_parameter(default=REQUIRED, *, name="amplitude", keyword="", what="an amplitude",
                         suggest=_scaled(1.0)):
    return StimulusParameter(name, CURRENT_DENSITY, "current", what, _CURRENT_EXAMPLE, default,
                             suggest, keyword)


def _time_parameter(name, what, default, suggest):
    return StimulusParameter(name, ms, "time", what, "10ms", default, suggest)


#: The stimulus kinds by name, in the order the front ends list them.
STIMULUS_KINDS: dict[str, StimulusKind] = {}


def register_stimulus_kind(kind: StimulusKind) -> StimulusKind:
    """Add a kind to :data:`STIMULUS_KINDS` (its name must be new): the command line's
    ``--protocol`` and the explorer's selector then offer it.

    Examples
    --------
    >>> register_stimulus_kind(STIMULUS_KINDS["step"])
    Traceback (most recent call last):
    ...
    ValueError: stimulus kind 'step' is already registered
    """
    if not isinstance(kind, StimulusKind):
        raise TypeError(f"kind: expected a StimulusKind, got {kind!r}")
    if kind.name in STIMULUS_KINDS:
        raise ValueError(f"stimulus kind {kind.name!r} is already registered")
    STIMULUS_KINDS[kind.name] = kind
    return kind


def _seed_parameter():
    return StimulusParameter("seed", None, "seed", "a seed", "1", 1, _noise_setting("seed", 1))


for _kind in (
    StimulusKind("source", protocol, (
        _amplitude_parameter(lambda model, duration: source_amplitude(model)),),
        "the source protocol: +A during [T/5, 2T/5), -A during [3T/5, 4T/5)"),
    StimulusKind("constant", constant, (_amplitude_parameter(),),
                 "a constant current for the whole run"),
    StimulusKind("step", step, (
        _amplitude_parameter(),
        _time_parameter("start", "a start time", 0 * ms, _at(0.2)),
        _time_parameter("stop", "a stop time", None, _at(0.8))),
        "a current switched on at start and, if a stop is given, off at stop"),
    StimulusKind("pulse", pulse, (
        _amplitude_parameter(),
        _time_parameter("start", "a start time", REQUIRED, _at(0.2)),
        _time_parameter("stop", "a stop time", REQUIRED, _at(0.8))),
        "a current on from start to stop"),
    StimulusKind("ramp", ramp, (
        _amplitude_parameter(0 * CURRENT_DENSITY, keyword="amplitude_start",
                             what="the first amplitude", suggest=_scaled(0.0)),
        _amplitude_parameter(name="amplitude_end", keyword="amplitude_stop",
                             what="the final amplitude", suggest=_scaled(2.0)),
        _time_parameter("start", "a start time", REQUIRED, _at(0.2)),
        _time_parameter("stop", "a stop time", REQUIRED, _at(0.8))),
        "a current rising (or falling) linearly from start to stop"),
    StimulusKind("sine", sine, (
        _amplitude_parameter(),
        StimulusParameter("frequency", Hz, "frequency", "a frequency", "10Hz", REQUIRED,
                          lambda model, duration: 10 * Hz),
        _amplitude_parameter(0 * CURRENT_DENSITY, name="offset", what="an offset",
                             suggest=_scaled(0.0)),
        _time_parameter("start", "a start time", 0 * ms, _at(0.0)),
        _time_parameter("stop", "a stop time", None, _at(1.0))),
        "a sinusoidal current about an offset, from start to stop"),
    StimulusKind("noise", smoothed_noise, (
        _amplitude_parameter(1400 * nA / mm**2),
        StimulusParameter("sigma", ms, "width", "a smoothing width", "6ms", 6 * ms,
                          _noise_setting("sigma", 6 * ms)),
        _seed_parameter()),
        "white noise smoothed by a Gaussian window (the dV/dt notebook's input)"),
):
    register_stimulus_kind(_kind)
