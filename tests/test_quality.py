"""The extraction quality gate: labelled development sets with pinned minimum scores.

The sets (include/newsflow/evaldata) are realistic news sentences written and labelled for this
project; a change that lowers a score below its pin fails the build. Pins sit a little under
the measured scores (see the issue notes) so that only real regressions trip them.
"""

import pytest

from newsflow import evaluate


@pytest.fixture(scope="module")
def numbers_report():
    return evaluate.score_numbers()


@pytest.fixture(scope="module")
def entity_reports(nlp):
    return evaluate.score_entities(nlp=nlp), evaluate.score_entities(baseline=True)


def test_dev_sets_are_large_enough():
    nums = evaluate.load(evaluate.NUMBERS_DEV)
    ents = evaluate.load(evaluate.ENTITIES_DEV)
    assert sum(len(e["numbers"]) for e in nums) >= 300
    assert sum(len(e["entities"]) for e in ents) >= 300


@pytest.mark.parametrize("metric, minimum", [("value", 0.97), ("value+unit", 0.94), ("exact", 0.85)])
def test_numbers_scores(numbers_report, metric, minimum):
    assert numbers_report.scores[metric].f1 >= minimum, numbers_report.as_dict()[metric]


@pytest.mark.parametrize("kind", ["money", "percent", "quantity", "count"])
def test_numbers_per_kind(numbers_report, kind):
    assert numbers_report.scores[f"value+unit:{kind}"].f1 >= 0.85


def test_entity_scores(entity_reports):
    ours, _ = entity_reports
    assert ours.scores["all"].f1 >= 0.82
    for group, minimum in [("people", 0.72), ("organisations", 0.75), ("places", 0.85), ("other", 0.84)]:
        assert ours.scores[f"group:{group}"].f1 >= minimum, group


def test_no_label_worse_than_raw_model(entity_reports):
    ours, base = entity_reports
    worse = {k: (round(ours.scores[k].f1, 3), round(v.f1, 3)) for k, v in base.scores.items()
             if k.startswith(("label:", "group:")) and ours.scores[k].f1 < v.f1}
    assert worse == {}
    assert ours.scores["all"].f1 > base.scores["all"].f1 + 0.05


def test_scorer_counts_errors():
    """The scorer itself: a wrong value, a missing and an extra mention are all counted."""
    from newsflow.numbers import Amount

    ex = [{"id": "t", "text": "It cost $5 and 3 people came.", "numbers": [
        {"text": "$5", "kind": "money", "value": 5.0, "value_max": None, "unit": "USD", "qualifier": "="},
        {"text": "3 people", "kind": "count", "value": 3.0, "value_max": None, "unit": "person", "qualifier": "="}]}]
    wrong = lambda s: [Amount(8, 10, "$5", "money", 6.0, None, "USD", "=", None),  # noqa: E731
                       Amount(0, 2, "It", "cardinal", 1.0, None, None, "=", None)]
    rep = evaluate.score_numbers(ex, extract=wrong)
    assert (rep.scores["value"].tp, rep.scores["value"].fp, rep.scores["value"].fn) == (0, 2, 2)


# -- held-out sets: labelled independently and never used to tune the rules -----------------------
# Pins sit a little under the first measurement (numbers value 0.963, value+unit 0.913, exact 0.821;
# entities 0.835 against the raw model's 0.732). Looking at these sets' errors to fix rules would
# make them dev sets: fix on the dev sets, then check here.


@pytest.fixture(scope="module")
def heldout_reports(nlp):
    ents = evaluate.load(evaluate.ENTITIES_HELDOUT)
    return (evaluate.score_numbers(evaluate.load(evaluate.NUMBERS_HELDOUT)),
            evaluate.score_entities(ents, nlp=nlp), evaluate.score_entities(ents, baseline=True))


def test_heldout_sets_are_large_enough():
    assert sum(len(e["numbers"]) for e in evaluate.load(evaluate.NUMBERS_HELDOUT)) >= 400
    assert sum(len(e["entities"]) for e in evaluate.load(evaluate.ENTITIES_HELDOUT)) >= 800
    dev = {e["text"] for e in evaluate.load(evaluate.NUMBERS_DEV) + evaluate.load(evaluate.ENTITIES_DEV)}
    held = {e["text"] for e in evaluate.load(evaluate.NUMBERS_HELDOUT) + evaluate.load(evaluate.ENTITIES_HELDOUT)}
    assert not dev & held


@pytest.mark.parametrize("metric, minimum", [("value", 0.94), ("value+unit", 0.89), ("exact", 0.79)])
def test_heldout_numbers(heldout_reports, metric, minimum):
    assert heldout_reports[0].scores[metric].f1 >= minimum, heldout_reports[0].as_dict()[metric]


def test_heldout_entities_beat_the_raw_model(heldout_reports):
    _, ours, base = heldout_reports
    assert ours.scores["all"].f1 >= 0.81
    assert ours.scores["all"].f1 > base.scores["all"].f1 + 0.05
    for group in ("people", "organisations", "places", "other"):
        assert ours.scores[f"group:{group}"].f1 >= base.scores[f"group:{group}"].f1, group
