"""Does a fitted model hold outside the protocol that measured it?

:func:`cross_validate` runs the fitted model under the currents of recordings it was not
fitted on and compares: the voltage error (root mean square, beside the noise the fit
estimated) and the spike times (matched pairs within a window, and the coincidence factor
Γ, :mod:`hh_brian.fit.agreement`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from brian2 import Quantity, ms, mV

from ..core.traces import spike_onsets
from ..core.units import check_dimension, positive_time
from .agreement import SpikeAgreement, match_spikes, merge_split_spikes
from .data import Sweep, as_sweeps
from .result import FitResult

__all__ = ["CrossValidation", "SweepAgreement", "cross_validate"]

#: The default coincidence window Δ: ±2 ms, as in Kistler et al. (1997).
DEFAULT_WINDOW = 2 * ms
#: Recorded spikes closer than this to the one before are one spike split by noise
#: (:func:`~hh_brian.fit.agreement.merge_split_spikes`); HH's absolute refractory period is
#: about 2 ms.
MIN_INTERVAL = 2 * ms


@dataclass(frozen=True)
class SweepAgreement:
    """The fitted model against one recording.

    Attributes
    ----------
    sweep : Sweep
    predicted : Quantity
        The model's v at the sweep's samples.
    rmse : Quantity
        Root mean square of predicted − recorded v.
    spikes : SpikeAgreement
        Recorded and predicted spikes, matched within the window.

    Examples
    --------
    See :func:`cross_validate`, which makes one per recording: ``check.sweeps[0].rmse``.

    >>> from dataclasses import fields
    >>> [f.name for f in fields(SweepAgreement)]
    ['sweep', 'predicted', 'rmse', 'spikes']
    """

    sweep: Sweep
    predicted: Quantity
    rmse: Quantity
    spikes: SpikeAgreement

    @property
    def gamma(self) -> float:
        return self.spikes.gamma


@dataclass(frozen=True)
class CrossValidation:
    """The fitted model against recordings of other protocols, one row per sweep.

    Attributes
    ----------
    result : FitResult
    sweeps : tuple of SweepAgreement
    window : Quantity
        The coincidence window Δ.

    Examples
    --------
    ``str()`` gives one row per held-out recording (see :func:`cross_validate`):

    >>> from dataclasses import fields
    >>> [f.name for f in fields(CrossValidation)]
    ['result', 'sweeps', 'window']
    """

    result: FitResult
    sweeps: tuple
    window: Quantity

    def plot(self, fig=None):
        """Each recording with the prediction and both spike trains; returns the Figure."""
        from .plot import plot_cross_validation

        return plot_cross_validation(self, fig=fig)

    def __str__(self) -> str:
        noise = float(self.result.noise / mV)
        lines = [(f"{self.result.model.name} fitted on {len(self.result.sweeps)} sweep(s) "
                  f"(noise {noise:.3g} mV), tested on {len(self.sweeps)}; "
                  f"window ±{float(self.window / ms):g} ms"),
                 (f"{'sweep':16}{'rmse (mV)':>10}{'spikes':>9}{'model':>7}{'missed':>8}"
                  f"{'extra':>7}{'max shift (ms)':>16}{'Gamma':>8}")]
        for row in self.sweeps:
            s = row.spikes
            lines.append(f"{row.sweep.name[:15]:16}{float(row.rmse / mV):10.3f}"
                         f"{len(s.data):9d}{len(s.model):7d}{s.missed:8d}{s.extra:7d}"
                         f"{s.max_shift:16.3f}{s.gamma:8.3f}")
        return "\n".join(lines)


def cross_validate(result: FitResult, recordings, currents=None, *, recording_dt=None,
                   window=DEFAULT_WINDOW, threshold=0 * mV,
                   min_interval=MIN_INTERVAL) -> CrossValidation:
    """Compare a fitted model's predictions with recordings it was not fitted on.

    Parameters
    ----------
    result : FitResult
    recordings : Quantity, Sweep, or a list of either
        As for :func:`hh_brian.fit.fit_trace`.
    currents : Stimulus or Quantity, or a list of them
        The current of each recording (not with Sweeps).
    recording_dt : Quantity, optional
        Sampling interval of plain traces (default: that of the fitted sweeps, when they
        share one; otherwise it must be given).
    window : Quantity, default 2 ms
        The coincidence window Δ: a predicted spike within ±Δ of a recorded one matches it.
    threshold : Quantity, default 0 mV
        The spike threshold (:mod:`hh_brian.core.traces` defines a spike). In the recordings, a
        spike less than ``min_interval`` after another is taken as the same spike, split in
        two by the noise.
    min_interval : Quantity, default 2 ms

    Returns
    -------
    CrossValidation

    Examples
    --------
    >>> import numpy as np  # doctest: +SLOW
    >>> from brian2 import ms, mV, mS, uA, cm
    >>> import hh_brian
    >>> from hh_brian import fit, stimuli
    >>> step = stimuli.step(5*uA/cm**2, start=2*ms)
    >>> truth = hh_brian.simulate("passive_membrane", 20*ms, step, target="numpy",
    ...                           params={"g_L": 0.5*mS/cm**2}, dt=0.05*ms)
    >>> result = fit.fit_trace("passive_membrane", truth.v, step, dt=0.05*ms,
    ...                        free={"g_L": (0.1, 2)*mS/cm**2}, target="numpy")
    >>> ramp = stimuli.ramp(0*uA/cm**2, 10*uA/cm**2, 0*ms, 20*ms)
    >>> other = hh_brian.simulate("passive_membrane", 20*ms, ramp, target="numpy",
    ...                           params={"g_L": 0.5*mS/cm**2}, dt=0.05*ms)
    >>> check = fit.cross_validate(result, other.v, ramp)
    >>> float(check.sweeps[0].rmse / mV) < 1e-6
    True
    """
    if not isinstance(result, FitResult):
        raise TypeError(f"result: expected a FitResult from fit_trace, got "
                        f"{type(result).__name__}")
    if recording_dt is None:
        intervals = {float(s.dt / ms) for s in result.sweeps}
        recording_dt = result.sweeps[0].dt if len(intervals) == 1 else None
    else:
        recording_dt = positive_time(recording_dt, "recording_dt")
    window = positive_time(window, "window")
    threshold = check_dimension(threshold, mV, "threshold")
    min_interval = positive_time(min_interval, "min_interval")
    sweeps = as_sweeps(recordings, currents, recording_dt)
    for recorded in sweeps:
        recorded.steps_per_sample(result.dt)
    rows = []
    for recorded in sweeps:
        steps = recorded.steps_per_sample(result.dt)
        predicted = result.predict(recorded.current, recorded.n_samples * steps * result.dt,
                                   record=["v"],
                                   record_dt=None if steps == 1 else recorded.dt).v
        rows.append(_agreement(recorded, predicted, window, threshold, min_interval))
    return CrossValidation(result=result, sweeps=tuple(rows), window=window)


def _agreement(recorded: Sweep, predicted, window, threshold, min_interval) -> SweepAgreement:
    t = np.asarray(recorded.t / ms)
    data_v, model_v = np.asarray(recorded.v / mV), np.asarray(predicted / mV)
    level = float(threshold / mV)
    recorded_spikes = merge_split_spikes(spike_onsets(data_v, t, level),
                                         float(min_interval / ms))
    spikes = match_spikes(recorded_spikes, spike_onsets(model_v, t, level),
                          window=float(window / ms), duration=float(recorded.duration / ms))
    rmse = np.sqrt(np.mean((model_v - data_v) ** 2)) * mV
    return SweepAgreement(sweep=recorded, predicted=predicted, rmse=rmse, spikes=spikes)
