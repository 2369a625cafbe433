"""The understanding step, sixth pass: vague questions, follow-ups in a chat, ...

Each test says what a person writes and what the reply must hold; tests/test_understanding.py,
tests/test_understanding_more.py and tests/test_understanding_fifth.py hold the earlier passes.
"""

from __future__ import annotations

import pytest

from bot import chat_state
from bot.brain import Brain
from tests.support import button_data, chat, make_brain


@pytest.fixture(scope="module")
def brain(tmp_path_factory: pytest.TempPathFactory) -> Brain:
    return make_brain(tmp_path_factory.mktemp("understanding-sixth"))


# -- vague questions ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "options"),
    [
        ("quanto mi spetta?", ["e:nasko-amount", "e:cresco-amount", "e:bonus-famiglia-2019"]),
        ("how much?", ["e:nasko-amount", "e:cresco-amount", "e:bonus-famiglia-2019"]),
        ("requisiti quali sono", ["e:nasko-who", "e:cresco-who", "e:bonus-famiglia-what"]),
        ("scadenza?", ["e:programmi-oggi", "e:nasko-status"]),
        ("application form", ["e:nasko-where", "e:cresco-where", "e:bonus-famiglia-come"]),
        ("c'è un bonus?", ["e:bonus-famiglia-what", "e:misure-bonus-nido"]),
        ("money for my family", ["e:aiuti-overview", "e:programmi-oggi"]),
    ],
)
def test_a_question_about_nothing_named_asks_which_measure(
    brain: Brain, text: str, options: list[str]
) -> None:
    reply = brain.answer_question(text)
    assert reply.status == "clarify"
    assert set(options) <= set(button_data(reply))


def test_someone_about_to_ask_is_invited_to_ask(brain: Brain) -> None:
    for text, lang, start in (
        ("ho una domanda", "it", "Certo, chiedi pure!"),
        ("vorrei sapere una cosa", "it", "Certo, chiedi pure!"),
        ("I have a question", "en", "Of course, go ahead!"),
    ):
        reply = brain.answer_question(text)
        assert (reply.status, reply.lang) == ("clarify", lang)
        assert reply.plain_text.startswith(start)
        assert "e:aiuti-overview" in button_data(reply)
    # With a greeting word it is greeted back: the greeting invites the question too.
    assert brain.answer_question("buongiorno, ho una domanda").status == "smalltalk"


def test_a_vague_question_with_a_measure_named_is_answered(brain: Brain) -> None:
    assert brain.answer_question("nasko quanto?").entry == "nasko-amount"
    assert brain.answer_question("requisiti cresco").status == "answer"


# -- follow-ups in a chat -----------------------------------------------------------------------
def _ask(brain: Brain, chat_id: str, text: str) -> tuple[str, str | None]:
    reply = brain.handle_text(chat(chat_id), text)[-1]
    return reply.status, reply.entry


def test_a_follow_up_is_read_as_about_the_measure_just_answered(brain: Brain) -> None:
    assert _ask(brain, "f1", "cos'è il fondo nasko?") == ("answer", "nasko-what")
    assert _ask(brain, "f1", "quanto mi spetta?") == ("answer", "nasko-amount")
    assert _ask(brain, "f1", "e i requisiti?") == ("answer", "nasko-who")
    assert _ask(brain, "f1", "e il cresco?") == ("answer", "cresco-what")
    assert _ask(brain, "f1", "quanto?") == ("answer", "cresco-amount")
    # Another chat has talked about nothing: it is asked which measure.
    assert _ask(brain, "f2", "quanto mi spetta?")[0] == "clarify"


def test_a_tapped_entry_is_the_measure_talked_about(brain: Brain) -> None:
    brain.handle_button(chat("f3"), "e:cresco-who")
    assert _ask(brain, "f3", "how much?") == ("answer", "cresco-amount")


def test_the_measure_talked_about_is_forgotten(
    brain: Brain, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _ask(brain, "f4", "nasko?")[1] is not None
    brain.handle_button(chat("f4"), "x:forget")  # /cancellami, confirmed
    assert _ask(brain, "f4", "quanto mi spetta?")[0] == "clarify"
    assert _ask(brain, "f5", "cos'è il fondo cresco?") == ("answer", "cresco-what")
    monkeypatch.setattr(chat_state, "FOLLOW_UP_SECONDS", -1)  # as if long ago
    assert _ask(brain, "f5", "quanto mi spetta?")[0] == "clarify"
    # Nothing of it is written to the store.
    assert "cresco" not in str(brain.store.get_state(chat("f5").chat_id) or {})
