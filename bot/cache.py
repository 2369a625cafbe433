"""A disk cache of the validated knowledge base and its matcher index, for a quick start-up.

Loading and validating `knowledge/` (with the 7,900 comuni of Italy) and indexing the
phrasings take ~1 s of CPU; unpickling what they give takes a tenth of that. The file also
holds the dates answers show, as Babel writes them (so a start from it never imports Babel),
and, read from `bot/data`, the word-frequency tables and the two trained classifiers, ready to use,
and the small talk and understander built on the knowledge base (bot.reading).
The cache file is named after a SHA-256 of everything the result depends on:
- the bytes of every file under the knowledge folder, and the folder's absolute path;
- the bytes of every Python file of the `bot` package (a code change is a new cache, even at
  the same version) and of its data files (`bot/data`), the package version and the cache
  format;
- the Python version and the installed distributions (their `*.dist-info` names, which carry
  the versions: pydantic, numpy, Babel, the list of comuni of python-codicefiscale ...).
A file that is missing, unreadable, truncated or of another format is ignored and rebuilt from
YAML; nothing is ever trusted across versions. `validate` and the admin's `/reload` always
read the YAML (bot.knowledge.load_knowledge): they are what an editor runs after an edit.

The cache lives in `$XDG_CACHE_HOME/conciliazione-bot` (default `~/.cache/conciliazione-bot`),
a folder only its user can read: a pickle is code, so the folder is trusted like the user's own
files. Set `XDG_CACHE_HOME` to move it; when it cannot be written the bot just loads from YAML.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import logging
import os
import pickle
import sys
import tempfile
import weakref
from pathlib import Path
from typing import Any

import bot
from bot import collector
from bot.knowledge import KnowledgeBase
from bot.knowledge_loader import default_knowledge_dir, load_knowledge

logger = logging.getLogger(__name__)

FORMAT = 6  # bump when what the file holds changes shape
APP_FOLDER = "conciliazione-bot"
KEEP_FILES = 8  # older cache files beyond this many are removed (edited copies, old versions)
PACKAGE_DIR = Path(bot.__file__).resolve().parent

# A knowledge base loaded from the cache -> its matcher, and its small talk and understander,
# unpickled with it (see prebuilt_matcher, prebuilt_understanding).
_MATCHERS: dict[int, tuple[weakref.ref[KnowledgeBase], Any, Any]] = {}


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / APP_FOLDER


def _hash_tree(digest: Any, root: Path, pattern: str) -> None:
    """Feed every file under `root` matching `pattern` (relative name and bytes) to `digest`."""
    for path in sorted(root.rglob(pattern)):
        if path.is_file() and "__pycache__" not in path.parts:
            name = path.relative_to(root).as_posix().encode()
            data = path.read_bytes()
            digest.update(b"%d:%s%d:" % (len(name), name, len(data)))
            digest.update(data)


@functools.lru_cache(maxsize=1)
def _environment_key() -> bytes:
    """What does not change while a process runs: code, versions, installed distributions."""
    digest = hashlib.sha256()
    digest.update(f"{FORMAT}|{bot.__version__}|{sys.version}|{sys.platform}\n".encode())
    _hash_tree(digest, PACKAGE_DIR, "*.py")
    _hash_tree(digest, PACKAGE_DIR / "data", "*")
    for entry in sys.path:
        if Path(entry).name in ("site-packages", "dist-packages"):
            try:
                names = sorted(n for n in os.listdir(entry) if n.endswith(".dist-info"))
            except OSError:
                continue
            digest.update(f"{entry}\n{','.join(names)}\n".encode())
    return digest.digest()


def cache_key(directory: Path) -> str:
    """The SHA-256 naming the cache file of the knowledge folder `directory`, as it is now."""
    digest = hashlib.sha256(_environment_key())
    digest.update(str(directory.resolve()).encode() + b"\n")
    _hash_tree(digest, directory, "*")
    return digest.hexdigest()


def cache_file(directory: Path) -> Path:
    return cache_dir() / f"knowledge-{cache_key(directory)[:40]}.pickle"


def _rewrap(function: Any, maxsize: int | None, typed: bool) -> Any:
    return functools.lru_cache(maxsize=maxsize, typed=typed)(function)


class _Pickler(pickle.Pickler):
    """Pickles an lru_cache around a bound method (a per-object memo) as a fresh, empty one."""

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, functools._lru_cache_wrapper) and hasattr(obj.__wrapped__, "__self__"):
            parameters = obj.cache_parameters()
            return _rewrap, (obj.__wrapped__, parameters["maxsize"], parameters["typed"])
        return NotImplemented


def _dumps(value: Any) -> bytes:
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
    return buffer.getvalue()


def _remember(kb: KnowledgeBase, matcher: Any, understanding: Any = None) -> None:
    key = id(kb)
    ref = weakref.ref(kb, lambda _: _MATCHERS.pop(key, None))
    _MATCHERS[key] = (ref, matcher, understanding)


def prebuilt_matcher(kb: KnowledgeBase) -> Any:
    """The matcher built (or unpickled) with `kb` by load_knowledge_cached, else None."""
    found = _MATCHERS.get(id(kb))
    if found is not None and found[0]() is kb:
        return found[1]
    return None


def prebuilt_understanding(kb: KnowledgeBase, matcher: Any) -> Any:
    """(small talk, understander) built (or unpickled) with `kb` and this very `matcher` by
    load_knowledge_cached (bot.services.understanding_of), else None."""
    found = _MATCHERS.get(id(kb))
    if found is not None and found[0]() is kb and found[1] is matcher:
        return found[2]
    return None


def _understanding(kb: KnowledgeBase, matcher: Any) -> Any:
    from bot.reading import understanding_of

    return understanding_of(kb, matcher)


def _dates_shown(kb: KnowledgeBase) -> dict[Any, str]:
    """The dates answers show (an entry's date, a closed entry's end, a place card's sources)
    as Babel writes them in each language: a start from the cache formats them without
    importing Babel (~40 ms)."""
    from bot.formatting import LANGS, date_texts, format_date

    for entry in kb.entries:
        days = [entry.as_of]
        if entry.validity is not None and entry.validity.to is not None:
            days.append(entry.validity.to)
        for day in days:
            for lang in LANGS:
                format_date(day, lang)
    for day in kb.places.dates_shown() if kb.places is not None else ():
        for lang in LANGS:
            format_date(day, lang)
    return date_texts()


def _ready_data(kb: KnowledgeBase) -> dict[str, Any]:
    """What `bot/data` gives, as the bot uses it: building it from the files costs ~70 ms a
    start (the classifier's arrays and index, the frequency tables' offsets)."""
    from bot.classifier import shipped
    from bot.entry_classifier import shipped as shipped_entries
    from bot.frequency import _tables

    second_opinion = kb.understanding is not None and kb.understanding.second_opinion.enabled
    return {
        "frequency": _tables(),
        "classifier": shipped() if second_opinion else None,
        "entries": shipped_entries() if second_opinion else None,
    }


def _use_ready_data(ready: dict[str, Any]) -> None:
    from bot.classifier import use_shipped
    from bot.entry_classifier import use_shipped as use_shipped_entries
    from bot.frequency import use_tables

    use_tables(ready["frequency"])
    use_shipped(ready["classifier"])
    use_shipped_entries(ready["entries"])


def _read(path: Path) -> tuple[KnowledgeBase, Any, dict[Any, str], dict[str, Any], Any] | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        kb, matcher, dates, ready, understanding = pickle.loads(data)
    except Exception as exc:  # noqa: BLE001 - any broken file is only a cache miss
        logger.info("knowledge cache %s unusable (%s): rebuilding", path.name, exc)
        return None
    if not isinstance(kb, KnowledgeBase) or not isinstance(dates, dict):
        return None
    if not isinstance(ready, dict) or set(ready) != {"frequency", "classifier", "entries"}:
        return None
    if not isinstance(understanding, tuple) or len(understanding) != 2:
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # recently used: pruned last
    return kb, matcher, dates, ready, understanding


def _write(path: Path, kb: KnowledgeBase, matcher: Any, understanding: Any = None) -> None:
    """Write atomically (several processes may start at once); prune older files."""
    try:
        understanding = understanding or _understanding(kb, matcher)
        data = _dumps((kb, matcher, _dates_shown(kb), _ready_data(kb), understanding))
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".knowledge-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        olders = sorted(
            (p for p in path.parent.glob("knowledge-*.pickle") if p != path),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        for old in olders[KEEP_FILES - 1 :]:
            old.unlink(missing_ok=True)
    except (OSError, pickle.PicklingError, TypeError, AttributeError) as exc:
        logger.info("knowledge cache not written (%s): loading from YAML next time too", exc)


def _same_key(root: Path, path: Path) -> bool:
    try:
        return cache_file(root) == path
    except (OSError, RuntimeError):
        return False


def load_knowledge_cached(directory: Path | str | None = None) -> KnowledgeBase:
    """load_knowledge(directory), from the disk cache when it is current (same validation).

    Also builds (or unpickles) the matcher index, which Knowledge.build then takes from
    prebuilt_matcher instead of indexing again. Raises KnowledgeError as load_knowledge does.
    """
    with collector.paused():  # ~40 ms of garbage collection otherwise (bot/collector.py)
        return _load_knowledge_cached(directory)


def _load_knowledge_cached(directory: Path | str | None) -> KnowledgeBase:
    from bot.matcher import Matcher

    root = Path(directory) if directory else default_knowledge_dir()
    if not root.is_dir():
        return load_knowledge(root)  # its own clear error
    try:
        path: Path | None = cache_file(root)
    except (OSError, RuntimeError):  # RuntimeError: no home folder to put it in
        path = None
    found = _read(path) if path is not None else None
    if found is not None:
        kb, matcher, dates, ready, understanding = found
        from bot.formatting import remember_date_texts

        remember_date_texts(dates)
        _use_ready_data(ready)
        # The folder as this process names it (the file may come from another working folder):
        # /reload reads it again.
        object.__setattr__(kb, "directory", root)
    else:
        kb = load_knowledge(root)
        matcher = Matcher(kb.entries, kb.synonyms)
        understanding = _understanding(kb, matcher)
        # Not if a file changed while it was read: the name would not match what was loaded.
        if path is not None and _same_key(root, path):
            _write(path, kb, matcher, understanding)
    _remember(kb, matcher, understanding)
    return kb
