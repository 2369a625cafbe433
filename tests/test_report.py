"""The editors' report: unanswered questions clustered with an entry suggested, feedback, usage."""

from __future__ import annotations

import json
import random
import re
import subprocess
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.report import build_report, cluster_questions, redact_identifiers, render_html, run_report
from bot.settings import Settings
from bot.store import QuestionRecord, SQLiteStore
from tests.support import chat, cli_env, make_brain, real_kb, run_cli

CHAT_ID = 739_201_884_015
SVG_NS = 'xmlns="http://www.w3.org/2000/svg"'
ASKED = "dove posso parcheggiare la bicicletta in stazione"
COMMENT = "the amounts for 2026"
JSON_KEYS = {
    "generated_at",
    "retention_days",
    "period",
    "totals",
    "unanswered_clusters",
    "worst_answers",
    "usage",
    "flows",
    "knowledge_problems",
}
CLUSTER_KEYS = {
    "size",
    "label",
    "examples",
    "langs",
    "statuses",
    "first_day",
    "last_day",
    "suggestion",
}


def _run_cli(args: list[str], data_dir: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_cli(["report", *args], env=cli_env(BOT_DATA_DIR=str(data_dir)), cwd=cwd)


@pytest.fixture()
def asked(tmp_path: Path) -> tuple[Path, str]:
    """A data dir where one user asked an unanswerable question (and rated an answer down)."""
    data = tmp_path / "data"
    brain = make_brain(data)
    user = chat(CHAT_ID)
    [reply] = brain.handle_text(user, ASKED)
    assert reply.status == "fallback"
    [answer] = brain.handle_text(user, "what is the nasko fund?")
    brain.handle_button(user, f"fb:-:{answer.entry}")
    brain.handle_text(user, COMMENT)
    key = brain.store.chat_key(CHAT_ID)
    brain.close()
    return data, key


def test_the_question_is_recorded_with_what_editors_need_and_nothing_about_the_user(
    tmp_path: Path,
) -> None:
    brain = make_brain(tmp_path / "data")
    brain.handle_text(chat(CHAT_ID), ASKED)
    [record] = brain.store.questions()
    assert record.text == ASKED and record.norm and record.lang == "it"
    assert record.status == "fallback" and record.day == time.strftime("%Y-%m-%d")
    assert isinstance(record.score, float)
    assert set(record.__dataclass_fields__) == {
        "day",
        "text",
        "norm",
        "lang",
        "status",
        "entry",
        "score",
    }


@pytest.mark.slow  # three report processes
def test_cli_text_json_and_html_show_the_question_and_never_who_asked(
    asked: tuple[Path, str], tmp_path: Path
) -> None:
    data, key = asked
    text = _run_cli([], data, tmp_path)
    assert text.returncode == 0, text.stderr
    assert ASKED in text.stdout and "UNANSWERED" in text.stdout
    assert "closest entry:" in text.stdout
    assert "WORST-RATED" in text.stdout and COMMENT in text.stdout

    as_json = _run_cli(["--json"], data, tmp_path)
    assert as_json.returncode == 0, as_json.stderr
    report = json.loads(as_json.stdout)
    assert set(report) == JSON_KEYS
    [cluster] = report["unanswered_clusters"]
    assert set(cluster) == CLUSTER_KEYS
    assert cluster["label"] == ASKED and cluster["size"] == 1 and cluster["langs"] == {"it": 1}
    assert set(cluster["suggestion"]) == {"entry", "title", "score", "file", "weak"}
    assert real_kb().entry(cluster["suggestion"]["entry"]) is not None
    assert report["totals"]["unanswered"] == 1
    [rated] = report["worst_answers"]
    assert rated["down"] == 1 and rated["comments"][0]["text"] == COMMENT

    page = tmp_path / "report.html"
    html_run = _run_cli(["--html", str(page)], data, tmp_path)
    assert html_run.returncode == 0, html_run.stderr
    html = page.read_text(encoding="utf-8")
    assert ASKED in html and COMMENT in html
    assert 'id="chart-unanswered"' in html and "<svg" in html
    assert "<script" not in html and "http://" not in html.replace(SVG_NS, "")  # offline
    assert len(html) < 100_000

    for output in (text.stdout, as_json.stdout, html):
        assert str(CHAT_ID) not in output and key not in output


def test_missing_data_dir_gives_an_empty_report_and_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "never-used"
    assert run_report(Settings(data_dir=data), html_file=None, as_json=True) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["unanswered_clusters"] == [] and report["totals"]["questions_logged"] == 0
    assert not data.exists()
    assert run_report(Settings(data_dir=data), html_file=None, as_json=False) == 0
    assert "none recorded" in capsys.readouterr().out
    page = tmp_path / "empty.html"
    assert run_report(Settings(data_dir=data), html_file=str(page), as_json=False) == 0
    assert "No usage recorded yet" in page.read_text(encoding="utf-8")


def test_unwritable_html_file_is_an_error_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run_report(
        Settings(data_dir=tmp_path),
        html_file=str(tmp_path / "no" / "such" / "dir.html"),
        as_json=False,
    )
    assert code == 1
    assert "cannot write" in capsys.readouterr().err


def test_an_invalid_knowledge_base_still_gives_a_report_without_suggestions(
    asked: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, _ = asked
    broken = tmp_path / "knowledge"
    (broken / "faq").mkdir(parents=True)
    (broken / "faq" / "x.yaml").write_text("entries: [", encoding="utf-8")
    code = run_report(Settings(data_dir=data, knowledge_dir=broken), html_file=None, as_json=True)
    assert code == 0
    out = capsys.readouterr()
    report = json.loads(out.out)
    assert report["knowledge_problems"] and "validate" in out.err
    [cluster] = report["unanswered_clusters"]
    assert cluster["label"] == ASKED and cluster["suggestion"] is None


def _record(
    text: str, norm: str, lang: str = "it", status: str = "fallback", day: str = "2026-11-01"
) -> QuestionRecord:
    return QuestionRecord(
        day=day, text=text, norm=norm, lang=lang, status=status, entry=None, score=10.0
    )


def test_similar_questions_are_clustered_and_different_ones_are_not() -> None:
    records = [
        _record("come rinnovo il passaporto", "com rinnov passaport"),
        _record("rinnovo passaporto", "rinnov passaport"),
        _record("Rinnovo passaporto!", "rinnov passaport"),
        _record("bonus nido", "bonus nid"),
        _record("il bonus nido come funziona", "bonus nid com funzion"),
        _record("orari della piscina comunale", "orar piscin comunal"),
    ]
    clusters = cluster_questions(records)
    assert [len(c) for c in clusters] == [3, 2, 1]
    assert {r.text for r in clusters[0]} == {
        "come rinnovo il passaporto",
        "rinnovo passaporto",
        "Rinnovo passaporto!",
    }


def test_clusters_carry_examples_languages_and_the_closest_entry(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path)
    brain = make_brain(tmp_path / "brain")
    for question in [
        "nasko quanto dà adesso nel 2026",
        "nasko quanto da adesso 2026",
        "nasko 2026 quanto dà adesso",
    ]:
        result = brain.matcher.match(question)
        store.log_question(question, result.norm, "it", "clarify", None, 50.0)
    store.log_question(
        "how do I renew a passport", "how renew passport", "en", "fallback", None, 5.0
    )
    report = build_report(store, real_kb(), retention_days=90)
    first = report.unanswered_clusters[0]
    assert first.size == 3 and first.langs == {"it": 3} and first.statuses == {"clarify": 3}
    assert len(first.examples) == 3
    assert first.suggestion is not None and first.suggestion.entry.startswith("nasko")
    assert first.suggestion.file and first.suggestion.file.startswith("knowledge/faq/")
    assert report.retention_days == 90 and report.totals["clusters"] == 2
    assert report.totals["unclear"] == 3 and report.totals["unanswered"] == 1


def test_worst_rated_answers_come_first_with_their_comments(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path)
    for entry, vote in [
        ("a-good", 1),
        ("a-good", 1),
        ("a-bad", -1),
        ("a-bad", -1),
        ("a-bad", 1),
        ("a-meh", -1),
    ]:
        feedback_id = store.add_feedback(entry, vote)
    store.set_feedback_comment(feedback_id, "cercavo gli orari")
    report = build_report(store, None)
    assert [(a.entry, a.down, a.up, a.net) for a in report.worst_answers] == [
        ("a-bad", 2, 1, 1),
        ("a-meh", 1, 0, 1),
        ("a-good", 0, 2, -2),
    ]  # equal net: more 👎 first
    assert [c.text for c in report.worst_answers[1].comments] == ["cercavo gli orari"]
    assert report.totals["feedback_up"] == 3 and report.totals["feedback_down"] == 3


def test_usage_per_topic_and_day_and_flows_started_completed_abandoned(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path)
    for kind, key, n in [
        ("topic", "nasko", 5),
        ("topic", "cresco", 2),
        ("status", "fallback", 3),
        ("status", "clarify", 1),
        ("status", "none_of_these", 1),
        ("flow_start", "nasko", 10),
        ("flow_done", "nasko", 6),
        ("flow_cancel", "nasko", 1),
        ("flow_step", "nasko:residenza", 10),
        ("flow_step", "nasko:isee", 8),
        ("flow_step", "nasko:gravidanza", 9),
    ]:
        store.count_event(kind, key, n)
    report = build_report(store, None)
    assert report.per_topic == [{"topic": "nasko", "count": 5}, {"topic": "cresco", "count": 2}]
    [day] = report.per_day
    assert (day.answers, day.fallback, day.clarify, day.none_of_these) == (7, 3, 1, 1)
    assert (day.flows_started, day.flows_completed) == (10, 6)
    [flow] = report.flows
    assert (flow.started, flow.completed, flow.cancelled, flow.abandoned) == (10, 6, 1, 4)
    assert flow.steps == [
        {"step": "residenza", "reached": 10},
        {"step": "gravidanza", "reached": 9},
        {"step": "isee", "reached": 8},
    ]
    html = render_html(report)
    assert "Eligibility checks" in html and "residenza" in html and html.count("<svg") >= 4


def test_steps_follow_the_flow_definition_when_the_flow_is_known(tmp_path: Path) -> None:
    kb = real_kb()
    if not kb.flows:
        pytest.skip("no eligibility flow in the knowledge base yet")
    flow_id, flow = next(iter(kb.flows.items()))
    step_ids = [step.id for step in flow.steps]
    store = SQLiteStore(tmp_path)
    for index, step in enumerate(reversed(step_ids)):
        store.count_event("flow_step", f"{flow_id}:{step}", index + 1)
    [usage] = build_report(store, kb).flows
    assert [s["step"] for s in usage.steps] == step_ids


def test_user_text_is_escaped_in_html_and_identifiers_are_masked(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path)
    store.log_question(
        "<script>alert(1)</script> help", "script alert 1 help", "en", "fallback", None, 0.0
    )
    store.log_question(
        "chiamatemi al 347 9182736 o scrivete a a.b@example.org",
        "chiam 347 9182736",
        "it",
        "fallback",
        None,
        0.0,
    )
    html = render_html(build_report(store, None))
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; help" in html
    assert "9182736" not in html and "a.b@example.org" not in html


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("mail: mario.rossi@gmail.com", "mail: [email]"),
        ("cf RSSMRA85M41F205X grazie", "cf [codice fiscale] grazie"),
        ("IBAN IT60 X054 2811 1010 0000 0123 456", "IBAN [iban]"),
        ("tel +39 333 123 4567", "tel [numero]"),
        (
            "ISEE 20.000 €, nasko 3.000 € dal 01.10.2010",
            "ISEE 20.000 €, nasko 3.000 € dal 01.10.2010",
        ),
    ],
)
def test_redaction_masks_identifiers_but_keeps_amounts_and_dates(raw: str, masked: str) -> None:
    assert redact_identifiers(raw) == masked


