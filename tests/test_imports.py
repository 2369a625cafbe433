"""The package's import graph: no module of bot/ imports, even indirectly, one that imports it."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "bot"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, name: str, known: set[str]) -> set[str]:
    """Every module of the package that `path` imports, wherever the import stands."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        for target in targets:
            if target in known:
                found.add(target)
    found.discard(name)
    return found


def import_graph() -> dict[str, set[str]]:
    paths = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    known = set(paths)
    return {name: _imports(path, name, known) for name, path in paths.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as a path (first module repeated at the end), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)) is not None:
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)) is not None:
            return cycle
    return None


def test_the_cycle_finder_sees_a_cycle_and_a_clean_graph() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_the_graph_is_read_from_the_real_package() -> None:
    graph = import_graph()
    assert "bot.brain" in graph and "bot.flows.engine" in graph
    assert "bot.reply" in graph["bot.brain"]


def test_no_module_of_bot_is_part_of_an_import_cycle() -> None:
    """Counting imports inside functions and under TYPE_CHECKING: a cycle hidden there is one."""
    assert find_cycle(import_graph()) is None


def test_no_module_hides_a_missing_dependency() -> None:
    """Dependencies are declared in pyproject.toml, so the code never guards an import
    (an optional extra is checked with importlib.util.find_spec and named when missing)."""
    offenders = [
        str(path.relative_to(ROOT))
        for folder in (PACKAGE, ROOT / "handlers")
        for path in folder.rglob("*.py")
        if "except ImportError" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


# A module a maintainer can hold in mind: split one that grows past this.
MAX_MODULE_LINES = 500


def test_no_module_of_the_bot_or_the_door_grows_past_the_limit() -> None:
    paths = [*PACKAGE.rglob("*.py"), *(ROOT / "handlers").rglob("*.py")]
    long = {
        str(path.relative_to(ROOT)): n
        for path in paths
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert not long, long
