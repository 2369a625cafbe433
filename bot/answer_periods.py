"""Decisions about periods: which entry's years fit the period asked, and a period's programme.

A mixin of bot.answering.Answerer: it uses the answerer's knowledge base and matcher.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cached_property

from bot.answer_measures import FIRST_QUESTION_RANKS, FOCUS_FLOOR, FOCUS_MARGIN
from bot.answer_places import ORGANISATION_ROLES
from bot.knowledge import Entry, KnowledgeBase
from bot.lexicon import Lexicon
from bot.matcher import ANSWER_THRESHOLD, Candidate, Matcher
from bot.periods import MONTHS, YEAR, id_years
from bot.understanding import Period, Understander, Understanding

# Two entries of different topics this close are a tie: the person chooses ("fondo"?).
TIE_MARGIN = 0.3
# A period question with at most this many other words gets that period's programme.
THIN_WORDS = 3
PROGRAMME_TOPIC = "programmi"
# An entry matched at least this well by the words chose itself: its years need not be its own
# ("chi può fare da capofila nel 2020-2023?": the capofila entry, 91, speaks of each period).
STRONG_MATCH = 90.0
# Another programme entry covering this many times more days of the period asked answers.
MOST_SHARE = 3
# ... and an entry stating a sum answers "how much" for a period if it covers this share of it
# (of a year at most).
MOST_DAYS = 0.5
_ID_YEARS = re.compile(r"20\d\d")
# "Is it still open?" (not "ISEE now 4000"): whether a measure still exists.
_STILL = re.compile(
    r"\b(?:ancora|still|esiste|esistono|exist|exists|open|aperto|aperta|attivo|attiva|active|"
    r"this year|quest anno|anymore|any more|c e ancora|ce ancora)\b"
)
# A sum of money in a line of an entry, and the lines of an entry.
_MONEY = re.compile(r"€|\beuro\b", re.IGNORECASE)
# Words for a sum that, with a period and a place, ask what its ATS had ("ats brianza 2020
# fondi conciliazione").
_FUNDS = re.compile(r"\b(?:fondi|budget|risorse|soldi|finanziamenti|stanziamento|funds|funding)\b")
# An entry on several programmes answers a period over them from this far down the ranking.
ACROSS_RANKS = 3
# A figure as written ("2398", "X/1081/2013", "2.800.000"), and its digits alone.
_FIGURE = re.compile(r"\d+(?:[.,]\d{3})*")
ACT_DIGITS = 3  # a number this long that is no year names an act or a figure
_ACT_WORD = re.compile(r"\b(?:dgr|delibera\w*|decreto|decree|resolution|deliberation|legge|law)\b")
# Four digits alone, not an amount ("2398", not "2.398", "2398 euro"): perhaps an act's number.
_BARE_ACT = re.compile(r"(?<![\d.,€$])\b(\d{4})\b(?![.,]\d)(?!\s*(?:€|euro|eur\b|abitanti))")
_ACT = re.compile(r"\b(?:DGR|delibera|decreto)\b", re.IGNORECASE)
_LINES = re.compile(r"\n|•|(?<=\.)\s+(?=[A-Z])")
# A month before the year ("nel dicembre 2016", "16 12 2016"): the date of an event, not the
# years of a programme.
_MONTH_YEAR = re.compile(
    rf"\b(?:{MONTHS}|\d{{1,2}} \d{{1,2}}|fine|end|late) (?:del |dell |of )?20\d\d\b"
)


def _plain(figure: str) -> str:
    return figure.replace(".", "").replace(",", "")


def entry_span(entry: Entry) -> tuple[int, int] | None:
    """The years an entry's rules belong to, when bounded (from its id and validity)."""
    years = list(id_years(entry.id))
    validity = entry.validity
    if validity is not None and validity.to is not None:
        years.append(validity.to.year)
        if validity.from_ is not None:
            years.append(validity.from_.year)
    return (min(years), max(years)) if years else None


def days_in(entry: Entry, period: Period) -> int:
    """How many days of the period asked an entry's rules cover (validity, else whole years):
    the 2017-2018 programme, extended to 15/01/2020, covers 15 days of 2020."""
    span = entry_span(entry)
    if span is None:
        return 0
    validity = entry.validity
    start = validity.from_ if validity is not None and validity.from_ else date(span[0], 1, 1)
    end = validity.to if validity is not None and validity.to else date(span[1], 12, 31)
    first = max(start, date(period.first, 1, 1))
    last = min(end, date(period.last, 12, 31))
    return max(0, (last - first).days + 1)


