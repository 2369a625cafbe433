"""The disk cache of the knowledge base (bot/cache.py): used when current, never when stale."""

from __future__ import annotations

import dataclasses
import json
import pickle
import shutil
from pathlib import Path

import pytest

import bot
import bot.cache as cache
from bot.brain import Brain
from bot.cache import cache_dir, cache_file, load_knowledge_cached, prebuilt_matcher
from bot.knowledge import KnowledgeBase
from bot.knowledge_loader import default_knowledge_dir, load_knowledge
from bot.store import SQLiteStore
from tests.support import cli_env, run_cli

QUESTION = "cos'è il fondo nasko?"
MARKER = "Fondo NASKO (answer edited for the cache test)"


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, KnowledgeBase]:
    """A copy of the real knowledge base (never edited) and its load from YAML."""
    target = tmp_path_factory.mktemp("shared") / "knowledge"
    shutil.copytree(default_knowledge_dir(), target)
    return target, load_knowledge(target)


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's own cache folder."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture
def folder(tmp_path: Path, cache_home: Path) -> Path:
    """A copy of the real knowledge base that the test may edit."""
    target = tmp_path / "knowledge"
    shutil.copytree(default_knowledge_dir(), target)
    return target


def _edit_nasko_answer(folder: Path) -> None:
    """Make MARKER the first paragraph of the Italian answer of the first NASKO entry."""
    path = folder / "faq" / "nasko.yaml"
    text = path.read_text(encoding="utf-8")
    head, sep, rest = text.partition("    answer:\n      it: ")
    assert sep and rest[0] in "|>", "the NASKO file changed shape: adapt the test"
    first_line, newline, body = rest.partition("\n")
    indent = body[: len(body) - len(body.lstrip(" "))]
    _, _, after_first = body.partition("\n")
    path.write_text(
        head + sep + first_line + newline + indent + MARKER + "\n" + after_first, encoding="utf-8"
    )


def _answer(kb, text: str = QUESTION) -> str:  # type: ignore[no-untyped-def]
    brain = Brain(kb, SQLiteStore(Path(kb.directory).parent / "data"))
    try:
        return brain.answer_question(text, "it").text
    finally:
        brain.close()


def test_a_cached_load_equals_a_yaml_load_and_brings_its_matcher(
    shared: tuple[Path, KnowledgeBase], cache_home: Path
) -> None:
    folder, fresh = shared
    first = load_knowledge_cached(folder)  # cold: from YAML, then written
    written = cache_file(folder)
    assert written.is_file() and written.parent == cache_dir() == cache_home / cache.APP_FOLDER
    again = load_knowledge_cached(folder)
    assert again is not first  # read back from the file
    assert again.directory == folder
    assert again.entries == fresh.entries
    assert again.texts.keys() == fresh.texts.keys()
    assert again.flows.keys() == fresh.flows.keys()
    assert again.synonyms == fresh.synonyms
    assert len(again.places.comuni) == len(fresh.places.comuni)
    matcher = prebuilt_matcher(again)
    assert matcher is not None and matcher is not prebuilt_matcher(first)
    brain = Brain(again, SQLiteStore(cache_home.parent / "data"))
    try:
        assert brain.matcher is matcher  # not indexed a second time
    finally:
        brain.close()
    assert prebuilt_matcher(fresh) is None  # a YAML load has none: the brain builds it
    for text in (QUESTION, "what is CRESCO?", "abito a Bergamo, a chi mi rivolgo?", "ciao"):
        assert _answer(again, text) == _answer(fresh, text)


