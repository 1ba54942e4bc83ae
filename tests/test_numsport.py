"""Results lines and cricket scorecards (newsflow.numsport), through the scanner."""

from __future__ import annotations

import calendar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsflow.numbers import extract


def _counts(sentence: str) -> list[tuple[float, str | None]]:
    return [(a.value, a.unit) for a in extract(sentence) if a.kind != "ordinal"]


@pytest.mark.parametrize("sentence, expected", [
    ("Kansas City Royals 9, Detroit Tigers 6: The Tigers fail to clinch the Central.", [(9, "run"), (6, "run")]),
    ("(2) LSU 45, Mississippi State 0", [(45, "point"), (0, "point")]),  # a ranking is no count
    ("Sun Bowl: Oregon State 3, (20) Pittsburgh 0", [(3, "point"), (0, "point")]),
    ("New York Jets 23, Oakland Raiders 20 – The Jets clinch a wild-card spot.", [(23, "point"), (20, "point")]),
    ("Microsoft released Windows 10, Office 365 and more.", []),
])
def test_results_lines_count_both_scores_and_drop_rankings(sentence, expected):
    assert _counts(sentence) == expected


@pytest.mark.parametrize("sentence, expected", [
    ("332–8 (50 overs) beat 174 ( 38.3 overs ) by 158 runs",
     [(332, "run"), (8, "wicket"), (50, "over"), (174, "run"), (38.3, "over"), (158, "run")]),
    ("Chennai Super Kings 116/1 (14.5 ov.) beat Kings XI Punjab 112/8 (20 ov.) by 9 wickets",
     [(116, "run"), (1, "wicket"), (14.5, "over"), (112, "run"), (8, "wicket"), (20, "over"), (9, "wicket")]),
    ("Australia struggled, precariously placed at 145/6 at stumps on Day 2.", [(145, "run"), (6, "wicket")]),
    ("Boje ended with bowling figures of 0/221 from 65 overs.", [(0, "wicket"), (221, "run"), (65, "over")]),
    ("The ratio was 3/4 of the cost.", []),  # no cricket, no scorecard
])
def test_cricket_totals_figures_and_overs(sentence, expected):
    assert _counts(sentence) == expected


@pytest.mark.parametrize("sentence, expected", [
    ("The Giants improve to 11–1, and need one more win.", [(11, "win"), (1, "loss"), (1, "win")]),
    ("The Bears remain unbeaten at 6–0, despite being down 20–0 at halftime.",
     [(6, "win"), (0, "loss"), (20, "point"), (0, "point")]),
    ("The Golden Bears come back from a 21–0 second-quarter deficit.", [(21, "point"), (0, "point")]),
    ("Shares fell to 5-6.", [(5, None)]),  # a standing needs a sentence about games
])
def test_standings_and_deficits(sentence, expected):
    assert _counts(sentence) == expected


@pytest.mark.parametrize("sentence, expected", [
    ("Kansas City Royals 9, Detroit Tigers 6: The Tigers fail to clinch the Central.", [(9, "run"), (6, "run")]),
    ("In Miami, Florida: Miami Heat 120, Boston Celtics 107.", [(120, "point"), (107, "point")]),
    ("The Red Wings win the series 4–2.", [(4, "game"), (2, "game")]),  # a hockey series counts games
    ("AFC All-Stars 41, NFC All-Stars 34.", [(41, "point"), (34, "point")]),  # "Stars" inside a word is no team
    ("Kansas handed the Tigers their second loss of the season, winning in overtime, 75-68.", [(75, "point"), (68, "point")]),
])
def test_a_major_league_team_names_the_sport_of_a_score(sentence, expected):
    assert _counts(sentence) == expected


@pytest.mark.parametrize("sentence, expected", [
    ("The 49ers become the first west coast team to win.", []),  # a team's name
    ("Philadelphia 76ers 101, Boston Celtics 99.", [(101, "point"), (99, "point")]),
    ("He retired on lap 43 after a collision.", []),  # a lap's number is a label
    ("Club América 2 — 3 Arsenal de Sarandí, Estadio Azteca", [(2, "goal"), (3, "goal")]),
    ("The Illini take command with a 19–0 run late in the first half.", [(19, "point"), (0, "point")]),
])
def test_team_names_with_digits_laps_dashed_scores_and_scoring_runs(sentence, expected):
    assert _counts(sentence) == expected


# Input nobody here wrote: any capitalised team names and any scores of a results line, any
# runs, wickets and overs of an innings; the reader must give back exactly those numbers.
# (not a month, a weekday or a word that makes the number a label: "May 5", "Room 10" are no scores)
_NOT_TEAMS = frozenset(w.lower() for w in (*calendar.month_name[1:], *calendar.month_abbr[1:], *calendar.day_name,
                                           *"number route flight section article chapter page room gate platform line "
                                            "code level grade category phase stage version model season episode item unit "
                                            "paragraph clause amendment resolution highway interstate seat row box channel "
                                            "round lap week sept".split()))
