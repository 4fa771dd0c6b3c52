"""The dV/dt notebook's own figures, reproduced: families of dV/dt curves, Izhikevich's
parabola beside the reduction, dV/dt at 0 mV against n, and the noise-driven run.

Course content: these figures retell one notebook, so they live apart from the library's
figures (:mod:`hh_brian.plotting`), whose helpers they use.
"""

from __future__ import annotations

import numpy as np
from brian2 import mV, ms

from .. import analysis
from ..plotting import (NOTEBOOK_CURRENT, RATE_UNIT, dvdt_axes, new_axes, place_legend,
                        plot_dvdt, pyplot, tex_name)

__all__ = ["plot_dvdt_at_v_vs_gate", "plot_dvdt_family", "plot_dvdt_relative_change",
           "plot_izhikevich_comparison", "plot_noise_run"]


def plot_dvdt_family(model, *, currents=None, gate_values=None, gate="n", v=None, ax=None,
                     **held):
    """Several dV/dt curves: one per input current, or one per value of a held gate.

    Examples: ``currents=[0, -10, 10, 20]*nA/mm**2`` (with ``n=0``), or
    ``gate_values=[0, 0.1, 0.2, 0.3]`` (the notebook's two families).

    Returns
    -------
    Axes

    Examples
    --------
    >>> from brian2 import nA, mm
    >>> ax = plot_dvdt_family("hh_2d_reduction", currents=[0, 10]*nA/mm**2, n=0)
    >>> [text.get_text() for text in ax.get_legend().get_texts()]
    ['$I = 0$ nA/mm²', '$I = 10$ nA/mm²']
    """
    ax = new_axes(ax)
    if (currents is None) == (gate_values is None):
        raise ValueError("currents, gate_values: give exactly one of them")
    if currents is not None:
        for current in currents:
            label = f"$I = {float(current / NOTEBOOK_CURRENT):g}$ nA/mm²"
            plot_dvdt(model, v, current, ax=ax, label=label, **held)
    else:
        for value in gate_values:
            plot_dvdt(model, v, ax=ax, label=f"${gate} = {value:g}$", **{**held, gate: value})
    ax.legend(fontsize="small")
    return ax


def plot_izhikevich_comparison(model, *, k=None, v=None, ax=None, adex=True, **held):
    """The model's dV/dt beside Izhikevich's parabola (and the AdEx fit) with the same zeros.

    Returns
    -------
    Axes

    Examples
    --------
    >>> ax = plot_izhikevich_comparison("hh_2d_reduction", n=0)
    >>> [line.get_label() for line in ax.lines[1:]]
    ['Izhikevich ($C$ = 1316 pF)', 'HH 2D', 'AdEx fit']
    """
    from brian2 import nS, pF

    ax = dvdt_axes(new_axes(ax))
    if v is None:
        v = np.linspace(-100, 20, 1000) * mV
    k = 0.7 * nS / mV if k is None else k
    fit = analysis.izhikevich_fit(model, k=k, v_range=(np.min(v), np.max(v)), **held)
    ax.plot(v / mV, fit.dv_dt(v) / RATE_UNIT,
            label=f"Izhikevich ($C$ = {float(fit.C / pF):.0f} pF)")
    ax.plot(v / mV, analysis.dv_dt(model, v, **held) / RATE_UNIT, label="HH 2D")
    if adex:
        ad = analysis.adex_fit(model, **held)
        ax.plot(v / mV, ad.dv_dt(v) / RATE_UNIT, "--", label="AdEx fit")
    ax.set_xlim(float(np.min(v) / mV), float(np.max(v) / mV))
    ax.set_ylim(-1.7, 4.9)
    ax.legend(fontsize="small")
    return ax


def plot_dvdt_at_v_vs_gate(model, *, v=0 * mV, gate="n", step=0.001, ax=None):
    """dV/dt at a fixed V against the held gate's value, on a symlog axis (linthresh 1e-6).

    Returns
    -------
    Axes

    Examples
    --------
    >>> ax = plot_dvdt_at_v_vs_gate("hh_2d_reduction")
    >>> ax.get_yscale()
    'symlog'
    """
    import matplotlib.ticker

    ax = new_axes(ax)
    values = np.linspace(0, 1, round(1 / step), endpoint=False)
    rate = analysis.dv_dt(model, np.full(values.shape, float(v / mV)) * mV, **{gate: values})
    ax.plot(values, rate / RATE_UNIT)
    ax.set_yscale("symlog", linthresh=1e-6)
    ax.set_xlabel(f"${gate}$")
    ax.set_ylabel(rf"$\dot V$ at $V = {float(v / mV):g}$ mV (mV/ms)")
    ax.xaxis.set_major_formatter(matplotlib.ticker.FormatStrFormatter("%g"))
    return ax


def plot_dvdt_relative_change(model, *, v=0 * mV, gate="n", step=0.001, ax=None):
    """Relative change of dV/dt at a fixed V per step of the held gate, Δ(dV/dt)/dV/dt.

    Returns
    -------
    Axes

    Examples
    --------
    >>> ax = plot_dvdt_relative_change("hh_2d_reduction")
    >>> float(ax.get_ylim()[0])
    0.0
    """
    import matplotlib.ticker

    ax = new_axes(ax)
    values = np.linspace(0, 1, round(1 / step), endpoint=False)
    rate = np.asarray(analysis.dv_dt(model, np.full(values.shape, float(v / mV)) * mV,
                                     **{gate: values}) / RATE_UNIT)
    ax.plot(values[1:], np.diff(rate) / rate[1:])
    ax.set_xlabel(f"${gate}$")
    ax.set_ylabel(rf"$\Delta\dot V / \dot V$ at $V = {float(v / mV):g}$ mV"
                  f"\n($\\Delta {gate} = {step:g}$)")
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(xmax=1, decimals=1))
    return ax


def plot_noise_run(result, axes=None):
    """The notebook's four panels: V, n, the three membrane currents, the input (nA/mm²).

    Returns
    -------
    array of Axes

    Examples
    --------
    >>> from brian2 import ms
    >>> from hh_brian import simulate
    >>> axes = plot_noise_run(simulate("hh_2d_reduction", 20*ms, target="numpy"))
    >>> axes[3].get_ylabel()
    'input current\\n$I$ (nA/mm²)'
    """
    if axes is None:
        _, axes = pyplot().subplots(4, 1, sharex=True, figsize=(10, 8), layout="constrained")
    t = np.asarray(result.t / ms)
    gate = next(iter(result.model.gates))
    axes[0].plot(t, result.v / mV, lw=0.8)
    axes[0].set_ylabel("membrane voltage\n$V$ (mV)")
    axes[1].plot(t, getattr(result, gate), lw=0.8)
    axes[1].set_ylim(-0.01, 1)
    axes[1].set_ylabel(f"slow gating\nvariable ${gate}$")
    for name in result.model.currents:
        axes[2].plot(t, getattr(result, name) / NOTEBOOK_CURRENT, lw=0.8,
                     label=f"${tex_name(name)}$")
    sign = "outward" if result.model.current_sign > 0 else "inward"
    axes[2].set_ylabel(f"membrane currents\n(nA/mm², {sign} +)")
    place_legend(axes[2], where=("beside",))
    axes[3].plot(t, result.I_stim / NOTEBOOK_CURRENT, lw=0.8, color="k")
    axes[3].set_ylabel("input current\n$I$ (nA/mm²)")
    axes[3].set_xlabel("time (ms)")
    return np.asarray(axes)
