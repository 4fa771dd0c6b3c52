"""Every figure of both source documents, and the bifurcation diagrams, written to a folder.

* :func:`write_model_figures`: one figure per model, as in the construction chapter (gate
  curves, input, membrane currents, v, gates over time) from its default run.
* :func:`write_reduction_figures`: the dV/dt notebook's figures of the 2D reduction, and the
  phase plane.
* :func:`write_noise_run_figures`: the notebook's noise-driven run and its trajectory.
* :func:`write_bifurcation_figures`: where the models start and stop firing (the
  bifurcation diagrams of full HH, of both 2D reductions, and of HH as g_K moves, and the
  bistable window seen by simulation); these need the ``bifurcation`` extra.
* :func:`write_fit_figures`: conductances fitted to a noisy HH recording, the fit tested on
  a protocol it did not see, and each step of the chapter fitted to one HH recording.
* :func:`write_map_figures`: the firing regime of HH over g_Na × g_K at several currents.
* :func:`write_all_figures`: all of the above (what ``hh-brian figures`` does).

Each function returns the paths it wrote. Figures are closed after saving.
"""

from __future__ import annotations

import contextvars
import pathlib
import time

import numpy as np
from brian2 import cm, mm, mS, ms, mV, nA, uA, um

from .. import plotting
from .._compat import moved_names
from ..core.units import to_display, unit_text
from ..model.core import get_model, list_models
from ..models import HH_1952
from ..simulation.run import simulate
from . import notebook_figures

__all__ = ["AXON_DIAMETERS", "AXON_TEMPERATURES", "REDUCTION_FIGURES", "SWEEP_CURRENTS",
           "figure_reporter", "write_all_figures", "write_axon_figures", "write_bifurcation_figures",
           "write_fit_figures", "write_map_figures", "write_model_figures",
           "write_noise_run_figures", "write_reduction_figures"]

_NA_MM2 = nA / mm**2
_NOTEBOOK = "hh_2d_reduction"
# What write_all_figures is told as each figure is saved (a callable of the path, or None).
_WRITTEN = contextvars.ContextVar("written", default=None)


