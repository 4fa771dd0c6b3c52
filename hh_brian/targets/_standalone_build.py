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
import re
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


# Brian2's thresholder is a scalar loop over every neuron, run by one thread after each step
# while the others wait; but a neuron that comes back below the threshold is rare (once per
# spike). A vectorised pass that only asks whether any did skips that loop on every step
# where none did, and hands it the steps where some did, unchanged.
_THRESHOLDER_LOOP = "    long _count = 0;\n    for(size_t _idx=0; _idx<N; _idx++)\n    {\n"
_NO_EVENT = """    char _any = 0;
    #pragma omp simd reduction(|:_any)
    for(size_t _idx=0; _idx<N; _idx++)
    {
{condition}        _any |= _cond;
    }
    if(!_any)
    {
        _ptr_array_neurons__spikespace[N] = 0;
        return;
    }
"""


def _threshold_only_when_crossed(folder: pathlib.Path) -> None:
    path = folder / "code_objects" / "neurons_spike_thresholder_codeobject.cpp"
    if not path.exists():  # no threshold: traces are recorded
        return
    code = path.read_text()
    start = code.find(_THRESHOLDER_LOOP)
    end = code.find("        if(_cond) {", start)
    if code.count(_THRESHOLDER_LOOP) != 1 or end < 0:
        raise RuntimeError(f"unexpected thresholder code in {path}: cannot add its quick pass")
    condition = code[start + len(_THRESHOLDER_LOOP):end]
    path.write_text(code[:start] + _NO_EVENT.replace("{condition}", condition) + code[start:])


# Brian2's DynamicArray2D keeps every row in a heap vector of its own, so a state monitor
# allocates one per recorded variable per step, and frees them all at exit: for one neuron
# recording eight traces for 20,000 steps this was two thirds of the program's time. This
# one keeps the rows one after another in one buffer that grows geometrically, with the
# interface the generated code uses (resize(n, m), (i, j), (i).empty(), n, m).
_DYNAMIC_ARRAY_2D = """template<class T>
class DynamicArray2D
{
	std::vector<T> buffer;  // row i is buffer[i*m .. i*m + m)
public:
	int n, m;
	class Row
	{
		const int length;
	public:
		explicit Row(int length) : length(length) {}
		bool empty() const { return length == 0; }
	};
	DynamicArray2D(int _n=0, int _m=0) : n(0), m(0)
	{
		resize(_n, _m);
	}
	void resize(int _n, int _m)
	{
		if(_m != m && n > 0)
		{
			std::vector<T> moved((size_t)_n * _m);
			const int rows = n < _n ? n : _n, columns = m < _m ? m : _m;
			for(int i=0; i<rows; i++)
				for(int j=0; j<columns; j++)
					moved[(size_t)i * _m + j] = buffer[(size_t)i * m + j];
			buffer.swap(moved);
		}
		else
			buffer.resize((size_t)_n * _m);
		n = _n;
		m = _m;
	}
	inline typename std::vector<T>::reference operator()(int i, int j)
	{
		return buffer[(size_t)i * m + j];
	}
	inline Row operator()(int i) const
	{
		return Row(m);
	}
};"""

# objects.cpp writes a 2D array row by row (one stream call per row); with the rows
# contiguous, one call writes them all, in the same order.
_ROW_BY_ROW = re.compile(
    r"for \(int n=0; n<(\w+)\.n; n\+\+\)\s*\{\s*if \(! \1\(n\)\.empty\(\)\)\s*\{\s*"
    r"(outfile_\1)\.write\(reinterpret_cast<char\*>\(&\1\(n, 0\)\), "
    r"\1\.m\*sizeof\(\1\(0, 0\)\)\);\s*\}\s*\}")

# Without OpenMP, Network::run reads the process's CPU clock after every step only to report
# the run's duration at the end (a system call per step); it is read once, after the loop.
# (With OpenMP it reads omp_get_wtime(), which costs no system call, and is left alone.)
_CLOCK_PER_STEP = """        current = std::clock();
        elapsed_realtime = (double)(current - start)/(1 * CLOCKS_PER_SEC);
"""
_AFTER_LOOP = "    Network::_globally_running = false;\n"


def _replace_once(path: pathlib.Path, old: str, new: str, what: str) -> None:
    code = path.read_text()
    if code.count(old) != 1:
        raise RuntimeError(f"unexpected code in {path}: cannot {what}")
    path.write_text(code.replace(old, new))


