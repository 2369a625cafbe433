"""Shortcuts taken for speed give exactly what the plain way gives (docs/performance.md).

Each test runs the quick path and the plain one on real words (the evaluation sets, the
knowledge base, the word-frequency lists) and requires the same result.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rapidfuzz import fuzz, process

from bot.frequency import _tables
from bot.smalltalk import _REPEATS, TYPO_MIN_LENGTH, TYPO_MIN_SCORE, SmallTalk, _squeeze, _words
from tests.support import eval_messages, real_kb

ROOT = Path(__file__).resolve().parent.parent


def _eval_messages() -> list[str]:
    """An even sample of the evaluation sets' messages (tests/support.py EVAL_SAMPLE)."""
    return list(eval_messages())


@pytest.fixture(scope="module")
def smalltalk() -> SmallTalk:
    kb = real_kb()
    return SmallTalk(kb.smalltalk, kb.fillers, kb.smalltalk_priority)


def test_small_talk_typos_are_searched_among_words_of_a_possible_length(
    smalltalk: SmallTalk,
) -> None:
    """Words too short or too long to score TYPO_MIN_SCORE are skipped: same corrections."""
    words = {w for text in _eval_messages() for w in _words(text) if len(w) >= TYPO_MIN_LENGTH}
    for lang in ("it", "en"):
        table = _tables()[lang]
        words.update(table._word(i).decode() for i in range(0, len(table._buckets), 7))
    words = {w for w in words if len(w) >= TYPO_MIN_LENGTH}
    assert len(words) > 8000
    corrected = 0
    for word in sorted(words):
        whole = process.extractOne(
            word, smalltalk._vocabulary, scorer=fuzz.ratio, score_cutoff=TYPO_MIN_SCORE
        )
        quick = process.extractOne(
            word, smalltalk._candidates(len(word)), scorer=fuzz.ratio, score_cutoff=TYPO_MIN_SCORE
        )
        assert (whole and whole[:2]) == (quick and quick[:2]), word
        corrected += whole is not None
    assert corrected > 100  # typos really found
    assert len(smalltalk._candidates(5)) < 0.75 * len(smalltalk._vocabulary)


def test_letter_runs_are_squeezed_in_one_pass_as_word_by_word() -> None:
    texts = [*_eval_messages(), "ciaooo grazieee  aa a a bb", "ooo o", ""]
    for text in texts:
        words = text.lower().split()
        assert _squeeze(words) == [re.sub(r"(.)\1+", r"\1", w) for w in words], text
    assert _REPEATS.pattern == r"(.)\1+"


def test_a_message_read_again_is_the_same_and_a_copy(smalltalk: SmallTalk) -> None:
    """Small talk reads a message 2-3 times and remembers the last ones read."""
    text = "ciaoo grazzie mille, chi sei?"
    first = smalltalk._read(text)
    first.append("mutated")
    again = smalltalk._read(text)
    assert again == first[:-1] == ["ciao", "grazie", "mile", "chi", "sei"]
    assert smalltalk._read(text, 3) == _words(text)  # longer than the limit: not corrected
    assert smalltalk.intent(text) == smalltalk.intent(text)


def test_phrase_sets_find_what_one_regex_of_their_phrases_finds() -> None:
    """Every phrase set of the real understanding step, on every evaluation message (folded,
    rewritten, and with a word cut out as the step cuts place names), finds what the regex of
    all its phrases (how phrase sets searched before the word index) finds."""
    import re

    from bot.cache import prebuilt_matcher
    from bot.matcher import Matcher
    from bot.normalise import fold
    from bot.phrases import PhraseSet
    from bot.reading import understanding_of

    built: list[tuple[PhraseSet, list[str]]] = []
    plain_init = PhraseSet.__init__

    def remember(self: PhraseSet, phrases):  # type: ignore[no-untyped-def]
        phrases = list(phrases)
        plain_init(self, phrases)
        built.append((self, phrases))

    kb = real_kb()
    matcher = prebuilt_matcher(kb) or Matcher(kb.entries, kb.synonyms)
    PhraseSet.__init__ = remember  # type: ignore[method-assign]
    try:
        # Built here: a brain on the cached knowledge base takes the ones the cache kept.
        _, understander = understanding_of(kb, matcher)
    finally:
        PhraseSet.__init__ = plain_init  # type: ignore[method-assign]
    assert len(built) > 50
    assert any(p.endswith("*") and " " in p for _, phrases in built for p in phrases)

    def reference(phrases: list[str]) -> re.Pattern[str] | None:
        parts = sorted(
            {re.escape(p[:-1]) + "[a-z0-9]*" if p.endswith("*") else re.escape(p) for p in phrases},
            key=len,
            reverse=True,
        )
        pattern = r"(?<![a-z0-9])(?:" + "|".join(parts) + r")(?![a-z0-9])"
        return re.compile(pattern) if parts else None

    texts = set()
    for message in _eval_messages():
        folded = understander.rewrite(fold(message))
        texts.update({folded, f" {folded} ".replace(" di ", " ").strip()})
    found = 0
    for phrases, words in built:
        regex = reference(words)
        for text in sorted(texts):
            plain = regex.search(text) if regex is not None else None
            assert (phrases.search(text) is None) == (plain is None), (text, words[:5])
            found += plain is not None
    assert found > 1000


