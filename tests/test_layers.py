"""The import graph follows the layers of DESIGN.md (issue 10), checked over `ast`.

Layers, low to high; a module may import its own layer and those below, never above:

    foundation  errors config crypto store audit cache geo inputs
    data        catalog sources
    engine      query access            (query <-> access import each other: allowed, below)
    services    auth llm usage org_settings
    features    ai analyze dashboards admin orgs
    root        runtime                 (the composition root: anything below the edges)
    edges       api console cli demo app client __main__

Imports under ``if TYPE_CHECKING:`` do not count (they never run). Function-level imports do:
they hide a cycle, they do not remove it. Besides the layers: the console and the CLI never
import `plotboard.api.routes` (they call services), and no two packages import each other
through any chain. `ALLOWED` is the explicit list of today's exceptions, each with its reason;
it must only shrink (a listed import that no longer exists fails the test too).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "plotboard"

LAYERS: dict[str, int] = {
    **dict.fromkeys(
        (
            "errors",
            "config",
            "crypto",
            "store",
            "audit",
            "cache",
            "geo",
            "inputs",
            "bundle",
            "memory",
        ),
        0,
    ),
    **dict.fromkeys(("catalog", "sources"), 1),
    **dict.fromkeys(("query", "access"), 2),
    **dict.fromkeys(("auth", "llm", "usage", "org_settings"), 3),
    **dict.fromkeys(("ai", "analyze", "dashboards", "admin", "orgs", "extensions"), 4),
    "runtime": 5,
    **dict.fromkeys(("api", "console", "cli", "demo", "app", "client", "__main__"), 6),
}

# Package pairs that may import each other (a cycle kept on purpose).
MUTUAL = {frozenset({"query", "access"})}  # access rewrites query specs; query enforces access

# (importing module, imported package): why it is still there. Shrink this list.
ALLOWED: dict[tuple[str, str], str] = {}

# Package cycles still there, with why (shrink too).
CYCLES_ALLOWED: dict[frozenset[str], str] = {}


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, module: str, is_package: bool) -> set[str]:
    """The plotboard modules `module` imports at run time (not under TYPE_CHECKING)."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for branch in node.orelse:
                visit(branch)
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            found.add(prefix)
            found.update(f"{prefix}.{a.name}" for a in node.names)  # `from pkg import module`
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return {m for m in found if m.startswith("plotboard.")}


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC.parent).with_suffix("")
        parts = list(relative.parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts.pop()
        module = ".".join(parts)
        graph[module] = _imports(ast.parse(path.read_text()), module, is_package)
    # `from pkg import name` added pkg.name: keep it only when it is a module.
    return {m: {i for i in imported if i in graph} for m, imported in graph.items()}


def _violations() -> dict[tuple[str, str], str]:
    """(importing module, imported package) -> what rule it breaks."""
    out: dict[tuple[str, str], str] = {}
    for module, imported in _graph().items():
        source = _package(module)
        for target_module in imported:
            target = _package(target_module)
            if target == source or target == "__init__" or source == "__init__":
                continue
            if source in ("console", "cli") and target_module.startswith("plotboard.api.routes"):
                out[(module, "api.routes")] = "the console and CLI call services, not routes"
            if frozenset({source, target}) in MUTUAL:
                continue
            if LAYERS[target] > LAYERS[source]:
                out[(module, target)] = (
                    f"{source} (layer {LAYERS[source]}) imports {target} (layer {LAYERS[target]})"
                )
    return out


def _package_cycles() -> list[set[str]]:
    edges: dict[str, set[str]] = defaultdict(set)
    for module, imported in _graph().items():
        source = _package(module)
        for target_module in imported:
            target = _package(target_module)
            if target in (source, "__init__") or frozenset({source, target}) in MUTUAL:
                continue
            if (module, target) in ALLOWED or frozenset({source, target}) in CYCLES_ALLOWED:
                continue
            edges[source].add(target)
    # Tarjan's strongly connected components.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[set[str]] = []

    def strong(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in edges[node]:
            if nxt not in index:
                strong(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(component)

    for node in list(edges):
        if node not in index:
            strong(node)
    return cycles


def test_every_package_has_a_layer() -> None:
    packages = {_package(m) for m in _graph()} - {"__init__"}
    assert packages <= set(LAYERS), sorted(packages - set(LAYERS))


def test_no_layer_imports_a_higher_one_and_no_edge_imports_routes() -> None:
    found = _violations()
    new = {k: v for k, v in found.items() if k not in ALLOWED}
    assert not new, "\n".join(f"{m} -> {t}: {why}" for (m, t), why in sorted(new.items()))


def test_the_allow_list_only_holds_imports_that_still_exist() -> None:
    found = _violations()
    stale = sorted(k for k in ALLOWED if k not in found)
    assert not stale, f"remove from ALLOWED (fixed): {stale}"


def test_no_package_cycles() -> None:
    assert _package_cycles() == []


def test_the_check_sees_a_violation() -> None:
    # The checker itself: a lower layer importing a higher one, hidden in a function, counts;
    # the same import under TYPE_CHECKING does not.
    code = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from plotboard.api.routes import x\n"
        "def f():\n    from plotboard.ai import llm\n"
    )
    assert _imports(ast.parse(code), "plotboard.catalog.model", False) == {
        "plotboard.ai",
        "plotboard.ai.llm",
    }


if __name__ == "__main__":
    for (m, t), why in sorted(_violations().items()):
        print(f"{m} -> {t}: {why}")
    print(_package_cycles())
