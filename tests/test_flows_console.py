"""The console door on the guided checks: numbers are answers on typed-answer steps, buttons
by number only when they are on screen, labels by an unambiguous beginning, details printed."""

from __future__ import annotations

import io
from pathlib import Path

from bot.console import ConsoleSession
from bot.reply import Button, Reply
from tests.support import make_brain


def session(tmp_path: Path) -> tuple[ConsoleSession, io.StringIO]:
    out = io.StringIO()
    return ConsoleSession(make_brain(tmp_path), out), out


def state(console: ConsoleSession) -> dict:
    return (console.brain.store.get_state(console.chat.chat_id) or {}).get("flow") or {}


def say(console: ConsoleSession, line: str) -> list[Reply]:
    replies = console.send(line)
    console.show(replies)
    return replies


def test_a_label_beginning_presses_its_button(tmp_path: Path) -> None:
    console, _ = session(tmp_path)
    say(console, "/verifica")
    replies = say(console, "Fondo NASKO")  # the start of "Fondo NASKO (sostegno in gravidanza)"
    assert state(console).get("flow") == "nasko"
    assert "Sei incinta" in replies[-1].text


def test_on_typed_answer_steps_numbers_are_answers_and_buttons_get_letters(
    tmp_path: Path,
) -> None:
    console, out = session(tmp_path)
    say(console, "/verifica cresco")
    say(console, "sì")
    say(console, "01/09/2026")
    say(console, "sì")
    out.truncate(0)
    say(console, "1")  # years of residence: 1 is the answer, not button [1]
    assert state(console)["answers"]["resident_years"] == 1
    printed = out.getvalue()
    assert "[a]" in printed and "[1]" not in printed  # the ISEE step: lettered buttons
    say(console, "1")
    assert state(console)["answers"]["isee"] == 1  # "1" is 1 €, typed on purpose
    say(console, "indietro")
    say(console, "a")  # [a] = "Non lo so" on the ISEE step
    assert state(console)["answers"]["isee"] == "unknown"


def test_comune_step_digit_is_not_a_button(tmp_path: Path) -> None:
    console, _ = session(tmp_path)
    say(console, "/verifica time-saving")
    say(console, "1")  # a choice step with numbered buttons: [1] = owner
    assert state(console)["answers"]["role"] == "owner"
    say(console, "2")
    say(console, "2")  # the number of people employed: 2, not a button
    assert state(console)["answers"]["employees"] == 2
    assert state(console)["step"] == "comune"
    say(console, "1")  # the comune step is lettered too: "1" is not "Salta"
    assert state(console).get("answers", {}).get("comune") != "unknown"


def test_a_digit_with_no_button_on_screen_is_not_sent(tmp_path: Path) -> None:
    console, out = session(tmp_path)
    console.show([Reply("Una risposta senza pulsanti.", lang="it")])
    out.truncate(0)
    replies = console.send("1")
    assert len(replies) == 1 and "Non ci sono pulsanti" in replies[0].text


def test_an_ambiguous_beginning_is_sent_as_text(tmp_path: Path) -> None:
    console, _ = session(tmp_path)
    console.show(
        [
            Reply(
                "?",
                buttons=(
                    (Button("Fondo CRESCO", "f:start:cresco"),),
                    (Button("Fondo NASKO", "f:start:nasko"),),
                ),
            )
        ]
    )
    assert console._button_for("Fondo") is None
    assert console._button_for("fondo nasko").data == "f:start:nasko"  # type: ignore[union-attr]
    assert console._button_for("Fon") is None


def test_details_are_printed_after_a_blank_line(tmp_path: Path) -> None:
    console, out = session(tmp_path)
    console.show([Reply("Testo.", details="Fonti: pagina regionale.")])
    assert "Testo.\n\nFonti: pagina regionale.\n" in out.getvalue()
    out.truncate(0)
    out.seek(0)
    console.show([Reply("Solo testo.")])
    assert out.getvalue() == "Solo testo.\n"
