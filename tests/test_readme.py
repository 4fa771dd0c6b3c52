"""The README's Python examples run as written, and its commands match the project."""

import pathlib
import re

README = (pathlib.Path(__file__).parent.parent / "README.md").read_text()
CI = (pathlib.Path(__file__).parent.parent / ".ci" / "run").read_text()


def test_readme_python_blocks_run():
    blocks = re.findall(r"```python\n(.*?)```", README, flags=re.S)
    assert blocks
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})


def test_ci_runs_the_readme_test_command():
    commands = re.findall(r"```bash\n(.*?)```", README, flags=re.S)[0]
    test_line = [line for line in commands.splitlines() if "pytest" in line][0]
    install, run = [part.strip() for part in test_line.split("&&")]
    assert install in CI and run in CI


def test_readme_lists_every_model():
    import hh_brian

    for model in hh_brian.list_models():
        assert f"`{model.name}`" in README and f"`{model.source_name}`" in README
