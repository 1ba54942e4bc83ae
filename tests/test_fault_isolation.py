"""One bad article never stops a run: it is quarantined with its stage, error and payload, the
others land, and every input ends in exactly one of articles, quarantine or duplicates."""

import json
from dataclasses import replace

import duckdb
import pytest

from newsflow import numbers
from newsflow.fetch import RawArticle
from newsflow.lake import Lake
from newsflow.runs import RunInfo
from newsflow.settings import SAMPLES_DIR, Settings
from tests.conftest import T0, run

SAMPLE_TXT = sorted(SAMPLES_DIR.glob("*.txt"))
BOOM = "Zanzibarian"  # a word no sample contains: the injected failure's trigger


def rows(root, sql):
    con = duckdb.connect()
    return con.execute(sql.replace("{root}", str(root))).fetchall()


@pytest.fixture
def failing_numbers(monkeypatch):
    """A bug in the numbers extractor that fires on one article's text (any future bug)."""
    real = numbers.extract

    def extract(sentence, offset=0, **options):
        if BOOM in sentence:
            raise IndexError("no such group")
        return real(sentence, offset, **options)

    monkeypatch.setattr(numbers, "extract", extract)


@pytest.mark.parametrize("text", ["It cost $20-10 a tonne.", "Prices of $9-1 a unit.", "£7-2bn was lost",
                                  "between 5% and 3%", "from 20-10 million tonnes", "$5.50-$3 per share"])
def test_descending_ranges_do_not_raise(text):
    for a in numbers.extract(text):
        assert text[a.start : a.end] == a.text
        assert a.value_max is None or a.value_max > a.value


@pytest.mark.slow  # a whole pipeline run
def test_an_article_raising_in_extraction_is_quarantined_and_the_run_goes_on(tmp_path, failing_numbers):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for p in SAMPLE_TXT[:3]:
        (inputs / p.name).write_text(p.read_text())
    bad = SAMPLE_TXT[3].read_text().replace(" the ", f" the {BOOM} ", 1)
    (inputs / "bad.txt").write_text(bad)
    m = run(Lake(tmp_path / "data"), [inputs])
    assert m["counts"]["articles"] == 3
    assert m["failed"] == 1
    (stage, reason, payload), = rows(tmp_path, "select stage, reason, payload from "
                                     "read_parquet('{root}/data/quarantine/*/*.parquet') where external_id='bad'")
    assert stage == "numbers" and reason.startswith("numbers failed: IndexError: no such group")
    assert json.loads(payload)["text"] == bad  # enough to reprocess it
    assert rows(tmp_path, "select count(*) from read_parquet('{root}/data/sentences/*/*.parquet')")[0][0] > 0


@pytest.mark.slow  # a whole pipeline run
def test_the_summary_says_how_many_articles_failed(tmp_path, failing_numbers):
    from newsflow.cli import format_run

    (tmp_path / "bad.txt").write_text(SAMPLE_TXT[1].read_text().replace(" the ", f" the {BOOM} ", 1))
    m = run(Lake(tmp_path / "data"), [tmp_path / "bad.txt"])
    assert m["counts"]["articles"] == 0
    assert "1 article failed with an error" in format_run(m)


def test_a_failure_in_one_chunk_loses_only_that_article(failing_numbers):
    from newsflow.process import process_batch

    texts = [p.read_text() for p in SAMPLE_TXT[:5]]
    raws = [RawArticle(external_id=f"a{i}", source="t", text=t) for i, t in enumerate(texts)]
    raws[2] = replace(raws[2], text=texts[2].replace(" the ", f" the {BOOM} ", 1))
    result = process_batch(raws, RunInfo.for_interval(T0), Settings(nlp_batch_size=8))
    assert result.tables["articles"]["external_id"].to_pylist() == ["a0", "a1", "a3", "a4"]
    assert [r.external_id for r in result.rejected] == ["a2"] and result.failed == 1
    assert set(result.tables["numbers"]["article_id"].to_pylist()) <= set(
        result.tables["articles"]["article_id"].to_pylist())


