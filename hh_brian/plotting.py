"""Figures. Functions take ``axes``/``fig`` (created when None), return what they drew,
label every axis with its unit and never call ``show()``.
"""

from __future__ import annotations

import numpy as np
from brian2 import mm, mV, ms, nA

from . import analysis
from .analysis import gate_curves
from .models import get_model
from .units import CURRENT_DENSITY

__all__ = [
    "REGIME_COLOURS",
    "plot_fi_curve",
    "plot_regime_map",
    "plot_dvdt",
    "plot_dvdt_at_v_vs_gate",
    "plot_dvdt_family",
    "plot_dvdt_relative_change",
    "plot_gate_curves",
    "plot_izhikevich_comparison",
    "plot_model_figure",
    "plot_noise_run",
    "plot_phase_plane",
    "plot_result",
]

_CURRENT_LABEL = "µA/cm²"
#: The 2D-reduction notebook's current unit (1 µA/cm² = 10 nA/mm²).
NOTEBOOK_CURRENT = nA / mm**2
_RATE = mV / ms


def _pyplot():
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
        _, axes = _pyplot().subplots(3, 1, sharex=True, figsize=(8, 6))
    t = np.asarray(result.t / ms)
    ax_input, ax_currents, ax_v = axes
    for row in _neurons(_injected(result) / CURRENT_DENSITY):
        ax_input.plot(t, row, color=None if result.batch else "k", lw=1)
    ax_input.set_ylabel(f"$I_{{stim}}$ ({_CURRENT_LABEL})")
    for name, values in result.currents.items():
        for j, row in enumerate(_neurons(values / CURRENT_DENSITY)):
            ax_currents.plot(t, row, lw=1, label=f"${_tex(name)}$" if j == 0 else None)
    sign = "outward" if result.model.current_sign > 0 else "inward"
    ax_currents.set_ylabel(f"membrane currents\n({_CURRENT_LABEL}, {sign} +)")
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
        fig = _pyplot().figure(figsize=(8, 1.7 * n_rows + 0.6))
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


# --------------------------------------------------------------------------------------------
# The 2D reduction and its dV/dt (the notebook's figures)


def _axes(ax):
    if ax is None:
        _, ax = _pyplot().subplots(figsize=(6.4, 4.2))
    return ax


def _dvdt_axes(ax):
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
    ax = _dvdt_axes(_axes(ax))
    if v is None:
        v = np.linspace(-100, 5, 1000) * mV
    rate = analysis.dv_dt(model, v, current, **held)
    (line,) = ax.plot(v / mV, rate / _RATE, label=label)
    if mark_fixed_points:
        lo, hi = np.min(v), np.max(v)
        for point in analysis.fixed_points(model, current, v_range=(lo, hi), **held):
            stable = point.stability == "stable"
            ax.plot(float(point.v / mV), 0, "o", ms=8, zorder=3, mec=line.get_color(),
                    mfc=line.get_color() if stable else "white")
    return ax


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
    ax = _axes(ax)
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

    ax = _dvdt_axes(_axes(ax))
    if v is None:
        v = np.linspace(-100, 20, 1000) * mV
    k = 0.7 * nS / mV if k is None else k
    fit = analysis.izhikevich_fit(model, k=k, v_range=(np.min(v), np.max(v)), **held)
    ax.plot(v / mV, fit.dv_dt(v) / _RATE, label=f"Izhikevich ($C$ = {float(fit.C / pF):.0f} pF)")
    ax.plot(v / mV, analysis.dv_dt(model, v, **held) / _RATE, label="HH 2D")
    if adex:
        ad = analysis.adex_fit(model, **held)
        ax.plot(v / mV, ad.dv_dt(v) / _RATE, "--", label="AdEx fit")
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

    ax = _axes(ax)
    values = np.linspace(0, 1, round(1 / step), endpoint=False)
    rate = analysis.dv_dt(model, np.full(values.shape, float(v / mV)) * mV, **{gate: values})
    ax.plot(values, rate / _RATE)
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

    ax = _axes(ax)
    values = np.linspace(0, 1, round(1 / step), endpoint=False)
    rate = np.asarray(analysis.dv_dt(model, np.full(values.shape, float(v / mV)) * mV,
                                     **{gate: values}) / _RATE)
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
        _, axes = _pyplot().subplots(4, 1, sharex=True, figsize=(10, 8))
    t = np.asarray(result.t / ms)
    gate = next(iter(result.model.gates))
    axes[0].plot(t, result.v / mV, lw=0.8)
    axes[0].set_ylabel("membrane voltage\n$V$ (mV)")
    axes[1].plot(t, getattr(result, gate), lw=0.8)
    axes[1].set_ylim(-0.01, 1)
    axes[1].set_ylabel(f"slow gating\nvariable ${gate}$")
    for name in result.model.currents:
        axes[2].plot(t, getattr(result, name) / NOTEBOOK_CURRENT, lw=0.8,
                     label=f"${_tex(name)}$")
    axes[2].set_ylabel("membrane currents\n(nA/mm²)")
    axes[2].legend(loc="upper right", fontsize="small")
    axes[3].plot(t, result.I_stim / NOTEBOOK_CURRENT, lw=0.8, color="k")
    axes[3].set_ylabel("input current\n$I$ (nA/mm²)")
    axes[3].set_xlabel("time (ms)")
    return np.asarray(axes)


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
    ax = _axes(ax)
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
    dv = np.asarray(field["dv_dt"] / _RATE) / float(np.ptp(np.asarray(coarse_v / mV)))
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


