"""Format, category minimums, split and uniqueness of the conversation evaluation sets.

The sets (tests/eval/conversations-dev.yaml, conversations-holdout.yaml, the second
development set conversations-dev2.yaml, the holdouts conversations-holdout2.yaml to
conversations-holdout20.yaml and the development sets conversations-dev3.yaml to
conversations-dev52.yaml) extend the base evaluation format with
dialogue acts, categories, guided-check offers and reply languages; tests/eval/README.md
documents them. These checks keep hand edits honest: a typo in a field, a category that shrinks
below its minimum or a question copied into two files fails here. The category minimums and the
split are computed over the dev + holdout pair; the later development sets and holdouts each have
their own.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.models import SafeLoader  # libyaml's loader when available

EVAL_DIR = Path(__file__).resolve().parent / "eval"
FILES = {
    "dev": "conversations-dev.yaml",
    "holdout": "conversations-holdout.yaml",
    "dev2": "conversations-dev2.yaml",
    "holdout2": "conversations-holdout2.yaml",
    "holdout3": "conversations-holdout3.yaml",
    "dev3": "conversations-dev3.yaml",
    "dev4": "conversations-dev4.yaml",
    "holdout4": "conversations-holdout4.yaml",
    "dev5": "conversations-dev5.yaml",
    "dev6": "conversations-dev6.yaml",
    "dev7": "conversations-dev7.yaml",
    "dev8": "conversations-dev8.yaml",
    "dev9": "conversations-dev9.yaml",
    "dev10": "conversations-dev10.yaml",
    "holdout5": "conversations-holdout5.yaml",
    "dev13": "conversations-dev13.yaml",
    "dev12": "conversations-dev12.yaml",
    "dev11": "conversations-dev11.yaml",
    "holdout6": "conversations-holdout6.yaml",
    "dev15": "conversations-dev15.yaml",
    "holdout7": "conversations-holdout7.yaml",
    "dev14": "conversations-dev14.yaml",
    "dev17": "conversations-dev17.yaml",
    "holdout8": "conversations-holdout8.yaml",
    "dev16": "conversations-dev16.yaml",
    "dev18": "conversations-dev18.yaml",
    "holdout9": "conversations-holdout9.yaml",
    "dev20": "conversations-dev20.yaml",
    "dev19": "conversations-dev19.yaml",
    "dev22": "conversations-dev22.yaml",
    "dev21": "conversations-dev21.yaml",
    "holdout10": "conversations-holdout10.yaml",
    "dev23": "conversations-dev23.yaml",
    "holdout11": "conversations-holdout11.yaml",
    "dev24": "conversations-dev24.yaml",
    "dev25": "conversations-dev25.yaml",
    "holdout12": "conversations-holdout12.yaml",
    "dev26": "conversations-dev26.yaml",
    "dev27": "conversations-dev27.yaml",
    "dev28": "conversations-dev28.yaml",
    "dev29": "conversations-dev29.yaml",
    "dev30": "conversations-dev30.yaml",
    "dev31": "conversations-dev31.yaml",
    "dev32": "conversations-dev32.yaml",
    "dev33": "conversations-dev33.yaml",
    "holdout13": "conversations-holdout13.yaml",
    "dev34": "conversations-dev34.yaml",
    "dev35": "conversations-dev35.yaml",
    "dev36": "conversations-dev36.yaml",
    "holdout14": "conversations-holdout14.yaml",
    "dev37": "conversations-dev37.yaml",
    "dev38": "conversations-dev38.yaml",
    "dev39": "conversations-dev39.yaml",
    "holdout15": "conversations-holdout15.yaml",
    "dev40": "conversations-dev40.yaml",
    "dev41": "conversations-dev41.yaml",
    "holdout16": "conversations-holdout16.yaml",
    "dev42": "conversations-dev42.yaml",
    "dev43": "conversations-dev43.yaml",
    "holdout17": "conversations-holdout17.yaml",
    "dev44": "conversations-dev44.yaml",
    "dev45": "conversations-dev45.yaml",
    "holdout18": "conversations-holdout18.yaml",
    "dev46": "conversations-dev46.yaml",
    "dev47": "conversations-dev47.yaml",
    "holdout19": "conversations-holdout19.yaml",
    "dev48": "conversations-dev48.yaml",
    "dev49": "conversations-dev49.yaml",
    "dev50": "conversations-dev50.yaml",
    "holdout20": "conversations-holdout20.yaml",
    "dev51": "conversations-dev51.yaml",
    "dev52": "conversations-dev52.yaml",
}

KEYS = {"q", "expect", "any", "all", "none", "act", "tags", "offer", "lang"}
REQUIRED = {"q", "expect", "act", "tags"}
EXPECTS = {"answer", "clarify", "fallback", "smalltalk", "any"}
# The acts of knowledge/smalltalk.yaml as the sets name them ("ack" is "confirm"; "help" is a
# menu request, not a case), and "question" for everything else.
_SMALLTALK_YAML = Path(__file__).resolve().parent.parent / "knowledge" / "smalltalk.yaml"
ACTS = {"question", "confirm"} | (
    set(yaml.safe_load(_SMALLTALK_YAML.read_text(encoding="utf-8"))["smalltalk"]) - {"ack", "help"}
)
TAGS = {
    "smalltalk",
    "oos",
    "oos_shared",
    "place_topic",
    "place_only",
    "own_case",
    "contact",
    "narrative",
    "dialect",
    "org",
    "period",
    "english",
    "ambiguous",
    "general",  # a plain question of none of the categories above
}
OFFERS = {"nasko", "cresco", "bonus-famiglia", "time-saving", "aderire"}
LANGS = {"it", "en"}

# Minimum number of cases per category over the dev + holdout pair.
MINIMUMS = {
    "smalltalk": 90,
    "oos": 110,
    "oos_shared": 55,
    "place_topic": 70,
    "place_only": 10,
    "own_case": 70,
    "contact": 45,
    "org": 65,
    "period": 35,
}
MIN_NARRATIVE_OR_DIALECT = 65
MIN_ENGLISH_SMALLTALK = 30
MIN_ENGLISH_SHARE = 0.25
# Every category with at least this many cases is split between these dev shares.
SPLIT_MIN_CASES = 10
DEV_SHARE = (0.45, 0.65)
# The second development set on its own: size and minimum number of cases per category.
DEV2_SIZE = (200, 250)
DEV2_MINIMUMS = {
    "smalltalk": 45,
    "oos": 50,
    "oos_shared": 25,
    "place_topic": 30,
    "own_case": 30,
    "contact": 20,
    "org": 25,
    "period": 15,
}
DEV2_MIN_NARRATIVE_OR_DIALECT = 25
DEV2_MIN_ENGLISH_SMALLTALK = 15
DEV2_MIN_EMERGENCIES = 3
# The second holdout on its own (written later, never tuned on): size and category minimums.
HOLDOUT2_MIN_SIZE = 360
HOLDOUT2_MINIMUMS = {
    "smalltalk": 60,
    "oos": 70,
    "oos_shared": 35,
    "place_topic": 40,
    "place_only": 10,
    "own_case": 40,
    "contact": 30,
    "org": 60,
    "period": 30,
}
HOLDOUT2_MIN_NARRATIVE_OR_DIALECT = 50
HOLDOUT2_MIN_ENGLISH_SMALLTALK = 25
HOLDOUT2_MIN_PER_OFFER = 3
HOLDOUT2_MIN_VAGUE = 4
HOLDOUT2_MIN_EMERGENCIES = 3
# Every small-talk act appears in each later set.
SMALLTALK_ACTS = ACTS - {"question"}


@dataclass(frozen=True)
class Spread:
    """What a later set must hold on its own (written blind, checked here as edited)."""

    size: int
    minimums: dict[str, int]
    narrative_or_dialect: int
    english_smalltalk: int
    english_share: float
    per_offer: int
    emergencies: int
    abortion: int
    per_act: dict[str, int] = field(default_factory=dict)
    inps: int = 0  # in-scope answers about national measures that must name INPS


def _inbox(size: int) -> Spread:
    """A holdout with a real inbox's mix (holdout12 onwards): the same minimums, its own size."""
    return Spread(
        size=size,
        minimums={
            "smalltalk": 100,
            "oos": 110,
            "oos_shared": 75,
            "place_topic": 220,
            "place_only": 20,
            "own_case": 170,
            "contact": 55,
            "org": 120,
            "period": 120,
            "ambiguous": 6,
        },
        narrative_or_dialect=80,
        english_smalltalk=45,
        english_share=0.34,
        per_offer=15,
        emergencies=6,
        abortion=5,
        per_act={act: 11 for act in SMALLTALK_ACTS},
        inps=25,
    )


