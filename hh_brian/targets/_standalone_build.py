"""Compile one standalone project (``python -m hh_brian.targets._standalone_build FOLDER``).

Reads ``FOLDER/build.json`` (written by :mod:`hh_brian.targets.standalone`), builds the
network its plan describes (:func:`hh_brian.targets.network.build_network`, the same
description the runtime targets use) with Brian2's C++ standalone device in this fresh
process, compiles it into FOLDER without running it, and writes ``FOLDER/manifest.json``:
which result file holds which trace. Values (parameters, initial state, input samples) are
not part of the build; every run passes them to the binary on its command line.
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
    from brian2 import device, prefs, set_device
    from brian2.codegen.cpp_prefs import get_compiler_and_args
    from brian2.units.fundamentalunits import get_dimensions

    from hh_brian.targets.network import NetworkPlan, build_network

    _vectorisable_exprel()
    prefs.codegen.cpp.extra_compile_args_gcc = list(build["flags"])
    prefs.devices.cpp_standalone.openmp_threads = int(build["threads"])
    set_device("cpp_standalone", directory=str(folder), build_on_run=False)

    plan = NetworkPlan.from_json(build["plan"])
    # A placeholder input of the right shape: every run passes its own (stimulus.values=FILE).
    built = build_network(plan, np.zeros(plan.input_shape))
    built.network.run(plan.duration, namespace={})
    device.build(directory=str(folder), compile=False, run=False, with_output=False)
    _vectorise_state_update(folder)
    device.compile_source(str(folder), get_compiler_and_args()[0], False, False)

    group = built.group
    files = {"time_finite": device.get_array_filename(group.variables["time_finite"])}
    dims, n_recorded = {}, plan.n_neurons
    if built.state_monitor is not None:
        monitor = built.state_monitor
        files["t"] = device.get_array_filename(monitor.variables["t"])
        for name in plan.record:
            files[name] = device.get_array_filename(monitor.variables[name])
            dim = group.variables[name].dim
            dims[name] = json.dumps([float(x) for x in get_dimensions(dim)._dims])
        n_recorded = len(plan.record_indices) if plan.record_indices else plan.n_neurons
    if built.spike_monitor is not None:
        spikes = built.spike_monitor
        files["spike_i"] = device.get_array_filename(spikes.variables["i"])
        files["spike_t"] = device.get_array_filename(spikes.variables["t"])
        files["spike_width"] = device.get_array_filename(spikes.variables["time_above_threshold"])
        files["spike_height"] = device.get_array_filename(spikes.variables["time_above_height"])
    manifest = {"files": files, "dims": dims, "n_recorded": n_recorded}
    (folder / "manifest.json").write_text(json.dumps(manifest))


if __name__ == "__main__":
    main(pathlib.Path(sys.argv[1]))
