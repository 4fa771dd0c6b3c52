"""The model registry and the model values."""

import dataclasses

import pytest
from brian2 import Equations, cm, mS, mV, uA

import hh_brian
from hh_brian.model.core import MODELS, register

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


# --------------------------------------------------------------------------------------------
# What each step adds: Model.diff


def test_a_diff_reads_like_a_patch():
    step = hh_brian.get_model("gated_conductance").diff("two_conductances")
    assert str(step) == "\n".join([
        "two_conductances -> gated_conductance",
        "@@ equations",
        "- I_a = g_a * (v - E_a) : amp/meter**2",
        "+ I_a = g_a * a * (v - E_a) : amp/meter**2",
        "+ da/dt = (a_inf - a) / tau_a : 1",
        "+ a_inf = 1 / (1 + 0.1 * exp(-v / (10*mV))) : 1",
        "+ tau_a = 1*ms * exp(-((v + 10*mV) / (50*mV))**2) / phi : second",
        "+ phi = Q10**((T - 279.45*kelvin) / (10*kelvin)) : 1",
        "@@ parameters",
        "~ E_b: 65 mV -> -65 mV",
        "~ g_a: 1 mS/cm^2 -> 20 mS/cm^2",
        "+ Q10 = 3",
        "+ T = 6.3 degC",
        "@@ gates",
        "+ a",
    ])


def test_each_step_of_the_chapter_adds_what_it_says():
    models = hh_brian.list_models()[:7]
    gates_added = [m.diff(prev).gates_added for prev, m in zip(models, models[1:])]
    assert gates_added == [(), ("a",), ("b",), ("a_act", "a_inact"), ("b",), ("n", "m", "h")]
    for prev, model in zip(models, models[1:]):
        step = model.diff(prev)
        assert step and str(step).startswith(f"{prev.name} -> {model.name}")
    # Step 2 adds a conductance and its reversal potential; its equation replaces I_L.
    step_2 = models[1].diff(models[0])
    assert set(step_2.params_added) == {"g_a", "E_a", "g_b", "E_b"}
    assert set(step_2.params_removed) == {"g_L", "E_L"}
    # The two reductions differ only in their parameters.
    reduction = hh_brian.get_model("hh_2d_reduction_model7").diff("hh_2d_reduction")
    assert not (reduction.added or reduction.removed or reduction.changed)
    assert set(reduction.params_changed) == {"g_L", "v_rest"}
    assert not hh_brian.get_model("hodgkin_huxley").diff("hodgkin_huxley")


# --------------------------------------------------------------------------------------------
# The model value's fields: one default input, a sign convention read off the equations


def test_the_current_sign_is_read_off_the_equations():
    signs = {m.name: m.current_sign for m in hh_brian.list_models()}
    assert signs.pop("hh_2d_reduction") == signs.pop("hh_2d_reduction_model7") == -1
    assert set(signs.values()) == {1}
    mixed = dataclasses.replace(
        hh_brian.get_model("two_conductances"),
        equations=hh_brian.get_model("two_conductances").equations.replace(
            "(I_stim - I_a - I_b)", "(I_stim - I_a + I_b)"))
    with pytest.raises(ValueError, match="mix outward- and inward-positive"):
        mixed.current_sign


def test_one_field_holds_the_default_input():
    from hh_brian import stimuli

    hh = hh_brian.get_model("hodgkin_huxley")
    assert isinstance(hh.default_current, type(stimuli.protocol(1 * uA / cm**2)))
    assert float(hh.default_current.amplitude / (uA / cm**2)) == pytest.approx(5)
    assert not hasattr(hh, "protocol_amplitude") and not hasattr(hh, "default_stimulus")
    with pytest.raises(TypeError, match="default_current must be a stimulus"):
        dataclasses.replace(hh, default_current=5 * uA / cm**2)


def test_reserved_names_cannot_be_model_names():
    hh = hh_brian.get_model("passive_membrane")
    with pytest.raises(ValueError, match="time_finite are names the simulation defines"):
        dataclasses.replace(hh, equations=hh.equations + "time_finite = v / mV : 1\n")
