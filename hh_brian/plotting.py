"""Figures of a run and of a model's analysis. Functions take ``axes``/``fig`` (created when
None), return what they drew, label every axis with its unit and never call ``show()``.

The figures of many runs are :mod:`hh_brian.sweeps.plot`'s; those that reproduce the source
notebook's own figures are :mod:`hh_brian.course.notebook_figures`'s. Both use the helpers
here (:func:`new_axes`, :func:`tex_name`, :data:`CURRENT_LABEL`, …), so that every figure of
the package writes units and names alike.
"""

from __future__ import annotations

import numpy as np
from brian2 import mm, mV, ms, nA

from . import analysis
from ._compat import moved_names
from .analysis import gate_curves
from .core.units import CURRENT_DENSITY
from .model.core import get_model

__all__ = [
    "plot_dvdt",
    "plot_gate_curves",
    "plot_model_figure",
    "plot_phase_plane",
    "plot_result",
]

#: How every figure writes a current density.
CURRENT_LABEL = "µA/cm²"
#: The 2D-reduction notebook's current unit (1 µA/cm² = 10 nA/mm²).
NOTEBOOK_CURRENT = nA / mm**2
#: The unit of dV/dt in figures.
RATE_UNIT = mV / ms


def pyplot():
    """matplotlib's pyplot, imported when a figure is first drawn."""
    import matplotlib.pyplot as plt

    return plt


def _neurons(values):
    """Rows to draw: a single trace, or every neuron of a batch."""
    arr = np.asarray(values)
    return arr if arr.ndim == 2 else arr[None, :]


def plot_result(result, axes=None):
    """Injected current, membrane currents and v against time, in three stacked axes.

    A trace that was not recorded is left out (the injected current is recomputed from the
    run's stimulus); a neuron that diverged is drawn up to its divergence.

    Parameters
    ----------
    result : SimulationResult
    axes : sequence of 3 Axes, optional
        Created in a new figure when omitted.

    Returns
    -------
    array of Axes

    Examples
    --------
    >>> from brian2 import ms
    >>> from hh_brian import simulate
    >>> axes = plot_result(simulate("passive_membrane", 5*ms, target="numpy"))
    >>> axes[2].get_ylabel()
    '$v$ (mV)'
    """
    if axes is None:
        _, axes = pyplot().subplots(3, 1, sharex=True, figsize=(8, 6))
    t = np.asarray(result.t / ms)
    ax_input, ax_currents, ax_v = axes
    for row in _neurons(_injected(result) / CURRENT_DENSITY):
        ax_input.plot(t, row, color=None if result.batch else "k", lw=1)
    ax_input.set_ylabel(f"$I_{{stim}}$ ({CURRENT_LABEL})")
    for name, values in result.currents.items():
        for j, row in enumerate(_neurons(values / CURRENT_DENSITY)):
            ax_currents.plot(t, row, lw=1, label=f"${tex_name(name)}$" if j == 0 else None)
    sign = "outward" if result.model.current_sign > 0 else "inward"
    ax_currents.set_ylabel(f"membrane currents\n({CURRENT_LABEL}, {sign} +)")
    if result.currents:
        ax_currents.legend(loc="upper right", fontsize="small")
    else:
        _not_recorded(ax_currents, "membrane currents")
    if "v" in result.traces:
        for row in _neurons(result.v / mV):
            ax_v.plot(t, row, lw=1)
    else:
        _not_recorded(ax_v, "v")
    ax_v.set_ylabel("$v$ (mV)")
    ax_v.set_xlabel("time (ms)")
    return np.asarray(axes)


def _injected(result):
    """The injected current at the sample times, recorded or recomputed from the stimulus."""
    if "I_stim" in result.traces:
        return result.I_stim
    n_steps = int(round(float(result.duration / result.dt)))
    every = int(round(float(result.record_dt / result.dt)))
    return result.current.samples(n_steps, result.dt)[..., ::every]


