"""Normalisation, language detection, the decision policy and the matcher on the real knowledge."""

from __future__ import annotations

from itertools import islice

import pytest

from bot.language import detect_language
from bot.matcher import (
    ANSWER_THRESHOLD,
    CLARIFY_THRESHOLD,
    CLEAR_MARGIN,
    BaselineMatcher,
    Candidate,
    Matcher,
    decide,
)
from bot.normalise import Normaliser, Vocabulary, fold
from tests.support import real_kb


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    kb = real_kb()
    return Matcher(kb.entries, kb.synonyms)


def test_fold_handles_case_accents_apostrophes_and_numbers() -> None:
    assert fold("Cos'è il FONDO Nasko?") == "cos e il fondo nasko"
    assert fold("Perché l’ISEE…") == "perche l isee"
    assert fold("3.000 € e 12.500,50") == "3000 e 12500 50"
    assert fold("😀 \x00\x1f ¿¡") == ""


def test_normaliser_drops_stop_words_keeps_question_words_and_stems() -> None:
    norm = Normaliser("it", {"incinta": ["in attesa", "gestante"]})
    assert norm.tokens("Quanto dà il fondo alle mamme in attesa?") == [
        "quant",
        "fond",
        "mamm",
        "incint",
    ]
    assert "chi" in norm.tokens("chi può essere capofila")