def plot_fi_curve(fi, ax=None, label=None):
    """Firing rate against input current, from :func:`hh_brian.sweeps.fi_curve`.

    Returns
    -------
    Axes

    Examples
    --------
    >>> from brian2 import uA, cm, ms
    >>> from hh_brian.sweeps import fi_curve
    >>> ax = plot_fi_curve(fi_curve("passive_membrane", [0, 5]*uA/cm**2, 20*ms,
    ...                             transient=5*ms, target="numpy"))
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('input current (µA/cm²)', 'firing rate (Hz)')
    """
    from brian2 import Hz

    ax = _axes(ax)
    ax.plot(fi.currents / CURRENT_DENSITY, fi.rates / Hz, "o-", label=label)
    ax.set_xlabel(f"input current ({_CURRENT_LABEL})")
    ax.set_ylabel("firing rate (Hz)")
    return ax


#: The colour of each regime of :mod:`hh_brian.regimes` in a map.
REGIME_COLOURS = {"rest": "#d9d9d9", "onset": "#9ecae1", "repetitive": "#e6550d",
                  "block": "#756bb1", "diverged": "#000000"}


def plot_regime_map(dataset, x: str, y: str, panels: str | None = None, fig=None):
    """The regime of every point of a sweep over two parameters, one panel per value of a
    third.

    Parameters
    ----------
    dataset : xarray.Dataset
        From :func:`hh_brian.sweeps.sweep` with ``product=True``.
    x, y : str
        The swept names on the axes.
    panels : str, optional
        The third swept name: one panel per value. Needed when the sweep has three
        dimensions.
    fig : Figure, optional

    Returns
    -------
    Figure

    Examples
    --------
    >>> from brian2 import mS, cm, uA, ms
    >>> from hh_brian import stimuli
    >>> from hh_brian.sweeps import sweep
    >>> ds = sweep("hodgkin_huxley", {"g_Na": [60, 120]*mS/cm**2, "g_K": [20, 36]*mS/cm**2,
    ...                               "amplitude": [0, 10]*uA/cm**2}, duration=50*ms,
    ...            current=stimuli.constant(1*uA/cm**2), target="numpy", transient=25*ms)
    >>> fig = plot_regime_map(ds, "g_Na", "g_K", panels="amplitude")
    >>> [ax.get_title() for ax in fig.axes[:2]]
    ['amplitude = 0 uA/cm^2', 'amplitude = 10 uA/cm^2']
    """
    from matplotlib.colors import BoundaryNorm, ListedColormap
    from matplotlib.patches import Patch

    from .regimes import REGIMES

    regime = dataset["regime"]
    others = [d for d in regime.dims if d not in (x, y)]
    for name, argument in ((x, "x"), (y, "y")):
        if name not in regime.dims:
            raise ValueError(f"{argument}: expected one of the swept names {list(regime.dims)}, "
                             f"got {name!r}")
    if panels is None and others:
        raise ValueError(f"panels: the sweep also varies {others}; name the one to lay out "
                         f"as panels")
    if panels is not None and (panels not in others or len(others) != 1):
        raise ValueError(f"panels: expected the third swept name {others}, got {panels!r}")
    values = dataset[panels].values if panels is not None else [None]
    plt = _pyplot()
    if fig is None:
        columns = min(len(values), 4)
        rows = -(-len(values) // columns)
        fig = plt.figure(figsize=(3.3 * columns + 1.6, 3.0 * rows), layout="constrained")
    axes = fig.subplots(-(-len(values) // min(len(values), 4)), min(len(values), 4),
                        squeeze=False, sharex=True, sharey=True).ravel()
    colours = ListedColormap([REGIME_COLOURS[name] for name in REGIMES])
    norm = BoundaryNorm(np.arange(len(REGIMES) + 1) - 0.5, len(REGIMES))
    for ax, value in zip(axes, values):
        plane = regime if value is None else regime.sel({panels: value})
        plane = plane.transpose(y, x)
        ax.pcolormesh(dataset[x].values, dataset[y].values, plane.values, cmap=colours,
                      norm=norm, shading="nearest")
        if value is not None:
            ax.set_title(f"{panels} = {value:g} {dataset[panels].attrs.get('units', '')}")
    for ax in axes[len(values):]:
        ax.set_visible(False)
    for ax in axes[::min(len(values), 4)]:
        ax.set_ylabel(f"{y} ({dataset[y].attrs.get('units', '')})")
    for ax in axes[:len(values)]:
        ax.set_xlabel(f"{x} ({dataset[x].attrs.get('units', '')})")
    fig.legend(handles=[Patch(color=REGIME_COLOURS[name], label=name) for name in REGIMES],
               loc="outside right center", frameon=False)
    fig.suptitle(f"{dataset.attrs.get('model', '')}: firing regime over "
                 f"{dataset.attrs.get('duration_ms', float('nan')):g} ms")
    return fig
