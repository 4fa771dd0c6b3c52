"""The models: the step-by-step construction of Hodgkin–Huxley, and its 2D reductions.

This module is the catalogue and nothing else: each model's Brian2 equations, parameters
and description, read top to bottom. What a model is (:class:`~hh_brian.model.Model`, its
checks, its LaTeX, its diff and the registry) lives in :mod:`hh_brian.model`. Each model is
a value: a Brian2 equation string with physical units, its default parameters as
quantities, the rule for its initial state, and what it teaches. The seven
models reproduce ``neuron_func_1`` … ``neuron_func_7`` of the source chapter, in order; each
adds one ingredient to the previous one, so that a reader who sets model *k* beside model
*k + 1* sees exactly what that step adds.

Each model's equations are written out whole, repeating the lines it shares with the step
before, on purpose: a model is read as one block, and the difference between two steps is
exactly what :meth:`~hh_brian.model.Model.diff` shows.

Conventions shared by every model here:

* ``v`` is the membrane potential; every membrane current is written outward-positive,
  ``I_x = g_x * (gates) * (v - E_x)``, and ``C_m dv/dt = I_stim - sum of currents``.
* ``I_stim`` is the injected current density; :func:`hh_brian.simulate` defines it from the
  stimulus, so it is used but not defined in the equations below.
* Every parameter is a per-neuron constant, so a batch of neurons can differ in any of them.
* The source is unitless; it is read with v in mV, t and time constants in ms, C in µF/cm²,
  g in mS/cm² and I in µA/cm².
"""

from __future__ import annotations

from brian2 import cm, mm, mS, ms, mV, nA, second, uA, uF

from ._compat import moved_names
from .core.ranges import Interval
from .core.units import celsius
from .model.core import Model, register
from .stimuli import protocol, smoothed_noise

__all__ = ["GATED_CONDUCTANCE", "HH_2D_REDUCTION", "HH_2D_REDUCTION_MODEL7", "HODGKIN_HUXLEY",
           "INACTIVATING_AND_DELAYED_CONDUCTANCES", "INACTIVATING_CONDUCTANCE",
           "PASSIVE_MEMBRANE", "TWO_CONDUCTANCES", "TWO_GATED_CONDUCTANCES"]


# Units of the source chapter, applied to its unitless numbers.
_uF_cm2 = uF / cm**2
_mS_cm2 = mS / cm**2
_uA_cm2 = uA / cm**2

# Every model with gates has a temperature: HH's own (6.3 degC) and their Q10 of the rates by
# default. A Q10 lies between 1 (rates that ignore temperature) and 6 (steeper than any
# channel's measured).
_TEMPERATURE = {"T": celsius(6.3), "Q10": 3.0}
_TEMPERATURE_RANGES = {"Q10": Interval(1.0, 6.0)}

PASSIVE_MEMBRANE = Model(
    name="passive_membrane",
    source_name="neuron_func_1",
    title="Passive membrane",
    equations="""
dv/dt = (I_stim - I_L) / C_m : volt
I_L = g_L * (v - E_L) : amp/meter**2
C_m : farad/meter**2 (constant)
g_L : siemens/meter**2 (constant)
E_L : volt (constant)
""",
    params={"C_m": 1 * _uF_cm2, "g_L": 1 * _mS_cm2, "E_L": -65 * mV},
    gates={},
    currents=("I_L",),
    v_init=-65 * mV,
    default_current=protocol(30 * _uA_cm2),
    duration=100 * ms,
    adds="a capacitor charged through one leak conductance",
    description=(
        "A capacitor in parallel with a single leak conductance. It rests at the leak's "
        "reversal potential E_L and relaxes to E_L + I/g_L with time constant C_m/g_L "
        "(1 ms): a fine picture of sub-threshold responses, but nothing like an action "
        "potential, because the membrane has no way to amplify a depolarisation."
    ),
    source_symbols={"C_m": "C", "g_L": "g", "E_L": "E", "v_init": "vr"},
)

