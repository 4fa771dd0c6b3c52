"""Whether a fit converged: each stage's test, the warning, and how the intervals are marked.

The rule itself is checked on scipy's result objects, made by hand for each way a stage can
stop; the fits are of the passive membrane on the numpy target (a few seconds each). The
noise-free HH recording that once ended with both stages at their limits runs with the slow
command-line tests (tests/cli/test_cli_fit.py).
"""

import json
import pathlib
import re
import warnings
from functools import partial
from itertools import pairwise

import numpy as np
import pytest
from brian2 import cm, mS, ms, mV, uA
from scipy.optimize import OptimizeResult

import hh_brian
from hh_brian import fit, stimuli
from hh_brian.fit import convergence, fitting
from hh_brian.fit.convergence import (
    SETTLED_SPREAD,
    Convergence,
    FitNotConverged,
    polish_convergence,
    search_convergence,
)
from hh_brian.simulation.progress import ProgressBar

G = mS / cm**2
STEP = stimuli.step(5 * uA / cm**2, start=1 * ms)
FREE = {"g_L": (0.1, 2) * G}
ROOT = pathlib.Path(__file__).parents[2]


def _recording():
    """A passive membrane's 10-ms step response (g_L = 0.5 mS/cm^2), noise of 0.3 mV."""
    run = hh_brian.simulate("passive_membrane", 10 * ms, STEP, dt=0.1 * ms, target="numpy",
                            params={"g_L": 0.5 * G}, record=["v"])
    return run.v + np.random.default_rng(0).normal(0, 0.3, np.shape(run.v)) * mV


def _fit(**options):
    return fit.fit_trace("passive_membrane", _recording(), STEP, dt=0.1 * ms, free=FREE,
                         target="numpy", popsize=6, **options)


# -- the rule, stage by stage ---------------------------------------------------------------------

def _search(success, nit, spread, costs=(100.0, 110.0, 130.0)):
    population = 0.5 + spread * np.eye(3)[:, :2]  # three candidates, two free quantities
    return OptimizeResult(success=success, nit=nit, message="scipy's message",
                          population=population, population_energies=np.array(costs))


@pytest.mark.parametrize("search, settled, words", [
    (_search(True, 40, 0.3), True, "settled in 40 generations"),
    # Out of generations: gathered (as near a noise-free optimum) or still spread out.
    (_search(False, 300, SETTLED_SPREAD / 2), True, "gathered within 2.5% of each range"),
    (_search(False, 300, 2 * SETTLED_SPREAD), False, "limit of 300 generations, unsettled"),
    (_search(False, 1, 0.9), False, "limit of 1 generation, unsettled"),
    # Stopped early for another reason than its test.
    (_search(False, 12, 0.001), False, "stopped after 12 generations: scipy's message"),
])
def test_the_search_settles_on_its_test_or_gathered_at_its_limit(search, settled, words):
    met, sentence = search_convergence(search, maxiter=300 if search.nit > 1 else 1, tol=0.01)
    assert met is settled and words in sentence


@pytest.mark.parametrize("status, converged", [(1, True), (2, True), (3, True), (4, True),
                                               (0, False), (-1, False)])
def test_the_polish_converges_on_its_tests_not_at_its_limit(status, converged):
    polish = OptimizeResult(status=status, nfev=300, message="scipy's message")
    met, sentence = polish_convergence(polish, max_nfev=300, costs=[1.0, 0.99])
    assert met is converged
    if status == 0:
        assert "limit of 300 evaluations" in sentence and "lowered the cost by 1 %" in sentence


@pytest.mark.parametrize("search, polish, converged, note", [
    (True, True, True, ""),
    (True, None, True, ""),  # no polish: the search settling is enough
    (False, True, False, "only if this minimum of the cost is the global one"),
    (True, False, False, "not a 95% confidence interval"),
    (False, None, False, "not a 95% confidence interval"),
])
def test_the_fit_converged_when_both_stages_did(search, polish, converged, note):
    c = Convergence(search, "search said", polish, "" if polish is None else "polish said")
    assert c.converged is converged
    assert c.interval_note(0.95) == "" if converged else note in c.interval_note(0.95)
    failed = [s for s, met in (("search said", search), ("polish said", polish)) if met is False]
    assert list(c.reasons) == failed
    assert c.summary(0.95).startswith("the fit converged" if converged
                                      else "the fit did not converge: " + "; ".join(failed))


