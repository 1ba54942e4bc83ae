"""The extraction quality gate: labelled development sets with pinned minimum scores.

The sets (include/newsflow/evaldata) are realistic news sentences written and labelled for this
project; a change that lowers a score below its pin fails the build. Pins sit a little under
the measured scores (see the issue notes) so that only real regressions trip them.
"""

import json

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
    # measured after the context rules (issue: entities below the raw model on real newswire):
    # all 0.868, people 0.804, organisations 0.826, places 0.910, other 0.875
    assert ours.scores["all"].f1 >= 0.85
    for group, minimum in [("people", 0.78), ("organisations", 0.80), ("places", 0.89), ("other", 0.85)]:
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


def test_scorer_locates_a_gold_number_as_a_whole_token():
    """Gold "3" after "34" in a results line is the standalone 3, not the start of 34."""
    from newsflow.numbers import Amount

    text = "Baltimore Ravens 34, Cincinnati Bengals 3"
    ex = [{"id": "t", "text": text, "numbers": [
        {"text": "34", "kind": "count", "value": 34.0, "value_max": None, "unit": "point", "qualifier": "="},
        {"text": "3", "kind": "count", "value": 3.0, "value_max": None, "unit": "point", "qualifier": "="}]}]
    right = lambda s: [Amount(17, 19, "34", "count", 34.0, None, "point", "=", None),  # noqa: E731
                       Amount(40, 41, "3", "count", 3.0, None, "point", "=", None)]
    rep = evaluate.score_numbers(ex, extract=right)
    assert (rep.scores["value+unit"].tp, rep.scores["value+unit"].fp, rep.scores["value+unit"].fn) == (2, 0, 0)
    located = evaluate._locate("Shares rose 2.5 percent on 1,000 trades, then 2 more and 1 later.",
                               [{"text": "2"}, {"text": "1"}])
    assert [start for start, _end, _m in located] == [46, 57]  # not inside "2.5" or "1,000"


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
    assert ours.scores["all"].f1 >= 0.83  # 0.850 after the context rules
    assert ours.scores["all"].f1 > base.scores["all"].f1 + 0.05
    for group in ("people", "organisations", "places", "other"):
        assert ours.scores[f"group:{group}"].f1 >= base.scores[f"group:{group}"].f1, group


# -- quantulum3's labelled test sentences: text this project did not write ------------------------
# Converted to the project's conventions when loaded (evaluate.quantulum_examples). Its labels
# differ from the project's contract in places (years and bare numbers, "50 cars" as a bare 50,
# scientific notation), so these are floors, not targets. Before the unit registry: value 0.711,
# value+unit 0.349; with it: 0.770 and 0.541 (0.784 / 0.568 later; 0.770 / 0.554 once fractions are
# percentages, as the real-news sets label them: quantulum3 keeps "two thirds" a ratio). Session 22:
# 0.780 / 0.549 / 0.468 -> 0.744 / 0.512 / 0.430 when compound durations became one span ("two
# years and six months" is 2.5 years in README_real.md and in three real dev sets' labels; two
# quantulum3 sentences, six labels, keep the parts apart). Pins sit a little under.


@pytest.fixture(scope="module")
def quantulum_report():
    return evaluate.score_numbers(evaluate.numbers_examples("quantulum"))


def test_quantulum_set_loads():
    examples = evaluate.numbers_examples("quantulum")
    assert len(examples) >= 100
    assert sum(len(e["numbers"]) for e in examples) >= 140


@pytest.mark.parametrize("metric, minimum", [("value", 0.74), ("value+unit", 0.51), ("exact", 0.42)])
def test_quantulum_numbers(quantulum_report, metric, minimum):
    assert quantulum_report.scores[metric].f1 >= minimum, quantulum_report.as_dict()[metric]


