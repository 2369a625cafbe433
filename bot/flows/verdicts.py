"""The verdict of a check: headline, conditions, amounts, documents, contacts, rules, sources."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from bot.flows.callbacks import DATA_MENU, data_start
from bot.flows.expr import Outcome
from bot.flows.rules import ConditionResult, Verdict
from bot.flows.schema import UNKNOWN, DatedText, Flow, Source
from bot.flows.values import Values, fmt_period
from bot.formatting import format_date
from bot.reply import Button, Reply
from bot.texts import Texts

# Symbols of each condition in the verdict (not verdict markers: those are in rules.MARKERS).
CONDITION_MARKS = {
    Outcome.MET: "✔",
    Outcome.NOT_MET: "✘",
    Outcome.UNKNOWN: "?",
    Outcome.SKIPPED: "–",
}
# Telegram allows 4,096 characters per message; leave room for the door's formatting.
MAX_VERDICT_CHARS = 3900


class Verdicts:
    """Builds the verdict message from the rules' result and the user's answers."""

    def __init__(self, texts: Texts, values: Values) -> None:
        self.texts = texts
        self.values = values

    def t(self, key: str, lang: str, **fields: object) -> str:
        return self.texts.get(key, lang, **fields)

    def ats_lines(
        self, entries: Sequence[tuple[str, Mapping[str, Sequence[str]]]], lang: str
    ) -> list[str]:
        """The ATS to contact: the one of the user's comune, or all candidates, or a pointer."""
        if not entries:
            return [self.t("flows.verdict.ats_generic", lang)]
        lines = [self._ats_line(name, contacts, lang) for name, contacts in entries]
        if len(entries) > 1:
            lines.insert(0, self.t("flows.verdict.ats_uncertain", lang))
        return lines

    def verdict(
        self,
        flow: Flow,
        verdict: Verdict,
        answers: Mapping[str, Any],
        lang: str,
        ats_lines: Sequence[str],
    ) -> Reply:
        conditions = [
            self._condition_line(flow, verdict, result, answers, lang) for result in verdict.results
        ]
        contacts = [f"• {c.get(lang).strip()}" for c in flow.contacts]
        contacts += [f"• {line}" for line in ats_lines]
        sections = [
            self._headline(flow, verdict, answers, lang),
            self._section("flows.verdict.conditions", lang, conditions),
            self._texts_section("flows.verdict.amount", flow.amount, verdict.on, lang),
            self._texts_section("flows.verdict.documents", flow.documents, verdict.on, lang),
            self._texts_section("flows.verdict.notes", flow.notes, verdict.on, lang),
            self._section("flows.verdict.contacts", lang, contacts),
            self._section("flows.verdict.params", lang, self._param_lines(flow, verdict, lang)),
            self._section("flows.verdict.sources", lang, [_source_line(s) for s in flow.sources]),
            self.t("flows.verdict.as_of", lang, date=format_date(flow.as_of, lang)),
        ]
        text = _fit(sections, drop_order=(4, 6))  # "good to know", then "rules applied"
        rows = (
            (Button(self.t("flows.btn.restart", lang), data_start(flow.id)),),
            (Button(self.t("flows.btn.other", lang), DATA_MENU),),
        )
        return Reply(text, status="verdict", lang=lang, entry=flow.id, buttons=rows)

    def _headline(self, flow: Flow, verdict: Verdict, answers: Mapping[str, Any], lang: str) -> str:
        title = flow.title.get(lang)
        failed = self._names(flow, verdict, answers, lang, verdict.failing[:1])
        fields = {
            "failed": failed,
            "title": title,
            "office": flow.decides.get(lang).strip(),
            "as_of": format_date(flow.as_of, lang),
            "year": str(verdict.rules_from.year),
            "from": format_date(verdict.rules_from, lang),
            "closed_on": format_date(flow.closed_on, lang) if flow.closed_on else "",
        }
        kind = "closed" if verdict.closed else verdict.kind
        custom = getattr(flow.headlines, verdict.kind, None) if not verdict.closed else None
        head = (
            self.values.texts_format(custom.get(lang), fields)
            if custom
            else self.t(f"flows.verdict.head.{kind}", lang, **fields)
        )
        reason = self._reason(flow, verdict, answers, lang, kind, fields)
        parts = [f"{verdict.marker} {head}", reason]
        if verdict.closed and flow.after_closure:
            parts.append(flow.after_closure.get(lang).strip())
        extra = [
            r.condition.if_not_met.get(lang).strip()
            for r in verdict.results
            if r.outcome is Outcome.NOT_MET and r.condition and r.condition.if_not_met
        ]
        return "\n".join(parts + extra)

    def _reason(
        self,
        flow: Flow,
        verdict: Verdict,
        answers: Mapping[str, Any],
        lang: str,
        kind: str,
        fields: dict[str, str],
    ) -> str:
        """Why: the failing conditions, or the unknown ones (missing answers vs missing rules)."""
        if kind != "unsure":
            names = self._names(flow, verdict, answers, lang, verdict.failing)
            return self.t(f"flows.verdict.reason.{kind}", lang, names=names, **fields)
        by_answer: list[Any] = []
        by_rule: list[Any] = []
        for result in verdict.results:
            if result.id not in verdict.unknown:
                continue
            answered_unknown = any(answers.get(s) == UNKNOWN for s in result.steps)
            skipped = result.outcome is Outcome.SKIPPED
            if result.was is Outcome.NOT_MET and result.gaps and not answered_unknown:
                continue  # said below, with what the last documented rule required
            (by_answer if answered_unknown or skipped else by_rule).append(result.id)
        parts = []
        if by_answer:
            parts.append(
                self.t(
                    "flows.verdict.reason.unsure",
                    lang,
                    names=self._names(flow, verdict, answers, lang, by_answer),
                )
            )
        if by_rule:
            parts.append(
                self.t(
                    "flows.verdict.reason.undocumented",
                    lang,
                    names=self._names(flow, verdict, answers, lang, by_rule),
                )
            )
        for result in verdict.results:
            if result.was is Outcome.NOT_MET and result.gaps:
                ends = [g for _, g in result.gaps if g is not None]
                last = max(ends, key=lambda g: g.from_)
                until = format_date(last.to, lang) if last.to else format_date(last.from_, lang)
                parts.append(
                    self.t(
                        "flows.verdict.reason.gap_fail",
                        lang,
                        until=until,
                        label=self._result_label(flow, verdict, result, answers, lang),
                    )
                )
        parts.append(self.t("flows.verdict.reason.unsure_end", lang, **fields))
        return " ".join(parts)

    def _names(
        self,
        flow: Flow,
        verdict: Verdict,
        answers: Mapping[str, Any],
        lang: str,
        ids: Sequence[str],
    ) -> str:
        labels = []
        for result in verdict.results:
            if result.id in ids:
                labels.append(self._result_label(flow, verdict, result, answers, lang))
        return "; ".join(labels)

    def _result_label(
        self,
        flow: Flow,
        verdict: Verdict,
        result: ConditionResult,
        answers: Mapping[str, Any],
        lang: str,
    ) -> str:
        if result.condition is None:
            return self.t(
                "flows.verdict.closed_condition",
                lang,
                date=format_date(flow.closed_on, lang) if flow.closed_on else "",
            )
        return self.values.label(flow, result.condition.label, lang, verdict.on, answers)

    def _condition_line(
        self,
        flow: Flow,
        verdict: Verdict,
        result: ConditionResult,
        answers: Mapping[str, Any],
        lang: str,
    ) -> str:
        label = self._result_label(flow, verdict, result, answers, lang)
        if result.condition is None:
            given = self.t("flows.verdict.today", lang, date=format_date(verdict.today, lang))
        elif result.outcome is Outcome.SKIPPED:
            given = self.t("flows.answer.skipped", lang)
        else:
            steps = [flow.step(i) for i in result.steps if i in answers]
            shown = [
                (s.recap.get(lang), self.values.answer(s, answers[s.id], lang)) for s in steps if s
            ]
            if len(shown) == 1:
                given = shown[0][1]
            else:  # several answers: name each one
                given = "; ".join(f"{label}: {value}" for label, value in shown)
            given = given or self.t("flows.answer.skipped", lang)
        line = self.t(
            "flows.verdict.condition",
            lang,
            mark=CONDITION_MARKS[result.outcome],
            label=label,
            answer=given,
        )
        gap = self._gap_note(result, lang)
        return f"{line} {gap}" if gap else line

    def _gap_note(self, result: ConditionResult, lang: str) -> str:
        """'(regola documentata fino al 31 dicembre 2019, non documentata oggi)' for a rule gap."""
        ends = [g for _, g in result.gaps if g is not None]
        if not result.gaps:
            return ""
        if not ends:
            return self.t("flows.verdict.gap_none", lang)
        last = max(ends, key=lambda g: g.from_)
        if last.to is None:
            return self.t("flows.verdict.gap_from", lang, start=format_date(last.from_, lang))
        return self.t("flows.verdict.gap", lang, until=format_date(last.to, lang))

    def _param_lines(self, flow: Flow, verdict: Verdict, lang: str) -> list[str]:
        lines = []
        for name, dated in verdict.params:
            param = flow.parameters[name]
            label = param.label.get(lang)
            if dated is None:
                lines.append(self.t("flows.verdict.param_missing", lang, label=label))
                continue
            value = self.values.param_value(flow, param, dated.value, lang)
            note = f" {dated.note.get(lang).strip()}" if dated.note else ""
            period = fmt_period(dated, self.texts, lang)
            line = self.t(
                "flows.verdict.param", lang, label=label, value=value, period=period, ref=dated.ref
            )
            lines.append(line + note)
        return lines

    def _texts_section(self, key: str, items: Sequence[DatedText], on: date, lang: str) -> str:
        chosen = [item for item in items if item.applies_on(on)]
        if not chosen:
            return ""
        lines = [item.text.get(lang).strip() for item in chosen]
        if len(lines) > 1 or key == "flows.verdict.documents":
            lines = [f"• {line}" for line in lines]
        return self._section(key, lang, lines)

    def _section(self, key: str, lang: str, lines: Sequence[str]) -> str:
        lines = [line for line in lines if line]
        if not lines:
            return ""
        return self.t(key, lang) + "\n" + "\n".join(lines)

    def _ats_line(self, name: str, contacts: Mapping[str, Sequence[str]], lang: str) -> str:
        """'ATS Insubria: pagina …; tel. …' with only the contacts that exist (never '-')."""
        parts = []
        for key in ("page", "website", "phone", "email"):
            if key == "website" and contacts.get("page"):
                continue  # the conciliazione page is on the website already
            values = [v for v in contacts.get(key, ()) if v and v.strip() not in ("-", "None")]
            if values:
                parts.append(self.t(f"flows.verdict.ats_{key}", lang, value=", ".join(values)))
        if not parts:
            return self.t("flows.verdict.ats_bare", lang, name=name)
        return self.t("flows.verdict.ats", lang, name=name, contacts="; ".join(parts))


def _source_line(source: Source) -> str:
    # Seed documents are the programme's own pages: the title is enough for the user.
    return f"• {source.title} — {source.url}" if source.url else f"• {source.title}"


def _fit(sections: list[str], drop_order: tuple[int, ...]) -> str:
    """Join the non-empty sections; if too long, drop the optional ones in `drop_order`, then
    cut (a safety net: the shipped flows stay well under the limit)."""
    sections = list(sections)
    text = "\n\n".join(part for part in sections if part)
    for index in drop_order:
        if len(text) <= MAX_VERDICT_CHARS:
            break
        sections[index] = ""
        text = "\n\n".join(part for part in sections if part)
    return text if len(text) <= MAX_VERDICT_CHARS else text[: MAX_VERDICT_CHARS - 1] + "…"
