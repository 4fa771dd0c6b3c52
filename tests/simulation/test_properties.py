"""Properties over random runs (hypothesis): every target agrees with the reference.

For random parameters within each model's declared physical ranges (kept to a band around
the defaults where the dynamics stay of interest), random initial states (v, and each gate
anywhere in [0, 1]) and random stimuli, each target and the independent reference integrator
agree while forward Euler is stable, and diverge together.

Agreement: |dv| <= 1e-6 mV + 1e-9 |v| and the same for each gate (with mV read as 1). Both
sides compute the same forward-Euler arithmetic in double precision, Brian2 in SI units and
the reference in mV/ms; rounding differs by ~1e-16 relative per operation. With random
parameters the state can grow large before it diverges, hence the relative term; the
absolute term is two orders of magnitude above the ~1e-11 mV measured on the default runs.

Where forward Euler is *unstable* (the step multiplies a decaying mode by |1 + dt·λ| > 1 for
an eigenvalue λ of the Jacobian with a negative real part: a gate whose time constant is
below dt/2, say), each step amplifies the last rounding difference, so two correct
integrators part ways there: agreement is required up to the first unstable step. A run
that becomes non-finite while Euler is still stable must do so at the same step on both
sides (the jump to infinity is then abrupt); one that went through an unstable stretch must
diverge on both sides within the run, possibly at different steps.

Settings: ``derandomize=True`` (the same examples on every run, so CI is reproducible),
``database=None`` (nothing written to the working tree), ``deadline=None`` (the first
example of a code shape compiles it). All run with the slow tests: 5 examples per model on
the numpy target (which compiles nothing), 12 per model on cython and cpp_standalone (whose runs share a fixed shape: 1 neuron, 400 steps, so each model builds
twice, once per kind of input).
"""

import numpy as np
import pytest
from brian2 import cm, kelvin, mS, ms, mV, uA, uF
from brian2.units.fundamentalunits import get_dimensions
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import hh_brian
from hh_brian import celsius, reference, stimuli
from hh_brian.core.units import to_display

UA_CM2 = uA / cm**2
MODELS = [m.name for m in hh_brian.list_models()]
COMMON = dict(deadline=None, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow])


def _value(draw, name, default):
    """A parameter value in its physical range, in a band around the default."""
    dim = get_dimensions(default)
    if dim == get_dimensions(uF / cm**2):
        return draw(st.floats(0.2, 5.0)) * uF / cm**2
    if dim == get_dimensions(mS / cm**2):
        top = max(3 * float(default / (mS / cm**2)), 1.0)
        return draw(st.floats(0.0, top)) * mS / cm**2
    if dim == get_dimensions(mV):
        centre = float(default / mV)
        return draw(st.floats(max(centre - 30, -200), min(centre + 30, 200))) * mV
    if dim == get_dimensions(kelvin):
        return celsius(draw(st.floats(0.0, 45.0)))
    if name == "Q10":
        return draw(st.floats(1.0, 6.0))
    raise AssertionError(f"no strategy for {name}")


def _stimulus(draw, duration_ms):
    amplitude = draw(st.floats(-50, 50)) * UA_CM2
    kind = draw(st.sampled_from(["constant", "step", "pulse", "ramp", "sine"]))
    start = draw(st.floats(0, duration_ms / 2)) * ms
    stop = start + draw(st.floats(0.1, duration_ms)) * ms
    if kind == "constant":
        return stimuli.constant(amplitude)
    if kind == "step":
        return stimuli.step(amplitude, start)
    if kind == "pulse":
        return stimuli.pulse(amplitude, start, stop)
    if kind == "ramp":
        return stimuli.ramp(0 * UA_CM2, amplitude, start, stop)
    return stimuli.sine(amplitude, draw(st.floats(10, 500)) * (1 / (1000 * ms)), start=start)


@st.composite
def random_runs(draw, model_name, n_steps=None):
    model = hh_brian.get_model(model_name)
    params = {name: _value(draw, name, value) for name, value in model.params.items()
              if draw(st.booleans())}
    dt = draw(st.sampled_from([0.01, 0.025, 0.05]))
    n_steps = n_steps or draw(st.integers(50, 400))
    initial = {"v": draw(st.floats(-90, 40)) * mV}
    for gate in model.gates:
        if draw(st.booleans()):
            initial[gate] = draw(st.floats(0, 1))
    return dict(params=params, dt=dt, n_steps=n_steps, initial=initial,
                current=_stimulus(draw, n_steps * dt))