# -- real news, amounts (real_numbers_dev.jsonl): labelled by someone who never saw the extractor -----
# Issue 10's targets on real news: value F1 >= 0.93, value+unit >= 0.87. First measurement here
# 0.898 / 0.738 / exact 0.539; after the issue-10 rules (money rates as one unit, spelled-out
# numbers, counted nouns behind modifiers, elided and implied nouns, dates and times left out)
# 0.961 / 0.923 / 0.687 (without ordinals, as the issue counts: 0.961 / 0.920); after the dev2
# rules below (fractions as percent, dollar countries, ALL-CAPS units...) 0.969 / 0.931 / 0.695
# (without ordinals 0.969 / 0.928). Pins sit a little under. The held-out half is never read here.


@pytest.fixture(scope="module")
def real_numbers_report():
    return evaluate.score_numbers(evaluate.numbers_examples("real-dev"))


@pytest.mark.parametrize("metric, minimum", [("value", 0.94), ("value+unit", 0.90), ("exact", 0.66)])
def test_real_dev_numbers(real_numbers_report, metric, minimum):
    assert real_numbers_report.scores[metric].f1 >= minimum, real_numbers_report.as_dict()[metric]


def test_real_dev_numbers_without_ordinals():
    """The issue's own definition leaves ordinals out of the amounts score."""
    rep = evaluate.score_numbers(evaluate.numbers_examples("real-dev"), ordinals=False)
    assert rep.scores["value"].f1 >= 0.94 and rep.scores["value+unit"].f1 >= 0.90, rep.as_dict()


# -- real news, amounts, second dev set (real_numbers_dev2.jsonl): a further independent annotator ----
# 264 sentences (Canadian/Australian government releases, NHC advisories, EIA, VOA). First
# measurement: value 0.927, value+unit 0.803, exact 0.619 (without ordinals 0.926 / 0.793 / 0.596).
# After the dollar-country context, ALL-CAPS units, fractions as percent, negative and "/b" money
# rates, MMBtu, weight pounds and multipliers: 0.963 / 0.888 / 0.699 (without ordinals
# 0.964 / 0.884 / 0.682). The same change moved real-dev to 0.969 / 0.931 / 0.695 (without
# ordinals 0.969 / 0.928) and cost the project's dev set 0.997 / 0.981 -> 0.981 / 0.964, whose
# labels keep fractions as ratios and "74 minutes a day" as minutes. Pins sit a little under.


def test_real_dev2_numbers():
    examples = evaluate.load(evaluate.EVAL_DIR / "real_numbers_dev2.jsonl")
    rep = evaluate.score_numbers(examples)
    assert rep.scores["value"].f1 >= 0.95 and rep.scores["value+unit"].f1 >= 0.87, rep.as_dict()
    assert rep.scores["exact"].f1 >= 0.68, rep.as_dict()
    rep = evaluate.score_numbers(examples, ordinals=False)
    assert rep.scores["value"].f1 >= 0.95 and rep.scores["value+unit"].f1 >= 0.87, rep.as_dict()


# -- real news, amounts, third dev set (real_numbers_dev3.jsonl): technical units, sports, non-USD money ----
# First measurement 0.943 / 0.743 / 0.581. After bracketed conversions (hedge, rate, "m"/"in"),
# changes of a rated level, rates after rate units and "/s", hyphenated rates, square-foot,
# units after adjectives, slash fractions, catalogue names and base years: 0.958 / 0.812 / 0.660
# (real-dev2 exact 0.699 -> 0.714, the others unchanged). Then compound counted nouns, scores as
# two counts, periodic pay and object rates: 0.961 / 0.855 / 0.702. Pins sit a little under.


def test_real_dev3_numbers():
    examples = evaluate.load(evaluate.NUMBERS_REAL_DEV3)
    rep = evaluate.score_numbers(examples)
    assert rep.scores["value"].f1 >= 0.95 and rep.scores["value+unit"].f1 >= 0.84, rep.as_dict()
    assert rep.scores["exact"].f1 >= 0.69, rep.as_dict()


