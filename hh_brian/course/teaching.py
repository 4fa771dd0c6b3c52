"""What each ingredient buys: every step of the chapter fitted to one full-HH recording.

Steps 3 to 6 of the chapter build the HH model one ingredient at a time (a gated
conductance, a second one, inactivation, a delayed rectifier). Fitting each step's free
parameters to a recording of full HH shows how close each step can get when its parameters
are as good as they can be: what is left is what the step's *form* cannot do. Every model
runs from v = −65 mV with its gates at their steady state, and its conductances and reversal
potentials are free: conductances within [0, 250] mS/cm² (twice HH's largest, 120, and
more), reversal
potentials within their whole physical range, ±200 mV; the capacitance stays at 1 µF/cm²,
a property of the membrane the steps share. Full HH itself, fitted the same way, shows what
the noise alone leaves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from brian2 import cm, mS, ms, mV, uA

from .. import stimuli
from ..fit.crossval import CrossValidation, cross_validate
from ..fit.data import Sweep
from ..fit.fitting import fit_trace
from ..fit.result import FitResult
from ..model.core import get_model
from .fit_demo import noisy_sweep

__all__ = ["TEACHING_MODELS", "IngredientRow", "IngredientTable", "free_bounds", "ingredient_table",
           "teaching_recordings"]

#: The chapter's steps 3–6, then full HH (step 7) as the yardstick.
TEACHING_MODELS = ("gated_conductance", "two_gated_conductances", "inactivating_conductance",
                   "inactivating_and_delayed_conductances", "hodgkin_huxley")

#: Search bounds of the free parameters, by kind.
CONDUCTANCE_BOUNDS = (0, 250) * mS / cm**2
POTENTIAL_BOUNDS = (-200, 200) * mV

#: The recording's noise.
NOISE = 1 * mV


def teaching_recordings(seed: int = 2, dt=0.01 * ms, target="cpp_standalone") -> tuple[Sweep, Sweep]:
    """Two noisy 200-ms recordings of full HH (default parameters, σ = 1 mV).

    The first, fitted: a step of 3 µA/cm² (below the threshold of repetitive firing) for
    [20, 90) ms, then 10 µA/cm² (repetitive firing) for [110, 180) ms. The second, held out:
    a step of 8 µA/cm² for [20, 180) ms.

    Examples
    --------
    >>> fitted, held_out = teaching_recordings(target="numpy")  # doctest: +SLOW
    >>> fitted.name, fitted.n_samples, held_out.name
    ('two steps', 20000, 'held-out step')
    """
    density = uA / cm**2
    fitted = stimuli.step(3 * density, 20 * ms, 90 * ms) + stimuli.step(10 * density, 110 * ms,
                                                                          180 * ms)
    held_out = stimuli.step(8 * density, 20 * ms, 180 * ms)
    rng = np.random.default_rng(seed)
    first, second = (noisy_sweep("hodgkin_huxley", 200 * ms, current, NOISE, rng,
                                 target=target, dt=dt, name=name)
                     for name, current in (("two steps", fitted), ("held-out step", held_out)))
    return first, second


def free_bounds(model) -> dict:
    """Every conductance and reversal potential of ``model``, with its search bounds.

    Examples
    --------
    >>> sorted(free_bounds("gated_conductance"))
    ['E_a', 'E_b', 'g_a', 'g_b']
    """
    model = get_model(model)
    free = {}
    for name, value in model.params.items():
        if name.startswith("g_"):
            free[name] = CONDUCTANCE_BOUNDS
        elif name.startswith("E_"):
            free[name] = POTENTIAL_BOUNDS
    return free


@dataclass(frozen=True)
class IngredientRow:
    """One step of the chapter, fitted.

    Attributes
    ----------
    step : int
    model : str
    adds : str
        What the step adds to the one before.
    fit : FitResult
    check : CrossValidation
        Against the fitted recording and the held-out one.

    Examples
    --------
    See :func:`ingredient_table`, which makes one per model:

    >>> from dataclasses import fields
    >>> [f.name for f in fields(IngredientRow)]
    ['step', 'model', 'adds', 'fit', 'check']
    """

    step: int
    model: str
    adds: str
    fit: FitResult
    check: CrossValidation


@dataclass(frozen=True)
class IngredientTable:
    """The fitted steps, in order; ``str()`` gives the table, :meth:`to_rst` the docs' table.

    Examples
    --------
    >>> print(IngredientTable(rows=()))  # doctest: +NORMALIZE_WHITESPACE
    step  model     rmse fit  rmse held-out  Gamma fit  Gamma held-out
    """

    rows: tuple

    def plot(self, fig=None):
        """Each step's best fit over the recording; returns the Figure."""
        from ..fit.plot import plot_ingredients

        return plot_ingredients(self, fig=fig)

    def __str__(self) -> str:
        lines = [f"{'step':>4}  {'model':38}{'rmse fit':>9}{'rmse held-out':>14}"
                 f"{'Gamma fit':>10}{'Gamma held-out':>15}"]
        for row in self.rows:
            fitted, held = row.check.sweeps
            lines.append(f"{row.step:>4}  {row.model:38}{float(fitted.rmse / mV):9.2f}"
                         f"{float(held.rmse / mV):14.2f}{_gamma(fitted.gamma):>10}"
                         f"{_gamma(held.gamma):>15}")
        return "\n".join(lines)

    def to_rst(self) -> str:
        """The table as a reStructuredText list-table (what each step adds is in its model's
        page; here, what it achieves)."""
        out = [".. list-table::", "   :header-rows: 1", "   :widths: 6 40 18 14 14 12", "",
               "   * - step", "     - model",
               "     - rms error (mV), fitted / held out",
               "     - spikes fitted (HH / model)", "     - spikes held out (HH / model)",
               "     - Γ, fitted / held out"]
        for row in self.rows:
            fitted, held = row.check.sweeps
            out += [f"   * - {row.step}", f"     - ``{row.model}``",
                    f"     - {float(fitted.rmse / mV):.2f} / {float(held.rmse / mV):.2f}",
                    f"     - {len(fitted.spikes.data)} / {len(fitted.spikes.model)}",
                    f"     - {len(held.spikes.data)} / {len(held.spikes.model)}",
                    f"     - {_gamma(fitted.gamma)} / {_gamma(held.gamma)}"]
        return "\n".join(out) + "\n"


