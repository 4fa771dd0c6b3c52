"""Stimuli: which sample each step gets, batches, sums and sampled arrays."""

import numpy as np
import pytest
from brian2 import Hz, ms, nA, mm, uA, cm

from hh_brian import stimuli

UA_CM2 = uA / cm**2


def plain(q):
    return np.asarray(q / UA_CM2)


def test_protocol_matches_source_indices():
    for n in (10000, 20000, 12345):
        I = plain(stimuli.protocol(5 * UA_CM2).samples(n, 0.01 * ms))
        expected = np.zeros(n)
        expected[n // 5:2 * n // 5] = 5
        expected[3 * n // 5:4 * n // 5] = -5
        np.testing.assert_array_equal(I, expected)


def test_step_boundaries_fall_on_the_grid_despite_rounding():
    # 40/0.01 is 3999.9999999999995 in floating point; the step must still start at 4000.
    I = plain(stimuli.step(1 * UA_CM2, start=40 * ms, stop=80 * ms).samples(10000, 0.01 * ms))
    assert I[3999] == 0 and I[4000] == 1 and I[7999] == 1 and I[8000] == 0


def test_step_between_grid_points_starts_at_next_step():
    I = plain(stimuli.step(1 * UA_CM2, start=0.025 * ms).samples(5, 0.01 * ms))
    np.testing.assert_array_equal(I, [0, 0, 0, 1, 1])


def test_pulse_needs_an_end_and_constant_is_everywhere():
    np.testing.assert_array_equal(plain(stimuli.constant(2 * UA_CM2).samples(3, ms)), [2, 2, 2])
    np.testing.assert_array_equal(
        plain(stimuli.pulse(2 * UA_CM2, 1 * ms, 2 * ms).samples(4, ms)), [0, 2, 0, 0])


def test_units_convert_between_current_densities():
    # 1 uA/cm^2 = 10 nA/mm^2, the unit of the 2D-reduction notebook.
    I = plain(stimuli.constant(50 * nA / mm**2).samples(1, ms))
    assert I[0] == pytest.approx(5.0, rel=1e-12)


def test_ramp_and_sine_values():
    ramp = plain(stimuli.ramp(2 * UA_CM2, 6 * UA_CM2, start=1 * ms, stop=5 * ms).samples(7, ms))
    np.testing.assert_allclose(ramp, [0, 2, 3, 4, 5, 0, 0])
    sine = plain(stimuli.sine(2 * UA_CM2, 250 * Hz, offset=1 * UA_CM2, start=1 * ms)
                 .samples(6, ms))
    np.testing.assert_allclose(sine, [0, 1, 3, 1, -1, 1], atol=1e-12)


def test_batch_amplitudes_give_one_row_per_neuron():
    stim = stimuli.step([1, 2, 3] * UA_CM2, start=1 * ms)
    assert stim.batch_size == 3
    amplitude, waveform = stim.factors(3, ms)
    np.testing.assert_array_equal(plain(amplitude), [1, 2, 3])
    np.testing.assert_array_equal(waveform, [0, 1, 1])
    np.testing.assert_array_equal(plain(stim.samples(3, ms)), [[0, 1, 1], [0, 2, 2], [0, 3, 3]])


def test_sums_add_samples_and_check_batch_sizes():
    total = stimuli.constant(1 * UA_CM2) + stimuli.step([0, 10] * UA_CM2, start=1 * ms)
    assert total.batch_size == 2
    np.testing.assert_array_equal(plain(total.samples(2, ms)), [[1, 1], [1, 11]])
    assert total.factors(2, ms) is None  # a sum is materialised sample by sample
    bad = stimuli.constant([1, 2] * UA_CM2) + stimuli.constant([1, 2, 3] * UA_CM2)
    with pytest.raises(ValueError, match="different numbers of neurons"):
        bad.batch_size


def test_sampled_arrays_hold_their_samples():
    values = [1, 2, 3] * UA_CM2
    np.testing.assert_array_equal(plain(stimuli.sampled(values).samples(3, ms)), [1, 2, 3])
    held = stimuli.sampled(values, dt=2 * ms).samples(6, ms)
    np.testing.assert_array_equal(plain(held), [1, 1, 2, 2, 3, 3])
    with pytest.raises(ValueError, match="shorter than the run"):
        stimuli.sampled(values, dt=2 * ms).samples(7, ms)
    per_neuron = stimuli.sampled(np.ones((4, 3)) * UA_CM2)
    assert per_neuron.batch_size == 4


def test_as_stimulus_interprets_user_values():
    assert stimuli.as_stimulus(3 * UA_CM2).factors(2, ms)[0] == 3 * UA_CM2
    assert stimuli.as_stimulus(np.zeros(5) * UA_CM2).samples(5, ms).shape == (5,)
    default = stimuli.protocol(1 * UA_CM2)
    assert stimuli.as_stimulus(None, default=default) is default


def test_smoothed_noise_has_one_sample_per_step_even_when_its_window_is_longer():
    # The window is 2 * 4 * sigma / dt = 1600 samples long; numpy's "same" mode would return
    # 1600 samples for a 1000-step run.
    noise = stimuli.smoothed_noise(1 * uA / cm**2, sigma=2 * ms, seed=1)
    assert noise.samples(1000, 0.01 * ms).shape == (1000,)
    # Longer runs are unchanged: the centre of the full convolution, as numpy's "same".
    long = noise.samples(5000, 0.01 * ms) / (uA / cm**2)
    from scipy.signal.windows import gaussian

    window = gaussian(1600, std=200) / 1600
    white = np.random.RandomState(1).randn(5000)
    np.testing.assert_allclose(np.asarray(long), np.convolve(white, window, "same"),
                               rtol=1e-14, atol=0)  # the unit's scaling: an ulp or so


def test_the_noise_standard_deviation_is_that_of_its_samples():
    # 200 s at 0.1 ms: the smoothed noise decorrelates over about 2·sqrt(pi)·sigma = 21 ms,
    # so the samples hold about 9,400 independent values and the sample SD has a relative
    # standard error of about 1/sqrt(2·9400) = 0.7 %; 3 % is more than 4 of those.
    noise = stimuli.smoothed_noise(140 * uA / cm**2, sigma=6 * ms, seed=3)
    dt = 0.1 * ms
    samples = noise.samples(2_000_000, dt) / (uA / cm**2)
    inner = samples[len(noise.window(dt)):-len(noise.window(dt))]  # away from the ends
    assert np.std(inner) == pytest.approx(float(noise.standard_deviation(dt) / (uA / cm**2)),
                                          rel=0.03)
