"""The package's shape: imports flow one way between families, no module reaches for another's
private names, the witnesses stay independent, every public module is an attribute of the
package, and the module lists come from the package itself.

The import graph is read from the source with ``ast``, every import counted, also those made
inside a function, and the packages' ``__init__`` modules included: ``from .. import x``
depends on the module ``x`` when ``x`` is a module, and on the package's ``__init__`` when
``x`` is a name defined there.
"""

import ast
import importlib
import pathlib
import pkgutil
import subprocess
import sys

import pytest

import hh_brian

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "hh_brian"

#: The families, lowest first: a module imports from its own family or from lower ones.
FAMILIES = (
    ("core", "_version", "_compat"),  # foundations
    ("stimuli",),  # injected currents
    ("model", "models"),  # what a model is, and the catalogue
    ("targets", "analysis"),  # how a plan runs; a model's equations analysed
    ("plotting",),  # figures of a run and of an analysis
    ("simulation",),  # plan, run, result
    # Witnesses; analyses and many runs; the axon (whose maps run where sweeps run).
    ("reference", "bifurcation", "sweeps", "fit", "cable"),
    ("course", "explorer"),  # course content; the interactive front end
    ("cli",),  # the command line
    ("", "__main__"),  # the package's face
)


def _module_name(path: pathlib.Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_package(name: str) -> bool:
    return (PACKAGE.parent / name.replace(".", "/") / "__init__.py").exists()


def _is_module(name: str) -> bool:
    return (PACKAGE.parent / (name.replace(".", "/") + ".py")).exists() or _is_package(name)


def _imports(module: str, path: pathlib.Path):
    """``(target module, imported name or None)`` for every import of the package's code."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = module if path.name == "__init__.py" else module.rpartition(".")[0]
                for _ in range(node.level - 1):
                    base = base.rpartition(".")[0]
                source = f"{base}.{node.module}" if node.module else base
            else:
                source = node.module or ""
            if source.split(".")[0] != "hh_brian":
                continue
            for alias in node.names:
                if _is_module(f"{source}.{alias.name}"):  # "from . import stimuli"
                    yield f"{source}.{alias.name}", None
                else:
                    yield source, alias.name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "hh_brian":
                    yield alias.name, None


def import_graph() -> dict[str, set[str]]:
    """Each module of the package mapped to the package modules it imports.

    Importing ``a.b.c`` also runs the package ``a.b``'s ``__init__``: that edge is added too,
    except from a module inside ``a.b`` itself (its package is already being imported when
    it runs) and for the top package, whose ``__init__`` every import runs first anyway
    (an import of a name defined in it is an edge, as any other).
    """
    graph = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path)
        edges = set()
        for target, _ in _imports(module, path):
            edges.add(target)
            parent = target.rpartition(".")[0]
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


def family(module: str) -> int:
    """The rank of a module's family in :data:`FAMILIES`."""
    first = module.split(".")[1] if "." in module else ""
    for rank, names in enumerate(FAMILIES):
        if first in names:
            return rank
    raise AssertionError(f"{module} belongs to no family: add it to FAMILIES")


def public_modules() -> list[str]:
    """Every module of the package but the private ones (a name starting with ``_``)."""
    return sorted(info.name for info in pkgutil.walk_packages(hh_brian.__path__, "hh_brian.")
                  if not any(part.startswith("_") for part in info.name.split(".")))


def test_the_graph_is_read_correctly():
    graph = import_graph()
    # Known edges of each kind: relative, in a subpackage, two levels up, inside a function.
    assert "hh_brian.model.core" in graph["hh_brian.analysis.evaluation"]
    assert "hh_brian.targets.base" in graph["hh_brian.targets.runtime"]
    assert "hh_brian.model.functions" in graph["hh_brian.targets.base"]
    assert "hh_brian.plotting" in graph["hh_brian.simulation.result"]  # SimulationResult.plot
    # "from . import stimuli" imports the module; the package's __init__ is an edge too.
    assert "hh_brian.stimuli" in graph["hh_brian"]
    assert "hh_brian" not in graph["hh_brian.simulation.result"]
    assert "hh_brian.simulation" in graph["hh_brian.cli.run"]  # the subpackage's __init__
    # A ring of three is found, with its members.
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle_with_function_level_imports_and_every_init():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_imports_flow_from_higher_families_to_lower_ones():
    upward = sorted(f"{module} -> {target}" for module, edges in import_graph().items()
                    for target in edges if family(target) > family(module))
    assert not upward, "imports that reach up a family:\n" + "\n".join(upward)


def test_no_module_imports_a_private_name_of_another():
    private = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path)
        for target, name in _imports(module, path):
            if name and name.startswith("_") and not name.startswith("__") and target != module:
                private.append(f"{module}: {name} from {target}")
    assert not private, "\n".join(private)


def test_sweep_has_one_meaning():
    owners = sorted(module for module in public_modules()
                    if "sweep" in getattr(importlib.import_module(module), "__all__", ()))
    assert owners == ["hh_brian.sweeps", "hh_brian.sweeps.grid"]


@pytest.mark.parametrize("module, allowed", [
    # The reference is an independent witness: no Brian2, no equation strings, nothing of
    # the package but the definition of a spike.
    ("reference/patch.py", {"hh_brian.core.traces"}),
    # The definition of a spike is shared by the reference: it must not bring Brian2 in.
    ("core/traces.py", set()),
])
def test_witnesses_stay_independent(module, allowed):
    path = PACKAGE / module
    imported = {target for target, _ in _imports(_module_name(path), path)}
    assert imported <= allowed
    for node in ast.walk(ast.parse(path.read_text())):
        names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                 [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
        assert not any(name.split(".")[0] in ("brian2", "sympy") for name in names)


def test_every_public_module_is_an_attribute_of_the_package():
    names = sorted({module.split(".")[1] for module in public_modules()})
    code = ("import hh_brian, types; "
            f"print(all(isinstance(getattr(hh_brian, n), types.ModuleType) for n in {names!r}))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "True", done.stderr
    code = "import hh_brian; hh_brian.nonexistent"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "AttributeError: module 'hh_brian' has no attribute 'nonexistent'" in done.stderr


def test_the_packaged_subpackages_are_found_not_listed():
    text = (PACKAGE.parent / "pyproject.toml").read_text()
    assert 'include = ["hh_brian*"]' in text
    assert "packages = [" not in text


def test_old_module_paths_work_for_a_release_with_a_warning():
    moved = {"hh_brian.parallel": "hh_brian.sweeps.jobs",
             "hh_brian.gallery": "hh_brian.course.gallery",
             "hh_brian.units": "hh_brian.core.units"}
    code = ("import importlib, hh_brian, warnings\n"
            f"for old, new in {moved!r}.items():\n"
            "    with warnings.catch_warnings(record=True) as caught:\n"
            "        warnings.simplefilter('always')\n"
            "        module = importlib.import_module(old)\n"
            "    print(module is importlib.import_module(new), caught[0].message)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.splitlines() == [
        f"True {old} moved to {new}; the old path goes in the next release"
        for old, new in moved.items()], done.stderr


def test_old_names_work_for_a_release_with_a_warning():
    with pytest.warns(DeprecationWarning, match="hh_brian.models.get_model moved to "
                                                "hh_brian.model.get_model"):
        from hh_brian.models import get_model
    assert get_model is hh_brian.get_model
    with pytest.warns(DeprecationWarning, match="hh_brian.fit.sweep moved to "
                                                "hh_brian.fit.data.recorded_sweep"):
        assert hh_brian.fit.sweep is hh_brian.fit.recorded_sweep
