"""What the axon's tests share: a target that fails the test if a run reaches it."""

import pytest

from hh_brian.targets import Target


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
