"""Rules for units the sentence gives away around the number: relative times, years before
reports, elided and referred-back nouns, population rates, race times and distances, index
levels, torque, farm weights, cricket runs. Sentences written for these tests."""

import pytest

from newsflow.numbers import extract


def found(sentence):
    return [(a.text, a.value, a.unit) for a in extract(sentence)]


@pytest.mark.parametrize("sentence", [
    "Three months ago, the factory closed its doors.",
    "Five years later, the road was finally paved.",
    "The talks had collapsed two weeks earlier.",
])
def test_relative_times_are_not_durations(sentence):
    assert found(sentence) == []


def test_durations_before_other_words_stay():
    assert found("The strike lasted three months.") == [("three months", 3.0, "month")]


@pytest.mark.parametrize("sentence", [
    "Preliminary 2021 data show a rise in exports.",
    "The agency released 2019 crop production figures on Monday.",
    "They studied the 2016 election results closely.",
])
def test_a_year_before_a_report_is_no_count(sentence):
    assert found(sentence) == []


def test_staff_are_staff_members():
    assert found("The council employs 1,250 staff across the region.") == [("1,250 staff", 1250.0, "staff member")]


def test_disease_names_in_s_are_modifiers():
    assert found("Officials reported 312 mumps cases last month.") == [("312 mumps cases", 312.0, "case")]


def test_a_number_word_after_a_year_starts_its_own_amount():
    assert found("From 2005 three points were given for a win.") == [("three points", 3.0, "point")]


def test_torque_units():
    assert found("The engine delivers 350 lb-ft (475 N·m) of torque.") == [
        ("350 lb-ft", 350.0, "pound-foot"), ("475 N·m", 475.0, "newton-metre")]


def test_race_times_are_seconds():
    assert found("She won in 2:21:09 hours, and he finished in 2:05:30.") == [
        ("2:21:09 hours", 8469.0, "second"), ("2:05:30", 7530.0, "second")]
    assert found("The alarm sounded at 10:15:00 local time.") == []


def test_race_distances_in_k():
    assert found("The festival has a 5K fun run and a 10K race.") == [
        ("5K", 5.0, "kilometre"), ("10K", 10.0, "kilometre")]


def test_a_half_before_a_noun_is_no_share():
    assert found("She ran a half marathon on Sunday.") == []
    assert found("Profits fell by a half.")[0][1:] == (50.0, "percent")


def test_stock_index_levels():
    assert found("The Nasdaq ended the day above the 15,000 mark.") == [("15,000", 15000.0, "point")]
    assert found("Last week the FTSE hit a record high of 8,123.") == [("8,123", 8123.0, "point")]
    assert found("Shares in the Standard & Poor's 500 index slipped.") == []


def test_a_year_does_not_make_its_neighbour_a_label():
    res = found("There were 40 strikes in 2019 and 35 in 2020.")
    assert res == [("40 strikes", 40.0, "strike"), ("35", 35.0, "strike")]


def test_ridership_counts_passengers():
    assert found("Weekly ridership climbed to 95,000 in May.") == [("95,000", 95000.0, "passenger")]


def test_others_after_a_harmed_subject_are_the_same_people():
    assert found("Three firefighters were injured and two others were killed.")[1] == ("two others", 2.0, "firefighter")
    assert found("The bus hit 12 cars and injured 40 others.")[1] == ("40 others", 40.0, "person")
    assert found("The blast killed one guard and wounded five others.")[-1] == ("five others", 5.0, "person")


def test_population_rates_keep_their_base():
    assert found("The suicide rate was 11.2 deaths per 100,000 population last year.") == [
        ("11.2 deaths per 100,000 population", 11.2, "death per 100,000 population")]
    assert found("Doctors saw 4,210 flu cases (12.5 per million population).") == [
        ("4,210 flu cases", 4210.0, "flu case"), ("12.5 per million population", 12.5, "flu case per million population")]


def test_scores_after_tie_and_longer_phrases():
    assert [u for _, _, u in found("The visitors managed to tie Leeds, 2-2.")] == ["goal", "goal"]
    assert [u for _, _, u in found("India won the series against the hosts 4–1.")] == ["match", "match"]


def test_pounds_in_farm_reports_weigh():
    assert found("Cheese output reached 1,200 million pounds in May.") == [
        ("1,200 million pounds", 1.2e9, "pound")]
    assert found("Beef exports earned 300 million pounds for British farmers.")[0][2] == "GBP"


def test_tons_per_hectare_are_tonnes():
    assert found("Wheat yields averaged 3.1 tons per hectare.") == [("3.1 tons per hectare", 3.1, "tonne per hectare")]


def test_one_of_the_plural_noun_counts_one():
    assert found("Police said one of the suspects was arrested.") == [("one", 1.0, "suspect")]
    assert found("It is one of the biggest ports in Asia.") == []


def test_coordinated_and_possessive_modifiers():
    assert found("The fund helps 900 rural, low-income families.") == [
        ("900 rural, low-income families", 900.0, "family")]
    assert found("The grant covers 2,000 small and medium firms.") == [
        ("2,000 small and medium firms", 2000.0, "firm")]
    assert found("He played 70 of the club's 82 games.")[0] == ("70", 70.0, "game")


def test_headline_harm_verb_and_round_of():
    assert found("Landslide Kills 12 in Nepal") == [("12", 12.0, "person")]
    assert found("Brazil reached the Round of 16.") == []


def test_fraction_of_a_million_and_bracketed_exact_figure():
    assert found("Nearly a quarter of a million (243,100) visitors came in 2019.") == [
        ("Nearly a quarter of a million", 250000.0, "visitor"), ("243,100", 243100.0, "visitor")]


def test_cricket_runs():
    assert found("The opener top-scored for his side with 87 in the Test.") == [("87", 87.0, "run")]
    assert found("She averaged 41.5 over 30 innings.")[0] == ("41.5", 41.5, "run per innings")
    assert found("He became the third batsman to pass the 8,000 run mark.")[-1] == ("8,000 run", 8000.0, "run")