SPREADS = {
    # The third holdout (written blind, never tuned on).
    "holdout3": Spread(
        size=420,
        minimums={
            "smalltalk": 85,
            "oos": 100,
            "oos_shared": 55,
            "place_topic": 65,
            "place_only": 12,
            "own_case": 65,
            "contact": 45,
            "org": 65,
            "period": 35,
            "ambiguous": 4,
        },
        narrative_or_dialect=65,
        english_smalltalk=35,
        english_share=0.30,
        per_offer=4,
        emergencies=4,
        abortion=3,
    ),
    # The third development set (written blind, tuned on): the weakest acts get the most.
    "dev3": Spread(
        size=450,
        minimums={
            "smalltalk": 110,
            "oos": 110,
            "oos_shared": 60,
            "place_topic": 70,
            "place_only": 15,
            "own_case": 70,
            "contact": 45,
            "org": 80,
            "period": 50,
            "ambiguous": 5,
        },
        narrative_or_dialect=70,
        english_smalltalk=45,
        english_share=0.33,
        per_offer=5,
        emergencies=5,
        abortion=3,
        per_act={
            "who_are_you": 15,
            "capabilities": 20,
            "complaint": 15,
            "confirm": 10,
            "human": 10,
        },
    ),
    # The fourth development set (written blind, tuned on): organisations, periods, places.
    "dev4": Spread(
        size=450,
        minimums={
            "org": 110,
            "period": 80,
            "place_topic": 90,
            "place_only": 15,
            "own_case": 60,
            "contact": 40,
            "smalltalk": 50,
            "oos": 60,
            "oos_shared": 35,
            "ambiguous": 3,  # three more were also in dev3, written at the same time
        },
        narrative_or_dialect=80,
        english_smalltalk=20,
        english_share=0.30,
        per_offer=5,
        emergencies=3,
        abortion=2,
    ),
    # The fourth holdout (written blind, never tuned on).
    "holdout4": Spread(
        size=500,
        minimums={
            "smalltalk": 90,
            "oos": 105,
            "oos_shared": 60,
            "place_topic": 70,
            "place_only": 12,
            "own_case": 70,
            "contact": 45,
            "org": 70,
            "period": 40,
            "ambiguous": 4,
        },
        narrative_or_dialect=70,
        english_smalltalk=38,
        english_share=0.30,
        per_offer=4,
        emergencies=4,
        abortion=3,
        per_act={act: 6 for act in SMALLTALK_ACTS},
        inps=8,
    ),
    # The fifth development set (written blind, tuned on): narratives and dialect, meta small
    # talk, one ATS's figures or plan, history and background questions.
    "dev5": Spread(
        size=520,
        minimums={
            "smalltalk": 90,
            "oos": 62,
            "oos_shared": 36,
            "place_topic": 180,
            "place_only": 10,
            "own_case": 95,
            "contact": 38,
            "org": 75,
            "period": 100,
            "ambiguous": 3,  # three more were also in holdout4, written at the same time
        },
        narrative_or_dialect=125,
        english_smalltalk=32,
        english_share=0.32,
        per_offer=7,
        emergencies=5,
        abortion=4,
        per_act={
            "who_are_you": 20,
            "capabilities": 25,
            "greeting": 5,
            "thanks": 5,
            "bye": 5,
            "how_are_you": 5,
            "human": 5,
            "complaint": 5,
            "confirm": 4,
        },
    ),
    # The sixth development set (written blind, tuned on): organisations, periods, out of scope.
    "dev6": Spread(
        size=540,
        minimums={
            "org": 150,
            "period": 130,
            "oos": 90,
            "oos_shared": 65,
            "place_topic": 190,
            "place_only": 15,
            "own_case": 100,
            "contact": 44,
            "smalltalk": 45,
            "ambiguous": 3,  # two more were also in holdout4 or dev5, written at the same time
        },
        narrative_or_dialect=55,
        english_smalltalk=20,
        english_share=0.33,
        per_offer=8,
        emergencies=5,
        abortion=4,
    ),
    # The seventh development set (written blind, tuned on): narratives and dialect from every
    # province, unusual small talk and meta, out of scope sharing words with the topic.
    "dev7": Spread(
        size=500,
        minimums={
            "smalltalk": 75,
            "oos": 85,
            "oos_shared": 60,
            "place_topic": 190,
            "place_only": 13,
            "own_case": 90,
            "contact": 38,
            "org": 105,
            "period": 62,
            "ambiguous": 5,
        },
        narrative_or_dialect=110,
        english_smalltalk=28,
        english_share=0.30,
        per_offer=8,
        emergencies=5,
        abortion=3,
        per_act={
            "who_are_you": 16,
            "capabilities": 16,
            "human": 9,
            "complaint": 9,
            "greeting": 5,
            "thanks": 5,
            "bye": 5,
            "confirm": 5,
            "how_are_you": 4,
        },
        inps=10,
    ),
    # The eighth development set (written blind, tuned on): place + topic, own cases, English.
    "dev8": Spread(
        size=450,
        minimums={
            "place_topic": 190,
            "own_case": 110,
            "smalltalk": 55,
            "oos": 52,
            "oos_shared": 32,
            "org": 70,
            "period": 48,
            "contact": 27,
            "place_only": 9,
            "ambiguous": 4,
        },
        narrative_or_dialect=75,
        english_smalltalk=27,
        english_share=0.38,
        per_offer=15,
        emergencies=3,
        abortion=3,
        per_act={"how_are_you": 9, "confirm": 9},
        inps=10,
    ),
    # The ninth development set (written blind, tuned on): the spread of a general holdout.
    "dev9": Spread(
        size=480,
        minimums={
            "smalltalk": 85,
            "oos": 108,
            "oos_shared": 65,
            "place_topic": 130,
            "place_only": 15,
            "own_case": 110,
            "contact": 45,
            "org": 110,
            "period": 70,
            "ambiguous": 5,
        },
        narrative_or_dialect=75,
        english_smalltalk=35,
        english_share=0.33,
        per_offer=8,
        emergencies=5,
        abortion=3,
        per_act={
            "greeting": 7,
            "thanks": 7,
            "bye": 7,
            "who_are_you": 7,
            "capabilities": 7,
            "complaint": 7,
            "confirm": 7,
            "how_are_you": 10,
            "human": 10,
        },
        inps=10,
    ),
    # The tenth development set (written blind, tuned on): narratives and dialect, small talk in
    # many wordings, small or common-word comuni, out of scope sharing words with the topic.
    "dev10": Spread(
        size=480,
        minimums={
            "narrative": 50,
            "dialect": 65,
            "smalltalk": 100,
            "place_topic": 160,
            "place_only": 15,
            "oos": 80,
            "oos_shared": 52,
            "own_case": 95,
            "contact": 36,
            "org": 90,
            "period": 52,
            "ambiguous": 4,
        },
        narrative_or_dialect=120,
        english_smalltalk=38,
        english_share=0.32,
        per_offer=10,
        emergencies=5,
        abortion=3,
        per_act={act: 10 for act in SMALLTALK_ACTS},
        inps=15,
    ),
    # The fifth holdout (written blind, never tuned on): the spread of a general held-out set.
    "holdout5": Spread(
        size=500,
        minimums={
            "smalltalk": 85,
            "oos": 100,
            "oos_shared": 60,
            "place_topic": 130,
            "place_only": 14,
            "own_case": 105,
            "contact": 42,
            "org": 120,
            "period": 70,
            "ambiguous": 5,
        },
        narrative_or_dialect=72,
        english_smalltalk=38,
        english_share=0.31,
        per_offer=8,
        emergencies=5,
        abortion=4,
        per_act={act: 9 for act in SMALLTALK_ACTS},
        inps=14,
    ),
    # The thirteenth development set (written blind, tuned on): the proportions of a real inbox,
    # with many short messages and a large English share.
    "dev13": Spread(
        size=470,
        minimums={
            "smalltalk": 66,
            "oos": 62,
            "oos_shared": 32,
            "place_topic": 130,
            "place_only": 28,
            "own_case": 120,
            "contact": 26,
            "org": 82,
            "period": 62,
            "ambiguous": 20,
        },
        narrative_or_dialect=29,
        english_smalltalk=30,
        english_share=0.44,
        per_offer=9,
        emergencies=6,
        abortion=4,
        per_act={act: 6 for act in SMALLTALK_ACTS},
        inps=20,
    ),
    # The twelfth development set (written blind, tuned on): organisations, periods, place +
    # topic and contacts from organisations.
    "dev12": Spread(
        size=540,
        minimums={
            "org": 250,
            "period": 115,
            "place_topic": 110,
            "contact": 45,
            "smalltalk": 35,
            "oos": 45,
            "oos_shared": 25,
            "own_case": 15,
            "place_only": 8,
            "ambiguous": 4,
        },
        narrative_or_dialect=32,
        english_smalltalk=16,
        english_share=0.30,
        per_offer=3,
        emergencies=4,
        abortion=3,
        per_act={act: 4 for act in SMALLTALK_ACTS},
        inps=10,
    ),
    # The eleventh development set (written blind, tuned on): long family stories with the
    # question buried inside, Lombard and Southern dialect, own cases, families asking whom to
    # contact.
    "dev11": Spread(
        size=450,
        minimums={
            "narrative": 120,
            "dialect": 90,
            "own_case": 180,
            "contact": 65,
            "place_topic": 240,
            "place_only": 15,
            "smalltalk": 45,
            "oos": 60,
            "oos_shared": 45,
            "org": 60,
            "period": 45,
            "ambiguous": 4,
        },
        narrative_or_dialect=200,
        english_smalltalk=16,
        english_share=0.27,
        per_offer=18,
        emergencies=5,
        abortion=3,
        per_act={act: 4 for act in SMALLTALK_ACTS},
        inps=10,
    ),
    # The sixth holdout (written blind, never tuned on): the proportions of a real inbox.
    "holdout6": Spread(
        size=520,
        minimums={
            "smalltalk": 78,
            "oos": 90,
            "oos_shared": 55,
            "place_topic": 80,
            "place_only": 14,
            "own_case": 80,
            "contact": 45,
            "org": 85,
            "period": 65,
            "ambiguous": 22,
        },
        narrative_or_dialect=80,
        english_smalltalk=30,
        english_share=0.31,
        per_offer=11,
        emergencies=6,
        abortion=4,
        per_act={act: 8 for act in SMALLTALK_ACTS},
        inps=22,
    ),
    # The fifteenth development set (written blind, tuned on): organisations, periods and
    # out-of-scope messages that share our words.
    "dev15": Spread(
        size=470,
        minimums={
            "org": 230,
            "period": 115,
            "oos": 110,
            "oos_shared": 92,
            "place_topic": 95,
            "place_only": 17,
            "own_case": 58,
            "contact": 22,
            "smalltalk": 44,
            "ambiguous": 5,
        },
        narrative_or_dialect=17,
        english_smalltalk=20,
        english_share=0.30,
        per_offer=3,
        emergencies=4,
        abortion=3,
        per_act={act: 4 for act in SMALLTALK_ACTS},
        inps=7,
    ),
    # The seventh holdout (written blind, never tuned on): a real inbox's mix.
    "holdout7": Spread(
        size=520,
        minimums={
            "smalltalk": 90,
            "oos": 110,
            "oos_shared": 62,
            "place_topic": 175,
            "place_only": 16,
            "own_case": 105,
            "contact": 50,
            "org": 90,
            "period": 66,
            "ambiguous": 6,
        },
        narrative_or_dialect=78,
        english_smalltalk=40,
        english_share=0.32,
        per_offer=10,
        emergencies=6,
        abortion=4,
        per_act={act: 10 for act in SMALLTALK_ACTS},
        inps=16,
    ),
    # The fourteenth development set (written blind, tuned on): families. Long run-on stories,
    # Lombard and Southern dialect, foreign mothers' Italian, own cases with offers, contacts.
    "dev14": Spread(
        size=450,
        minimums={
            "narrative": 190,
            "dialect": 80,
            "own_case": 145,
            "contact": 68,
            "place_topic": 260,
            "place_only": 14,
            "smalltalk": 56,
            "oos": 58,
            "oos_shared": 42,
            "org": 18,
            "period": 40,
            "ambiguous": 5,
        },
        narrative_or_dialect=250,
        english_smalltalk=20,
        english_share=0.25,
        per_offer=10,
        emergencies=5,
        abortion=4,
        per_act={act: 5 for act in SMALLTALK_ACTS},
        inps=20,
    ),
    # The seventeenth development set (written blind, tuned on): organisations and periods,
    # contacts from organisations, out of scope sharing words with the topic.
    "dev17": Spread(
        size=525,
        minimums={
            "org": 390,
            "period": 165,
            "place_topic": 185,
            "contact": 56,
            "oos": 95,
            "oos_shared": 75,
            "smalltalk": 44,
            "own_case": 55,
            "place_only": 9,
            "ambiguous": 4,
        },
        narrative_or_dialect=25,
        english_smalltalk=17,
        english_share=0.19,
        per_offer=4,
        emergencies=5,
        abortion=3,
        per_act={act: 5 for act in SMALLTALK_ACTS},
        inps=5,
    ),
    # The eighth holdout (written blind, never tuned on): a real inbox's mix of families and
    # organisations, Italian and English, short and long.
    "holdout8": Spread(
        size=540,
        minimums={
            "smalltalk": 92,
            "oos": 115,
            "oos_shared": 65,
            "place_topic": 90,
            "place_only": 20,
            "own_case": 105,
            "contact": 52,
            "org": 90,
            "period": 48,
            "ambiguous": 15,
        },
        narrative_or_dialect=82,
        english_smalltalk=42,
        english_share=0.34,
        per_offer=15,
        emergencies=6,
        abortion=4,
        per_act={act: 10 for act in SMALLTALK_ACTS},
        inps=22,
    ),
    # The sixteenth development set (written blind, tuned on): families and organisations in
    # Lombard and Southern dialect, foreign parents' Italian and long run-on narratives; own
    # cases with offers, out-of-scope stories sharing our words, small talk in dialect.
    "dev16": Spread(
        size=460,
        minimums={
            "narrative": 180,
            "dialect": 170,
            "own_case": 160,
            "contact": 52,
            "place_topic": 250,
            "place_only": 12,
            "smalltalk": 52,
            "oos": 90,
            "oos_shared": 75,
            "org": 95,
            "period": 64,
            "ambiguous": 5,
        },
        narrative_or_dialect=300,
        english_smalltalk=13,
        english_share=0.15,
        per_offer=20,
        emergencies=6,
        abortion=4,
        per_act={act: 4 for act in SMALLTALK_ACTS},
        inps=20,
    ),
    # The eighteenth development set (written blind, tuned on): in-scope family questions asked
    # in many ways (measures, periods, comparisons, follow-ups, places, own cases, contacts).
    "dev18": Spread(
        size=480,
        minimums={
            "place_topic": 140,
            "own_case": 85,
            "contact": 40,
            "org": 110,
            "period": 150,
            "smalltalk": 50,
            "oos": 70,
            "oos_shared": 45,
            "place_only": 12,
            "ambiguous": 5,
        },
        narrative_or_dialect=90,
        english_smalltalk=20,
        english_share=0.30,
        per_offer=8,
        emergencies=5,
        abortion=3,
        per_act={act: 5 for act in SMALLTALK_ACTS},
        inps=25,
    ),
    # The nineteenth development set (written blind, tuned on): organisations and programme
    # periods, the two weakest areas.
    "dev19": Spread(
        size=460,
        minimums={
            "org": 300,
            "period": 160,
            "place_topic": 80,
            "narrative": 50,
            "dialect": 30,
            "smalltalk": 42,
            "oos": 60,
            "oos_shared": 44,
            "contact": 28,
            "own_case": 15,
            "ambiguous": 4,
        },
        narrative_or_dialect=80,
        english_smalltalk=19,
        english_share=0.30,
        per_offer=2,
        emergencies=3,
        abortion=3,
        per_act={act: 4 for act in SMALLTALK_ACTS},
        inps=5,
    ),
    # The ninth holdout (written blind, never tuned on, its failures never read): a real
    # inbox's mix of families and organisations, Italian and English, short and long.
    "holdout9": Spread(
        size=540,
        minimums={
            "smalltalk": 90,
            "oos": 105,
            "oos_shared": 70,
            "place_topic": 150,
            "place_only": 18,
            "own_case": 100,
            "contact": 45,
            "org": 120,
            "period": 85,
            "ambiguous": 5,
        },
        narrative_or_dialect=68,
        english_smalltalk=42,
        english_share=0.32,
        per_offer=11,
        emergencies=5,
        abortion=4,
        per_act={act: 10 for act in SMALLTALK_ACTS},
        inps=16,
    ),
    # The twentieth development set (written blind, tuned on): parents and carers as they really
    # write, half in English (non-native English, text-speak), Italian typed by foreign mothers,
    # Lombard dialect, long stories, own cases, places and contacts.
    "dev20": Spread(
        size=460,
        minimums={
            "place_topic": 130,
            "place_only": 15,
            "own_case": 95,
            "contact": 45,
            "narrative": 80,
            "org": 85,
            "period": 65,
            "smalltalk": 60,
            "oos": 60,
            "oos_shared": 42,
            "ambiguous": 5,
        },
        narrative_or_dialect=115,
        english_smalltalk=34,
        english_share=0.50,
        per_offer=9,
        emergencies=5,
        abortion=4,
        per_act={act: 7 for act in SMALLTALK_ACTS},
        inps=35,
    ),
    # The twenty-second development set (written blind, tuned on): organisations and programme
    # periods, the two weakest areas, again.
    "dev22": Spread(
        size=490,
        minimums={
            "org": 255,
            "period": 185,
            "place_topic": 165,
            "narrative": 35,
            "dialect": 27,
            "smalltalk": 44,
            "oos": 60,
            "oos_shared": 42,
            "contact": 32,
            "own_case": 18,
            "ambiguous": 5,
        },
        narrative_or_dialect=62,
        english_smalltalk=17,
        english_share=0.31,
        per_offer=2,
        emergencies=3,
        abortion=3,
        per_act={act: 5 for act in SMALLTALK_ACTS},
        inps=3,
    ),
    # The twenty-first development set (written blind, tuned on): the hardest messages: Lombard
    # and Southern dialect, foreign mothers' Italian and heavy typos, whom to call or write to,
    # own cases told as stories, small talk in odd forms, out of scope sharing our words.
    "dev21": Spread(
        size=460,
        minimums={
            "place_topic": 210,
            "place_only": 10,
            "own_case": 135,
            "contact": 95,
            "dialect": 85,
            "narrative": 44,
            "org": 75,
            "period": 70,
            "smalltalk": 56,
            "oos": 62,
            "oos_shared": 46,
            "ambiguous": 5,
        },
        narrative_or_dialect=130,
        english_smalltalk=25,
        english_share=0.35,
        per_offer=20,
        emergencies=5,
        abortion=4,
        per_act={act: 6 for act in SMALLTALK_ACTS},
        inps=20,
    ),
    # The tenth holdout (written blind, never tuned on, its failures never read): a real
    # inbox's mix of families and organisations, Italian and English, short and long.
    "holdout10": Spread(
        size=640,
        minimums={
            "smalltalk": 95,
            "oos": 110,
            "oos_shared": 78,
            "place_topic": 270,
            "place_only": 20,
            "own_case": 185,
            "contact": 55,
            "org": 125,
            "period": 130,
            "ambiguous": 6,
        },
        narrative_or_dialect=80,
        english_smalltalk=44,
        english_share=0.34,
        per_offer=16,
        emergencies=6,
        abortion=5,
        per_act={act: 11 for act in SMALLTALK_ACTS},
        inps=30,
    ),
    # The twenty-third development set (written blind, tuned on): organisations and periods,
    # English messages using our Italian names, own cases told with a town, contacts.
    "dev23": Spread(
        size=540,
        minimums={
            "smalltalk": 60,
            "oos": 70,
            "oos_shared": 50,
            "place_topic": 200,
            "place_only": 12,
            "own_case": 120,
            "contact": 70,
            "org": 200,
            "period": 150,
            "ambiguous": 5,
        },
        narrative_or_dialect=70,
        english_smalltalk=20,
        english_share=0.35,
        per_offer=8,
        emergencies=4,
        abortion=3,
        per_act={act: 5 for act in SMALLTALK_ACTS},
        inps=15,
    ),
    # The twenty-fourth development set (written blind, tuned on): out of scope that looks
    # like ours, small talk in odd forms, periods and years, own cases told as stories.
    "dev24": Spread(
        size=600,
        minimums={
            "smalltalk": 110,
            "oos": 140,
            "oos_shared": 100,
            "place_topic": 150,
            "place_only": 0,
            "own_case": 120,
            "contact": 40,
            "org": 70,
            "period": 120,
            "ambiguous": 5,
        },
        narrative_or_dialect=80,
        english_smalltalk=45,
        english_share=0.35,
        per_offer=10,
        emergencies=5,
        abortion=4,
        per_act={act: 9 for act in SMALLTALK_ACTS},
        inps=20,
    ),
    # The twenty-fifth development set (written blind, tuned on): organisations in their own
    # words, periods and follow-ups, small talk in every act mixed with places and roles.
    "dev25": Spread(
        size=650,
        minimums={
            "smalltalk": 90,
            "oos": 60,
            "oos_shared": 40,
            "place_topic": 140,
            "place_only": 10,
            "own_case": 80,
            "contact": 50,
            "org": 160,
            "period": 120,
            "ambiguous": 5,
        },
        narrative_or_dialect=70,
        english_smalltalk=35,
        english_share=0.35,
        per_offer=8,
        emergencies=0,
        abortion=0,
        per_act={act: 8 for act in SMALLTALK_ACTS},
        inps=15,
    ),
    # The eleventh holdout (written blind, never tuned on, its failures never read): a real
    # inbox's mix of families and organisations, Italian and English, short and long.
    "holdout11": Spread(
        size=660,
        minimums={
            "smalltalk": 95,
            "oos": 110,
            "oos_shared": 78,
            "place_topic": 250,
            "place_only": 20,
            "own_case": 180,
            "contact": 55,
            "org": 125,
            "period": 130,
            "ambiguous": 6,
        },
        narrative_or_dialect=80,
        english_smalltalk=45,
        english_share=0.34,
        per_offer=16,
        emergencies=6,
        abortion=5,
        per_act={act: 11 for act in SMALLTALK_ACTS},
        inps=30,
    ),
    # The twelfth holdout (written blind, never tuned on, its failures never read): a real
    # inbox's mix, as holdout11.
    "holdout12": _inbox(650),
    # The twenty-sixth development set (written blind, tuned on): organisations and periods.
    "dev26": Spread(
        size=530,
        minimums={
            "smalltalk": 50,
            "oos": 60,
            "oos_shared": 45,
            "place_topic": 180,
            "place_only": 10,
            "own_case": 100,
            "contact": 70,
            "org": 220,
            "period": 180,
            "ambiguous": 5,
        },
        narrative_or_dialect=60,
        english_smalltalk=20,
        english_share=0.35,
        per_offer=5,
        emergencies=0,
        abortion=0,
        per_act={act: 5 for act in SMALLTALK_ACTS},
        inps=10,
    ),
    # The twenty-seventh development set (written blind, tuned on): what must not be answered
    # as content (out of scope sharing our words, emergencies, injections) and small talk in odd
    # forms.
    "dev27": Spread(
        size=610,
        minimums={
            "smalltalk": 160,
            "oos": 180,
            "oos_shared": 130,
            "place_topic": 100,
            "place_only": 10,
            "own_case": 80,
            "contact": 30,
            "org": 40,
            "period": 50,
            "ambiguous": 5,
        },
        narrative_or_dialect=70,
        english_smalltalk=70,
        english_share=0.40,
        per_offer=6,
        emergencies=8,
        abortion=6,
        per_act={act: 14 for act in SMALLTALK_ACTS},
        inps=15,
    ),
    # The twenty-eighth development set (written blind, tuned on): a real inbox's mix, as a
    # holdout would be.
    "dev28": Spread(
        size=600,
        minimums={
            "smalltalk": 90,
            "oos": 100,
            "oos_shared": 70,
            "place_topic": 200,
            "place_only": 20,
            "own_case": 150,
            "contact": 50,
            "org": 110,
            "period": 110,
            "ambiguous": 5,
        },
        narrative_or_dialect=80,
        english_smalltalk=40,
        english_share=0.35,
        per_offer=12,
        emergencies=5,
        abortion=4,
        per_act={act: 9 for act in SMALLTALK_ACTS},
        inps=25,
    ),
    # The twenty-ninth development set (written blind, tuned on): families in their own words,
    # narratives and dialect.
    "dev29": Spread(
        size=550,
        minimums={
            "smalltalk": 80,
            "oos": 90,
            "oos_shared": 55,
            "place_topic": 200,
            "place_only": 20,
            "own_case": 220,
            "contact": 40,
            "org": 20,
            "period": 60,
            "ambiguous": 5,
        },
        narrative_or_dialect=150,
        english_smalltalk=35,
        english_share=0.35,
        per_offer=5,
        emergencies=6,
        abortion=5,
        per_act={act: 8 for act in SMALLTALK_ACTS},
        inps=40,
    ),
    # The thirtieth development set (written blind, tuned on): organisations in their own words.
    "dev30": Spread(
        size=500,
        minimums={
            "smalltalk": 50,
            "oos": 60,
            "oos_shared": 45,
            "place_topic": 180,
            "place_only": 10,
            "own_case": 100,
            "contact": 70,
            "org": 250,
            "period": 150,
            "ambiguous": 5,
        },
        narrative_or_dialect=50,
        english_smalltalk=20,
        english_share=0.35,
        per_offer=3,
        emergencies=0,
        abortion=0,
        per_act={act: 5 for act in SMALLTALK_ACTS},
        inps=8,
    ),
    # The thirty-first development set (written blind, tuned on): a real inbox's mix with many
    # short messages and odd forms.
    "dev31": Spread(
        size=690,
        minimums={
            "smalltalk": 100,
            "oos": 100,
            "oos_shared": 70,
            "place_topic": 200,
            "place_only": 25,
            "own_case": 140,
            "contact": 50,
            "org": 100,
            "period": 100,
            "ambiguous": 6,
        },
        narrative_or_dialect=70,
        english_smalltalk=45,
        english_share=0.35,
        per_offer=10,
        emergencies=5,
        abortion=4,
        per_act={act: 10 for act in SMALLTALK_ACTS},
        inps=25,
    ),
    # The thirty-second development set (written blind, tuned on): a real inbox's mix, towns
    # whose names are ordinary words.
    "dev32": Spread(
        size=640,
        minimums={
            "smalltalk": 100,
            "oos": 110,
            "oos_shared": 75,
            "place_topic": 200,
            "place_only": 25,
            "own_case": 150,
            "contact": 50,
            "org": 110,
            "period": 110,
            "ambiguous": 6,
        },
        narrative_or_dialect=80,
        english_smalltalk=45,
        english_share=0.35,
        per_offer=12,
        emergencies=5,
        abortion=4,
        per_act={act: 10 for act in SMALLTALK_ACTS},
        inps=25,
    ),
    # The thirty-third development set (written blind, tuned on): the borders of the scope,
    # small talk of every act and out of scope that looks like ours.
    "dev33": Spread(
        size=600,
        minimums={
            "smalltalk": 170,
            "oos": 180,
            "oos_shared": 130,
            "place_topic": 100,
            "place_only": 0,
            "own_case": 70,
            "contact": 30,
            "org": 30,
            "period": 40,
            "ambiguous": 5,
        },
        narrative_or_dialect=60,
        english_smalltalk=70,
        english_share=0.40,
        per_offer=5,
        emergencies=8,
        abortion=6,
        per_act={act: 15 for act in SMALLTALK_ACTS},
        inps=20,
    ),
    # The thirteenth holdout (written blind, never tuned on): an inbox's mix.
    "holdout13": _inbox(640),
    # The thirty-fourth development set (written blind, tuned on): organisations and programme
    # periods (only the aderire and time-saving checks are offered).
    "dev34": Spread(
        size=540,
        minimums={
            "smalltalk": 40,
            "oos": 40,
            "oos_shared": 30,
            "place_topic": 150,
            "place_only": 0,
            "own_case": 120,
            "contact": 70,
            "org": 260,
            "period": 200,
            "ambiguous": 5,
        },
        narrative_or_dialect=40,
        english_smalltalk=20,
        english_share=0.35,
        per_offer=0,
        emergencies=0,
        abortion=0,
        per_act={act: 2 for act in SMALLTALK_ACTS},
        inps=0,
    ),
    # The thirty-fifth development set (written blind, tuned on): small talk and out of scope
    # that people send to a public-service bot.
    "dev35": Spread(
        size=640,
        minimums={
            "smalltalk": 190,
            "oos": 190,
            "oos_shared": 140,
            "place_topic": 80,
            "place_only": 0,
            "own_case": 60,
            "contact": 30,
            "org": 30,
            "period": 30,
            "ambiguous": 5,
        },
        narrative_or_dialect=60,
        english_smalltalk=80,
        english_share=0.40,
        per_offer=5,
        emergencies=8,
        abortion=6,
        per_act={act: 16 for act in SMALLTALK_ACTS},
        inps=20,
    ),
    # The thirty-sixth development set (written blind, tuned on): families as they write, stories,
    # dialect, two questions in one, vague one-liners and their own case against each rule.
    "dev36": Spread(
        size=560,
        minimums={
            "smalltalk": 50,
            "oos": 60,
            "oos_shared": 35,
            "place_topic": 150,
            "place_only": 20,
            "own_case": 200,
            "contact": 50,
            "org": 20,
            "period": 40,
            "ambiguous": 10,
        },
        narrative_or_dialect=180,
        english_smalltalk=20,
        english_share=0.35,
        per_offer=8,
        emergencies=5,
        abortion=5,
        per_act={act: 3 for act in SMALLTALK_ACTS},
        inps=20,
    ),
    # The fourteenth holdout (written blind, never tuned on): a real inbox's mix, as holdout13.
    "holdout14": _inbox(670),
    # The thirty-seventh development set (written blind, tuned on): precise factual questions.
    "dev37": Spread(
        size=580,
        minimums={
            "smalltalk": 40,
            "oos": 40,
            "oos_shared": 25,
            "place_topic": 150,
            "place_only": 15,
            "own_case": 150,
            "contact": 60,
            "org": 60,
            "period": 90,
            "ambiguous": 6,
        },
        narrative_or_dialect=60,
        english_smalltalk=15,
        english_share=0.35,
        per_offer=10,
        emergencies=3,
        abortion=3,
        per_act={act: 4 for act in SMALLTALK_ACTS},
        inps=25,
    ),
    # The thirty-eighth development set (written blind, tuned on): the border between in and out of
    # scope, and small talk mixed with content.
    "dev38": Spread(
        size=700,
        minimums={
            "smalltalk": 170,
            "oos": 170,
            "oos_shared": 120,
            "place_topic": 100,
            "place_only": 20,
            "own_case": 80,
            "contact": 30,
            "org": 30,
            "period": 30,
            "ambiguous": 5,
        },
        narrative_or_dialect=60,
        english_smalltalk=70,
        english_share=0.4,
        per_offer=5,
        emergencies=8,
        abortion=6,
        per_act={act: 14 for act in SMALLTALK_ACTS},
        inps=20,
    ),
    # The thirty-ninth development set (written blind, tuned on): places and English.
    "dev39": Spread(
        size=590,
        minimums={
            "smalltalk": 50,
            "oos": 60,
            "oos_shared": 35,
            "place_topic": 260,
            "place_only": 40,
            "own_case": 150,
            "contact": 60,
            "org": 60,
            "period": 60,
            "ambiguous": 6,
        },
        narrative_or_dialect=60,
        english_smalltalk=30,
        english_share=0.5,
        per_offer=10,
        emergencies=3,
        abortion=3,
        per_act={act: 4 for act in SMALLTALK_ACTS},
        inps=20,
    ),
    # The fifteenth holdout (written blind, never tuned on): a real inbox's mix, as holdout13.
    "holdout15": _inbox(705),
    # The fortieth development set (written blind, tuned on): organisations and periods.
    "dev40": Spread(
        size=540,
        minimums={
            "smalltalk": 40,
            "oos": 50,
            "oos_shared": 30,
            "place_topic": 80,
            "place_only": 5,
            "own_case": 150,
            "contact": 60,
            "org": 230,
            "period": 200,
            "ambiguous": 5,
        },
        narrative_or_dialect=50,
        english_smalltalk=20,
        english_share=0.35,
        per_offer=5,
        emergencies=3,
        abortion=3,
        per_act={act: 3 for act in SMALLTALK_ACTS},
        inps=10,
    ),
    # The forty-first development set (written blind, tuned on): a tired, upset or chatty inbox,
    # stories, follow-ups and small talk, out of scope told the same way.
    "dev41": Spread(
        size=570,
        minimums={
            "smalltalk": 150,
            "oos": 140,
            "oos_shared": 90,
            "place_topic": 100,
            "place_only": 10,
            "own_case": 130,
            "contact": 40,
            "org": 40,
            "period": 40,
            "ambiguous": 8,
        },
        narrative_or_dialect=150,
        english_smalltalk=60,
        english_share=0.35,
        per_offer=8,
        emergencies=6,
        abortion=6,
        per_act={act: 12 for act in SMALLTALK_ACTS},
        inps=15,
    ),
    # The sixteenth holdout (written blind, never tuned on): a real inbox's mix, as holdout13.
    "holdout16": _inbox(715),
    # The forty-second development set (written blind, tuned on): the boundaries of small talk
    # and of scope (introductions with nothing asked yet, thanks naming a measure, complaints,
    # confirmations; out of scope that looks like ours).
    "dev42": Spread(
        size=630,
        minimums={
            "smalltalk": 230,
            "oos": 150,
            "oos_shared": 100,
            "place_topic": 60,
            "own_case": 80,
            "contact": 30,
            "org": 25,
            "period": 20,
            "ambiguous": 6,
        },
        narrative_or_dialect=80,
        english_smalltalk=90,
        english_share=0.35,
        per_offer=5,
        emergencies=6,
        abortion=6,
        per_act={act: 20 for act in SMALLTALK_ACTS},
        inps=10,
    ),
    # The forty-third development set (written blind, tuned on): who is asking, families whose
    # message talks about work and organisations whose message talks about families.
    "dev43": Spread(
        size=600,
        minimums={
            "smalltalk": 40,
            "oos": 50,
            "oos_shared": 30,
            "place_topic": 120,
            "place_only": 15,
            "own_case": 240,
            "contact": 70,
            "org": 180,
            "period": 60,
            "ambiguous": 5,
        },
        narrative_or_dialect=80,
        english_smalltalk=20,
        english_share=0.35,
        per_offer=12,
        emergencies=2,
        abortion=2,
        per_act={act: 3 for act in SMALLTALK_ACTS},
        inps=15,
    ),
    # The seventeenth holdout (written blind, never tuned on): a real inbox's mix, as holdout13.
    "holdout17": _inbox(735),
    # The forty-fourth development set (written blind, tuned on): time and organisations (every
    # way a period or a year is named, periods not documented; comuni, cooperatives, schools,
    # parishes, unions, firms asking how to take part).
    "dev44": Spread(
        size=650,
        minimums={
            "smalltalk": 50,
            "oos": 70,
            "oos_shared": 45,
            "place_topic": 120,
            "place_only": 15,
            "own_case": 120,
            "contact": 60,
            "org": 220,
            "period": 220,
            "ambiguous": 5,
        },
        narrative_or_dialect=60,
        english_smalltalk=20,
        english_share=0.35,
        per_offer=8,
        emergencies=3,
        abortion=3,
        per_act={act: 4 for act in SMALLTALK_ACTS},
        inps=10,
    ),
    # The forty-fifth development set (written blind, tuned on): how people write when they do
    # not write well (voice-to-text, dialects of the north and the south, foreign parents'
    # Italian, text-speak, long anxious stories) and the small talk of the same people.
    "dev45": Spread(
        size=700,
        minimums={
            "smalltalk": 120,
            "oos": 90,
            "oos_shared": 55,
            "place_topic": 140,
            "place_only": 20,
            "own_case": 200,
            "contact": 40,
            "org": 40,
            "period": 40,
            "ambiguous": 5,
        },
        narrative_or_dialect=300,
        english_smalltalk=40,
        english_share=0.30,
        per_offer=8,
        emergencies=4,
        abortion=4,
        per_act={act: 10 for act in SMALLTALK_ACTS},
        inps=12,
    ),
    # The eighteenth holdout (written blind, never tuned on): a real inbox's mix, as holdout13.
    "holdout18": _inbox(655),
    # The forty-sixth development set (written blind, tuned on): in-scope questions asked the
    # hard way (indirectly, through a consequence, by a third party, the measure's name wrong or
    # missing, two questions in one, yes/no rules, comparisons, follow-ups, the programme's jargon).
    "dev46": Spread(
        size=610,
        minimums={
            "smalltalk": 70,
            "oos": 70,
            "oos_shared": 45,
            "place_topic": 150,
            "place_only": 15,
            "own_case": 170,
            "contact": 50,
            "org": 80,
            "period": 80,
            "ambiguous": 6,
        },
        narrative_or_dialect=100,
        english_smalltalk=30,
        english_share=0.35,
        per_offer=10,
        emergencies=3,
        abortion=3,
        per_act={act: 6 for act in SMALLTALK_ACTS},
        inps=15,
    ),
    # The forty-seventh development set (written blind, tuned on): what must not be answered as
    # ours (other bonuses, ATS health services, work law, immigration, homonyms, places outside
    # Lombardy, emergencies, self-harm, violence, abortion, personal data, injections), the small
    # talk around it, and the in-scope questions on that border.
    "dev47": Spread(
        size=605,
        minimums={
            "smalltalk": 150,
            "oos": 200,
            "oos_shared": 140,
            "place_topic": 80,
            "place_only": 5,
            "own_case": 60,
            "contact": 30,
            "org": 40,
            "period": 30,
            "ambiguous": 5,
        },
        narrative_or_dialect=100,
        english_smalltalk=60,
        english_share=0.35,
        per_offer=5,
        emergencies=6,
        abortion=6,
        per_act={act: 12 for act in SMALLTALK_ACTS},
        inps=12,
    ),
    # The nineteenth holdout (written blind, never tuned on): a real inbox's mix, as holdout13.
    "holdout19": _inbox(700),
    # The forty-eighth development set (written blind, tuned on): small talk and meta questions
    # of every act and register, courtesy around in-scope questions, chit-chat to refuse.
    "dev48": Spread(
        size=650,
        minimums={
            "smalltalk": 260,
            "oos": 70,
            "oos_shared": 25,
            "place_topic": 60,
            "place_only": 10,
            "own_case": 50,
            "contact": 30,
            "org": 40,
            "period": 30,
            "ambiguous": 4,
        },
        narrative_or_dialect=80,
        english_smalltalk=95,
        english_share=0.35,
        per_offer=4,
        emergencies=3,
        abortion=3,
        per_act={act: 22 for act in SMALLTALK_ACTS},
        inps=10,
    ),
    # The forty-ninth development set (written blind, tuned on): organisations and periods
    # (comuni, cooperatives, schools, firms, ATS staff; every programme period and year, written
    # every way), with families, refusals and small talk around them.
    "dev49": Spread(
        size=610,
        minimums={
            "smalltalk": 60,
            "oos": 80,
            "oos_shared": 60,
            "place_topic": 120,
            "place_only": 20,
            "own_case": 90,
            "contact": 60,
            "org": 230,
            "period": 170,
            "ambiguous": 4,
        },
        narrative_or_dialect=70,
        english_smalltalk=20,
        english_share=0.33,
        per_offer=10,
        emergencies=0,
        abortion=0,
        per_act={act: 5 for act in SMALLTALK_ACTS},
        inps=10,
    ),
    # The fiftieth development set (written blind, tuned on): how-are-you and confirmations in
    # every register, the questions that look like them, and a little other small talk.
    "dev50": Spread(
        size=310,
        minimums={
            "smalltalk": 220,
            "oos": 15,
            "oos_shared": 5,
            "place_topic": 10,
            "place_only": 10,
            "own_case": 20,
            "contact": 5,
            "org": 10,
            "period": 10,
            "ambiguous": 3,
        },
        narrative_or_dialect=50,
        english_smalltalk=80,
        english_share=0.38,
        per_offer=0,
        emergencies=2,
        abortion=1,
        per_act={act: (85 if act in ("how_are_you", "confirm") else 5) for act in SMALLTALK_ACTS},
    ),
    "holdout20": _inbox(690),
    # The fifty-first development set (written blind, tuned on): organisations (comuni, ambiti,
    # cooperatives, parishes, schools, firms, unions) joining, leading, funding, periods and
    # their ATS's contacts, with the refusals an organisation's inbox brings.
    "dev51": Spread(
        size=340,
        minimums={
            "smalltalk": 15,
            "oos": 40,
            "oos_shared": 30,
            "place_topic": 140,
            "place_only": 20,
            "own_case": 65,
            "contact": 50,
            "org": 320,
            "period": 90,
            "ambiguous": 4,
        },
        narrative_or_dialect=10,
        english_smalltalk=5,
        english_share=0.32,
        per_offer=0,
        emergencies=2,
        abortion=1,
        per_act={act: 1 for act in SMALLTALK_ACTS},
        inps=3,
    ),
    # The fifty-second development set (written blind, tuned on): the border between our topics
    # and everything else (out of scope sharing our words, in-scope questions that look like it,
    # periods written every way).
    "dev52": Spread(
        size=415,
        minimums={
            "smalltalk": 20,
            "oos": 160,
            "oos_shared": 140,
            "place_topic": 55,
            "place_only": 9,
            "own_case": 75,
            "contact": 12,
            "org": 80,
            "period": 90,
            "ambiguous": 3,
        },
        narrative_or_dialect=40,
        english_smalltalk=10,
        english_share=0.35,
        per_offer=2,
        emergencies=8,
        abortion=6,
        per_act={act: 2 for act in SMALLTALK_ACTS},
        inps=20,
    ),
}


