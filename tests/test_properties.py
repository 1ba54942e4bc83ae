"""Property-based tests: text nobody here wrote. Cleaning, segmentation and extraction never
raise, and every span they return is exactly the text it claims to cover.

The budget is small for CI (profile ``ci``); ``HYPOTHESIS_PROFILE=long`` (used by ``make bench``)
runs many more examples.
"""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsflow import numbers
from newsflow.clean import clean_text, strip_boilerplate
from newsflow.segment import segment
from newsflow.staging import batch_sizes

# Pieces of news text that exercise the parsers' rules: digits with separators, currency
# signs and codes, scales, units, ranges, dashes, abbreviations, quotes, odd spaces.
TOKENS = st.sampled_from([
    "$", "£", "€", "¥", "US$", "USD", "EUR", "Rs", "R", "20", "10", "9", "1", "1,000", "3.5", ".5", "12,345.67",
    "1.000,5", "-", "–", "—", "to", "and", "between", "from", "million", "bn", "billion", "m", "k", "trillion",
    "%", "per cent", "percentage points", "basis points", "tonnes", "km", "mph", "a", "an", "half", "one",
    "twenty-five", "first", "3rd", "Mr.", "U.S.", "Sino-U.S.", "Jan.", "e.g.", "No.", ".", ",", "!", "?",
    "…", "\"", "“", "”", "'", "(", ")", "\n", "\n\n", " ", "\u00a0", "\u200b", "\t", "year-old", "per",
    "barrel", "shares", "people", "around", "about", "up", "fell", "by", "of", "The", "He", "said", "x",
])
# ... and the layouts of sports pages, releases and headlines the number rules read on their own
# (tallies, clocks, scorecards, seeds, race times, heights, shares, bounds, oil prices).
LAYOUT_TOKENS = st.sampled_from([
    "21.14", "(140)", "with", "3:16", "left", "2 and 1", "defeated", "Army-31,", "Marines-21", "6/27", "448/5", "0/00",
    "dec", "[1]", "6–7(5)", "4pts", "3h", "33m", "04s", "+2m", "46:03.3", "ft", "in", "crude", "oil", "Brent",
    "Wallabies", "series", "Test", "overs", "crowd", "population", "on board", "are now", "dead", "in every", "out of",
    "a third", "is", "weekly earnings", "($712)", "Sterling Heights, Michigan,", "crew", "members", "named storms",
    "could become", "hurricanes", "category", "pounds", "landings", "°", "Fahrenheit", "weeklong", "and a half",
    "death toll", "Kills", "At Least", "Dead", "at least", "up to", "votes", "to", "one of", "leaks", "separate",
    # session 23: space-grouped thousands, measures inside counts, race times, house-style capitals,
    # bracketed signs, index levels, coordinates, ages, event distances, shared price rates
    "167 000", "by", "500-pound", "bombs", "three-and-a-half", "2:08.94", "clocked in at", "1:59:27.7", "Member",
    "States", "had", "mb", "(-7.5%)", "(+5%)", "widened", "10,000th", "25.1N", "80.4W", "their 70s", "25 and older",
    "100m", "hurdles", "half of", "in half", "rises to", "closed at", "Nikkei", "a barrel", "per cwt", "MMBtu",
    "job openings", "net migration", "charged", "water polo", "World Cup", "6.5 to seven percent", "day 8:",
    # session 24: periods after amounts, housing rates, magnitudes, fertility, points of a rate, decades,
    # sized sets, crop acres, average ages, colon scores, scorecard marks, people verbs
    "each year", "Each year,", "every month", "of oil a day", "annual rate of", "housing starts", "magnitude",
    "Mw", "fertility rate", "0.2 point to", "pts", "more than a decade", "one of Italy's 30", "per harvested acre",
    "police officer", "median age of", "29:24", "beat", "3:1", "600/6d", "184*", "straight", "hospitalized",
    "of them", "tons", "global", "percent,", "up from", "in three days",
])
NEWSY = st.lists(st.one_of(TOKENS, LAYOUT_TOKENS), max_size=40).map(" ".join)
# Arbitrary Unicode (surrogates cannot be in a decoded text), and the two mixed.
ANY_TEXT = st.one_of(st.text(st.characters(exclude_categories=("Cs",)), max_size=300), NEWSY,
                     st.tuples(NEWSY, st.text(max_size=40), NEWSY).map("".join))

PROPERTY = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(ANY_TEXT)
def test_numbers_never_raise_and_spans_match_the_text(text):
    for a in numbers.extract(text):
        assert 0 <= a.start <= a.end <= len(text)
        assert text[a.start : a.end] == a.text
        assert a.value == a.value  # not NaN
        assert a.value_max is None or a.value_max >= a.value


def test_a_zero_denominator_is_no_number():
    """Found by a reviewer's fuzzing: "0/00" read as NaN crashed a score check."""
    assert [a.text for a in numbers.extract("999 0/00 – 000/0 dec baseball Test 448/5 dec")] == ["448", "5"]


