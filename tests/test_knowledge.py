"""The knowledge base loads, and every kind of editing mistake is reported precisely."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bot.knowledge import KnowledgeError
from bot.knowledge_loader import default_knowledge_dir, load_knowledge
from tests.support import real_kb

GOOD_ENTRY = """
  - id: {id}
    topic: nasko
    audience: families
    title: {{it: "Titolo", en: "Title"}}
    questions:
      it: ["domanda uno", "domanda due"]
      en: ["question one", "question two"]
    answer: {{it: "Risposta.", en: "Answer."}}
    sources: [{{title: "Seed page", seed: 000_6872bb9527ec5f78.txt}}]
    as_of: 2017-09-14
"""


@pytest.fixture()
def kb_copy(tmp_path: Path) -> Path:
    """A writable copy of the real knowledge base."""
    target = tmp_path / "knowledge"
    shutil.copytree(default_knowledge_dir(), target)
    return target


def _problems(directory: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(directory)
    return info.value.problems


def _add_file(directory: Path, name: str, body: str) -> None:
    (directory / "faq" / name).write_text(body, encoding="utf-8")


def test_real_knowledge_base_is_valid() -> None:
    kb = real_kb()
    assert len(kb.entries) >= 60
    ids = [e.id for e in kb.entries]
    assert len(ids) == len(set(ids))
    for entry in kb.entries:
        assert entry.sources, entry.id
        assert entry.answer.it.strip() and entry.answer.en.strip(), entry.id


def test_every_required_topic_is_covered() -> None:
    topics = {e.topic for e in real_kb().entries}
    for topic in (
        "conciliazione",
        "programmi",
        "reti",
        "alleanze",
        "aderire",
        "ats",
        "contatti",
        "nasko",
        "cresco",
        "bonus-famiglia",
        "misure-nazionali",
    ):
        assert topic in topics, topic


def test_broken_yaml_is_reported_with_file_and_line(kb_copy: Path) -> None:
    _add_file(kb_copy, "broken.yaml", "entries:\n  - id: x\n    title: [unclosed\n")
    problems = _problems(kb_copy)
    assert any(
        "knowledge/faq/broken.yaml" in p and "not valid YAML" in p and "line" in p for p in problems
    ), problems


def test_missing_field_names_entry_and_field(kb_copy: Path) -> None:
    body = "entries:" + GOOD_ENTRY.format(id="test-missing").replace("    as_of: 2017-09-14\n", "")
    _add_file(kb_copy, "missing.yaml", body)
    problems = _problems(kb_copy)
    # The real file, and the line where the entry without the field starts.
    where = (kb_copy / "faq" / "missing.yaml").as_posix()
    assert f"{where}:2: entry 'test-missing': field 'as_of': this field is required" in problems


def test_duplicate_ids_are_reported(kb_copy: Path) -> None:
    _add_file(kb_copy, "dup.yaml", "entries:" + GOOD_ENTRY.format(id="test-dup") * 2)
    problems = _problems(kb_copy)
    assert any("entry 'test-dup': field 'id': duplicate id" in p for p in problems), problems


def test_answer_without_source_is_refused(kb_copy: Path) -> None:
    body = "entries:" + GOOD_ENTRY.format(id="test-nosource").replace(
        '[{title: "Seed page", seed: 000_6872bb9527ec5f78.txt}]', "[]"
    )
    _add_file(kb_copy, "nosource.yaml", body)
    problems = _problems(kb_copy)
    assert any(
        "entry 'test-nosource': field 'sources': at least one source is required" in p
        for p in problems
    ), problems


def test_source_needs_url_or_seed_and_missing_translation(kb_copy: Path) -> None:
    body = "entries:" + GOOD_ENTRY.format(id="test-src").replace(
        "seed: 000_6872bb9527ec5f78.txt", "note: x"
    ).replace(', en: "Answer."', "")
    _add_file(kb_copy, "src.yaml", body)
    problems = _problems(kb_copy)
    assert any("test-src" in p and "'answer.en'" in p for p in problems), problems
    assert any("test-src" in p and "sources" in p for p in problems), problems


def test_html_in_answer_and_unknown_related_are_refused(kb_copy: Path) -> None:
    body = (
        "entries:"
        + GOOD_ENTRY.format(id="test-html").replace('"Risposta."', '"<b>Risposta</b>"')
        + "    related: [no-such-entry]\n"
    )
    _add_file(kb_copy, "html.yaml", body)
    problems = _problems(kb_copy)
    assert any("test-html" in p and "remove the <tags>" in p for p in problems), problems


def test_yaml_booleans_in_phrasings_are_caught(kb_copy: Path) -> None:
    body = "entries:" + GOOD_ENTRY.format(id="test-bool").replace(
        '["domanda uno", "domanda due"]', '[yes, "domanda due", "domanda tre"]'
    )
    _add_file(kb_copy, "bool.yaml", body)
    problems = _problems(kb_copy)
    assert any("test-bool" in p and "questions.it" in p for p in problems), problems


def test_ui_text_missing_translation(kb_copy: Path) -> None:
    (kb_copy / "ui" / "extra.yaml").write_text(
        "texts:\n  extra.key:\n    it: ciao\n", encoding="utf-8"
    )
    problems = _problems(kb_copy)
    assert any("text 'extra.key': en: missing translation" in p for p in problems), problems


@pytest.mark.slow  # the command line in fresh processes
def test_validate_cli_exit_codes(kb_copy: Path) -> None:
    ok = subprocess.run([sys.executable, "-m", "bot", "validate"], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.startswith("OK:")
    assert ok.stdout.rstrip().endswith(" in knowledge")  # the folder it checked
    _add_file(kb_copy, "broken.yaml", textwrap.dedent("entries: [\n"))
    bad = subprocess.run(
        [sys.executable, "-m", "bot", "validate", str(kb_copy)], capture_output=True, text=True
    )
    assert bad.returncode == 1
    assert "knowledge/faq/broken.yaml" in bad.stdout


@pytest.mark.slow  # the bot process itself
def test_bot_refuses_to_start_on_invalid_knowledge(kb_copy: Path, tmp_path: Path) -> None:
    _add_file(kb_copy, "broken.yaml", "entries: [\n")
    env = {"KNOWLEDGE_DIR": str(kb_copy), "BOT_DATA_DIR": str(tmp_path / "data"), "PATH": ""}
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "ciao"], capture_output=True, text=True, env=env
    )
    assert proc.returncode == 1
    assert "broken.yaml" in proc.stderr


def test_a_key_written_twice_in_a_file_is_reported_with_its_line(tmp_path: Path) -> None:
    from bot.knowledge_files import read_yaml

    path = tmp_path / "understanding.yaml"
    path.write_text("rewrite:\n  sindaco: [sindic]\n  bambini: [fioi]\n  sindaco: [sindech]\n")
    problems: list[str] = []
    assert read_yaml(path, problems) is None
    assert len(problems) == 1 and "line 4" in problems[0] and "'sindaco'" in problems[0]
