"""Figures of a fit: data and fit, residuals, and each estimate with its interval."""

from __future__ import annotations

import numpy as np
from brian2 import mV, ms

from ..core.units import unit_text
from ..plotting import place_legend

__all__ = ["plot_cross_validation", "plot_fit", "plot_ingredients"]


def _figure(fig, size):
    """A new figure of ``size`` (inches), or ``fig`` cleared to be drawn into."""
    import matplotlib.pyplot as plt

    if fig is None:
        return plt.figure(figsize=size)
    fig.clear()
    return fig


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
    >>> from brian2 import ms, mS, uA, cm  # doctest: +SLOW
    >>> import hh_brian
    >>> from hh_brian import fit, stimuli
    >>> step = stimuli.step(5*uA/cm**2, start=2*ms)
    >>> truth = hh_brian.simulate("passive_membrane", 10*ms, step, target="numpy", dt=0.1*ms)
    >>> result = fit.fit_trace("passive_membrane", truth.v, step, dt=0.1*ms, target="numpy",
    ...                        free={"g_L": (0.1, 2)*mS/cm**2}, popsize=5)
    >>> len(plot_fit(result).axes)  # data and fit, residuals, intervals
    3
    """
    n = len(result.sweeps)
    fig = _figure(fig, (10, 2.6 + 2.4 * n))
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
            place_legend(ax, where=("above",), fontsize=8)
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
        # Relative to |estimate|, so that the bar keeps its orientation for a negative one.
        size = abs(row["estimate"]) or np.nan
        low = 100 * (row["low"] - row["estimate"]) / size
        high = 100 * (row["high"] - row["estimate"]) / size
        ax.plot([low, high], [y, y], color="C0", lw=3, solid_capstyle="butt")
        ax.plot([0], [y], "o", color="C3", ms=5)
        ax.annotate(f"{row['estimate']:.5g} {unit_text(row['unit'])}", (high, y), xytext=(6, 0),
                    textcoords="offset points", va="center", fontsize=8)
    ax.set_yticks(range(len(rows)), [r["name"] for r in rows])
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.axvline(0, color="0.7", lw=0.8)
    ax.set_xlabel(f"{result.level:.0%} confidence interval about the estimate, % of |estimate|")
    ax.margins(x=0.35)
    return fig


def plot_cross_validation(check, fig=None):
    """Each held-out recording with the fitted model's prediction, and their spikes.

    Parameters
    ----------
    check : CrossValidation
    fig : matplotlib Figure, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    See :func:`hh_brian.fit.cross_validate`; the documentation's fitting page shows one.

    >>> import matplotlib.pyplot as plt
    >>> from hh_brian.fit.crossval import CrossValidation
    >>> fig = plot_cross_validation(CrossValidation(result=None, sweeps=(), window=2*ms))
    >>> len(fig.axes)
    0
    """
    n = len(check.sweeps)
    fig = _figure(fig, (10, 0.5 + 2.8 * max(n, 1)))
    for k, row in enumerate(check.sweeps):
        ax = fig.add_subplot(n, 1, k + 1)
        t = np.asarray(row.sweep.t / ms)
        ax.plot(t, np.asarray(row.sweep.v / mV), color="0.6", lw=0.6, label="recording")
        ax.plot(t, np.asarray(row.predicted / mV), color="C3", lw=0.9, label="prediction")
        top = ax.get_ylim()[1]
        spikes = row.spikes
        ax.plot(spikes.data, np.full(len(spikes.data), top + 8), "|", color="0.3", ms=8,
                label="recorded spikes")
        ax.plot(spikes.model, np.full(len(spikes.model), top + 16), "|", color="C3", ms=8,
                label="predicted spikes")
        shift = "" if not len(spikes.pairs) else f", largest shift {spikes.max_shift:.3f} ms"
        ax.set_title(f"{row.sweep.name}: rms error {float(row.rmse / mV):.2f} mV, "
                     f"Γ = {spikes.gamma:.2f} (±{spikes.window:g} ms){shift}", fontsize=9,
                     loc="left")
        ax.set_ylabel("v (mV)")
        if k == 0:
            place_legend(ax, where=("above",), fontsize=7)
    if n:
        fig.axes[-1].set_xlabel("t (ms)")
    fig.tight_layout()
    return fig


def plot_ingredients(table, fig=None):
    """Each step of the chapter fitted to the same HH recording, one panel per step.

    Parameters
    ----------
    table : IngredientTable
    fig : matplotlib Figure, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    See :func:`hh_brian.course.teaching.ingredient_table`; the documentation's fitting page
    shows the figure.

    >>> from hh_brian.course.teaching import IngredientTable
    >>> len(plot_ingredients(IngredientTable(rows=())).axes)
    0
    """
    n = len(table.rows)
    fig = _figure(fig, (10, 0.6 + 1.9 * max(n, 1)))
    first = None
    for k, row in enumerate(table.rows):
        ax = fig.add_subplot(n, 1, k + 1, sharex=first, sharey=first)
        first = first or ax
        recorded, fitted = row.fit.sweeps[0], row.fit.fitted[0]
        t = np.asarray(recorded.t / ms)
        ax.plot(t, np.asarray(recorded.v / mV), color="0.65", lw=0.6, label="recording")
        ax.plot(t, np.asarray(fitted / mV), color="C3", lw=1.0, label="fitted step")
        on_fitted = row.check.sweeps[0]  # the check on the recording drawn (then the held-out)
        ax.set_title(f"step {row.step}, {row.model}: rms error "
                     f"{float(on_fitted.rmse / mV):.1f} mV", fontsize=9, loc="left")
        ax.set_ylabel("v (mV)")
        if k == 0:
            place_legend(ax, where=("above",), fontsize=8)
    if n:
        fig.axes[-1].set_xlabel("t (ms)")
    fig.tight_layout()
    return fig
