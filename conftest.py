"""Pytest set-up shared by the tests and the docstring examples: draw without a screen."""

import matplotlib

matplotlib.use("Agg")
