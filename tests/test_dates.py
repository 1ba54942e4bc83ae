"""The `dates` table (issue 13): the seed's dates on the calendar, explicit and relative forms,
the tense rule, vague expressions, non-dates, the real-news dev set and properties."""

import itertools
import time
from datetime import UTC, date, datetime

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsflow import tables
from newsflow.clean import clean_text
from newsflow.dates import date_rows, dates_consistent
from newsflow.segment import segment
from newsflow.settings import SAMPLES_DIR

PROPERTY = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
WEDNESDAY = datetime(2026, 2, 4, 15, 30, tzinfo=UTC)  # the seed article's day


def dates(text: str, published_at: datetime | None = WEDNESDAY) -> list[tuple]:
    rows = date_rows("a1", text, segment(text), published_at)
    for r in rows:
        assert text[r["start"]:r["end"]] == r["text"]
    return [(r["text"], r["start_date"], r["end_date"], r["granularity"], r["resolved_from"]) for r in rows]


def d(s: str) -> date:
    return date.fromisoformat(s)


# -- the seed article ------------------------------------------------------------------------

def test_seed_dates_are_the_issue_s(seed_text):
    wed = (d("2026-02-04"), d("2026-02-04"), "day", "published_at")
    assert dates(clean_text(seed_text)) == [
        ("Wednesday", *wed),                                       # "a phone call ... on Wednesday"
        ("Wednesday", *wed),                                       # "Wednesday's call follows ..."
        ("recent months", None, None, "month", None),              # vague
        ("April", d("2026-04-01"), d("2026-04-30"), "month", "published_at"),     # "scheduled to visit ... in April"
        ("November", d("2025-11-01"), d("2025-11-30"), "month", "published_at"),  # "last spoke by phone in November"
        ("decades", None, None, "decade", None),                   # "a decades-long diplomatic rope"
        ("December", d("2025-12-01"), d("2025-12-31"), "month", "published_at"),  # "In December, ... announced"
        ("Wednesday", *wed),                                       # "Xi told Trump on Wednesday"
    ]


def test_seed_without_published_at_resolves_nothing_relative(seed_text):
    rows = dates(clean_text(seed_text), None)
    assert [r[0] for r in rows] == ["Wednesday", "Wednesday", "recent months", "April", "November", "decades",
                                    "December", "Wednesday"]
    assert all(r[1] is None and r[2] is None and r[4] is None for r in rows)


def test_seed_rows_fit_the_contract(seed_text):
    text = clean_text(seed_text)
    rows = date_rows("a1", text, segment(text), WEDNESDAY)
    table = tables.DATES.from_rows(rows)
    assert table.num_rows == 8 and "dates" in tables.TABLES
    assert [r["sentence_index"] for r in rows] == [0, 3, 3, 4, 7, 12, 14, 16]
    assert set(table.column("granularity").to_pylist()) <= set(tables.DATE_GRANULARITIES)
    assert set(table.column("resolved_from").to_pylist()) - {None} <= set(tables.DATE_RESOLVED_FROM)
    assert dates_consistent(table.to_pandas()).all()