def first_unstable_step(model, ref, dt_ms):
    """The first sample at which a forward-Euler step of the reference's trajectory is
    numerically unstable, or None. The Jacobian is taken by central differences of the
    model's own right-hand side (:class:`hh_brian.model.functions.ModelFunctions`), in SI."""
    from hh_brian.model.functions import ModelFunctions

    functions = ModelFunctions(model)
    names = model.state_variables
    scale = {name: 1e-3 if name == "v" else 1.0 for name in names}  # mV -> V
    n = len(ref["t"])
    state = {name: ref[name][0] * scale[name] for name in names}
    finite = np.all([np.isfinite(state[name]) for name in names], axis=0)
    current = ref["I_stim"][0] * 1e-2  # uA/cm^2 -> A/m^2
    jacobian = np.zeros((n, len(names), len(names)))
    for j, name in enumerate(names):
        h = 1e-7 * (1e-3 if name == "v" else 1.0)
        up = {**state, name: state[name] + h}
        down = {**state, name: state[name] - h}
        with np.errstate(all="ignore"):
            for i, target in enumerate(names):
                jacobian[:, i, j] = (functions.derivative(target, I_stim=current, **up)
                                     - functions.derivative(target, I_stim=current, **down)
                                     ) / (2 * h)
    dt = dt_ms * 1e-3
    for k in np.flatnonzero(finite & np.all(np.isfinite(jacobian), axis=(1, 2))):
        eigenvalues = np.linalg.eigvals(jacobian[k])
        decaying = eigenvalues[eigenvalues.real < 0]
        if np.any(np.abs(1 + dt * decaying) > 1 + 1e-9):
            return int(k)
    bad = np.flatnonzero(~finite)
    return int(bad[0]) if bad.size else None


def _first_bad(arrays):
    bad = np.zeros(np.shape(arrays[0]), dtype=bool)
    for values in arrays:
        bad |= ~np.isfinite(values)
    return int(np.argmax(bad)) if bad.any() else None


def check_against_reference(model_name, target, run):
    model = hh_brian.get_model(model_name)
    dt, n_steps = run["dt"] * ms, run["n_steps"]
    samples = np.asarray(run["current"].samples(n_steps, dt) / UA_CM2)
    plain = {k: float(v / mV) if k == "v" else float(v) for k, v in run["initial"].items()}
    source_params = {k: float(to_display(v)[0]) for k, v in run["params"].items()}
    with np.errstate(all="ignore"):
        ref = reference.integrate(model.source_name, n_steps * run["dt"], samples,
                                  dt=run["dt"], params=source_params, initial=plain)
    ref_bad = _first_bad([ref[name][0] for name in model.state_variables])
    unstable = first_unstable_step(model.with_params(**run["params"]), ref, run["dt"])
    stable_to = n_steps if unstable is None else unstable + 1  # samples computed stably
    try:
        ours = hh_brian.simulate(model, n_steps * dt, samples * UA_CM2, dt=dt, target=target,
                                 params=run["params"], initial=run["initial"],
                                 record=list(model.state_variables))
    except ValueError as error:
        # A step beyond twice the fastest time constant where the run starts is refused
        # before anything runs (plan_run); only that refusal is expected here.
        assert "times the model's fastest time constant" in str(error), str(error)
        return "refused: dt beyond the stable step where the run starts"
    except hh_brian.IntegrationError as error:
        step = int(round(float(error.time / dt)))
        assert ref_bad is not None, f"{target} diverged at step {step}, the reference did not"
        if min(step, ref_bad) <= stable_to:
            assert ref_bad == step, (f"{target} diverged at step {step}, the reference at "
                                     f"{ref_bad}, both while Euler was stable")
        return "diverged" if ref_bad == step else "diverged after an unstable stretch"
    assert ref_bad is None or ref_bad > stable_to, (
        f"the reference diverged at step {ref_bad} while Euler was stable, {target} did not")
    for name in model.state_variables:
        values = np.asarray(getattr(ours, name) / (mV if name == "v" else 1))[:stable_to]
        expected = ref[name][0][:stable_to]
        assert np.all(np.abs(values - expected) <= 1e-6 + 1e-9 * np.abs(expected)), (
            f"{name}: max difference {np.max(np.abs(values - expected)):.3g}")
    return "agreed" if stable_to == n_steps else "agreed until Euler became unstable"


@pytest.mark.slow  # with the compiled targets' properties: the quick suite compares each model once
@pytest.mark.parametrize("model_name", MODELS)
@settings(max_examples=5, **COMMON)
@given(data=st.data())
def test_numpy_target_agrees_with_the_reference(model_name, data):
    event(check_against_reference(model_name, "numpy", data.draw(random_runs(model_name))))


@pytest.mark.slow
@pytest.mark.parametrize("target", ["cython", "cpp_standalone"])
@pytest.mark.parametrize("model_name", MODELS)
@settings(max_examples=12, **COMMON)
@given(data=st.data())
def test_compiled_targets_agree_with_the_reference(model_name, target, data):
    event(check_against_reference(model_name, target, data.draw(random_runs(model_name, 400))))