# --- a month of ordinary use --------------------------------------------------------------------
# What "ordinary" means here: about 300 questions a day, a fifth of them unclear or unanswered
# (so ~1,800 logged a month, in ~700 distinct wordings), ~60 votes and ~10 comments a day, and
# ~40 eligibility checks started a day over 5 flows.
MONTH_DAYS = 30
_SUBJECTS = [
    "bonus nido",
    "asilo nido",
    "congedo parentale",
    "assegno unico",
    "bonus mamme",
    "permessi legge 104",
    "baby sitter",
    "centri estivi",
    "part time",
    "smart working",
    "dote scuola",
    "bonus affitto",
    "carta dedicata",
    "contributo libri",
    "mensa scolastica",
    "parking",
    "passport",
    "tax return",
    "isee corrente",
    "pre scuola",
    "post scuola",
    "ludoteca",
    "colonia",
    "doposcuola",
    "trasporto scolastico",
]
_FRAMES = [
    "come funziona {s}",
    "quanto spetta per {s}",
    "{s} requisiti",
    "dove chiedo {s}",
    "how do I apply for {s}",
    "{s} scadenza domanda",
    "info {s} {n}",
    "{s} a {c}",
    "posso avere {s} se lavoro",
    "what is {s}",
]
_TOWNS = ["milano", "bergamo", "brescia", "pavia", "lecco", "como", "varese", "monza"]