def _save(fig, directory: pathlib.Path, name: str, dpi: int = 110) -> pathlib.Path:
    import matplotlib.pyplot as plt

    path = directory / f"{name}.png"
    fig.savefig(path, dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    written = _WRITTEN.get()
    if written is not None:
        written(path)
    return path


def _folder(directory) -> pathlib.Path:
    directory = pathlib.Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def model_figure_name(model) -> str:
    """File stem of a model's figure, e.g. ``"model_7_hodgkin_huxley"``.

    Examples
    --------
    >>> model_figure_name("neuron_func_7")
    'model_7_hodgkin_huxley'
    """
    model = get_model(model)
    position = [m.name for m in list_models()].index(model.name) + 1
    return f"model_{position}_{model.name}"


def write_model_figures(directory, *, models=None, target="cython", progress=False):
    """Run each model with its default input and write its figure.

    Parameters
    ----------
    directory : path
    models : sequence of Model or str, optional
        Default: every registered model.
    target : str
        Code-generation target for the runs.
    progress : bool
        Show a progress bar for long runs.

    Returns
    -------
    list of Path

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     paths = write_model_figures(folder, models=["passive_membrane"], target="numpy")
    ...     [p.name for p in paths]
    ['model_1_passive_membrane.png']
    """
    directory = _folder(directory)
    paths = []
    for model in (list_models() if models is None else [get_model(m) for m in models]):
        result = simulate(model, target=target, progress=progress)
        fig = plotting.plot_model_figure(result)
        paths.append(_save(fig, directory, model_figure_name(model)))
    return paths


def _dvdt_fixed_points(ax):
    plotting.plot_dvdt(_NOTEBOOK, ax=ax, n=0)
    ax.set_title("The 2D reduction with $n$ held at 0: $\\dot V$ and its fixed points")
    return ax


def _dvdt_vs_izhikevich(ax):
    notebook_figures.plot_izhikevich_comparison(_NOTEBOOK, ax=ax, n=0)
    ax.set_title("The 2D reduction ($n$ = 0) and its Izhikevich and AdEx fits")
    return ax


def _dvdt_input_current(ax):
    notebook_figures.plot_dvdt_family(_NOTEBOOK, currents=[0, -10, 10, 20] * _NA_MM2,
                              v=np.linspace(-83, 10, 1000) * mV, ax=ax, n=0)
    ax.set_xlim(-83, 10)
    ax.set_ylim(-2.8, 3.1)  # the notebook's limits
    ax.set_title("The 2D reduction ($n$ = 0) at four input currents")
    return ax


def _dvdt_slow_gate(ax):
    notebook_figures.plot_dvdt_family(_NOTEBOOK, gate_values=[0, 0.1, 0.2, 0.3],
                              v=np.linspace(-100, 10, 1000) * mV, ax=ax)
    ax.set_xlim(-100, 10)
    ax.set_title("The 2D reduction at four values of the slow gate $n$")
    return ax


def _dvdt_at_0mV_vs_n(ax):
    notebook_figures.plot_dvdt_at_v_vs_gate(_NOTEBOOK, ax=ax)
    ax.set_title("The 2D reduction: $\\dot V$ at 0 mV against the slow gate $n$")
    return ax


def _dvdt_relative_change_vs_n(ax):
    notebook_figures.plot_dvdt_relative_change(_NOTEBOOK, ax=ax)
    ax.set_title("The 2D reduction: how much $\\dot V$ at 0 mV changes per step of $n$")
    return ax


def _phase_plane(ax):
    plotting.plot_phase_plane(_NOTEBOOK, ax=ax)
    ax.set_title("The 2D reduction at $I$ = 0: nullclines and fixed point")
    return ax


#: The notebook's figures of the reduction, by file stem, each drawn into a given Axes.
REDUCTION_FIGURES = {
    "dvdt_fixed_points": _dvdt_fixed_points,
    "dvdt_vs_izhikevich": _dvdt_vs_izhikevich,
    "dvdt_input_current": _dvdt_input_current,
    "dvdt_slow_gate": _dvdt_slow_gate,
    "dvdt_at_0mV_vs_n": _dvdt_at_0mV_vs_n,
    "dvdt_relative_change_vs_n": _dvdt_relative_change_vs_n,
    "phase_plane": _phase_plane,
}


def write_reduction_figures(directory):
    """The dV/dt notebook's figures of the 2D reduction, and its phase plane.

    Returns
    -------
    list of Path

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     len(write_reduction_figures(folder))
    7
    """
    import matplotlib.pyplot as plt

    directory = _folder(directory)
    paths = []
    for name, draw in REDUCTION_FIGURES.items():
        fig, ax = plt.subplots(figsize=(6.4, 4.2))
        draw(ax)
        paths.append(_save(fig, directory, name))
    return paths


def write_noise_run_figures(directory, *, target="cython", current=None, duration=None,
                            progress=False):
    """The notebook's noise-driven run of the 2D reduction: four panels and phase plane.

    Parameters
    ----------
    directory : path
    target : str
    current : Stimulus, optional
        Default: the notebook's noise (seed 1, 1400 nA/mm², σ = 6 ms).
    duration : Quantity (time), optional
        Default: the notebook's 2 s.
    progress : bool

    Returns
    -------
    (list of Path, SimulationResult)

    Examples
    --------
    >>> import tempfile
    >>> from brian2 import ms
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     paths, result = write_noise_run_figures(folder, target="numpy", duration=50*ms)
    ...     [p.name for p in paths], result.v.shape
    (['noise_run.png', 'noise_run_phase_plane.png'], (5000,))
    """
    import matplotlib.pyplot as plt

    directory = _folder(directory)
    result = simulate(_NOTEBOOK, duration, current, target=target, progress=progress)
    axes = notebook_figures.plot_noise_run(result)
    axes[0].set_title("The 2D reduction driven by smoothed noise")
    paths = [_save(axes[0].figure, directory, "noise_run")]
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    plotting.plot_phase_plane(_NOTEBOOK, trajectory=result, ax=ax)
    ax.set_title("The noise-driven run in the phase plane (nullclines at $I$ = 0)")
    paths.append(_save(fig, directory, "noise_run_phase_plane"))
    return paths, result


#: The currents of the simulated sweep up and down through HH's bistable window.
SWEEP_CURRENTS = np.arange(4.0, 14.01, 0.5) * uA / cm**2
_UA_CM2 = uA / cm**2


def write_bifurcation_figures(directory, *, target="cython"):
    """The bifurcation diagrams: where the models start and stop firing.

    * ``bifurcation_hodgkin_huxley``: full HH (E_Na = 50 mV) over 0–200 µA/cm²;
    * ``bistability_hodgkin_huxley``: its bistable window with the firing rate of a simulated
      sweep up and down (:func:`hh_brian.bifurcation.bistability.hysteresis`);
    * ``bifurcation_hh_2d_reduction_model7`` and ``bifurcation_hh_2d_reduction``: the two 2D
      reductions;
    * ``bifurcation_hodgkin_huxley_g_K``: HH's diagram at three values of g_K side by side.

    Returns
    -------
    (list of Path, dict of str to Diagram, Hysteresis)
        The paths, the diagrams by figure name (their special points are what the
        documentation tabulates), and the simulated sweep.

    Examples
    --------
    >>> import tempfile  # doctest: +SLOW, +ENGINE
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     paths, diagrams, sweep = write_bifurcation_figures(folder)
    ...     [p.name for p in paths][:2]
    ['bifurcation_hodgkin_huxley.png', 'bistability_hodgkin_huxley.png']
    """
    import matplotlib.pyplot as plt

    from ..bifurcation import diagram, hysteresis
    from ..bifurcation.plot import plot_diagram

    directory = _folder(directory)
    paths, diagrams = [], {}

    def save(d, name, **plot_options):
        diagrams[name] = d
        paths.append(_save(d.plot(**plot_options), directory, name))

    hh = diagram("hodgkin_huxley", "I_stim", (0 * _UA_CM2, 200 * _UA_CM2), params=HH_1952)
    save(hh, "bifurcation_hodgkin_huxley")
    window = diagram("hodgkin_huxley", "I_stim", (0 * _UA_CM2, 14 * _UA_CM2),
                     params=HH_1952)
    sweep = hysteresis("hodgkin_huxley", "I_stim", SWEEP_CURRENTS, params=HH_1952,
                       target=target)
    save(window, "bistability_hodgkin_huxley", hysteresis=sweep)
    save(diagram("hh_2d_reduction_model7", "I_stim", (0 * _UA_CM2, 200 * _UA_CM2)),
         "bifurcation_hh_2d_reduction_model7")
    save(diagram(_NOTEBOOK, "I_stim", (0 * _UA_CM2, 200 * _UA_CM2)),
         "bifurcation_hh_2d_reduction")

    g_k_values = (24, 36, 48)
    fig, axes = plt.subplots(2, len(g_k_values), figsize=(13, 6.5), sharey="row",
                             gridspec_kw={"height_ratios": [2, 1]})
    for column, g_k in enumerate(g_k_values):
        d = diagram("hodgkin_huxley", "I_stim", (0 * _UA_CM2, 250 * _UA_CM2),
                    params={**HH_1952, "g_K": g_k * mS / cm**2})
        diagrams[f"bifurcation_hodgkin_huxley_g_K_{g_k}"] = d
        # One legend, in the last panel: the three would say the same.
        plot_diagram(d, axes=axes[:, column], legend=column == len(g_k_values) - 1)
        value, unit = to_display(g_k * mS / cm**2)
        axes[0, column].set_title(f"g_K = {value:g} {unit_text(unit)}", fontsize=10)
    paths.append(_save(fig, directory, "bifurcation_hodgkin_huxley_g_K"))
    return paths, diagrams, sweep


def write_fit_figures(directory, *, target="cpp_standalone"):
    """The fitting page's figures: a fit, its test on a held-out protocol, the steps' fits.

    The fit recovers g_Na, g_K and g_L from the noisy two-step recording of
    :mod:`hh_brian.course.fit_demo` and is tested on the held-out ramp; the steps 3–6 and full HH
    are fitted to the recording of :func:`hh_brian.course.teaching.teaching_recordings`.

    Parameters
    ----------
    directory : str or Path
    target : str
        Where the fits' batches run (compiled once per model and batch shape).

    Returns
    -------
    paths : list of Path
    result : FitResult
    check : CrossValidation
    table : IngredientTable

    Examples
    --------
    >>> import tempfile  # doctest: +SLOW
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     paths, result, check, table = write_fit_figures(folder)
    >>> [path.name for path in paths]
    ['fit_hodgkin_huxley.png', 'fit_held_out.png', 'fit_ingredients.png']
    """
    from ..fit import cross_validate, fit_trace
    from .fit_demo import DEMO_FREE, demo_recordings
    from .teaching import ingredient_table

    directory = _folder(directory)
    fitted, held_out = demo_recordings(target=target)
    result = fit_trace("hodgkin_huxley", fitted, free=DEMO_FREE, target=target)
    check = cross_validate(result, held_out)
    table = ingredient_table(target=target)
    paths = [_save(result.plot(), directory, "fit_hodgkin_huxley"),
             _save(check.plot(), directory, "fit_held_out"),
             _save(table.plot(), directory, "fit_ingredients")]
    return paths, result, check, table


#: The HH regime map: g_Na and g_K from 0 to twice the source's values, four currents.
MAP_GRID = {"g_Na": np.linspace(0, 240, 49) * mS / cm**2,
            "g_K": np.linspace(0, 72, 37) * mS / cm**2,
            "amplitude": np.array([0, 10, 50, 200]) * uA / cm**2}


def write_map_figures(directory, *, target="cpp_standalone"):
    """The regime map of HH over g_Na × g_K at 0, 10, 50 and 200 µA/cm² (200 ms each).

    Returns
    -------
    paths : list of Path
    dataset : xarray.Dataset
        The sweep (:func:`hh_brian.sweeps.sweep`), 49 × 37 × 4 points.

    Examples
    --------
    >>> import tempfile  # doctest: +SLOW
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     paths, ds = write_map_figures(folder)
    >>> [path.name for path in paths], dict(ds.sizes)
    (['regime_map_hodgkin_huxley.png'], {'g_Na': 49, 'g_K': 37, 'amplitude': 4})
    """
    from ..stimuli import constant
    from ..sweeps import sweep
    from ..sweeps.plot import plot_regime_map

    directory = _folder(directory)
    dataset = sweep("hodgkin_huxley", MAP_GRID, current=constant(1 * uA / cm**2),
                    duration=200 * ms, target=target)
    fig = plot_regime_map(dataset, "g_Na", "g_K", panels="amplitude")
    return [_save(fig, directory, "regime_map_hodgkin_huxley")], dataset


#: The axon figures: diameters (µm) and temperatures (degC) of the velocity curves.
AXON_DIAMETERS = np.array([100, 200, 300, 476, 600, 800, 1000]) * um
AXON_TEMPERATURES = np.arange(0.0, 40.01, 2.5)
#: HH 1952, Part III: the velocity they computed, and measured, at 18.5 degC (m/s).
HH_VELOCITY_COMPUTED, HH_VELOCITY_MEASURED = 18.8, 21.2


def write_axon_figures(directory, *, target="cython"):
    """The propagated action potential on HH's squid axon (HH 1952's E_Na), at 18.5 °C:
    its space–time figure, the velocity against the diameter and against the temperature.

    Returns
    -------
    paths : list of Path
    results : dict
        ``wave`` (the :class:`~hh_brian.cable.Propagation`), ``diameter`` and
        ``temperature`` (the :func:`~hh_brian.cable.velocity_sweep` datasets) and
        ``block`` (the :class:`~hh_brian.cable.HeatBlock`).

    Examples
    --------
    >>> import tempfile  # doctest: +SLOW
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     paths, results = write_axon_figures(folder)
    >>> [path.name for path in paths]
    ['axon_space_time.png', 'axon_velocity_diameter.png', 'axon_velocity_temperature.png']
    """
    from ..cable import SQUID_AXON, block_temperature, plot_velocity, propagate, velocity_sweep
    from ..core.units import celsius, to_celsius

    directory = _folder(directory)
    warm = celsius(18.5)
    wave = propagate("hodgkin_huxley", SQUID_AXON, 8 * ms, params=HH_1952, temperature=warm,
                     record_dt=0.05 * ms, target=target)
    paths = [_save(wave.plot(), directory, "axon_space_time")]
    by_diameter = velocity_sweep("hodgkin_huxley", {"diameter": AXON_DIAMETERS},
                                 params={**HH_1952, "T": warm}, duration=8 * ms,
                                 target=target)
    ax = plot_velocity(by_diameter, "diameter", label="computed (18.5 °C)",
                       reference=[(0.476, HH_VELOCITY_COMPUTED, "HH 1952, computed"),
                                  (0.476, HH_VELOCITY_MEASURED, "HH 1952, measured")])
    d = np.asarray(by_diameter.diameter.values)
    at_squid = float(by_diameter.velocity.sel(diameter=0.476))
    ax.plot(d, at_squid * np.sqrt(d / 0.476), "k:", lw=1, label="∝ √diameter")
    ax.legend(fontsize="small", frameon=False)
    ax.set_title("HH's squid axon (R_i 35.4 Ω·cm) at 18.5 °C")
    paths.append(_save(ax.figure, directory, "axon_velocity_diameter"))
    by_temperature = velocity_sweep("hodgkin_huxley", {"T": celsius(AXON_TEMPERATURES)},
                                    params=HH_1952, duration=10 * ms, target=target)
    ax = plot_velocity(by_temperature, "T", label="computed (476 µm)",
                       reference=[(18.5, HH_VELOCITY_COMPUTED, "HH 1952, computed"),
                                  (18.5, HH_VELOCITY_MEASURED, "HH 1952, measured")])
    block = block_temperature("hodgkin_huxley", params=HH_1952, low=celsius(30),
                              high=celsius(40), target=target)
    heat = float(to_celsius(block.temperature))
    ax.axvline(heat, color="0.4", ls="--", lw=1, label=f"heat block, {heat:.2f} °C")
    ax.legend(fontsize="small", frameon=False)
    ax.set_title("HH's squid axon: velocity against temperature (Q10 3 on the rates)")
    paths.append(_save(ax.figure, directory, "axon_velocity_temperature"))
    return paths, {"wave": wave, "diameter": by_diameter, "temperature": by_temperature,
                   "block": block}


def write_all_figures(directory, *, target="cython", progress=False, written=None):
    """Every figure: the models, the reduction's dV/dt, the noise run, the bifurcation
    diagrams, the fits, the regime map, the axon.

    This is what ``hh-brian figures`` writes: 9 model figures, 7 of the reduction, 2 of the
    noise run, 5 bifurcation diagrams (which need the ``bifurcation`` extra; without it,
    an ImportError names the extra before anything is run), 3 of the fits and the regime
    map (both on the standalone target, whatever ``target`` says: their batches run
    fastest there) and 3 of the propagated action potential.

    Parameters
    ----------
    directory : str or Path
    target : str
        The target of the models' runs, the noise run, the hysteresis and the axon.
    progress : bool
        Show a progress bar for long runs.
    written : callable, optional
        Called with each figure's path as soon as it is saved (``hh-brian figures`` prints a
        line), and with the name of each group of figures before it starts.

    Returns
    -------
    list of Path

    Examples
    --------
    >>> import tempfile  # doctest: +SLOW, +ENGINE
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     len(write_all_figures(folder))
    30
    """
    from ..bifurcation.cycles import require_engine

    require_engine()
    groups = [
        ("the models", lambda: write_model_figures(directory, target=target,
                                                   progress=progress)),
        ("the 2D reduction's dV/dt", lambda: write_reduction_figures(directory)),
        ("the noise run", lambda: write_noise_run_figures(directory, target=target,
                                                          progress=progress)[0]),
        ("the bifurcation diagrams", lambda: write_bifurcation_figures(directory,
                                                                        target=target)[0]),
        ("the fits", lambda: write_fit_figures(directory)[0]),
        ("the regime map", lambda: write_map_figures(directory)[0]),
        ("the axon", lambda: write_axon_figures(directory, target=target)[0]),
    ]
    paths = []
    token = _WRITTEN.set(written)
    try:
        for name, write in groups:
            if written is not None:
                written(name)
            paths += write()
    finally:
        _WRITTEN.reset(token)
    return paths


def figure_reporter(stream=None):
    """The ``written`` callback of :func:`write_all_figures` that ``hh-brian figures`` uses:
    a line per group as it starts and per figure as it is saved, with the time since the
    first call.

    Examples
    --------
    >>> import io, pathlib
    >>> stream = io.StringIO()
    >>> report = figure_reporter(stream)
    >>> report("the models"); report(pathlib.Path("figures/model_1.png"))
    >>> print(stream.getvalue().replace("0.0 s", "t s"), end="")
    the models ...
       t s  figures/model_1.png
    """
    import sys

    stream = sys.stdout if stream is None else stream
    start = time.perf_counter()

    def report(item):
        if isinstance(item, pathlib.Path):
            stream.write(f"{time.perf_counter() - start:6.1f} s  {item}\n")
        else:
            stream.write(f"{item} ...\n")
        stream.flush()

    return report


# Names that lived here before: found, with a warning, for one release (hh_brian._compat).
__getattr__ = moved_names(__name__)