@PROPERTY
@given(ANY_TEXT, st.integers(0, 10_000))
def test_numbers_offsets_shift_with_the_sentence(text, offset):
    plain = numbers.extract(text)
    shifted = numbers.extract(text, offset=offset)
    assert [(a.start + offset, a.end + offset, a.text) for a in plain] == [(a.start, a.end, a.text) for a in shifted]


@PROPERTY
@given(ANY_TEXT)
def test_cleaning_never_raises_and_is_stable(text):
    cleaned = clean_text(text)
    assert "\n\n" not in cleaned and cleaned == cleaned.strip()
    assert clean_text(cleaned) == cleaned  # deterministic and idempotent: hashes and offsets rely on it
    body, _ = strip_boilerplate(cleaned)
    assert isinstance(body, str)


@PROPERTY
@given(ANY_TEXT)
def test_segments_are_ordered_spans_of_the_text(text):
    text = clean_text(text)
    sents = segment(text)
    last_end = 0
    for i, s in enumerate(sents):
        assert s.sentence_index == i
        assert last_end <= s.start < s.end <= len(text)
        chunk = text[s.start : s.end]
        assert chunk == chunk.strip() and "\n" not in chunk  # inside one paragraph, trimmed
        last_end = s.end
    # every non-space character belongs to a sentence: segmentation loses no text
    covered = "".join(text[s.start : s.end] for s in sents)
    assert "".join(covered.split()) == "".join(text.split())


@settings(deadline=None, max_examples=40, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(st.lists(ANY_TEXT, min_size=1, max_size=4).map("\n".join))
def test_the_nlp_pipeline_rows_point_at_their_text(nlp, text):
    from newsflow.entities import entity_rows, number_rows

    text = clean_text(text)
    doc = nlp(text)
    for row in entity_rows("a", doc) + number_rows("a", doc):
        assert text[row["start"] : row["end"]] == row["text"]


@PROPERTY
@given(st.lists(ANY_TEXT, min_size=1, max_size=4).map("\n".join))
def test_the_docs_sentences_are_the_segmenters(nlp, text):
    """The sentence component sets its boundaries through one array (fast); on any text the
    doc's sentences must start exactly where newsflow.segment's do, and the cached text is
    the doc's own."""
    from newsflow.entities import doc_text

    text = clean_text(text)
    doc = nlp(text)
    assert doc_text(doc) == doc.text == text
    if len(doc):
        token_starts = {t.idx for t in doc}
        expected = {s.start for s in segment(text) if s.start in token_starts} | {0}
        assert {s.start_char for s in doc.sents} == expected


@given(st.integers(0, 5000), st.integers(1, 200), st.integers(1, 16))
def test_batch_sizes_cover_every_article_once_in_batches_no_bigger_than_asked(articles, size, workers):
    sizes = batch_sizes(articles, size, workers)
    assert sum(sizes) == articles and all(0 < n <= size for n in sizes)
    if workers == 1:  # one process: whole batches, only the last one short
        assert sizes[:-1] == [size] * (len(sizes) - 1)
    else:  # several: whole batches, then half-size ones for the last `workers` batches' worth
        assert sizes == sorted(sizes, reverse=True)
        tail = max(1, size // 2)
        assert all(n <= tail for n in sizes[-min(len(sizes), workers):])
        assert sizes.count(size) >= max(0, articles - workers * size) // size  # only the tail is cut


def _plural_demonyms() -> list[str]:
    """Every plural demonym of the gazetteer's countries ("Afghans", "Danes", "South Koreans"):
    data nobody here wrote per case."""
    import json

    from newsflow.gazetteer import GAZETTEER_FILE

    forms = []
    for c in json.loads(GAZETTEER_FILE.read_text(encoding="utf-8"))["countries"]:
        forms += [d for d in c.get("demonyms", []) if d.endswith("s") and d[:1].isupper()]
    return sorted(set(forms))


@given(st.sampled_from(_plural_demonyms()), st.integers(2, 90_000))
def test_any_country_s_people_counted_after_a_number_are_counted_by_their_demonym(many, n):
    amounts = [a for a in numbers.extract(f"Officials said {n:,} {many} were evacuated.") if a.kind != "ordinal"]
    assert [(a.value, a.text) for a in amounts] == [(n, f"{n:,} {many}")]
    unit = amounts[0].unit
    assert unit and unit[:1].isupper() and many.startswith(unit[:-1]) and len(unit) <= len(many), unit  # "Swiss"


@given(st.integers(1_000, 10**12), st.sampled_from(["\u00a0", "\u202f", " "]), st.sampled_from(["€", "EUR ", "$"]))
def test_numbers_grouped_by_spaces_read_as_one_value(n, sep, currency):
    grouped = f"{n:,}".replace(",", sep)
    if sep == " " and grouped.count(" ") < 2:  # one plain-space group stays ambiguous ("2019 500")
        return
    found = [a for a in numbers.extract(f"The fine was {currency}{grouped} in total.") if a.kind == "money"]
    assert [a.value for a in found] == [n]
