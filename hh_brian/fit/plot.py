"""Figures of a fit: data and fit, residuals, and each estimate with its interval."""

from __future__ import annotations

import numpy as np
from brian2 import mV, ms

__all__ = ["plot_fit"]


def plot_fit(result, fig=None):
    """Each sweep's recording with the fitted model's v and the residuals beneath, and a
    panel of every estimate with its confidence interval, relative to the estimate.

    Parameters
    ----------
    result : FitResult
    fig : matplotlib Figure, optional
        Drawn into (cleared first); a new one by default.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from brian2 import ms, mS, uA, cm
    >>> import hh_brian
    >>> from hh_brian import fit, stimuli
    >>> step = stimuli.step(5*uA/cm**2, start=2*ms)
    >>> truth = hh_brian.simulate("passive_membrane", 10*ms, step, target="numpy", dt=0.1*ms)
    >>> result = fit.fit_trace("passive_membrane", truth.v, step, dt=0.1*ms, target="numpy",
    ...                        free={"g_L": (0.1, 2)*mS/cm**2}, popsize=5)
    >>> len(plot_fit(result).axes)  # data and fit, residuals, intervals
    3
    """
    import matplotlib.pyplot as plt

    n = len(result.sweeps)
    if fig is None:
        fig = plt.figure(figsize=(10, 2.6 + 2.4 * n))
    else:
        fig.clear()
    grid = fig.add_gridspec(2 * n + 1, 1, height_ratios=[3, 1.2] * n + [2.2], hspace=0.6)
    noise = float(result.noise / mV)
    for k, (recorded, fitted) in enumerate(zip(result.sweeps, result.fitted)):
        t = np.asarray(recorded.t / ms)
        data, model = np.asarray(recorded.v / mV), np.asarray(fitted / mV)
        ax = fig.add_subplot(grid[2 * k])
        ax.plot(t, data, color="0.6", lw=0.6, label="recording")
        ax.plot(t, model, color="C3", lw=1.0, label="fitted model")
        ax.set_ylabel("v (mV)")
        ax.set_title(recorded.name or f"sweep {k}", fontsize=9, loc="left")
        if k == 0:
            ax.legend(loc="upper right", fontsize=8, frameon=False)
        res = fig.add_subplot(grid[2 * k + 1], sharex=ax)
        res.plot(t, data - model, color="0.3", lw=0.4)
        res.axhspan(-2 * noise, 2 * noise, color="C0", alpha=0.15, lw=0)
        res.set_ylabel("residual\n(mV)")
        res.set_title(f"recording − model; band: ±2σ̂ = ±{2 * noise:.2g} mV", fontsize=8,
                      loc="left")
        if k == n - 1:
            res.set_xlabel("t (ms)")
    ax = fig.add_subplot(grid[-1])
    rows = result.table()
    for y, row in enumerate(rows):
        low = 100 * (row["low"] / row["estimate"] - 1) if row["estimate"] else np.nan
        high = 100 * (row["high"] / row["estimate"] - 1) if row["estimate"] else np.nan
        ax.plot([low, high], [y, y], color="C0", lw=3, solid_capstyle="butt")
        ax.plot([0], [y], "o", color="C3", ms=5)
        ax.annotate(f"{row['estimate']:.5g} {row['unit']}", (high, y), xytext=(6, 0),
                    textcoords="offset points", va="center", fontsize=8)
    ax.set_yticks(range(len(rows)), [r["name"] for r in rows])
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.axvline(0, color="0.7", lw=0.8)
    ax.set_xlabel(f"{result.level:.0%} confidence interval, % of the estimate")
    ax.margins(x=0.35)
    return fig
