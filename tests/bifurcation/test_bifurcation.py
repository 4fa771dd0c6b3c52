"""Bifurcation diagrams: the published Hodgkin–Huxley points, two engines that agree, and the
special points checked by what defines them.

Published values (Rinzel & Miller 1980, Math. Biosci. 49:27; Guckenheimer & Labouriau 1993,
Bull. Math. Biol. 55:937), for HH at 6.3 °C with rest at -65 mV, E_Na = 50 mV, E_K = -77 mV,
g_Na = 120, g_K = 36, g_L = 0.3 mS/cm², C = 1 µF/cm²:

* E_L = -54.387 mV: subcritical Hopf at I = 9.775 µA/cm², second Hopf at 154.5 µA/cm², limit
  point of cycles at 6.260 µA/cm² with period 19.9 ms;
* E_L = -54.4 mV: Hopf at 9.78 (v = -59.6 mV, period 10.7 ms), limit point of cycles at 6.26.

A value published with four or more significant digits is checked to 1e-3 relative; one
published with three (a period of 10.7 ms, a v of -59.6 mV) is checked to half a unit of its
last digit, the precision it was given with.
"""

import importlib.util
import math
import shutil

import numpy as np
import pytest
from brian2 import DimensionMismatchError, cm, mS, ms, mV, uA, uF

from hh_brian import celsius, get_model
from hh_brian.core.units import to_celsius
from hh_brian.bifurcation import diagram
from hh_brian.bifurcation.system import OdeSystem
from hh_brian.model.functions import ModelFunctions

CURRENT = uA / cm**2
HAS_ENGINE = bool(importlib.util.find_spec("bifpy") and shutil.which("gfortran"))
needs_engine = pytest.mark.skipif(not HAS_ENGINE, reason="needs the bifurcation extra "
                                  "(pip install 'hh_brian[bifurcation]', with gfortran)")



# Its tests share a module fixture, computed once when they run on one worker (conftest.py:
# --dist loadgroup).
pytestmark = pytest.mark.xdist_group("test_bifurcation")

@pytest.fixture(scope="module")
def standard_hh():
    """The published set-up: E_Na = 50 mV, E_L = -54.387 mV, cycles included if possible."""
    return diagram("hodgkin_huxley", "I_stim", (0 * CURRENT, 200 * CURRENT),
                   params={"E_Na": 50 * mV, "E_L": -54.387 * mV}, cycles=HAS_ENGINE)


def _points(d, kind):
    return [p for p in d.points if p.kind == kind]


def _close(value, published, rel=1e-3):
    return math.isclose(value, published, rel_tol=rel)


def test_published_hopf_points(standard_hh):
    hopf = _points(standard_hh, "hopf")
    assert [p.criticality for p in hopf] == ["subcritical", "supercritical"]
    assert _close(float(hopf[0].value / CURRENT), 9.775)
    assert _close(float(hopf[1].value / CURRENT), 154.5)
    assert abs(float(hopf[0].v / mV) - (-59.6)) <= 0.05 + 0.005  # -59.654 mV
    assert abs(float(hopf[0].period / ms) - 10.7) <= 0.05        # 10.718 ms


def test_published_hopf_point_with_the_rounded_leak_reversal():
    d = diagram("hodgkin_huxley", "I_stim", (0 * CURRENT, 20 * CURRENT),
                params={"E_Na": 50 * mV}, cycles=False)
    (hopf,) = _points(d, "hopf")
    assert _close(float(hopf.value / CURRENT), 9.78)


@needs_engine
def test_published_limit_point_of_cycles(standard_hh):
    # The large-amplitude cycle (the firing) is the one reaching above 0 mV.
    lpc = [p for p in _points(standard_hh, "limit_point_of_cycles") if p.v_max > 0 * mV]
    assert len(lpc) == 1
    assert _close(float(lpc[0].value / CURRENT), 6.260)
    assert abs(float(lpc[0].period / ms) - 19.9) <= 0.05