@pytest.mark.slow  # the command line, twice, in fresh processes
def test_an_edited_yaml_file_is_read_again_by_the_command_line(
    folder: Path, tmp_path: Path, cache_home: Path
) -> None:
    env = cli_env(KNOWLEDGE_DIR=str(folder), XDG_CACHE_HOME=str(cache_home))
    first = run_cli(["ask", "--json", "--lang", "it", QUESTION], env=env, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert MARKER not in json.loads(first.stdout)["text"]
    old_file = cache_file(folder)
    assert old_file.is_file()  # written by the command

    _edit_nasko_answer(folder)
    assert cache_file(folder) != old_file
    second = run_cli(["ask", "--json", "--lang", "it", QUESTION], env=env, cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert MARKER in json.loads(second.stdout)["text"]
    assert cache_file(folder).is_file()  # the new content's file ...
    assert MARKER in _answer(load_knowledge_cached(folder))  # ... holds the new answer


def test_a_current_cache_file_is_trusted_but_reload_reads_yaml(
    shared: tuple[Path, KnowledgeBase], tmp_path: Path, cache_home: Path
) -> None:
    """A file under the current name is what the bot starts from (so the cache really
    serves); `/reload`, what an editor runs after an edit, reads the YAML."""
    folder, kb = shared
    entry = kb.entry("nasko-what")
    assert entry is not None
    poisoned_answer = entry.answer.model_copy(update={"it": "POISONED FROM THE CACHE"})
    poisoned_entry = entry.model_copy(update={"answer": poisoned_answer})
    entries = tuple(poisoned_entry if e.id == entry.id else e for e in kb.entries)
    poisoned = dataclasses.replace(kb, entries=entries)
    from bot.matcher import Matcher

    cache._write(cache_file(folder), poisoned, Matcher(poisoned.entries, poisoned.synonyms))
    brain = Brain(load_knowledge_cached(folder), SQLiteStore(tmp_path / "data"))
    try:
        assert "POISONED" in brain.answer_question(QUESTION, "it").text
        assert brain.reload() == []
        assert "POISONED" not in brain.answer_question(QUESTION, "it").text
    finally:
        brain.close()


@pytest.mark.parametrize(
    "damage", [b"", b"not a pickle", pickle.dumps(("a", "b")), pickle.dumps({"x": 1})]
)
def test_a_broken_cache_file_is_not_used(tmp_path: Path, damage: bytes) -> None:
    path = tmp_path / "knowledge-x.pickle"
    path.write_bytes(damage)
    assert cache._read(path) is None
    assert cache._read(tmp_path / "missing.pickle") is None


def test_a_broken_cache_file_is_rebuilt(
    shared: tuple[Path, KnowledgeBase], cache_home: Path
) -> None:
    folder, fresh = shared
    path = cache_file(folder)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"truncated")
    kb = load_knowledge_cached(folder)
    assert kb.entries == fresh.entries
    assert prebuilt_matcher(kb) is not None
    assert cache._read(path) is not None  # replaced by a good one


def test_a_cache_folder_that_cannot_be_written_only_costs_time(
    shared: tuple[Path, KnowledgeBase], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, fresh = shared
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would be", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    kb = load_knowledge_cached(folder)
    assert kb.entries == fresh.entries
    assert blocker.is_file()


def test_the_name_changes_with_the_version_the_code_and_the_folder(
    shared: tuple[Path, KnowledgeBase], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, _ = shared
    base = cache_file(folder)
    try:
        monkeypatch.setattr(bot, "__version__", bot.__version__ + ".post1")
        cache._environment_key.cache_clear()
        assert cache_file(folder) != base
        monkeypatch.undo()
        cache._environment_key.cache_clear()
        assert cache_file(folder) == base

        code = tmp_path / "code"
        code.mkdir()
        (code / "module.py").write_text("X = 1\n", encoding="utf-8")
        monkeypatch.setattr(cache, "PACKAGE_DIR", code)
        cache._environment_key.cache_clear()
        one = cache_file(folder)
        (code / "module.py").write_text("X = 2\n", encoding="utf-8")
        cache._environment_key.cache_clear()
        assert cache_file(folder) != one
    finally:
        monkeypatch.undo()
        cache._environment_key.cache_clear()

    # A copy elsewhere is another knowledge base (its /reload reads its own folder).
    twin = tmp_path / "twin"
    shutil.copytree(folder, twin)
    assert cache_file(twin) != base


def test_the_same_folder_named_relatively_shares_the_file_and_keeps_its_name(
    shared: tuple[Path, KnowledgeBase], cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, fresh = shared
    load_knowledge_cached(folder)  # written under the absolute name
    monkeypatch.chdir(folder.parent)
    relative = Path(folder.name)
    assert cache_file(relative) == cache_file(folder)
    kb = load_knowledge_cached(relative)
    assert kb.directory == relative  # as this process named it: /reload reads it from here
    assert kb.entries == fresh.entries


def test_a_start_from_the_cache_shows_dates_without_importing_babel(
    folder: Path, tmp_path: Path
) -> None:
    """The file carries the dates answers show as Babel wrote them: a fresh process answers a
    topic and a place question (each with a date) from it without loading Babel, and the
    replies are those of a process that loaded the YAML."""
    import subprocess
    import sys

    load_knowledge_cached(folder)  # writes the file
    code = (
        "import sys, tempfile\n"
        "from pathlib import Path\n"
        "from bot.brain import Brain\n"
        "from bot.cache import load_knowledge_cached\n"
        "from bot.knowledge_loader import load_knowledge\n"
        "from bot.store import SQLiteStore\n"
        "questions = ['cos\\'è il fondo nasko?', 'what is CRESCO?',\n"
        "             'qual è la mia ats? abito a Lodi']\n"
        "def answers(kb):\n"
        "    brain = Brain(kb, SQLiteStore(Path(tempfile.mkdtemp())))\n"
        "    return [brain.answer_question(q).text for q in questions]\n"
        "cached = answers(load_knowledge_cached(sys.argv[1]))\n"
        "print('babel' in sys.modules)\n"
        "import bot.formatting\n"
        "bot.formatting._DATE_TEXTS.clear()  # Babel renders them again\n"
        "print(cached == answers(load_knowledge(Path(sys.argv[1]))))\n"
        "print('babel' in sys.modules)\n"
        "print(any(str(y) in a for a in cached for y in range(2015, 2031)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(folder)],
        env=cli_env(XDG_CACHE_HOME=str(cache_dir().parent)),
        cwd=Path(bot.__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        check=True,
    )
    # Not imported from the cache; the YAML load renders with Babel; replies equal; dated.
    assert done.stdout.split() == ["False", "True", "True", "True"], done.stderr
