"""Reading one YAML file of `knowledge/`, and saying where a problem is (file and line)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.models import CONSTRUCTION_ERRORS, safe_loader

if TYPE_CHECKING:
    import yaml


@cache
def _unique_key_loader() -> type[yaml.SafeLoader]:
    """The safe loader refusing a key written twice in one mapping: YAML would silently keep
    the last one, and an editor's earlier list of words would vanish. (Made at the first
    read: PyYAML is imported only when a YAML file is read.)"""
    import yaml

    class _UniqueKeyLoader(safe_loader()):  # type: ignore[misc]
        def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
            seen: set[Any] = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=deep)
                if isinstance(key, str | int) and key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"the key '{key}' is written twice", key_node.start_mark
                    )
                seen.add(key)
            return super().construct_mapping(node, deep=deep)  # type: ignore[no-any-return]

    return _UniqueKeyLoader


def display_path(path: Path) -> str:
    """A file as the editor can open it: relative to the current folder when inside it, else
    absolute (never a made-up `knowledge/...` for a folder that has another name)."""
    absolute = path.absolute()
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return absolute.as_posix()


def entry_lines(path: Path) -> dict[int, dict[str, int]]:
    """Where each item of the file's `entries:` list is, by index: {"": line where the entry
    starts, field: line of that field} (1-based), so a problem points at its line."""
    import yaml

    try:
        node = yaml.compose(path.read_text(encoding="utf-8"), Loader=safe_loader())
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    if not isinstance(node, yaml.MappingNode):
        return {}
    for key, value in node.value:
        if getattr(key, "value", None) == "entries" and isinstance(value, yaml.SequenceNode):
            return {i: field_lines(item) for i, item in enumerate(value.value)}
    return {}


def field_lines(item: yaml.Node) -> dict[str, int]:
    import yaml

    lines = {"": item.start_mark.line + 1}
    if isinstance(item, yaml.MappingNode):
        for key, _ in item.value:
            lines[str(getattr(key, "value", ""))] = key.start_mark.line + 1
    return lines


def read_yaml(path: Path, problems: list[str]) -> Any:
    import yaml

    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=_unique_key_loader())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        problems.append(f"{display_path(path)}: -: -: the file is not valid YAML{where}: {reason}")
    except CONSTRUCTION_ERRORS as exc:
        problems.append(
            f"{display_path(path)}: -: -: the file is not valid YAML: "
            f"a value does not fit its tag (!!...): {exc}"
        )
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(f"{display_path(path)}: -: -: cannot read the file: {exc}")
    return None