# -- explicit dates: the same with or without published_at --------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("The deal was signed on March 5, 2024.", ("March 5, 2024", "2024-03-05", "2024-03-05", "day")),
    ("It takes effect on 1 July 2025.", ("1 July 2025", "2025-07-01", "2025-07-01", "day")),
    ("Talks ended on Saturday, April 17, 2010 in Geneva.", ("Saturday, April 17, 2010", "2010-04-17", "2010-04-17", "day")),
    ("The report was published 2024-03-05 in Paris.", ("2024-03-05", "2024-03-05", "2024-03-05", "day")),
    ("Prices peaked in July 2023.", ("July 2023", "2023-07-01", "2023-07-31", "month")),
    ("Sales fell in Q3 2025.", ("Q3 2025", "2025-07-01", "2025-09-30", "quarter")),
    ("Growth returns in the first quarter of 2026.", ("first quarter of 2026", "2026-01-01", "2026-03-31", "quarter")),
    ("Inflation peaked in the 1990s.", ("1990s", "1990-01-01", "1999-12-31", "decade")),
    ("It was popular in the '70s.", ("'70s", "1970-01-01", "1979-12-31", "decade")),
    ("Measles cases are the highest since 1997.", ("1997", "1997-01-01", "1997-12-31", "year")),
    ("The new line opens by mid-2031.", ("2031", "2031-01-01", "2031-12-31", "year")),
    ("The 2024 election was close.", ("2024", "2024-01-01", "2024-12-31", "year")),
    ("Gross Domestic Product, First Quarter 2023 (Advance Estimate)",
     ("First Quarter 2023", "2023-01-01", "2023-03-31", "quarter")),
    # written-out years (VOA Special English) and named days with a year
    ("The war ended in nineteen ninety-three.", ("nineteen ninety-three", "1993-01-01", "1993-12-31", "year")),
    ("He came to power in two thousand and six.", ("two thousand and six", "2006-01-01", "2006-12-31", "year")),
    ("The wall fell before Christmas Day 1989.", ("Christmas Day 1989", "1989-12-25", "1989-12-25", "day")),
    ("Stores opened early on Thanksgiving 2007.", ("Thanksgiving 2007", "2007-11-22", "2007-11-22", "day")),
])
def test_explicit_dates(text, expected):
    want = (expected[0], d(expected[1]), d(expected[2]), expected[3], "explicit")
    assert dates(text) == [want]
    assert dates(text, None) == [want]


def test_lists_and_ranges_of_years():
    got = dates("Schriner ran in 2000, 2004, and 2008; deliveries are due between 2028 and 2033.")
    assert [r[0] for r in got] == ["2000", "2004", "2008", "2028", "2033"]
    assert [r[0] for r in dates("He was known for the soft rock of the 1970s and 80s.")] == ["1970s", "80s"]


# -- relative dates: published_at and the tense of the clause -------------------------------------

@pytest.mark.parametrize("text, span, start, end, granularity", [
    # the issue's examples, published Wednesday 2026-02-04
    ("Xi spoke with Trump on Wednesday.", "Wednesday", "2026-02-04", "2026-02-04", "day"),
    ("Trump is scheduled to visit China in April.", "April", "2026-04-01", "2026-04-30", "month"),
    ("The two leaders last spoke by phone in November.", "November", "2025-11-01", "2025-11-30", "month"),
    ("In December, the administration announced a sale.", "December", "2025-12-01", "2025-12-31", "month"),
    # weekdays: on or before in a past clause, on or after in a future one
    ("The bank held rates on Monday.", "Monday", "2026-02-02", "2026-02-02", "day"),
    ("The bank will decide on Monday.", "Monday", "2026-02-09", "2026-02-09", "day"),
    ("He will travel to Paris on Friday and met Macron last Monday.", "Friday", "2026-02-06", "2026-02-06", "day"),
    ("He will travel to Paris on Friday and met Macron last Monday.", "last Monday", "2026-02-02", "2026-02-02", "day"),
    ("More than 1,000 people have come forward since Tuesday.", "Tuesday", "2026-02-03", "2026-02-03", "day"),
    ("A vote is expected next Wednesday.", "next Wednesday", "2026-02-11", "2026-02-11", "day"),
    # months and days without a year
    ("Shares rose 3% on March 3.", "March 3", "2025-03-03", "2025-03-03", "day"),
    ("The company will report results on March 20.", "March 20", "2026-03-20", "2026-03-20", "day"),
    ("North Korea failed to launch a rocket on April thirteenth.", "April thirteenth", "2025-04-13", "2025-04-13", "day"),
    ("Talks are due to begin in late March.", "March", "2026-03-01", "2026-03-31", "month"),
    # words relative to the day
    ("Yesterday the court ruled.", "Yesterday", "2026-02-03", "2026-02-03", "day"),
    ("The verdict is due tomorrow.", "tomorrow", "2026-02-05", "2026-02-05", "day"),
    ("Markets were calm today.", "today", "2026-02-04", "2026-02-04", "day"),
    ("Talks collapsed last week.", "last week", "2026-01-26", "2026-02-01", "week"),
    ("The summit is scheduled for next month.", "next month", "2026-03-01", "2026-03-31", "month"),
    ("Prices rose 2% last year.", "last year", "2025-01-01", "2025-12-31", "year"),
    ("Growth will slow next year.", "next year", "2027-01-01", "2027-12-31", "year"),
    ("Shares have gained 45% this year.", "this year", "2026-01-01", "2026-12-31", "year"),
    ("Sales grew earlier this month.", "earlier this month", "2026-02-01", "2026-02-28", "month"),
    ("Madrid won the cup two years ago.", "two years ago", "2024-01-01", "2024-12-31", "year"),
    ("Profit jumped in the fourth quarter.", "fourth quarter", "2025-10-01", "2025-12-31", "quarter"),
    ("Activists gathered on World AIDS Day.", "World AIDS Day", "2025-12-01", "2025-12-01", "day"),
])