# -- fits ------------------------------------------------------------------------------------------

def test_a_search_cut_short_warns_and_marks_its_intervals(tmp_path):
    with pytest.warns(FitNotConverged, match="passive_membrane: the fit did not converge: the "
                                             "search stopped at its limit of 2 generations"):
        result = _fit(maxiter=2)
    assert not result.converged and not result.convergence.search_settled
    assert result.convergence.polish_converged  # one minimum: the polish finds it anyway
    text = str(result)
    assert text.splitlines()[1].startswith("NOT CONVERGED: the search stopped at its limit")
    assert "interval*" in text and "95% interval" not in text
    assert "\n* a 95% confidence interval only if" in text
    stored = json.loads(result.to_json(tmp_path / "fit.json").read_text())
    assert stored["converged"] is False and "only if" in stored["interval_note"]
    assert stored["convergence"]["reasons"] == list(result.convergence.reasons)


def test_a_polish_out_of_evaluations_is_not_converged(monkeypatch):
    monkeypatch.setattr(fitting, "POLISH_EVALUATIONS", 1)
    with pytest.warns(FitNotConverged, match="polish stopped at its limit of 1 evaluation,"):
        result = _fit(tol=0.1, polish=True)
    assert result.convergence.search_settled and result.convergence.polish_converged is False
    assert "* not a 95% confidence interval: read where the fit stopped" in str(result)


def test_a_well_posed_fit_converged_without_a_warning_and_shows_one_bar(monkeypatch, capsys):
    # The bar drawn from the first generation on, so that this quick fit shows it.
    monkeypatch.setattr(fitting, "ProgressBar", partial(ProgressBar, delay=0))
    with warnings.catch_warnings():
        warnings.simplefilter("error", FitNotConverged)
        result = _fit(progress=True)
    assert result.converged and result.convergence.reasons == ()
    low, high = result.intervals["g_L"] / G
    assert low < 0.5 < high
    text = str(result)
    assert "95% interval" in text and "NOT CONVERGED" not in text
    assert text.splitlines()[-1].startswith("the fit converged: the search settled in ")
    err = capsys.readouterr().err
    # One line, redrawn: the search's generations, then the polish's evaluations.
    assert err.count("\n") == 1 and err.endswith("\n") and err.startswith("\r[")
    drawn = err.strip("\n").split("\r")[1:]
    assert len(drawn) > result.n_generations and all(d.startswith("[") for d in drawn)
    assert re.search(r"generation 1 of at most 300, best cost \S+ mV\^2, \S+ s elapsed", err)
    assert f"generation {result.n_generations} of at most 300" in err
    assert "polish: evaluation 1, cost " in err


def test_a_progress_callable_gets_each_generation():
    seen = []
    result = _fit(tol=0.1, progress=lambda generation, cost: seen.append((generation, cost)))
    assert [g for g, _ in seen] == list(range(1, result.n_generations + 1))
    assert all(b <= a for (_, a), (_, b) in pairwise(seen))  # the best cost never rises


def test_the_rule_quoted_in_the_documentation_is_the_codes():
    doc = " ".join(fit.fit_trace.__doc__.split())
    page = " ".join((ROOT / "docs" / "fitting.rst").read_text().split())
    spread = f"within {SETTLED_SPREAD:.0%}".replace("%", " %")
    evaluations = f"limit of {fitting.POLISH_EVALUATIONS} evaluations per free quantity"
    for text in (doc, page):
        assert spread in text and evaluations in text
    assert "settled" in convergence.__doc__ and "SETTLED_SPREAD" in convergence.__doc__
