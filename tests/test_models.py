"""The model registry and the model values."""

import dataclasses

import pytest
from brian2 import Equations, mS, mV, cm

import hh_brian
from hh_brian.models import MODELS, register

SOURCE_ORDER = [f"neuron_func_{k}" for k in range(1, 8)]


def test_registry_lists_the_seven_steps_in_order():
    models = hh_brian.list_models()
    assert [m.source_name for m in models[:7]] == SOURCE_ORDER
    assert len({m.name for m in models}) == len(models)


@pytest.mark.parametrize("source_name", SOURCE_ORDER)
def test_found_by_name_and_by_source_name(source_name):
    model = hh_brian.get_model(source_name)
    assert hh_brian.get_model(model.name) is model
    assert hh_brian.get_model(model) is model


@pytest.mark.parametrize("model", hh_brian.list_models(), ids=lambda m: m.name)
def test_model_is_complete(model):
    eqs = model.brian2_equations()
    assert isinstance(eqs, Equations)
    # Every gate is a differential equation with its steady state and time constant defined.
    for gate, (steady_state, time_constant) in model.gates.items():
        assert eqs[gate].type == "differential equation"
        assert steady_state in eqs and time_constant in eqs
    for current in model.currents:
        assert eqs[current].dim == (1 * mS / cm**2 * mV).dim
    assert eqs["v"].dim == mV.dim
    # v starts at -65 mV; the notebook's 2D run starts at its resting point -54.4 mV.
    assert model.v_init == (-54.4 * mV if model.name == "hh_2d_reduction" else -65 * mV)
    assert len(model.description) > 100 and model.adds and model.title


def test_each_step_adds_to_the_previous():
    models = hh_brian.list_models()[:7]
    gates = [len(m.gates) for m in models]
    assert gates == [0, 0, 1, 2, 2, 3, 3]
    currents = [len(m.currents) for m in models]
    assert currents == [1, 2, 2, 2, 2, 2, 3]


def test_source_quirks_are_kept():
    model_3 = hh_brian.get_model("neuron_func_3")
    assert model_3.params["E_a"] == model_3.params["E_b"] == -65 * mV
    model_5 = hh_brian.get_model("neuron_func_5")
    assert "b" not in model_5.gates and "g_b * (v - E_b)" in model_5.equations
    assert "300 / 60" in hh_brian.get_model("neuron_func_4").equations
    hh = hh_brian.get_model("neuron_func_7")
    assert "u = v - v_rest" in hh.equations and hh.params["v_rest"] == -65 * mV
    assert "exprel" in hh.equations


def test_model_7_uses_the_source_reversal_potentials():
    hh = hh_brian.get_model("hodgkin_huxley")
    assert float(hh.params["E_K"] / mV) == pytest.approx(-77.0)
    assert float(hh.params["E_Na"] / mV) == pytest.approx(55.0)
    assert float(hh.params["E_L"] / mV) == pytest.approx(-54.4)
    assert float(hh.params["g_L"] / (mS / cm**2)) == pytest.approx(0.3)


def test_with_params_returns_a_new_value():
    hh = hh_brian.get_model("hodgkin_huxley")
    other = hh.with_params(g_Na=100 * mS / cm**2)
    assert other is not hh and other.params["g_Na"] == 100 * mS / cm**2
    assert hh.params["g_Na"] == 120 * mS / cm**2
    with pytest.raises(dataclasses.FrozenInstanceError):
        hh.name = "x"
    with pytest.raises(TypeError):
        hh.params["g_Na"] = 1 * mS / cm**2


def test_parameters_must_match_the_equations():
    hh = hh_brian.get_model("hodgkin_huxley")
    with pytest.raises(ValueError, match="differ from those with defaults"):
        dataclasses.replace(hh, params={**hh.params, "g_extra": 1 * mS / cm**2})


def test_names_cannot_be_registered_twice():
    with pytest.raises(ValueError, match="already registered"):
        register(MODELS["hodgkin_huxley"])
