"""The explorer's axon page: its controls, its run (what propagate gives), its figure, and the
page driven from code.

The runs are short (1 cm or less, 2 ms) on the numpy target, a second each; the patch
explorer with its axon tab runs a full patch first: a slow test.
"""

import numpy as np
import pytest
from brian2 import cm, kelvin, meter, mS, ms, mV, ohm, second, um

import hh_brian
from hh_brian import celsius
from hh_brian.cable import Axon, propagate
from hh_brian.explorer import AxonSettings, axon_figure, axon_sliders, run_axon
from hh_brian.explorer.axon import axon_target

SHORT = {"length": 1.0, "duration": 2.0}  # 100 compartments for 2 ms: the wave crosses


# ------------------------------------------------------------------------------------------
# Controls


def test_the_axon_has_sliders_for_its_diameter_resistivity_and_temperature():
    sliders = {s.name: s for s in axon_sliders()}
    assert list(sliders) == ["diameter", "R_i", "length", "amplitude", "duration"]
    assert (sliders["diameter"].start, sliders["diameter"].end) == (50.0, 1000.0)
    assert (sliders["R_i"].start, sliders["R_i"].end) == (10.0, 200.0)
    # Hodgkin & Huxley's squid axon, and propagate's own input.
    assert sliders["diameter"].quantity(sliders["diameter"].default) == 476 * um
    assert sliders["R_i"].quantity(sliders["R_i"].default) == 35.4 * ohm * cm
    # The temperature is the model's own T slider, in °C.
    settings = AxonSettings("hodgkin_huxley", {"T": 18.5})
    assert float(settings.quantities()["T"] / kelvin) == pytest.approx(291.65, rel=1e-15)


def test_the_axon_is_cut_into_compartments_of_a_tenth_of_a_millimetre():
    axon = AxonSettings("hodgkin_huxley", diameter=200.0, R_i=50.0, length=0.7).axon()
    assert axon == Axon(length=0.7 * cm, diameter=200 * um, R_i=50 * ohm * cm, compartments=70)
    assert AxonSettings("hodgkin_huxley").axon().compartments == 200


def test_bad_settings_are_refused_naming_the_control():
    with pytest.raises(ValueError, match=r"diameter: expected a value in \[50, 1000\] µm"):
        AxonSettings("hodgkin_huxley", diameter=2000.0).axon()
    with pytest.raises(ValueError, match=r"T: expected a value in \[0, 45\] °C"):
        AxonSettings("hodgkin_huxley", {"T": 60.0}).quantities()
    with pytest.raises(ValueError, match="params: g_X not parameters of hodgkin_huxley"):
        run_axon(AxonSettings("hodgkin_huxley", {"g_X": 1.0}), target="numpy")


def test_a_standalone_patch_target_gives_a_cython_axon():
    # A standalone program is built per geometry: every diameter would build one.
    assert axon_target("cpp_standalone") == "cython"
    assert axon_target("cython") == "cython" and axon_target("numpy") == "numpy"
    with pytest.raises(ValueError, match="target"):
        axon_target("gpu")


# ------------------------------------------------------------------------------------------
# What is computed


def test_a_snapshot_is_what_propagate_gives():
    settings = AxonSettings("hodgkin_huxley", {"T": 18.5, "g_Na": 100.0}, diameter=300.0,
                            **SHORT)
    snap = run_axon(settings, target="numpy")
    # The same quantities a script would pass.
    assert settings.quantities() == {"T": celsius(18.5), "g_Na": 100 * (mS / cm**2)}
    direct = propagate("hodgkin_huxley", Axon(length=1 * cm, diameter=300 * um,
                                              compartments=100), 2 * ms,
                       temperature=celsius(18.5), params={"g_Na": 100 * (mS / cm**2)},
                       target="numpy", record_dt=0.05 * ms)
    np.testing.assert_array_equal(np.asarray(snap.wave.v / mV), np.asarray(direct.v / mV))
    assert snap.velocity == float(direct.velocity / (meter / second))
    assert np.isfinite(snap.velocity) and snap.velocity > 1 and snap.reached_end
    assert snap.summary == f"{snap.velocity:.3g} m/s, reached the far end"
    assert snap.error is None and snap.note == ""


@pytest.mark.parametrize("model, values", [
    ("hodgkin_huxley", {"amplitude": 5.0}),  # too weak to start an action potential
    ("passive_membrane", {}),  # nothing to propagate
])
def test_no_action_potential_has_no_velocity(model, values):
    snap = run_axon(AxonSettings(model, **{**SHORT, **values}), target="numpy")
    assert np.isnan(snap.velocity) and not snap.reached_end
    assert snap.summary == "no propagation"
    assert snap.wave.v.shape == (100, 40)