TWO_CONDUCTANCES = Model(
    name="two_conductances",
    source_name="neuron_func_2",
    title="Two passive conductances",
    equations="""
dv/dt = (I_stim - I_a - I_b) / C_m : volt
I_a = g_a * (v - E_a) : amp/meter**2
I_b = g_b * (v - E_b) : amp/meter**2
C_m : farad/meter**2 (constant)
g_a : siemens/meter**2 (constant)
E_a : volt (constant)
g_b : siemens/meter**2 (constant)
E_b : volt (constant)
""",
    params={
        "C_m": 1 * _uF_cm2,
        "g_a": 1 * _mS_cm2,
        "E_a": -65 * mV,
        "g_b": 1 * _mS_cm2,
        "E_b": 65 * mV,
    },
    gates={},
    currents=("I_a", "I_b"),
    v_init=-65 * mV,
    default_current=protocol(30 * _uA_cm2),
    duration=100 * ms,
    adds="a second fixed conductance with its own reversal potential",
    description=(
        "Two fixed conductances pulling towards different reversal potentials. The rest "
        "lies between them, weighted by the conductances: (g_a E_a + g_b E_b)/(g_a + g_b), "
        "0 mV with the defaults. Still linear, so still only sub-threshold behaviour and "
        "nothing like an action potential."
    ),
    source_symbols={"C_m": "C", "v_init": "vr"},
)

GATED_CONDUCTANCE = Model(
    name="gated_conductance",
    source_name="neuron_func_3",
    title="One voltage-gated conductance",
    equations="""
dv/dt = (I_stim - I_a - I_b) / C_m : volt
I_a = g_a * a * (v - E_a) : amp/meter**2
I_b = g_b * (v - E_b) : amp/meter**2
da/dt = (a_inf - a) / tau_a : 1
a_inf = 1 / (1 + 0.1 * exp(-v / (10*mV))) : 1
tau_a = 1*ms * exp(-((v + 10*mV) / (50*mV))**2) / phi : second
# Temperature, as in HH 1952: every rate scales by phi = Q10**((T - 6.3 degC)/(10 K)), so
# every gate's time constant is divided by phi; conductances and reversal potentials do not
# change. 279.45 K is 6.3 degC, the temperature of HH's measurements: there phi is 1.
phi = Q10**((T - 279.45*kelvin) / (10*kelvin)) : 1
C_m : farad/meter**2 (constant)
g_a : siemens/meter**2 (constant)
E_a : volt (constant)
g_b : siemens/meter**2 (constant)
E_b : volt (constant)
T : kelvin (constant)
Q10 : 1 (constant)
""",
    # Kept from the source: E_a = E_b = -65 mV, so the gated conductance can only pull v
    # back to rest; it amplifies nothing despite what the source's note hopes for.
    params={
        "C_m": 1 * _uF_cm2,
        "g_a": 20 * _mS_cm2,
        "E_a": -65 * mV,
        "g_b": 1 * _mS_cm2,
        "E_b": -65 * mV,
        **_TEMPERATURE,
    },
    ranges=_TEMPERATURE_RANGES,
    gates={"a": ("a_inf", "tau_a")},
    currents=("I_a", "I_b"),
    v_init=-65 * mV,
    default_current=protocol(30 * _uA_cm2),
    duration=100 * ms,
    adds="a conductance gated by a voltage-dependent variable a (sigmoid a_inf, bell-shaped tau_a)",
    description=(
        "The first conductance now opens with depolarisation: a relaxes to a sigmoid "
        "a_inf(v) with a bell-shaped time constant tau_a(v). The source keeps E_a = E_b = "
        "-65 mV, so both currents pull towards rest; the gated one only makes the membrane "
        "leakier when depolarised, and the response to the +30 uA/cm^2 step stays far "
        "below 0 mV. To amplify a depolarisation the gated current must reverse above rest "
        "(next step); and nothing yet brings v back once it has risen."
    ),
    source_symbols={"C_m": "C", "g_a": "g_a_max", "a": "g_a", "v_init": "vr"},
)

