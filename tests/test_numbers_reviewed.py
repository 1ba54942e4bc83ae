"""Misfires a reviewer found in session 23's rules, each fixed: hostile but ordinary news
sentences the rules first read wrongly. Sentences written for these tests."""

import pytest

from newsflow.numbers import extract


def found(sentence):
    return [(a.text, a.value, a.unit, a.qualifier) for a in extract(sentence) if a.kind != "ordinal"]


@pytest.mark.parametrize("sentence, values", [
    ("The jets dropped 10 500-pound bombs.", [10.0, 500.0]),
    ("Windows 10 500 million devices run it.", [500000000.0]),
    ("He won 2 200m titles.", []),
    ("Among children under 5 300 died of malnutrition.", []),
    ("Contact the SES on 132 500.", []),
])
def test_a_space_between_two_numbers_groups_thousands_only_after_an_amount_word(sentence, values):
    assert [v for _t, v, _u, _q in found(sentence)] == values


@pytest.mark.parametrize("sentence", [
    "Gas costs $3.50 a gallon, but drivers will get a $200 rebate.",
    "Tickets cost $50 per person and the winner gets $1,000.",
    "He bought a $5 coffee after paying $1.89 per gallon for fuel.",
    "The hotel charges $300 per night plus a $50 resort fee.",
    "Tesla cut the Model Y price by $2,000 to $47,000 as crude traded at $80 a barrel.",
])
def test_a_stated_rate_does_not_price_what_something_else_costs(sentence):
    rated = [u for _t, _v, u, _q in found(sentence) if u and " per " in u]
    assert len(rated) == 1


@pytest.mark.parametrize("sentence, expected", [
    ("While the death toll has stabilised, the number of infections rose to 80,000.", "infection"),
    ("The death toll hits 30 as 100 remain missing.", "person"),
])
def test_a_death_toll_does_not_reach_other_subjects_figures(sentence, expected):
    assert found(sentence)[-1][2] == expected


@pytest.mark.parametrize("sentence, text", [
    ("The FTSE 100 closed at 7,512 (-0.4%).", "-0.4%"),
    ("Revenue was $4.2bn (+5%), net profit $310m (-12%).", "-12%"),
    ("Exports to China (-8.4%) and Japan (-3.1%) weakened.", "-8.4%"),
    ("Oil settled at $78.40 a barrel (-1.2%) in London.", "-1.2%"),
])
def test_a_minus_in_brackets_after_a_figure_or_with_change_said_is_a_fall(sentence, text):
    assert [(t, q) for t, _v, _u, q in found(sentence) if t == text] == [(text, "down")]


def test_a_range_after_grew_stays_one_range():
    assert found("The market grew 10% to 15% last year.") == [("grew 10% to 15%", 10.0, "percent", "up")]


@pytest.mark.parametrize("sentence", ["The plane will land in half an hour.", "The ship broke in half off the coast.",
                                      "They won the ball in their own half of the pitch.",
                                      "The final half of the season was hard."])
def test_half_of_a_thing_or_an_hour_is_no_share(sentence):
    assert all(u != "percent" for _t, _v, u, _q in found(sentence))


@pytest.mark.parametrize("sentence, unit", [
    ("Hungary beat Croatia 13-11 in the water polo final.", "goal"),
    ("Bayern thrashed Werder Bremen 10-0 in the Bundesliga.", "goal"),
    ("Germany beat San Marino 13-0 in a World Cup qualifier.", "goal"),
    ("New Zealand beat Australia 34–17, winning the World Cup.", "point"),
])
def test_a_named_sport_or_cup_decides_a_score_from_ten(sentence, unit):
    assert {u for _t, _v, u, _q in found(sentence)} == {unit}


@pytest.mark.parametrize("sentence", ["Send a 25 mb attachment.", "You get 500 mb of free storage."])
def test_file_sizes_in_mb_are_no_pressure(sentence):
    assert all(u != "millibar" for _t, _v, u, _q in found(sentence))


@pytest.mark.parametrize("sentence", ["Wellington Regional Medical Center announced a $50 million expansion.",
                                      "Inuit communities in Greenland will receive $30 million."])
def test_a_florida_hospital_or_greenland_keeps_us_dollars(sentence):
    assert [u for _t, _v, u, _q in found(sentence)] == ["USD"]


@pytest.mark.parametrize("sentence", ["Cattle prices rose to a record 185.", "Migration of wildebeest peaked at 1.5 million."])
def test_prices_of_cattle_and_animal_migrations_count_no_head_or_people(sentence):
    assert found(sentence)[0][2] is None


def test_a_falling_seat_count_is_no_score():
    assert all(u != "point" for _t, _v, u, _q in found("The party lost seats, dropping 55 to 48 in the assembly."))


def test_a_capitalised_plural_at_a_sentence_end_is_counted():
    assert found("The report covered 12 Departments and 4 Agencies.")[1][:3] == ("4 Agencies", 4.0, "agency")
