"""An independent reference integrator: plain numpy forward Euler in the source's units.

This module is the package's witness. It imports neither brian2 nor the model equations:
each model's right-hand side is transcribed here from the source chapter directly, in the
source's units (v in mV, t in ms, C in µF/cm², g in mS/cm², I in µA/cm²), and vectorised
over a batch of neurons. The tests run every Brian2 model against it.

Models are found by the source's function name (``"neuron_func_1"`` … ``"neuron_func_7"``),
and the 2D reduction by ``"local_hh_dv_shape"`` (the dV/dt notebook's conventions) and
``"neuron_func_7_2d"`` (the variant consistent with neuron_func_7).
Parameter names are the package's (``g_Na``, ``E_K``, ``C_m``…), given as plain floats or
arrays in the units above; a gated model's temperature ``T`` is in degrees Celsius, and HH
1952's factor ``Q10**((T - 6.3)/10)`` multiplies every gating rate.

Examples
--------
>>> from hh_brian import reference
>>> out = reference.integrate("neuron_func_1", duration=100.0)
>>> out["v"].shape  # (neurons, steps)
(1, 10000)
>>> round(float(out["v"][0, 3999]), 6)  # end of the +30 uA/cm^2 step: E + I/g
-35.0
"""

from __future__ import annotations

import numpy as np

from ..core.traces import MAX_WIDTH_MS, MIN_HEIGHT_MV, spike_onsets

__all__ = ["MODELS", "integrate", "smoothed_noise", "source_protocol", "spike_times",
           "temperature_factor"]