@needs_engine
def test_the_two_engines_find_the_same_hopf_points(standard_hh):
    # The package's continuation (exact Jacobian, bialternate test function) and AUTO-07p's
    # (its own continuation and Hopf test) are independent; AUTO-07p prints 11 digits.
    ours = np.array([float(p.value / CURRENT) for p in _points(standard_hh, "hopf")])
    theirs = np.asarray(standard_hh.engine_hopf / CURRENT)
    np.testing.assert_allclose(np.sort(theirs), ours, rtol=1e-8)


@needs_engine
def test_criticality_agrees_with_the_stability_of_the_cycles_born(standard_hh):
    # Subcritical (first Lyapunov coefficient > 0): the cycle born is unstable; supercritical:
    # stable. Read off AUTO-07p's Floquet multipliers at the ends of the cycle branch.
    (branch,) = standard_hh.cycles
    first, second = _points(standard_hh, "hopf")
    assert float(branch.start / CURRENT) == pytest.approx(float(first.value / CURRENT))
    assert float(branch.end / CURRENT) == pytest.approx(float(second.value / CURRENT))
    assert not branch.stable[1]   # next to the subcritical Hopf point
    assert branch.stable[-1]      # next to the supercritical one
    # The branch shrinks onto the equilibrium as it reaches the second Hopf point (its last
    # point kept is the last one AUTO-07p stepped to with an amplitude above 1 uV).
    assert float((branch.v_max[-1] - branch.v_min[-1]) / mV) < 5.0
    assert float(branch.values[-1] / CURRENT) == pytest.approx(
        float(second.value / CURRENT), rel=1e-2)


def test_equilibria_are_equilibria_of_the_simulated_equations(standard_hh):
    # The continuation works on a symbolic translation of the equations; the package's
    # numeric evaluator (the one the targets use) must find dX/dt = 0 along the branch.
    (branch,) = standard_hh.equilibria
    model = standard_hh.model
    functions = ModelFunctions(model)
    for i in range(0, len(branch), 7):
        state = {name: float(np.asarray(branch.state[name][i])) for name in model.state_variables}
        state["I_stim"] = float(branch.values[i] / (uA / cm**2)) * 1e-2  # A/m^2
        for name in model.state_variables:
            rate = float(functions.derivative(name, **state))
            scale = 1.0 if name == "v" else 1e-3   # V/s and 1/s
            assert abs(rate) < 1e-7 * scale * 1e3, (name, i, rate)


def test_hopf_points_have_a_pair_of_imaginary_eigenvalues(standard_hh):
    for point in _points(standard_hh, "hopf"):
        system = OdeSystem(standard_hh.model)
        x = [float(point.state["v"] / mV)] + [float(point.state[g])
                                              for g in standard_hh.model.gates]
        eigenvalues = np.linalg.eigvals(system.jacobian(x, float(point.value / CURRENT)))
        closest = eigenvalues[np.argmin(np.abs(eigenvalues.real))]
        assert abs(closest.real) < 1e-9
        assert float(point.period / ms) == pytest.approx(2 * np.pi / abs(closest.imag))


def test_a_fold_is_where_two_equilibria_meet():
    # Model 4 at its defaults has an S-shaped curve of equilibria: rest and a saddle meet.
    from hh_brian.analysis import steady_states

    d = diagram("two_gated_conductances", "I_stim", (0 * CURRENT, 100 * CURRENT), cycles=False)
    (fold,) = _points(d, "fold")
    below = steady_states("two_gated_conductances", fold.value - 0.01 * CURRENT,
                          v_range=(-200 * mV, 200 * mV))
    above = steady_states("two_gated_conductances", fold.value + 0.01 * CURRENT,
                          v_range=(-200 * mV, 200 * mV))
    assert len(below) == len(above) + 2
    assert not d.notes


def test_a_parameter_other_than_the_current():
    # g_K at a fixed current: the same Hopf point as the current diagram, seen from g_K.
    hopf_current = _points(diagram("hodgkin_huxley", "I_stim", (0 * CURRENT, 20 * CURRENT),
                                   cycles=False), "hopf")[0]
    d = diagram("hodgkin_huxley", "g_K", (20 * mS / cm**2, 50 * mS / cm**2),
                current=hopf_current.value, cycles=False)
    (hopf,) = _points(d, "hopf")
    assert float(hopf.value / (mS / cm**2)) == pytest.approx(36.0, rel=1e-7)
    assert str(hopf).startswith("Hopf (subcritical) at g_K = 36 mS/cm^2, v = ")


def test_the_temperature_as_the_free_parameter():
    # The Hopf point of HH at 18.5 degC, found along the current, found again along T.
    warm = {"T": celsius(18.5)}
    hopf_current = _points(diagram("hodgkin_huxley", "I_stim", (0 * CURRENT, 40 * CURRENT),
                                   params=warm, cycles=False), "hopf")[0]
    d = diagram("hodgkin_huxley", "T", (celsius(10), celsius(30)),
                current=hopf_current.value, cycles=False)
    hopf = [p for p in _points(d, "hopf") if abs(float(to_celsius(p.value)) - 18.5) < 1]
    assert len(hopf) == 1
    assert float(to_celsius(hopf[0].value)) == pytest.approx(18.5, rel=1e-7)
    assert "at T = 18.5 degC, v = " in str(hopf[0])


def test_printing_and_csv(standard_hh, tmp_path):
    import csv

    text = str(standard_hh)
    assert text.splitlines()[0] == "hodgkin_huxley: I_stim from 0 uA/cm^2 to 200 uA/cm^2"
    assert "Hopf (subcritical) at I_stim = 9.775 uA/cm^2, v = -59.65 mV, period 10.72 ms" in text
    standard_hh.to_csv(tmp_path / "points.csv")
    with open(tmp_path / "points.csv") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(standard_hh.points)
    for row, point in zip(rows, standard_hh.points):
        # Full precision, in the display units the columns name.
        assert row["kind"] == point.kind and row["unit"] == "uA/cm^2"
        assert float(row["I_stim"]) == float(point.value / CURRENT)
        assert float(row["v_mV"]) == pytest.approx(float(point.v / mV), rel=1e-15)
        if point.kind == "hopf":
            assert float(row["period_ms"]) == pytest.approx(float(point.period / ms), rel=1e-15)
            assert float(row["lyapunov"]) == point.lyapunov


def test_plot(standard_hh):
    fig = standard_hh.plot()
    assert [ax.get_ylabel() for ax in fig.axes] == ["v (mV)", "period (ms)"]
    assert fig.axes[1].get_xlabel() == "I_stim (µA/cm²)"


@pytest.fixture
def no_work(monkeypatch):
    """Every mistake must be reported before any equilibrium is looked for or followed."""
    import hh_brian.bifurcation.diagrams as diagrams

    def refuse(*args, **kwargs):
        raise AssertionError("work started; the mistake should have been caught first")

    monkeypatch.setattr(diagrams, "_starts", refuse)
    monkeypatch.setattr(diagrams, "continue_equilibrium", refuse)