class PeriodDecisions:
    kb: KnowledgeBase
    matcher: Matcher
    lexicon: Lexicon
    understander: Understander

    def _span(self, candidate: Candidate) -> tuple[int, int] | None:
        entry = self.kb.entry(candidate.entry_id)
        return entry_span(entry) if entry is not None else None

    def _days(self, candidate: Candidate, period: Period) -> int:
        """How many days of the period asked a candidate's rules cover."""
        entry = self.kb.entry(candidate.entry_id)
        return days_in(entry, period) if entry is not None else 0

    def _thin(self, u: Understanding) -> bool:
        """A message that says little besides its years ("regole 2020-2023")."""
        words = [w for w in self.matcher.content_words(u.folded) if not w.isdigit()]
        return len(words) <= THIN_WORDS

    def _mentions(self, candidate: Candidate, period: Period, strong: bool = True) -> bool:
        """Whether an entry with no years of its own speaks of the period asked.

        "capofila nel 2020-2023?": the capofila entry, which says who could lead in each
        period, answers rather than the 2020-2023 programme.
        """
        entry = self.kb.entry(candidate.entry_id)
        if entry is None or (strong and candidate.score < STRONG_MATCH):
            return False
        text = f"{entry.answer.it} {entry.details.it if entry.details else ''}"
        return all(str(year) in text for year in {period.first, period.last})

    def _dated_event(self, u: Understanding, best: Candidate) -> bool:
        """ "chi ha trasferito le risorse alle ATS nel dicembre 2016?": a dated event that the
        entry matched best states, whatever the years of its rules."""
        period = u.period
        return (
            period is not None
            and _MONTH_YEAR.search(u.folded) is not None
            and self._mentions(best, period)
        )

    def _topic(self, candidate: Candidate) -> str:
        entry = self.kb.entry(candidate.entry_id)
        return entry.topic if entry is not None else ""

    def _ats_money(self, u: Understanding, ranked: list[Candidate], best: Candidate) -> Candidate:
        """ "Bergamo, quanti soldi nel 2020?": that period's money, ATS by ATS."""
        asks = u.amount or (
            u.period is not None
            # "ats della brianza 2020?": an ATS and a year alone ask what it had
            and (_FUNDS.search(u.folded) is not None or (u.ats is not None and self._thin(u)))
        )
        if (
            not asks
            or any(self.lexicon.measures[m].amount for m in u.named)  # a family's sum, not an ATS's
            or u.situation_flow
            # a family's own sum is not the ATS's; an organisation asks what its ATS had
            or (u.own_case and not (u.role in ORGANISATION_ROLES and u.period is not None))
            or (u.place is None and u.ats is None)
        ):
            return best
        money = self.lexicon.per_ats_money
        near = [c for c in ranked[:FIRST_QUESTION_RANKS] if c.entry_id in money]
        period = u.period
        if period is not None:
            # The entry of the years asked (2017: the programme, 2019: its extension), even
            # when the words ranked it lower.
            near += [Candidate(e, best.score) for e in money]
            near = [c for c in near if period.overlaps(*money[c.entry_id])]
            near.sort(
                key=lambda c: (
                    abs(money[c.entry_id][0] - period.first)
                    + abs(money[c.entry_id][1] - period.last)
                )
            )
        return near[0] if near else best

    def _across_programmes(
        self, u: Understanding, ranked: list[Candidate], best: Candidate
    ) -> Candidate:
        """A period over several programmes ("how did the Reti evolve between 2010 and
        2023?") gets the entry on them all: a programme entry with no years of its own that
        names the first and the last year asked."""
        period = u.period
        if period is None or period.current:
            return best
        inside = [s for s in self._programme_spans if period.first <= s[0] and s[1] <= period.last]
        if len(inside) < 2:
            return best
        for candidate in ranked[:ACROSS_RANKS]:
            entry = self.kb.entry(candidate.entry_id)
            if (
                entry is not None
                and entry.topic == PROGRAMME_TOPIC
                and entry_span(entry) is None
                and all(str(y) in entry.answer.it for y in (period.first, period.last))
            ):
                return candidate
        return best

    def _today_instead(self, period: Period, best: Candidate, near: list[Candidate]) -> Candidate:
        """An entry whose years ended before today gives way, for a question about today ("il
        prossimo piano quando parte e quanto vale?"), to a close one of years covering it."""
        span = self._span(best)
        if span is None or span[1] >= period.first:
            return best
        return next(
            (
                c
                for c in near
                if c.score >= FOCUS_FLOOR
                and (other := self._span(c)) is not None
                and period.overlaps(*other)
            ),
            best,
        )

    @cached_property
    def _by_act_number(self) -> dict[str, tuple[str, ...]]:
        """The entries stating each act or figure number ("2398", "13378", "119")."""
        found: dict[str, list[str]] = {}
        for entry in self.kb.entries:
            parts = [entry.answer.it, entry.answer.en]
            if entry.details is not None:
                parts += [entry.details.it, entry.details.en]
            for number in {_plain(n) for n in _FIGURE.findall(" ".join(parts))}:
                found.setdefault(number, []).append(entry.id)
        return {number: tuple(ids) for number, ids in found.items()}

    def _numbered(self, u: Understanding, ranked: list[Candidate]) -> Candidate | None:
        """ "dgr 2398 qnd e uscita??": an act's number (three digits or more, no year) names the
        entries stating it; the best ranked of them answers (or the only one)."""
        if _ACT_WORD.search(u.folded) is not None:
            numbers = {_plain(n) for n in _FIGURE.findall(u.text)}
        else:  # "the 2398 plan was triennial?": a bare act number, written as one
            numbers = set(_BARE_ACT.findall(u.text))
        holders = {
            entry_id
            for number in numbers
            if len(number) >= ACT_DIGITS and not YEAR.fullmatch(number)
            for entry_id in self._by_act_number.get(number, ())
        }
        if not holders:
            return None
        found = next((c for c in ranked[:FIRST_QUESTION_RANKS] if c.entry_id in holders), None)
        if found is None and len(holders) == 1:
            found = Candidate(next(iter(holders)), FOCUS_FLOOR)
        return found

    def _edition_instead(
        self, u: Understanding, best: Candidate, near: list[Candidate]
    ) -> Candidate:
        """ "bonus famiglia 2019: when did applications open?": the status entry says whether a
        measure still exists; for a documented past year, the entry of that year answers."""
        period = u.period
        if period is None or period.current or len(u.named) != 1:
            return best
        if best.entry_id != self.lexicon.measures[u.named[0]].status:
            return best
        return next(
            (
                c
                for c in near
                if self._span(c) == (period.first, period.last)
                and c.entry_id not in self._status_entries
            ),
            best,
        )

    @cached_property
    def _programme_spans(self) -> tuple[tuple[int, int], ...]:  # each programme entry's years
        return tuple(
            span
            for entry in self.kb.entries
            if entry.topic == PROGRAMME_TOPIC and (span := entry_span(entry)) is not None
        )

    @cached_property
    def _status_entries(self) -> frozenset[str]:
        return frozenset(m.status for m in self.lexicon.measures.values() if m.status)

    def _status_after(self, u: Understanding) -> Entry | None:
        """The status entry of a measure asked about "today" or after its documented years."""
        period = u.period
        # "cresco 2024 c'è?": a weak cue with a year names it too (a hint does not)
        named = u.named or self.understander.measures_in(u.folded)
        if period is None or len(named) != 1:
            return None
        measure = self.lexicon.measures[named[0]]
        status = self.kb.entry(measure.status) if measure.status else None
        if status is None:
            return None
        lasts = [
            span[1]
            for entry in self.kb.entries
            if entry.topic in measure.topics and (span := entry_span(entry)) is not None
        ]
        if measure.documented_until is not None:
            lasts.append(measure.documented_until)
        asks_still = period.current and _STILL.search(u.folded) is not None
        # (someone telling their own story "now" asks about the measure, not its status)
        story = period.current and (u.own_case or u.situation_flow is not None)
        if lasts and (asks_still or (period.first > max(lasts) and not story)):
            # "is the Bonus Famiglia still open this year?": whether it still exists
            return status
        return None

    def _money_in(self, candidate: Candidate, period: Period) -> bool:
        """Whether an entry has a sentence with the year asked and a sum of money in it
        ("2016: 849.000 € per il primo semestre")."""
        return self._year_line(candidate, period, _MONEY)

    def _act_in(self, candidate: Candidate, period: Period) -> bool:
        """Whether an entry has a sentence with the year asked and an act in it: the act of
        December 2013 set the 2014-2016 programme ("la delibera x le alleanze del 2013")."""
        return self._year_line(candidate, period, _ACT)

    def _year_line(self, candidate: Candidate, period: Period, pattern: re.Pattern[str]) -> bool:
        entry = self.kb.entry(candidate.entry_id)
        if entry is None:
            return False
        years = {str(period.first), str(period.last)}
        text = f"{entry.answer.it}\n{entry.details.it if entry.details else ''}"
        return any(
            any(y in line for y in years) and pattern.search(line) for line in _LINES.split(text)
        )

    def _most_of(
        self, period: Period, best: Candidate, near: list[Candidate], money: bool = False
    ) -> Candidate:
        """A programme entry covering little of the period asked (an extension's last days)
        gives way to the programme of those years, or a close entry covering most of them:
        "budget 2020-2023" is not the 2017-2018 programme extended to January 2020. Asked how
        much (`money`), one that states a sum beats one that states none."""
        entry = self.kb.entry(best.entry_id)
        if entry is None or entry.topic != PROGRAMME_TOPIC:
            return best
        best = self._fuller(period, best, entry, near)
        return self._with_money(period, best) if money else best

    def _fuller(
        self, period: Period, best: Candidate, entry: Entry, near: list[Candidate]
    ) -> Candidate:
        covered = days_in(entry, period)
        choices = [(c, e) for c in near if (e := self.kb.entry(c.entry_id)) is not None]
        programme = self._programme_for(period)
        if programme is not None:
            choices.append((Candidate(programme.id, best.score), programme))
        fuller = [
            (c, days)
            for c, e in choices
            if e.topic == PROGRAMME_TOPIC and (days := days_in(e, period)) > MOST_SHARE * covered
        ]
        if not covered or not fuller:
            return best
        return max(fuller, key=lambda item: (item[1], item[0].score))[0]

    def _with_money(self, period: Period, best: Candidate) -> Candidate:
        """Asked how much in a period, the programme of those years, when it states a sum,
        beats an entry that states none ("total budget for the 2020-2023 plans": not how the
        plans were made)."""
        if self._states_money(best):
            return best
        programme = self._programme_for(period)
        extra = [Candidate(programme.id, best.score)] if programme is not None else []
        wanted = MOST_DAYS * min(365, (period.last - period.first + 1) * 365)
        return next(
            (
                c
                for c in extra
                if (e := self.kb.entry(c.entry_id)) is not None
                and e.topic == PROGRAMME_TOPIC
                and days_in(e, period) >= wanted
                and self._states_money(c)
            ),
            best,
        )

    def _states_money(self, candidate: Candidate) -> bool:
        entry = self.kb.entry(candidate.entry_id)
        return entry is not None and _MONEY.search(entry.answer.it) is not None

    def _programme_for(self, period: Period) -> Entry | None:
        """The programme entry whose years are closest to the period asked."""
        spans = [
            (entry, span)
            for entry in self.kb.entries
            if entry.topic == PROGRAMME_TOPIC
            and (span := entry_span(entry)) is not None
            and period.overlaps(*span)
        ]
        if not spans:
            return None
        # The programme of exactly those years, else the one that fits them best: covering
        # most of them (2020 is the 2020-2023 programme's, not the 2017-2018 extension's).
        return min(
            spans,
            key=lambda item: (
                abs(item[1][0] - period.first) + abs(item[1][1] - period.last),
                -round(days_in(item[0], period) / 365),  # in years: a few days do not count
                len(item[0].id),
            ),
        )[0]

    def _for_period(
        self,
        period: Period,
        best: Candidate,
        pool: list[Candidate],
        near: list[Candidate] = (),  # type: ignore[assignment]
    ) -> tuple[Candidate, str]:
        """The candidate whose rules belong to the period asked, or the nearest, with a note."""
        spans = {
            c.entry_id: entry_span(e) for c in [*pool, *near] if (e := self.kb.entry(c.entry_id))
        }
        span = spans.get(best.entry_id)
        y, said = date.today().year, self.kb.entry(best.entry_id)
        if span is None and said and best.entry_id in self._status_entries and period.last < y:
            # "tempo libero nel 2020-2023: rientravano?": not today's entry, unless it says them
            if not {str(period.first), str(period.last)} & set(YEAR.findall(said.answer.it)):
                span = spans[best.entry_id] = (y, y)
        if span is not None and period.overlaps(*span):
            # "programma 2023-2025": among close entries, the one of exactly those years.
            topic = self._topic(best)
            fits = [
                c
                for c in [*pool, *near]
                if (s := spans.get(c.entry_id))
                and s == (period.first, period.last)
                # one year: only an entry on the same topic ("bonus famiglia nel 2016")
                and (period.first != period.last or self._topic(c) == topic)
                # whether a measure still exists is no year's rules (its dates end with it)
                and c.entry_id not in self._status_entries
            ]
            if fits and span != (period.first, period.last):
                return fits[0], ""
        if span is None or period.overlaps(*span):
            return best, ""
        for candidate in pool:
            # A close entry of those years, or with no years of its own that speaks of them
            # ("what share did partners co-fund in the 2017-2019 plans?").
            other = spans.get(candidate.entry_id)
            if (other is not None and period.overlaps(*other)) or (
                other is None and self._mentions(candidate, period, strong=False)
            ):
                return candidate, ""
        for candidate in near:
            # "il piano dopo il 2023": an entry of those years, even ranked a little lower.
            other = spans.get(candidate.entry_id)
            if other is not None and period.overlaps(*other):
                return candidate, ""
        dated = [c for c in pool if spans.get(c.entry_id) is not None]

        def distance(c: Candidate) -> int:
            first, last = spans[c.entry_id] or (0, 0)
            return min(abs(period.first - last), abs(period.last - first))

        nearest = min(dated, key=distance)
        first, last = spans[nearest.entry_id] or (0, 0)
        label = str(first) if first == last else f"{first}-{last}"
        return nearest, f"period:{period.label()}:{label}"

    def _tie(self, u: Understanding, ranked: list[Candidate]) -> list[Entry] | None:
        """Entries of different topics scoring the same for a message that names none."""
        if u.measures or u.situation_flow or len(ranked) < 2 or ranked[0].score < ANSWER_THRESHOLD:
            return None  # a measure named or a situation described chooses instead
        if any(c.entry_id == u.situation_entry for c in ranked[:3]):
            return None
        if ranked[0].score - ranked[1].score > TIE_MARGIN:
            return None
        mine = self.lexicon.role_entries.get(u.role or "")
        if mine in (ranked[0].entry_id, ranked[1].entry_id) or (
            # "I'm the HR manager of a company in Bergamo, what can the programme do for our
            # employees?": an organisation's own case, its way in close to the best
            u.own_case
            and any(
                c.entry_id == mine and ranked[0].score - c.score <= FOCUS_MARGIN for c in ranked
            )
        ):
            return None  # "how does a municipality sign the accordo?": the role's own way in
        if u.role in ORGANISATION_ROLES and any(
            (e := self.kb.entry(c.entry_id)) is not None and e.audience == "families"
            for c in ranked[:2]
        ):
            return None  # a nursery asks: what families get is no choice to offer it
        amounts = {m.amount for m in self.lexicon.measures.values()}
        if u.amount and ranked[0].entry_id in amounts and ranked[1].entry_id not in amounts:
            return None  # "food money from region how much?": the amount asked, when it leads
        entries = [e for c in ranked[:6] if (e := self.kb.entry(c.entry_id)) is not None]
        top = entries[0].topic
        if entries[1].topic == top:
            return None
        period = u.period
        if period is not None and not period.current:
            # "il decreto del piano 2020-2023 è il 486?": the years asked choose between them.
            spans = [entry_span(e) for e in entries[:2]]
            of_period = sum(1 for span in spans if span is not None and period.overlaps(*span))
            if of_period == 1:
                return None
            if of_period == 0 and any(
                (span := entry_span(e)) is not None and period.overlaps(*span) for e in entries[2:]
            ):
                # "come sono divisi tra le ATS i fondi 2025 2027?": neither tied entry is of
                # the years asked, a lower one is: the period's entry answers (`_choose`).
                return None
        by_topic: dict[str, Entry] = {}
        for entry, candidate in zip(entries, ranked, strict=False):
            if ranked[0].score - candidate.score <= FOCUS_MARGIN:
                by_topic.setdefault(entry.topic, entry)
        return list(by_topic.values())[:3]
