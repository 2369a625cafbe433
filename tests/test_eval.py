"""Answer quality gates: the accuracy reached on the evaluation sets must not regress.

dev.yaml and dev2.yaml (written independently of each other and of the knowledge base) are
what the matcher was tuned on; holdout.yaml was held out until the session that wrote
conversations-holdout2.yaml, which tuned on it (tests/eval/README.md). Only
conversations-holdout18.yaml, conversations-holdout19.yaml and conversations-holdout20.yaml are
held out now: their figures are the honest estimate for unseen questions. The floors are the
levels reached (see the notes in README.md) minus one or two cases of slack, so an edit to the
knowledge base or the matcher that loses answers fails here. Raise them when you improve the
matcher.
"""

from __future__ import annotations

import pytest

from bot.brain import Brain
from bot.evaluation import DEFAULT_EVAL_FILE, MatcherResult, run_evaluation
from tests.support import EVAL_DIR, make_brain

# (in-scope answer accuracy, out-of-scope fallback accuracy) floors, in percent.
FLOORS = {
    "dev.yaml": (98.0, 98.0),  # reached 98.7 / 100
    "dev2.yaml": (98.0, 98.0),  # reached 99.2 / 100
    "holdout.yaml": (97.5, 98.0),  # reached 98.9 / 100 (tuned on since 2026-11-30)
}


@pytest.fixture(scope="module")
def brain(tmp_path_factory: pytest.TempPathFactory) -> Brain:
    return make_brain(tmp_path_factory.mktemp("eval"))


def _pct(result: MatcherResult, expect: str) -> float:
    ok, total = result.accuracy(expect)
    assert total > 0
    return 100.0 * ok / total


@pytest.mark.slow  # every case of three sets, twice
@pytest.mark.parametrize("name", sorted(FLOORS))
def test_accuracy_does_not_regress_and_beats_the_baseline(brain: Brain, name: str) -> None:
    default, baseline = run_evaluation(brain, EVAL_DIR / name)
    in_scope, out_of_scope = _pct(default, "answer"), _pct(default, "fallback")
    floor_in, floor_out = FLOORS[name]
    assert in_scope >= floor_in, f"{name}: in-scope accuracy {in_scope:.1f}% < {floor_in}%"
    assert out_of_scope >= floor_out, (
        f"{name}: out-of-scope accuracy {out_of_scope:.1f}% < {floor_out}%"
    )
    assert in_scope > _pct(baseline, "answer")
    assert out_of_scope > _pct(baseline, "fallback")
    assert _pct(default, "any") == 100.0


