"""Many axons: the velocity over a grid as an xarray map (here, in a pool, on Dask) and the
bisection for the heat block."""

import numpy as np
import pytest
from brian2 import cm, kelvin, mm, ms, mV, ohm, um

from hh_brian import celsius
from hh_brian.cable import Axon, HeatBlock, block_temperature, propagate, velocity_sweep

SHORT = Axon(length=2 * cm, compartments=100)


@pytest.mark.xdist_group("axon-cython")
def test_a_velocity_map_holds_each_point_s_own_run():
    grid = {"diameter": [238, 476] * um, "T": celsius([6.3, 18.5])}
    ds = velocity_sweep("hodgkin_huxley", grid, SHORT, 4 * ms)
    assert ds.velocity.dims == ("diameter", "T")
    assert ds.diameter.attrs["units"] == "mm" and ds.T.attrs["units"] == "degC"
    assert ds.T.values.tolist() == [6.3, 18.5] and ds.velocity.attrs["units"] == "m/s"
    assert bool(ds.reached_end.all())
    one = propagate("hodgkin_huxley", SHORT.replace(diameter=238 * um), 4 * ms,
                    temperature=celsius(18.5), record=[])
    assert float(ds.velocity.sel(diameter=0.238, T=18.5)) == float(one.velocity / (mm / ms))
    # Thicker and warmer are faster, everywhere on the map.
    assert np.all(np.diff(ds.velocity.values, axis=0) > 0)
    assert np.all(np.diff(ds.velocity.values, axis=1) > 0)


@pytest.mark.slow
@pytest.mark.xdist_group("axon-cython")
def test_a_map_in_a_local_pool_and_on_dask_is_the_same_map():
    grid = {"R_i": [35.4, 70.8] * ohm * cm}
    here = velocity_sweep("hodgkin_huxley", grid, SHORT, 4 * ms)
    pooled = velocity_sweep("hodgkin_huxley", grid, SHORT, 4 * ms, n_jobs=2)
    assert np.array_equal(here.velocity.values, pooled.velocity.values)
    assert here.velocity.values[1] < here.velocity.values[0]  # more resistance, slower
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        on_dask = velocity_sweep("hodgkin_huxley", grid, SHORT, 4 * ms, client=client)
    assert np.array_equal(here.velocity.values, on_dask.velocity.values)



@pytest.mark.parametrize("call, message", [
    (lambda target: velocity_sweep(grid={"g_X": [1, 2] * mV}), "grid: unknown name 'g_X'"),
    (lambda target: velocity_sweep(grid={"diameter": [1, 2] * mV}), "grid\\['diameter'\\]"),
    (lambda target: velocity_sweep(grid={"diameter": [100, -1] * um}, target=target),
     "diameter: expected one positive value"),
    (lambda target: velocity_sweep(grid={"T": celsius([20, 50])}, target=target),
     "outside the physical range of T"),
    (lambda target: velocity_sweep(grid={"T": celsius([20])}, params={"T": celsius(10)}),
     "params: 'T' is swept by the grid"),
    (lambda target: velocity_sweep(grid={}), "grid: expected a mapping"),
    (lambda target: velocity_sweep(grid={"T": celsius([20])}, record=["v"]),
     "record: not an option"),
    (lambda target: block_temperature(low=celsius(30), high=celsius(20)),
     "low, high: expected low"),
    (lambda target: block_temperature(tolerance=0 * kelvin), "tolerance: expected a positive"),
])
def test_bad_input_is_refused_before_anything_runs(call, message, must_not_run):
    with pytest.raises(Exception, match=message):
        call(must_not_run)


@pytest.mark.slow
@pytest.mark.xdist_group("axon-cython")
def test_the_heat_block_is_bracketed_within_the_tolerance():
    block = block_temperature(axon=SHORT, low=celsius(25), high=celsius(40), duration=4 * ms,
                              tolerance=0.5 * kelvin)
    assert isinstance(block, HeatBlock)
    assert 0 < float((block.fails - block.conducts) / kelvin) <= 0.5
    assert 31 < float(block.temperature / kelvin) - 273.15 < 35
    with pytest.raises(ValueError, match="high: the action potential still reaches"):
        block_temperature(axon=SHORT, low=celsius(20), high=celsius(25), duration=4 * ms)
