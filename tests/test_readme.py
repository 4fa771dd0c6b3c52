"""The README runs as written, its numbers are what the code prints, its commands are real.

Every number in a comment of a README code block is checked: the statement the comment
belongs to is run on its own, its output captured, and each number of the comment must be
one the output shows (to the comment's precision). The reduction table's numbers are
recomputed from the analysis.
"""

import ast
import contextlib
import io
import pathlib
import re
import tokenize

import pytest

ROOT = pathlib.Path(__file__).parent.parent
README = (ROOT / "README.md").read_text()
CI = (ROOT / ".ci" / "run").read_text()
# A number standing on its own, as numpy prints it too ("0.", "-65."): not part of a name
# (g_Na, neuron_func_7), a power (cm**2) or a dimension label (2D).
NUMBER = re.compile(r"(?<![\w.^*/])[-+]?(?:\d+\.\d*|\.\d+|\d+)(?![\w.\d])")


def python_blocks():
    return re.findall(r"```python\n(.*?)```", README, flags=re.S)


def _comments(source: str) -> dict[int, str]:
    """The comment on each line of ``source``, by line number."""
    out = {}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            out[token.start[0]] = token.string
    return out


def _matches(claimed: str, printed: list[str]) -> bool:
    decimals = len(claimed.partition(".")[2])
    value = float(claimed)
    return any(round(float(number), decimals) == value for number in printed)


def run_and_check(block: str) -> list[str]:
    """Run ``block`` statement by statement; the numbers of comments not in the output.

    A comment belongs to the statement on its line, or, on a line of its own, to the
    statement before it (the lines that show what a print prints).
    """
    namespace, missing = {}, []
    comments = _comments(block)
    body = ast.parse(block).body
    for node, following in zip(body, body[1:] + [None]):
        code = compile(ast.Module([node], type_ignores=[]), "README.md", "exec")
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            exec(code, namespace)
        printed = NUMBER.findall(output.getvalue())
        last = following.lineno - 1 if following else max(comments, default=0)
        for line in range(node.lineno, max(node.end_lineno, last) + 1):
            for claimed in NUMBER.findall(comments.get(line, "")):
                if not _matches(claimed, printed):
                    missing.append(f"line {line}: {claimed!r} not in {output.getvalue()!r}")
    return missing


def test_the_number_check_can_fail():
    assert run_and_check("print(2.0065)  # 2.0065, about 2.01\n") == []
    assert run_and_check("print(13.4671)  # about 17\n") == [
        "line 1: '17' not in '13.4671\\n'"]
    assert run_and_check("x = 5  # 21 currents\n") == ["line 1: '21' not in ''"]
    assert run_and_check("print([0., -65.])\n# [0, -65]\nx = 1\n") == []
    assert run_and_check("print(3)\n# 4\n") == ["line 2: '4' not in '3\\n'"]


@pytest.mark.slow
@pytest.mark.parametrize("index", range(len(python_blocks())))
def test_readme_python_block_runs_and_its_comments_are_true(index, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # where the blocks' files (grid.nc, map.png) go
    assert run_and_check(python_blocks()[index]) == []


def test_reduction_table_is_what_the_analysis_computes():
    from brian2 import mV, mm, nA, nS, pF
    from hh_brian import analysis
    from hh_brian.core.units import CURRENT_DENSITY

    table = README[README.index("| | notebook's reduction |"):]
    table = table[:table.index("\n\n")]
    rows = {line.split("|")[1].strip(): line.split("|")[2:4] for line in table.splitlines()[2:]}

    def numbers(cell):
        return [float(x) for x in NUMBER.findall(cell.replace("\u2212", "-"))]

    for column, (name, held) in enumerate([("hh_2d_reduction", {"n": 0}),
                                           ("hh_2d_reduction_model7", None)]):
        if held is None:
            n = float(analysis.evaluate("hodgkin_huxley", ["n_inf"], -65 * mV)["n_inf"])
            held = {"n": n}
            assert numbers(rows["slice held at"][column])[-1] == pytest.approx(n, abs=5e-5)
        points = analysis.fixed_points(name, v_range=(-100 * mV, 5 * mV), **held)
        rest, threshold = numbers(rows["rest / threshold (slice)"][column])
        assert [float(p.v / mV) for p in points][:2] == pytest.approx([rest, threshold],
                                                                      abs=6e-4)
        fold = analysis.fold(name, **held)
        in_nA, in_uA, at = numbers(rows["fold current (slice)"][column])
        assert float(fold.current / (nA / mm**2)) == pytest.approx(in_nA, abs=6e-4)
        assert float(fold.current / CURRENT_DENSITY) == pytest.approx(in_uA, abs=6e-5)
        assert float(fold.v / mV) == pytest.approx(at, abs=6e-3)
        fit = analysis.izhikevich_fit(name, k=0.7 * nS / mV, v_range=(-100 * mV, 5 * mV),
                                      **held)
        assert float(fit.C / pF) == pytest.approx(
            numbers(rows["Izhikevich C for k = 0.7 nS/mV"][column])[0], abs=0.06)
        state = analysis.steady_states(name)[0]
        assert float(state.v / mV) == pytest.approx(
            numbers(rows["full 2D system's rest"][column])[0], abs=6e-3)


def test_ci_runs_the_readme_test_command():
    commands = re.findall(r"```bash\n(.*?)```", README, flags=re.S)[0]
    test_line = [line for line in commands.splitlines() if "pytest" in line][0]
    install, run = [part.strip() for part in test_line.split("#")[0].split("&&")]
    assert install in CI and run in CI
    assert f"{run} -m slow" in CI  # and the slow tests


def test_readme_lists_every_model():
    import hh_brian

    for model in hh_brian.list_models():
        assert f"`{model.name}`" in README and f"`{model.source_name}`" in README