def _fold_reference(text: str) -> str:
    """bot.normalise.fold as written before its ASCII, no-digit and no-dot shortcuts."""
    import unicodedata

    from bot.normalise import (
        _APOSTROPHES,
        _DOTTED_ACRONYM,
        _NON_WORD,
        _NUMBER_SEPARATORS,
        _YEAR_RANGE,
        MAX_QUERY_CHARS,
        _expand_years,
        _undot,
    )

    text = text[:MAX_QUERY_CHARS]
    text = _YEAR_RANGE.sub(_expand_years, text)
    text = _NUMBER_SEPARATORS.sub("", text)
    text = _DOTTED_ACRONYM.sub(_undot, text.translate(_APOSTROPHES))  # "A.T.S." is "ATS"
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return _NON_WORD.sub(" ", text).strip()


def test_fold_takes_its_shortcuts_without_changing_a_text() -> None:
    """ASCII texts skip Unicode decomposition and texts without digits the number rules."""
    import random

    from bot.normalise import fold

    texts = _eval_messages()
    for path in sorted((ROOT / "knowledge").rglob("*.yaml")):
        texts += path.read_text(encoding="utf-8").splitlines()
    rng = random.Random(7)
    alphabet = "aàeèéiìoòuùAÀÉ ’'`´-/.,0123456789ﬁ²½Ⅻ\u0301\u0327çÇßẞ\u00a0\u2013😀İı"
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(5000)]
    assert sum(text.isascii() for text in texts) > 1000
    for text in texts:
        assert fold.__wrapped__(text) == _fold_reference(text), repr(text)


def test_places_survive_the_cache_with_every_field() -> None:
    """The place index's entries and the names outside Lombardy pickle as tuples of their
    fields (quicker to load): a new field must be added to their __reduce__, or this fails."""
    import dataclasses
    import pickle

    from bot.places.index import Entry
    from bot.places.outside import _Target

    index = real_kb().places._finder.index
    assert len(index) > 2000
    assert len(Entry().__reduce__()[1]) == len(dataclasses.fields(Entry))
    assert pickle.loads(pickle.dumps(index)) == index
    target = _Target("comune", "Novara", "NO", "piemonte")
    assert len(target.__reduce__()[1]) == len(dataclasses.fields(_Target))
    assert pickle.loads(pickle.dumps(target)) == target


def test_place_typos_are_searched_among_names_sharing_an_end_letter() -> None:
    """One edit away means sharing the first or the last letter: the same hits as searching
    the whole window, for every run of 1-3 words of the evaluation messages and for typos
    made from every name (a letter dropped, doubled, swapped or changed)."""
    import random

    from rapidfuzz.distance import OSA

    from bot.places.finder import FUZZY_LIMIT
    from bot.places.text import tokenize

    finder = real_kb().places._finder
    grams = set()
    for text in _eval_messages():
        keys = [tok.key for tok in tokenize(text)]
        for n in (1, 2, 3):
            grams.update(" ".join(keys[i : i + n]) for i in range(len(keys) - n + 1))
    rng = random.Random(3)
    for key in rng.sample(sorted(finder.index), 1500):
        i = rng.randrange(len(key))
        grams.update(
            {key[:i] + key[i + 1 :], key[:i] + key[i] + key[i:], key[:i] + "x" + key[i + 1 :]}
        )
        grams.add(key[:i] + key[i + 1 : i + 2] + key[i : i + 1] + key[i + 2 :])
    grams = {g for g in grams if len(g) >= 3}
    assert len(grams) > 10000
    hits = 0
    for gram in sorted(grams):
        whole = process.extract(
            gram,
            finder._window(len(gram), 1),
            scorer=OSA.distance,
            score_cutoff=1,
            limit=FUZZY_LIMIT,
        )
        quick = process.extract(
            gram,
            finder._typo_choices(gram, 1),
            scorer=OSA.distance,
            score_cutoff=1,
            limit=FUZZY_LIMIT,
        )
        assert [h[:2] for h in whole] == [h[:2] for h in quick], gram
        hits += bool(whole)
    assert hits > 2000