@pytest.mark.parametrize("call, error, message", [
    (dict(parameter="g_x"), ValueError, "parameter: 'g_x' is not a parameter of model "
     "'hodgkin_huxley'; valid names: I_stim, C_m"),
    (dict(bounds=(10 * CURRENT, 5 * CURRENT)), ValueError, "bounds: expected low < high"),
    (dict(bounds=(5 * CURRENT, 5 * CURRENT)), ValueError, "bounds: expected low < high"),
    (dict(bounds=(0 * mV, 5 * mV)), DimensionMismatchError, "bounds[0]: expected a current "
     "density"),
    (dict(bounds=5 * CURRENT), TypeError, "bounds: expected two values"),
    (dict(bounds=(np.nan * CURRENT, 5 * CURRENT)), ValueError,
     "bounds[0]: expected one finite value"),
    (dict(bounds=([0, 1] * CURRENT, 5 * CURRENT)), ValueError,
     "bounds[0]: expected one finite value"),
    (dict(parameter="g_K", bounds=(-5 * mS / cm**2, 5 * mS / cm**2)), ValueError,
     "bounds[0]: -5 mS/cm^2 is outside the physical range of g_K"),
    (dict(params={"I_stim": 5 * CURRENT}), ValueError, "params"),
    (dict(params={"g_K": 30 * mS / cm**2}, parameter="g_K",
          bounds=(20 * mS / cm**2, 40 * mS / cm**2)), ValueError,
     "params: 'g_K' is the free parameter"),
    (dict(current=5 * CURRENT), ValueError, "current: the injected current is the free "
     "parameter"),
    (dict(current=0 * CURRENT), ValueError, "current: the injected current is the free "
     "parameter"),
    (dict(parameter="g_K", bounds=(20 * mS / cm**2, 40 * mS / cm**2), current=np.nan * CURRENT),
     ValueError, "current: expected one finite value"),
    (dict(params={"C_m": -1 * uF / cm**2}), ValueError,
     "params['C_m']: -1 uF/cm^2 is outside the physical range of C_m"),
    (dict(params={"C_m": -1 * uA / cm**2}), DimensionMismatchError, "C_m"),
    (dict(params={"g_K": [30, 40] * mS / cm**2}), ValueError,
     "params['g_K']: a bifurcation diagram needs one value per parameter, got 2"),
    (dict(max_period=-5 * ms), ValueError, "max_period: expected a positive time"),
    (dict(max_period=[5, 6] * ms), ValueError, "max_period: expected one finite value"),
    (dict(max_period=5 * mV), DimensionMismatchError, "max_period"),
    (dict(cycles="no"), TypeError, "cycles: expected True or False, got 'no'"),
    (dict(bounds=None), TypeError, "bounds: expected the range"),
])
def test_bad_input_is_refused_before_any_work(call, error, message, no_work):
    arguments = dict(parameter="I_stim", bounds=(0 * CURRENT, 20 * CURRENT), cycles=False)
    arguments.update(call)
    with pytest.raises(error) as info:
        diagram("hodgkin_huxley", arguments.pop("parameter"), arguments.pop("bounds"),
                **arguments)
    assert message in str(info.value)


def test_cycles_without_the_engine_name_the_extra(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "bifpy", None)
    with pytest.raises(ImportError, match=r"pip install 'hh_brian\[bifurcation\]'"):
        diagram("hodgkin_huxley", "I_stim", (0 * CURRENT, 20 * CURRENT))
    # Everything else works without it.
    assert _points(diagram("hodgkin_huxley", "I_stim", (0 * CURRENT, 20 * CURRENT),
                           cycles=False), "hopf")


def test_the_model_value_is_kept():
    d = diagram("hodgkin_huxley", "I_stim", (0 * CURRENT, 20 * CURRENT),
                params={"E_Na": 50 * mV}, cycles=False)
    assert d.model.params["E_Na"] == 50 * mV
    assert get_model("hodgkin_huxley").params["E_Na"] == 55 * mV


