"""The package's shape: imports flow one way, the witnesses stay independent, every public
module is an attribute of the package.

The import graph is read from the source with ``ast``, every import counted, also those made
inside a function: a lower module never reaches back up, not even lazily.
"""

import ast
import pathlib
import subprocess
import sys

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "hh_brian"


def _module_name(path: pathlib.Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_package(name: str) -> bool:
    return (PACKAGE.parent / name.replace(".", "/") / "__init__.py").exists()


def _resolve(module: str, node: ast.ImportFrom) -> list[str]:
    """The package modules an ``from ... import ...`` statement imports."""
    if node.level:
        base = module if _is_package(module) else module.rpartition(".")[0]
        for _ in range(node.level - 1):
            base = base.rpartition(".")[0]
        target = f"{base}.{node.module}" if node.module else base
    else:
        target = node.module or ""
    if target.split(".")[0] != "hh_brian":
        return []
    names = [target]
    # "from . import stimuli" imports the module hh_brian.stimuli.
    for alias in node.names:
        candidate = f"{target}.{alias.name}"
        if (PACKAGE.parent / (candidate.replace(".", "/") + ".py")).exists() or _is_package(
                candidate):
            names.append(candidate)
    return names


def import_graph() -> dict[str, set[str]]:
    """Each module of the package mapped to the package modules it imports.

    Importing ``a.b.c`` also runs the package ``a.b``'s ``__init__``: that edge is added too,
    except from a module inside ``a.b`` itself (its package is already being imported when
    it runs) and for the top package, whose ``__init__`` every import runs first anyway.
    """
    graph = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path)
        edges = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                edges.update(_resolve(module, node))
            elif isinstance(node, ast.Import):
                edges.update(a.name for a in node.names if a.name.split(".")[0] == "hh_brian")
        for name in list(edges):
            parent = name.rpartition(".")[0]
            while parent.count(".") >= 1:
                if not module.startswith(parent + "."):
                    edges.add(parent)
                parent = parent.rpartition(".")[0]
        edges.discard(module)
        graph[module] = edges
    return graph


def find_cycle(graph):
    """A list of modules that import each other in a ring, or None."""
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_the_graph_is_read_correctly():
    graph = import_graph()
    # Known edges of each kind: relative, in a subpackage, two levels up, inside a function.
    assert "hh_brian.models" in graph["hh_brian.analysis"]
    assert "hh_brian.targets.base" in graph["hh_brian.targets.runtime"]
    assert "hh_brian.expressions" in graph["hh_brian.targets.base"]
    assert "hh_brian.plotting" in graph["hh_brian.simulation"]  # SimulationResult.plot
    assert "hh_brian.stimuli" in graph["hh_brian"]
    # A ring of three is found, with its members.
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_imports_flow_one_way():
    graph = import_graph()
    graph.pop("hh_brian")  # the package's __init__ gathers the public names from below
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_lower_layers_do_not_import_higher_ones():
    graph = import_graph()
    # The targets never look at the result layer or above.
    for name, edges in graph.items():
        if name.startswith("hh_brian.targets"):
            assert not edges & {"hh_brian.simulation", "hh_brian.analysis", "hh_brian.sweeps",
                                "hh_brian.plotting", "hh_brian.cli"}, name


@pytest.mark.parametrize("module, forbidden", [
    # The reference is an independent witness: no Brian2, no equation strings.
    ("reference", ("brian2", "hh_brian.models", "hh_brian.simulation")),
    # The definition of a spike is shared by the reference: it must not bring Brian2 in.
    ("traces", ("brian2", "hh_brian.models")),
])
def test_witnesses_stay_independent(module, forbidden):
    tree = ast.parse((PACKAGE / f"{module}.py").read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add(("hh_brian." if node.level else "") + (node.module or ""))
    assert not {name for name in imported if name.startswith(forbidden)}


def test_every_public_module_is_an_attribute_of_the_package():
    names = ["analysis", "sweeps", "stimuli", "plotting", "reference", "standalone", "targets",
             "validation", "gallery", "cli", "units", "traces", "ranges", "errors",
             "expressions", "modeldiff", "models", "simulation"]
    code = ("import hh_brian, types; "
            f"print(all(isinstance(getattr(hh_brian, n), types.ModuleType) for n in {names!r}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "True", done.stderr
    code = "import hh_brian; hh_brian.nonexistent"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "AttributeError: module 'hh_brian' has no attribute 'nonexistent'" in done.stderr