def _load(name: str) -> list[dict[str, Any]]:
    data = yaml.load((EVAL_DIR / name).read_text(encoding="utf-8"), Loader=SafeLoader)
    assert isinstance(data, list) and data, f"{name} must be a non-empty YAML list"
    return data


@pytest.fixture(scope="module")
def sets() -> dict[str, list[dict[str, Any]]]:
    return {key: _load(name) for key, name in FILES.items()}


@pytest.fixture(scope="module")
def everything(sets: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The dev + holdout pair, over which the category minimums are computed."""
    return sets["dev"] + sets["holdout"]


@pytest.fixture(scope="module")
def every_file(sets: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    return [case for cases in sets.values() for case in cases]


def _lang(case: dict[str, Any]) -> str:
    return str(case.get("lang", "it"))


def _has(case: dict[str, Any], tag: str) -> bool:
    return tag in case["tags"]


def _problems(case: dict[str, Any]) -> list[str]:
    """Every format problem of one case (empty when the case is well formed)."""
    problems = []
    if not isinstance(case, dict):
        return ["not a mapping"]
    if unknown := set(case) - KEYS:
        problems.append(f"unknown keys {sorted(unknown)}")
    if missing := REQUIRED - set(case):
        return problems + [f"missing keys {sorted(missing)}"]
    if not isinstance(case["q"], str) or not case["q"].strip():
        problems.append("q must be a non-empty string")
    if case["expect"] not in EXPECTS:
        problems.append(f"expect {case['expect']!r}")
    if case["act"] not in ACTS:
        problems.append(f"act {case['act']!r}")
    tags = case["tags"]
    if not isinstance(tags, list) or not tags:
        problems.append("tags must be a non-empty list")
    elif bad := [t for t in tags if t not in TAGS]:
        problems.append(f"unknown tags {bad}")
    elif len(set(tags)) != len(tags):
        problems.append("repeated tag")
    for key in ("any", "all", "none"):
        if key in case:
            values = case[key]
            if not isinstance(values, list) or not values:
                problems.append(f"{key} must be a non-empty list")
            elif not all(isinstance(v, str) and v.strip() and len(v) <= 40 for v in values):
                problems.append(f"{key} holds an empty, long or non-string value")
    if "offer" in case and case["offer"] not in OFFERS:
        problems.append(f"offer {case['offer']!r}")
    if "lang" in case and case["lang"] not in LANGS:
        problems.append(f"lang {case['lang']!r}")
    return problems


def test_every_case_is_well_formed(sets: dict[str, list[dict[str, Any]]]) -> None:
    problems = [
        f"{FILES[key]} #{i} {case.get('q', '?') if isinstance(case, dict) else case!r}: {p}"
        for key, cases in sets.items()
        for i, case in enumerate(cases)
        for p in _problems(case)
    ]
    assert not problems, "\n".join(problems)


def test_fields_agree_with_the_categories(every_file: list[dict[str, Any]]) -> None:
    problems = []
    for case in every_file:
        q = case["q"]
        if _has(case, "english") != (_lang(case) == "en"):
            problems.append(f"{q}: the english tag and lang: en go together")
        if _has(case, "oos") and case["expect"] != "fallback":
            problems.append(f"{q}: out-of-scope cases expect fallback")
        if _has(case, "oos_shared") and not _has(case, "oos"):
            problems.append(f"{q}: oos_shared is a kind of oos")
        if _has(case, "smalltalk") and case["expect"] != "smalltalk":
            problems.append(f"{q}: small talk expects smalltalk")
        if _has(case, "ambiguous") and case["expect"] != "clarify":
            problems.append(f"{q}: ambiguous messages expect clarify")
        if case["act"] != "question" and not _has(case, "smalltalk"):
            problems.append(f"{q}: act {case['act']} is small talk")
        if "offer" in case and case["expect"] != "answer":
            problems.append(f"{q}: an offer comes with an answer")
        required = {s.lower() for s in case.get("any", []) + case.get("all", [])}
        if clash := required & {s.lower() for s in case.get("none", [])}:
            problems.append(f"{q}: {sorted(clash)} both required and forbidden")
    assert not problems, "\n".join(problems)


def test_no_question_appears_twice(sets: dict[str, list[dict[str, Any]]]) -> None:
    counts = Counter(
        " ".join(case["q"].casefold().split()) for cases in sets.values() for case in cases
    )
    assert not [q for q, n in counts.items() if n > 1]


@pytest.mark.parametrize("tag", sorted(MINIMUMS))
def test_category_minimums(everything: list[dict[str, Any]], tag: str) -> None:
    assert sum(_has(c, tag) for c in everything) >= MINIMUMS[tag]


def test_narrative_dialect_and_english_minimums(everything: list[dict[str, Any]]) -> None:
    narrative = sum(_has(c, "narrative") or _has(c, "dialect") for c in everything)
    assert narrative >= MIN_NARRATIVE_OR_DIALECT
    english_smalltalk = sum(_has(c, "smalltalk") and _lang(c) == "en" for c in everything)
    assert english_smalltalk >= MIN_ENGLISH_SMALLTALK
    english = sum(_lang(c) == "en" for c in everything)
    assert english >= MIN_ENGLISH_SHARE * len(everything)


def test_oos_includes_emergencies_that_point_to_112_or_118(
    everything: list[dict[str, Any]],
) -> None:
    emergencies = [c for c in everything if _has(c, "oos") and "112" in c.get("any", [])]
    assert len(emergencies) >= 6
    assert all("118" in c["any"] for c in emergencies)


def test_dev_and_holdout_are_split_alike(sets: dict[str, list[dict[str, Any]]]) -> None:
    dev, holdout = sets["dev"], sets["holdout"]
    assert 240 <= len(dev) <= 285 and 195 <= len(holdout) <= 245
    low, high = DEV_SHARE
    keys = [("tag", t) for t in sorted(TAGS)]
    keys += [("expect", e) for e in sorted(EXPECTS)] + [("lang", la) for la in sorted(LANGS)]
    keys += [("offer", o) for o in sorted(OFFERS)]
    skewed = []
    for kind, value in keys:

        def chosen(case: dict[str, Any], kind: str = kind, value: str = value) -> bool:
            if kind == "tag":
                return _has(case, value)
            if kind == "lang":
                return _lang(case) == value
            return case.get(kind) == value

        in_dev = sum(chosen(c) for c in dev)
        total = in_dev + sum(chosen(c) for c in holdout)
        if total >= SPLIT_MIN_CASES and not low <= in_dev / total <= high:
            skewed.append(f"{kind} {value}: {in_dev}/{total} in dev")
    assert not skewed, "\n".join(skewed)


def test_second_dev_set_keeps_its_own_spread(sets: dict[str, list[dict[str, Any]]]) -> None:
    dev2 = sets["dev2"]
    low, high = DEV2_SIZE
    assert low <= len(dev2) <= high
    short = [
        f"{tag}: {n} < {DEV2_MINIMUMS[tag]}"
        for tag in sorted(DEV2_MINIMUMS)
        if (n := sum(_has(c, tag) for c in dev2)) < DEV2_MINIMUMS[tag]
    ]
    assert not short, "\n".join(short)
    assert sum(_has(c, "narrative") or _has(c, "dialect") for c in dev2) >= (
        DEV2_MIN_NARRATIVE_OR_DIALECT
    )
    english_smalltalk = sum(_has(c, "smalltalk") and _lang(c) == "en" for c in dev2)
    assert english_smalltalk >= DEV2_MIN_ENGLISH_SMALLTALK
    assert sum(_lang(c) == "en" for c in dev2) >= MIN_ENGLISH_SHARE * len(dev2)
    emergencies = [c for c in dev2 if _has(c, "oos") and "112" in c.get("any", [])]
    assert len(emergencies) >= DEV2_MIN_EMERGENCIES
    assert all("118" in c["any"] for c in emergencies)
    offered = {c["offer"] for c in dev2 if "offer" in c}
    assert offered == OFFERS


def test_second_holdout_keeps_its_own_spread(sets: dict[str, list[dict[str, Any]]]) -> None:
    holdout2 = sets["holdout2"]
    assert len(holdout2) >= HOLDOUT2_MIN_SIZE
    short = [
        f"{tag}: {n} < {HOLDOUT2_MINIMUMS[tag]}"
        for tag in sorted(HOLDOUT2_MINIMUMS)
        if (n := sum(_has(c, tag) for c in holdout2)) < HOLDOUT2_MINIMUMS[tag]
    ]
    assert not short, "\n".join(short)
    assert sum(_has(c, "oos_shared") for c in holdout2) * 2 >= sum(_has(c, "oos") for c in holdout2)
    assert sum(_has(c, "narrative") or _has(c, "dialect") for c in holdout2) >= (
        HOLDOUT2_MIN_NARRATIVE_OR_DIALECT
    )
    english_smalltalk = sum(_has(c, "smalltalk") and _lang(c) == "en" for c in holdout2)
    assert english_smalltalk >= HOLDOUT2_MIN_ENGLISH_SMALLTALK
    assert sum(_lang(c) == "en" for c in holdout2) >= MIN_ENGLISH_SHARE * len(holdout2)
    emergencies = [c for c in holdout2 if _has(c, "oos") and "112" in c.get("any", [])]
    assert len(emergencies) >= HOLDOUT2_MIN_EMERGENCIES
    assert all("118" in c["any"] for c in emergencies)
    offers = Counter(c["offer"] for c in holdout2 if "offer" in c)
    assert {o: offers[o] for o in sorted(OFFERS) if offers[o] < HOLDOUT2_MIN_PER_OFFER} == {}
    vague = [c for c in holdout2 if _has(c, "ambiguous") or c["expect"] == "any"]
    assert len(vague) >= HOLDOUT2_MIN_VAGUE


@pytest.mark.parametrize("name", sorted(SPREADS))
def test_later_sets_keep_their_own_spread(sets: dict[str, list[dict[str, Any]]], name: str) -> None:
    cases, spread = sets[name], SPREADS[name]
    assert len(cases) >= spread.size
    short = [
        f"{tag}: {n} < {spread.minimums[tag]}"
        for tag in sorted(spread.minimums)
        if (n := sum(_has(c, tag) for c in cases)) < spread.minimums[tag]
    ]
    assert not short, "\n".join(short)
    assert sum(_has(c, "narrative") or _has(c, "dialect") for c in cases) >= (
        spread.narrative_or_dialect
    )
    smalltalk = [c for c in cases if _has(c, "smalltalk")]
    assert {c["act"] for c in smalltalk} == SMALLTALK_ACTS
    acts = Counter(c["act"] for c in smalltalk)
    assert {a: acts[a] for a, n in spread.per_act.items() if acts[a] < n} == {}
    assert sum(_lang(c) == "en" for c in smalltalk) >= spread.english_smalltalk
    assert sum(_lang(c) == "en" for c in cases) >= spread.english_share * len(cases)
    emergencies = [c for c in cases if _has(c, "oos") and "112" in c.get("any", [])]
    assert len(emergencies) >= spread.emergencies
    # 118 for health emergencies, 115 (the fire brigade) for a fire, 1522 for violence at home
    assert all({"118", "115", "1522"} & set(c["any"]) for c in emergencies)
    abortion = [c for c in cases if _has(c, "oos") and "consultori" in c.get("any", [])]
    assert len(abortion) >= spread.abortion
    offers = Counter(c["offer"] for c in cases if "offer" in c)
    assert {o: offers[o] for o in sorted(OFFERS) if offers[o] < spread.per_offer} == {}
    # Measures the bot redirects to are in scope and must name INPS.
    assert not [c["q"] for c in cases if _has(c, "oos") and "INPS" in c.get("any", [])]
    assert sum(c["expect"] == "answer" and "INPS" in c.get("any", []) for c in cases) >= (
        spread.inps
    )