def exprel(x):
    """(exp(x) - 1)/x, with its limit 1 at x = 0 (the HH rates' removable 0/0).

    Examples
    --------
    >>> exprel([0.0, 1e-12, 1.0]).round(8)
    array([1.        , 1.        , 1.71828183])
    """
    x = np.asarray(x, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(x == 0.0, 1.0, np.expm1(x) / np.where(x == 0.0, 1.0, x))


def _sigmoid_a(v):
    return 1 / (1 + 0.1 * np.exp(-0.1 * v))


def _sigmoid_inactivation(v):
    return -1 / (1.1 + 0.1 * np.exp(-0.1 * v)) + 1


def _sigmoid_activation(v):
    return 1 / (1 + 0.1 * np.exp(-0.5 * (v + 50.0)))


def _bell(v, mu, sig, peak):
    return peak * np.exp(-((v - mu) / sig) ** 2)


def temperature_factor(p) -> float:
    """HH 1952's factor on every gating rate at temperature ``p["T"]`` (degrees Celsius):
    ``Q10**((T - 6.3)/10)``, 1 at 6.3 degC, the temperature of their measurements.

    Examples
    --------
    >>> temperature_factor({"T": 16.3, "Q10": 3.0})
    3.0
    """
    return p["Q10"] ** ((p["T"] - 6.3) / 10.0) if "T" in p else 1.0


#: HH's temperature (degrees Celsius) and Q10 of the rates: the defaults of every gated model.
_TEMPERATURE = {"T": 6.3, "Q10": 3.0}


# Each source model's right-hand side is transcribed below on its own, as the chapter writes
# it, although consecutive steps share most of their lines: a witness that factored them
# would share its mistakes between steps.
class _Model:
    """One source model: defaults, gates, steady states, currents and derivatives."""

    defaults: dict
    gates: tuple = ()
    v_init = -65.0
    amplitude = 30.0
    duration = 100.0

    def steady_state(self, v, p) -> dict:
        return {}

    def currents(self, s, p) -> dict:
        raise NotImplementedError

    def gate_rates(self, s, p) -> dict:
        return {}

    def derivatives(self, s, I, p) -> dict:
        total = sum(self.currents(s, p).values())
        phi = temperature_factor(p)
        return {"v": (I - total) / p["C_m"],
                **{g: phi * rate for g, rate in self.gate_rates(s, p).items()}}


class _Func1(_Model):
    # dvdt = (I - g (v - E)) / C
    defaults = {"C_m": 1.0, "g_L": 1.0, "E_L": -65.0}

    def currents(self, s, p):
        return {"I_L": p["g_L"] * (s["v"] - p["E_L"])}


class _Func2(_Model):
    # dvdt = (I - g_a (v - E_a) - g_b (v - E_b)) / C
    defaults = {"C_m": 1.0, "g_a": 1.0, "E_a": -65.0, "g_b": 1.0, "E_b": 65.0}

    def currents(self, s, p):
        return {"I_a": p["g_a"] * (s["v"] - p["E_a"]), "I_b": p["g_b"] * (s["v"] - p["E_b"])}


class _Func3(_Model):
    # dvdt = (I - g_a_max a (v - E_a) - g_b (v - E_b)) / C; da/dt = (a_inf - a)/a_tau
    defaults = {"C_m": 1.0, "g_a": 20.0, "E_a": -65.0, "g_b": 1.0, "E_b": -65.0, **_TEMPERATURE}
    gates = ("a",)

    def steady_state(self, v, p):
        return {"a": _sigmoid_a(v)}

    def currents(self, s, p):
        return {"I_a": p["g_a"] * s["a"] * (s["v"] - p["E_a"]),
                "I_b": p["g_b"] * (s["v"] - p["E_b"])}

    def gate_rates(self, s, p):
        v = s["v"]
        return {"a": (_sigmoid_a(v) - s["a"]) / np.exp(-((v - -10.0) / 50.0) ** 2)}


class _Func4(_Model):
    defaults = {"C_m": 1.0, "g_a": 1.0, "E_a": 120.0, "g_b": 2.0, "E_b": -70.0, **_TEMPERATURE}
    gates = ("a", "b")
    duration = 200.0

    def steady_state(self, v, p):
        return {"a": _sigmoid_a(v), "b": _sigmoid_inactivation(v)}

    def currents(self, s, p):
        return {"I_a": p["g_a"] * s["a"] * (s["v"] - p["E_a"]),
                "I_b": p["g_b"] * s["b"] * (s["v"] - p["E_b"])}

    def gate_rates(self, s, p):
        v = s["v"]
        return {
            "a": (_sigmoid_a(v) - s["a"]) / _bell(v, -10.0, 60.0, 300 / 60.0),
            "b": (_sigmoid_inactivation(v) - s["b"]) / _bell(v, -10.0, 50.0, 300 / 50.0),
        }


class _Func5(_Model):
    defaults = {"C_m": 1.0, "g_a": 2.0, "E_a": 120.0, "g_b": 1.0, "E_b": -70.0, **_TEMPERATURE}
    gates = ("a_act", "a_inact")
    duration = 200.0

    def steady_state(self, v, p):
        return {"a_act": _sigmoid_activation(v), "a_inact": _sigmoid_inactivation(v)}

    def currents(self, s, p):
        return {"I_a": p["g_a"] * s["a_act"] ** 3 * s["a_inact"] * (s["v"] - p["E_a"]),
                "I_b": p["g_b"] * (s["v"] - p["E_b"])}

    def gate_rates(self, s, p):
        v = s["v"]
        return {
            "a_act": (_sigmoid_activation(v) - s["a_act"]) / _bell(v, -10.0, 60.0, 300 / 60.0),
            "a_inact": (_sigmoid_inactivation(v) - s["a_inact"])
            / _bell(v, -10.0, 50.0, 300 / 50.0),
        }


class _Func6(_Model):
    defaults = {"C_m": 1.0, "g_a": 2.0, "E_a": 120.0, "g_b": 5.0, "E_b": -70.0, **_TEMPERATURE}
    gates = ("a_act", "a_inact", "b")
    duration = 200.0

    @staticmethod
    def _b_inf(v):
        return 1 / (1.1 + 0.1 * np.exp(-0.09 * v))

    def steady_state(self, v, p):
        return {"a_act": _sigmoid_activation(v), "a_inact": _sigmoid_inactivation(v),
                "b": self._b_inf(v)}

    def currents(self, s, p):
        return {"I_a": p["g_a"] * s["a_act"] ** 3 * s["a_inact"] * (s["v"] - p["E_a"]),
                "I_b": p["g_b"] * s["b"] ** 4 * (s["v"] - p["E_b"])}

    def gate_rates(self, s, p):
        v = s["v"]
        return {
            "a_act": (_sigmoid_activation(v) - s["a_act"]) / _bell(v, -10.0, 60.0, 300 / 60.0),
            "a_inact": (_sigmoid_inactivation(v) - s["a_inact"])
            / _bell(v, -10.0, 50.0, 300 / 50.0),
            "b": (self._b_inf(v) - s["b"]) / _bell(v, 5.0, 50.0, 300 / 50.0),
        }


class _Func7(_Model):
    # Full HH; rates are functions of the depolarisation u = v - vr.
    defaults = {"C_m": 1.0, "g_K": 36.0, "E_K": -12 + -65.0, "g_Na": 120.0,
                "E_Na": 120 + -65.0, "g_L": 0.30, "E_L": 10.6 + -65.0, "v_rest": -65.0,
                **_TEMPERATURE}
    gates = ("n", "m", "h")
    amplitude = 5.0
    duration = 200.0

    @staticmethod
    def rates(u):
        """(alpha, beta) of n, m and h at depolarisation u (mV), in 1/ms."""
        return {
            "n": (0.1 / exprel((10.0 - u) / 10.0), 0.125 * np.exp(-u / 80.0)),
            "m": (1.0 / exprel((25.0 - u) / 10.0), 4.0 * np.exp(-u / 18.0)),
            "h": (0.07 * np.exp(-u / 20.0), 1.0 / (np.exp((30.0 - u) / 10.0) + 1.0)),
        }

    def steady_state(self, v, p):
        return {g: a / (a + b) for g, (a, b) in self.rates(v - p["v_rest"]).items()}

    def currents(self, s, p):
        return {"I_K": p["g_K"] * s["n"] ** 4 * (s["v"] - p["E_K"]),
                "I_Na": p["g_Na"] * s["m"] ** 3 * s["h"] * (s["v"] - p["E_Na"]),
                "I_L": p["g_L"] * (s["v"] - p["E_L"])}

    def gate_rates(self, s, p):
        # (x_inf - x) / tau_x with x_inf = alpha/(alpha + beta), tau_x = 1/(alpha + beta)
        return {g: (a / (a + b) - s[g]) / (1.0 / (a + b))
                for g, (a, b) in self.rates(s["v"] - p["v_rest"]).items()}


class _Reduced2D(_Model):
    """The dV/dt notebook's 2D HH: m = m_inf(V), h = 0.89 - 1.1 n, inward-positive currents.

    The notebook evaluates the rates at V itself (``shift`` 0); the variant consistent with
    neuron_func_7 evaluates them at V + 65 mV and uses HH's g_L of 0.3.
    """

    gates = ("n",)

    def __init__(self, shift, g_leak, v_init, duration, amplitude):
        E_shift = 65.0
        self.defaults = {"C_m": 1.0, "g_K": 36.0, "E_K": -12 - E_shift, "g_Na": 120.0,
                         "E_Na": 120 - E_shift, "g_L": g_leak, "E_L": 10.6 - E_shift,
                         "v_rest": shift, **_TEMPERATURE}
        self.v_init = v_init
        self.duration = duration
        self.amplitude = amplitude  # None: the notebook's noise is the default input

    @staticmethod
    def _m_inf(u):
        alpha = 1.0 / exprel((25.0 - u) / 10.0)  # 0.1 (25 - V) / (exp((25 - V)/10) - 1)
        beta = 4.0 * np.exp(-u / 18.0)
        return alpha / (alpha + beta)

    @staticmethod
    def _n_rates(u):
        return 0.1 / exprel((10.0 - u) / 10.0), 0.125 * np.exp(-u / 80.0)

    def steady_state(self, v, p):
        a, b = self._n_rates(v - p["v_rest"])
        return {"n": a / (a + b)}

    def currents(self, s, p):
        v, n = s["v"], s["n"]
        h = 0.89 - 1.1 * n
        return {"I_K": -p["g_K"] * n**4 * (v - p["E_K"]),
                "I_Na": -p["g_Na"] * self._m_inf(v - p["v_rest"]) ** 3 * h * (v - p["E_Na"]),
                "I_L": -p["g_L"] * (v - p["E_L"])}

    def derivatives(self, s, I, p):
        a, b = self._n_rates(s["v"] - p["v_rest"])
        dvdt = (I + sum(self.currents(s, p).values())) / p["C_m"]
        return {"v": dvdt, "n": temperature_factor(p) * (a / (a + b) - s["n"]) / (1 / (a + b))}


#: The source models by source name.
MODELS = {f"neuron_func_{k}": cls() for k, cls in
          enumerate((_Func1, _Func2, _Func3, _Func4, _Func5, _Func6, _Func7), start=1)}
MODELS["local_hh_dv_shape"] = _Reduced2D(shift=0.0, g_leak=0.03, v_init=-54.4,
                                          duration=2000.0, amplitude=None)
MODELS["neuron_func_7_2d"] = _Reduced2D(shift=-65.0, g_leak=0.3, v_init=-65.0,
                                         duration=200.0, amplitude=5.0)


def smoothed_noise(n_steps: int, dt: float = 0.01, amplitude: float = 140.0, sigma: float = 6.0,
                   seed: int = 1) -> np.ndarray:
    """The dV/dt notebook's input, in µA/cm² (1400 nA/mm² = 140 µA/cm²).

    ``randn`` after ``np.random.seed(seed)``, scaled, then convolved ("same") with a Gaussian
    window of standard deviation ``sigma`` ms and ``round(8 sigma/dt)`` samples, divided by
    that number of samples.

    Examples
    --------
    >>> I = smoothed_noise(200000)
    >>> I.shape, round(float(I.std()), 3)  # uA/cm^2: the notebook's 9.92 nA/mm^2
    ((200000,), 0.992)
    """
    from scipy.signal.windows import gaussian

    white = np.random.RandomState(seed).randn(n_steps) * amplitude
    M = round(2 * 4 * sigma / dt)
    return np.convolve(white, gaussian(M, std=sigma / dt) / M, "same")


def source_protocol(n_steps: int, amplitude: float) -> np.ndarray:
    """The source's input: ``I[n//5:2n//5] = A``, ``I[3n//5:4n//5] = -A``, in µA/cm².

    Examples
    --------
    >>> source_protocol(10, 5.0)
    array([ 0.,  0.,  5.,  5.,  0.,  0., -5., -5.,  0.,  0.])
    """
    I = np.zeros(n_steps)
    I[n_steps // 5:2 * n_steps // 5] = amplitude
    I[3 * n_steps // 5:4 * n_steps // 5] = -amplitude
    return I


def integrate(model: str, duration: float | None = None, current=None, *, dt: float = 0.01,
              params: dict | None = None, initial: dict | None = None) -> dict:
    """Integrate a source model with forward Euler, vectorised over a batch.

    Parameters
    ----------
    model : str
        Source name, ``"neuron_func_1"`` … ``"neuron_func_7"``.
    duration : float, optional
        In ms; default the source's (100 or 200 ms). Must be a whole number of ``dt``.
    current : float or array, optional
        In µA/cm²: a constant, one sample per step ``(n_steps,)``, or one row per neuron
        ``(N, n_steps)``. Sample k acts during step k. Default: the source protocol.
    dt : float
        Step in ms (default 0.01).
    params : dict, optional
        Overrides, floats or 1-D arrays (one value per neuron), in source units.
    initial : dict, optional
        Initial values; ``v`` defaults to -65 mV and gates not given to their steady state.

    Returns
    -------
    dict of str to ndarray
        ``t`` (ms, shape ``(n_steps,)``), then ``v``, each gate, each current and ``I_stim``,
        each of shape ``(N, n_steps)``; sample 0 is the initial state.

    Examples
    --------
    >>> out = integrate("neuron_func_7", 50.0, 10.0, params={"g_Na": [100.0, 120.0]})
    >>> out["v"].shape, [len(s) for s in spike_times(out)]
    ((2, 5000), [3, 4])
    """
    if model not in MODELS:
        raise ValueError(f"model: unknown source model {model!r}; valid: {', '.join(MODELS)}")
    spec = MODELS[model]
    duration = spec.duration if duration is None else float(duration)
    n_steps = int(round(duration / dt))
    if n_steps < 1 or abs(n_steps * dt - duration) > 1e-9 * duration:
        raise ValueError(f"duration: {duration} ms is not a whole number of steps of {dt} ms")
    unknown = set(params or {}) - set(spec.defaults)
    if unknown:
        raise ValueError(f"params: unknown {sorted(unknown)}; valid: {sorted(spec.defaults)}")
    p = {**spec.defaults, **(params or {})}
    p = {k: np.asarray(v, dtype=float) for k, v in p.items()}

    if current is None:
        if spec.amplitude is None:
            current = smoothed_noise(n_steps, dt)
        else:
            current = source_protocol(n_steps, spec.amplitude)
    I = np.asarray(current, dtype=float)
    if I.ndim == 0:
        I = np.full(n_steps, float(I))
    if I.shape[-1] != n_steps:
        raise ValueError(f"current: expected {n_steps} samples per neuron, got {I.shape[-1]}")

    initial = dict(initial or {})
    sizes = {np.size(x) for x in [*p.values(), *initial.values()] if np.ndim(x) == 1}
    if I.ndim == 2:
        sizes.add(I.shape[0])
    if len(sizes) > 1:
        raise ValueError(f"batch: per-neuron arrays disagree in length: {sorted(sizes)}")
    N = sizes.pop() if sizes else 1
    I = np.broadcast_to(I, (N, n_steps))

    v0 = np.broadcast_to(np.asarray(initial.get("v", spec.v_init), dtype=float), (N,))
    state = {"v": v0.copy()}
    steady = spec.steady_state(v0, p)
    for gate in spec.gates:
        start = initial.get(gate, steady[gate])
        state[gate] = np.broadcast_to(np.asarray(start, dtype=float), (N,)).copy()

    names = ("v",) + spec.gates
    current_names = tuple(spec.currents(state, p))
    out = {name: np.empty((N, n_steps)) for name in names + current_names}
    for k in range(n_steps):
        for name in names:
            out[name][:, k] = state[name]
        for name, value in spec.currents(state, p).items():
            out[name][:, k] = value
        if k == n_steps - 1:
            break
        rates = spec.derivatives(state, I[:, k], p)
        state = {name: state[name] + rates[name] * dt for name in names}
    out["I_stim"] = np.array(I)
    out["t"] = np.arange(n_steps) * dt
    return out


def spike_times(result: dict, threshold: float = 0.0) -> list[np.ndarray]:
    """Spike times (ms) of each neuron's v: the package's definition of a spike
    (:mod:`hh_brian.core.traces`), with ``threshold`` in mV.

    Examples
    --------
    >>> spike_times(integrate("neuron_func_7"))[0].round(2)
    array([ 42.91, 164.67])
    """
    return [spike_onsets(row, result["t"], threshold, MAX_WIDTH_MS, MIN_HEIGHT_MV)
            for row in result["v"]]