# The conversation sets (tests/eval/README.md): floors per status and category, in percent.
# Every set but conversations-holdout18.yaml, -holdout19.yaml and -holdout20.yaml has been tuned on
# (tests/eval/README.md).
CONVERSATION_FLOORS = {
    "conversations-dev.yaml": {"answer": 96.0, "fallback": 98.0, "smalltalk": 98.0},
    "conversations-dev2.yaml": {"answer": 97.5, "fallback": 99.0, "smalltalk": 99.0},
    "conversations-holdout.yaml": {"answer": 97.0, "fallback": 98.0, "smalltalk": 97.5},
    # held out until 2026-11-30 (93.9 / 92.3 / 83.8 when first measured), tuned on since
    "conversations-holdout2.yaml": {"answer": 97.5, "fallback": 99.0, "smalltalk": 99.0},
    "conversations-dev3.yaml": {"answer": 96.5, "fallback": 99.0, "smalltalk": 97.5},
    "conversations-dev4.yaml": {"answer": 95.0, "fallback": 99.0, "smalltalk": 99.0},
    "smalltalk-dev.yaml": {"answer": 90.0, "smalltalk": 98.0},
    # held out until holdout4 was written (89.4 / 91.1 / 91.6 then), tuned on since
    "conversations-holdout3.yaml": {"answer": 96.5, "fallback": 97.5, "smalltalk": 99.0},
    # written blind on 2026-11-30, tuned on (figures when merged in the comments)
    "conversations-dev5.yaml": {"answer": 96.0, "fallback": 96.5, "smalltalk": 96.0},
    "conversations-dev6.yaml": {"answer": 96.0, "fallback": 98.5, "smalltalk": 99.0},
    # 87.8 / 85.4 / 46.4 when merged
    "conversations-dev7.yaml": {"answer": 93.5, "fallback": 99.5, "smalltalk": 99.5},
    # 87.0 / 92.9 / 86.4 when merged
    "conversations-dev8.yaml": {"answer": 94.0, "fallback": 99.5, "smalltalk": 94.5},
    # 85.3 / 89.2 / 80.5 when merged
    "conversations-dev9.yaml": {"answer": 93.0, "fallback": 97.0, "smalltalk": 96.0},
    # 81.4 / 95.3 / 75.2 when merged
    "conversations-dev10.yaml": {"answer": 93.0, "fallback": 99.5, "smalltalk": 98.5},
    # sixth pass: 82.7 / 90.6 / 100, 91.2 / 95.7 / 89.2 and 85.9 / 97.0 / 94.3 when merged
    "conversations-dev11.yaml": {"answer": 92.5, "fallback": 99.5, "smalltalk": 99.5},
    "conversations-dev12.yaml": {"answer": 96.0, "fallback": 99.5, "smalltalk": 94.0},
    "conversations-dev13.yaml": {"answer": 93.5, "fallback": 99.0, "smalltalk": 96.5},
    # held out until the seventh pass (89.5 / 93.9 / 92.7 then), tuned on since
    "conversations-holdout4.yaml": {"answer": 92.5, "fallback": 98.0, "smalltalk": 97.5},
    # seventh pass: 89.1 / 87.1 / 93.5 and 87.3 / 84.2 / 95.7 when merged
    "conversations-dev14.yaml": {"answer": 95.5, "fallback": 98.0, "smalltalk": 93.5},
    "conversations-dev15.yaml": {"answer": 94.0, "fallback": 98.0, "smalltalk": 95.5},
    # held out until the eighth pass (92.0 / 93.1 / 97.7 then), tuned on since
    "conversations-holdout5.yaml": {"answer": 93.5, "fallback": 99.0, "smalltalk": 99.0},
    # eighth pass: 87.5 / 84.2 / 94.5 and 90.1 / 93.0 / 93.6 when merged
    "conversations-dev16.yaml": {"answer": 92.5, "fallback": 99.0, "smalltalk": 98.0},
    "conversations-dev17.yaml": {"answer": 92.0, "fallback": 98.0, "smalltalk": 93.5},
    # held out until the ninth pass (95.0 / 95.8 / 97.6 then), tuned on since
    "conversations-holdout6.yaml": {"answer": 98.0, "fallback": 98.0, "smalltalk": 97.5},
    # ninth pass: 93.3 / 95.9 / 98.1, 89.2 / 93.8 / 91.1 and 92.7 / 92.1 / 96.9 when merged
    "conversations-dev18.yaml": {"answer": 96.5, "fallback": 99.0, "smalltalk": 98.0},
    "conversations-dev19.yaml": {"answer": 91.5, "fallback": 98.5, "smalltalk": 92.5},
    "conversations-dev20.yaml": {"answer": 94.5, "fallback": 96.0, "smalltalk": 98.5},
    # held out until the tenth pass (92.2 / 99.1 / 93.7 at the end of the seventh, eighth and
    # ninth passes), tuned on since
    "conversations-holdout7.yaml": {"answer": 96.5, "fallback": 98.0, "smalltalk": 97.5},
    # tenth pass: 87.3 / 92.5 / 91.7 and 87.8 / 98.4 / 95.6 when merged
    "conversations-dev21.yaml": {"answer": 92.5, "fallback": 96.0, "smalltalk": 95.0},
    "conversations-dev22.yaml": {"answer": 92.5, "fallback": 98.0, "smalltalk": 96.5},
    # held out until the eleventh pass (94.7 / 96.7 / 97.9 at the end of the tenth), tuned on
    # since
    "conversations-holdout8.yaml": {"answer": 95.5, "fallback": 99.0, "smalltalk": 99.0},
    # eleventh pass: 92.6 / 96.1 / 97.0 and 95.3 / 91.5 / 89.9 when merged
    "conversations-dev23.yaml": {"answer": 94.5, "fallback": 99.0, "smalltalk": 97.0},
    "conversations-dev24.yaml": {"answer": 95.5, "fallback": 97.5, "smalltalk": 96.5},
    # 89.2 / 97.0 / 88.2 when merged
    "conversations-dev25.yaml": {"answer": 92.5, "fallback": 97.5, "smalltalk": 96.0},
    # held out until the twelfth pass (94.9 / 96.5 / 92.7 at the end of the tenth and
    # eleventh), tuned on since
    "conversations-holdout9.yaml": {"answer": 96.0, "fallback": 99.0, "smalltalk": 94.0},
    # twelfth pass: 91.2 / 95.0 / 92.3 and 97.6 / 94.0 / 90.7 when merged
    "conversations-dev26.yaml": {"answer": 96.0, "fallback": 97.5, "smalltalk": 95.0},
    "conversations-dev27.yaml": {"answer": 97.5, "fallback": 99.0, "smalltalk": 95.0},
    # 96.8 / 96.2 / 94.5 and 95.5 / 88.3 / 83.3 when merged
    "conversations-dev28.yaml": {"answer": 98.5, "fallback": 99.0, "smalltalk": 97.0},
    "conversations-dev29.yaml": {"answer": 96.5, "fallback": 99.0, "smalltalk": 92.0},
    # 91.2 / 93.5 / 90.7 and 95.7 / 97.0 / 96.1 when merged
    "conversations-dev30.yaml": {"answer": 93.5, "fallback": 93.0, "smalltalk": 97.0},
    "conversations-dev31.yaml": {"answer": 96.0, "fallback": 99.0, "smalltalk": 97.0},
    # 94.5 / 95.9 / 98.2 and 97.1 / 95.2 / 86.0 when merged
    "conversations-dev32.yaml": {"answer": 96.0, "fallback": 99.0, "smalltalk": 97.0},
    "conversations-dev33.yaml": {
        "answer": 98.5,
        "fallback": 98.5,
        "smalltalk": 96.0,
    },  # 2 ties lost; 98.8 after the fifteenth pass's retraining of the classifiers
    # 92.6 / 88.6 / 82.5, 95.6 / 83.8 / 87.5 and 91.3 / 93.7 / 96.2 when merged
    "conversations-dev34.yaml": {"answer": 94.5, "fallback": 99.5, "smalltalk": 97.0},
    "conversations-dev35.yaml": {"answer": 96.5, "fallback": 98.0, "smalltalk": 97.0},
    "conversations-dev36.yaml": {"answer": 93.5, "fallback": 96.0, "smalltalk": 99.0},
    # holdout10, written blind during the tenth pass, held out until the thirteenth (last held-out
    # figures 94.9 / 95.6 / 94.9), tuned on since.
    "conversations-holdout10.yaml": {"answer": 95.5, "fallback": 99.5, "smalltalk": 97.5},
    # holdout11, written blind during the eleventh pass, held out until the fourteenth (last
    # held-out figures 96.4 / 94.9 / 98.1), tuned on since.
    "conversations-holdout11.yaml": {"answer": 97.5, "fallback": 99.5, "smalltalk": 99.5},
    # fourteenth pass: 93.8 / 82.9 / 82.9, 95.8 / 94.8 / 94.3 and 93.2 / 95.3 / 94.0 when merged
    "conversations-dev37.yaml": {"answer": 96.0, "fallback": 97.0, "smalltalk": 90.0},
    "conversations-dev38.yaml": {"answer": 97.5, "fallback": 99.5, "smalltalk": 97.5},
    "conversations-dev39.yaml": {"answer": 95.5, "fallback": 99.5, "smalltalk": 97.5},
    # holdout12, written blind during the twelfth pass, held out until the fifteenth (last
    # held-out figures 96.0 / 94.4 / 94.4), tuned on since.
    "conversations-holdout12.yaml": {"answer": 98.5, "fallback": 99.5, "smalltalk": 97.0},
    # fifteenth pass: 94.4 / 100 / 90.9 and 98.1 / 91.9 / 97.5 when merged (dev41's first 466
    # messages; its 105 later ones 92.4 / 60.0 / -)
    "conversations-dev40.yaml": {"answer": 95.5, "fallback": 98.0, "smalltalk": 97.5},
    "conversations-dev41.yaml": {"answer": 97.5, "fallback": 98.5, "smalltalk": 99.0},
    # holdout13, written blind during the thirteenth pass, held out until the sixteenth (last
    # held-out figures 97.2 / 94.5 / 94.0), tuned on since.
    "conversations-holdout13.yaml": {"answer": 98.5, "fallback": 99.5, "smalltalk": 97.0},
    # sixteenth pass: 96.9 / 92.4 / 87.3 and 94.3 / 98.1 / 100 when merged (dev42 small talk and
    # scope boundaries, dev43 who is asking); the classifiers were retrained on them since
    "conversations-dev42.yaml": {"answer": 98.0, "fallback": 99.0, "smalltalk": 99.0},
    "conversations-dev43.yaml": {"answer": 97.0, "fallback": 98.0, "smalltalk": 97.5},
    # holdout14, written blind during the fourteenth pass, held out until the seventeenth (last
    # held-out figures 97.1 / 99.2 / 96.0), tuned on since.
    "conversations-holdout14.yaml": {"answer": 98.0, "fallback": 99.5, "smalltalk": 98.0},
    # seventeenth pass: 96.7 / 95.8 / 87.5 and 94.1 / 97.1 / 94.4 when merged (dev44 time and
    # organisations, dev45 how people write when they do not write well); the classifiers were
    # retrained on them since
    "conversations-dev44.yaml": {"answer": 98.0, "fallback": 99.5, "smalltalk": 92.0},
    "conversations-dev45.yaml": {"answer": 96.0, "fallback": 99.5, "smalltalk": 96.5},
    # holdout15, written blind during the fifteenth pass, held out until the eighteenth (last
    # held-out figures 96.9 / 95.7 / 91.6), tuned on since.
    "conversations-holdout15.yaml": {"answer": 97.5, "fallback": 99.0, "smalltalk": 97.0},
    # eighteenth pass: 95.4 / 97.4 / 91.8 and 95.5 / 85.1 / 92.4 when merged (dev46 in-scope
    # questions asked the hard way, dev47 what is not ours and the small talk around it); the
    # classifiers were retrained on them since
    "conversations-dev46.yaml": {"answer": 95.5, "fallback": 99.0, "smalltalk": 96.0},
    "conversations-dev47.yaml": {"answer": 96.5, "fallback": 93.5, "smalltalk": 96.5},
    # holdout16, written blind during the sixteenth pass, held out until the nineteenth (last
    # held-out figures 96.5 / 95.8 / 98.1), tuned on since.
    "conversations-holdout16.yaml": {"answer": 98.5, "fallback": 99.5, "smalltalk": 98.0},
    # nineteenth pass: 95.6 / 97.6 / 96.0, 95.1 / 91.1 / 89.4 and 98.3 / 90.9 / 95.7 when merged
    # (dev48 small talk of every act, dev49 organisations and periods, dev50 how-are-you and
    # confirmations); the classifiers were retrained on dev48 and dev49 since
    "conversations-dev48.yaml": {"answer": 98.0, "fallback": 99.5, "smalltalk": 98.0},
    "conversations-dev49.yaml": {"answer": 97.5, "fallback": 99.5, "smalltalk": 96.0},
    "conversations-dev50.yaml": {"answer": 96.5, "fallback": 95.0, "smalltalk": 97.5},
    # holdout17, written blind during the seventeenth pass, held out until the twentieth (last
    # held-out figures 96.5 / 96.5 / 99.1), tuned on since.
    "conversations-holdout17.yaml": {"answer": 99.0, "fallback": 98.5, "smalltalk": 99.0},
    # twentieth pass: 94.3 / 92.9 / 93.8 and 93.9 / 93.3 / 100 when merged (dev51 organisations,
    # dev52 the border between our topics and everything else); the classifiers were retrained on
    # them since
    "conversations-dev51.yaml": {"answer": 97.5, "fallback": 99.0, "smalltalk": 93.5},
    "conversations-dev52.yaml": {"answer": 98.5, "fallback": 98.0, "smalltalk": 95.5},
    # Held out, never tuned on (failures never read). holdout18, written blind during the
    # eighteenth pass: 96.5 / 94.9 / 89.8 when first measured; holdout19, written blind during the
    # nineteenth pass: 97.9 / 96.5 / 86.5 when first measured; holdout20, written blind during the
    # twentieth pass: 97.8 / 95.8 / 97.2 when first measured (mid-pass, with that moment's rules).
    # End of the twentieth pass: holdout18 97.0 / 95.8 / 89.8 (96.7 / 94.9 / 89.8 at the
    # nineteenth's end), holdout19 98.3 / 97.4 / 88.3 (97.9 / 97.4 / 88.3), holdout20 97.8 / 95.8 /
    # 97.2. Below the 97 / 95 / 95 where they are: regression guards only.
    "conversations-holdout18.yaml": {"answer": 96.5, "fallback": 95.0, "smalltalk": 88.5},
    "conversations-holdout19.yaml": {"answer": 97.5, "fallback": 96.5, "smalltalk": 87.0},
    "conversations-holdout20.yaml": {"answer": 97.0, "fallback": 95.0, "smalltalk": 96.0},
}
# Answers where a place card replaced the topic: 0 everywhere but on development sets where cards
# are known and not fixed: holdout9's "time saving services in Mantova for shopkeepers, who runs
# them?" (the ATS runs them: its card, but the case wants the topic too), holdout7's "Milano ATS
# conciliazione email?" and dev23's "ATS Brescia conciliazione email?" (the card holds the ATS's
# site, but the cases want English), dev21's "stò a Menàs" (Menaggio's dialect name, whose
# consonants no comune alone has, so Sondrio, named after it, is taken), and dev25's "assessore di
# Lovere, ... ATS Montagna o Bergamo?", whose right card (Lovere: ATS di Bergamo) also names the ATS
# della Montagna, which the case forbids; dev34's "quando è stato costituito l'ATS Città
# Metropolitana di Milano?" (the card, not when the ATS were set up) and dev36's "I live in Ponte di
# Legno, which ATS and who handles maternity funds?" (two questions: the card answers the first);
# dev45's "Which ATS is responsible if I live in Gravedona? I need info on the maternity funds" (the
# same two questions); holdout15's "come contatto l'ATS Brianza per i progetti di welfare e
# conciliazione? siamo a Vimercate" (the contact asked is the card's, but the case also wants the
# offer to join; tuned on since the eighteenth pass); one of holdout19's 268 place + topic
# messages (two on arrival), held out; dev49's "sono un'impresa di
# Busto, per il time saving chi devo contattare?" (two comuni are called Busto: the bot asks which,
# with the time-saving check beside).
PLACE_CARDS_ALLOWED = {
    "conversations-holdout7.yaml": 1,
    "conversations-dev21.yaml": 1,
    "conversations-dev23.yaml": 1,
    "conversations-dev25.yaml": 1,
    "conversations-holdout9.yaml": 1,
    "conversations-dev34.yaml": 1,
    "conversations-dev36.yaml": 1,
    "conversations-dev45.yaml": 1,
    "conversations-holdout15.yaml": 1,
    "conversations-holdout19.yaml": 1,
    "conversations-dev49.yaml": 1,
}
MAX_MEDIAN_FIRST_MESSAGE = 500
MAX_P90_FIRST_MESSAGE = 900
# dev11, dev14, dev16 and dev29 are mostly own cases told as stories naming a town: most replies
# carry the line pointing to the check and the line naming the ATS (519, 529 and 517 at their
# medians, 2026-11-30; dev29 508, 2026-12-01). The held-out sets, which have the mix of a real
# inbox, keep the 500 of the issue.
MEDIAN_FIRST_MESSAGE = {
    "conversations-dev11.yaml": 530,
    "conversations-dev14.yaml": 540,
    "conversations-dev16.yaml": 530,
    "conversations-dev29.yaml": 520,
}


