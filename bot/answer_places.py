"""Decisions about places: the line naming the person's ATS, and when a place asks for its card.

A mixin of bot.answering.Answerer: it uses the answerer's knowledge base, matcher and texts.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cached_property
from typing import Any

from bot.compose import Composer
from bot.cues import (
    ADDRESS_WORDS,
    DUTY_WORDS,
    HOW_IT_WORKS,
    LIVES_IN,
    LIVING_WORDS,
    MONEY_WORDS,
    OFFICE_TOPIC_WORDS,
    OFFICE_WORDS,
    OTHER_AGENCY,
    PLACE_WORDS,
    REACH_WORDS,
    REQUEST_WORDS,
    SENDING_WORDS,
    TOPIC_GUARD,
    WHICH_ATS,
    WHO_RAN,
    address_words,
)
from bot.frequency import zipf_frequency
from bot.knowledge import Entry, KnowledgeBase
from bot.lexicon import Lexicon
from bot.matcher import ANSWER_THRESHOLD, Candidate, Matcher, specificity
from bot.normalise import fold
from bot.phrases import PhraseSet
from bot.places import button_data
from bot.reply import Button, Reply
from bot.texts import Texts
from bot.understanding import ATS_NAME_FILLERS, Understander, Understanding

# The ATS exist since 1 January 2016 (LR 23/2015): who ran things from then on was an ATS.
ATS_SINCE = 2016
# A word at least this specific (bot.matcher.specificity) names a topic of its own.
TOPIC_SPECIFICITY = 0.5
# Topics whose answer is about offices: with a place, the place's ATS card answers them.
OFFICE_TOPICS = frozenset({"ats", "contatti"})
# Words at least this frequent (Zipf) in Italian or English name no topic of ours.
EVERYDAY_ZIPF = 5.5
# Our programme's own word: with a place and nothing more precise, the ATS there knows.
PROGRAMME_WORD = "conciliazione"
_SQUEEZE = re.compile(r"(.)\1+")  # small talk reads "mille" as "mile"
# A message naming a place and at most this many other words, with no question mark, says
# where the writer lives.
STATEMENT_MAX_WORDS = 5
ORGANISATION_ROLES = frozenset({"company", "cooperative", "association", "school", "comune"})
# An ATS's own act, with its number, in the knowledge base's lines ("con delibera n. 390").
_ACT_WORDS = re.compile(
    r"\b(?:delibera|deliberazione|decreto|determina|decision|decree)\s+(?:n\s+|no\s+)?\d+\b"
)
# ... and the words asking for one ("ATS Val Padana documento di indirizzo 2020").
ACT_ASKED = re.compile(r"\b(?:documento|approvat[oa]|adottat[oa]|adopted|approved)\b")
_SENTENCES = re.compile(r"\n|•|;|(?<=\.)\s+(?=[A-Z])")
# An entry naming more ATS than this is about all of them, not about one ("ATS Brescia: ...").
MAX_ATS_NAMED = 4


def everyday(word: str) -> bool:
    """A word too common to name a topic of ours ("vero", "tempo"), though the KB uses it."""
    return max(zipf_frequency(word, "it"), zipf_frequency(word, "en")) >= EVERYDAY_ZIPF


class PlaceDecisions:
    kb: KnowledgeBase
    matcher: Matcher
    texts: Texts
    places: Any
    understander: Understander
    lexicon: Lexicon
    composer: Composer

    @staticmethod
    def _fold(text: str) -> str:
        return fold(text)

    def _clarify(
        self, entries: list[Entry], u: Understanding, lang: str, score: float
    ) -> Reply | None:
        """A "did you mean", with the line on the person's ATS when they named a place."""
        after, extra = self._place_line(u, lang)
        return self.composer.clarify(entries, lang, score, "clarify.text", after, extra)

    def _place_line(
        self, u: Understanding, lang: str
    ) -> tuple[str, tuple[tuple[Button, ...], ...]]:
        """One line naming the person's ATS, and a button to its card."""
        place = u.place
        if (
            place is None
            and u.ats is not None
            and self.places is not None
            and (u.contact or u.local_detail)
        ):
            # "telefono diretto ufficio conciliazione ATS Montagna", "l'avviso per le alleanze
            # in ATS Insubria": what is published of it
            ats = self.places.ats[u.ats]
            reach = self._reach(ats)
            return self.texts.get("answer.ats_contact", lang, ats=ats.name, reach=reach), ()
        if place is None or self.places is None or getattr(place, "kind", "") == "ambiguous":
            return "", ()
        ats_ids = self.places.ats_for_match(place)
        if not ats_ids:
            return "", ()
        names = " / ".join(self.places.ats[a].name for a in ats_ids)
        comuni = tuple(getattr(place, "comuni", ()))
        # the comune as it is called ("cremona", "sesto" -> Cremona, Sesto San Giovanni)
        shown = comuni[0].name if len(comuni) == 1 else place.matched_text
        shown = shown[:1].upper() + shown[1:]
        line = self.texts.get("answer.your_ats", lang, place=shown, ats=names)
        if (u.contact or u.local_detail) and len(ats_ids) == 1:
            # "whom do we contact?", "where do I find the ATS's call?": the ATS's conciliazione
            # page (or site) and switchboard.
            reach = self._reach(self.places.ats[ats_ids[0]])
            line = self.texts.get(
                "answer.your_ats_contact", lang, place=shown, ats=names, reach=reach
            )
        if getattr(place, "kind", "") == "comune" and len(comuni) == 1:
            label = self.texts.get("contacts.find_ats", lang)
            return line, ((Button(label, button_data(comuni[0])),),)
        return line, ()

    @staticmethod
    def _reach(ats: Any) -> str:
        """The ATS's conciliazione page (or site) and switchboard."""
        return " · ".join(
            x for x in ((ats.pages or (ats.contacts.website,))[0], ats.contacts.phone) if x
        )

    def _card(self, u: Understanding, lang: str) -> Reply:
        """The card of the place (or the ATS) named, with the guided check of what the person
        asks about when they ask about their own case or to join: "la PEC dell'ATS di Brescia?
        devo mandare l'adesione" also gets the joining check, "a chi scrivo per il time saving
        a Lecco? sono idraulico con 2 operai" the time-saving one."""
        if u.place is not None:
            card = self.places.describe(u.place, self.texts, lang)
        else:
            card = self.places.describe_ats(u.ats, self.texts, lang)
        flow = next(
            (f for m in u.measures if (f := self.lexicon.measures[m].flow) is not None), None
        )
        if u.join:
            # the joining check (every role's: organisations join)
            joining = next(iter(self.lexicon.role_flows.values()), None)
            flow = flow or self.lexicon.role_flows.get(u.role or "") or joining
        elif not (u.own_case or u.role or u.measures):  # a measure's check, to anyone
            flow = None
        elif u.role in ORGANISATION_ROLES:  # "il sindaco vuole entrare: a chi scrive?"
            flow = flow or self.lexicon.role_flows.get(u.role or "")
        flow = self.composer.flow_for(None, flow)
        if flow is None:
            return card
        button = Button(self.texts.get("answer.start_flow", lang), f"f:start:{flow}")
        return replace(card, buttons=((button,), *card.buttons))

    def _asks_office(self, residual: str, u: Understanding, lang: str) -> bool:
        """Whether a message naming a place asks only for the office there.

        "abito a Varese, qual è la mia ATS?", "sono di Lodi", "provincia di Como" -> the ATS
        card; "quanto dà il nasko a Pavia?" or "il comune di Lodi come entra in un'Alleanza?"
        -> the topic, with one line naming the ATS; "che tempo fa a Milano?" -> not ours.
        """
        # "grazie mille, e per Lecco?" asks (a statement of thanks naming a place does not)
        talk = self.understander.smalltalk
        opening = talk.opening_words(u.text) if "?" in u.text else frozenset()
        other_agency = OTHER_AGENCY.search(residual) is not None  # "un'agenzia viaggi a Clusone"
        words = [
            w
            for w in self.matcher.content_words(residual)
            if w not in PLACE_WORDS
            and not (other_agency and w in OFFICE_WORDS)
            and self.places.resolve(w) is None
            and _SQUEEZE.sub(r"\1", w) not in opening
        ]
        if not words:
            return True
        if self._office_contact(u) is not None:
            return False  # "numero della regione per la conciliazione, scrivo da Lecco"
        if self._pinned(u) is not None:
            return False  # "asst can be capofila? we are in bergamo area"
        # "hi wich ATS is responsible for coop in Legnano for conciliation", "in 2019 who ran
        # conciliation in Valcamonica?" (before 2016 the ASL ran things)
        period = u.period
        if not u.measures and (
            (WHICH_ATS.search(u.folded) and period is None and not self._asks_help_too(u))
            or (WHO_RAN.search(u.folded) and (not period or period.first >= ATS_SINCE))
        ):
            return True
        if u.situation_flow is not None and not u.contact:
            return False  # "mè marì l'è a ca' da l'ufizzi, e mi speti el terz": her case
        office_words = self.kb.place_intent_words
        topical = [
            w
            for w in words
            if w not in office_words
            and w not in OFFICE_TOPIC_WORDS
            and w not in self._ats_name_words
            and (
                specificity(w, lang) >= (TOPIC_SPECIFICITY if self.matcher.known(w) else 0.45)
                or w in DUTY_WORDS  # "che ruolo ha l'ATS della Montagna nella rete?"
            )
            and self.understander.smalltalk.intent(w) is None  # "ciaooo" names no topic
        ]
        about_money = (u.period is not None and not u.period.current) or bool(
            MONEY_WORDS & set(words)
        )
        office = bool(OFFICE_WORDS & set(words)) or (u.contact and not u.measures)
        if (office or self._ats_name_words & set(words)) and not about_money:
            # "a menaggio adess sem cun l'ats de varés o amò cun sundri?": words the knowledge
            # base never uses name no topic beside the office (dialect, typos).
            topical = [w for w in topical if self.matcher.known(w)]
            office = True
            named_ats = "ats" in u.folded.split() and self._ats_name_words & set(words)
            reach = REACH_WORDS & self.understander.contact_words(u.folded)
            if u.contact and not u.measures and named_ats and reach:
                return True  # "come contatto l'ATS Brianza per i progetti di welfare?"
        if u.contact and not u.measures:
            # "I'm in Gravedona, who handles conciliazione for us?": a word the knowledge base
            # never uses names no topic of ours.
            asking = self.understander.contact_words(u.folded)
            topical = [
                w
                for w in topical
                if self.matcher.known(w) and w not in asking and w not in REQUEST_WORDS
            ]
        said = set(words) | address_words(residual)  # "sede" is a place word
        said -= ADDRESS_WORDS - address_words(residual)  # "indirizzo una paziente": a verb
        if OFFICE_WORDS & said and (ADDRESS_WORDS | SENDING_WORDS) & said:
            # "PEC dell'ATS di Brescia per mandare l'adesione", "sotto che ATS? dobbiamo
            # mandare l'adesione": the office's own address.
            topical = [w for w in topical if w not in self._join_words]
            if ADDRESS_WORDS & said and not about_money:
                return True  # "dov'è la sede dell'ATS di Brescia? devo portare dei documenti"
        if office and not about_money and not topical:
            return True
        if u.named or u.measures or u.role in ORGANISATION_ROLES:
            return False
        if (
            "?" not in u.text
            and len(words) <= STATEMENT_MAX_WORDS
            and (LIVING_WORDS & set(u.folded.split()) or self._opens_with_place(u))
            and not about_money
        ):
            # "I'm based in Mortara, near the rice fields", "abito a Livigno, piccolo tibet": a
            # statement of where one lives (one's own case, and nothing asked of it); words the
            # knowledge base never uses name no topic of ours.
            topical = [w for w in topical if self.matcher.known(w)]
        elif u.own_case:
            return False
        # "a bergum i g'ha dac 110 mila euro nel 2021?": money asked of a period, not the office
        return not topical and not (about_money and u.amount)

    @staticmethod
    def _contacts_among(tied: list[Entry], u: Understanding) -> Entry | None:
        """For a contact request, the one contacts entry among entries tied ("the consultorio
        phone number in Monza?": the families' contacts, not what a consultorio is)."""
        contacts = [e for e in tied if e.topic == "contatti"]
        return contacts[0] if u.contact and len(contacts) == 1 else None

    @staticmethod
    def _opens_with_place(u: Understanding) -> bool:
        """Whether the message opens with the place ("livigno, lavoro in un hotel")."""
        return u.place is not None and u.folded.startswith(fold(u.place.matched_text))

    @cached_property
    def _ats_name_words(self) -> frozenset[str]:
        """The words of the ATS names ("insubria", "montagna"): they name the office, no topic."""
        return frozenset(
            w
            for ats in getattr(self.places, "ats", {}).values()
            for w in fold(ats.name).split()
            if w not in ATS_NAME_FILLERS
        )

    @cached_property
    def _join_words(self) -> frozenset[str]:
        return frozenset(p for p in self.lexicon.join if " " not in p)

    def _ats_topic(self, u: Understanding, lang: str) -> list[str]:
        """The words of ours besides the office in a message naming an ATS ("members")."""
        skip = self.kb.place_intent_words | OFFICE_TOPIC_WORDS | PLACE_WORDS | self._ats_name_words
        if u.contact:  # "chiamare la ats della brianza, non trovo il numero"
            skip = skip | REQUEST_WORDS
        if address_words(u.folded):
            # "dov'è la sede dell'ATS di Brescia? devo portare dei documenti": its address
            return []
        return [
            w
            for w in self.matcher.content_words(u.folded)
            if w not in skip
            and self.matcher.known(w)
            and specificity(w, lang) >= TOPIC_SPECIFICITY
            and not everyday(w)
        ]

    def _near_office_topic(self, ranked: list[Candidate]) -> bool:
        return any(
            c.score >= ANSWER_THRESHOLD - 20
            and (e := self.kb.entry(c.entry_id)) is not None
            and e.topic in OFFICE_TOPICS
            for c in ranked[:3]
        )

    @cached_property
    def _family_help(self) -> PhraseSet | None:
        rule = self.lexicon.family_contact
        return PhraseSet(rule.cues) if rule is not None else None

    @cached_property
    def _family_help_cues(self) -> tuple[PhraseSet, PhraseSet, PhraseSet] | None:
        rule = self.lexicon.family_help
        if rule is None:
            return None
        return PhraseSet(rule.asks), PhraseSet(rule.family), PhraseSet(rule.working)

    def _asks_help_too(self, u: Understanding) -> bool:
        """A pregnancy or birth told, and help asked besides the ATS ("quale ATS ci segue e c'è
        qualche aiuto per la gravidanza?"): her case, with the ATS as a line."""
        cues = self._family_help_cues
        return u.situation_flow is not None and cues is not None and bool(cues[0].search(u.folded))

    def _family_story_help(self, u: Understanding) -> str | None:
        """The entry on what exists for families, for a family asking whether anything exists
        for it in words no entry matched ("gh'è quaicòss de la regiun per i famili che lavora
        in campagna?"); None for anyone else."""
        rule, cues = self.lexicon.family_help, self._family_help_cues
        if rule is None or cues is None or u.role in ORGANISATION_ROLES or u.measures:
            return None
        asks, family, working = cues
        if asks.search(u.folded) is None or family.search(u.folded) is None:
            return None
        if rule.working_entry and working.search(u.folded) is not None:
            return rule.working_entry
        return rule.entry

    def _family_contact(self, u: Understanding) -> str | None:
        """The families' contacts entry for a family asking whom to contact about help for
        mothers ("numero verde per le mamme in difficoltà?"), when no measure is named."""
        rule, cues = self.lexicon.family_contact, self._family_help
        if rule is None or cues is None or not u.contact or u.measures:
            return None
        if u.role in ORGANISATION_ROLES or not (u.situation_flow or u.folded in cues):
            return None
        return rule.entry

    @cached_property
    def _office_cues(self) -> list[tuple[PhraseSet, str]]:
        return [(PhraseSet(rule.cues), rule.entry) for rule in self.lexicon.office_contacts]

    @cached_property
    def _period_contact(self) -> PhraseSet:
        return PhraseSet(self.lexicon.period_contact)

    def _office_contact(self, u: Understanding) -> str | None:
        """The entry on reaching an office for "come contatto l'ufficio conciliazione
        dell'ATS?": a contact request naming the office, no place, no measure."""
        if not u.contact or u.measures or u.named or u.decree or u.amount:
            return None  # "the number of the regional decision for 2020"
        office = next((entry for cues, entry in self._office_cues if cues.search(u.folded)), None)
        regione = getattr(self.lexicon.measures.get("programme"), "contact", None)
        if u.place is not None or u.ats is not None:
            # "phone number Regione conciliazione please, i call from Como": the Regione's
            # (a family's own case goes to its consultorio: "la regione aiuta? dove vado?")
            mine = u.own_case or u.situation_flow is not None
            return regione if office == regione and not mine else None
        if office is None and u.period is not None and self._period_contact.search(u.folded):
            return regione  # "email for questions on the 2017-2018 plans?": the Regione
        return office if u.period is None or office == regione else None

    @cached_property
    def _pinned_cues(self) -> list[tuple[PhraseSet, PhraseSet, str]]:
        return [(PhraseSet(p.cues), PhraseSet(p.unless), p.entry) for p in self.lexicon.pinned]

    def _pinned(self, u: Understanding) -> str | None:
        """The entry a message asks for outright, whoever writes and wherever ("siamo una
        fondazione di Lecco, possiamo fare da capofila?")."""
        return next(
            (
                entry
                for cues, unless, entry in self._pinned_cues
                if cues.search(u.folded) is not None and unless.search(u.folded) is None
            ),
            None,
        )

    def _asks_territorial_contact(self, u: Understanding) -> bool:
        """ "chi chiamo in Brianza per il time saving?": the ATS there is the contact.

        For the measures whose contact is the territory's (Reti, Alleanze, time saving: their
        contact entry is for organisations, or they have none) a place gives the ATS card.
        """
        # "scuola dell'infanzia di Soresina, a chi ci rivolgiamo per i fondi conciliazione?"
        body = u.role in ORGANISATION_ROLES and PROGRAMME_WORD in u.folded.split()
        if not (u.contact and (u.measures or body)) or u.join or u.own_case or u.amount:
            return False  # "quanto ha ricevuto la sua ATS per la conciliazione?" asks a sum
        if HOW_IT_WORKS.search(u.folded) is not None:
            return False  # "how do we join, whom do we call?" gets the way in, and its ATS
        return all(self._territorial(mid) for mid in u.measures)

    def _territorial(self, measure_id: str, programme: bool = False) -> bool:
        """A measure whose contact is the territory's (Reti, Alleanze, time saving), not a
        family fund's consultorio; with `programme`, the programme too (its contact is the
        Regione's office)."""
        contact = self.lexicon.measures[measure_id].contact
        entry = self.kb.entry(contact) if contact else None
        return (
            entry is None
            or entry.audience == "organisations"
            or (programme and entry.topic == "contatti")
        )

    @staticmethod
    def _own_topic(u: Understanding) -> bool:
        """ "caregiver": a topic of its own, which the ATS card does not answer."""
        return bool(TOPIC_GUARD & set(u.folded.split()))

    def _territorial_topic(self, u: Understanding) -> bool:
        """A place with our programme or a territorial measure, and nothing more precise:
        "ghe l'è un servesse de la conciliazion chi a Vares?" gets the ATS card."""
        if u.place is None or self._own_topic(u):
            return False
        return any(self._territorial(m, programme=True) for m in u.measures) or (
            not u.measures and PROGRAMME_WORD in u.folded.split()
        )

    @cached_property
    def _about_ats(self) -> dict[str, frozenset[str]]:
        """The entries that speak of one ATS or a few ("ATS Brescia: Piano adottato con
        decreto n. 241"), by entry: a question naming that ATS prefers them. Read at the
        first such question (folding every entry costs ~0.1 s, too much for each start)."""
        patterns = self._ats_patterns
        found = {}
        for entry in self.kb.entries:
            text = fold(f"{entry.answer.it} {entry.details.it if entry.details else ''}")
            named = frozenset(ats_id for ats_id, pattern in patterns if pattern.search(text))
            if 0 < len(named) <= MAX_ATS_NAMED:
                found[entry.id] = named
        return found

    @cached_property
    def _ats_acts(self) -> dict[str, frozenset[str]]:
        """The entries with a line naming an ATS and an act of it ("ATS Milano: Piano adottato
        con delibera n. 390"), by entry, even when they list every ATS."""
        found = {}
        for entry in self.kb.entries:
            text = f"{entry.answer.it}\n{entry.details.it if entry.details else ''}"
            lines = [fold(line) for line in _SENTENCES.split(text)]
            named = frozenset(
                ats_id
                for line in lines
                if _ACT_WORDS.search(line)
                for ats_id, pattern in self._ats_patterns
                if pattern.search(line)
            )
            if named:
                found[entry.id] = named
        return found

    @cached_property
    def _ats_patterns(self) -> list[tuple[str, re.Pattern[str]]]:
        patterns = []
        for ats_id, ats in getattr(self.places, "ats", {}).items():
            words = [w for w in fold(ats.name).split() if w not in ATS_NAME_FILLERS]
            names = {" ".join(words), fold(ats_id).replace("-", " ")} - {""}
            alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
            patterns.append(
                (ats_id, re.compile(rf"\bats (?:(?:della|dell|di|del) )?(?:{alternatives})\b"))
            )
        return patterns

    def _asked_ats(self, u: Understanding) -> frozenset[str]:
        if u.ats is not None:
            return frozenset({u.ats})
        if u.place is not None:
            return frozenset(self.places.ats_for_match(u.place))
        return frozenset()

    @staticmethod
    def _without_place(folded: str, place: str) -> str:
        """The message without the place's name and an "abito a" just before it."""
        padded = f" {folded} "
        at = padded.find(f" {place} ")
        if at < 0:
            return folded
        before = LIVES_IN.sub("", padded[: at + 1])
        return f"{before} {padded[at + len(place) + 2 :]}".strip()

    def describe_place(self, place: Any, lang: str) -> Reply:
        return self.places.describe(place, self.texts, lang)