TWO_GATED_CONDUCTANCES = Model(
    name="two_gated_conductances",
    source_name="neuron_func_4",
    title="Two gated conductances",
    equations="""
dv/dt = (I_stim - I_a - I_b) / C_m : volt
I_a = g_a * a * (v - E_a) : amp/meter**2
I_b = g_b * b * (v - E_b) : amp/meter**2
da/dt = (a_inf - a) / tau_a : 1
db/dt = (b_inf - b) / tau_b : 1
a_inf = 1 / (1 + 0.1 * exp(-v / (10*mV))) : 1
b_inf = 1 - 1 / (1.1 + 0.1 * exp(-v / (10*mV))) : 1
# Source quirk kept: the bell's peak is 300/sigma ms, so its width sets its height too.
tau_a = (300 / 60) * ms * exp(-((v + 10*mV) / (60*mV))**2) / phi : second
tau_b = (300 / 50) * ms * exp(-((v + 10*mV) / (50*mV))**2) / phi : second
# Temperature, as in HH 1952: every rate scales by phi = Q10**((T - 6.3 degC)/(10 K)), so
# every gate's time constant is divided by phi; conductances and reversal potentials do not
# change. 279.45 K is 6.3 degC, the temperature of HH's measurements: there phi is 1.
phi = Q10**((T - 279.45*kelvin) / (10*kelvin)) : 1
C_m : farad/meter**2 (constant)
g_a : siemens/meter**2 (constant)
E_a : volt (constant)
g_b : siemens/meter**2 (constant)
E_b : volt (constant)
T : kelvin (constant)
Q10 : 1 (constant)
""",
    params={
        "C_m": 1 * _uF_cm2,
        "g_a": 1 * _mS_cm2,
        "E_a": 120 * mV,
        "g_b": 2 * _mS_cm2,
        "E_b": -70 * mV,
        **_TEMPERATURE,
    },
    ranges=_TEMPERATURE_RANGES,
    gates={"a": ("a_inf", "tau_a"), "b": ("b_inf", "tau_b")},
    currents=("I_a", "I_b"),
    v_init=-65 * mV,
    default_current=protocol(30 * _uA_cm2),
    duration=200 * ms,
    adds="an excitatory reversal potential (E_a = 120 mV) and a second, gated conductance b",
    description=(
        "The gated conductance a now reverses far above rest, so opening it depolarises, "
        "and the second conductance b (reversing at -70 mV) is gated too; its gate closes "
        "with depolarisation, which also depolarises. Both effects are regenerative, but "
        "the gates relax with time constants of several ms (the bell peaks at 300/sigma = "
        "5 and 6 ms) and g_a is small: the +30 uA/cm^2 step lifts v to about -51 mV within "
        "5 ms, then v creeps up to -42 mV by the step's end, not a spike, and v falls back "
        "to rest near E_b only over milliseconds once the step ends. Far too slow to be an "
        "action potential."
    ),
    source_symbols={"C_m": "C", "g_a": "g_a_max", "g_b": "g_b_max", "a": "g_a", "b": "g_b",
                    "v_init": "vr"},
)

INACTIVATING_CONDUCTANCE = Model(
    name="inactivating_conductance",
    source_name="neuron_func_5",
    title="Transient conductance: activation and inactivation",
    equations="""
dv/dt = (I_stim - I_a - I_b) / C_m : volt
I_a = g_a * a_act**3 * a_inact * (v - E_a) : amp/meter**2
# Kept from the source: the second conductance is ungated here.
I_b = g_b * (v - E_b) : amp/meter**2
da_act/dt = (a_act_inf - a_act) / tau_a_act : 1
da_inact/dt = (a_inact_inf - a_inact) / tau_a_inact : 1
a_act_inf = 1 / (1 + 0.1 * exp(-(v + 50*mV) / (2*mV))) : 1
a_inact_inf = 1 - 1 / (1.1 + 0.1 * exp(-v / (10*mV))) : 1
# Source quirk kept: the bell's peak is 300/sigma ms, so its width sets its height too.
tau_a_act = (300 / 60) * ms * exp(-((v + 10*mV) / (60*mV))**2) / phi : second
tau_a_inact = (300 / 50) * ms * exp(-((v + 10*mV) / (50*mV))**2) / phi : second
# Temperature, as in HH 1952: every rate scales by phi = Q10**((T - 6.3 degC)/(10 K)), so
# every gate's time constant is divided by phi; conductances and reversal potentials do not
# change. 279.45 K is 6.3 degC, the temperature of HH's measurements: there phi is 1.
phi = Q10**((T - 279.45*kelvin) / (10*kelvin)) : 1
C_m : farad/meter**2 (constant)
g_a : siemens/meter**2 (constant)
E_a : volt (constant)
g_b : siemens/meter**2 (constant)
E_b : volt (constant)
T : kelvin (constant)
Q10 : 1 (constant)
""",
    params={
        "C_m": 1 * _uF_cm2,
        "g_a": 2 * _mS_cm2,
        "E_a": 120 * mV,
        "g_b": 1 * _mS_cm2,
        "E_b": -70 * mV,
        **_TEMPERATURE,
    },
    ranges=_TEMPERATURE_RANGES,
    gates={"a_act": ("a_act_inf", "tau_a_act"), "a_inact": ("a_inact_inf", "tau_a_inact")},
    currents=("I_a", "I_b"),
    v_init=-65 * mV,
    default_current=protocol(30 * _uA_cm2),
    duration=200 * ms,
    adds="the excitatory conductance splits into activation a_act**3 and inactivation a_inact",
    description=(
        "The excitatory conductance is now gated by a steep activation gate (cubed, as in "
        "HH's m**3) and an inactivation gate, so it can open fast and switch itself off. "
        "At the onset of the +30 uA/cm^2 step v shoots up to about +14 mV. But the "
        "inactivation's steady state never falls below 1 - 1/1.1 = 0.09 and the activation "
        "stays fully open above -45 mV, so a persistent inward current remains; the "
        "ungated conductance (the source leaves it ungated) cannot pull v back, and the "
        "membrane stays depolarised near 0 mV, even after the step ends: it is bistable, "
        "not excitable. Something must add outward current when v is high."
    ),
    source_symbols={"C_m": "C", "g_a": "g_a_max", "g_b": "g_b_max", "a_act": "g_a_act",
                    "a_inact": "g_a_inact", "v_init": "vr"},
)