@pytest.mark.slow
@needs_engine
def test_hysteresis_shows_the_bistable_window(standard_hh):
    from hh_brian.bifurcation import hysteresis

    lpc = min(float(p.value / CURRENT) for p in _points(standard_hh, "limit_point_of_cycles"))
    hopf = float(_points(standard_hh, "hopf")[0].value / CURRENT)
    values = np.arange(5.0, 12.01, 0.5) * CURRENT
    h = hysteresis(standard_hh.model, "I_stim", values)
    window = set(np.asarray(h.bistable() / CURRENT).round(6))
    grid = np.asarray(values / CURRENT).round(6)
    # Between the limit point of cycles and the Hopf point both attractors exist: the sweep
    # up stays at rest, the sweep down keeps firing. Below the limit point nothing fires.
    assert {v for v in grid if lpc < v < hopf} <= window
    assert not {v for v in grid if v < lpc} & window
    # Past the Hopf point rest is unstable, but the escape from it takes time (the
    # eigenvalues' real part grows from zero): within a 400-ms run the sweep up leaves rest
    # by 12 uA/cm^2.
    assert float(h.rate_up[-1] * ms) > 0


class _NormalForm:
    """A Hopf normal form with a second, damped oscillatory pair, as an ODE system:
    dz/dt = i w z + c |z|^2 z with z = x0 + i x1, and a linear pair x2, x3 with eigenvalues
    -1 ± 5i."""

    def __init__(self, w, c):
        self.w, self.c = w, c

    def jacobian(self, x, p):
        w = self.w
        return np.array([[0.0, -w, 0, 0], [w, 0.0, 0, 0], [0, 0, -1.0, -5.0], [0, 0, 5.0, -1.0]])

    def second_derivatives(self, x, p):
        return np.zeros((4, 4, 4))

    def third_derivatives(self, x, p):
        # f0 = a (x0^2 + x1^2) x0 - b (x0^2 + x1^2) x1, f1 = b (...) x0 + a (...) x1
        a, b = self.c.real, self.c.imag
        c = np.zeros((4, 4, 4, 4))
        for i, coeff in enumerate(((a, -b), (b, a))):
            # The third derivatives of (x0^2 + x1^2)(coeff . x) are
            # 2 (d_jk coeff_m + d_jm coeff_k + d_km coeff_j).
            for j in range(2):
                for k in range(2):
                    for m in range(2):
                        c[i, j, k, m] = 2 * ((j == k) * coeff[m] + (j == m) * coeff[k]
                                             + (k == m) * coeff[j])
        return c


def test_first_lyapunov_picks_the_critical_pair_and_has_the_textbook_value():
    # Kuznetsov's l1 = Re(c1)/w for the normal form w' = i w w + c1 w |w|^2 in the coordinate
    # w = <p, x> with <q, q> = 1. Here q = (1, -i)/sqrt(2), so x0 + i x1 = sqrt(2) w and
    # c1 = 2c: l1 = 2 Re(c)/w. A damped pair with a larger frequency must not be taken for
    # the critical one.
    from hh_brian.bifurcation.equilibria import first_lyapunov

    for c in (-1.0 + 0.3j, 0.5 - 2j):
        l1, omega = first_lyapunov(_NormalForm(2.0, c), np.zeros(4), 0.0)
        assert omega == pytest.approx(2.0)
        assert l1 == pytest.approx(2 * c.real / 2.0, rel=1e-12)


def test_close_hopf_points_are_told_apart():
    # At g_K = 53.837 mS/cm^2 two supercritical Hopf points lie 0.66 uA/cm^2 apart; the
    # continuation's steps are refused while its test functions could vanish twice within one.
    d = diagram("hodgkin_huxley", "I_stim", (0 * CURRENT, 200 * CURRENT),
                params={"g_K": 53.837 * mS / cm**2, "E_Na": 50 * mV}, cycles=HAS_ENGINE)
    hopf = [float(p.value / CURRENT) for p in _points(d, "hopf")]
    assert hopf == pytest.approx([75.8964, 76.5585], abs=1e-4)
    (branch,) = d.equilibria
    inside = (branch.values > 75.9 * CURRENT) & (branch.values < 76.55 * CURRENT)
    assert inside.any() and not branch.stable[inside].any()
    if HAS_ENGINE:
        # The small cycles born at one end shrink onto the other.
        (cycles,) = d.cycles
        assert cycles.stop == "hopf" and not d.notes


