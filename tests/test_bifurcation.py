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
from brian2 import DimensionMismatchError, mS, ms, mV, uA, cm

from hh_brian import get_model
from hh_brian.bifurcation import diagram
from hh_brian.bifurcation.system import OdeSystem
from hh_brian.expressions import ModelFunctions

CURRENT = uA / cm**2
HAS_ENGINE = importlib.util.find_spec("bifpy") is not None and shutil.which("gfortran")
needs_engine = pytest.mark.skipif(not HAS_ENGINE, reason="needs the bifurcation extra "
                                  "(pip install 'hh_brian[bifurcation]', with gfortran)")


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
    assert "no Hopf" not in str(d)


def test_a_parameter_other_than_the_current():
    # g_K at a fixed current: the same Hopf point as the current diagram, seen from g_K.
    hopf_current = _points(diagram("hodgkin_huxley", "I_stim", (0 * CURRENT, 20 * CURRENT),
                                   cycles=False), "hopf")[0]
    d = diagram("hodgkin_huxley", "g_K", (20 * mS / cm**2, 50 * mS / cm**2),
                current=hopf_current.value, cycles=False)
    (hopf,) = _points(d, "hopf")
    assert float(hopf.value / (mS / cm**2)) == pytest.approx(36.0, rel=1e-7)
    assert str(hopf).startswith("Hopf (subcritical) at g_K = 36 mS/cm^2, v = ")


def test_printing_and_csv(standard_hh, tmp_path):
    text = str(standard_hh)
    assert text.splitlines()[0] == "hodgkin_huxley: I_stim from 0 uA/cm^2 to 200 uA/cm^2"
    assert "Hopf (subcritical) at I_stim = 9.775 uA/cm^2, v = -59.65 mV, period 10.72 ms" in text
    standard_hh.to_csv(tmp_path / "points.csv")
    rows = (tmp_path / "points.csv").read_text().splitlines()
    assert rows[0].startswith("kind,criticality,I_stim,unit,v_mV")
    assert len(rows) == 1 + len(standard_hh.points)


def test_plot(standard_hh):
    fig = standard_hh.plot()
    assert [ax.get_ylabel() for ax in fig.axes] == ["v (mV)", "period (ms)"]
    assert fig.axes[1].get_xlabel() == "I_stim (uA/cm^2)"


@pytest.mark.parametrize("call, error, message", [
    (dict(parameter="g_x"), ValueError, "parameter: 'g_x' is not a parameter of model "
     "'hodgkin_huxley'; valid names: I_stim, C_m"),
    (dict(bounds=(10 * CURRENT, 5 * CURRENT)), ValueError, "bounds: expected low < high"),
    (dict(bounds=(0 * mV, 5 * mV)), DimensionMismatchError, "bounds[0]: expected a current "
     "density"),
    (dict(bounds=5 * CURRENT), TypeError, "bounds: expected two values"),
    (dict(parameter="g_K", bounds=(-5 * mS / cm**2, 5 * mS / cm**2)), ValueError,
     "bounds[0]: -5 mS/cm^2 is outside the physical range of g_K"),
    (dict(params={"I_stim": 5 * CURRENT}), ValueError, "params"),
    (dict(params={"g_K": 30 * mS / cm**2}, parameter="g_K",
          bounds=(20 * mS / cm**2, 40 * mS / cm**2)), ValueError,
     "params: 'g_K' is the free parameter"),
    (dict(current=5 * CURRENT), ValueError, "current: the injected current is the free "
     "parameter"),
    (dict(params={"C_m": -1 * uA / cm**2}), DimensionMismatchError, "C_m"),
    (dict(params={"g_K": [30, 40] * mS / cm**2}), ValueError, "needs scalar parameters"),
    (dict(bounds=None), TypeError, "bounds: expected the range"),
])
def test_bad_input_is_refused_before_any_work(call, error, message):
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
