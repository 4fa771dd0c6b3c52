import matplotlib
import pytest

matplotlib.use("Agg")

from hh_brian import reference  # noqa: E402
from hh_brian.targets import Target  # noqa: E402


@pytest.fixture(scope="session")
def reference_runs():
    """The reference integrator's default run of each source model, computed once."""
    cache = {}

    def get(source_name):
        if source_name not in cache:
            cache[source_name] = reference.integrate(source_name)
        return cache[source_name]

    return get


class _MustNotRun(Target):
    name = "must-not-run"

    def run(self, plan):
        raise AssertionError("ran before the mistake was caught")

    def run_cable(self, run):
        raise AssertionError("ran before the mistake was caught")


@pytest.fixture
def must_not_run():
    """A target to pass where a mistake must be caught before anything runs."""
    return _MustNotRun()