def test_vocabulary_corrects_typos_but_not_short_or_far_words() -> None:
    vocab = Vocabulary(["nasko", "cresco", "conciliazione", "capofila"])
    assert vocab.correct("nasco") == "nasko"
    assert vocab.correct("crescco") == "cresco"
    assert vocab.correct("conciliazzione") == "conciliazione"
    assert vocab.correct("capofial") == "capofila"  # transposition
    assert vocab.correct("passaporto") == "passaporto"
    assert vocab.correct("ats") == "ats"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("ciao", "it"),
        ("quanto dà il nasko", "it"),
        ("what is nasko", "en"),
        ("who can be capofila", "en"),
        ("a chi mi rivolgo a Lodi", "it"),
        ("I am pregnant and have no money", "en"),
        ("grazie mille", "it"),
        ("thanks", "en"),
    ],
)
def test_language_detection(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_language_detection_keeps_default_when_unsure() -> None:
    assert detect_language("nasko", "en") == "en"
    assert detect_language("🙂", "en") == "en"


def test_decision_policy() -> None:
    clear = [Candidate("a", ANSWER_THRESHOLD + 10), Candidate("b", ANSWER_THRESHOLD - 10)]
    assert decide(clear).status == "answer"
    tie = [
        Candidate("a", ANSWER_THRESHOLD + 1),
        Candidate("b", ANSWER_THRESHOLD + 1 - CLEAR_MARGIN),
    ]
    result = decide(tie)
    assert result.status == "clarify" and [c.entry_id for c in result.candidates] == ["a", "b"]
    unsure = [Candidate("a", (ANSWER_THRESHOLD + CLARIFY_THRESHOLD) / 2)]
    assert decide(unsure).status == "clarify"
    assert decide([Candidate("a", CLARIFY_THRESHOLD - 1)]).status == "fallback"
    assert decide([]).status == "fallback"


@pytest.mark.parametrize(
    "question",
    [
        "Cos'è il fondo Nasko?",
        "nasko",
        "quanto dà il fondo nasco",
        "what is the CRESCO fund",
        "come aderire a una rete di conciliazione",
        "who can be capofila of an alleanza locale",
    ],
)
def test_in_scope_questions_get_an_answer(matcher: Matcher, question: str) -> None:
    assert matcher.match(question).status == "answer", matcher.rank(question)[0][:3]


@pytest.mark.parametrize(
    "question",
    [
        "come si rinnova il passaporto",
        "orari della piscina comunale",
        "quando gioca l'inter",
        "how do I renew my driving licence",
        "ricetta della torta di mele",
    ],
)
def test_out_of_scope_questions_fall_back(matcher: Matcher, question: str) -> None:
    assert matcher.match(question).status == "fallback", matcher.rank(question)[0][:3]


def test_rare_words_outweigh_common_ones(matcher: Matcher) -> None:
    kb = real_kb()
    best = matcher.match("fondo cresco").best
    assert best is not None and kb.entry(best.entry_id).topic == "cresco"  # type: ignore[union-attr]
    best = matcher.match("fondo nasko").best
    assert best is not None and kb.entry(best.entry_id).topic == "nasko"  # type: ignore[union-attr]


def test_baseline_is_available_for_comparison() -> None:
    kb = real_kb()
    baseline = BaselineMatcher(kb.entries)
    assert baseline.match("Cos'è il fondo Nasko?").status in {"answer", "clarify", "fallback"}


def test_everyday_words_are_not_taken_for_typos() -> None:
    assert Vocabulary(["ambito"]).correct("abito") == "ambito"
    assert Vocabulary(["ambito"], langs=("it",)).correct("abito") == "abito"  # "I live"
    assert Vocabulary(["network"], langs=("it", "en")).correct("networx") == "network"


def test_rank_returns_the_best_few_sorted(matcher: Matcher) -> None:
    ranked, norm = matcher.rank("quanto dà il fondo cresco")
    assert 1 <= len(ranked) <= 10 and norm
    scores = [c.score for c in ranked]
    assert scores == sorted(scores, reverse=True)


def test_typo_correction_by_word_ends_finds_what_a_search_of_every_word_finds() -> None:
    """The shortcut for 5-7 letter words (candidates sharing the first or the last letter) is
    exact: same correction as comparing with every known word of the right lengths."""
    import random

    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    from bot.frequency import top_words

    words = [w for w in islice(top_words("it"), 12_000) if w.isalpha()][:10_000]
    vocabulary = Vocabulary(words)
    rng = random.Random(7)
    letters = "abcdefghilmnopqrstuvzèà"

    def typo(word: str) -> str:
        i, c = rng.randrange(len(word)), rng.choice(letters)
        return rng.choice(
            [
                word[:i] + c + word[i + 1 :],
                word[:i] + c + word[i:],
                word[:i] + word[i + 1 :],
                word[:i] + word[i + 1 : i + 2] + word[i : i + 1] + word[i + 2 :],
            ]
        )

    def search_all(word: str) -> str:
        result, result_distance = word, 2
        for size in range(len(word) - 1, len(word) + 2):
            bucket = vocabulary._by_length.get(size)
            if bucket:
                best = process.extractOne(
                    word, bucket, scorer=OSA.distance, score_cutoff=result_distance - 1
                )
                if best is not None and best[1] < result_distance:
                    result, result_distance = best[0], best[1]
        return result

    samples = [typo(w) for w in rng.sample([w for w in words if 5 <= len(w) <= 7], 800)]
    samples += ["".join(rng.choice(letters) for _ in range(rng.randint(5, 7))) for _ in range(200)]
    samples = [w for w in samples if 5 <= len(w) <= 7 and w not in vocabulary]
    assert len(samples) > 500
    corrected = [vocabulary.correct(w) for w in samples]
    assert corrected == [search_all(w) for w in samples]
    assert sum(c != w for c, w in zip(corrected, samples, strict=True)) > 300  # real corrections


def test_the_c_stemmer_stems_as_the_pure_python_one() -> None:
    """PyStemmer (C) and snowballstemmer (Python) give the same stem for every word of the
    knowledge base and of the evaluation sets, so using the faster one changes no answer."""
    pytest.importorskip("Stemmer")
    from bot.normalise import snowball_stemmer
    from tests.support import ROOT

    words: set[str] = set()
    for path in [*(ROOT / "knowledge").rglob("*.yaml"), *(ROOT / "tests" / "eval").glob("*.yaml")]:
        for line in path.read_text(encoding="utf-8").splitlines():
            words.update(fold(line).split())
    assert len(words) > 5000
    for lang in ("it", "en"):
        fast, slow = snowball_stemmer(lang), snowball_stemmer(lang, prefer_c=False)
        assert type(fast) is not type(slow)
        ordered = sorted(words)
        assert [fast.stemWord(w) for w in ordered] == [slow.stemWord(w) for w in ordered]


def test_a_normaliser_survives_pickling_with_its_stemmer() -> None:
    """The knowledge cache pickles the matcher: the stemmer is made again, stems are the same."""
    import pickle

    norm = Normaliser("it", {})
    assert norm.stem("mamme") == "mamm"
    copy = pickle.loads(pickle.dumps(norm))
    assert copy.stem("lavoratrici") == norm.stem("lavoratrici") == "lavor"