def test_relative_dates(text, span, start, end, granularity):
    rows = {r[0]: r for r in dates(text)}
    assert rows[span] == (span, d(start), d(end), granularity, "published_at")
    assert dates(text, None) and all(r[1] is None for r in dates(text, None))


def test_adjectives_and_other_expressions_words_do_not_set_the_tense():
    """"based" reads as an adjective, and "last" dates "last month's", not the clause of "January 1":
    unmarked, it is the nearest January 1 (a VOA item of 14 December 2015)."""
    text = "They want a process based on last month's Vienna agreement to begin peace talks by January 1."
    rows = {r[0]: r for r in dates(text, datetime(2015, 12, 14, tzinfo=UTC))}
    assert rows["January 1"][1:3] == (d("2016-01-01"), d("2016-01-01"))
    assert rows["last month"][1:3] == (d("2015-11-01"), d("2015-11-30"))


@pytest.mark.parametrize("text, span, granularity", [
    ("Leaders have visited China in recent months.", "recent months", "month"),
    ("It has followed a decades-long policy.", "decades", "decade"),
    ("Turnout recently hit a low.", "recently", None),
    ("Output was 137.8 million tonnes a year earlier.", "a year earlier", "year"),
    ("Shares doubled over the past twelve months.", "past twelve months", "month"),
    ("Aftershocks could follow over the coming week.", "coming week", "week"),
    ("Donations over the past couple of years paid for it.", "past couple of years", "year"),
    ("Prices were this low a decade ago.", "a decade ago", "decade"),
])
def test_vague_expressions_have_a_row_with_null_dates(text, span, granularity):
    assert (span, None, None, granularity, None) in dates(text)


@pytest.mark.parametrize("text", [
    "May I ask? Prices may rise.",
    "The March on Washington drew crowds.",
    "Troops numbered 2000 soldiers and some 1500 others.",
    "The tax costs $2024 a year and Flight 2012 left at 1900 GMT.",
    "He scored 2024 points.",
    "They are in their 80s.",
    "February 30, 2024 is not a date; neither is 2024-13-45.",
    "She made her debut, marching with decade-old banners.",
    "Two thousand three hundred people came, and two thousand seven soldiers.",
    "The new world order.",
])
def test_non_dates(text):
    assert dates(text) == []


