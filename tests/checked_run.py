"""Run an example script with every figure it saves passing the figure checks first.

``python tests/checked_run.py REPORT SCRIPT [ARGUMENTS...]`` runs SCRIPT as ``python SCRIPT
ARGUMENTS...`` would, except that each figure is checked (``figure_checks.figure_problems``)
as it is saved: REPORT gets one line per problem, naming the file (and is not written if
there is none). Used by the slow test of
the examples (``test_examples.py``), so that the gallery's figures, which the examples write,
are checked where they are drawn, without drawing them again.
"""

import pathlib
import runpy
import sys


def main(report, script, *arguments):
    import matplotlib.figure
    from figure_checks import figure_problems

    save = matplotlib.figure.Figure.savefig

    def checked_save(fig, fname, *args, **kwargs):
        name = pathlib.Path(str(getattr(fname, "name", fname))).name
        problems = figure_problems(fig)
        if problems:  # no report, no problem
            with open(report, "a", encoding="utf-8") as out:
                out.writelines(f"{name}: {problem}\n" for problem in problems)
        return save(fig, fname, *args, **kwargs)

    matplotlib.figure.Figure.savefig = checked_save
    sys.argv = [script, *arguments]
    sys.path.insert(0, str(pathlib.Path(script).resolve().parent))  # as python SCRIPT does
    runpy.run_path(script, run_name="__main__")


if __name__ == "__main__":
    main(*sys.argv[1:])  # figure_checks is found beside this file, on sys.path[0]
