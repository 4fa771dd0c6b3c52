"""Compile one standalone project (run as ``python -m hh_brian._standalone_build FOLDER``).

Reads ``FOLDER/build.json`` (written by :mod:`hh_brian.standalone`), builds the network with
Brian2's C++ standalone device in this fresh process, compiles it into FOLDER without
running it, and writes ``FOLDER/manifest.json``: which result file holds which trace. Values
(parameters, initial state, input samples) are not part of the build; every run passes them
to the binary on its command line.
"""

import json
import pathlib
import sys

import numpy as np


# Brian2's C++ exprel returns early for |x| < 1e-16 and x > 717; those branches keep gcc from
# vectorising the loop. Written as one select, the compiler can: expm1(x)/x already gives 1.0
# for 0 < |x| < 1e-16 (the error x/2 is below half an ulp) and inf for large x.
_EXPREL = """
static inline double _exprel(double x)
{
    return x == 0.0 ? 1.0 : expm1(x) / x;
}
"""


def _vectorisable_exprel():
    from brian2.codegen.generators.cpp_generator import CPPCodeGenerator
    from brian2.core.functions import DEFAULT_FUNCTIONS

    DEFAULT_FUNCTIONS["exprel"].implementations.add_implementation(
        CPPCodeGenerator, code=_EXPREL, name="_exprel")


def _vectorise_state_update(folder: pathlib.Path) -> None:
    """Mark the per-neuron loop of the state update as a SIMD loop.

    Its iterations are independent (one neuron each), but gcc cannot prove that the
    parameter and state arrays do not overlap and leaves the loop scalar; with the pragma it
    vectorises it, calling glibc's vector exp/expm1.
    """
    path = folder / "code_objects" / "neurons_stateupdater_codeobject.cpp"
    code = path.read_text()
    loop = "for(int _idx=0; _idx<_N; _idx++)"
    if code.count(loop) != 1:
        raise RuntimeError(f"unexpected state-update code in {path}: cannot mark its loop")
    if "#pragma omp parallel for schedule(static)" in code:
        code = code.replace("#pragma omp parallel for schedule(static)",
                            "#pragma omp parallel for simd schedule(static)", 1)
    else:
        code = code.replace(loop, "#pragma omp simd\n    " + loop, 1)
    path.write_text(code)


def main(folder: pathlib.Path) -> None:
    build = json.loads((folder / "build.json").read_text())
    from brian2 import (Clock, Equations, Network, NeuronGroup, SpikeMonitor, StateMonitor,
                        TimedArray, device, prefs, second, set_device)
    from brian2.units.fundamentalunits import get_dimensions

    _vectorisable_exprel()
    prefs.codegen.cpp.extra_compile_args_gcc = list(build["flags"])
    prefs.devices.cpp_standalone.openmp_threads = int(build["threads"])
    set_device("cpp_standalone", directory=str(folder), build_on_run=False)

    dt = build["dt"] * second
    clock = Clock(dt=dt, name="clock")
    eqs = Equations(build["equations"])
    shape = tuple(build["stimulus_shape"])
    # Placeholder input of the right shape; every run replaces it (stimulus.values=FILE).
    if build["stimulus_kind"] == "factors":
        stimulus = TimedArray(np.zeros(shape), dt=dt, name="stimulus")
    else:
        unit = eqs["I_stim"].dim
        from brian2 import Quantity

        stimulus = TimedArray(Quantity(np.zeros(shape), dim=unit), dt=dt, name="stimulus")
    threshold = build["spikes_threshold"]
    condition = None if threshold is None else f"v > {threshold!r}*volt"
    group = NeuronGroup(build["n_neurons"], eqs, method=build["method"], clock=clock,
                        namespace={"I_input": stimulus}, threshold=condition,
                        refractory=condition if condition else False, name="neurons")
    objects = [group]
    files, dims = {}, {}
    n_recorded = build["n_neurons"]
    if build["record"]:
        indices = build["record_indices"]
        every = int(build["record_every"])
        monitor_clock = clock if every == 1 else Clock(dt=every * dt, name="monitor_clock")
        monitor = StateMonitor(group, build["record"], record=True if indices is None else indices,
                               clock=monitor_clock, name="monitor")
        objects.append(monitor)
        n_recorded = build["n_neurons"] if indices is None else len(indices)
    if condition is not None:
        spikes = SpikeMonitor(group, name="spikes")
        objects.append(spikes)
    network = Network(*objects)
    network.run(build["n_steps"] * dt, namespace={})
    device.build(directory=str(folder), compile=False, run=False, with_output=False)
    _vectorise_state_update(folder)
    from brian2.codegen.cpp_prefs import get_compiler_and_args

    device.compile_source(str(folder), get_compiler_and_args()[0], False, False)

    if build["record"]:
        files["t"] = device.get_array_filename(monitor.variables["t"])
        for name in build["record"]:
            files[name] = device.get_array_filename(monitor.variables[name])
            dims[name] = json.dumps([float(x) for x in get_dimensions(eqs[name].dim)._dims])
    if condition is not None:
        files["spike_i"] = device.get_array_filename(spikes.variables["i"])
        files["spike_t"] = device.get_array_filename(spikes.variables["t"])
    manifest = {"files": files, "dims": dims, "record": build["record"],
                "n_recorded": n_recorded, "spikes": condition is not None}
    (folder / "manifest.json").write_text(json.dumps(manifest))


if __name__ == "__main__":
    main(pathlib.Path(sys.argv[1]))
