"""Decisions about small talk among other words: a question to the bot about itself, a
courtesy opening a statement, and what signal phrases reveal.

A mixin of bot.answering.Answerer: it uses the answerer's knowledge base, matcher, composer and
understander.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cached_property

from bot.answer_periods import entry_span
from bot.answer_places import PROGRAMME_WORD, everyday
from bot.classifier import Classifier
from bot.compose import Composer
from bot.cues import (
    ASKED_ROUNDABOUT,
    GREETING_FROM,
    INTRO_WORDS,
    INTRODUCTION,
    NEED,
    SQUEEZED_FROM,
    THANKS_FOR,
    gives_own_name,
    without_presence,
)
from bot.entry_classifier import EntryClassifier
from bot.entry_classifier import shipped as shipped_entries
from bot.knowledge import Entry, KnowledgeBase
from bot.lexicon import Lexicon
from bot.matcher import Matcher, specificity
from bot.normalise import fold
from bot.phrases import PhraseSet
from bot.reply import Button, Reply
from bot.smalltalk import CLOSING_ACTS, asks_how_it_is_done
from bot.understanding import Understander, Understanding

# Questions to the bot about itself, read before retrieval from their signal phrases, unless
# another word is a word of ours this specific (bot.matcher.specificity).
SPECIFIC_WORD = 0.6
META_ACTS = frozenset({"who_are_you", "capabilities", "human", "how_are_you", "complaint"})
# The office's own name, which a question to the bot may use too ("sei dell'ATS?").
ATS_WORD = "ats"
# The words a letter's greeting is read in ("Gentilissimi, sono la responsabile ...").
OPENING_WORDS = 3
# Questions about who the bot is, which may name a place in passing ("... from Milan?").
ABOUT_THE_BOT = frozenset({"who_are_you"})
# ... or a chatty introduction: this many words no entry of ours uses, and none of a topic.
CHAT_WORDS = 2
# The lexicon's lists whose phrase decides the reply (its act), in this order.
SAID_BY_PHRASE = (
    ("scope_questions", "capabilities"),
    ("bot_questions", "who_are_you"),
    ("answer_complaints", "complaint"),
    ("greeting_only", "greeting"),
)


def _wider(span: tuple[int, int], than: tuple[int, int]) -> bool:
    """Whether a span of years covers more years than another."""
    return span[1] - span[0] > than[1] - than[0]


class TalkDecisions:
    kb: KnowledgeBase
    matcher: Matcher
    composer: Composer
    understander: Understander
    lexicon: Lexicon
    gate: Classifier | None
    entry_gate: EntryClassifier | None

    def _entry(
        self, entry: Entry, u: Understanding, lang: str, score: float, before: str = ""
    ) -> Reply:
        raise NotImplementedError  # bot.answering.Answerer composes an entry's reply

    def _place_line(
        self, u: Understanding, lang: str
    ) -> tuple[str, tuple[tuple[Button, ...], ...]]:
        raise NotImplementedError  # bot.answer_places.PlaceDecisions names the person's ATS

    def _on_measure(self, entry: Entry | None, measure_ids: tuple[str, ...]) -> bool:
        raise NotImplementedError  # bot.answer_measures.MeasureDecisions knows the topics

    def _entry_model(self) -> EntryClassifier | None:
        limits = self.lexicon.second_opinion
        return shipped_entries() if limits.enabled and limits.entry_swap is not None else None

    def _other_entry(self, u: Understanding, reply: Reply, lang: str) -> Reply | None:
        """Another entry's reply where the entry classifier is very sure it answers instead
        of the one the rules chose (an entry's reply only: not a card, a choice or a summary).
        """
        threshold = self.lexicon.second_opinion.entry_swap
        if self.entry_gate is None or threshold is None or reply.status != "answer":
            return None
        if u.amount and u.contact:
            # "CRESCO: quanto dava e a chi mi rivolgo?": two asks, and the rules chose the entry
            # saying both; a model trained on one entry per message cannot know that.
            return None
        chosen = self.kb.entry(reply.entry or "")
        if chosen is None or chosen.title.get(lang) != reply.title:
            return None
        best, p = self.entry_gate.best(u.text)
        entry = self.kb.entry(best) if p >= threshold and best != chosen.id else None
        if entry is None or not self._keeps_period(u, chosen, entry):
            return None
        span, other_span = entry_span(chosen), entry_span(entry)
        if u.amount and u.period is None and span and other_span and _wider(other_span, span):
            return None  # "bonus famiglia qnt e??? isee 15k": the last edition's amount
        funds = tuple(m for m in u.named if self.lexicon.measures[m].status)
        if funds and self._on_measure(chosen, funds) and not self._on_measure(entry, funds):
            return None  # "un contributo per il cibo del bambino?" named CRESCO: its entry stays
        help_ = self.lexicon.family_help
        if u.situation_flow and help_ and entry.id in (help_.entry, help_.working_entry):
            return None  # a birth told ("twins, she works ... food?"): not what exists for all
        roles = self.lexicon.role_entries.values()
        if chosen.id in roles and entry.id in roles:
            return None  # the rules read who writes: one role's way in is not another's
        rules = {m.eligibility for m in self.lexicon.measures.values()}
        if u.period is None and chosen.id in rules and entry_span(entry) is not None:
            # whether one qualifies, no year asked: the rules for today, not a past edition
            return None
        if u.period is not None and self._office_reached(u, reply) and entry.topic != "contatti":
            return None  # "who do I write to in Regione about the 2025-2027 guidelines?"
        return self._entry(entry, u, lang, reply.score)

    @staticmethod
    def _keeps_period(u: Understanding, chosen: Entry, other: Entry) -> bool:
        """Whether answering with `other` still honours the period asked, if `chosen` did: an
        entry of other years does not answer."""
        period = u.period
        if period is None or period.current:
            return True
        span, other_span = entry_span(chosen), entry_span(other)
        if not (span and period.overlaps(*span)):
            return True
        if other_span is None or not period.overlaps(*other_span):
            return other_span is None  # one bound to no years may answer
        # ... but not one spanning more years than the edition of the years asked ("bonus
        # famiglia 2017: posso averlo se ho l'isee a 19 mila?" is the 2017 edition's)
        return not _wider(other_span, span)

    def _second_opinion(self, u: Understanding, reply: Reply, lang: str) -> Reply | None:
        """The trained classifier's reply where it is very sure the rules are wrong, else None.

        The rules answered a message that names nothing of ours but is small talk ("ma tu sai
        rispondere solo su mamme e bambini o anche altro?") or one that is out of scope; or
        they did not understand ("I don't know") a message that is small talk. A named refusal
        (an emergency, another region, personal data ...) is never changed.
        """
        limits = self.lexicon.second_opinion
        if self.gate is None:
            return self._other_entry(u, reply, lang)
        if reply.status in ("answer", "clarify"):
            opinion = self.gate.opinion(u.text)
            # ... and its likeliest class is a small-talk act, not an answer ("volevo sapere
            # che aiuti ci sono per le mamme grazie" spreads over thanks, greeting, answer)
            if _sure(opinion.smalltalk, limits.answer_to_smalltalk) and opinion.answer < max(
                opinion.probabilities.get(opinion.act, 0.0), opinion.fallback
            ):
                talk = None if self.names_ours(u, lang) else self._talk(opinion.act, u, lang)
                if talk is not None:
                    return talk
            if _sure(opinion.fallback, limits.answer_to_fallback) and not (
                self._keeps_pregnancy.search(u.folded)  # "non voglio abortire ma sono sola"
                or self._office_reached(u, reply)
            ):
                return self.composer.fallback(lang, score=reply.score)
            return self._other_entry(u, reply, lang)
        elif (
            reply.status == "fallback"
            and u.out_of_scope is None  # "how do you say 'thank you' in dialect?" stays refused
            and limits.fallback_to_smalltalk is not None
            and reply.text == self.composer.fallback(lang).text  # the general one, no refusal
        ):
            opinion = self.gate.opinion(u.text)
            if _sure(opinion.smalltalk, limits.fallback_to_smalltalk):
                return self._talk(opinion.act, u, lang)
        return None

    def _vague_choice(self, u: Understanding, lang: str) -> Reply | None:
        """ "contributo?", "quanto mi spetta?", "ho una domanda": the person chooses what about
        (knowledge/understanding.yaml `vague`), before any small talk or refusal."""
        if not u.vague or u.place is not None:
            return None
        entries = [e for eid in u.vague if (e := self.kb.entry(eid)) is not None]
        ranked, _ = self.matcher.read(u.folded)
        score = ranked[0].score if ranked else 0.0
        if u.measure_before is not None:
            # A follow-up in a chat: the option about the measure just talked about.
            topics = self.lexicon.measures[u.measure_before].topics
            about = [e for e in entries if e.topic in topics]
            if len(about) == 1:
                return self.composer.entry_reply(about[0], lang, score)
        return self.composer.clarify(entries, lang, score, u.vague_prompt)

    def _talk(self, act: str, u: Understanding, lang: str) -> Reply | None:
        """The reply to `act`, unless the rules know the message is not that act."""
        if act == "how_are_you" and asks_how_it_is_done(u.text):
            return None  # "come va fatta la domanda?"
        if act in CLOSING_ACTS and u.text.rstrip().endswith("?"):
            return None  # "ok and how long does that one take?": no goodbye ends asking
        return self.composer.smalltalk(act, lang)

    def _smalltalk_first(self, u: Understanding, lang: str) -> Reply | None:
        """Small talk among words that ask nothing of ours: "ma sei un robot o cosa?".

        The reply to the act beats retrieval, which would find some entry for any words,
        when the message names nothing of ours (no measure, place, role, period, situation)
        and its other words are not words of the knowledge base.
        """
        # Lists of the lexicon whose phrase decides the reply whatever else is named: "cosa sai
        # fare oltre al nasko?", "you work for INPS or the Region?", "wrong ATS for Lodi!",
        # "sono di Rho, volevo solo salutarti" (the last two with the town's ATS line).
        for name, act in SAID_BY_PHRASE:
            if self._said[name].search(u.folded) is None:
                continue
            if act == "greeting" and (u.measures or u.vague):
                continue
            if act in ("complaint", "greeting"):
                return self._with_place(act, u, lang)
            return self.composer.smalltalk(act, lang)
        talk = self.understander.smalltalk
        if (
            talk.signal(u.text) == "how_are_you"  # "ho dormito 3 ore col neonato, tu come stai?"
            and u.text.count("?") <= 1
            and not (u.measures or u.amount or u.vague or NEED.search(u.folded))
            # "hey, how are you? I'd like to know how many projects the 2017-2018 plans funded"
            and not (u.period is not None and not u.period.current)
        ):
            return self.composer.smalltalk("how_are_you", lang)
        found = talk.among(u.text, strict=True)
        if found is None:
            return self._signalled(u, lang)
        if found[0] == "help":
            return None
        act, others = found
        signal = talk.signal(u.text) if act == "capabilities" else None
        if signal is not None and signal != "help":
            act = signal  # "mi hai già detto questa cosa": a phrase of its own beats the meta words
        # "chi ti ha programmato, la regione o una ditta?": a role word asks about the bot,
        # and "adesso" names no period.
        role = u.role if act != "who_are_you" else None
        period = u.period if u.period is None or not u.period.current else None
        # "are you some kind of AI assistant from Milan?": a question about the bot names a
        # place in passing (its words are left out below).
        place = u.place if act not in ABOUT_THE_BOT else None
        if act == "human" and place is not None and not (u.measures or role or period or u.ats):
            return self._human_with_place(u, lang)  # "vorrei un essere umano, sono di Treviglio"
        if u.measures or place is not None or role or period or u.situation_flow:
            return None
        if u.place is not None:
            named = set(fold(u.place.matched_text).split())
            others = [w for w in others if fold(w) not in named]
        office = self.kb.place_intent_words if act == "human" else frozenset()
        office |= self.understander.smalltalk.meta_words(act)
        if any(
            self.matcher.known(w) and not everyday(w) and w not in office
            for w in self.matcher.content_words(" ".join(others))
        ):
            return self._signalled(u, lang)  # "chi sei? e il nasko?": a word of ours
        return self.composer.smalltalk(act, lang)

    def _human_with_place(self, u: Understanding, lang: str) -> Reply:
        """Whom to write to, and the line naming the person's ATS with a button to its card."""
        return self._with_place("human", u, lang)

    def _with_place(self, act: str, u: Understanding, lang: str) -> Reply:
        """The reply to `act`, and the line naming the town's ATS with a button to its card."""
        reply = self.composer.smalltalk(act, lang)
        line, buttons = self._place_line(u, lang)
        if not line:
            return reply
        return replace(reply, text=f"{reply.text}\n\n{line}", buttons=(*buttons, *reply.buttons))

    def names_ours(self, u: Understanding, lang: str) -> bool:
        """Whether a message names something of ours: a measure, a place, an ATS, a situation,
        a role, or a specific word of the knowledge base ("consultorio", "domanda" is not).

        Such a message answered by the rules stays answered whatever the classifier thinks:
        "I live in Gallarate" gets the ATS card, "voglio parlare con qualcuno del nasko" the
        NASKO contacts.
        """
        if u.measures or u.place is not None or u.ats is not None or u.situation_flow or u.role:
            return True
        talk = self.understander.smalltalk
        if u.contact and ATS_WORD in u.folded.split() and talk.signal(u.text) is None:
            return True  # "a chi telefono in regione se l'ATS non mi risponde?"
        meta = frozenset().union(*(talk.meta_words(act) for act in META_ACTS))
        return any(
            w not in meta and self.matcher.known(w) and specificity(w, lang) >= SPECIFIC_WORD
            for w in self.matcher.content_words(u.folded)
        )

    def _signalled(self, u: Understanding, lang: str) -> Reply | None:
        """A question to the bot its signal phrases reveal, when no other word is a specific
        word of ours ("aiuto non so da dove cominciare, tu cosa puoi fare per me?")."""
        talk = self.understander.smalltalk
        bare = not (u.measures or u.situation_flow or u.role or u.ats)
        if u.place is not None and bare and PROGRAMME_WORD not in u.folded.split():
            if talk.signal(u.text) == "human":  # "un essere umano, sono di Treviglio"
                return self._human_with_place(u, lang)
        if u.measures or u.place is not None or u.situation_flow:
            return None
        act = talk.signal(u.text)
        if act not in META_ACTS:
            return None
        signal = talk.signal_words(u.text) | talk.meta_words(act)
        if any(
            w not in signal and self.matcher.known(w) and specificity(w, lang) >= SPECIFIC_WORD
            for w in self.matcher.content_words(u.folded)
        ):
            return None
        return self.composer.smalltalk(act, lang)

    def _courtesy_statement(self, u: Understanding, lang: str) -> Reply | None:
        """A greeting, thanks or goodbye with a statement that asks nothing of ours.

        "buonasera, sono il sindaco di Cerveno" introduces a question still to come; "grazie,
        giro la risposta all'ufficio di piano" closes one. Anything asked, any measure,
        situation, own case, amount, period or generic word makes it a question (a contact
        request asks with its own words: "numero", "a chi").
        """
        talk = self.understander.smalltalk
        opening, closing = talk.opening(u.text), talk.closing(u.text)
        # "grazie di tutto, vi riscrivo quando esce l'avviso. a presto!": thanks that say goodbye
        act = closing if (opening, closing) == ("thanks", "bye") else opening or closing
        if act == "ack" and closing is None:
            # "ok grazie tante, ora ho capito meglio": the thanks after the "ok" is what it says
            found = talk.among(u.text)
            closing = found[0] if found is not None else None
        if act == "ack" and closing in ("thanks", "bye"):
            act = closing  # "va bene allora ci sentiamo più avanti, ciao ciao"
        if act in CLOSING_ACTS:
            # "grazie, adesso so a chi chiedere", "sorry must run, the twins woke up. bye!":
            # only a question mark, a measure, a situation or a place reopens the conversation.
            # ... but thanks for what was said about one ("grazie dell'info sul nasko") or from
            # a family telling who it is ("la mia bimba di 2 mesi ringrazia") close it.
            told = THANKS_FOR.search(u.folded) is not None or (
                u.situation_flow is not None and not u.measures and not NEED.search(u.folded)
            )
            if (
                "?" in u.text
                or u.vague
                or u.amount
                or (u.contact and THANKS_FOR.search(u.folded) is not None)  # "... ma a chi scrivo"
                or ((u.measures or u.situation_flow) and not told)
            ):
                return None
            thanked = act == "thanks" and THANKS_FOR.search(u.folded) is not None
            if (
                u.place is not None
                and u.role is None
                and not thanked
                and not self._greets_from(u, act)
            ):
                return None  # "grazie, e a Lodi?" asks; "thx!! greetings from Lecco" does not
            return self.composer.smalltalk(act, lang)
        present = without_presence(u.text)  # "ciao, ci sei?" asks nothing else
        if act is None or (
            self.understander.asks(present, fold(present) if present != u.text else u.folded)
        ):
            return None
        if u.measures or u.amount or u.join or u.period or u.vague:
            return None
        # "salve, mi chiamo Rosaria, sono mamma di due gemelline", "buonasera, scrivo per conto
        # di mia figlia che è incinta": who writes, the question still to come; a need told
        # ("incinta, tanti problemi di soldi") asks.
        told = bool(u.own_case or u.situation_flow) and "?" not in u.text
        told = told and not NEED.search(u.folded)
        if u.situation_flow and not told:
            return None
        if (u.own_case or (u.place is not None and u.role is None)) and not (
            told or self._greets_from(u, act)
        ):
            # "hello from Gallarate" is a greeting and where it comes from, "sono il sindaco
            # di Cerveno" a person introduced; "buongiorno, sono di Lodi e aspetto" a case.
            return None
        if act == "greeting" and u.place is not None:
            return self._with_place(act, u, lang)  # the greeting, and the ATS of where they are
        return self.composer.smalltalk(act, lang)

    def _introduction(self, u: Understanding, lang: str) -> Reply | None:
        """A greeting with who writes and nothing asked yet: greeted back, the question still
        to come (a need told, "sono incinta, tanti problemi di soldi", asks)."""
        talk = self.understander.smalltalk
        first = " ".join(u.text.split()[:OPENING_WORDS])  # a long letter opens too
        if talk.opening(first) not in ("greeting", "thanks") or "?" in without_presence(u.text):
            return None
        if (
            u.measures
            or u.amount
            or u.vague
            or u.join
            or u.contact
            or u.situation_flow
            or (u.period is not None and not u.period.current)  # "per ora mi presento"
            or INTRODUCTION.search(u.folded) is None
            or NEED.search(u.folded) is not None
            or ASKED_ROUNDABOUT.search(u.folded) is not None
            or self.understander.asks(u.text, u.folded)
        ):
            return None
        return self.composer.smalltalk("greeting", lang)

    def _told_in_passing(self, u: Understanding, lang: str) -> Reply | None:
        """The reply to a greeting, thanks, goodbye or "how are you?" that only tells of what
        a category marked `in_courtesy` refuses ("a dopo, devo allattare", "ciao come stai, il
        bimbo non dorme"): a question mark beside anything but "how are you?" asks."""
        rule = self.lexicon.out_of_scope.get(u.out_of_scope or "")
        if rule is None or not rule.in_courtesy:
            return None
        talk = self.understander.smalltalk
        signal = talk.signal(u.text)
        act = "how_are_you" if signal == "how_are_you" else None
        act = act or talk.opening(u.text) or talk.closing(u.text)
        if act is None and signal in ("greeting", "thanks", "bye"):
            act = signal  # "le auguro una buona serata, torno a cucinare"
        if act not in ("greeting", "thanks", "bye", "how_are_you"):
            return None
        if act != "how_are_you" and ("?" in u.text or self.understander.asks(u.text, u.folded)):
            return None
        return self.composer.smalltalk(act, lang)

    def _office_reached(self, u: Understanding, reply: Reply) -> bool:
        """A contact request the rules answered with an office's contacts ("il cellulare del
        responsabile conciliazione di Pavia?": no names, the office): never refused."""
        ours = (
            u.place is not None
            or u.ats is not None
            or u.period is not None  # "a chi scrivo per i dati dei progetti 2014-2016?"
            or PROGRAMME_WORD in u.folded.split()
        )
        entry = self.kb.entry(reply.entry) if u.contact and ours and reply.entry else None
        return entry is not None and entry.topic == "contatti"

    @cached_property
    def _keeps_pregnancy(self) -> PhraseSet:
        """ "non voglio abortire ma sono sola": support answers, whatever the classifier."""
        return PhraseSet(self.lexicon.keeps_pregnancy)

    @cached_property
    def _said(self) -> dict[str, PhraseSet]:
        return {name: PhraseSet(getattr(self.lexicon, name)) for name, _ in SAID_BY_PHRASE}

    def _greets_from(self, u: Understanding, act: str) -> bool:
        """ "good morning from Bergamo", "many thanks from our HR team in Monza", "buongiorno,
        sono la Marisa da Sondrio, prima volta che uso telegram": a greeting, thanks or
        goodbye, where it comes from and who writes, and no word of a topic of ours."""
        if act not in ("greeting", "thanks", "bye") or u.place is None or u.contact or u.join:
            return False  # "... chiede il recapito dell'ATS. Cordiali saluti" asks
        rest = f" {u.folded} ".replace(f" {fold(u.place.matched_text)} ", " ").split()
        # "hiii", "ciaooo": runs of one letter read as one
        words = [
            w
            for w in rest
            if w not in GREETING_FROM and re.sub(r"(.)\1+", r"\1", w) not in SQUEEZED_FROM
        ]
        if not words:
            return bool(rest)
        if (INTRO_WORDS & set(words) or gives_own_name(u.text)) and all(
            w in INTRO_WORDS or len(w) < 3 or everyday(w) or not self.matcher.known(w)
            for w in words
        ):
            return True
        # A chatty introduction ("ciao a te lumachina digitale, sono la Gemma da ..."): words
        # of no entry of ours, and none of a topic; "ciao, sono di Gallarate" says where only.
        unknown = [w for w in words if not self.matcher.known(w)]
        return len(unknown) >= CHAT_WORDS and not any(
            self.matcher.known(w) and not everyday(w) for w in words
        )


def _sure(probability: float, threshold: float | None) -> bool:
    return threshold is not None and probability >= threshold