def _contiguous_monitor_arrays(folder: pathlib.Path) -> None:
    """Rows of 2D dynamic arrays in one buffer, written with one call per array."""
    header = folder / "brianlib" / "dynamic_array.h"
    code = header.read_text()
    start = code.find("template<class T>\nclass DynamicArray2D")
    last = code.find("inline std::vector<T>& operator()(int i)", start) if start >= 0 else -1
    end = code.find("};", last) if last >= 0 else -1
    if end < 0:
        raise RuntimeError(f"unexpected code in {header}: cannot replace DynamicArray2D")
    header.write_text(code[:start] + _DYNAMIC_ARRAY_2D + code[end + 2:])
    objects = folder / "objects.cpp"
    code, count = _ROW_BY_ROW.subn(
        lambda found: (f"if ({found[1]}.n * {found[1]}.m > 0)\n            {found[2]}.write("
                       f"reinterpret_cast<char*>(&{found[1]}(0, 0)), "
                       f"(size_t){found[1]}.n*{found[1]}.m*sizeof({found[1]}(0, 0)));"),
        objects.read_text())
    if count != code.count("DynamicArray2D<"):  # one declaration per array in objects.cpp
        raise RuntimeError(f"unexpected code in {objects}: cannot write 2D arrays whole")
    objects.write_text(code)


def _no_clock_per_step(folder: pathlib.Path) -> None:
    path = folder / "network.cpp"
    _replace_once(path, _CLOCK_PER_STEP, "", "remove the per-step clock read")
    _replace_once(path, _AFTER_LOOP, "    elapsed_realtime = (double)(std::clock() - start)"
                  "/(1 * CLOCKS_PER_SEC);\n" + _AFTER_LOOP, "read the clock after the loop")


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

    if build.get("kind") == "cable":
        _build_cable(folder, build, device, get_compiler_and_args, get_dimensions)
        return
    plan = NetworkPlan.from_json(build["plan"])
    # A placeholder input of the right shape: every run passes its own (stimulus.values=FILE).
    built = build_network(plan, np.zeros(plan.input_shape))
    built.network.run(plan.duration, namespace={})
    device.build(directory=str(folder), compile=False, run=False, with_output=False)
    _vectorise_state_update(folder)
    _threshold_only_when_crossed(folder)
    _contiguous_monitor_arrays(folder)
    if not int(build["threads"]):
        _no_clock_per_step(folder)
    device.compile_source(str(folder), get_compiler_and_args()[0], False, False)

    group = built.group
    files = {"time_finite": device.get_array_filename(group.variables["time_finite"]),
             "v_end": device.get_array_filename(group.variables["v"])}
    if plan.track_peak:
        files["v_peak"] = device.get_array_filename(group.variables["v_peak"])
        files["v_average"] = device.get_array_filename(group.variables["v_average"])
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


def _command_line_first(folder: pathlib.Path) -> None:
    """Apply the values of the command line before the cable solver prepares its matrices.

    Brian2's main sets them just before the run, after ``_before_run_..._spatialstateupdater``
    has computed its matrices from the capacitance the build had; the run's own ``Cm`` would
    then be ignored.
    """
    path = folder / "main.cpp"
    code = path.read_text()
    call = "set_from_command_line(args);"
    prepare = "_before_run_axon_spatialstateupdater_codeobject();"
    if code.count(call) != 1 or code.count(prepare) != 1 or code.index(prepare) > code.index(call):
        raise RuntimeError(f"unexpected main.cpp in {folder}: cannot set values first")
    code = code.replace(call, "", 1).replace(prepare, call + "\n        " + prepare, 1)
    path.write_text(code)


def _build_cable(folder, build, device, get_compiler_and_args, get_dimensions) -> None:
    """Build a cable's program (:mod:`hh_brian.targets.cable`): its network as the runtime
    targets build it, compiled as Brian2 writes it (the patch's loop rewrites are for a
    NeuronGroup's code)."""
    from hh_brian.targets.cable import CablePlan, build_cable

    plan = CablePlan.from_json(build["plan"])
    built = build_cable(plan, np.zeros(plan.input_shape))
    built.network.run(plan.duration, namespace={})
    device.build(directory=str(folder), compile=False, run=False, with_output=False)
    _command_line_first(folder)
    if not int(build["threads"]):
        _no_clock_per_step(folder)
    device.compile_source(str(folder), get_compiler_and_args()[0], False, False)
    neuron = built.neuron
    files = {name: device.get_array_filename(neuron.variables[name])
             for name in ("t_arrival", "time_finite")}
    dims = {}
    if built.monitor is not None:
        files["t"] = device.get_array_filename(built.monitor.variables["t"])
        for name in plan.record:
            files[name] = device.get_array_filename(built.monitor.variables[name])
            dims[name] = json.dumps([float(x) for x in
                                     get_dimensions(neuron.variables[name].dim)._dims])
    (folder / "manifest.json").write_text(json.dumps({"files": files, "dims": dims,
                                                      "n_recorded": plan.n_compartments}))


if __name__ == "__main__":
    main(pathlib.Path(sys.argv[1]))
