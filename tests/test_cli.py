"""The command-line contract: ask (single and batch JSON), chat, eval."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from bot.cli import main
from tests.support import EVAL_DIR, cli_env, run_cli

KEYS = {"question", "status", "entry", "score", "lang", "text", "options"}
OPTIONAL_KEYS = {"details"}


def _follows_contract(obj: dict[str, object]) -> bool:
    return KEYS <= set(obj) <= KEYS | OPTIONAL_KEYS


def _run(
    args: list[str], stdin: str | None = None, tmp_path: Path | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    env = cli_env(BOT_DATA_DIR=str(tmp_path / "data")) if tmp_path is not None else cli_env()
    return run_cli(args, env=env, stdin=stdin, timeout=timeout)


@pytest.fixture
def in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """Run a command in this process (no interpreter start-up): (exit code, stdout). From an
    empty folder, so that no `.env` of the checkout changes this process's environment."""
    monkeypatch.chdir(tmp_path)
    for name in ("BOT_DATA_DIR", "KNOWLEDGE_DIR", "BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)

    def run(args: list[str]) -> tuple[int, str]:
        code = main(args)
        return code, capsys.readouterr().out

    return run


def test_ask_json_single_question_follows_the_contract() -> None:
    proc = _run(["ask", "--json", "quanto dà il fondo cresco al mese?"])
    assert proc.returncode == 0, proc.stderr
    obj = json.loads(proc.stdout)
    assert _follows_contract(obj)
    assert obj["status"] == "answer" and obj["lang"] == "it"
    assert "75" in obj["text"]
    assert 0 <= obj["score"] <= 100
    assert obj["entry"]


def test_ask_plain_text_and_language_option(in_process) -> None:  # type: ignore[no-untyped-def]
    code, out = in_process(["ask", "--lang", "en", "cos'è", "il", "fondo", "nasko"])
    assert code == 0 and "NASKO" in out


def test_ask_batch_one_json_line_per_question_including_odd_input() -> None:
    questions = [
        "ciao",
        "come si rinnova il passaporto",
        "",
        "😀😀😀",
        "x" * 10_000,
        "What is a Rete di Conciliazione?",
        "<b>nasko</b>",
        "\x00\x1b[31m",
        "Привет нasko",
    ]
    proc = _run(["ask", "--json", "-"], stdin="\n".join(questions) + "\n")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == len(questions)
    objects = [json.loads(line) for line in lines]
    assert all(_follows_contract(o) for o in objects)
    assert objects[0]["status"] == "smalltalk"
    assert objects[1]["status"] == "fallback"
    for index in (2, 3, 4, 7):
        assert objects[index]["status"] in {"fallback", "smalltalk"}, objects[index]
    assert objects[5]["status"] == "answer" and objects[5]["lang"] == "en"


@pytest.mark.slow  # a thousand answers
def test_ask_batch_answers_a_thousand_questions_one_line_each() -> None:
    """Speed is measured by benchmarks/run.py, not asserted here (a busy machine would fail)."""
    sample = (EVAL_DIR / "dev.yaml").read_text(encoding="utf-8")
    import yaml

    questions = [case["q"] for case in yaml.safe_load(sample)]
    batch = "\n".join((questions * (1000 // len(questions) + 1))[:1000]) + "\n"
    proc = _run(["ask", "--json", "-"], stdin=batch)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) == 1000
    assert [json.loads(line)["question"] for line in lines] == batch.splitlines()


def test_baseline_matcher_is_selectable(in_process) -> None:  # type: ignore[no-untyped-def]
    code, out = in_process(["ask", "--json", "--matcher", "baseline", "fondo nasko"])
    assert code == 0 and _follows_contract(json.loads(out))


def test_chat_answers_typed_questions_and_presses_numbered_buttons(tmp_path: Path) -> None:
    proc = _run(["chat"], stdin="quanto dà il fondo cresco?\n/menu\n1\n/quit\n", tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "75" in proc.stdout
    assert "[1]" in proc.stdout


@pytest.mark.slow  # 127 cases through both matchers
def test_eval_prints_both_matchers(tmp_path: Path) -> None:
    proc = _run(["eval", str(EVAL_DIR / "holdout.yaml")], tmp_path=tmp_path, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "default" in proc.stdout and "baseline" in proc.stdout
    assert "in-scope" in proc.stdout and "out-of-scope" in proc.stdout


@pytest.mark.parametrize("args", [["run"]])
def test_run_without_token_exits_1_with_clear_message(args: list[str], tmp_path: Path) -> None:
    proc = _run(args, tmp_path=tmp_path, timeout=60)
    assert proc.returncode == 1
    assert "BOT_TOKEN" in proc.stderr
