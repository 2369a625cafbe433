"""Decisions about measures: which entries are on a measure, its default entry, the boost of
its rules for someone's own case, and the guided check offered with an answer.

A mixin of bot.answering.Answerer: it uses the answerer's knowledge base, lexicon and
understander.
"""

from __future__ import annotations

import re
from datetime import date

from bot.answer_places import ORGANISATION_ROLES
from bot.knowledge import Entry, KnowledgeBase
from bot.lexicon import Lexicon, Measure
from bot.matcher import ANSWER_THRESHOLD, CLARIFY_THRESHOLD, Candidate, Matcher
from bot.normalise import fold
from bot.periods import Period
from bot.understanding import Understander, Understanding

# A candidate on the measure, role or period the person named beats the best one when it is
# at most this many points behind it.
FOCUS_MARGIN = 14.0
# Words asking for a rule other than the amount ("l'isee doveva stare sotto quale cifra?").
ASPECT_WORDS = frozenset("isee residenza residenti residente resident residence documenti".split())
# ... and words asking for a measure's rules: with no year asked, today's (its last) rules.
RULE_WORDS = ASPECT_WORDS | frozenset("requisiti requisito requirements criteri criteria".split())
# ... and scores at least this (a named measure is strong evidence, so below the clarify bar).
FOCUS_FLOOR = CLARIFY_THRESHOLD - 12.0
# Someone asking about their own case: the measure's rules entry gains this many points,
# and as many as the focus margin when they ask whether they can get it ("posso averlo?").
ELIGIBILITY_BOOST = 8.0
# Below FOCUS_FLOOR, an entry on the measure named answers only with this lead on the next.
WEAK_LEAD = 5.0
# The questions of a message, each up to its question mark.
_QUESTIONS = re.compile(r"[^.?!:;\n]*\?")
# The first question's entry counts when the whole message ranks it this high.
FIRST_QUESTION_RANKS = 10
# Organisations that run services for families (not a firm, which a family's story may name):
# asking about their own case, they are offered the way in even beside a families' entry.
SERVICE_ROLES = frozenset({"cooperative", "association", "school", "comune"})


def _fund_or_unguided(measure: Measure) -> bool:
    """A measure with no guided check (national, the programme), or a fund with an amount
    (NASKO, CRESCO, Bonus Famiglia): not a way in for organisations (Reti, Alleanze)."""
    return not measure.flow or measure.amount is not None


# An organisation's question that matched nothing confidently: the best entry for
# organisations answers when it scores this much and leads the next by this margin.
ORGANISATION_FLOOR = FOCUS_FLOOR
ORGANISATION_LEAD = 10.0
# ... asking about its own part, some words of ours suffice (a dialect mayor's few known words).
OWN_PART_FLOOR = CLARIFY_THRESHOLD - 20.0


