import matplotlib
import pytest

matplotlib.use("Agg")

from hh_brian import reference  # noqa: E402


@pytest.fixture(scope="session")
def reference_runs():
    """The reference integrator's default run of each source model, computed once."""
    cache = {}

    def get(source_name):
        if source_name not in cache:
            cache[source_name] = reference.integrate(source_name)
        return cache[source_name]

    return get