# -- real news, amounts, sixth to eighth dev sets: wire news, public-body releases, current events --
# Measured first before any rule saw them (value+unit without ordinals 0.803, 0.715 and 0.795), then
# tuned on; pinned a little under the tuned figures (all amounts: dev6 0.966/0.854/0.727, dev7
# 0.959/0.800/0.681, dev8 0.976/0.848/0.657 after the demonym counts).


@pytest.mark.parametrize(("name", "value", "unit", "exact"), [("real-dev6", 0.96, 0.84, 0.71),
                                                              ("real-dev7", 0.95, 0.79, 0.67),
                                                              ("real-dev8", 0.97, 0.83, 0.64)])
def test_real_dev6_and_dev7_numbers(name, value, unit, exact):
    rep = evaluate.score_numbers(evaluate.numbers_examples(name))
    assert rep.scores["value"].f1 >= value and rep.scores["value+unit"].f1 >= unit, rep.as_dict()
    assert rep.scores["exact"].f1 >= exact, rep.as_dict()


@pytest.mark.parametrize("name, size", [("real-dev6", 200), ("real-dev7", 200), ("real-dev8", 200), ("real-dev9", 190),
                                        ("real-dev10", 190), ("real-dev11", 190), ("real-dev12", 190),
                                        ("real-dev13", 190), ("real-dev14", 180),
                                        ("real-dev15", 190), ("real-dev16", 200), ("real-dev17", 130),
                                        ("real-dev18", 170), ("real-dev19", 170), ("real-dev20", 170),
                                        ("real-dev21", 170), ("real-dev22", 180), ("real-dev23", 200),
                                        ("real-dev24", 180), ("real-dev25", 200), ("real-dev26", 140),
                                        ("real-dev27", 160), ("real-dev28", 190), ("real-dev29", 130),
                                        ("real-dev30", 140), ("real-dev31", 200), ("real-dev32", 190),
                                        ("real-dev33", 170), ("real-dev34", 140), ("real-dev35", 190),
                                        ("real-dev36", 200), ("real-dev37", 200), ("real-dev38", 200), ("real-dev39", 150), ("real-dev40", 180), ("real-dev41", 180), ("real-dev42", 210), ("real-dev43", 230), ("real-dev44", 180)])
