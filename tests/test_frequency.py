"""The shipped word-frequency table gives what wordfreq gives (the bot no longer depends on it).

tests/data/zipf_expected.tsv.gz is wordfreq 3.1.1's own `zipf_frequency(word, lang,
wordlist="small")` for 11,180 words, written once by `tools/word_frequencies.py --fixture`:
every folded word of the knowledge base and of the evaluation sets (what the bot looks up),
list words with accents, apostrophes and digits, capitalised and upper-case words, random
unknown words, numbers and years, elisions, hyphens, curly quotes, emoji and empty strings.
"""

from __future__ import annotations

import gzip
import subprocess
import sys
from itertools import islice
from pathlib import Path

import pytest

from bot.frequency import LANGS, _tables, tokens, top_words, zipf_frequency

FIXTURE = Path(__file__).parent / "data" / "zipf_expected.tsv.gz"


def _expected() -> list[tuple[str, float, float]]:
    rows = gzip.decompress(FIXTURE.read_bytes()).decode("utf-8").split("\n")
    found = []
    for row in rows:
        if row and not row.startswith("#"):
            word, it, en = row.split("\t")
            found.append((word, float(it), float(en)))
    return found


def test_every_fixture_word_has_wordfreqs_value_in_both_languages() -> None:
    expected = _expected()
    assert len(expected) > 10_000
    wrong = [
        (word, (it, en), (zipf_frequency(word, "it"), zipf_frequency(word, "en")))
        for word, it, en in expected
        if (zipf_frequency(word, "it"), zipf_frequency(word, "en")) != (it, en)
    ]
    assert wrong == []


def test_the_fixture_covers_the_kinds_of_words_that_differ() -> None:
    """The cases where a naive lookup would go wrong are in the fixture, with real values."""
    expected = {word: (it, en) for word, it, en in _expected()}
    for word in ("perché", "Perché", "città", "l'acqua", "dell'anno", "don't", "e-mail", "2024"):
        assert word in expected
    assert expected["città"][0] > 5 and expected["CITTÀ"] == expected["città"]
    assert expected["L'Italia"][0] > 0  # "l" and "italia", combined
    assert any(it == en == 0.0 for it, en in expected.values())  # unknown words


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("L'Italia", ["l", "italia"]),
        ("dell'anno", ["dell'anno"]),
        ("un'altra", ["un", "altra"]),
        ("l’acqua", ["l'acqua"]),
        ("e-mail", ["e", "mail"]),
        ("3.000,50", ["3.000,50"]),
        ("u.s.", ["u.s"]),
        ("Straße", ["strasse"]),
        ("citta\u0300", ["città"]),
        ("ciao👍", ["ciao", "👍"]),
        ("...", []),
    ],
)
def test_tokens_split_a_word_as_wordfreq_does(text: str, expected: list[str]) -> None:
    assert tokens(text) == expected


def test_numbers_are_estimated_from_their_shape() -> None:
    # A year of the plateau is more frequent than one long ago; digits count, not their value.
    assert zipf_frequency("2024", "it") > zipf_frequency("1890", "it") > 0
    assert zipf_frequency("nasko2024", "it") == 0.0
    assert zipf_frequency("12", "it") > zipf_frequency("92", "it") > 0


def test_top_words_run_from_the_most_frequent_without_numbers() -> None:
    for lang in LANGS:
        first = list(islice(top_words(lang), 5000))
        values = [zipf_frequency(word, lang) for word in first]
        assert values == sorted(values, reverse=True)
        # Numbers are listed by shape ("00", "0.000"), not as words; single digits are words.
        assert _tables()[lang].get("00") is not None and _tables()[lang].get("0.000") is not None
        assert not {"00", "0000", "0.000"} & set(first) and {"1", "2"} <= set(first)
        assert min(values) >= 3.0  # the "small" lists stop at once per million words
    assert next(top_words("it")) == "di" and next(top_words("en")) == "the"


def test_the_table_is_small_in_memory() -> None:
    """Both lists (65,000 words) in ~1 MB: a dict of str would take ~5 MB of the bot's memory."""
    tables = _tables()
    assert sum(table.nbytes() for table in tables.values()) < 1_500_000
    assert len(tables["it"]._buckets) > 30_000 and len(tables["en"]._buckets) > 25_000


def test_the_bot_does_not_import_wordfreq() -> None:
    code = (
        "import sys, bot.brain, bot.flows, bot.cli\n"
        "from bot.frequency import zipf_frequency\n"
        "zipf_frequency('ciao', 'it')\n"
        "print(sorted(m for m in ('wordfreq', 'regex', 'msgpack', 'ftfy') if m in sys.modules))"
    )
    root = Path(__file__).resolve().parents[1]
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_the_quick_paths_give_what_the_general_ones_give() -> None:
    """The table's prefixes are built in bulk and plain words skip the tokenizer: both agree
    with the word-by-word way on every word of both lists."""
    from bot.frequency import _prefix, word_frequency

    for lang in LANGS:
        table = _tables()[lang]
        words = [table._word(i) for i in range(len(table._buckets))]
        assert list(table._prefixes) == [_prefix(word) for word in words]
        plain = [w.decode() for w in words if w.isascii() and w.isalpha() and w.islower()]
        assert len(plain) > 20_000
        for word in plain[::5]:
            assert tokens(word) == [word]  # what the quick path assumes
            # "word'" is read by the tokenizer (not plain) and is the same token.
            assert word_frequency(word, lang) == word_frequency(word + "'", lang)