INACTIVATING_AND_DELAYED_CONDUCTANCES = Model(
    name="inactivating_and_delayed_conductances",
    source_name="neuron_func_6",
    title="Transient conductance plus a delayed, gated recovery",
    equations="""
dv/dt = (I_stim - I_a - I_b) / C_m : volt
I_a = g_a * a_act**3 * a_inact * (v - E_a) : amp/meter**2
I_b = g_b * b**4 * (v - E_b) : amp/meter**2
da_act/dt = (a_act_inf - a_act) / tau_a_act : 1
da_inact/dt = (a_inact_inf - a_inact) / tau_a_inact : 1
db/dt = (b_inf - b) / tau_b : 1
a_act_inf = 1 / (1 + 0.1 * exp(-(v + 50*mV) / (2*mV))) : 1
a_inact_inf = 1 - 1 / (1.1 + 0.1 * exp(-v / (10*mV))) : 1
b_inf = 1 / (1.1 + 0.1 * exp(-0.09 * v / mV)) : 1
# Source quirk kept: the bell's peak is 300/sigma ms, so its width sets its height too.
tau_a_act = (300 / 60) * ms * exp(-((v + 10*mV) / (60*mV))**2) / phi : second
tau_a_inact = (300 / 50) * ms * exp(-((v + 10*mV) / (50*mV))**2) / phi : second
tau_b = (300 / 50) * ms * exp(-((v - 5*mV) / (50*mV))**2) / phi : second
# Temperature, as in HH 1952: every rate scales by phi = Q10**((T - 6.3 degC)/(10 K)), so
# every gate's time constant is divided by phi; conductances and reversal potentials do not
# change. 279.45 K is 6.3 degC, the temperature of HH's measurements: there phi is 1.
phi = Q10**((T - 279.45*kelvin) / (10*kelvin)) : 1
C_m : farad/meter**2 (constant)
g_a : siemens/meter**2 (constant)
E_a : volt (constant)
g_b : siemens/meter**2 (constant)
E_b : volt (constant)
T : kelvin (constant)
Q10 : 1 (constant)
""",
    params={
        "C_m": 1 * _uF_cm2,
        "g_a": 2 * _mS_cm2,
        "E_a": 120 * mV,
        "g_b": 5 * _mS_cm2,
        "E_b": -70 * mV,
        **_TEMPERATURE,
    },
    ranges=_TEMPERATURE_RANGES,
    gates={
        "a_act": ("a_act_inf", "tau_a_act"),
        "a_inact": ("a_inact_inf", "tau_a_inact"),
        "b": ("b_inf", "tau_b"),
    },
    currents=("I_a", "I_b"),
    v_init=-65 * mV,
    default_current=protocol(30 * _uA_cm2),
    duration=200 * ms,
    adds="the repolarising conductance gets its own delayed activation gate b**4",
    description=(
        "The repolarising conductance is now gated too (b**4, like HH's n**4): it opens "
        "with a delay after a depolarisation and, with inactivation, ends the upstroke. The "
        "step's onset now gives a real-looking action potential overshooting to about "
        "+64 mV and repolarising within a few ms. But the made-up gate functions leave the "
        "same persistent inward current as before, so after that one spike v settles on a "
        "plateau near -10 mV and stays there, through and after the step. The structure is "
        "HH's; the gate functions, picked by eye, are not: the next step uses the rates "
        "Hodgkin and Huxley measured."
    ),
    source_symbols={"C_m": "C", "g_a": "g_a_max", "g_b": "g_b_max", "a_act": "g_a_act",
                    "a_inact": "g_a_inact", "b": "g_b", "v_init": "vr"},
)

