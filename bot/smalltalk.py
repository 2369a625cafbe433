"""Dialogue acts that are not questions: recognised only when the message is nothing else.

A message made only of the phrases of knowledge/smalltalk.yaml (plus fillers) is small talk:
"ciao!", "grazie mille", "chi sei?", "ciao, cosa sai fare?". When it holds several acts the
one listed first in the priority list wins ("ciao, chi sei?" is a question about the bot).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

from rapidfuzz import fuzz, process
from stop_words import get_stop_words

from bot.normalise import fold
from bot.phrases import PhraseSet

_REPEATS = re.compile(r"(.)\1+")
# Folding turns "don't" into "don t": English contractions are read as one word, as the
# phrases are written ("you dont understand", "youre great", "whats up").
_CONTRACTION = re.compile(
    r"\b(?:(don|can|doesn|didn|isn|won|aren|wasn|couldn|shouldn|wouldn|haven|hasn) (t)"
    r"|(it|that|what|how|who|where|there|here|let|he|she) (s)|(i) (m)"
    r"|(you|we|they|i|who|what) (re|ve|ll))\b"
)


@lru_cache(maxsize=1)
def _english_stop_words() -> frozenset[str]:
    """English function words: "we moved to Saronno" does not open with Lombard "wé"."""
    return frozenset(fold(word) for word in get_stop_words("english"))


# "what is ATS?", "cos'è l'asl": a question about the thing named ("what is this?" is about the
# bot when the thing is an addressee word).
_WHAT_IS = re.compile(
    r"\b(?:what is|whats|what s|cos e|che cos e|cosa e|che e) (?:(?:an?|the|l|la|il|lo) )?(\w+)"
)


def _join(match: re.Match[str]) -> str:
    return "".join(part for part in match.groups() if part)


# The second part of every contraction _CONTRACTION joins, as a folded text has it (a word
# after a space; folding leaves only [a-z0-9] and single spaces): a text without one has none.
_CONTRACTION_ENDS = (" t ", " s ", " m ", " re ", " ve ", " ll ")


def _contractions_joined(folded: str) -> str:
    """`_CONTRACTION.sub(_join, folded)`, the regex run only on texts that may hold one."""
    padded = folded + " "
    if not any(end in padded for end in _CONTRACTION_ENDS):
        return folded
    return _CONTRACTION.sub(_join, folded)


def _words(text: str, shorthand: Mapping[str, str] | None = None) -> list[str]:
    """The folded words of `text`, contractions joined, runs of one letter squeezed.

    `shorthand` spells chat shorthand out ("u" -> "you", "6" -> "sei"): only here, where a
    whole message must be small talk, so "ho 6 mesi" elsewhere keeps its number.
    """
    raw = _contractions_joined(fold(text)).split()
    words = _squeeze(raw)
    if shorthand:  # "tt", "nn" before their letters are squeezed; "plss" after
        spelt = (shorthand.get(r) or shorthand.get(w, w) for r, w in zip(raw, words, strict=True))
        words = _squeeze([part for word in spelt for part in word.split()])
    return words


def _signal_phrase(phrase: str) -> str:
    """A signal phrase as messages are read (folded, letters squeezed), keeping a final "*"."""
    stem = phrase.rstrip().endswith("*")
    words = " ".join(_squeeze(fold(phrase.rstrip().rstrip("*")).split()))
    return f"{words}*" if stem else words


# Words as squeezed (words recur from message to message), at most this many remembered.
_SQUEEZED: dict[str, str] = {}
MAX_SQUEEZED = 50_000


def _squeeze(words: list[str]) -> list[str]:
    """Runs of one letter read as one, so "ciaooo" and "grazieee" are "ciao" and "grazie"."""
    # Word by word: a run never spans a space, and a word (split on whitespace) squeezed is
    # still one word (what `_REPEATS.sub` of the words joined by spaces, split, gave).
    out = []
    for word in words:
        squeezed = _SQUEEZED.get(word)
        if squeezed is None:
            squeezed = _REPEATS.sub(r"\1", word)
            if len(_SQUEEZED) < MAX_SQUEEZED:
                _SQUEEZED[word] = squeezed
        out.append(squeezed)
    return out


def asks_how_it_is_done(text: str) -> bool:
    """ "come va fatta la domanda?" asks how something is done, not how the bot is."""
    folded = fold(text)
    return "come va" in folded and _HOW_IT_IS_DONE.search(folded) is not None


MAX_SMALLTALK_WORDS = 12
# "come va fatta", "come vanno compilati": how something is done, not "how are you".
_HOW_IT_IS_DONE = re.compile(r"\bcome (?:va|vanno) (?!tutt)\w+(?:t|ss|s)[aoei]\b")
# A message that is not an answerable question but holds a small-talk phrase, in at most
# this many words, gets the small-talk reply rather than "I don't know" ("ciao come butta").
MAX_PARTIAL_WORDS = 12
# Typos in small-talk words ("grazzie", "buongirno"): words this long, this similar.
TYPO_MIN_LENGTH = 5
# Greetings, thanks and goodbyes carry a short message only: at most this many other words.
COURTESY_ACTS = frozenset({"greeting", "thanks", "bye"})
MAX_COURTESY_REST = 2
MAX_COMPLAINT_REST = 6
# Words that name the bot when someone speaks to it ("grazie robottino", "how are you, chatbot?"):
# beside another act's signal they ask nothing about what the bot is.
VOCATIVES = frozenset({"bot", "chatbot", "robot", "robottino", "rubot", "pirellone"})
# A message this long may still be small talk that its signal phrases reveal.
MAX_SIGNAL_WORDS = 30
# A question to the bot about itself may hold this many words outside the meta lists.
MAX_META_OTHERS = 3
# The acts recognised among other words (not "ok", "sì", "wrong", "help").
PARTIAL_ACTS = frozenset(
    {
        "greeting",
        "thanks",
        "bye",
        "who_are_you",
        "capabilities",
        "how_are_you",
        "human",
        "complaint",
    }
)
TYPO_MIN_SCORE = 84
# A statement opening with one of these acts and asking nothing is that act ("grazie, giro la
# risposta all'ufficio di piano"), in at most this many words.
OPENING_ACTS = COURTESY_ACTS | {"ack"}
MAX_OPENING_WORDS = 20
# Courtesy words that English stop-word lists hold but that open a message as courtesy only.
COURTESY_WORDS = frozenset({"hi", "hello", "hey", "thanks", "bye"})
# Acts that close a conversation: a statement holding one and no question is that act
# ("grazie, adesso so a chi chiedere"; "bye for now, will come back tomorrow").
CLOSING_ACTS = frozenset({"thanks", "bye", "ack"})
_CLAUSES = re.compile(r"[.!?;,\n]+")
MAX_TYPO_CACHE = 50_000
MAX_READS = 64  # messages whose reading is remembered (a message is read 2-3 times)


class SmallTalk:
    def __init__(
        self,
        intents: Mapping[str, Iterable[str]],
        fillers: Iterable[str],
        priority: Iterable[str] = (),
        shorthand: Mapping[str, str] | None = None,
        meta: Mapping[str, Iterable[str]] | None = None,
        signals: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        self._shorthand = {fold(k): fold(v) for k, v in (shorthand or {}).items()}
        # No shorthand spells a word out as nothing: a text has words if its folding has.
        self._shorthand_keeps = all(v.split() for v in self._shorthand.values())
        # Questions to the bot about itself in words no phrase foresaw ("ma che info hai?"):
        # {"addressee": words for "you", act: words of that act}; see knowledge/smalltalk.yaml.
        meta_words = {
            key: frozenset(w for phrase in words for w in _squeeze(fold(phrase).split()))
            for key, words in (meta or {}).items()
        }
        self._addressee = meta_words.pop("addressee", frozenset())
        self._meta = meta_words
        # Phrases that say what a longer message is, wherever they stand ("persona vera",
        # "carne e ossa", "se vedum"): read only when nothing of ours answered.
        self._signals = {
            act: PhraseSet(_signal_phrase(p) for p in phrases)
            for act, phrases in (signals or {}).items()
        }
        # Longest phrases first, so "grazie mille" is consumed before "grazie".
        self._phrases = sorted(
            ((_words(p), intent) for intent, phrases in intents.items() for p in phrases),
            key=lambda item: -len(item[0]),
        )
        # Phrases that fold to nothing are emoji: a message made only of them is that act.
        self._emoji = {
            p.strip(): intent
            for intent, phrases in intents.items()
            for p in phrases
            if p.strip() and not fold(p)
        }
        # Indexed by first word: a message is read in one pass.
        self._by_first: dict[str, list[tuple[list[str], str]]] = {}
        for words, intent in self._phrases:
            if words:
                self._by_first.setdefault(words[0], []).append((words, intent))
        self._fillers = frozenset(w for filler in fillers for w in _squeeze(fold(filler).split()))
        order = list(priority) + [i for i in intents if i not in priority]
        self._rank = {intent: index for index, intent in enumerate(order)}
        self._known = frozenset(self._by_first) | self._fillers | self._addressee
        self._known |= {w for words in self._meta.values() for w in words}
        # A signal's own words are words, not typos ("chiamarti per nome" is no "chiamarmi").
        self._known |= {
            w for phrases in (signals or {}).values() for p in phrases for w in _words(p)
        }
        self._typos: dict[str, str] = {}
        self._vocabulary = sorted(
            {w for words, _ in self._phrases for w in words if len(w) >= TYPO_MIN_LENGTH}
        )
        self._by_size: dict[int, list[str]] = {}  # word length -> the words it may be a typo of
        self._reads: dict[tuple[str, int], list[str]] = {}  # the last messages read
        self._plain: dict[str, list[str]] = {}  # their words before correction

    def _read(self, text: str, limit: int = MAX_SMALLTALK_WORDS) -> list[str]:
        """The message's words, squeezed, with typos of small-talk words corrected.

        Longer messages than `limit` words are not small talk: their words come back as
        they are, uncorrected (the caller only counts them).
        """
        read = self._reads.get((text, limit))
        if read is None:
            # The words before correction do not depend on `limit`: read once per message
            # for the three limits (small talk, signals, openings).
            plain = self._plain.get(text)
            if plain is None:
                plain = _words(text, self._shorthand)
                if len(self._plain) >= MAX_READS:
                    self._plain.clear()
                self._plain[text] = plain
            read = list(plain)
            if len(read) <= limit:
                for index, word in enumerate(read):
                    if len(word) >= TYPO_MIN_LENGTH and word not in self._known:
                        read[index] = self._corrected(word)
            if len(self._reads) >= MAX_READS:
                self._reads.clear()
            self._reads[(text, limit)] = read
        return list(read)

    def _corrected(self, word: str) -> str:
        """The small-talk word `word` is a typo of, or `word` itself (remembered)."""
        cached = self._typos.get(word)
        if cached is None:
            found = process.extractOne(
                word, self._candidates(len(word)), scorer=fuzz.ratio, score_cutoff=TYPO_MIN_SCORE
            )
            cached = found[0] if found is not None else word
            if len(self._typos) < MAX_TYPO_CACHE:
                self._typos[word] = cached
        return cached

    def _candidates(self, size: int) -> list[str]:
        """The words a word of `size` letters can score TYPO_MIN_SCORE with, in vocabulary order.

        fuzz.ratio is at most 100 * (1 - |a - b| / (a + b)) for lengths a and b: the others
        cannot reach the score, so leaving them out changes no result.
        """
        found = self._by_size.get(size)
        if found is None:
            share = 1 - TYPO_MIN_SCORE / 100 + 0.01  # a margin: keeping one more is harmless
            found = [w for w in self._vocabulary if abs(len(w) - size) <= share * (len(w) + size)]
            self._by_size[size] = found
        return found

    def _acts_at(self, words: list[str], position: int) -> tuple[str, int] | None:
        for phrase, intent in self._by_first.get(words[position], ()):
            if words[position : position + len(phrase)] == phrase:
                return intent, len(phrase)
        return None

    def _best(self, found: list[str]) -> str | None:
        if not found:
            return None
        return min(found, key=lambda intent: self._rank.get(intent, len(self._rank)))

    def _emoji_act(self, text: str) -> str | None:
        """The act of a message made only of known emoji ("👍", "🙏🙏"), else None."""
        # Variation selectors, joiners and skin tones do not change what an emoji says.
        marks = [
            c
            for c in text
            if not c.isspace() and c not in "\ufe0f\u200d" and not "\U0001f3fb" <= c <= "\U0001f3ff"
        ]
        acts = []
        for mark in marks:
            act = self._emoji.get(mark)
            if act is None:
                return None
            acts.append(act)
        return self._best(acts)

    def among(self, text: str, strict: bool = False) -> tuple[str, list[str]] | None:
        """The small-talk act of a short message holding one among other words, and those words.

        "ciao come butta" -> ("how_are_you", ["butta"]); "sì", "ok" among other words say
        nothing of what the message is, so they are not read here.
        """
        if asks_how_it_is_done(text):
            return None  # "come va fatta la domanda?" asks how, not how the bot is
        words = self._read(text, MAX_PARTIAL_WORDS)
        if not words or len(words) > MAX_PARTIAL_WORDS:
            return None
        found = []
        taken: set[int] = set()
        position = 0
        while position < len(words):
            hit = self._acts_at(words, position)
            if hit is not None and hit[0] in PARTIAL_ACTS:
                found.append(hit[0])
                taken.update(range(position, position + hit[1]))
                position += hit[1]
            else:
                position += 1
        others = [w for i, w in enumerate(words) if i not in taken and w not in self._fillers]
        # "ciao come butta": a greeting with a word or two; "ue, la partida stasera?" is not.
        # Strict: every act with at most a word or two more ("ma chi sei tu?").
        short_acts = COURTESY_ACTS | {"complaint"}
        if found and (strict or all(act in short_acts for act in found)):
            # A complaint says more around it ("sei inutile come una forchetta nel brodo").
            limit = MAX_COMPLAINT_REST if set(found) == {"complaint"} else MAX_COURTESY_REST
            if len(others) > limit:
                # "mi fai un elenco delle cose in cui puoi aiutarmi": about the bot, in more words.
                return self._meta_among(words) if strict else None
        act = self._best(found)
        if act is None and strict:
            return self._meta_among(words)
        return (act, others) if act is not None else None

    def _meta_among(self, words: list[str]) -> tuple[str, list[str]] | None:
        """A question to the bot about itself with a few words no list foresaw.

        "ma chi ti ha programmato, la regione o una ditta?": the words about the bot outnumber
        the others, which the caller checks are no words of ours.
        """
        if not self._addressee.intersection(words):
            return None
        vocabulary = self._addressee.union(self._fillers, *self._meta.values())
        others = [w for w in words if w not in vocabulary]
        meta = [w for w in words if w not in self._fillers and w not in others]
        if len(others) > MAX_META_OTHERS or len(meta) <= len(others):
            return None
        return (act, others) if (act := self._meta_choice(words)) is not None else None

    def meta_words(self, act: str) -> frozenset[str]:
        """The words of a question to the bot about itself for `act` ("regione", "servizio")."""
        return self._meta.get(act, frozenset())

    def _meta_choice(self, words: list[str]) -> str | None:
        """The meta act with the most of the message's words (not fillers); the first on ties."""
        content = set(words) - self._fillers
        best, most = None, 0
        for act, known in self._meta.items():
            count = len(known & content)
            if count > most:
                best, most = act, count
        if best is None:  # only fillers that are also meta words ("ma tu?")
            best = next((act for act, known in self._meta.items() if known & set(words)), None)
        return best

    def words(self) -> frozenset[str]:
        """The words of the small-talk phrases (letters squeezed)."""
        return frozenset(w for words, _ in self._phrases for w in words)

    def signal(self, text: str) -> str | None:
        """The act a message of some length signals with its `signals` phrases, if any."""
        words = self._read(text, MAX_SIGNAL_WORDS)
        if not words or len(words) > MAX_SIGNAL_WORDS:
            return None
        folded = " ".join(words)
        found = {
            act: hit for act, phrases in self._signals.items() if (hit := phrases.search(folded))
        }
        if len(found) > 1 and found.get("who_are_you") in VOCATIVES:
            del found["who_are_you"]  # "how are things on your side, chatbot?": the bot addressed
        return self._best(list(found))

    def signal_words(self, text: str) -> set[str]:
        """The words of the message that its signal phrases use."""
        found: set[str] = set()
        for phrases in self._signals.values():
            rest = f" {' '.join(self._read(text, MAX_SIGNAL_WORDS))} "
            while (hit := phrases.search(rest.strip())) is not None:
                found.update(hit.split())
                rest = rest.replace(f" {hit} ", " ")
        return found

    def opening(self, text: str) -> str | None:
        """The courtesy act a message opens with ("buonasera, sono il sindaco di ..."), if any."""
        words = self._read(text, MAX_OPENING_WORDS)
        if len(words) > MAX_OPENING_WORDS:
            return None
        for position, word in enumerate(words):
            hit = self._acts_at(words, position)
            if hit is not None and (
                hit[1] > 1 or word in COURTESY_WORDS or word not in _english_stop_words()
            ):
                return hit[0] if hit[0] in OPENING_ACTS else None
            if word not in self._fillers:
                return None
        return None

    def opening_words(self, text: str) -> frozenset[str]:
        """The words of the courtesy phrase a message opens with ("grazie mille, e per Lecco?")."""
        words = self._read(text, MAX_OPENING_WORDS)
        for position, word in enumerate(words[:MAX_OPENING_WORDS]):
            hit = self._acts_at(words, position)
            if hit is not None:
                return frozenset(words[position : position + hit[1]])
            if word not in self._fillers:
                break
        return frozenset()

    def closing(self, text: str) -> str | None:
        """The thanks or goodbye a statement ends with ("sorry must run, the twins woke up.
        bye!"), if any."""
        # The last two clauses with words, read from the end (a story's others are not read):
        # what the list of all of them gave for its length (at least 2) and its last one.
        last: str | None = None
        for clause in reversed(_CLAUSES.split(text)):
            if not self._has_words(clause):
                continue
            if last is not None:
                act = self.intent(last)
                return act if act in CLOSING_ACTS else None
            last = clause
        return None

    def _has_words(self, text: str) -> bool:
        """Whether `_words(text)` has any (joining and squeezing never empty a text)."""
        if self._shorthand_keeps:
            return bool(fold(text))
        return bool(_words(text, self._shorthand))

    def partial(self, text: str) -> str | None:
        """The small-talk act of a short message that holds one among other words."""
        found = self.among(text)
        return found[0] if found is not None else None

    def intent(self, text: str) -> str | None:
        """The small-talk act if the whole message is small talk, else None."""
        words = self._read(text)
        if not words:
            return self._emoji_act(text)
        if not words or len(words) > MAX_SMALLTALK_WORDS:
            return None
        found: list[str] = []
        position = 0
        while position < len(words):
            hit = self._acts_at(words, position)
            if hit is not None:
                found.append(hit[0])
                position += hit[1]
            elif words[position] in self._fillers:
                position += 1
            else:
                return self._meta_act(words)
        return self._best(found)

    def _meta_act(self, words: list[str]) -> str | None:
        """A short message to the bot ("tu", "you") made only of words about the bot itself.

        "che info hai?" and "what kind of things do you know" ask what it can do; with a word of
        identity ("ma sei un bot vero?") they ask who it is. The first act listed whose words
        the message holds wins; any word that is not a meta word or a filler means a question.
        """
        if not self._addressee.intersection(words):
            return None
        vocabulary = self._addressee.union(self._fillers, *self._meta.values())
        if any(word not in vocabulary for word in words):
            return None
        asked = _WHAT_IS.search(" ".join(words))
        if asked is not None and asked.group(1) not in self._addressee:
            return None  # "what is ATS? sorry I'm new here" asks about the ATS, not the bot
        return self._meta_choice(words)