def _gamma(value: float) -> str:
    return "n/a" if not np.isfinite(value) else f"{value:.2f}"


def ingredient_table(models=TEACHING_MODELS, *, seed: int = 2, target="cpp_standalone",
                     maxiter: int = 300) -> IngredientTable:
    """Fit each model to the same full-HH recording and test it on a held-out one.

    Parameters
    ----------
    models : sequence of str
        Default: steps 3–6 and full HH.
    seed : int
        Seed of the recordings' noise and of the searches.
    target : str
    maxiter : int
        Generations of each search at most.

    Examples
    --------
    A quick look at step 3 alone (the documentation's table fits every step in full):

    >>> table = ingredient_table(["gated_conductance"], maxiter=3,  # doctest: +SLOW
    ...                          target="cython")
    >>> [row.step for row in table.rows], float(table.rows[0].check.sweeps[0].rmse / mV) > 5
    ([3], True)
    """
    fitted, held_out = teaching_recordings(seed, target=target)
    rows = []
    for name in models:
        model = get_model(name)
        result = fit_trace(model, fitted, free=free_bounds(model), target=target, seed=seed,
                           maxiter=maxiter)
        check = cross_validate(result, [fitted, held_out])
        rows.append(IngredientRow(step=_step(model), model=model.name, adds=model.adds,
                                  fit=result, check=check))
    return IngredientTable(tuple(rows))


def _step(model) -> int:
    return int(model.source_name.rsplit("_", 1)[-1])
