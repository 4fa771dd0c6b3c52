"""Figures. Functions take ``axes``/``fig`` (created when None), return what they drew,
label every axis with its unit and never call ``show()``.
"""

from __future__ import annotations

import numpy as np
from brian2 import mV, ms

from .analysis import gate_curves
from .units import CURRENT_DENSITY

__all__ = ["plot_gate_curves", "plot_model_figure", "plot_result"]

_CURRENT_LABEL = "µA/cm²"


def _pyplot():
    import matplotlib.pyplot as plt

    return plt


def _neurons(values):
    """Rows to draw: a single trace, or every neuron of a batch."""
    arr = np.asarray(values)
    return arr if arr.ndim == 2 else arr[None, :]


def plot_result(result, axes=None):
    """Injected current, membrane currents and v against time, in three stacked axes.

    Parameters
    ----------
    result : SimulationResult
    axes : sequence of 3 Axes, optional
        Created in a new figure when omitted.

    Returns
    -------
    array of Axes
    """
    if axes is None:
        _, axes = _pyplot().subplots(3, 1, sharex=True, figsize=(8, 6))
    t = np.asarray(result.t / ms)
    ax_input, ax_currents, ax_v = axes
    batch_label = result.batch
    for row in _neurons(result.I_stim / CURRENT_DENSITY):
        ax_input.plot(t, row, color="k" if not batch_label else None, lw=1)
    ax_input.set_ylabel(f"$I_{{stim}}$ ({_CURRENT_LABEL})")
    for name in result.model.currents:
        rows = _neurons(getattr(result, name) / CURRENT_DENSITY)
        for j, row in enumerate(rows):
            ax_currents.plot(t, row, lw=1, label=f"${_tex(name)}$" if j == 0 else None)
    ax_currents.set_ylabel(f"membrane currents\n({_CURRENT_LABEL})")
    ax_currents.legend(loc="upper right", fontsize="small")
    for row in _neurons(result.v / mV):
        ax_v.plot(t, row, lw=1)
    ax_v.set_ylabel("$v$ (mV)")
    ax_v.set_xlabel("time (ms)")
    return np.asarray(axes)


def plot_gate_curves(model, v=None, axes=None):
    """Steady state and time constant of every gate over a range of membrane potentials.

    Parameters
    ----------
    model : Model or str
    v : Quantity (voltage), optional
        Potentials to evaluate; default -90 mV to 90 mV, as in the source figures.
    axes : sequence of 2 Axes, optional

    Returns
    -------
    array of Axes
    """
    if v is None:
        v = np.arange(-90, 90, 0.1) * mV
    if axes is None:
        _, axes = _pyplot().subplots(2, 1, sharex=True, figsize=(8, 4))
    ax_inf, ax_tau = axes
    for gate, curves in gate_curves(model, v).items():
        ax_inf.plot(v / mV, curves["steady_state"], label=f"${{{_tex(gate)}}}_\\infty$")
        ax_tau.plot(v / mV, curves["time_constant"] / ms, label=f"$\\tau_{{{_tex(gate)}}}$")
    ax_inf.set_ylabel("steady state")
    ax_tau.set_ylabel("time constant (ms)")
    ax_tau.set_xlabel("$v$ (mV)")
    for ax in axes:
        ax.legend(loc="upper right", fontsize="small")
    return np.asarray(axes)


def plot_model_figure(result, fig=None):
    """The source's figure for one model, from a simulation result.

    Gate steady states and time constants against v (for models with gates), then the
    injected current, the membrane currents, v, and the gates against time.

    Returns
    -------
    Figure
    """
    model = result.model
    has_gates = bool(model.gates)
    n_rows = 6 if has_gates else 3
    if fig is None:
        fig = _pyplot().figure(figsize=(8, 1.7 * n_rows + 0.6))
    grid = fig.add_gridspec(n_rows, 1, hspace=0.55, top=1 - 0.5 / (1.7 * n_rows + 0.6))
    rows = [fig.add_subplot(grid[k]) for k in range(n_rows)]
    if has_gates:
        plot_gate_curves(model, axes=rows[:2])
        time_axes = rows[2:5]
    else:
        time_axes = rows
    plot_result(result, axes=time_axes)
    if has_gates:
        t = np.asarray(result.t / ms)
        ax = rows[5]
        for gate in model.gates:
            for j, row in enumerate(_neurons(getattr(result, gate))):
                ax.plot(t, row, lw=1, label=f"${_tex(gate)}$" if j == 0 else None)
        ax.set_ylabel("gates")
        ax.set_xlabel("time (ms)")
        ax.legend(loc="upper right", fontsize="small")
        time_axes[-1].set_xlabel("")
        for a in time_axes:
            a.sharex(ax)
    fig.suptitle(f"{model.source_name}: {model.title}")
    return fig


def _tex(name: str) -> str:
    """'I_Na' -> 'I_{Na}', 'a_act' -> 'a_{act}' for mathtext labels."""
    head, _, rest = name.partition("_")
    return f"{head}_{{{rest}}}" if rest else head