@needs_engine
def test_cycles_from_a_branch_followed_down_from_the_upper_end():
    d = diagram("hodgkin_huxley", "I_stim", (-150 * CURRENT, 20 * CURRENT))
    assert [p.kind for p in d.points].count("limit_point_of_cycles") == 3
    (cycles,) = d.cycles
    assert cycles.stop == "range" and cycles.values.max() <= 20 * CURRENT
    # The branch from the upper end reaches v = -200 mV before -150 uA/cm^2: a note says so.
    assert any("v left the physical range" in note for note in d.notes)


def test_a_branch_that_stops_early_says_so():
    # Followed down from 20 uA/cm^2, rest passes -200 mV near -44 uA/cm^2.
    d = diagram("hodgkin_huxley", "I_stim", (-3000 * CURRENT, 20 * CURRENT), cycles=False)
    (note,) = d.notes
    assert note.startswith("the branch of equilibria from I_stim = 20 uA/cm^2 stopped at -44.")
    assert "v left the physical range of a membrane potential" in note


@pytest.fixture
def no_simulation(monkeypatch):
    import hh_brian.analysis
    import hh_brian.simulation.run

    def refuse(*args, **kwargs):
        raise AssertionError("work started; the mistake should have been caught first")

    monkeypatch.setattr(hh_brian.simulation.run, "simulate", refuse)
    monkeypatch.setattr(hh_brian.analysis, "steady_states", refuse)


@pytest.mark.parametrize("call, error, message", [
    (dict(values=[5, 4] * CURRENT), ValueError, "values: expected at least two finite, "
     "increasing values of I_stim"),
    (dict(values=[5, np.nan] * CURRENT), ValueError, "values: expected at least two finite"),
    (dict(values=[5] * CURRENT), ValueError, "values: expected at least two"),
    (dict(values=[5, 6] * mV), DimensionMismatchError, "values: expected a current density"),
    (dict(parameter="g_K", values=[-5, 5] * mS / cm**2), ValueError,
     "values: -5 mS/cm^2 is outside the physical range of g_K"),
    (dict(params={"I_stim": 1 * CURRENT}), ValueError, "params: 'I_stim' is the swept"),
    (dict(current=1 * CURRENT), ValueError, "current: the injected current is the free"),
    (dict(duration=np.nan * ms), ValueError, "duration: expected one finite time"),
    (dict(duration=-5 * ms), ValueError, "duration: expected a positive time"),
    (dict(settle=500 * ms), ValueError, "settle: expected a time in [0, duration)"),
    (dict(ramp=300 * ms), ValueError, "ramp: expected a time in [0, settle]"),
])
def test_hysteresis_refuses_bad_input_before_any_run(call, error, message, no_simulation):
    from hh_brian.bifurcation import hysteresis

    arguments = dict(parameter="I_stim", values=[5, 6] * CURRENT)
    arguments.update(call)
    with pytest.raises(error) as info:
        hysteresis("hodgkin_huxley", arguments.pop("parameter"), arguments.pop("values"),
                   **arguments)
    assert message in str(info.value)


@needs_engine
def test_a_planar_model_lists_no_branch_point_of_cycles():
    # Near the limit point of cycles of the model-7-consistent reduction the cycles explode
    # (a canard); whatever AUTO-07p reports there besides folds of cycles is a note.
    d = diagram("hh_2d_reduction_model7", "I_stim", (0 * CURRENT, 20 * CURRENT))
    kinds = {p.kind for p in d.points}
    assert kinds <= {"hopf", "limit_point_of_cycles", "fold"}
    lpc = [float(p.value / CURRENT) for p in _points(d, "limit_point_of_cycles")]
    assert lpc and max(lpc) - min(lpc) < 1e-4
    assert all("not listed" in note for note in d.notes)
