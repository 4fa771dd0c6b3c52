"""Shared command-line handling of the example scripts (not an example itself).

The step scripts (``step_1_passive_membrane.py`` …) each stand alone, as the chapter's
sections do, so that a reader can open any one of them: their shared lines are repeated on
purpose.
"""

import argparse
import pathlib

import matplotlib

matplotlib.use("Agg")


def output_folder(doc: str, argv=None) -> pathlib.Path:
    """Parse ``[OUTPUT_DIR]`` (default ``figures/``), create it and return it."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("out", nargs="?", default="figures", help="output folder")
    out = pathlib.Path(parser.parse_args(argv).out)
    out.mkdir(parents=True, exist_ok=True)
    return out


def save(fig, out: pathlib.Path, name: str) -> None:
    import matplotlib.pyplot as plt

    path = out / f"{name}.png"
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
    print("figure written to", path)
