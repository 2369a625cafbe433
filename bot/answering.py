"""Decide how to answer a question from what was understood (bot/understanding.py).

Order of decisions, each documented in docs/understanding.md:
1. a question we must not answer (emergency, personal data, ...) -> its kind refusal;
2. a place outside Lombardy and none inside -> say so, kindly;
3. retrieval on the message without the place name, then corrections from the entities:
   the period asked is honoured, a measure or an organisation named wins over a broad
   neighbour, a contact request gets the measure's contact entry, several measures get a
   choice between them;
4. a place adds one line "your ATS is X" to a topic answer; a place alone gets the ATS card;
5. someone asking about their own case is offered the guided check;
6. a "did you mean" only between two or more entries; otherwise the short fallback;
7. a second opinion: the trained classifier (bot/classifier.py), when very sure, turns an
   answer into small talk or a refusal, or the short fallback into small talk; the trained
   entry classifier (bot/entry_classifier.py), when very sure, answers with another entry.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.answer_measures import FIRST_QUESTION_RANKS, FOCUS_FLOOR, FOCUS_MARGIN, MeasureDecisions
from bot.answer_periods import PeriodDecisions
from bot.answer_places import ACT_ASKED, ORGANISATION_ROLES, PlaceDecisions
from bot.answer_talk import TalkDecisions
from bot.classifier import shipped
from bot.compose import Composer
from bot.cues import PAYMENT_WAY
from bot.knowledge import Entry, KnowledgeBase
from bot.matcher import (
    ANSWER_THRESHOLD,
    CLARIFY_THRESHOLD,
    Candidate,
    Matcher,
    MatchResult,
    decide,
)
from bot.reply import Reply
from bot.understanding import Understander, Understanding

# An entry of exactly the years asked answers a weak match from this far down the ranking.
EXACT_PERIOD_RANKS = 3
# For long messages, the focus margin (FOCUS_MARGIN) is at least this share of the best score.
FOCUS_SHARE = 0.15
# A situation without a check (juggling work and care) answers a message nothing else
# matched only if the message matched something of ours this well.
SITUATION_FLOOR = 50.0
# Roles that, when named, are the writer's own organisation.
BODY_ROLES = frozenset({"association", "cooperative", "comune", "trade_body"})


@dataclass(frozen=True)
class Answer:
    reply: Reply
    result: MatchResult


class Answerer(PlaceDecisions, PeriodDecisions, MeasureDecisions, TalkDecisions):
    def __init__(
        self, kb: KnowledgeBase, matcher: Matcher, composer: Composer, understander: Understander
    ) -> None:
        self.kb = kb
        self.matcher = matcher
        self.composer = composer
        self.understander = understander
        self.texts = kb.texts
        self.places = kb.places
        self.lexicon = understander.lexicon
        self._role_entry_ids = frozenset(self.lexicon.role_entries.values())
        self.gate = shipped() if self.lexicon.second_opinion.enabled else None
        self.entry_gate = self._entry_model()
        self._topic_first: dict[str, Entry] = {}
        for entry in kb.entries:
            self._topic_first.setdefault(entry.topic, entry)

    # -- the decision -------------------------------------------------------------------------
    def answer(self, u: Understanding, lang: str) -> Answer:
        choice = self._vague_choice(u, lang)  # no second opinion on a vague question
        if choice is not None:
            return Answer(choice, MatchResult("fallback", (), u.folded))
        found = self._by_rules(u, lang)
        second = self._second_opinion(u, found.reply, lang)
        return found if second is None else Answer(second, found.result)

    def _by_rules(self, u: Understanding, lang: str) -> Answer:
        empty = MatchResult("fallback", (), u.folded)
        if u.out_of_scope is not None:
            key = self.understander.reply_key(u.out_of_scope)
            fields = {"place": self.understander.region_named(u.folded).title()}
            told = self._told_in_passing(u, lang)  # "ciao ciao, torno a lavare i biberon"
            return Answer(told or self.composer.refusal(key, lang, **fields), empty)
        if u.outside is not None and u.place is None:
            reply = self.composer.refusal(
                "oos.outside_place",
                lang,
                place=str(getattr(u.outside, "name", u.outside)),
                region=str(getattr(u.outside, "region", "")),
            )
            return Answer(reply, empty)
        if (
            u.ats is not None
            and not u.named
            and (u.period is None or u.period.current)
            and not u.amount  # "quanto ha ricevuto l'ATS di Pavia?" (not "quanti comuni?")
            and not self._ats_topic(u, lang)
        ):
            # "ATS Montagna?" gets its card; "ATS Montagna, how many members?" the answer.
            return Answer(self._card(u, lang), empty)
        early = (
            self._smalltalk_first(u, lang)
            or self._courtesy_statement(u, lang)
            or self._introduction(u, lang)
        )
        if early is not None:
            return Answer(early, empty)
        residual = u.folded
        if u.place is not None:
            residual = self._without_place(u.folded, self._fold(u.place.matched_text))
            also = self.places.find(residual) if self.places is not None else None
            if also is not None and also.kind == "province" and "ats" not in residual.split():
                # "castello dell'acqua valtellina, aiuti alle mamme": the valley too (unless
                # the office is asked about, where the valley is the question)
                residual = self._without_place(residual, self._fold(also.matched_text))
        ranked, norm = self.matcher.read(residual)
        result = decide(ranked, norm)
        if u.place is not None and (
            self._asks_office(residual, u, lang) or self._asks_territorial_contact(u)
        ):
            return Answer(self._card(u, lang), result)
        content = self._content(u, ranked, result, lang)
        if content is not None:
            return Answer(content, result)
        if u.place is not None and self._near_office_topic(ranked) and not self._own_topic(u):
            return Answer(self._card(u, lang), result)
        organisation = self._organisation_default(u, ranked)
        if organisation is not None:
            return Answer(self._entry(organisation, u, lang, result.score), result)
        helping = self._family_story_help(u)
        if helping is not None and (entry := self.kb.entry(helping)) is not None:
            # "mi abiti a Teglio ... gh'è quaicòss de la regiun per i famili?": what exists.
            return Answer(self._entry(entry, u, lang, result.score), result)
        if self._territorial_topic(u):
            # "a Luvér gh'è ü servìse de la conciliasiù?": the ATS there knows.
            return Answer(self._card(u, lang), result)
        # Not a question we can answer, but small talk among other words ("ciao come
        # butta?"): the small-talk reply says more than "I don't know".
        # Or a longer message its signal phrases reveal ("buongiorno! scusi, lei è una persona
        # vera o un programma automatico?", "ttyl, gotta feed the baby").
        if u.contact and u.place is not None:  # "... a Sondalo, con chi parlo?": the ATS there
            return Answer(self._card(u, lang), result)
        talk = self.understander.smalltalk
        act = talk.partial(u.text) or talk.signal(u.text)
        if act is not None and act != "help":
            return Answer(self.composer.smalltalk(act, lang), result)
        return Answer(self.composer.fallback(lang, score=result.score), result)

    def _content(
        self, u: Understanding, ranked: list[Candidate], result: MatchResult, lang: str
    ) -> Reply | None:
        measures = [self.lexicon.measures[m] for m in u.measures]
        comparable = [m for m in u.measures if self.lexicon.measures[m].comparable]
        # Several measures named: an entry about them together, or a choice between them (not
        # the sum spent on them in a year, nor their one contact: "email per reti e alleanze?").
        one_contact = u.contact and len({self.lexicon.measures[m].contact for m in comparable}) == 1
        if u.compare and len(comparable) >= 2 and not (u.amount and u.period or one_contact):
            together = self._together(comparable, ranked)
            if together is not None:
                entry = self.kb.entry(together.entry_id)
                if entry is not None:
                    return self._entry(entry, u, lang, together.score)
            firsts = [self._measure_entry(m) for m in comparable]
            found = [e for e in firsts if e is not None]
            after, extra = self._place_line(u, lang)  # "... we live in Pavia": the ATS too
            if u.own_case:  # "aspetto il primo: NASKO o CRESCO?": a check for each
                flows = [f for m in comparable if (f := self.lexicon.measures[m].flow)]
                extra = (*self.composer.check_buttons(flows, lang), *extra)
            summary = self.composer.summary(found, lang, result.score, after, extra)
            return summary or self.composer.clarify(found, lang, result.score, "compare.text")
        # "whom do I contact about NASKO?": the measure's contact entry ("we'd like to join:
        # what do we sign, and with whom?" gets the way in, with the ATS's contacts).
        # A family juggling work and care asks the ATS or the Comune, not the Regione's office.
        caring = bool(u.situation_entry) and u.situation_flow is None and u.named == ()
        if u.contact and measures and not (u.join and u.role in ORGANISATION_ROLES or caring):
            contact = next((m.contact for m in measures if m.contact), None)
            entry = self.kb.entry(contact) if contact else None
            if u.amount and u.named:
                # "NASKO in Sabbioneta: amount and who to contact": the measure's own entry
                # says both.
                entry = self._measure_entry(u.named[0]) or entry
            if entry is not None:
                return self._entry(entry, u, lang, ranked[0].score if ranked else 100.0)
        family = self._family_contact(u) or self._office_contact(u) or self._pinned(u)
        if family is not None and (entry := self.kb.entry(family)) is not None:
            return self._entry(entry, u, lang, ranked[0].score if ranked else 100.0)
        tie = self._tie(u, ranked)
        if tie is not None and (contacts := self._contacts_among(tie, u)) is not None:
            return self._entry(contacts, u, lang, ranked[0].score)
        if tie is not None:
            return self._clarify(tie, u, lang, ranked[0].score)
        chosen = self._choose(u, ranked, result)
        if chosen is not None:
            entry, score, note = chosen
            return self._entry(entry, u, lang, score, before=note)
        if (
            u.situation_entry
            and not u.measures
            and u.role not in ORGANISATION_ROLES
            and (u.situation_flow or result.score >= SITUATION_FLOOR)
        ):
            # "sono incinta, senza lavoro, come faccio?": the help for that situation (juggling
            # work and care, which has no check, only when our words matched somewhat).
            entry = self.kb.entry(u.situation_entry)
            if entry is not None:
                return self._entry(entry, u, lang, result.score)
        if u.join and (u.role in ORGANISATION_ROLES or u.measures):
            # "sn la segretaria di un asilo, cm ci iscriviamo alla rete??": the way in.
            joining = self.lexicon.role_entries.get(u.role or "") or next(
                (self.lexicon.measures[m].eligibility for m in u.measures), None
            )
            entry = self.kb.entry(joining) if joining else None
            if entry is not None and entry.audience != "families":
                return self._entry(entry, u, lang, result.score)
        if result.status == "clarify":
            entries = [e for c in result.candidates if (e := self.kb.entry(c.entry_id))]
            mine = self.lexicon.role_entries.get(u.role or "") if u.own_case else None
            if mine and all(e.audience == "families" for e in entries):
                # "cooperativa agricola ... le famiglie dei braccianti hanno bisogno di servizi:
                # come ci muoviamo?": no choice among families' entries, its way in
                entry = self.kb.entry(mine)
                if entry is not None:
                    return self._entry(entry, u, lang, result.score)
            kept = [e for e in entries if e.audience != "families"]
            if u.role in ORGANISATION_ROLES and len(kept) == 1 < len(entries):
                return self._entry(kept[0], u, lang, result.score)  # "coop, pre-scuola: soldi?"
            if u.own_case and len({e.topic for e in entries}) == 1:
                # "can our school join?": the entries of one topic; the best one answers.
                return self._entry(entries[0], u, lang, result.score)
            return self._clarify(entries, u, lang, result.score)
        return None

    def _choose(
        self, u: Understanding, ranked: list[Candidate], result: MatchResult
    ) -> tuple[Entry, float, str] | None:
        """The entry to answer with, after honouring the measure, role and period asked."""
        own = u.own_case and u.measures and not u.amount and PAYMENT_WAY.search(u.folded) is None
        if own or self._asks_rules(u):
            # (how it is paid, "me lo danno in contanti?", asks no rules)
            ranked = self._boost_eligibility(u, ranked)
        if not ranked:
            return self._measure_default(u)
        best = ranked[0]
        steered = False  # a described situation chose among close entries
        margin = max(FOCUS_MARGIN, FOCUS_SHARE * best.score)
        pool = [c for c in ranked if c.score >= max(FOCUS_FLOOR, best.score - margin)]
        if u.measures:
            focused = [c for c in pool if self._on_measure(self.kb.entry(c.entry_id), u.measures)]
            if focused:
                best, pool = focused[0], focused
                # "come funziona l'alleanza locale?": an entry of the measure's own topic beats
                # one of a topic it shares (joining) scoring the same.
                best = next(
                    (c for c in focused if c.score >= best.score and self._own_topic_of(c, u)),
                    best,
                )
                if u.amount:
                    best = self._amount_of_measure(u, best, pool, ranked)
            elif (result.status != "answer" or ranked[0].score < ANSWER_THRESHOLD) and (
                u.named or ranked[0].score < CLARIFY_THRESHOLD
            ):
                # The measure is named but no entry on it matched well: its own entries (one
                # only mentioned leaves a fair best entry its chance: "la delibera x le
                # alleanze? quella del 2013").
                return self._measure_default(u, ranked)
            elif u.named:
                # An entry on the measure named beats a broad neighbour ("ho un bar ... i
                # servizi salvatempo che roba è?" is about time saving); the role still counts.
                found = self._measure_default(u, ranked[:FIRST_QUESTION_RANKS])
                if found is not None:
                    best = Candidate(found[0].id, found[1])
                    pool = [best]
        elif u.situation_flow and u.role not in ORGANISATION_ROLES:
            # "sono al quinto mese, posso chiedere qualche aiuto?": the help for that situation
            # (its entry, or entries on the measure of its check) beats another measure's.
            implied = tuple(
                m for m, rule in self.lexicon.measures.items() if rule.flow == (u.situation_flow)
            )
            fitting = [
                c
                for c in pool
                if c.entry_id == u.situation_entry
                or self._on_measure(self.kb.entry(c.entry_id), implied)
            ]
            sure = fitting[:1] == [best] and best.score >= 2 * ANSWER_THRESHOLD  # "NASKO e CRESCO?"
            if u.own_case and u.situation_entry and self.kb.entry(u.situation_entry) and not sure:
                # "aspetto il terzo, isee 9.500: cosa posso chiedere?": the situation's own
                # entry, which offers every check that fits (unless one on its measure is sure)
                best = Candidate(u.situation_entry, best.score)
                pool, steered = fitting or [best], True
            elif fitting:
                best, pool, steered = fitting[0], fitting, True
            elif u.situation_entry and self.kb.entry(u.situation_entry) is not None:
                best = Candidate(u.situation_entry, best.score)
        elif u.situation_entry and u.role not in ORGANISATION_ROLES:
            # "lavoro a turni e mia mamma ha l'alzheimer, c'è qualcosa?": the situation's entry
            # when it is close to the best; it makes no weak match an answer (no check to offer).
            fitting = [c for c in pool if c.entry_id == u.situation_entry]
            if fitting and fitting[0].score >= CLARIFY_THRESHOLD:
                best, steered = fitting[0], True  # it chooses among close entries
        elif u.role in ORGANISATION_ROLES:
            for_orgs = [
                c
                for c in pool
                if (e := self.kb.entry(c.entry_id)) is not None and e.audience != "families"
            ]
            if for_orgs:
                best, pool = for_orgs[0], for_orgs
        if u.role in ORGANISATION_ROLES and self._audience(best) == "families":
            # An organisation is not answered with what a family gets, when something close is
            # for organisations ("abbiamo fondato un'associazione ... da dove partiamo?").
            best = next((c for c in pool if self._audience(c) != "families"), best)
        asked = self._asked_ats(u) if u.local_detail and not u.named else frozenset()
        if asked:
            # "ATS Brescia, piano 2020: che decreto?": among close entries, one about that ATS.
            best = next(
                (c for c in pool if asked & self._about_ats.get(c.entry_id, frozenset())), best
            )
            if u.decree or ACT_ASKED.search(u.folded):
                # "con quale delibera l'ATS di Milano ha approvato il piano?": its act's line.
                best = next(
                    (
                        c
                        for c in ranked[:FIRST_QUESTION_RANKS]
                        if asked & self._ats_acts.get(c.entry_id, frozenset())
                    ),
                    best,
                )
        mine = self.lexicon.role_entries.get(u.role or "")
        if (
            mine
            and (
                best.entry_id in self._role_entry_ids
                or u.join
                # "we are a foundation: can we apply alone?" is not about a family's fund (a
                # firm or a school may be only where someone works or their child goes)
                or (
                    u.role in BODY_ROLES
                    and not (u.measures or u.situation_flow)
                    and self._family_fund(best)
                )
            )
            and (result.status == "answer" or u.join)
            and self.kb.entry(mine) is not None
        ):
            # "la scuola può entrare nell'alleanza?" is not answered with the comune's way.
            best = Candidate(mine, best.score)
        first = self._first_question(u, ranked)
        if (
            first is not None
            and (
                not (on := u.named or (u.measures if u.role in ORGANISATION_ROLES else ()))
                or self._on_measure(self.kb.entry(first.entry_id), on)
            )
            and (not steered or self._fits_situation(first, u))
        ):  # a first question on another measure than the one named (or the situation) does
            # not count
            best = first
        confident = (
            result.status == "answer"
            or best is not ranked[0]
            or ((bool(u.measures) or steered) and best.score >= FOCUS_FLOOR)
            # "a Bergamo quanti euro nel 2021?": the money of a period, ATS by ATS, follows.
            or (
                u.amount
                and u.period is not None
                and (u.place is not None or u.ats is not None)
                and any(c.entry_id in self.lexicon.per_ats_money for c in ranked[:3])
            )
        )
        if not confident:
            numbered = self._numbered(u, ranked)
            if numbered is not None and (entry := self.kb.entry(numbered.entry_id)) is not None:
                return entry, numbered.score, ""
            if u.measures:
                return self._measure_default(u, ranked)
            period = u.period
            if period is not None and not period.current:
                # "quanti fondi per il triennio 2025 2027": an entry of exactly the years asked,
                # among the best, though its words matched weakly.
                exact = next(
                    (
                        c
                        for c in ranked[:EXACT_PERIOD_RANKS]
                        if c.score >= FOCUS_FLOOR and self._span(c) == (period.first, period.last)
                    ),
                    None,
                )
                if exact is None:
                    # ... else the best of years overlapping them (with a sum, if one is asked:
                    # "il piano 2017-2019 complessivamente quanto ha investito?")
                    near = [
                        c
                        for c in ranked[:FIRST_QUESTION_RANKS]
                        if c.score >= FOCUS_FLOOR
                        and (span := self._span(c)) is not None
                        and period.overlaps(*span)
                    ]
                    paid = [c for c in near if self._money_in(c, period)] if u.amount else []
                    exact = max(paid or near, key=lambda c: self._days(c, period), default=None)
                entry = self.kb.entry(exact.entry_id) if exact is not None else None
                if exact is not None and entry is not None:
                    return entry, exact.score, ""
            return None
        if not (asked and asked & self._about_ats.get(best.entry_id, frozenset())):
            best = self._ats_money(u, ranked, best)  # "Bergamo, quanti soldi nel 2020?"
        best = self._across_programmes(u, ranked, best)
        note = ""
        status = self._status_after(u)
        if status is not None:
            # "cresco 2024 c'è?": after its last documented year, whether it still exists.
            return status, best.score, ""
        if (
            u.period is not None
            and not u.period.current
            and self._span(best) is None
            # the amount entry of the measure asked keeps its place ("cresco 2013: quanto?")
            and not (u.amount and best.entry_id in self._amount_entries(u))
        ):
            # "programma 2014-2016 quante alleanze?": an entry of the years asked, ranked at
            # least as high, beats the measure's entry with no years.
            best = next(
                (
                    c
                    for c in ranked[:2]
                    if c.score >= best.score
                    and (span := self._span(c)) is not None
                    and u.period.overlaps(*span)
                ),
                best,
            )
        if u.period is not None and u.period.current:
            best = self._today_instead(u.period, best, ranked[:FIRST_QUESTION_RANKS])
        best = self._edition_instead(u, best, ranked[:FIRST_QUESTION_RANKS])
        if (
            u.period is not None
            and not u.period.current
            # the act of the year asked, though its programme began the year after
            and not (u.decree and u.period.first == u.period.last and self._act_in(best, u.period))
            and not self._dated_event(u, best)
        ):
            best, note = self._for_period(u.period, best, pool, ranked[:FIRST_QUESTION_RANKS])
            if u.amount and self._span(best) is None:
                # "how much was the programme worth in 2017-18?": that period's money.
                best = next(
                    (
                        c
                        for c in ranked[:FIRST_QUESTION_RANKS]
                        if (span := self._span(c))
                        and u.period.overlaps(*span)
                        and (not u.named or self._on_measure(self.kb.entry(c.entry_id), u.named))
                    ),
                    best,
                )
            if not note:  # not an extension's last days of those years
                near = ranked[:FIRST_QUESTION_RANKS]
                best = self._most_of(u.period, best, near, money=u.amount and not u.measures)
            thin = (
                (note or (self._span(best) is None and not self._mentions(best, u.period)))
                and not u.measures
                and self._thin(u)
            )
            if thin or (u.decree and not u.named and u.place is None and u.ats is None):
                # "regole 2020-2023", "delibera 2014-2016": that period's programme.
                programme = self._programme_for(u.period)
                if programme is not None:
                    return programme, best.score, ""
        entry = self.kb.entry(best.entry_id)
        return (entry, best.score, note) if entry is not None else None

    def _entry(
        self, entry: Entry, u: Understanding, lang: str, score: float, before: str = ""
    ) -> Reply:
        note = ""
        if before.startswith("period:"):
            _, asked, label = before.split(":", 2)
            note = self.texts.get("answer.period_missing", lang, asked=asked, period=label)
        measure_flow = self._offered_flow(entry, u)
        after, extra = self._place_line(u, lang)
        # "aspetto il primo: NASKO e CRESCO li posso chiedere?": a check for each one named
        named = (self.lexicon.measures[m].flow for m in u.named) if u.own_case else ()
        return self.composer.entry_reply(
            entry,
            lang,
            score,
            own_case=u.own_case,
            flow=measure_flow if u.own_case else self._topic_flow(entry),
            also=tuple(f for f in named if f),
            before=note,
            after=after,
            extra_buttons=extra,
        )
