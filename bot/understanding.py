"""Understanding a message before answering it: dialogue act, entities, own case, scope.

The brain first asks `Understander.understand(text)` what a message is: small talk or a
question, which of our measures it names, which place (in or outside Lombardy), which year or
programme period, who is writing (a family, a company, a comune ...), whether the person asks
about their own case or whom to contact, and whether it is one of the questions we must not
answer (an emergency, a request for someone's personal data ...). The brain then decides and
composes the reply from all of it (bot/compose.py).

Editors add phrasings in `knowledge/understanding.yaml` and `knowledge/smalltalk.yaml`, no code.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.cues import (
    ASKS_WHOM,
    NOW_IN_LOMBARDY,
    PAYMENT_WAY,
    area_words,
    ends_asking_money,
    is_sum,
    last_question,
    names_ats,
    says_ats,
    without_jobs,
    without_own_names,
)
from bot.language import EXONYMS
from bot.lexicon import Lexicon, Vague, phrase_words
from bot.normalise import fold
from bot.periods import YEAR, Period, PeriodReader
from bot.phrases import PhraseSet, exempted, said_after
from bot.rewriter import Rewriter
from bot.smalltalk import SmallTalk

# "ATS della Montagna" is named by "montagna": these words of the names say nothing.
ATS_NAME_FILLERS = frozenset({"ats", "della", "dell", "di", "del", "dei", "delle"})
_NUMBER = re.compile(r"\b\d+\b")
_NUMBER_WORD = re.compile(r"\b(?:numero|number|n)\b")
# "from Sicily", "vengo da Napoli", "originaria della Calabria": where someone comes from.
_FROM = (
    r"\b(?:moved(?: \w+){0,6} from|came from|originally from|vengo da|veniamo da|vengo dalla|"
    r"originari[oa] d[ei]\w*|di origine|arriv(?:at[oaie]|o|iamo)(?: in lombardia| qui| qua)? da\w*|"
    r"trasferit[oa] da|came to lombardy from)\s+"
)
# "I live in Brescia from 2018", "residenti dal 2015": since when someone lives here.
_RESIDENT_SINCE = re.compile(
    r"\b(?:live|living|lived|resident|residente|residenti|abito|abitiamo|vivo|viviamo|risiedo|"
    r"risiediamo|here|qui)\b(?:\s+\w+){0,4}?\s+(?:from|since|dal|dall|da|nel|in)\s+20[0-4]\d\b"
)
# ... said by anyone: "we live in Desio since 2012", "abitiamo a Lodi dal 2015".
_LIVES_SINCE = re.compile(
    r"\b(?:live|living|lived|resident|residente|residenti|abito|abitiamo|vivo|viviamo|risiedo|"
    r"risiediamo)\b(?:\s+\w+){0,4}?\s+(?:since|dal|dall)\s+20[0-4]\d\b"
)

# The guided check of the measures an organisation joins (Reti, Alleanze).
JOINING_FLOW = "aderire"


# Someone else lives at the Lombard place named ("mio figlio e sua moglie stanno a Treviglio").
# ... unless the writer asks for themselves ("mia sorella vive a Bergamo ... posso averlo io?").
_THEY_LIVE = (
    r"\b(?:stanno|vivono|abitano|risiedono|vive|abita|risiede|lives|they live|"
    r"sede|based|located)\s+(?:a|ad|in)\s+"  # an organisation's seat counts, not a member's home
)
_FOR_MYSELF = re.compile(r"\b(?:posso|potrei|anch io|a me|can i|could i|for me)\b")
# "sto a Napoli ma mi trasferisco a Milano a gennaio": the Lombard place is the home to be.
_MOVING_TO = (
    r"\b(?:mi trasferisco|ci trasferiamo|trasferirmi|trasferirci|vengo a vivere|veniamo a vivere|"
    r"moving|move|relocating)\s+(?:a|ad|in|to)\s+"
)


@dataclass(frozen=True)
class Understanding:
    """What one message is, as far as the brain needs to know."""

    text: str
    folded: str
    act: str = "question"  # or a small-talk act of knowledge/smalltalk.yaml
    measures: tuple[str, ...] = ()  # our measures, in the order named
    named: tuple[str, ...] = ()  # those named for sure (their strong cues)
    place: Any = None  # a Lombard place (bot.places PlaceMatch)
    outside: Any = None  # a place outside Lombardy, when the directory knows one
    period: Period | None = None
    role: str | None = None  # None: a family or not said
    own_case: bool = False
    eligible: bool = False  # asks whether the rules fit their case ("posso averlo?")
    decree: bool = False  # asks which act (DGR) set the rules
    local_detail: bool = False  # asks what one ATS did (its plan, its decree, its projects)
    contact: bool = False
    amount: bool = False  # asks how much money
    join: bool = False  # asks how to join (a Rete, an Alleanza)
    compare: bool = False
    out_of_scope: str | None = None  # the category of knowledge/understanding.yaml
    ats: str | None = None  # an ATS named by its name ("ATS Insubria"), when no place is
    situation_flow: str | None = None  # the check a described situation calls for
    situation_entry: str | None = None  # ... and the entry that answers it in general
    vague: tuple[str, ...] = ()  # a lone generic word: the entries it may mean
    vague_prompt: str = "clarify.text"  # ... and the UI text asking which
    measure_before: str | None = None  # in a chat, the measure the last answer was about

    @property
    def is_smalltalk(self) -> bool:
        return self.act != "question"


# Dialect words (knowledge/understanding.yaml `rewrite`) that make a message Italian.
DIALECT_WORDS = 2
DIALECT_WORD_CHARS = 4
# A message of more words is never a vague one (knowledge/understanding.yaml `vague`).
VAGUE_MAX_WORDS = 16
# ... and one of more words is vague only in the words of its phrases.
VAGUE_GENERIC_MAX_WORDS = 12


class Understander:
    """Turns a message into an `Understanding` (rules from the editable lexicon)."""

    def __init__(
        self,
        lexicon: Lexicon,
        smalltalk: SmallTalk,
        places: Any = None,
        correct: Callable[[str], str] | None = None,
    ) -> None:
        self.lexicon = lexicon
        # The matcher's typo correction ("crescoo"): entities read from the words it ranks on.
        self._correct = correct
        # ... but never a word of the lexicon itself ("rientriamo" is no typo of "entriamo") or
        # of small talk ("bundì" is no typo of "bandi").
        talk = smalltalk.words() if smalltalk is not None else frozenset()
        self._own_words = frozenset(phrase_words(lexicon)) | talk | area_words(places)
        self.smalltalk = smalltalk
        self.places = places
        self._measures = {mid: PhraseSet(m.cues) for mid, m in lexicon.measures.items()}
        self._strong = {mid: PhraseSet(m.strong) for mid, m in lexicon.measures.items()}
        self._implied = [
            (mid, PhraseSet(m.implied_by)) for mid, m in lexicon.measures.items() if m.implied_by
        ]
        self._hinted = [
            (mid, PhraseSet(m.hinted_by)) for mid, m in lexicon.measures.items() if m.hinted_by
        ]
        self._roles = {role: PhraseSet(cues) for role, cues in lexicon.roles.items()}
        # Most messages name no measure, role or out-of-scope cue: one search of all says so.
        self._any_measure = PhraseSet(c for m in lexicon.measures.values() for c in m.cues)
        self._any_role = PhraseSet(c for cues in lexicon.roles.values() for c in cues)
        self._any_implied = PhraseSet(c for m in lexicon.measures.values() for c in m.implied_by)
        self._any_hinted = PhraseSet(c for m in lexicon.measures.values() for c in m.hinted_by)
        self._vague = [(frozenset(r.ignore), frozenset(r.words), r) for r in lexicon.vague]
        # Each rule's own words, one by one, and the words a vague message may hold besides.
        loose = [r for r in lexicon.vague if r.any_order]
        fillers = frozenset(lexicon.vague_fillers)
        heads = [
            ({w for p in r.words for w in p.split()} - fillers - set(r.ignore), r) for r in loose
        ]
        subjects = fillers.union(*(h for h, r in heads if r.subject))
        self._vague_heads = [(h, subjects | h | set(r.ignore), r) for h, r in heads]
        # A word in no rule (neither ignored, in a phrase nor a filler) makes no vague message.
        self._vague_words = frozenset(
            w for ignore, phrases, _ in self._vague for w in (*ignore, *" ".join(phrases).split())
        ).union(*(allowed for _, allowed, _ in self._vague_heads))
        self._any_scope = PhraseSet(c for rule in lexicon.out_of_scope.values() for c in rule.cues)
        self._own_case = PhraseSet(lexicon.own_case)
        self._eligibility = PhraseSet(lexicon.eligibility)
        self._asks = PhraseSet(lexicon.asks)
        self._decree = PhraseSet(lexicon.decree)
        self._local_detail = PhraseSet(lexicon.local_detail)
        self._contact = PhraseSet(lexicon.contact)
        self._not_contact = PhraseSet(lexicon.not_contact)
        self._amount = PhraseSet(lexicon.amount)
        self._join = PhraseSet(lexicon.join)
        self._periods = PeriodReader(lexicon)
        self._compare = PhraseSet(lexicon.compare)
        self._ats = self._ats_names(places)
        self._situations = [(PhraseSet(s.cues), s) for s in lexicon.situations]
        self.rewrite = Rewriter(lexicon.rewrite)
        self._scope = [
            (name, PhraseSet(rule.cues), PhraseSet(rule.with_), PhraseSet(rule.unless), rule)
            for name, rule in lexicon.out_of_scope.items()
        ]
        self._story_topics = PhraseSet(lexicon.stories.topics)

    def understand(self, text: str, today: date | None = None) -> Understanding:
        folded = without_own_names(text, self.rewrite(fold(text)), self._own_words)
        # "ho una domanda", "how much?": a vague question, not small talk; the person chooses.
        act = self.smalltalk.intent(text) if self.vague_rule(folded) is None else None
        if act is not None:
            return Understanding(text, self._corrected(folded), act=act)
        place = self.places.find(text) if self.places is not None and folded else None
        if place is not None and names_ats(folded, place.matched_text):
            # "Crema, ats val padana o ats milano?": a town named besides the ATS is the place
            rest_text = re.sub(re.escape(place.matched_text), " ", text, flags=re.IGNORECASE)
            place = self.places.find(rest_text) or place
        # The place's own words are not typos of ours ("Bienno" is not "biennio").
        folded = self._corrected(folded, fold(place.matched_text) if place else "")
        folded = self._periods.dated(folded, today)
        outside = None
        if place is None and self.places is not None:
            outside = self.places.find_outside(text)
            if outside is not None and said_after(_FROM, fold(outside.matched_text), folded):
                outside = None  # "I moved to Lombardy from Sicily": where the person comes from
            elif outside is not None and NOW_IN_LOMBARDY.search(folded):
                outside = None  # "prima vivevamo in Puglia ..., qui in lombardia c'è qualcosa?"
        elif place is not None and self.places is not None:
            # "sto a Novara ma lavoro a Milano": home is outside Lombardy.
            outside = self.places.home_outside(text)
            inner, outer = fold(place.matched_text), fold(getattr(outside, "matched_text", ""))
            # "io abito a Reggio Emilia, mio figlio e sua moglie stanno a Treviglio": the family
            # asked about lives in Lombardy.
            theirs = said_after(_THEY_LIVE, inner, folded)
            theirs = theirs and _FOR_MYSELF.search(folded) is None
            theirs = theirs or said_after(_MOVING_TO, inner, folded)
            if outside is not None and inner not in outer and outer not in inner and not theirs:
                place = None
            else:
                outside = None
        # The place name must not steer anything else ("Bergamo" is not a word of a topic).
        rest = folded
        if place is not None:
            rest = f" {folded} ".replace(f" {fold(place.matched_text)} ", " ").strip()
        measures: tuple[str, ...] = ()
        if self._any_measure.search(rest) is not None:
            measures = tuple(
                mid for mid, phrases in self._measures.items() if phrases.search(rest) is not None
            )
        named = tuple(m for m in measures if self._strong[m].search(rest) is not None)
        if len(named) > 1:
            named = self._asked_first(rest, named)
        found = next(((cues, s) for cues, s in self._situations if s.fits(cues, rest)), None)
        situation = found[1] if found else None
        eligible = self._without(rest, self._contact) in self._eligibility
        # "quando la scuola è chiusa" describes the situation: the school is not the writer.
        role = self.role(self._without(rest, found[0]) if found else rest)
        if role in (None, "company") and (not situation or not situation.flow or YEAR.search(rest)):
            # Implied: as if named ("ho un negozio" -> time saving, "contributo alimentare del
            # 2013"), or made sure by a weak cue. Hinted: an entry on it wins when close.
            implied: tuple[str, ...] = ()
            cue = self._any_implied.search(rest) is not None
            if cue and self.smalltalk.signal(text) != "human":
                implied = tuple(m for m, cues in self._implied if cues.search(rest))
            if not measures:
                measures = named = implied[:1]
            elif implied and not any(self.lexicon.measures[m].flow for m in measures):
                # "ho pizzeria con 3 lavoratori, conciliazione vita lavoro cosa è per me?":
                # the programme named, and the small firm's own measure implied
                measures, named = (*measures, implied[0]), (*named, implied[0])
            else:
                named += tuple(m for m in implied if m in measures and m not in named)
        if not measures and self._any_hinted.search(rest) is not None:
            measures = tuple(m for m, cues in self._hinted if cues.search(rest))[:1]
        if (
            role
            and situation
            and situation.flow
            and not (measures and self.role(without_jobs(rest)))
        ):
            # A birth or a pregnancy told ("il marito ha un'impresa di pulizie", "I work for a
            # cooperative and I'm expecting"): the family's case, whoever else it names or writes.
            role = None
        vague = self.vague_rule(folded)
        return Understanding(
            text,
            folded,
            measures=measures,
            named=named,
            place=place,
            outside=outside,
            period=self._period_asked(rest, today, situation is not None),
            role=role,
            # Someone describing a pregnancy or a newborn speaks of their own case.
            # ... and so does an organisation asking to join ("I represent a consortium ...").
            own_case=self._without(rest, self._contact) in self._own_case
            or eligible
            or situation is not None
            or ((role is not None or self._joins_by(measures)) and rest in self._join),
            eligible=eligible,
            # "delibera 2014-2016": only the years besides, so the period's programme answers.
            decree=rest in self._decree
            and not (set(_NUMBER.findall(rest)) - set(YEAR.findall(rest))),
            local_detail=rest in self._local_detail,
            contact=self._without(self._without_act_number(rest), self._not_contact)
            in self._contact
            or ASKS_WHOM.search(rest) is not None,
            amount=(rest in self._amount or ends_asking_money(rest))
            and PAYMENT_WAY.search(rest) is None,
            join=rest in self._join,
            compare=self._compares(measures, named, rest),
            out_of_scope=self.arithmetic(text)
            or self.out_of_scope(
                without_jobs(rest),
                place is not None,
                story=any(self.lexicon.measures[m].status for m in named)  # "cresco se allatto?"
                or len(rest.split()) >= self.lexicon.stories.min_words
                and bool(measures or situation or rest in self._story_topics),
                asked=last_question(text),
            ),
            ats=self.ats_named(folded) if place is None else None,
            situation_flow=situation.flow if situation else None,
            situation_entry=situation.entry if situation else None,
            vague=vague.entries if vague is not None else (),
            vague_prompt=vague.prompt if vague is not None else "clarify.text",
        )

    @staticmethod
    def _without(folded: str, phrases: PhraseSet) -> str:
        """The text without the first phrase of the set ("a chi posso chiedere" is no "posso"
        of one's own case)."""
        found = phrases.search(folded)
        return f" {folded} ".replace(f" {found} ", " ", 1).strip() if found else folded

    def without_place(self, text: str) -> str:
        """The text for its language: without the Lombard place it names ("i live in
        sant'angelo lodigiano" is English, whatever the town's words are), and with the
        Italian of the dialect words it uses ("ol mé om l'è stacc licensiat" is no English)."""
        place = self.places.find(text) if self.places is not None else None
        if place is not None and fold(place.matched_text) not in EXONYMS:  # "milan" is English
            text = text.replace(place.matched_text, " ")
        folded = fold(text)
        rewritten = self.rewrite(folded)
        if rewritten == folded:
            return text
        said = set(folded.split())
        # Content words only: "de" -> "di" is Spanish and French as much as Lombard; and one
        # word is no dialect ("mi esposa tiene bebé 1 mes": Spanish "mes").
        italian = [w for w in rewritten.split() if w not in said and len(w) >= DIALECT_WORD_CHARS]
        return text + " " + " ".join(italian) if len(italian) >= DIALECT_WORDS else text

    def contact_words(self, folded: str) -> frozenset[str]:
        """The words of the contact request in a message ("who handles", "a chi scrivo")."""
        found = self._contact.search(folded)
        return frozenset(found.split()) if found else frozenset()

    def asks(self, text: str, folded: str) -> bool:
        """Whether a message asks or requests something (a "?" or a word such as "vorrei")."""
        return "?" in text or self._without(folded, self._not_contact) in self._asks

    def _without_act_number(self, rest: str) -> str:
        """A message without the number words asking for an act's number ("la delibera del 2013
        che numero aveva?" asks for no phone number)."""
        return _NUMBER_WORD.sub(" ", rest) if rest in self._decree else rest

    def vague_rule(self, folded: str) -> Vague | None:
        """The rule of knowledge/understanding.yaml `vague` a message made of one generic word
        or phrase fits ("contributi?", "quanto mi spetta?", "ho una domanda")."""
        words = folded.split()
        if len(words) > VAGUE_MAX_WORDS or not self._vague_words.issuperset(words):
            return None  # a longer message says what it is about
        for ignore, phrases, rule in self._vague:
            rest = " ".join(w for w in words if w not in ignore)
            if rest and rest in phrases:
                return rule
        if len(words) > VAGUE_GENERIC_MAX_WORDS:
            return None
        # Only a rule's words and fillers, in an order no phrase foresaw ("ma sto fondo quando
        # lo danno?", "the bonus for mothers"): the first such rule one of whose words it holds.
        return next(
            (
                rule
                for heads, allowed, rule in self._vague_heads
                if allowed.issuperset(words) and heads.intersection(words)
            ),
            None,
        )

    @staticmethod
    def _ats_names(places: Any) -> list[tuple[str, PhraseSet]]:
        """Each ATS by the distinctive part of its name ("insubria", "val padana")."""
        found = []
        for ats_id, ats in getattr(places, "ats", {}).items():
            words = [w for w in fold(ats.name).split() if w not in ATS_NAME_FILLERS]
            names = {" ".join(words), fold(ats_id).replace(" ", ""), fold(ats_id)}
            names |= {fold(alias) for alias in getattr(ats, "aliases", ())}
            found.append((ats_id, PhraseSet(n for n in names if n)))
        return found

    def ats_named(self, folded: str) -> str | None:
        """The ATS a message names with the word "ATS" and its name, if any."""
        if not says_ats(folded):
            return None
        return next((ats_id for ats_id, names in self._ats if names.search(folded)), None)

    def _joins_by(self, measures: tuple[str, ...]) -> bool:
        """Whether a measure named is one an organisation joins ("può far parte dell'alleanza?")."""
        return any(self.lexicon.measures[m].flow == JOINING_FLOW for m in measures)

    def _comparable(self, measures: tuple[str, ...]) -> int:
        return sum(self.lexicon.measures[m].comparable for m in measures)

    def _compares(self, measures: tuple[str, ...], named: tuple[str, ...], rest: str) -> bool:
        """Whether a message asks about several measures side by side. One named for sure
        beside another mentioned in passing does not ("going back after maternity leave ... are
        there time saving funds?"), nor joining measures that share one way in ("we'd like to
        join the Rete and maybe an Alleanza")."""
        if len(named) == 1:  # a national measure mentioned in passing (no check of ours)
            measures = tuple(m for m in measures if m in named or self.lexicon.measures[m].flow)
        flows = {self.lexicon.measures[m].flow for m in measures}
        if rest in self._join and len(measures) > 1 and len(flows) == 1 and None not in flows:
            return False
        return self._comparable(measures) >= 2 or (bool(measures) and rest in self._compare)

    def measures_in(self, folded: str) -> tuple[str, ...]:
        """The measures that a text names (an entry's title, for instance)."""
        return tuple(mid for mid, phrases in self._measures.items() if phrases.search(folded))

    def role(self, folded: str) -> str | None:
        if self._any_role.search(folded) is None:
            return None
        for role, phrases in self._roles.items():
            if phrases.search(folded) is not None:
                return role
        return None

    def _asked_first(self, rest: str, named: tuple[str, ...]) -> tuple[str, ...]:
        """The measures named, the one asked for first: "ho avuto il nasko, posso avere il
        cresco?" and "can I get CRESCO if I had NASKO?" both ask about CRESCO."""
        asked = self._eligibility.search(rest)
        if asked is None:
            return named
        after = f" {rest} ".find(f" {asked} ") + len(asked)

        def position(mid: str) -> int:
            found = self._measures[mid].search(rest[after:])
            return rest.find(found, after) if found is not None else len(rest) + 1

        return tuple(sorted(named, key=position))

    def _corrected(self, folded: str, keep: str = "") -> str:
        """The matcher's typo correction, word by word, except the words of `keep`."""
        if self._correct is None:
            return folded
        kept = set(keep.split())
        own = self._own_words
        return " ".join(w if w in kept or w in own else self._correct(w) for w in folded.split())

    def arithmetic(self, text: str) -> str | None:
        """ "2+2", "15 x 3 =": a sum to work out is trivia, not ours (folding drops the signs)."""
        if is_sum(text) and "trivia" in self.lexicon.out_of_scope:
            return "trivia"
        return None

    def out_of_scope(
        self, folded: str, lombard_place: bool = False, story: bool = False, asked: str = ""
    ) -> str | None:
        """The category of a question we do not answer; a story about our topics (`story`)
        ignores the categories marked `in_stories: false`, unless its last question (`asked`),
        read alone, is one ("... ci hanno mandato lo sfratto. c'è un fondo per l'affitto?")."""
        if self._any_scope.search(folded) is None:
            return None
        for name, cues, with_, unless, rule in self._scope:
            if cues.search(folded) is None:
                continue
            if story and not rule.in_stories:
                if not (asked and self._fires(asked, cues, with_, unless, rule, lombard_place)):
                    continue
            if self._fires(folded, cues, with_, unless, rule, lombard_place):
                return name
        return None

    @staticmethod
    def _fires(
        text: str, cues: PhraseSet, with_: PhraseSet, unless: PhraseSet, rule: Any, here: bool
    ) -> bool:
        return (
            cues.search(text) is not None
            and not (rule.with_ and with_.search(text) is None)
            and not (rule.unless and exempted(unless, text))
            and not (rule.unless_lombard_place and here)
        )

    def region_named(self, folded: str) -> str:
        """The region (or neighbouring country) an `other_region` message names."""
        for name, cues, _, _, _ in self._scope:
            if name == "other_region":
                return cues.search(folded) or ""
        return ""

    def reply_key(self, category: str) -> str:
        return self.lexicon.out_of_scope[category].reply

    def _period_asked(self, rest: str, today: date | None, situation: bool) -> Period | None:
        """The period asked; the year someone came to live here is no period ("I live in Brescia
        from 2018, my wife is pregnant"), unless it reaches today ("since 2017, which ATS now?")."""
        if situation and len(set(YEAR.findall(rest))) == 1 and _RESIDENT_SINCE.search(rest):
            return None
        if len(YEAR.findall(rest)) == 1 and _LIVES_SINCE.search(rest):
            if not self._periods.names_today(rest):
                return None
        return self.period(rest, today)

    def period(self, folded: str, today: date | None = None) -> Period | None:
        """Years named in the message ("2017-18", "nel 2019", "dal 2020 al 2023"), or today."""
        return self._periods.read(folded, today)