def test_real_dev6_to_dev44_are_evaluated(name, size, capsys):
    from newsflow.cli import main

    assert len(evaluate.numbers_examples(name)) > size
    assert main(["eval", "--only", "numbers", "--set", name, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"value", "value+unit", "exact"} <= set(out["numbers"])


# -- real news, amounts, ninth dev set: labelled after this round's first rules, then tuned on ----
# First measurement without ordinals: 0.821 value+unit with the code before the round, 0.825 with
# the demonym counts, 0.856 with the site's dollar (all amounts 0.942 / 0.862 / 0.688); then its
# errors taught more score words, "from X to Y" levels and "kts" (0.891; all amounts 0.962 / 0.894 /
# 0.726). Pinned under the first measurement.


def test_real_dev9_numbers_do_not_fall():
    rep = evaluate.score_numbers(evaluate.numbers_examples("real-dev9"))
    assert rep.scores["value"].f1 >= 0.93 and rep.scores["value+unit"].f1 >= 0.85, rep.as_dict()
    assert rep.scores["exact"].f1 >= 0.67, rep.as_dict()


# -- real news, amounts, tenth dev set: general news labelled after this round's rules -------------
# First measurement without ordinals: 0.788 value+unit with the code before the round, 0.805 with
# it; its errors then taught "beaten", "blown out", "semifinal win", vote tallies and counted-noun
# fixes (0.864; all amounts 0.935 / 0.863 / 0.687). Pinned under the first measurement.


def test_real_dev10_numbers_do_not_fall():
    rep = evaluate.score_numbers(evaluate.numbers_examples("real-dev10"))
    assert rep.scores["value"].f1 >= 0.90 and rep.scores["value+unit"].f1 >= 0.80, rep.as_dict()
    assert rep.scores["exact"].f1 >= 0.62, rep.as_dict()


# -- real news, amounts, eleventh to sixteenth dev sets (session 21), each from a fresh labeller and
# measured first before any rule saw it. Value+unit without ordinals, with the session-start code,
# then with the session's rules written before the set existed:
#   dev11 general news and sport            0.719, 0.728 (value 0.924)
#   dev12 business, statistics, energy      0.823, 0.820 (value 0.949)
#   dev13 current-events items              0.871, 0.880 (value 0.973)
#   dev14 Wikinews and VOA news             0.767, 0.835 (value 0.913 -> 0.934)
#   dev15 VOA news and US federal releases  0.855, 0.863 (value 0.981)
#   dev16 current events and sports pages   0.683, 0.705 (value 0.840 -> 0.859)
#   dev17 "Month Year in sports" pages      0.412, 0.538 (value 0.635 -> 0.787)
#   dev18 US federal releases               0.775, 0.792 (value 0.959 -> 0.972)
# Their errors then taught tennis sets, magnitudes, gas volumes ("Bcf/d"), fractions of a percent
# (dev11-12); acronym plurals, "people smugglers", scores not read as ranges, win-loss records
# (dev13-14); results lines, cricket innings and scorecards, margins, verbs ending a noun phrase,
# coordinated modifiers (dev15-16); rankings, standings, cricket totals and figures, major-league
# teams (dev17); a change then its level, quarters as periods, degree days (dev18); a reviewer's
# attack then narrowed several of them. Pinned under
# the tuned figures (all amounts, value / value+unit / exact), above each first measurement.


# -- real news, amounts, nineteenth and twentieth dev sets (session 21): current-events items and
# sports pages; Wikinews and VOA news. Labelled after every rule of the session was written and
# kept for measurement only, like the held-out set: value+unit without ordinals 0.717 and 0.856
# with the session-start code, 0.846 and 0.883 with the session's rules (value 0.839 -> 0.933,
# 0.947 -> 0.967; all amounts dev19 0.902 / 0.825 / 0.671, dev20 0.963 / 0.886 / 0.710). Pinned a
# little under that measurement, in test_real_dev11_to_dev36_numbers_do_not_fall below.


# -- real news, amounts, twenty-first to twenty-fourth dev sets (session 22), each from a fresh
# labeller and measured first before any rule saw it. Value+unit without ordinals with the
# session-start code, then with the session's first rules (written before the sets existed):
#   dev21 "Month Year in sports" pages            0.682, 0.684 (value 0.818)
#   dev22 current-events items and Wikinews        0.857, 0.867 (value 0.978)
#   dev23 US federal releases and VOA              0.780, 0.783 (value 0.951)
#   dev24 a mix like the held-out set's            0.789, 0.789 (value 0.933)
# Their errors then taught race times in letters and tenths, inline cricket scorecards, tennis
# seeds, table points, series beside their score (dev21); pay in a release's brackets, US states'
# dollars, headline casualties, populations, terms of art, label lists, mixed ranges, a shared-out
# "one" (dev22-24). Pinned under the tuned figures (all amounts, value / value+unit / exact).


# -- real news, amounts, twenty-fifth to twenty-eighth dev sets (session 22): labelled while the
# session's middle rules were written and first kept for measurement only. Value+unit without
# ordinals, session-start code -> the code when they arrived (no rule had come from them):
#   dev25 a held-out-like mix, 2014-2023          0.820 -> 0.830 (value 0.941 -> 0.947)
#   dev26 current-events pages, 2003-2008         0.902 -> 0.902 (value 0.969 -> 0.980)
#   dev27 Wikinews and VOA news                   0.815 -> 0.815 (value 0.947 -> 0.947)
#   dev28 US federal releases                     0.819 -> 0.819 (value 0.957 -> 0.957)
# Their errors then taught fish landings in pounds, vote tallies "322 to 306", "One Jordanian
# soldier", group shares, spans in words, inch marks, thousands written once (tuned: 0.858,
# 0.913, 0.836, 0.860).
#
# -- twenty-ninth to thirty-second (session 22): labelled while the middle rules were written and
# first kept for measurement only. Session-start code -> the code when they arrived:
#   dev29 current events, sports pages, federal releases, 2009-2013   0.795 -> 0.805
#   dev30 VOA news, 2015-2024                                         0.818 -> 0.836
#   dev31 Wikinews and current events                                 0.838 -> 0.838
#   dev32 UK, Canadian, Australian, NZ and US releases                0.783 -> 0.794
# then tuned on (death tolls, "one of three leaks", oil prices per barrel, changes of a price per
# unit, heights in feet and inches, "six crew").
#
# -- thirty-third to thirty-sixth (session 22): labelled while the last rules were written and kept
# for measurement only, like the held-out set (no one read their errors). Session-start code ->
# the code when they arrived -> end of session (after a reviewer's fixes):
#   dev33 current events, Wikinews sports, federal releases   0.826 -> 0.838 -> 0.838
#   dev34 Wikinews and VOA, 2005-2014                         0.878 -> 0.886 -> 0.881
#   dev35 current-events pages, 2005-2011                     0.884 -> 0.899 -> 0.895
#   dev36 statistical releases                                0.860 -> 0.868 -> 0.868
# On text no rule had seen, the session's rules moved value+unit by about 0.01. Every set pinned a
# little under its last measurement (all amounts, value / value+unit / exact).

#
# -- real news, amounts, thirty-seventh to forty-fourth dev sets (sessions 23 and 24), each from a
# fresh labeller. Value+unit without ordinals: session-22 code (7e18c72) -> session 23's code when
# they arrived -> end of session 24 (scorer with whole-token gold, see test_scorer_locates_...):
#   dev37 current-events pages, 2012-2022            0.879 -> 0.899 -> 0.907   (tuned on)
#   dev38 Wikinews and VOA, 2015-2024                0.835 -> 0.860 -> 0.881   (tuned on)
#   dev39 US federal releases and advisories         0.830 -> 0.878 -> 0.917   (tuned on)
#   dev40 a mix: current events, sports, VOA, federal 0.820 -> 0.836 -> 0.873  (tuned on)
#   dev41 a held-out-like mix (measured only)        0.871 -> 0.897 -> 0.897
#   dev42 VOA news and Special English (measured)    0.784 -> 0.784 -> 0.797
#   dev43 current events and sports (measured only)  0.829 -> 0.851 -> 0.851
#   dev44 US federal releases (measured only)        0.776 -> 0.908 -> 0.911   (MMBtu's name, see README)
# dev41-44's errors were never read. Pinned a little under the end-of-session figures (all
# amounts, value / value+unit / exact).


@pytest.mark.parametrize(("name", "value", "unit", "exact"), [
    ("real-dev11", 0.93, 0.80, 0.66), ("real-dev12", 0.96, 0.85, 0.66), ("real-dev13", 0.97, 0.89, 0.70),
    ("real-dev14", 0.93, 0.84, 0.69), ("real-dev15", 0.97, 0.86, 0.70), ("real-dev16", 0.91, 0.78, 0.63),
    ("real-dev17", 0.87, 0.75, 0.67), ("real-dev18", 0.95, 0.80, 0.63),
    ("real-dev19", 0.89, 0.81, 0.65), ("real-dev20", 0.95, 0.87, 0.69),  # measured only
    ("real-dev21", 0.90, 0.82, 0.72), ("real-dev22", 0.97, 0.86, 0.74), ("real-dev23", 0.93, 0.82, 0.67),
    ("real-dev24", 0.94, 0.84, 0.76),
    ("real-dev25", 0.92, 0.83, 0.73), ("real-dev26", 0.96, 0.90, 0.76), ("real-dev27", 0.94, 0.82, 0.68),
    ("real-dev28", 0.94, 0.84, 0.71),
    ("real-dev29", 0.93, 0.81, 0.72), ("real-dev30", 0.95, 0.82, 0.73), ("real-dev31", 0.96, 0.88, 0.75),
    ("real-dev32", 0.94, 0.78, 0.66),
    ("real-dev33", 0.93, 0.83, 0.70), ("real-dev34", 0.96, 0.86, 0.75), ("real-dev35", 0.96, 0.89, 0.77),
    ("real-dev36", 0.95, 0.85, 0.63),  # dev33-36: measured only
    ("real-dev37", 0.97, 0.90, 0.80), ("real-dev38", 0.95, 0.87, 0.73), ("real-dev39", 0.96, 0.90, 0.67),
    ("real-dev40", 0.97, 0.87, 0.77),
    ("real-dev41", 0.95, 0.88, 0.74), ("real-dev42", 0.91, 0.80, 0.66), ("real-dev43", 0.95, 0.84, 0.76),
    ("real-dev44", 0.93, 0.88, 0.62)])  # dev41-44: measured only
def test_real_dev11_to_dev44_numbers_do_not_fall(name, value, unit, exact):
    rep = evaluate.score_numbers(evaluate.numbers_examples(name))
    assert rep.scores["value"].f1 >= value and rep.scores["value+unit"].f1 >= unit, rep.as_dict()
    assert rep.scores["exact"].f1 >= exact, rep.as_dict()


# -- real news, amounts, held out (real_numbers_heldout.jsonl): measured, never tuned on ---------
# Pinned a little under the last measurement (value 0.963, value+unit 0.877, exact 0.761 after
# sessions 23-24; 0.957 / 0.849 / 0.733 after session 22's round, whose inclusive bounds moved
# exact; 0.957 / 0.852 / 0.688 after session 21's, 0.947 / 0.845 / 0.675 before it), so a change
# that loses real-news amounts fails here even if the dev sets hold.


def test_real_heldout_numbers_do_not_fall():
    rep = evaluate.score_numbers(evaluate.load(evaluate.NUMBERS_REAL_HELDOUT))
    assert rep.scores["value"].f1 >= 0.96 and rep.scores["value+unit"].f1 >= 0.87, rep.as_dict()
    assert rep.scores["exact"].f1 >= 0.75, rep.as_dict()


def test_real_heldout_numbers_meet_the_issue_targets():
    """Issue 10's definition (ordinals left out of gold and predictions alike): value F1 >= 0.93
    and value+unit F1 >= 0.87. Measured 0.968 / 0.875 at the end of session 24 (0.962 / 0.844 at
    its predecessor's start, 7e18c72)."""
    rep = evaluate.score_numbers(evaluate.load(evaluate.NUMBERS_REAL_HELDOUT), ordinals=False)
    assert rep.scores["value"].f1 >= 0.93 and rep.scores["value+unit"].f1 >= 0.87, rep.as_dict()


# -- bag of mentions, coarse classes (PER, ORG, LOC, MISC): the measure for real newswire ----------


def test_bag_scorer_counts_mentions():
    """The bag scorer itself: per document, (text, class) multisets; "the" and 's do not matter;
    dates are not scored; a repeated mention found once is one hit and one miss."""
    from types import SimpleNamespace as NS

    ex = [{"id": "t", "text": "x", "entities": [
        {"text": "the United States", "label": "GPE"}, {"text": "Brexit", "label": "EVENT"},
        {"text": "Brexit", "label": "EVENT"}, {"text": "Monday", "label": "DATE"}]}]
    pred = [NS(text="United States's", label_="GPE"), NS(text="Brexit", label_="PERSON"),
            NS(text="Brexit", label_="EVENT"), NS(text="Tuesday", label_="DATE")]
    fake = NS(pipe=lambda texts: [NS(ents=pred) for _ in texts])
    rep = evaluate.score_entity_bags(ex, nlp=fake)
    assert (rep.scores["all"].tp, rep.scores["all"].fp, rep.scores["all"].fn) == (2, 1, 1)
    assert rep.scores["label:MISC"].fn == 1 and rep.scores["label:PER"].fp == 1


@pytest.mark.parametrize("name, minimum", [("dev", 0.85), ("heldout", 0.83)])
def test_bag_mode_on_project_sets(nlp, name, minimum):
    """Measured 0.872 (raw 0.761) on dev and 0.858 (raw 0.723) on heldout."""
    ex = evaluate.load(evaluate.ENTITY_SETS[name])
    ours, base = evaluate.score_entity_bags(ex, nlp=nlp), evaluate.score_entity_bags(ex, baseline=True)
    assert ours.scores["all"].f1 >= minimum
    for label in ("PER", "ORG", "LOC", "MISC"):
        assert ours.scores[f"label:{label}"].f1 >= base.scores[f"label:{label}"].f1, label


@pytest.fixture(scope="module")
def real_dev_reports(nlp):
    ex = evaluate.load(evaluate.REAL_ENTITIES_DEV)
    return ex, evaluate.score_entity_bags(ex, nlp=nlp), evaluate.score_entity_bags(ex, baseline=True)


def test_real_dev_set_is_large_enough(real_dev_reports):
    ex = real_dev_reports[0]
    assert sum(len(e["entities"]) for e in ex) >= 400
    assert all(e.get("source") and e.get("licence") for e in ex)


# Real news (Wikipedia current events, Wikinews, VOA, US-government releases), labelled by someone
# who never saw the extractor. Before the context rules: all 0.770, PER 0.778, ORG 0.600, LOC 0.871,
# MISC 0.683; after: all 0.855 (raw 0.768); PER 0.874 (0.784), ORG 0.781 (0.604), LOC 0.914
# (0.873), MISC 0.748 (0.656). The issue's target is 0.72 per class.
@pytest.mark.parametrize("label, minimum", [("all", 0.83), ("label:PER", 0.84), ("label:ORG", 0.74),
                                            ("label:LOC", 0.89), ("label:MISC", 0.72)])
def test_real_dev_entities(real_dev_reports, label, minimum):
    _, ours, _ = real_dev_reports
    assert ours.scores[label].f1 >= minimum, ours.as_dict()[label]


def test_real_dev_no_class_worse_than_raw_model(real_dev_reports):
    _, ours, base = real_dev_reports
    worse = {k: (round(ours.scores[k].f1, 3), round(v.f1, 3)) for k, v in base.scores.items()
             if ours.scores[k].f1 < v.f1}
    assert worse == {}
    assert ours.scores["all"].f1 > base.scores["all"].f1 + 0.05


@pytest.mark.skipif(not evaluate.REAL_ENTITIES_HELDOUT.exists(), reason="real held-out set not written yet")
def test_real_heldout_no_class_worse_than_raw_model(nlp):
    """Final measurement only: never look at this set's errors (that would make it a dev set)."""
    ex = evaluate.load(evaluate.REAL_ENTITIES_HELDOUT)
    ours, base = evaluate.score_entity_bags(ex, nlp=nlp), evaluate.score_entity_bags(ex, baseline=True)
    worse = {k: (round(ours.scores[k].f1, 3), round(v.f1, 3)) for k, v in base.scores.items()
             if ours.scores[k].f1 < v.f1}
    assert worse == {}


def test_eval_command_scores_real_sets_as_bags(nlp, capsys):
    import json

    from newsflow.cli import main

    assert main(["eval", "--only", "entities", "--set", "real-dev", "--baseline", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"label:PER", "label:ORG", "label:LOC", "label:MISC"} <= set(out["entities"])
    assert set(out["entities_baseline"]) == set(out["entities"])
    assert main(["eval", "--only", "entities", "--set", "dev", "--mode", "bag", "--json"]) == 0
    assert "label:MISC" in json.loads(capsys.readouterr().out)["entities"]


# -- real news, quotes and dates (issue 13; newsflow.evaluate_gkg, `newsflow eval --only quotes|dates`) --
# Labelled by a second annotator who never saw the extractors (evaldata/README_real.md). Measured
# when wired into `newsflow eval`, nothing tuned on the held-out halves:
#   quotes real-dev      span 0.961 (P 1.000, R 0.925), speaker 0.816 (P 0.849, R 0.785), speaker+verb 0.816
#   quotes real-heldout  span 0.935 (P 1.000, R 0.878), speaker 0.722 (P 0.772, R 0.678), speaker+verb 0.686
#   dates real-dev       span 1.000, resolved 0.981 (P 0.981, R 0.981)
#   dates real-heldout   span 0.963 (P 0.984, R 0.944), resolved 0.906 (P 0.925, R 0.887)
# Pins sit a little under. The held-out halves are measured here and never read for their errors.


@pytest.fixture(scope="module")
def gkg_reports(nlp):
    from newsflow.evaluate_gkg import DATES_SETS, QUOTES_SETS, score_dates, score_quotes

    return {("quotes", name): score_quotes(evaluate.load(path), nlp=nlp) for name, path in QUOTES_SETS.items()} | \
        {("dates", name): score_dates(evaluate.load(path)) for name, path in DATES_SETS.items()}


@pytest.mark.parametrize("kind, name, metric, minimum", [
    ("quotes", "real-dev", "span", 0.94), ("quotes", "real-dev", "speaker", 0.79),
    ("quotes", "real-dev", "speaker+verb", 0.79),
    ("quotes", "real-heldout", "span", 0.91), ("quotes", "real-heldout", "speaker", 0.70),
    ("quotes", "real-heldout", "speaker+verb", 0.66),
    ("dates", "real-dev", "span", 0.98), ("dates", "real-dev", "resolved", 0.96),
    ("dates", "real-heldout", "span", 0.94), ("dates", "real-heldout", "resolved", 0.88),
])
def test_real_quotes_and_dates(gkg_reports, kind, name, metric, minimum):
    rep = gkg_reports[kind, name]
    assert rep.scores[metric].f1 >= minimum, rep.as_dict()[metric]


@pytest.mark.parametrize("kind, name, metric, minimum", [
    ("quotes", "real-dev", "speaker", 0.82), ("quotes", "real-heldout", "speaker", 0.75),
    ("dates", "real-dev", "resolved", 0.96), ("dates", "real-heldout", "resolved", 0.90),
])
def test_real_quotes_and_dates_precision(gkg_reports, kind, name, metric, minimum):
    """A wrong speaker or a wrong date is worse than none: precision has its own floor."""
    rep = gkg_reports[kind, name]
    assert rep.scores[metric].precision >= minimum, rep.as_dict()[metric]


def test_eval_command_scores_quotes_and_dates(nlp, capsys):
    import json

    from newsflow.cli import main

    assert main(["eval", "--only", "quotes", "--set", "real-dev", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"quotes"} and {"span", "speaker", "speaker+verb"} <= set(out["quotes"])
    assert {"precision", "recall", "f1"} <= set(out["quotes"]["speaker"])
    assert main(["eval", "--only", "dates", "--set", "real-dev", "--errors", "2"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("dates (span") and "resolved" in text
    assert main(["eval", "--only", "dates", "--set", "dev"]) == 2  # the project's dev sets have no dates
    assert "real-dev or real-heldout" in capsys.readouterr().err