_NAME = st.from_regex(r"[A-Z][a-z]{2,9}( [A-Z][a-z]{2,9}){0,2}", fullmatch=True).filter(
    lambda n: not _NOT_TEAMS.intersection(n.lower().split()))


@settings(max_examples=150, deadline=None)
@given(_NAME, _NAME, st.integers(0, 199), st.integers(0, 199))
def test_any_results_line_gives_both_scores(a, b, x, y):
    found = [(f.value, f.kind) for f in extract(f"{a} {x}, {b} {y}.") if f.kind != "ordinal"]
    assert found == [(float(x), "count"), (float(y), "count")]


@settings(max_examples=150, deadline=None)
@given(_NAME, st.integers(0, 999), st.integers(0, 10), st.integers(1, 50), st.integers(0, 5))
def test_any_innings_before_its_overs_gives_runs_and_wickets(team, runs, wickets, overs, balls):
    found = {(f.value, f.unit) for f in extract(f"{team} {runs}/{wickets} ({overs}.{balls} overs) won.")}
    assert {(float(runs), "run"), (float(wickets), "wicket")} <= found


@pytest.mark.parametrize("sentence, expected", [
    ("Western Bulldogs 21.14 (140) def. West Coast Eagles 14.13 (97) at the MCG",
     [("21", "goal"), ("14", "behind"), ("140", "point"), ("14", "goal"), ("13", "behind"), ("97", "point")]),
    ("Tied 10–10 with 3:16 left in the first.", [("10", "point"), ("10", "point"), ("3:16", "second")]),  # scores from 10 are points
    ("With 0:18 remaining in the game, Australia led 68–62.", [("0:18", "second"), ("68", "point"), ("62", "point")]),
    ("WGC Match Play: Henrik Stenson defeated Geoff Ogilvy 2 and 1.", [("2", "hole"), ("1", "hole")]),
    ("By halftime, the scoreboard read Army-31, Marines-21.", [("31", "point"), ("21", "point")]),
    ("Netherlands 115 (31.3 overs; Kemar Roach 6/27) in New Delhi.",
     [("115", "run"), ("31.3 overs", "over"), ("6", "wicket"), ("27", "run")]),
])
def test_sports_pages_own_layouts_are_read(sentence, expected):
    got = [(a.text, a.unit) for a in extract(sentence) if a.kind != "ordinal"]
    assert got == expected
    if "3:16" in sentence:
        assert [a.value for a in extract(sentence) if a.unit == "second"] == [196.0]


@pytest.mark.parametrize("sentence", [
    "The firmware moved from version 2.1 (13) to 2.2.",  # a decimal before a bracket, no name before it
    "Scores 21.14 (139) were reported.",  # the sum does not hold
    "The meeting ended with 3:16 of the agenda read.",  # no clock word after
    "He defeated the motion 2 and 1 in committee.",  # match play needs golf
    "The F-16, MiG-29 and Su-27 jets flew past.",  # aircraft, not a results line
    "Kemar Roach 6/27 signed the form.",  # figures need cricket
])
def test_sports_layouts_stay_out_of_other_text(sentence):
    assert not any(a.unit in ("goal", "behind", "hole", "wicket") or (a.unit == "second" and ":" in a.text)
                   for a in extract(sentence))


@given(goals=st.integers(0, 40), behinds=st.integers(0, 30), team=st.from_regex(r"[A-Z][a-z]{2,10}", fullmatch=True))
def test_any_australian_rules_tally_is_goals_behinds_and_points(goals, behinds, team):
    s = f"{team} {goals}.{behinds} ({goals * 6 + behinds}) def. Carlton 1.2 (8)"
    got = [(a.value, a.unit) for a in extract(s)]
    assert got == [(goals, "goal"), (behinds, "behind"), (goals * 6 + behinds, "point"), (1, "goal"), (2, "behind"), (8, "point")]


@pytest.mark.parametrize("sentence, expected", [
    ("Guerini won in 3h 33m 04s, followed by Casar (+2m 46s).", [("3h 33m 04s", 12784.0), ("2m 46s", 166.0)]),
    ("Kowalczyk (POL) 32:02.4 and Johaug 32:11.5", [("32:02.4", 1922.4), ("32:11.5", 1931.5)]),
    ("Ivica Kostelić (CRO) 2:57.12", [("2:57.12", 177.12)]),
])
def test_race_times_in_letters_and_fractions_are_seconds(sentence, expected):
    assert [(a.text, a.value) for a in extract(sentence) if a.unit == "second"] == expected


def test_race_time_layouts_leave_clock_times_and_metres_alone():
    assert not any(a.unit == "second" for a in extract("The meeting starts at 10:30 and the pool is 50m long."))


