"""hh_brian's own errors print only themselves; Brian2's own failures keep Brian2's banner.

Each case runs a fresh Python with its own temporary folder, where Brian2 writes its debug
log (and keeps it only when it reports an error).
"""

import os
import subprocess
import sys

import pytest

BANNER = "Brian 2 encountered an unexpected error"


def run_python(code, tmp_path):
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, cwd=tmp_path)
    kept = sorted(p.name for p in tmp_path.glob("brian_*"))
    return done, kept


@pytest.mark.parametrize("code, message", [
    ("hh_brian.simulate('hodgkin_huxly')", "ValueError: model: unknown model 'hodgkin_huxly'"),
    ("hh_brian.simulate('hodgkin_huxley', 5*mV)",
     "DimensionMismatchError: duration: expected a time"),
    ("hh_brian.simulate('hodgkin_huxley', params={'C_m': -1*uF/cm**2})",
     "ValueError: params['C_m']: -1 uF/cm^2 is outside the physical range"),
    ("hh_brian.simulate('hodgkin_huxley', 50*ms, dt=0.1*ms, target='numpy')",
     "hh_brian.core.errors.IntegrationError: hodgkin_huxley: the integration diverged"),
])
def test_our_errors_print_only_themselves(code, message, tmp_path):
    done, kept = run_python("import hh_brian\nfrom brian2 import ms, mV, uF, cm\n" + code,
                            tmp_path)
    assert done.returncode == 1
    assert message in done.stderr
    assert BANNER not in done.stderr and "brian_debug" not in done.stderr
    assert not [name for name in kept if name.startswith("brian_debug")], kept


def test_brian2s_own_failures_keep_brian2s_diagnostics(tmp_path):
    # A model that uses Brian2 directly, in the same process, with an undefined constant.
    code = ("import hh_brian, brian2\n"
            "group = brian2.NeuronGroup(1, 'dv/dt = -v / tau_undefined : 1')\n"
            "brian2.Network(group).run(1 * brian2.ms)\n")
    done, kept = run_python(code, tmp_path)
    assert done.returncode == 1
    assert BANNER in done.stderr and "tau_undefined" in done.stderr
    assert [name for name in kept if name.startswith("brian_debug")]