@pytest.mark.slow  # every case of each set
@pytest.mark.parametrize("name", sorted(CONVERSATION_FLOORS))
def test_conversation_sets_do_not_regress(brain: Brain, name: str) -> None:
    # The naive baseline is compared on the three sets above; on these it scores 0-49% (README),
    # far under every floor here, so it is not run again (it costs more than the bot itself).
    [default] = run_evaluation(brain, EVAL_DIR / name, ("default",))
    for expect, floor in CONVERSATION_FLOORS[name].items():
        reached = _pct(default, expect)
        assert reached >= floor, f"{name}: {expect} {reached:.1f}% < {floor}%"
    assert sum(o.one_option_clarify for o in default.outcomes) == 0
    place_cards = sum(o.place_replaced_topic for o in default.outcomes)
    assert place_cards <= PLACE_CARDS_ALLOWED.get(name, 0)
    median, p90 = default.lengths()
    most = MEDIAN_FIRST_MESSAGE.get(name, MAX_MEDIAN_FIRST_MESSAGE)
    assert median <= most and p90 <= MAX_P90_FIRST_MESSAGE, (median, p90)


def test_evaluation_sets_are_large_enough_and_well_formed() -> None:
    from bot.evaluation import load_cases

    cases = [c for name in FLOORS for c in load_cases(EVAL_DIR / name)]
    assert len(cases) >= 200
    assert sum(c.expect == "fallback" for c in cases) >= 40
    assert len({c.q for c in cases}) == len(cases), "duplicate questions across the sets"
    for case in cases:
        assert case.expect in {"answer", "fallback", "any"}
        if case.expect == "answer":
            assert case.any or case.all, case.q


def test_the_format_sample_cases_pass(brain: Brain) -> None:
    """The format examples of docs/contracts.md, shipped as `eval`'s default set."""
    [default] = run_evaluation(brain, DEFAULT_EVAL_FILE, ("default",))
    failures = [o.case.q for o in default.outcomes if not o.ok]
    assert not failures, failures
