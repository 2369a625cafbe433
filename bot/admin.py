"""The editors' loop and the users' privacy: feedback, admin commands, /privacy, /cancellami.

Wired by the Brain (`Brain.admin`), which decides who is an admin (`ChatContext.is_admin`, from
ADMIN_IDS) and routes to this module:
- answers carry 👍 / 👎 buttons (`fb:+:<entry>`, `fb:-:<entry>`); a 👎 asks, optionally, what the
  user was looking for; the vote and the comment are stored with no chat key (anonymous);
- /stats, /unanswered and /reload for admins (`a:` buttons re-check is_admin);
- /privacy explains what is stored; /cancellami asks for confirmation (`x:forget` / `x:keep`)
  and deletes everything stored under the chat, then compacts the database file so the deleted
  rows do not linger in free pages or in the write-ahead log.

No user-facing string lives here: texts are in knowledge/ui/admin.yaml. Nothing here logs a
chat id, and nothing logs message text.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from bot.chat import ChatContext
from bot.formatting import format_date, format_number
from bot.privacy import redact_identifiers
from bot.reply import MAX_BUTTON_DATA_BYTES, Button, Document, Reply
from bot.store import STATE_TTL_DAYS, Store
from bot.texts import LANGS

if TYPE_CHECKING:
    from bot.report import Report
    from bot.services import AdminServices

logger = logging.getLogger(__name__)

Keyboard = tuple[tuple[Button, ...], ...]

MAX_COMMENT_CHARS = 1000
UNANSWERED_DEFAULT = 10
UNANSWERED_MAX = 25
MAX_PROBLEMS_SHOWN = 15
TOP_TOPICS = 5
EXAMPLE_CHARS = 90
# Telegram's limit is 4096 characters per message; keep room for the door's formatting.
MAX_MESSAGE_CHARS = 3800
# The text an operator must replace in knowledge/ui/admin.yaml before going live.
CONTROLLER_PLACEHOLDER = "da completare"


def scrub_deleted_data(store: Store) -> None:
    """Make sure deleted rows are gone from the files, in the background (see Store.compact)."""
    store.request_compaction()


def controller_placeholder_present(texts: Any) -> bool:
    """True while knowledge/ui/admin.yaml does not name the data controller yet (for start-up
    checks: the Telegram door should log a warning when it is true)."""
    return any(CONTROLLER_PLACEHOLDER in texts.get("privacy.controller", lang) for lang in LANGS)


class Admin:
    """Feedback, admin commands and privacy actions for one Brain."""

    def __init__(self, services: AdminServices) -> None:
        self.services = services
        self._store = services.store
        # The bot's Telegram username, set by the Telegram door once getMe has answered;
        # elsewhere BOT_USERNAME (Settings.bot_username) is used for the posters' links.
        self.bot_username: str | None = None

    # Always read the current knowledge: /reload replaces the texts and the knowledge base.
    def _t(self, key: str, lang: str, **fields: object) -> str:
        return str(self.services.knowledge().texts.get(key, lang, **fields))

    def _info(self, key: str, lang: str, buttons: Keyboard = (), **fields: object) -> Reply:
        return Reply(self._t(key, lang, **fields), status="info", lang=lang, buttons=buttons)

    # -- feedback ----------------------------------------------------------------------------
    def feedback_buttons(self, entry_id: str) -> tuple[Button, ...]:
        """One row under an answer: 👍 and 👎 (no row if the id would not fit in 64 bytes)."""
        up, down = f"fb:+:{entry_id}", f"fb:-:{entry_id}"
        if len(down.encode()) > MAX_BUTTON_DATA_BYTES:
            return ()
        return (
            Button(self._t("feedback.button_up", "it"), up),
            Button(self._t("feedback.button_down", "it"), down),
        )

    def handle_button(self, chat: ChatContext, data: str, lang: str) -> list[Reply]:
        """Buttons of the `fb:`, `x:` and `a:` namespaces. Stale or forged data: a polite reply."""
        prefix, _, rest = data.partition(":")
        if prefix == "fb":
            return self._on_feedback(chat, rest, lang)
        if prefix == "x":
            return self._on_privacy(chat, rest, lang)
        if prefix == "a":
            if not chat.is_admin:
                return [self._info("command.unknown", lang)]
            if rest in ("stats", "unanswered"):
                return self.command(chat, rest, "", lang)
            return [self._info("admin.stale", lang)]
        return [self._info("feedback.stale", lang)]

    def _on_feedback(self, chat: ChatContext, rest: str, lang: str) -> list[Reply]:
        if rest == "skip":
            self._clear_feedback_pending(chat)
            return [self._info("feedback.skipped", lang)]
        vote_mark, _, entry_id = rest.partition(":")
        vote = {"+": 1, "-": -1}.get(vote_mark)
        if vote is None or self.services.knowledge().kb.entry(entry_id) is None:
            return [self._info("feedback.stale", lang)]
        feedback_id = self._store.add_feedback(entry_id, vote)
        if vote > 0:
            self._clear_feedback_pending(chat)
            return [self._info("feedback.thanks", lang)]
        flows = self.services.knowledge().flows
        if flows is not None and flows.active(chat.chat_id):
            # During an eligibility check the next message answers the check, not the vote.
            return [self._info("feedback.thanks", lang)]
        # The only link between the chat and the vote, deleted as soon as the comment arrives,
        # on "skip", on /annulla or /cancellami, or by the 7-day purge of stale state.
        self._store.update_state(
            chat.chat_id, "pending", {"kind": "feedback", "id": feedback_id, "entry": entry_id}
        )
        skip = ((Button(self._t("feedback.skip", lang), "fb:skip"),),)
        return [self._info("feedback.ask_comment", lang, buttons=skip)]

    def _clear_feedback_pending(self, chat: ChatContext) -> None:
        pending = (self._store.get_state(chat.chat_id) or {}).get("pending")
        if isinstance(pending, dict) and pending.get("kind") == "feedback":
            self._store.update_state(chat.chat_id, "pending", None)

    def feedback_comment(self, pending: dict[str, Any], text: str, lang: str) -> list[Reply]:
        """The typed answer to "what were you looking for?": stored on the vote, anonymously."""
        feedback_id = pending.get("id")
        if not isinstance(feedback_id, int) or isinstance(feedback_id, bool):
            return [self._info("feedback.stale", lang)]
        comment = redact_identifiers(" ".join(text.split()))[:MAX_COMMENT_CHARS]
        self._store.set_feedback_comment(feedback_id, comment)
        # If the comment is itself a question we can answer (and not with the answer just
        # rated down), answer it: the user should not have to ask twice.
        found = self.services.answer(text, lang)
        entry = self.services.knowledge().kb.entry(found.entry) if found.entry else None
        if found.status == "answer" and entry is not None and entry.id != pending.get("entry"):
            self._store.count_event("topic", entry.topic)
            thanks = "\n\n".join(
                (self._t("feedback.comment_thanks", lang), self._t("feedback.maybe_this", lang))
            )
            return [Reply(thanks, status="info", lang=lang), found]
        return [self._info("feedback.comment_thanks", lang)]

    # -- admin commands ----------------------------------------------------------------------
    def command(self, chat: ChatContext, command: str, args: str, lang: str) -> list[Reply]:
        """/stats, /unanswered [N], /reload, /poster: the brain calls this only for admins."""
        if not chat.is_admin:  # defence in depth: the brain already checked
            return [self._info("command.unknown", lang)]
        if command == "stats":
            return [self._stats(lang)]
        if command == "unanswered":
            return [self._unanswered(args, lang)]
        if command == "reload":
            return [self._reload(lang)]
        if command == "poster":
            return [self._poster(args, lang)]
        return [self._info("command.unknown", lang)]

    def _poster(self, args: str, lang: str) -> Reply:
        """/poster <topic> [it|en] [a4|a6]: the topic's printable PDF, as a document."""
        from bot.posters.build import build_poster, describe
        from bot.posters.layout import SIZES
        from bot.posters.links import PosterError, poster_topics
        from bot.posters.render import PosterUnavailable

        topics = poster_topics(self.services.knowledge().texts)
        words = args.lower().split()
        topic = words[0] if words else ""
        poster_lang = next((w for w in words[1:] if w in LANGS), lang)
        paper = next((w for w in words[1:] if w in SIZES), "a4")
        if topic not in topics:
            return self._info("poster.usage", lang, topics=describe(topics))
        username = self.bot_username or self.services.settings.bot_username
        if not username:
            return self._info("poster.no_username", lang)
        try:
            poster = build_poster(
                self.services.knowledge().kb, topic, poster_lang, username, "pdf", paper
            )
        except PosterUnavailable:
            logger.warning("/poster: the posters extra is not installed")
            return self._info("poster.unavailable", lang)
        except PosterError as exc:
            logger.warning("/poster %s: %s", topic, exc)
            return self._info("poster.usage", lang, topics=describe(topics))
        caption = self._t(
            "poster.caption",
            lang,
            title=poster.content.title,
            size=paper.upper(),
            language=poster_lang,
        )
        return Reply(
            caption,
            status="info",
            lang=lang,
            document=Document(poster.filename, poster.data, poster.mime),
        )

    def _report(self) -> Report:
        from bot.report import build_report  # the report's modules: only when an admin asks

        return build_report(
            self._store,
            self.services.knowledge().kb,
            matcher=self.services.knowledge().matcher,
            retention_days=self._store.retention_days,
        )

    def _stats(self, lang: str) -> Reply:
        report = self._report()
        t = report.totals

        def n(value: int) -> str:
            return format_number(value, lang)

        def day(value: str | None) -> str:
            return format_date(value, lang, "medium") if value else "–"

        top = report.per_topic[:TOP_TOPICS]
        topics = ", ".join(f"{row['topic']} {n(row['count'])}" for row in top)
        text = self._t(
            "admin.stats",
            lang,
            first=day(report.first_day),
            last=day(report.last_day),
            answers=n(t["answers"]),
            clarify=n(t["unclear"]),
            fallback=n(t["unanswered"]),
            clusters=n(t["clusters"]),
            up=n(t["feedback_up"]),
            down=n(t["feedback_down"]),
            comments=n(t["comments"]),
            flows_started=n(t["flows_started"]),
            flows_completed=n(t["flows_completed"]),
            flows_abandoned=n(t["flows_abandoned"]),
            topics=topics or "–",
            days=report.retention_days,
        )
        buttons = ((Button(self._t("admin.button_unanswered", lang), "a:unanswered"),),)
        return Reply(text, status="info", lang=lang, buttons=buttons)

    def _unanswered(self, args: str, lang: str) -> Reply:
        limit = int(args) if args.strip().isdigit() else UNANSWERED_DEFAULT
        limit = max(1, min(limit, UNANSWERED_MAX))
        report = self._report()
        if not report.unanswered_clusters:
            return self._info("admin.unanswered_empty", lang)
        totals = report.totals
        lines = [
            self._t(
                "admin.unanswered_header",
                lang,
                questions=format_number(totals["questions_logged"], lang),
                clusters=format_number(totals["clusters"], lang),
            )
        ]
        for rank, cluster in enumerate(report.unanswered_clusters[:limit], start=1):
            example = cluster.label
            if len(example) > EXAMPLE_CHARS:
                example = example[: EXAMPLE_CHARS - 1] + "…"
            s = cluster.suggestion
            if s is None:
                hint = self._t("admin.unanswered_no_entry", lang)
            elif s.weak:
                hint = self._t(
                    "admin.unanswered_weak",
                    lang,
                    entry=s.entry,
                    score=format_number(s.score, lang, 0),
                )
            else:
                hint = self._t(
                    "admin.unanswered_entry",
                    lang,
                    entry=s.entry,
                    score=format_number(s.score, lang, 0),
                    file=s.file or "knowledge/faq",
                )
            item = self._t(
                "admin.unanswered_item",
                lang,
                rank=rank,
                size=format_number(cluster.size, lang),
                example=example,
                hint=hint,
            )
            if sum(len(line) + 1 for line in lines) + len(item) > MAX_MESSAGE_CHARS:
                break
            lines.append(item)
        lines.append(self._t("admin.unanswered_footer", lang))
        return Reply("\n\n".join(lines), status="info", lang=lang)

    def _reload(self, lang: str) -> Reply:
        problems = self.services.reload()
        if not problems:
            kb = self.services.knowledge().kb
            logger.info("knowledge reloaded: %d entries, %d flows", len(kb.entries), len(kb.flows))
            return self._info(
                "admin.reload_ok",
                lang,
                entries=len(kb.entries),
                flows=len(kb.flows),
                texts=len(kb.texts.keys()),
            )
        logger.warning(
            "knowledge reload refused: %d problem(s); still serving the previous one", len(problems)
        )
        shown = [f"• {problem}" for problem in problems[:MAX_PROBLEMS_SHOWN]]
        if len(problems) > MAX_PROBLEMS_SHOWN:
            more = len(problems) - MAX_PROBLEMS_SHOWN
            shown.append(self._t("admin.reload_more", lang, count=more))
        listing = "\n".join(shown)
        if len(listing) > MAX_MESSAGE_CHARS:
            listing = listing[:MAX_MESSAGE_CHARS] + "…"
        return self._info("admin.reload_failed", lang, count=len(problems), problems=listing)

    # -- privacy -----------------------------------------------------------------------------
    def privacy(self, chat: ChatContext, lang: str) -> list[Reply]:
        """/privacy: what is stored, why, for how long, who is responsible; /cancellami."""
        explained = self._t(
            "privacy.text", lang, days=self._store.retention_days, state_days=STATE_TTL_DAYS
        )
        text = explained + "\n\n" + self._t("privacy.controller", lang)
        buttons = ((Button(self._t("privacy.forget_button", lang), "x:ask"),),)
        return [
            Reply(
                text,
                status="info",
                lang=lang,
                title=self._t("privacy.title", lang),
                buttons=buttons,
            )
        ]

    def ask_forget(self, chat: ChatContext, lang: str) -> list[Reply]:
        """/cancellami: ask for confirmation before deleting anything."""
        buttons = (
            (
                Button(self._t("privacy.confirm_yes", lang), "x:forget"),
                Button(self._t("privacy.confirm_no", lang), "x:keep"),
            ),
        )
        return [self._info("privacy.confirm", lang, buttons=buttons)]

    def _on_privacy(self, chat: ChatContext, action: str, lang: str) -> list[Reply]:
        if action == "ask":
            return self.ask_forget(chat, lang)
        if action == "keep":
            return [self._info("privacy.kept", lang)]
        if action == "forget":
            return [self._forget(chat, lang)]
        return [self._info("privacy.stale", lang)]

    def _forget(self, chat: ChatContext, lang: str) -> Reply:
        state = self._store.get_state(chat.chat_id) or {}
        prefs = self._store.get_prefs(chat.chat_id)
        items = []
        if prefs.get("lang"):
            items.append("privacy.item_lang")
        if prefs.get("comune"):
            items.append("privacy.item_comune")
        if state.get("flow"):
            items.append("privacy.item_flow")
        if state.get("pending"):
            items.append("privacy.item_pending")
        if set(state) - {"flow", "pending"}:
            items.append("privacy.item_state")
        self._store.forget_chat(chat.chat_id)  # scrubs the disk in the background, once
        if self.services.forget_in_memory is not None:
            self.services.forget_in_memory(chat)
        logger.info("a user deleted their data (/cancellami)")
        if not items:
            return self._info("privacy.forgotten_nothing", lang)
        listing = "\n".join(f"• {self._t(key, lang)}" for key in items)
        return self._info("privacy.forgotten", lang, items=listing)
