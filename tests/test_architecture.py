"""The house rules of docs/architecture.md, checked on the code itself.

Import-linter checks the layer contracts (pyproject.toml); these tests add what it does not:
no import cycle between any two files (imports inside functions count), few loose modules in
``sim/``, and no module long enough to hold two concepts.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp

SIM = Path(__file__).resolve().parents[1] / "sim"
MAX_LINES = 400
MAX_LOOSE_MODULES = 5


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), i.e. import cycles."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.find_modules_directly_imported_by(v):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1 or v in graph.find_modules_directly_imported_by(v):
                out.append(sorted(comp))

    sys.setrecursionlimit(10_000)
    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return out


def test_no_import_cycle_between_files_function_level_imports_included():
    graph = grimp.build_graph("sim", include_external_packages=False)
    assert len(graph.modules) > 40  # the whole package was read
    assert _cycles(graph) == []


def test_a_planted_cycle_is_found():
    """The cycle finder itself can fail: a two-module cycle is reported."""
    graph = grimp.ImportGraph()
    for m in ("p", "p.a", "p.b", "p.c"):
        graph.add_module(m)
    graph.add_import(importer="p.a", imported="p.b")
    graph.add_import(importer="p.b", imported="p.a")
    graph.add_import(importer="p.c", imported="p.a")
    assert _cycles(graph) == [["p.a", "p.b"]]


def test_few_loose_modules_and_no_long_module():
    loose = sorted(p.name for p in SIM.glob("*.py") if p.name != "__init__.py")
    assert len(loose) <= MAX_LOOSE_MODULES, loose
    long = {str(p.relative_to(SIM)): n for p in SIM.rglob("*.py") if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert long == {}


def test_des_and_abm_never_import_each_other():
    graph = grimp.build_graph("sim", include_external_packages=False)
    assert not graph.chain_exists("sim.des", "sim.abm", as_packages=True)
    assert not graph.chain_exists("sim.abm", "sim.des", as_packages=True)


def test_layer_contracts_hold():
    """`lint-imports` with the contracts in pyproject.toml (also run by `make test`)."""
    cli = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(cli)], capture_output=True, text=True, cwd=SIM.parent, timeout=120)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout
