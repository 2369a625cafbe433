"""Regular expressions run only on texts that hold what a match needs (docs/performance.md,
"Nineteenth pass"): each shortcut gives what the plain regex gives, on the evaluation sample
and on made texts that hold the words the shortcut looks for."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from bot.normalise import fold
from tests.support import eval_messages, make_brain, real_kb


@pytest.fixture(scope="module")
def texts() -> list[str]:
    made = [
        f"{a} {b} {c}"
        for a in ("dgr 1081 del", "delibera n 12", "decreto", "since", "dal", "dall", "from")
        + ("dopo il", "after", "successivo al", "following", "nel 2k", "nel", "d g r 4 of")
        for b in ("2013", "2019", "2k19", "19", "2023 e 2024", "2017 2018")
        for c in ("", "oggi", "adesso ats?", "now", "2020", "quale ats")
    ]
    return [*eval_messages(), *made, "", "2k19", "20", "dal 2020 ad oggi"]


def test_periods_are_read_as_with_every_regex_run(texts: list[str]) -> None:
    from bot.periods import _AFTER_YEAR, _DECREE_YEAR, _SINCE_YEAR, _TWO_K, YEAR, PeriodReader

    lexicon = real_kb().understanding
    assert lexicon is not None
    read = PeriodReader(lexicon)
    today = date(2026, 12, 2)

    from bot.periods import Period

    def plain_read(folded: str) -> Period | None:
        folded = _DECREE_YEAR.sub(" ", folded)
        years = [int(y) for y in YEAR.findall(folded) if 2008 <= int(y) <= 2040]
        since = _SINCE_YEAR.search(folded)
        if since is not None and len(set(years)) == 1 and read._current.search(folded):
            return Period(years[0], max(years[0], today.year))
        after = _AFTER_YEAR.search(folded)
        if after is not None and len(set(years)) == 1:
            return Period(years[0] + 1, years[0] + 2)
        if years:
            return Period(min(years), max(years))
        if read._current.search(folded) is not None:
            return Period(today.year, today.year, current=True)
        return None

    for text in texts:
        folded = fold(text)
        assert read.read(folded, today) == plain_read(folded), text
        plain_dated = _TWO_K.sub(r"20\1", folded)
        assert read.dated(plain_dated, today) == read.dated(folded, today), text


def test_contractions_and_how_it_is_done_as_with_their_regex(texts: list[str]) -> None:
    from bot.smalltalk import (
        _CONTRACTION,
        _HOW_IT_IS_DONE,
        _contractions_joined,
        _join,
        asks_how_it_is_done,
    )

    made = [
        f"{a} {b}"
        for a in ("i", "you", "don", "it", "we", "who", "i m", "can t", "come va", "come vanno")
        for b in ("m", "t", "s", "re", "ve", "ll", "fatta", "compilata", "tutto", "")
    ]
    for text in [*texts, *made, "I'm here", "you're great", "dont", "what's up?"]:
        folded = fold(text)
        assert _contractions_joined(folded) == _CONTRACTION.sub(_join, folded), text
        assert asks_how_it_is_done(text) == (_HOW_IT_IS_DONE.search(folded) is not None), text


def test_clean_input_and_last_question_as_with_their_regex(texts: list[str]) -> None:
    from bot.chat import LONE_SURROGATE, MAX_INPUT_CHARS, clean_input
    from bot.cues import _OURS_ASKED, _SENTENCE_END, last_question

    def plain_last(text: str) -> str:
        sentences = [s for s in _SENTENCE_END.split(text.strip()) if s.strip()]
        if len(sentences) < 2 or not sentences[-1].rstrip().endswith("?"):
            return ""
        asked = fold(sentences[-1])
        return "" if _OURS_ASKED.search(asked) else asked

    made = ["a. b?", "a. b? ", "a.\n\nb?\n", "a? b. ", "?", " ? ", "a.  ?", "a\n?", "x\ud800y"]
    for text in [*texts, *made]:
        assert clean_input(text) == LONE_SURROGATE.sub("\ufffd", text[:MAX_INPUT_CHARS])
        assert last_question(text) == plain_last(text), text
    assert re.search("[\ud800-\udfff]", clean_input("a\udc00b")) is None


def test_ats_names_are_blanked_as_by_their_regex(texts: list[str]) -> None:
    from bot.places.text import ATS_NAME_RE, without_ats_names

    made = [
        f"{a} {b} {c}"
        for a in ("ATS", "ats", "Ats", "aTs", "ASL", "atſ", "l'ats")
        for b in ("della", "dell'", "di", "-", "")
        for c in ("Montagna", "insubria", "BRIANZA", "val padana", "valpadana", "milano")
    ]
    for text in [*texts, *made]:
        plain = ATS_NAME_RE.sub(lambda m: " " * len(m.group()), text)
        assert without_ats_names(text) == plain, text


def test_a_closing_is_read_from_the_last_clauses_as_from_all_of_them(
    texts: list[str], tmp_path: Path
) -> None:
    from bot.smalltalk import _CLAUSES, CLOSING_ACTS

    brain = make_brain(tmp_path)
    talk = brain.k.understander.smalltalk

    def plain(text: str) -> str | None:
        clauses = [c for c in _CLAUSES.split(text) if talk._has_words(c)]
        if len(clauses) < 2:
            return None
        act = talk.intent(clauses[-1])
        return act if act in CLOSING_ACTS else None

    made = ["sorry must run. bye!", "ok, grazie", "grazie. ciao", ", . ciao", "bye", "a, b, c"]
    for text in [*texts, *made]:
        assert talk.closing(text) == plain(text), text
    brain.close()


def test_plain_words_have_no_digits_to_smash(texts: list[str]) -> None:
    from bot.frequency import _smash

    for word in {w for text in texts for w in fold(text).split()}:
        if word.isascii() and word.isalpha() and word.islower():
            assert _smash(word) == word


def test_a_folded_text_s_words_are_its_runs_of_letters_and_digits(texts: list[str]) -> None:
    from bot.phrases import _WORD_RUN, _word_list

    made = ["", " ", "a  b ", "ABC def", "2020", "a\tb", "à b", "a-b c", "x1 2y", " 12 ab "]
    for text in [*texts, *(fold(t) for t in texts), *made]:
        _word_list.cache_clear()
        assert _word_list(text) == tuple(_WORD_RUN.findall(text)), text


def test_our_names_are_taken_out_as_by_their_regex(texts: list[str]) -> None:
    from bot.language import NAMES, without_names

    made = [
        f"{a}{b}{c}"
        for a in ("", "x", "the ", "İ ", "ı ", "KELVIN \u212a ", "Già ")
        for b in (
            "NASKO",
            "nasko",
            "Bonus Bebè",
            "BONUS BEBÈ",
            "atſ di lodi",
            "ats di lodi",
            "Conciliazione Vita-Lavoro",
            "fondo cresco",
            "ret\u0131 di conciliazione",
        )
        for c in ("", "?", " and Regione Lombardia", "ing", "\n", " İstanbul")
    ]
    for text in [*texts, *made]:
        assert without_names(text) == NAMES.sub(" ", text), text


def test_a_sum_asked_at_the_end_is_found_in_the_tail(texts: list[str]) -> None:
    from bot.cues import ENDS_ASKING_MONEY, ends_asking_money

    made = [
        f"{a}{b}{c}"
        for a in ("", "x", " ", "12345678901234567890 ")
        for b in ("quanto", "quanti soldi", "euro", "how much", "xeuro", "quanti  soldi")
        for c in ("", "\n", "\n\n", " ", "?")
    ]
    for text in [*texts, *(fold(t) for t in texts), *made]:
        assert ends_asking_money(text) == (ENDS_ASKING_MONEY.search(text) is not None), text


def test_jobs_are_taken_out_as_by_their_regex(texts: list[str]) -> None:
    from bot.cues import _JOB, _LOOKING, without_jobs

    def plain(folded: str) -> str:
        return _JOB.sub(
            lambda m: m.group(0) if _LOOKING.search(folded, 0, m.start()) else " ", folded
        )

    made = [
        f"{a}{b} {c} {d}"
        for a in ("", "x", "del ", "il ", "cerco ", "si ", "my ")
        for b in ("lavoro", "lavora", "work", "working", "faccio", "fa", "fanno", "providing")
        for c in ("come", "in", "part time at", "night shift in", "il", "la", "l", "ore 8 per")
        for d in ("una mensa", "alleanza assicurazioni", "the care home", "cuoca e lavoro in bar")
    ]
    for text in [*texts, *made]:
        folded = fold(text)
        assert without_jobs(folded) == plain(folded), text


def test_presence_is_taken_out_as_by_its_regex(texts: list[str]) -> None:
    from bot.cues import PRESENCE, without_presence

    made = [
        f"{a}{b}{c}"
        for a in ("", "ciao ", "CIAO, ", "x")
        for b in (
            "ci sei",
            "CI SIETE",
            "c'è qualcuno",
            "C'È NESSUNO",
            "ce vita",
            "cè qualcuno",
            "are you there",
            "ANYONE THERE",
            "sei lì",
            "SEI LI",
            "cı sei",
            "ſei li",
            "İ ci sei",
        )
        for c in ("", "?", " ??", " là fuori?", "!")
    ]
    for text in [*texts, *made]:
        assert without_presence(text) == PRESENCE.sub(" ", text), text


def test_names_sums_and_ats_words_as_with_their_regex(texts: list[str]) -> None:
    from bot.cues import (
        _ARITHMETIC,
        _ATS_WORD,
        _ATS_WORDS,
        _OWN_ATS_NAME,
        _OWN_NAME,
        _PERCENT_OF,
        ATS_NAMED,
        PERCENT_MAX_WORDS,
        gives_own_name,
        is_sum,
        names_ats,
        says_ats,
        without_own_names,
    )
    from bot.phrases import said_after

    made = [
        f"{a}{b}{c}"
        for a in ("", "ciao ", "x")
        for b in (
            "Sono Anna",
            "sono la Pinuccia",
            "I'm Tom",
            "i am Ann",
            "My name is Li",
            "This is Nasko",
            "mi chiamo anna",
            "Io sono  Lia",
            "20% di 380",
            "ats di lodi",
            "asl lodi",
            "asst",
            "l'insubria",
            "xats",
        )
        for c in ("", "?", " e vivo a Lodi")
    ]
    for text in [*texts, *made]:
        folded = fold(text)
        names = {fold(n) for n in _OWN_NAME.findall(text)}
        plain = " ".join(w for w in folded.split() if w not in names) if names else folded
        assert without_own_names(text, folded) == plain, text
        assert gives_own_name(text) == (_OWN_NAME.search(text) is not None), text
        percent = _PERCENT_OF.search(text) is not None and len(text.split()) <= PERCENT_MAX_WORDS
        assert is_sum(text) == (_ARITHMETIC.fullmatch(text) is not None or percent), text
        assert says_ats(folded) == bool(_ATS_WORDS.search(folded) or _OWN_ATS_NAME.search(folded))
        for place in ("lodi", "milano"):
            plain_ats = _ATS_WORD.search(folded) is not None and said_after(
                ATS_NAMED, place, folded
            )
            assert names_ats(folded, place) == plain_ats, text