def test_real_style_samples():
    got = {}
    for name in ("005_sample_heatwave.txt", "006_sample_airline.txt", "011_sample_football.txt",
                 "012_sample_vaccines.txt", "013_sample_wildlife.txt"):
        text = clean_text((SAMPLES_DIR / name).read_text(encoding="utf-8"))
        got.update({r[0]: r[1:] for r in dates(text)})
    assert got["1950s"] == (d("1950-01-01"), d("1959-12-31"), "decade", "explicit")
    assert got["2028"][0] == d("2028-01-01") and got["2033"][1] == d("2033-12-31")
    assert got["1997"][2] == "year"
    assert got["four years ago"] == (d("2022-01-01"), d("2022-12-31"), "year", "published_at")
    assert got["Saturday"] == (d("2026-01-31"), d("2026-01-31"), "day", "published_at")
    assert got["a year earlier"] == (None, None, "year", None)


def test_extreme_publication_dates_do_not_raise():
    for pub in (datetime(1, 1, 1, tzinfo=UTC), datetime(9999, 12, 31, tzinfo=UTC)):
        rows = dates("Last year, on Monday, and next year in April, two years ago.", pub)
        assert all(r[1] is None or r[1] <= r[2] for r in rows)


def test_dates_consistent_flags_the_bad_rows():
    frame = pd.DataFrame({
        "start_date": [d("2026-01-01"), d("2026-02-01"), None, None, d("2026-01-01")],
        "end_date": [d("2026-01-31"), d("2026-01-01"), None, d("2026-01-01"), d("2026-01-01")],
        "resolved_from": ["explicit", "explicit", None, "explicit", None],
    })
    assert dates_consistent(frame).tolist() == [True, False, True, False, False]


def test_cost_stays_linear_on_a_run_on_text():
    text = "on Monday in April last year 2024 will " * 5_000
    t = time.process_time()
    rows = date_rows("a1", text, [], WEDNESDAY)
    assert len(rows) == 20_000 and time.process_time() - t < 30


# -- the real-news dev set ----------------------------------------------------------------------

def test_real_dev_set_dates():
    """Pinned minimums on the dev set (real VOA/Wikinews text labelled independently; see
    evaldata/README_real.md)."""
    from newsflow.evaluate_gkg import DATES_SETS, score_dates

    if not DATES_SETS["real-dev"].exists():
        pytest.skip("no real dates dev set")
    report = score_dates()
    assert report.scores["span"].f1 >= 0.97
    assert report.scores["resolved"].f1 >= 0.95
    assert report.scores["resolved"].precision >= 0.95


# -- properties ---------------------------------------------------------------------------------

PIECES = st.sampled_from([
    "on", "in", "last", "next", "this", "the", "early", "mid-", "late", "Monday", "Friday", "March", "May", "April",
    "Dec.", "5", "31", "29", "2024", "1990s", "'90s", "80s", "Q3", "first", "quarter", "of", "year", "years", "week",
    "month", "ago", "two", "a", "recent", "months", "decades", "recently", "yesterday", "today", "tomorrow", "will",
    "said", "was", "scheduled to", "since", "2024-02-30", "2024-02-29", "thirteenth", ",", ".", "\n", " ", "$", "%",
])
TEXTS = st.one_of(st.text(st.characters(exclude_categories=("Cs",)), max_size=300),
                  st.lists(PIECES, max_size=60).map(" ".join))
PUBLISHED = st.one_of(st.none(), st.datetimes(timezones=st.just(UTC)))


@PROPERTY
@given(TEXTS, PUBLISHED)
def test_date_rows_never_raise_offsets_match_and_ranges_are_ordered(text, published_at):
    rows = date_rows("a1", text, segment(text), published_at)
    for r in rows:
        assert 0 <= r["start"] < r["end"] <= len(text)
        assert text[r["start"]:r["end"]] == r["text"]
        assert (r["start_date"] is None) == (r["end_date"] is None) == (r["resolved_from"] is None)
        assert r["start_date"] is None or r["start_date"] <= r["end_date"]
        assert r["granularity"] in (*tables.DATE_GRANULARITIES, None)
        if published_at is None:
            assert r["resolved_from"] in ("explicit", None)
    assert all(a["end"] <= b["start"] for a, b in itertools.pairwise(rows))
    tables.DATES.from_rows(rows)