class MeasureDecisions:
    kb: KnowledgeBase
    lexicon: Lexicon
    matcher: Matcher
    understander: Understander
    _topic_first: dict[str, Entry]

    def _money_in(self, candidate: Candidate, period: Period) -> bool:
        raise NotImplementedError  # bot.answer_periods.PeriodDecisions reads an entry's years

    def _span(self, candidate: Candidate) -> tuple[int, int] | None:
        raise NotImplementedError  # bot.answer_periods.PeriodDecisions reads an entry's years

    def _covers(self, candidate: Candidate) -> set[str]:
        """The measures an entry is about, read from its id and title."""
        entry = self.kb.entry(candidate.entry_id)
        if entry is None:
            return set()
        text = fold(f"{entry.id.replace('-', ' ')} {entry.title.it} {entry.title.en}")
        return set(self.understander.measures_in(text))

    def _together(self, comparable: list[str], ranked: list[Candidate]) -> Candidate | None:
        """Among the best three, an entry about several of the measures named together."""
        return next(
            (
                c
                for c in ranked[:3]
                if c.score >= FOCUS_FLOOR and len(set(comparable) & self._covers(c)) >= 2
            ),
            None,
        )

    def _fits_situation(self, candidate: Candidate, u: Understanding) -> bool:
        """An entry for the situation described: its own, or one on the measure of its check."""
        if candidate.entry_id == u.situation_entry:
            return True
        implied = tuple(m for m, r in self.lexicon.measures.items() if r.flow == u.situation_flow)
        return bool(implied) and self._on_measure(self.kb.entry(candidate.entry_id), implied)

    def _boost_eligibility(self, u: Understanding, ranked: list[Candidate]) -> list[Candidate]:
        """Someone asking about their own case gets the rules unless something fits better."""
        wanted = {
            self.lexicon.measures[m].eligibility
            for m in u.measures
            if self.lexicon.measures[m].eligibility
        }
        boost = FOCUS_MARGIN if u.eligible else ELIGIBILITY_BOOST
        # No year asked, whether one qualifies is asked for today: an edition of past years
        # ("Bonus Famiglia 2017") does not beat the measure's rules ("isee 20 mila, residenti
        # da 7 anni: rientro nel bonus famiglia?").
        editions = 0.0
        if u.period is None and (u.eligible or self._asks_rules(u)):
            editions = max(
                (
                    c.score
                    for c in ranked
                    if c.entry_id not in wanted
                    and (span := self._span(c)) is not None
                    and span[1] < date.today().year
                    and self._on_measure(self.kb.entry(c.entry_id), u.measures)
                ),
                default=0.0,
            )
        boosted = [
            Candidate(c.entry_id, max(c.score + boost, editions + 0.1))
            if c.entry_id in wanted
            else c
            for c in ranked
        ]
        return sorted(boosted, key=lambda c: -c.score)

    @staticmethod
    def _asks_rules(u: Understanding) -> bool:
        """ "bonus famiglia requisiti isee": a measure's rules asked, no year, no sum."""
        return (
            u.period is None
            and bool(u.named)
            and not u.amount
            and bool(RULE_WORDS & set(u.folded.split()))
        )

    def _family_fund(self, candidate: Candidate) -> bool:
        """An entry on a fund only families apply for (NASKO, CRESCO, Bonus Famiglia)."""
        entry = self.kb.entry(candidate.entry_id)
        joining = set(self.lexicon.role_flows.values())
        return entry is not None and any(
            m.flow and m.flow not in joining and (entry.topic in m.topics or entry.id in m.topics)
            for m in self.lexicon.measures.values()
        )

    def _amount_entries(self, u: Understanding) -> set[str | None]:
        return {self.lexicon.measures[m].amount for m in u.measures}

    def _amount_of_measure(
        self, u: Understanding, best: Candidate, pool: list[Candidate], ranked: list[Candidate]
    ) -> Candidate:
        """ "what does CRESCO give?": the measure's amount entry, when it is close (among the first
        ranks too: "x quanto tempo lo pagano?", unless another rule is asked: "isee sotto quale
        cifra?"); for a past year, an entry on the measure that speaks of its money then."""
        wanted = self._amount_entries(u)
        aside = ASPECT_WORDS & set(u.folded.split())
        near = pool if aside else [*pool, *ranked[:FIRST_QUESTION_RANKS]]
        best = next((c for c in near if c.entry_id in wanted), best)
        if u.period is not None and not u.period.current:
            # "nasko nel 2016 quanti soldi?": an entry on it that speaks of 2016.
            best = next(
                (
                    c
                    for c in [best, *ranked[:FIRST_QUESTION_RANKS]]
                    if self._on_measure(self.kb.entry(c.entry_id), u.measures)
                    and self._money_in(c, u.period)
                ),
                best,
            )
        return best

    def _measure_default(
        self,
        u: Understanding,
        ranked: list[Candidate] = (),  # type: ignore[assignment]
    ) -> tuple[Entry, float, str] | None:
        """The best-ranked entry on the measure named, else its rules or its first entry.

        A national measure only hinted at ("la regione me po' da na mano cor nido?") counts as
        named when the best-ranked entry is on it, and the programme alone named in passing
        ("sta conciliazione vita lavoro l'è roba de chi?") too: its default entry answers."""
        named = u.named or tuple(
            m
            for m in u.measures[:1]
            if ranked
            and (
                # a national measure, the programme itself, or a fund named in a typo or in
                # words of its own ("cresco mozhna?"): the best-ranked entry is on it
                (
                    _fund_or_unguided(self.lexicon.measures[m])
                    and self._on_measure(self.kb.entry(ranked[0].entry_id), (m,))
                )
                or (not self.lexicon.measures[m].flow and len(u.measures) == 1)
            )
        )
        if not named:
            return None
        on = [c for c in ranked if self._on_measure(self.kb.entry(c.entry_id), named)]
        amount = self.lexicon.measures[named[0]].amount if u.amount and len(named) == 1 else None
        if amount and (u.period is None or u.period.current) and ranked:
            # "nasko how much month before baby??": its amount, whatever else the story says
            entry = self.kb.entry(amount)
            if entry is not None:
                return entry, (on or ranked)[0].score, ""
        if on and (
            on[0].score >= FOCUS_FLOOR or len(on) == 1 or on[0].score - on[1].score >= WEAK_LEAD
        ):
            entry = self.kb.entry(on[0].entry_id)
            if entry is not None:
                return entry, on[0].score, ""
        # Only the measure's name matched ("nasko a sarnico? la me sorela la ga bisogn"): its
        # rules, not whichever of its entries the other words brushed.
        for mid in named:
            measure = self.lexicon.measures[mid]
            entry = (
                self.kb.entry(measure.eligibility) if measure.eligibility else None
            ) or self._measure_entry(mid)
            if entry is not None:
                return entry, FOCUS_FLOOR, ""
        return None

    def _topic_flow(self, entry: Entry) -> str | None:
        """The guided check of the measure an entry is about ("il cresco c'è ancora?"), offered
        to anyone: whoever asks about a measure may want to check their own case."""
        return next(
            (
                m.flow
                for m in self.lexicon.measures.values()
                if m.flow and (entry.topic in m.topics or entry.id in m.topics)
            ),
            None,
        )

    def _offered_flow(self, entry: Entry, u: Understanding) -> str | None:
        """The guided check to offer with `entry` to someone asking about their own case."""
        return (
            next(
                (self.lexicon.measures[m].flow for m in u.named if self.lexicon.measures[m].flow),
                None,
            )
            or self._topic_flow(entry)
            or (u.situation_flow if entry.audience != "organisations" else None)
            or next(
                (
                    self.lexicon.measures[m].flow
                    for m in u.measures
                    if self.lexicon.measures[m].flow
                ),
                None,
            )
            # "our parish runs summer camps, can we apply?": how an organisation takes part
            # (a firm named in a family's story is no organisation asking)
            or (
                self.lexicon.role_flows.get(u.role or "")
                if entry.audience != "families" or u.role in SERVICE_ROLES
                else None
            )
        )

    # -- helpers ------------------------------------------------------------------------------
    def _audience(self, candidate: Candidate) -> str | None:
        entry = self.kb.entry(candidate.entry_id)
        return entry.audience if entry is not None else None

    def _on_measure(self, entry: Entry | None, measure_ids: tuple[str, ...]) -> bool:
        if entry is None:
            return False
        for mid in measure_ids:
            topics = self.lexicon.measures[mid].topics
            if entry.topic in topics or entry.id in topics:
                return True
        return False

    def _own_topic_of(self, candidate: Candidate, u: Understanding) -> bool:
        """Whether an entry is on the first topic of a measure named (Alleanze's own entries,
        not the joining entries it shares with the Reti)."""
        entry = self.kb.entry(candidate.entry_id)
        return entry is not None and any(
            (topics := self.lexicon.measures[m].topics) and entry.topic == topics[0]
            for m in u.measures
        )

    def _measure_entry(self, measure_id: str) -> Entry | None:
        for topic in self.lexicon.measures[measure_id].topics:
            entry = self.kb.entry(topic) or self._topic_first.get(topic)
            if entry is not None:
                return entry
        return None

    def _first_question(self, u: Understanding, whole: list[Candidate]) -> Candidate | None:
        """In a message asking several things, the entry of the first question, if close.

        "Possiamo essere capofila? E serve un cofinanziamento?": the whole message ranks the
        second topic as high as the first; people expect the first answered first.
        """
        if u.text.count("?") < 2:  # one question found per "?" (a long findall, without)
            return None
        questions = [q for q in _QUESTIONS.findall(u.text) if len(q.split()) >= 3]
        if len(questions) < 2:
            return None
        ranked, _ = self.matcher.read(self.understander.rewrite(fold(questions[0])))
        if not ranked or ranked[0].score < ANSWER_THRESHOLD:
            return None
        near = {c.entry_id: c for c in whole[:FIRST_QUESTION_RANKS]}
        return near.get(ranked[0].entry_id)

    def _organisation_default(self, u: Understanding, ranked: list[Candidate]) -> Entry | None:
        """For an organisation whose question matched nothing confidently, rather than "I don't
        know": the entry for organisations clearly ahead ("Can a parish be lead partner?"), else,
        when it asks about its own part, how its kind of organisation takes part ("associazione
        alpini di Clusone, possiamo dare una mano?"). None for anyone else."""
        if u.role not in ORGANISATION_ROLES or u.out_of_scope is not None or u.act != "question":
            return None
        if self.understander.smalltalk.partial(u.text) is not None:
            return None  # "sono l'assessore di un comune, posso farle qualche domanda?"
        for_orgs = [
            c for c in ranked if (e := self.kb.entry(c.entry_id)) and e.audience != "families"
        ]
        if for_orgs and for_orgs[0].score >= ORGANISATION_FLOOR:
            runner_up = next((c.score for c in ranked if c is not for_orgs[0]), 0.0)
            if for_orgs[0].score - runner_up >= ORGANISATION_LEAD:
                return self.kb.entry(for_orgs[0].entry_id)
        if not (u.join or u.own_case) or not ranked or ranked[0].score < OWN_PART_FLOOR:
            return None  # "bando sport e periferie per l'oratorio?" is another fund's
        mine = self.lexicon.role_entries.get(u.role or "")
        return self.kb.entry(mine) if mine else None
