"""Compose replies that fit a phone: the key fact first, the rest collapsed.

Every content answer is built here: the entry's short answer and a one-line validity note
in `text` (what a person reads first), conditions and sources in `details` (Telegram shows them
in an expandable blockquote, the console after a blank line, `ask --json` as `details`), and
the buttons: start the guided check, related entries, feedback. The lines added from what the
bot understood (the person's ATS, the offer to check their own case, a period note) are short.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from bot.formatting import format_date
from bot.knowledge import Entry, KnowledgeBase
from bot.reply import Button, Reply

Rows = tuple[tuple[Button, ...], ...]


# The key facts of several measures share this many characters of the first message.
SUMMARY_CHARS = 360
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-Ý0-9])")


def key_fact(text: str, room: int) -> str:
    """The sentences of `text` that fit in `room` characters, the one with a figure first."""
    sentences = _SENTENCE_END.split(text.strip())
    chosen = [sentences[0]]
    for sentence in sentences[1:]:
        if len(" ".join([*chosen, sentence])) > room:
            break
        chosen.append(sentence)
    if not any(ch.isdigit() for ch in " ".join(chosen)):
        figure = next((s for s in sentences if any(ch.isdigit() for ch in s)), None)
        if figure is not None and len(figure) <= room:
            chosen = [figure]
    found = " ".join(chosen)
    return found if len(found) <= room else found[: room - 1].rsplit(" ", 1)[0] + "…"


class Composer:
    """Builds the channel-neutral replies of the question-answering path."""

    def __init__(
        self,
        kb: KnowledgeBase,
        flows: Any = None,
        feedback_buttons: Callable[[str], tuple[Button, ...]] | None = None,
    ) -> None:
        self.kb = kb
        self.texts = kb.texts
        self.flows = flows
        self.feedback_buttons = feedback_buttons

    # -- menus ------------------------------------------------------------------------------
    def menu_buttons(self, lang: str) -> Rows:
        t = self.texts.get
        return (
            (
                Button(t("menu.families", lang), "m:families"),
                Button(t("menu.check", lang), "m:check"),
            ),
            (
                Button(t("menu.organisations", lang), "m:orgs"),
                Button(t("menu.contacts", lang), "m:contacts"),
            ),
        )

    # -- answers ----------------------------------------------------------------------------
    def validity_line(self, entry: Entry, lang: str) -> str:
        validity = entry.validity
        t = self.texts.get
        if validity is not None and validity.status == "closed":
            if validity.to:
                return t("answer.validity.closed", lang, date=format_date(validity.to, lang))
            return t("answer.validity.closed_nodate", lang)
        if validity is not None and validity.status == "unknown":
            return t("answer.validity.unknown", lang, year=entry.as_of.year)
        return t("answer.validity.active", lang, date=format_date(entry.as_of, lang))

    def flow_for(self, entry: Entry | None, measure_flow: str | None = None) -> str | None:
        """The guided check an answer can offer, if the flows are loaded."""
        flow = (entry.flow if entry is not None else None) or measure_flow
        if flow and self.flows is not None and flow in self.kb.flows:
            return flow
        return None

    def _checks(
        self, entry: Entry, flow: str | None, lang: str, also: tuple[str, ...] = ()
    ) -> list[tuple[str, str]]:
        """(label, data) of the guided checks an answer offers: one generic button, or each
        named after its check when the entry offers several (`also_flows`, or the other
        measures the person named, `also`)."""
        if not flow:
            return []
        others = dict.fromkeys((*entry.also_flows, *also))
        flows = [flow] + [f for f in others if f != flow and self.flow_for(None, f)]
        if len(flows) == 1:
            return [(self.texts.get("answer.start_flow", lang), f"f:start:{flow}")]
        return [
            (
                self.texts.get(
                    "answer.start_flow_named", lang, title=self.kb.flows[f].title.get(lang)
                ),
                f"f:start:{f}",
            )
            for f in flows
        ]

    def check_buttons(self, flows: list[str], lang: str) -> Rows:
        """A button for each guided check, named after it (a summary of measures the person
        asks about for their own case)."""
        known = [f for f in dict.fromkeys(flows) if self.flow_for(None, f)]
        return tuple(
            (
                Button(
                    self.texts.get(
                        "answer.start_flow_named", lang, title=self.kb.flows[f].title.get(lang)
                    ),
                    f"f:start:{f}",
                ),
            )
            for f in known
        )

    def entry_reply(
        self,
        entry: Entry,
        lang: str,
        score: float = 100.0,
        *,
        own_case: bool = False,
        flow: str | None = None,
        also: tuple[str, ...] = (),
        before: str = "",
        after: str = "",
        extra_buttons: Rows = (),
    ) -> Reply:
        """An entry's answer: key fact, one validity line, short notes; details collapsed."""
        t = self.texts.get
        flow = self.flow_for(entry, flow)
        checks = self._checks(entry, flow, lang, also)
        lines = [before] if before else []
        lines.append(entry.answer.get(lang).strip())
        if own_case and len(checks) > 1:
            lines.append(t("answer.own_case_several", lang))
        elif own_case and flow:
            lines.append(t("answer.own_case", lang))
        if after:
            lines.append(after)
        lines.append(self.validity_line(entry, lang))
        details = [entry.details.get(lang).strip()] if entry.details is not None else []
        sources = entry.sources[:3]
        details.append(t("answer.sources", lang, sources="; ".join(s.title for s in sources)))
        details.append(t("answer.updated", lang, date=format_date(entry.as_of, lang)))
        rows: list[tuple[Button, ...]] = [(Button(label, data),) for label, data in checks]
        rows.extend(extra_buttons)
        for related_id in entry.related:
            related = self.kb.entry(related_id)
            if related is not None:
                rows.append((Button(related.title.get(lang), f"e:{related.id}"),))
        if self.feedback_buttons is not None:
            rows.append(self.feedback_buttons(entry.id))
        return Reply(
            "\n\n".join(lines),
            status="answer",
            lang=lang,
            entry=entry.id,
            score=score,
            title=entry.title.get(lang),
            buttons=tuple(rows),
            details="\n\n".join(d for d in details if d),
            links=tuple((s.title, s.url) for s in sources if s.url),
        )

    def summary(
        self,
        entries: list[Entry],
        lang: str,
        score: float,
        after: str = "",
        extra_buttons: Rows = (),
    ) -> Reply | None:
        """Several measures at once: the key fact of each, and a button to each in full (and
        the line on the person's place, `after`, with its buttons)."""
        unique = list({entry.id: entry for entry in entries}.values())
        if len(unique) < 2:
            return None
        room = SUMMARY_CHARS // len(unique)
        lines = [self.texts.get("compare.summary", lang)]
        lines += [f"• {e.title.get(lang)}: {key_fact(e.answer.get(lang), room)}" for e in unique]
        if after:
            lines.append(after)
        rows = (*extra_buttons, *((Button(e.title.get(lang), f"e:{e.id}"),) for e in unique))
        return Reply(
            "\n\n".join(lines),
            status="answer",
            lang=lang,
            entry=unique[0].id,
            score=score,
            title=self.texts.get("compare.title", lang),
            buttons=rows,
            details="\n\n".join(self.validity_line(e, lang) for e in unique),
        )

    def clarify(
        self,
        entries: list[Entry],
        lang: str,
        score: float,
        key: str,
        after: str = "",
        extra_buttons: tuple[tuple[Button, ...], ...] = (),
    ) -> Reply | None:
        """A "did you mean" between two or more entries; never with a single option (then the
        line on the person's place, `after`, with its buttons)."""
        unique = list({entry.id: entry for entry in entries}.values())
        if len(unique) < 2:
            return None
        rows: list[tuple[Button, ...]] = [(Button(e.title.get(lang), f"e:{e.id}"),) for e in unique]
        rows += [*extra_buttons, (Button(self.texts.get("clarify.none", lang), "n:"),)]
        lines = [self.texts.get(key, lang)] + [f"• {e.title.get(lang)}" for e in unique]
        if after:
            lines += ["", after]
        return Reply(
            "\n".join(lines),
            status="clarify",
            lang=lang,
            score=score,
            buttons=tuple(rows),
            options=tuple((e.id, e.title.get(lang)) for e in unique),
        )

    # -- no answer --------------------------------------------------------------------------
    def fallback(self, lang: str, score: float = 0.0, key: str = "fallback.short") -> Reply:
        return Reply(
            self.texts.get(key, lang),
            status="fallback",
            lang=lang,
            score=score,
            buttons=self.menu_buttons(lang),
        )

    def refusal(self, key: str, lang: str, **fields: str) -> Reply:
        """A named, kind refusal of a question we do not answer."""
        return Reply(
            self.texts.get(key, lang, **fields),
            status="fallback",
            lang=lang,
            buttons=self.menu_buttons(lang),
        )

    def smalltalk(self, act: str, lang: str) -> Reply:
        buttons: Rows = ()
        if act in ("greeting", "who_are_you", "capabilities", "complaint", "how_are_you"):
            buttons = self.menu_buttons(lang)
        elif act == "human":
            buttons = ((Button(self.texts.get("contacts.find_ats", lang), "m:ats"),),)
        return Reply(
            self.texts.get(f"smalltalk.{act}", lang), status="smalltalk", lang=lang, buttons=buttons
        )
