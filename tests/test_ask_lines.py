"""`ask -` answered by two worker processes: every line once, in order, as one process would
(bot/ask_lines.py; docs/performance.md, "Thirteenth pass")."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.ask_lines import answer_lines, worker_count
from tests.support import cli_env

LINES = [
    "ciao",
    "",
    "x" * 200_000,  # longer than a pipe's buffer: sent alone
    "\udcff lone surrogate",
    "tab\there\r",
    *(f"question {n}" for n in range(200)),
]


def _answer(question: str) -> str:
    return json.dumps([question, os.getpid()]) + "\n"


def _stdin(tmp_path: Path) -> io.TextIOWrapper:
    path = tmp_path / "lines.txt"
    path.write_text("\n".join(LINES) + "\n", encoding="utf-8", errors="surrogateescape")
    return open(path, encoding="utf-8", errors="surrogateescape", newline="\n")  # noqa: SIM115


def _answers(tmp_path: Path, workers: int) -> list[list[object]]:
    """Every line answered by `workers` workers, checked to come back once each, in order."""
    out = io.StringIO()
    with _stdin(tmp_path) as stdin:
        answer_lines(stdin, out, _answer, workers)
    answers = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [question for question, _ in answers] == [line.rstrip("\r") for line in LINES]
    return answers


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")
def test_two_workers_answer_every_line_once_in_order(tmp_path: Path) -> None:
    answers = _answers(tmp_path, 2)
    workers = {pid for _, pid in answers}
    assert len(workers) == 2 and os.getpid() not in workers


def test_one_worker_answers_here_with_the_same_output(tmp_path: Path) -> None:
    assert {pid for _, pid in _answers(tmp_path, 1)} == {os.getpid()}


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")
def test_a_failing_answer_is_an_error_not_a_hang(tmp_path: Path) -> None:
    def answer(question: str) -> str:
        if question == "question 7":
            raise ValueError("boom")
        return question + "\n"

    out = io.StringIO()
    with _stdin(tmp_path) as stdin, pytest.raises(RuntimeError):
        answer_lines(stdin, out, answer, 2)
    assert out.getvalue().splitlines() == [line.rstrip("\r") for line in LINES[:12]]


def test_no_workers_without_a_file_descriptor() -> None:
    assert worker_count(io.StringIO("ciao\n")) == 1  # type: ignore[arg-type]


@pytest.mark.slow  # starts the command line
def test_ask_answers_each_line_before_the_next_is_written() -> None:
    """A program that writes a question and waits for its answer before the next one."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "ask", "--json", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=cli_env(),
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        for question in ("ciao", "cos'è il fondo nasko?", "grazie"):
            proc.stdin.write(question + "\n")
            proc.stdin.flush()
            assert json.loads(proc.stdout.readline())["question"] == question
        proc.stdin.close()
        assert proc.wait(timeout=60) == 0
    finally:
        proc.kill()