@pytest.mark.slow  # a whole pipeline run
def test_a_text_over_the_nlp_limit_is_quarantined_with_a_clear_reason(tmp_path):
    paragraph = SAMPLE_TXT[1].read_text().replace("\n", " ")
    huge = "\n".join(f"{i}. {paragraph}" for i in range(1_000_100 // len(paragraph) + 2))
    assert len(huge) > 1_000_000  # past spaCy's own max_length: E088 before this fix
    (tmp_path / "huge.txt").write_text(huge)
    (tmp_path / "ok.txt").write_text(SAMPLE_TXT[2].read_text())
    m = run(Lake(tmp_path / "data"), [tmp_path / "huge.txt", tmp_path / "ok.txt"])
    assert m["counts"]["articles"] == 1
    (reason,), = rows(tmp_path, "select reason from read_parquet('{root}/data/quarantine/*/*.parquet') "
                      "where external_id='huge'")
    assert "over the 1,000,000-character limit" in reason and "NEWSFLOW_MAX_ARTICLE_CHARS" in reason


@pytest.mark.slow  # a whole pipeline run
def test_the_article_limit_is_a_setting(tmp_path):
    (tmp_path / "a.txt").write_text(SAMPLE_TXT[1].read_text())
    m = run(Lake(tmp_path / "data"), [tmp_path / "a.txt"], settings=Settings(max_article_chars=200))
    assert m["counts"]["articles"] == 0 and m["counts"]["quarantine"] == 1


def _accounting(root):
    """external_id -> the tables it ended in (quarantine rows of validated rows not counted:
    those are rows of a landed article, not inputs)."""
    where: dict[str, list[str]] = {}
    for table in ("articles", "quarantine", "duplicates"):
        files = list((root / table).glob("*/*.parquet"))
        if not files:
            continue
        cond = "where stage <> 'validate'" if table == "quarantine" else ""
        for (ext,) in rows(root, f"select external_id from read_parquet('{{root}}/{table}/*/*.parquet') {cond}"):
            where.setdefault(ext, []).append(table)
    return where


@pytest.mark.slow  # a whole pipeline run
def test_every_input_ends_in_exactly_one_table(tmp_path, failing_numbers):
    inputs = tmp_path / "in"
    inputs.mkdir()
    seed = SAMPLE_TXT[0].read_text()
    for p in SAMPLE_TXT[1:4]:
        (inputs / p.name).write_text(p.read_text())
    (inputs / "seed.txt").write_text(seed)
    (inputs / "seed_copy.txt").write_text(seed + "\n")  # the same story again: a duplicate
    (inputs / "empty.txt").write_text("")
    (inputs / "broken.json").write_text("{nope")
    (inputs / "german.txt").write_text(
        "Die Regierung hat am Mittwoch beschlossen, dass die Steuern für kleine Unternehmen nicht erhöht "
        "werden, sagte ein Sprecher in Berlin. Die Opposition kritisierte den Plan scharf.")
    bad = SAMPLE_TXT[4].read_text().replace(" the ", f" the {BOOM} ", 1)
    (inputs / "bad.txt").write_text(bad)
    (inputs / "bad_copy.txt").write_text(bad + "\n")  # a copy of an article that will fail
    # 30 feed entries whose text is only "Comments": each is too short, none a "duplicate"
    (inputs / "feed.jsonl").write_text("\n".join(json.dumps({"id": f"c{i}", "text": "Comments"})
                                                 for i in range(30)))
    expected = {p.stem for p in inputs.iterdir() if p.suffix != ".jsonl"} | {f"c{i}" for i in range(30)}
    data = tmp_path / "data"
    run(Lake(data), [inputs])
    where = _accounting(data)
    assert set(where) == expected
    assert {e: t for e, t in where.items() if len(t) != 1} == {}
    assert where["seed_copy"] == ["duplicates"] or where["seed"] == ["duplicates"]
    assert where["bad"] == ["quarantine"] and where["bad_copy"] == ["quarantine"]
    assert all(where[f"c{i}"] == ["quarantine"] for i in range(30))
    landed = {a for (a,) in rows(data.parent, "select article_id from read_parquet('{root}/data/articles/*/*.parquet')")}
    pointed = {d for (d,) in rows(data.parent, "select duplicate_of from read_parquet('{root}/data/duplicates/*/*.parquet')")}
    assert pointed and pointed <= landed
    (payload,), = rows(data.parent, "select payload from read_parquet('{root}/data/quarantine/*/*.parquet') "
                       "where external_id='bad_copy'")
    assert json.loads(payload)["text"].strip() == bad.strip()
