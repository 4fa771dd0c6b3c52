"""The speed benchmark's C loop (its floor) integrates HH as the reference integrator does.

``benchmarks/benchmark.py`` holds the compiled target to a plain C loop of the same
equations, compiled with the same flags; the loop runs its neurons in cache-sized blocks.
Here it runs a full block and a partial one, on one thread and on two, and every neuron must
fire as the numpy reference integrator's does, with the same final v. Nothing is timed.
"""

import importlib.util
import pathlib
import shutil

import pytest

from hh_brian.targets.standalone import COMPILE_FLAGS

BENCHMARK = pathlib.Path(__file__).resolve().parents[2] / "benchmarks" / "benchmark.py"
#: Fast-math C against numpy over 2,000 steps with two spikes: agreement to about 1e-13 mV.
V_TOLERANCE_MV = 1e-9

pytestmark = pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc")


@pytest.fixture(scope="module")
def script():
    """The benchmark script, as a module."""
    spec = importlib.util.spec_from_file_location("benchmark", BENCHMARK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_neuron_of_the_floor_fires_as_the_reference_does(script, tmp_path):
    floor = script.c_floor(tmp_path, COMPILE_FLAGS)
    n, steps = 1024 + 3, 2000  # a block of 1,024 neurons and a block of 3
    spikes, v_end = script.reference_floor(steps)
    assert spikes == 2
    runs = [floor(n, steps, threads=threads) for threads in (1, 2)]
    for run in runs:
        assert run.spikes == n * spikes
        assert run.v_first == pytest.approx(v_end, abs=V_TOLERANCE_MV)
        assert run.v_last == pytest.approx(v_end, abs=V_TOLERANCE_MV)
        script.check_floor(run, n, steps)  # the benchmark's own check passes
    # Threads share out whole blocks: each neuron's arithmetic is the same on any number.
    assert runs[0][2:] == runs[1][2:]


def test_the_floors_check_catches_a_wrong_count(script):
    run = script.FloorRun(whole=1.0, loop=1.0, spikes=3, v_first=0.0, v_last=0.0)
    with pytest.raises(RuntimeError, match="the C loop fired 3 spikes"):
        script.check_floor(run, 1, 2000)
