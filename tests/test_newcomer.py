"""What a newcomer meets on the command line: one clear line and an exit code, never a
traceback, for every mistake a first run can make (each test runs `python -m bot` as a person
would, from this checkout)."""

from __future__ import annotations

import argparse
import re
import shutil
import tomllib
from pathlib import Path

import pytest

from bot.cli import _parser
from bot.evaluation import DEFAULT_EVAL_FILE
from bot.knowledge_loader import default_knowledge_dir
from tests.support import ROOT, cli_env, free_port, run_cli

# Each test runs the command line in a fresh process, as a newcomer would: end to end.
pytestmark = pytest.mark.slow

TOKEN = "123456789:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"


def one_error_line(proc, code: int = 1) -> str:  # type: ignore[no-untyped-def]
    """The single stderr line of a failed command (and no traceback)."""
    assert proc.returncode == code, (proc.returncode, proc.stdout[-2000:], proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    return lines[0]


@pytest.fixture(scope="module")
def broken_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the knowledge base with a misspelt field on a known line of nasko.yaml."""
    target = tmp_path_factory.mktemp("broken") / "kb-copy"
    shutil.copytree(default_knowledge_dir(), target)
    nasko = target / "faq" / "nasko.yaml"
    lines = nasko.read_text(encoding="utf-8").splitlines()
    topic = next(i for i, line in enumerate(lines) if line.strip() == "topic: nasko")
    lines[topic] = lines[topic].replace("topic:", "topik:")
    nasko.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def typo_line(kb: Path) -> int:
    text = (kb / "faq" / "nasko.yaml").read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(text, start=1) if "topik:" in line)


def test_validate_honours_knowledge_dir_and_names_the_folder_it_checked(broken_kb: Path) -> None:
    proc = run_cli(["validate"], env=cli_env(KNOWLEDGE_DIR=str(broken_kb)))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert str(broken_kb) in proc.stderr  # "N problem(s) found in <that folder>"
    # Without KNOWLEDGE_DIR the embedded folder is checked: tests/test_knowledge.py.


def test_validate_shows_the_real_file_and_the_line_of_the_mistake(
    broken_kb: Path, tmp_path: Path
) -> None:
    proc = run_cli(["validate", str(broken_kb)], cwd=tmp_path)
    assert proc.returncode == 1
    nasko = (broken_kb / "faq" / "nasko.yaml").as_posix()
    line = typo_line(broken_kb)
    assert f"{nasko}:{line}: entry 'nasko-what': field 'topik': unknown field" in proc.stdout
    assert "knowledge/faq" not in proc.stdout  # no made-up path for a folder of another name


def test_a_file_given_as_knowledge_dir_is_called_a_file(tmp_path: Path) -> None:
    a_file = tmp_path / "knowledge.yaml"
    a_file.write_text("entries: []\n", encoding="utf-8")
    proc = run_cli(["validate"], env=cli_env(KNOWLEDGE_DIR=str(a_file)))
    assert proc.returncode == 1 and "is a file" in proc.stdout and "not exist" not in proc.stdout
    line = one_error_line(run_cli(["ask", "ciao"], env=cli_env(KNOWLEDGE_DIR=str(a_file))))
    assert "is a file" in line and "validate" in line


def test_ask_and_chat_with_a_broken_knowledge_dir_say_so_in_one_line(broken_kb: Path) -> None:
    env = cli_env(KNOWLEDGE_DIR=str(broken_kb))
    for args, stdin in ((["ask", "ciao"], None), (["chat"], "/quit\n")):
        line = one_error_line(run_cli(args, env=env, stdin=stdin))
        assert line.startswith("error:") and "nasko.yaml" in line
        assert "conciliazione-bot validate" in line


@pytest.mark.parametrize("kind", ["a file", "inside a file"])
def test_chat_with_an_unusable_data_dir_is_one_line(tmp_path: Path, kind: str) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    data_dir = blocker if kind == "a file" else blocker / "data"
    proc = run_cli(["chat"], env=cli_env(BOT_DATA_DIR=str(data_dir)), stdin="/quit\n")
    line = one_error_line(proc)
    assert line.startswith("error:") and "BOT_DATA_DIR" in line and str(data_dir) in line


def test_run_without_a_route_to_the_bot_api_fails_at_once_in_one_line(tmp_path: Path) -> None:
    port = free_port()
    env = cli_env(
        BOT_TOKEN=TOKEN,
        BOT_API_BASE_URL=f"http://127.0.0.1:{port}/bot",
        BOT_DATA_DIR=str(tmp_path / "data"),
    )
    line = one_error_line(run_cli(["run"], env=env, timeout=60))
    assert line.startswith("error: cannot reach the Bot API at http://127.0.0.1:")
    assert TOKEN.partition(":")[2] not in line
    assert "Unclosed" not in line


def test_run_without_a_token_is_one_line(tmp_path: Path) -> None:
    line = one_error_line(run_cli(["run"], env=cli_env(BOT_DATA_DIR=str(tmp_path))))
    assert "BOT_TOKEN" in line


def test_the_env_file_of_the_current_folder_is_read_and_exported_variables_win(
    broken_kb: Path, tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text(
        f"# settings for this folder\nKNOWLEDGE_DIR={broken_kb}\n", encoding="utf-8"
    )
    from_file = run_cli(["validate"], cwd=tmp_path)
    assert from_file.returncode == 1 and str(broken_kb) in from_file.stderr
    exported = run_cli(
        ["validate"], cwd=tmp_path, env=cli_env(KNOWLEDGE_DIR=str(default_knowledge_dir()))
    )
    assert exported.returncode == 0, exported.stdout + exported.stderr


def test_ask_leaves_nothing_behind(tmp_path: Path) -> None:
    temp = tmp_path / "tmp"
    temp.mkdir()
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    proc = run_cli(["ask", "quanto dà il fondo cresco?"], env=cli_env(TMPDIR=str(temp)), cwd=cwd)
    assert proc.returncode == 0 and "75" in proc.stdout, proc.stderr
    assert list(temp.iterdir()) == [] and list(cwd.iterdir()) == []


@pytest.mark.slow  # two brains (matcher and baseline) in a fresh process
def test_eval_runs_its_shipped_default_set(tmp_path: Path) -> None:
    proc = run_cli(["eval"], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "overall" in proc.stdout


def test_eval_says_in_one_line_when_its_file_is_missing_or_wrong(tmp_path: Path) -> None:
    line = one_error_line(run_cli(["eval", "missing.yaml"], cwd=tmp_path))
    assert line == "error: no evaluation file at missing.yaml"
    (tmp_path / "bad.yaml").write_text("q: [unclosed\n", encoding="utf-8")
    assert "bad.yaml" in one_error_line(run_cli(["eval", "bad.yaml"], cwd=tmp_path))


def test_the_default_evaluation_set_is_package_data() -> None:
    """`eval` works from an installed package: its default file is inside `bot` and shipped."""
    relative = DEFAULT_EVAL_FILE.relative_to(ROOT / "bot").as_posix()
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["bot"]
    assert any(Path(relative).match(pattern) for pattern in patterns), (relative, patterns)


def test_every_option_and_argument_has_help_text() -> None:
    parser = _parser()
    [commands] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    missing = []
    for name, sub in commands.choices.items():
        assert any(c.dest == name and c.help for c in commands._choices_actions), name
        for action in sub._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            if not action.help or action.help == argparse.SUPPRESS:
                missing.append(f"{name} {'/'.join(action.option_strings) or action.dest}")
    assert not missing, missing


def test_a_wrong_command_line_is_argparse_usage_with_exit_2() -> None:
    proc = run_cli(["ask", "--lang", "fr", "ciao"])
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert re.search(r"invalid choice: 'fr'", proc.stderr)