class MonthOfUse:
    """The store's three reads over a generated month (a `ReportSource`)."""

    def __init__(self, seed: int = 7) -> None:
        rng = random.Random(seed)
        start = datetime(2026, 10, 1)
        self.days = [(start + timedelta(days=i)).strftime("%Y-%m-%d") for i in range(MONTH_DAYS)]
        self._questions: list[QuestionRecord] = []
        self._feedback: list[tuple[str, str, int, str | None]] = []
        self._events: list[tuple[str, str, str, int]] = []
        flows = ["nasko", "cresco", "bonus-famiglia", "time-saving", "aderire"]
        topics = [f"topic-{n}" for n in range(20)]
        for day in self.days:
            for _ in range(60):
                frame, subject = rng.choice(_FRAMES), rng.choice(_SUBJECTS)
                text = frame.format(s=subject, n=rng.randint(1, 30), c=rng.choice(_TOWNS))
                lang = "en" if frame.startswith(("how", "what")) else "it"
                status = rng.choice(["fallback", "fallback", "clarify"])
                self._questions.append(
                    QuestionRecord(day, text, text, lang, status, None, rng.uniform(0, 60))
                )
            for _ in range(60):
                comment = rng.choice([None] * 5 + ["cercavo gli importi del 2026 per il mio caso"])
                self._feedback.append((day, rng.choice(topics), rng.choice([1, 1, -1]), comment))
            for topic in topics:
                self._events.append((day, "topic", topic, rng.randint(1, 25)))
            for status in ("fallback", "clarify", "none_of_these"):
                self._events.append((day, "status", status, rng.randint(5, 40)))
            for flow in flows:
                started = rng.randint(2, 12)
                self._events.append((day, "flow_start", flow, started))
                self._events.append((day, "flow_done", flow, rng.randint(0, started)))
                for step in range(6):
                    self._events.append((day, "flow_step", f"{flow}:step-{step}", started - step))

    def questions(
        self, statuses: tuple[str, ...] = ("fallback", "clarify")
    ) -> list[QuestionRecord]:
        return [q for q in self._questions if q.status in statuses]

    def feedback_rows(self) -> list[tuple[str, str, int, str | None]]:
        return list(self._feedback)

    def events(self, kind: str | None = None) -> list[tuple[str, str, str, int]]:
        return [e for e in self._events if kind is None or e[1] == kind]