HODGKIN_HUXLEY = Model(
    name="hodgkin_huxley",
    source_name="neuron_func_7",
    title="Hodgkin–Huxley 1952 (squid giant axon)",
    equations="""
dv/dt = (I_stim - I_K - I_Na - I_L) / C_m : volt
I_K = g_K * n**4 * (v - E_K) : amp/meter**2
I_Na = g_Na * m**3 * h * (v - E_Na) : amp/meter**2
I_L = g_L * (v - E_L) : amp/meter**2
dn/dt = (n_inf - n) / tau_n : 1
dm/dt = (m_inf - m) / tau_m : 1
dh/dt = (h_inf - h) / tau_h : 1
# The 1952 rates are functions of the depolarisation from rest, as in the source.
u = v - v_rest : volt
# alpha_n and alpha_m are 0/0 at u = 10 mV and u = 25 mV; exprel gives the finite limit.
alpha_n = (0.1/ms) / exprel((10*mV - u) / (10*mV)) : Hz
beta_n = (0.125/ms) * exp(-u / (80*mV)) : Hz
alpha_m = (1/ms) / exprel((25*mV - u) / (10*mV)) : Hz
beta_m = (4/ms) * exp(-u / (18*mV)) : Hz
alpha_h = (0.07/ms) * exp(-u / (20*mV)) : Hz
beta_h = (1/ms) / (exp((30*mV - u) / (10*mV)) + 1) : Hz
n_inf = alpha_n / (alpha_n + beta_n) : 1
tau_n = 1 / (phi * (alpha_n + beta_n)) : second
m_inf = alpha_m / (alpha_m + beta_m) : 1
tau_m = 1 / (phi * (alpha_m + beta_m)) : second
h_inf = alpha_h / (alpha_h + beta_h) : 1
tau_h = 1 / (phi * (alpha_h + beta_h)) : second
# Temperature, as in HH 1952: every rate scales by phi = Q10**((T - 6.3 degC)/(10 K)), so
# every gate's time constant is divided by phi; conductances and reversal potentials do not
# change. 279.45 K is 6.3 degC, the temperature of HH's measurements: there phi is 1.
phi = Q10**((T - 279.45*kelvin) / (10*kelvin)) : 1
C_m : farad/meter**2 (constant)
g_K : siemens/meter**2 (constant)
E_K : volt (constant)
g_Na : siemens/meter**2 (constant)
E_Na : volt (constant)
g_L : siemens/meter**2 (constant)
E_L : volt (constant)
v_rest : volt (constant)
T : kelvin (constant)
Q10 : 1 (constant)
""",
    params={
        "C_m": 1 * _uF_cm2,
        "g_K": 36 * _mS_cm2,
        "E_K": (-12 - 65) * mV,
        "g_Na": 120 * _mS_cm2,
        "E_Na": (120 - 65) * mV,
        "g_L": 0.3 * _mS_cm2,
        "E_L": (10.6 - 65) * mV,
        "v_rest": -65 * mV,
        **_TEMPERATURE,
    },
    ranges=_TEMPERATURE_RANGES,
    gates={"n": ("n_inf", "tau_n"), "m": ("m_inf", "tau_m"), "h": ("h_inf", "tau_h")},
    currents=("I_K", "I_Na", "I_L"),
    v_init=-65 * mV,
    default_current=protocol(5 * _uA_cm2),
    duration=200 * ms,
    adds="the measured 1952 rate functions for n, m and h (K: n**4; Na: m**3 h; leak)",
    description=(
        "Full Hodgkin-Huxley: potassium with four activation gates n, sodium with three "
        "fast activation gates m and one slow inactivation gate h, and a leak, with the "
        "rate functions Hodgkin and Huxley fitted to the squid giant axon, written as "
        "functions of the depolarisation v - v_rest. It fires one spike at the onset of "
        "the +5 uA/cm^2 step, then shows damped oscillations (5 uA/cm^2 is below its "
        "threshold for repetitive firing), stays silent through the -5 uA/cm^2 step, and "
        "fires a rebound spike when that step ends (anode break: hyperpolarisation had "
        "removed Na inactivation and closed K channels). Its limits are those of any "
        "conductance-based model: parameters are hard to measure, and the fit holds for "
        "the squid axon and the protocols it came from."
    ),
    source_symbols={"C_m": "C", "g_K": "g_k", "E_K": "E_k", "g_Na": "g_na", "E_Na": "E_na",
                    "g_L": "g_leak", "E_L": "E_leak", "v_rest": "vr", "v_init": "vr"},
)