def test_a_coarse_axon_says_so_in_its_note():
    # 50 µm with four times HH's leak: 0.1 mm is over 5 % of the length constant.
    snap = run_axon(AxonSettings("hodgkin_huxley", {"g_L": 1.2}, diameter=50.0, length=0.5,
                                 duration=2.0), target="numpy")
    assert snap.note.startswith("compartments: 0.1 mm is") and "length constant" in snap.note


def test_the_figure_is_the_space_time_figure():
    snap = run_axon(AxonSettings("hodgkin_huxley", **SHORT), target="numpy")
    fig = axon_figure(snap)
    image_ax, trace_ax, colour_bar = fig.axes
    assert colour_bar.get_ylabel() == "$v$ (mV)"
    assert image_ax.get_ylabel() == "position (mm)" and trace_ax.get_xlabel() == "t (ms)"
    assert f"{snap.velocity:.3g} m/s" in image_ax.get_title()
    assert len(image_ax.collections) == 1  # v as an image over position and time
    assert len(trace_ax.get_lines()) == 4  # v at four positions
    assert fig.get_size_inches()[0] == pytest.approx(9.375)
    failed = axon_figure(type(snap)(snap.settings, None, float("nan"), False,
                                    error="the integration diverged"))
    assert [t.get_text() for t in failed.texts] == ["the integration diverged"]


# ------------------------------------------------------------------------------------------
# The page (the explore extra)


@pytest.fixture(scope="module")
def page():
    pytest.importorskip("panel", reason="needs the explore extra")
    from hh_brian.explorer.axon_page import AxonPage

    axon_page = AxonPage("hodgkin_huxley", target="numpy", axon=SHORT)
    assert axon_page.wait(60)
    yield axon_page
    axon_page.close()


@pytest.mark.xdist_group("axon-page")
def test_the_page_has_the_axon_s_and_the_model_s_sliders(page):
    assert {"diameter", "R_i", "length", "amplitude", "duration"} == set(page.axon_sliders)
    assert set(page.sliders) == set(hh_brian.get_model("hodgkin_huxley").params)
    assert page.sliders["T"].label == "T (°C)" and page.sliders["T"].value == 6.3
    assert page.axon_sliders["diameter"].value == 476.0
    assert page.axon_sliders["length"].value == 1.0  # as given


@pytest.mark.xdist_group("axon-page")
def test_moving_the_diameter_changes_the_velocity_shown(page):
    assert page.snapshot.reached_end and "m/s, reached the far end" in page.status.object
    assert page.figure.object is not None
    squid, shown = page.snapshot.velocity, page.status.object
    page.set(diameter=200)
    try:
        assert page.wait(60) and page.snapshot.settings.diameter == 200.0
        assert page.snapshot.velocity < squid  # thinner, slower
        assert page.status.object != shown
        assert f"{page.snapshot.velocity:.3g} m/s" in page.status.object
    finally:
        page.set(diameter=476)
        page.wait(60)


@pytest.mark.xdist_group("axon-page")
def test_the_page_refuses_what_its_sliders_would_not_allow(page):
    with pytest.raises(ValueError, match="g_X: not a control of the axon page"):
        page.set(g_X=1)
    with pytest.raises(ValueError, match="diameter: expected a value in"):
        page.set(diameter=5000)
    from hh_brian.explorer.axon_page import AxonPage

    with pytest.raises(ValueError, match="axon: width not controls of the axon"):
        AxonPage("hodgkin_huxley", target="numpy", axon={"width": 1})


@pytest.mark.xdist_group("axon-page")
def test_the_page_switches_models_and_says_when_nothing_propagates(page):
    page.model_select.value = "passive_membrane"
    try:
        assert page.wait(60)
        assert page.snapshot.settings.model == "passive_membrane"
        assert "T" not in page.sliders and "no propagation" in page.status.object
    finally:
        page.model_select.value = "hodgkin_huxley"
        page.set(**SHORT)
        page.wait(60)
    assert page.snapshot.reached_end


@pytest.mark.slow
def test_the_explorer_has_an_axon_tab_that_follows_its_model():
    pytest.importorskip("panel", reason="needs the explore extra")
    app = hh_brian.explore("passive_membrane", target="numpy")
    try:
        assert app.wait(60)
        assert [page.name for page in app.tabs] == ["Patch", "Axon"] and app.axon is None
        app.tabs.active = 1  # built when first opened, for the patch page's model
        assert app.axon is not None and app.axon.wait(120)
        assert app.axon.model.name == "passive_membrane"
        assert "no propagation" in app.axon.status.object
        app.tabs.active = 0
        app.model_select.value = "hodgkin_huxley"
        assert app.wait(120)
        app.tabs.active = 1
        assert app.axon.wait(120) and app.axon.model.name == "hodgkin_huxley"
        assert app.axon.snapshot.reached_end
    finally:
        app.close()