@pytest.mark.parametrize("sentence, expected", [
    ("First Test: Sri Lanka 185 (Dilshan 69) and 448/5 dec. (Sangakkara 185, Jayawardene 85) drew.",
     [("185", "run"), ("69", "run"), ("448", "run"), ("5", "wicket"), ("185", "run"), ("85", "run")]),
    ("The Test ends: England 139 & 570–9 dec, South Africa 332 & 290–8.",
     [("139", "run"), ("570", "run"), ("9", "wicket"), ("332", "run"), ("290", "run"), ("8", "wicket")]),
    ("Lancashire (4pts) beat Gloucestershire (0pts) by 6 wickets",
     [("4pts", "point"), ("0pts", "point"), ("6 wickets", "wicket")]),
])
def test_inline_cricket_scorecards(sentence, expected):
    assert [(a.text, a.unit) for a in extract(sentence) if a.kind != "ordinal"] == expected


def test_scorecard_layouts_need_cricket_and_skip_dates():
    assert [(a.text, a.unit) for a in extract("The Illini take the game with a 19–0 run.")] == [
        ("19", "point"), ("0", "point")]
    assert not any(a.unit == "run" for a in extract("SAN ANTONIO (July 2, 2018) - Athletes won a Test medal."))


def test_tennis_seeds_are_places_and_short_tiebreaks_points():
    got = [(a.text, a.kind, a.unit) for a in extract("Dinara Safina [1] def. Sabine Lisicki 6–7(5) 6–4 6–1")]
    assert got[0] == ("[1]", "ordinal", None)
    assert ("5", "count", "point") in got
    assert [a.unit for a in extract("Dinara Safina [1] def. Sabine Lisicki 6–7(5) 6–4 6–1") if a.kind == "count"].count(
        "game") == 6


@pytest.mark.parametrize("sentence, units", [
    ("David Ortiz hits a home run to win the game 8–6, ending the series.", ["run", "run"]),  # Red Sox? no: runs
    ("Cleveland Indians 6, New York Yankees 4 Cleveland wins series, 3–1.", ["run", "run", "game", "game"]),
    ("The Wallabies come back from a 15–6 halftime deficit.", ["point", "point"]),
])
def test_a_series_counts_games_only_beside_its_own_score(sentence, units):
    assert [a.unit for a in extract(sentence) if a.kind == "count"] == units


def test_money_in_brackets_is_no_batsman_and_over_is_no_overs():
    s = "Hoyzer told prosecutors that he was paid over €50,000 (USD 65,000) to fix matches."
    assert [(a.text, a.unit) for a in extract(s)] == [("over €50,000", "EUR"), ("USD 65,000", "USD")]


def test_baseball_innings_are_innings_of_one():
    assert [a.unit for a in extract("Santana pitched six innings for the Twins.")] == ["inning"]
    assert [a.unit for a in extract("Tendulkar batted for five innings in the Test.")] == ["innings"]


def test_a_series_named_before_its_verb():
    s = "England 173/5 (19.3 ov.) beat West Indies 169/7 (20 ov.) by 5 wickets Series tied 1–1 with none to play."
    assert [a.unit for a in extract(s)][-2:] == ["match", "match"]


@pytest.mark.parametrize("line, expected", [
    ("England 600/6d;  West Indies 398/5 (Ramnaresh Sarwan 184*).",
     [(600.0, "run"), (6.0, "wicket"), (398.0, "run"), (5.0, "wicket"), (184.0, "run")]),
    ("Australia 466 and 51/1;  South Africa 220 (AB de Villiers 104*).",
     [(466.0, "run"), (51.0, "run"), (1.0, "wicket"), (220.0, "run"), (104.0, "run")]),
])
def test_a_declared_total_or_a_not_out_star_marks_a_scorecard_without_cricket_words(line, expected):
    assert [(a.value, a.unit) for a in extract(line) if a.kind != "ordinal"] == expected


def test_a_star_after_a_rating_marks_no_scorecard():
    units = {a.unit for a in extract("The hotel was rated 4.5* by 200 users, and Smith 5* by 20.")}
    assert not units & {"run", "wicket"}


@pytest.mark.parametrize("line, expected", [
    ("Germany beat Poland 29:24 in the final of the World Men's Handball Championship.", [(29.0, "goal"), (24.0, "goal")]),
    ("India win the series 3:1.", [(3.0, "match"), (1.0, "match")]),
])
def test_a_score_written_with_a_colon_after_a_score_verb_or_series(line, expected):
    assert [(a.value, a.unit) for a in extract(line) if a.kind != "ordinal"] == expected


@pytest.mark.parametrize("line", ["He won the race at 2:15 pm.", "They won, and at 10:30 GMT the team left.",
                                  "The ratio was 3:1 after the vote."])
def test_a_clock_or_a_ratio_with_a_colon_is_no_score(line):
    assert not any(a.unit in ("goal", "point", "match") for a in extract(line))
