"""A guided check never loses the thread: whatever else is said mid-check is answered, then the
pending question comes back (through the brain, as every door sees it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.brain import Brain
from bot.reply import Reply
from tests.support import chat, make_brain


@pytest.fixture()
def brain(tmp_path: Path) -> Brain:
    return make_brain(tmp_path / "data")


def _start(brain: Brain, chat_id: int, lang: str = "it") -> Reply:
    user = chat(chat_id)
    if lang == "en":
        brain.handle_command(user, "lingua", "en")
    replies = brain.handle_command(user, "verifica", "nasko")
    assert brain.flows is not None and brain.flows.active(chat_id) == "nasko"
    return replies[-1]


def _pending(brain: Brain, chat_id: int) -> str:
    assert brain.flows is not None
    question = brain.flows.reprompt(chat_id, "it")
    assert question is not None
    return question.text


@pytest.mark.parametrize("command", ["help", "menu", "privacy", "contatti"])
def test_a_command_mid_check_is_answered_then_the_question_repeated(
    brain: Brain, command: str
) -> None:
    _start(brain, 1)
    replies = brain.handle_command(chat(1), command)
    assert len(replies) >= 2
    assert replies[-1].text == _pending(brain, 1)
    assert brain.flows is not None and brain.flows.active(1) == "nasko"


def test_lingua_mid_check_switches_and_asks_again_in_the_new_language(brain: Brain) -> None:
    _start(brain, 2)
    replies = brain.handle_button(chat(2), "l:en")
    assert all(r.lang == "en" for r in replies) and len(replies) == 2


@pytest.mark.parametrize("text", ["👍", "🙂🙂", ""])
def test_stray_input_mid_check_re_asks(brain: Brain, text: str) -> None:
    _start(brain, 3)
    question = _pending(brain, 3).split("\n")[-1]
    replies = brain.handle_text(chat(3), text)
    assert replies and question in "\n".join(r.text for r in replies)
    assert brain.flows is not None and brain.flows.active(3) == "nasko"


def test_a_question_mid_check_is_answered_and_the_check_goes_on(brain: Brain) -> None:
    _start(brain, 4)
    replies = brain.handle_text(chat(4), "quanto dà il fondo cresco al mese?")
    assert replies[0].status == "answer" and "75" in replies[0].text
    assert replies[-1].text == _pending(brain, 4)


def test_an_emergency_mid_check_gets_the_emergency_number_first(brain: Brain) -> None:
    _start(brain, 5)
    replies = brain.handle_text(chat(5), "aiuto ho perdite di sangue")
    assert "112" in replies[0].text
    assert replies[-1].text == _pending(brain, 5)


def test_choosing_the_running_check_again_asks_continue_or_start_over(brain: Brain) -> None:
    _start(brain, 6)
    brain.handle_button(chat(6), brain.flows.reprompt(6, "it").all_buttons()[0].data)  # type: ignore[union-attr]
    replies = brain.handle_command(chat(6), "verifica", "nasko")
    data = [b.data for r in replies for b in r.all_buttons()]
    assert any(d.startswith("f:resume:") for d in data) and any(
        d.startswith("f:restart:") for d in data
    )


def test_an_english_check_stays_english_to_the_end(brain: Brain) -> None:
    _start(brain, 7, "en")
    seen: list[Reply] = []
    for _ in range(12):
        assert brain.flows is not None
        pending = brain.flows.reprompt(7, "en")
        if pending is None:
            break
        buttons = pending.all_buttons()
        replies = (
            brain.handle_button(chat(7), buttons[0].data)
            if buttons
            else brain.handle_text(chat(7), "8000")
        )
        seen += replies
    assert seen and all(r.lang == "en" for r in seen)
    italian = ("Verifica", "Requisiti", "Fonti", "consultorio familiare della tua")
    assert not any(word in r.text for r in seen for word in italian)