def test_a_month_of_ordinary_use_gives_a_small_page_with_every_chart_that_opens_offline(
    tmp_path: Path,
) -> None:
    month = MonthOfUse()
    report = build_report(month, real_kb())
    assert report.totals["questions_logged"] == 60 * MONTH_DAYS
    assert len(report.per_day) == MONTH_DAYS and len(report.flows) == 5
    page = render_html(report)
    size = len(page.encode("utf-8"))
    print(f"\n[report] a month of ordinary use: {size / 1000:.0f} KB of HTML")
    assert size <= 500_000
    for chart in ("unanswered", "feedback", "per-day", "per-topic", "flows", "steps-nasko"):
        assert f'id="chart-{chart}"' in page, chart
    # Every day is a column of the usage chart, and every bar carries its number.
    per_day = page.split('id="chart-per-day"')[1].split("</figure>")[0]
    assert per_day.count("<rect") >= MONTH_DAYS * 3
    assert "Oct 1, 2026 · answers:" in per_day  # English dates for the editors
    assert "<script" not in page and "<link" not in page and "src=" not in page
    assert "2026-10-01" not in page  # no ISO dates for people


def test_a_chart_scales_its_bars_to_the_largest_value(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path)
    store.count_event("topic", "nasko", 40)
    store.count_event("topic", "cresco", 10)
    page = render_html(build_report(store, None))
    topics = page.split('id="chart-per-topic"')[1].split("</figure>")[0]
    widths = [float(w) for w in re.findall(r'<rect x="\d+" y="[\d.]+" width="([\d.]+)"', topics)]
    assert len(widths) == 2 and widths[0] == pytest.approx(4 * widths[1])


@pytest.mark.slow  # a month of questions, clustered
def test_a_month_of_ordinary_use_gives_a_small_offline_page_with_its_charts(tmp_path: Path) -> None:
    from datetime import date, timedelta

    import yaml

    from bot.store import SQLiteStore
    from tests.support import EVAL_DIR

    questions = [
        case["q"]
        for name in ("conversations-dev.yaml", "conversations-dev2.yaml", "dev.yaml")
        for case in yaml.safe_load((EVAL_DIR / name).read_text(encoding="utf-8"))
    ]
    store = SQLiteStore(tmp_path / "data")
    today = date.today()
    rows = [  # about 100 questions a day for 30 days, a fifth of them not answered
        (
            (today - timedelta(days=n % 30)).isoformat(),
            questions[n % len(questions)],
            questions[n % len(questions)].lower(),
            "it",
            "fallback" if n % 5 == 0 else "answer",
            None if n % 5 == 0 else "nasko-what",
            40.0 if n % 5 == 0 else 90.0,
        )
        for n in range(3_000)
    ]
    with store._lock:
        store._conn.executemany(
            "INSERT INTO questions(day, text, norm, lang, status, entry, score) "
            "VALUES(?,?,?,?,?,?,?)",
            rows,
        )
        store._conn.commit()
    page = render_html(build_report(store, real_kb()))
    store.close()
    size = len(page.encode("utf-8"))
    assert size <= 500_000, f"{size} bytes"
    assert "<svg" in page and 'id="chart-unanswered"' in page  # the charts are there
    assert (
        "<script" not in page
        and 'src="http' not in page
        and 'href="http' not in page.split("<body", 1)[0]
    )  # nothing fetched from the network: the page opens offline