# The 2D reduction of HH analysed in the dV/dt notebook (Izhikevich 2007, sec. 5.2):
# m is instantaneous (m = m_inf(v)) and h is tied to n (h = 0.89 - 1.1 n).
_REDUCED_2D_EQUATIONS = """
# Currents are inward-positive, as in the source: a positive current depolarises.
dv/dt = (I_stim + I_K + I_Na + I_L) / C_m : volt
I_K = -g_K * n**4 * (v - E_K) : amp/meter**2
I_Na = -g_Na * m_inf**3 * h * (v - E_Na) : amp/meter**2
I_L = -g_L * (v - E_L) : amp/meter**2
# The reduction: sodium activation is instantaneous and inactivation follows n.
h = 0.89 - 1.1 * n : 1
dn/dt = (n_inf - n) / tau_n : 1
# HH 1952 rates as functions of u = v - v_rest; v_rest = 0 mV evaluates them at v itself.
u = v - v_rest : volt
alpha_m = (1/ms) / exprel((25*mV - u) / (10*mV)) : Hz
beta_m = (4/ms) * exp(-u / (18*mV)) : Hz
m_inf = alpha_m / (alpha_m + beta_m) : 1
alpha_n = (0.1/ms) / exprel((10*mV - u) / (10*mV)) : Hz
beta_n = (0.125/ms) * exp(-u / (80*mV)) : Hz
n_inf = alpha_n / (alpha_n + beta_n) : 1
tau_n = 1 / (phi * (alpha_n + beta_n)) : second
# Temperature, as in HH 1952: every rate scales by phi = Q10**((T - 6.3 degC)/(10 K)), so
# every gate's time constant is divided by phi; conductances and reversal potentials do not
# change. 279.45 K is 6.3 degC, the temperature of HH's measurements: there phi is 1.
phi = Q10**((T - 279.45*kelvin) / (10*kelvin)) : 1
C_m : farad/meter**2 (constant)
g_K : siemens/meter**2 (constant)
E_K : volt (constant)
g_Na : siemens/meter**2 (constant)
E_Na : volt (constant)
g_L : siemens/meter**2 (constant)
E_L : volt (constant)
v_rest : volt (constant)
T : kelvin (constant)
Q10 : 1 (constant)
"""

_E_SHIFT = 65 * mV  # the source's E_shift: reversal potentials are HH's, moved down by it