def test_a_name_said_after_a_prefix_is_found_as_the_regex_of_prefix_and_name_finds_it() -> None:
    """bot.phrases.said_after against re.search(prefix + re.escape(name) + r"\\b", text): the
    prefixes it is used with, every fourth evaluation message folded (each name costs the
    reference a compiled regex), and names from those messages, place names and edge cases (one
    letter, spaces around, a word's inside)."""
    from bot.cues import ATS_NAMED
    from bot.normalise import fold
    from bot.phrases import said_after
    from bot.understanding import _FROM, _THEY_LIVE

    names = ["milano", "reggio emilia", "sicilia", "a", "e", "lo", " milano", "milano ", "ilan"]
    found = 0
    for text in list(dict.fromkeys(fold(m) for m in _eval_messages()))[::4]:
        words = text.split()
        for prefix in (_FROM, _THEY_LIVE, ATS_NAMED):
            for name in [*names, *words[::4], *(" ".join(words[i : i + 2]) for i in (0, 3))]:
                expected = re.search(prefix + re.escape(name) + r"\b", text) is not None
                assert said_after(prefix, name, text) == expected, (prefix, name, text)
                found += expected
    assert found > 100


def test_fold_reads_only_non_ascii_characters_for_combining_marks() -> None:
    """bot.normalise.fold drops the combining marks left after NFKD by reading the non-ASCII
    characters alone: the same as reading every character, on every code point (in runs of
    64, each with ASCII around it), the evaluation messages and the knowledge files."""
    import unicodedata

    from bot import normalise

    def plain(text: str) -> str:
        text = text[: normalise.MAX_QUERY_CHARS]
        if normalise._DIGIT.search(text) is not None:
            text = normalise._YEAR_RANGE.sub(normalise._expand_years, text)
            text = normalise._NUMBER_SEPARATORS.sub("", text)
        text = text.translate(normalise._APOSTROPHES)
        if "." in text:
            text = normalise._DOTTED_ACRONYM.sub(normalise._undot, text)
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
        return normalise._NON_WORD.sub(" ", text.lower()).strip()

    points = [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000]
    texts = [f"a{''.join(points[i : i + 64])} b" for i in range(0, len(points), 64)]
    texts += _eval_messages()
    texts += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "knowledge").rglob("*.yaml"))]
    for text in texts:
        assert normalise.fold.__wrapped__(text) == plain(text), text[:80]


def test_the_rewriter_remembers_its_last_text_only() -> None:
    """A message is rewritten for its language and again for its understanding: the second
    call gives the remembered rewriting, and any other text is rewritten afresh."""
    from bot.rewriter import Rewriter

    rewrite = Rewriter({"mio": ["mè"], "bambino": ["bagai", "pupo mio"]})
    for _ in range(2):
        assert rewrite("ol mè bagai l è malaa") == "ol mio bambino l è malaa"
        assert rewrite("ol mè bagai l è malaa") == "ol mio bambino l è malaa"
        assert rewrite("il pupo mio") == "il bambino"
        assert rewrite("") == ""
        assert rewrite("niente da cambiare") == "niente da cambiare"


def test_jobs_are_looked_for_only_in_texts_holding_what_a_job_begins_with() -> None:
    """`without_jobs` skips its regex when no word a job phrase begins with is in the text."""
    from bot.cues import _JOB, _LOOKING, without_jobs
    from bot.normalise import fold

    def plain(folded: str) -> str:
        return _JOB.sub(
            lambda m: m.group(0) if _LOOKING.search(folded, 0, m.start()) else " ", folded
        )

    made = [
        f"{a} {b} {c} x"
        for a in ("lavoro", "work", "faccio", "fanno", "fa", "gestiamo", "providing", "si fa")
        for b in ("come", "in", "il", "la", "l", "as", "notte")
        for c in ("cuoca", "la", "mensa", "fabbrica")
    ]
    texts = [fold(text) for text in _eval_messages()] + made
    assert any(_JOB.search(t) for t in texts)
    for text in texts:
        assert without_jobs(text) == plain(text), text


def test_a_ranking_finds_the_question_s_language_only_when_its_norm_is_read() -> None:
    """`Matcher.read` gives what `rank` gives; its Reading's norm is rank's normalised question."""
    from bot.language import detect_language
    from bot.matcher import Matcher

    kb = real_kb()
    matcher = Matcher(kb.entries, kb.synonyms)
    for text in _eval_messages()[::20]:
        ranked, reading = matcher.read(text)
        index = matcher.indexes[detect_language(text)]
        expected = index.score(text, index.normaliser.mapped(text, index.vocabulary))[1]
        assert reading.norm == expected
        assert (ranked, expected) == matcher.rank(text)