def _not_recorded(ax, what):
    ax.text(0.5, 0.5, f"{what}: not recorded", transform=ax.transAxes, ha="center",
            va="center", color="0.4")


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

    Examples
    --------
    >>> axes = plot_gate_curves("hodgkin_huxley")
    >>> print(*[line.get_label() for line in axes[0].lines])
    ${n}_\\infty$ ${m}_\\infty$ ${h}_\\infty$
    """
    if v is None:
        v = np.arange(-90, 90, 0.1) * mV
    if axes is None:
        _, axes = pyplot().subplots(2, 1, sharex=True, figsize=(8, 4))
    ax_inf, ax_tau = axes
    for gate, curves in gate_curves(model, v).items():
        ax_inf.plot(v / mV, curves["steady_state"], label=f"${{{tex_name(gate)}}}_\\infty$")
        ax_tau.plot(v / mV, curves["time_constant"] / ms, label=f"$\\tau_{{{tex_name(gate)}}}$")
    ax_inf.set_ylabel("steady state")
    ax_tau.set_ylabel("time constant (ms)")
    ax_tau.set_xlabel("$v$ (mV)")
    for ax in axes:
        ax.legend(loc="upper right", fontsize="small")
    return np.asarray(axes)


def plot_model_figure(result, fig=None):
    """The source's figure for one model, from a simulation result.

    Gate steady states and time constants against v (for a single neuron of a model with
    gates: a batch's neurons may each have other curves), then the injected current, the
    membrane currents, v, and the gates against time; titled with the model.

    Returns
    -------
    Figure

    Examples
    --------
    >>> from brian2 import ms
    >>> from hh_brian import simulate
    >>> fig = plot_model_figure(simulate("gated_conductance", 10*ms, target="numpy"))
    >>> len(fig.axes)  # gate curves (2), input, currents, v, gates
    6
    >>> fig.get_suptitle()
    'neuron_func_3: One voltage-gated conductance'
    """
    model = result.model
    gates = [gate for gate in model.gates if gate in result.traces]
    curves = bool(model.gates) and not result.batch
    n_rows = 3 + 2 * curves + bool(gates)
    if fig is None:
        fig = pyplot().figure(figsize=(8, 1.7 * n_rows + 0.6))
    grid = fig.add_gridspec(n_rows, 1, hspace=0.55, top=1 - 0.5 / (1.7 * n_rows + 0.6))
    rows = [fig.add_subplot(grid[k]) for k in range(n_rows)]
    if curves:
        plot_gate_curves(model, axes=rows[:2])
    time_axes = rows[2 * curves:2 * curves + 3]
    plot_result(result, axes=time_axes)
    if gates:
        t = np.asarray(result.t / ms)
        ax = rows[-1]
        for gate in gates:
            for j, row in enumerate(_neurons(getattr(result, gate))):
                ax.plot(t, row, lw=1, label=f"${tex_name(gate)}$" if j == 0 else None)
        ax.set_ylabel("gates")
        ax.set_xlabel("time (ms)")
        ax.legend(loc="upper right", fontsize="small")
        time_axes[-1].set_xlabel("")
        for a in time_axes:
            a.sharex(ax)
    fig.suptitle(f"{model.source_name}: {model.title}")
    return fig


def tex_name(name: str) -> str:
    """'I_Na' -> 'I_{Na}', 'a_act' -> 'a_{act}' for mathtext labels."""
    head, _, rest = name.partition("_")
    return f"{head}_{{{rest}}}" if rest else head


# --------------------------------------------------------------------------------------------
# dV/dt and the phase plane


def new_axes(ax):
    """``ax``, or new axes of the package's usual size when it is None."""
    if ax is None:
        _, ax = pyplot().subplots(figsize=(6.4, 4.2))
    return ax


def dvdt_axes(ax):
    """Label ``ax`` for dV/dt against V, with the line dV/dt = 0."""
    ax.axhline(0, color="k", lw=0.8)
    ax.set_xlabel("$V$ (mV)")
    ax.set_ylabel(r"$\dot V$ (mV/ms)")
    return ax


def plot_dvdt(model, v=None, current=0 * NOTEBOOK_CURRENT, *, ax=None, label=None,
              mark_fixed_points=True, **held):
    """dV/dt against V for one slice, with its fixed points marked.

    Stable fixed points are filled circles, unstable ones open circles.

    Parameters
    ----------
    model : Model or str
    v : Quantity (voltage), optional
        Default -100 mV to 5 mV, as in the notebook.
    current : Quantity (current density)
    ax : Axes, optional
    label : str, optional
    mark_fixed_points : bool
    **held : float
        Gates held fixed, e.g. ``n=0``.

    Returns
    -------
    Axes

    Examples
    --------
    >>> ax = plot_dvdt("hh_2d_reduction", n=0)
    >>> print(ax.get_ylabel())
    $\\dot V$ (mV/ms)
    """
    ax = dvdt_axes(new_axes(ax))
    if v is None:
        v = np.linspace(-100, 5, 1000) * mV
    rate = analysis.dv_dt(model, v, current, **held)
    (line,) = ax.plot(v / mV, rate / RATE_UNIT, label=label)
    if mark_fixed_points:
        lo, hi = np.min(v), np.max(v)
        for point in analysis.fixed_points(model, current, v_range=(lo, hi), **held):
            stable = point.stability == "stable"
            ax.plot(float(point.v / mV), 0, "o", ms=8, zorder=3, mec=line.get_color(),
                    mfc=line.get_color() if stable else "white")
    return ax


def plot_phase_plane(model, current=0 * NOTEBOOK_CURRENT, *, v=None, gate_values=None,
                     trajectory=None, ax=None, gate=None):
    """Phase plane of (V, gate): nullclines, vector field, fixed points, optional trajectory.

    Parameters
    ----------
    model : Model or str
    current : Quantity (current density)
    v : Quantity (voltage), optional
        Default -90 mV to 60 mV.
    gate_values : array, optional
        Default 0 to 1.
    trajectory : SimulationResult, optional
        A run of the same model, drawn as its (V, gate) path.
    ax : Axes, optional
    gate : str, optional
        Default: the model's first gate.

    Returns
    -------
    Axes

    Examples
    --------
    >>> ax = plot_phase_plane("hh_2d_reduction")
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('$V$ (mV)', '$n$')
    """
    ax = new_axes(ax)
    model = get_model(model)
    gate = gate or next(iter(model.gates))
    if v is None:
        v = np.linspace(-90, 60, 600) * mV
    if gate_values is None:
        gate_values = np.linspace(0, 1, 400)
    if trajectory is not None:
        ax.plot(trajectory.v / mV, getattr(trajectory, gate), color="0.6", lw=0.5,
                label="trajectory", zorder=1)
    coarse_v = np.linspace(float(np.min(v) / mV), float(np.max(v) / mV), 25) * mV
    coarse_g = np.linspace(float(np.min(gate_values)), float(np.max(gate_values)), 21)
    field = analysis.vector_field(model, coarse_v, coarse_g, current, gate=gate)
    # Arrows show direction only: speeds differ by orders of magnitude across the plane.
    dv = np.asarray(field["dv_dt"] / RATE_UNIT) / float(np.ptp(np.asarray(coarse_v / mV)))
    dg = np.asarray(field["dgate_dt"] * ms) / float(np.ptp(coarse_g))
    norm = np.hypot(dv, dg)
    norm[norm == 0] = 1
    ax.quiver(np.asarray(field["v"] / mV), field["gate"], dv / norm, dg / norm,
              color="0.75", angles="xy", pivot="mid", width=0.002, zorder=0)
    lines = analysis.nullclines(model, v, current, gate=gate,
                                gate_range=(float(np.min(gate_values)),
                                            float(np.max(gate_values))))
    ax.plot(lines["v"] / mV, lines["gate_nullcline"], color="C1", label=f"${gate}$-nullcline")
    ax.plot(lines["v"] / mV, lines["v_nullcline"], color="C0", label="$V$-nullcline")
    for state in analysis.steady_states(model, current, v_range=(np.min(v), np.max(v))):
        filled = state.kind.startswith("stable")
        ax.plot(float(state.v / mV), state.state[gate], "o", ms=8, color="k",
                mfc="k" if filled else "white", zorder=3, label=state.kind)
    ax.set_xlabel("$V$ (mV)")
    ax.set_ylabel(f"${gate}$")
    ax.set_ylim(float(np.min(gate_values)), float(np.max(gate_values)))
    ax.legend(fontsize="small", loc="upper left")
    return ax


# Names that lived here before the package was regrouped: found, with a warning, for one
# release (hh_brian._compat).
__getattr__ = moved_names(__name__)