HH_2D_REDUCTION = Model(
    name="hh_2d_reduction",
    source_name="local_hh_dv_shape",
    title="Hodgkin–Huxley reduced to 2D (the dV/dt notebook's convention)",
    equations=_REDUCED_2D_EQUATIONS,
    params={
        "C_m": 1 * _uF_cm2,
        "g_K": 36 * _mS_cm2,
        "E_K": -12 * mV - _E_SHIFT,
        "g_Na": 120 * _mS_cm2,
        "E_Na": 120 * mV - _E_SHIFT,
        # Kept from the source: g_L is 0.03, a tenth of HH's 0.3 mS/cm^2.
        "g_L": 0.03 * _mS_cm2,
        "E_L": 10.6 * mV - _E_SHIFT,
        # Kept from the source: the rates are evaluated at v itself, without the 65 mV shift
        # that the reversal potentials received.
        "v_rest": 0 * mV,
        **_TEMPERATURE,
    },
    ranges=_TEMPERATURE_RANGES,
    gates={"n": ("n_inf", "tau_n")},
    currents=("I_K", "I_Na", "I_L"),
    v_init=-54.4 * mV,
    default_current=smoothed_noise(1400 * nA / mm**2, sigma=6 * ms, seed=1),
    duration=2 * second,
    adds="HH reduced to (v, n): m = m_inf(v), h = 0.89 - 1.1 n",
    description=(
        "Hodgkin-Huxley reduced to two variables, as in the dV/dt notebook: sodium "
        "activation is instantaneous (m = m_inf(v)) and inactivation follows potassium "
        "activation (h = 0.89 - 1.1 n). The notebook's conventions are kept: currents are "
        "inward-positive (I_K = -g_K n**4 (v - E_K)), the reversal potentials are HH's "
        "moved down by E_shift = 65 mV (E_K = -77, E_Na = 55, E_L = -54.4 mV), but the rate "
        "functions are evaluated at v without that shift (v_rest = 0 mV) and g_L is 0.03 "
        "mS/cm^2. With n held at 0 and no input, dV/dt(v) has a stable node at -54.4 mV and "
        "an unstable one at 2.0 mV; they meet in a fold as the input grows to 13.5 nA/mm^2 "
        "(1.35 uA/cm^2). Its default input is the notebook's noise: white noise of "
        "1400 nA/mm^2, seed 1, smoothed by a Gaussian window of sigma = 6 ms, for 2 s."
    ),
    source_symbols={"C_m": "c", "v": "V"},
)

HH_2D_REDUCTION_MODEL7 = Model(
    name="hh_2d_reduction_model7",
    source_name="neuron_func_7_2d",
    title="Hodgkin–Huxley reduced to 2D, consistent with model 7",
    equations=_REDUCED_2D_EQUATIONS,
    params={**HH_2D_REDUCTION.params, "g_L": 0.3 * _mS_cm2, "v_rest": -65 * mV},
    gates={"n": ("n_inf", "tau_n")},
    currents=("I_K", "I_Na", "I_L"),
    ranges=_TEMPERATURE_RANGES,
    v_init=-65 * mV,
    default_current=protocol(5 * _uA_cm2),
    duration=200 * ms,
    adds="the same reduction with model 7's conventions: rates at v + 65 mV, g_L 0.3 mS/cm^2",
    description=(
        "The same 2D reduction (m = m_inf(v), h = 0.89 - 1.1 n, inward-positive currents) "
        "with the conventions of model 7 (neuron_func_7): the rates take the depolarisation "
        "v - v_rest with v_rest = -65 mV and g_L is HH's 0.3 mS/cm^2, so its gates and "
        "resting state match full HH. The notebook's version evaluates the rates 65 mV off "
        "and uses a tenth of the leak, which moves its rest, threshold and fold; "
        "hh_brian.analysis gives the numbers for both."
    ),
    source_symbols={"C_m": "c", "v": "V"},
)


#: The parameters of HH 1952 that differ from model 7's: E_Na 115 mV above rest (the
#: chapter's model 7 takes 55 mV). Their E_K (12 mV below rest) and E_L (10.6 mV above) are
#: model 7's -77 mV and -54.4 mV. The bifurcation diagrams and the propagated action
#: potential use them to compare with the paper.
HH_1952 = {"E_Na": 50 * mV}


#: The catalogue, in the order of the construction: each model is registered under its name
#: and its source name (hh_brian.get_model finds it by either).
for _model in (
    PASSIVE_MEMBRANE,
    TWO_CONDUCTANCES,
    GATED_CONDUCTANCE,
    TWO_GATED_CONDUCTANCES,
    INACTIVATING_CONDUCTANCE,
    INACTIVATING_AND_DELAYED_CONDUCTANCES,
    HODGKIN_HUXLEY,
    HH_2D_REDUCTION,
    HH_2D_REDUCTION_MODEL7,
):
    register(_model)


# Names that lived here before the package was regrouped: found, with a warning, for one
# release (hh_brian._compat).
__getattr__ = moved_names(__name__)
