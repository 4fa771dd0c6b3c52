"""The documentation's worked example: three conductances of HH from a noisy recording.

A recording of full HH made with g_Na, g_K and g_L well away from their defaults (160, 28
and 0.5 mS/cm² instead of 120, 36 and 0.3), under a protocol of two steps over 300 ms
(3 µA/cm² for [20, 140) ms, 10 µA/cm² for [170, 280) ms), with Gaussian noise of σ = 2 mV;
and a recording of the same cell under a ramp (0 to 15 µA/cm² over 300 ms) that the fit does
not see. The example script, the figure gallery, the benchmark and the acceptance test all
use these, so that every number the documentation quotes comes from the same recordings;
``hh-brian demo-recording cell.csv --ramp ramp.csv`` writes them as CSV files for
``hh-brian fit``.
"""

from __future__ import annotations

import numpy as np
from brian2 import cm, mS, ms, mV, uA

from .. import stimuli
from ..fit.data import Sweep, recorded_sweep
from ..simulation.run import simulate

__all__ = ["DEMO_FREE", "DEMO_NOISE", "DEMO_TRUTH", "demo_recordings", "noisy_sweep"]

_G = mS / cm**2
_DENSITY = uA / cm**2

#: The conductances of the recorded cell.
DEMO_TRUTH = {"g_Na": 160 * _G, "g_K": 28 * _G, "g_L": 0.5 * _G}
#: The search bounds of the fit.
DEMO_FREE = {"g_Na": (50, 200) * _G, "g_K": (10, 80) * _G, "g_L": (0.05, 1) * _G}
#: The recording noise.
DEMO_NOISE = 2 * mV
_DURATION = 300 * ms


def demo_recordings(seed: int = 7, target="cpp_standalone",
                    dt=0.01 * ms) -> tuple[Sweep, Sweep]:
    """The fitted two-step recording and the held-out ramp recording, each with its noise.

    Parameters
    ----------
    seed : int
        Seed of the noise (the ramp's noise is drawn after the steps').
    target : str
        Where the recordings are simulated.
    dt : Quantity
        The integration step and sampling interval.

    Examples
    --------
    >>> steps, ramp = demo_recordings(target="numpy")  # doctest: +SLOW
    >>> steps.name, steps.n_samples, ramp.name
    ('two steps', 30000, 'ramp')
    """
    protocols = (("two steps", stimuli.step(3 * _DENSITY, 20 * ms, 140 * ms)
                  + stimuli.step(10 * _DENSITY, 170 * ms, 280 * ms)),
                 ("ramp", stimuli.ramp(0 * _DENSITY, 15 * _DENSITY, 0 * ms, _DURATION)))
    rng = np.random.default_rng(seed)
    first, second = (noisy_sweep("hodgkin_huxley", _DURATION, current, DEMO_NOISE, rng,
                                 params=DEMO_TRUTH, target=target, dt=dt, name=name)
                     for name, current in protocols)
    return first, second


def noisy_sweep(model, duration, current, noise, rng, *, params=None, target="cpp_standalone",
                dt=0.01 * ms, name: str = "") -> Sweep:
    """A simulated recording: the model's v sampled every step, plus Gaussian noise.

    Parameters
    ----------
    model : Model or str
    duration : Quantity
    current : Stimulus or Quantity
    noise : Quantity
        Standard deviation of the noise.
    rng : numpy.random.Generator
    params : mapping, optional
        The recorded cell's parameters.
    target : str
    dt : Quantity
    name : str

    Examples
    --------
    >>> import numpy as np
    >>> from brian2 import ms, mV, uA, cm
    >>> s = noisy_sweep("passive_membrane", 10*ms, 0*uA/cm**2, 1*mV,
    ...                 np.random.default_rng(0), target="numpy")
    >>> s.n_samples, round(float(np.std(s.v / mV)), 1)
    (1000, 1.0)
    """
    v = simulate(model, duration, current, dt=dt, target=target, params=params,
                 record=["v"]).v
    noisy = v + rng.normal(0, float(noise / mV), v.shape) * mV
    return recorded_sweep(noisy, current, dt, name=name)
