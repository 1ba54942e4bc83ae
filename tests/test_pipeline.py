"""The pipeline steps against a real lake folder: landing, idempotence, quarantine, validation gate."""

import json
from datetime import UTC, datetime

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from newsflow import pipeline
from newsflow.lake import Lake
from newsflow.settings import SAMPLES_DIR
from tests.conftest import SEED, run

pytestmark = pytest.mark.slow  # every test runs the whole pipeline


def sql(query):
    return duckdb.connect().execute(query).fetchall()


def count(root, table):
    return sql(f"select count(*) from read_parquet('{root}/{table}/*/*.parquet')")[0][0]


def test_seed_lands_acceptance_rows(tmp_path):
    lake = Lake(tmp_path)
    m = run(lake, [SEED])
    assert m["counts"]["articles"] == 1 and m["counts"]["sentences"] == 19
    root = tmp_path
    people = {r[0] for r in sql(
        f"select distinct canonical from read_parquet('{root}/entities/*/*.parquet') where label='PERSON'")}
    assert {"Xi Jinping", "Donald Trump", "Vladimir Putin"} <= people
    nums = sql(f"select value, unit, qualifier from read_parquet('{root}/numbers/*/*.parquet')")
    assert (20e6, "tonne", "=") in nums and (12e6, "tonne", "up") in nums
    assert (11e9, "USD", "~") in nums and (8.2e9, "GBP", "=") in nums
    # offsets point into articles.text
    bad = sql(f"""
        select count(*) from read_parquet('{root}/numbers/*/*.parquet') n
        join read_parquet('{root}/articles/*/*.parquet') a using (article_id)
        where substr(a.text, n.start + 1, n."end" - n.start) <> n.text""")[0][0]
    assert bad == 0


def test_layout_schema_and_parquet_settings(tmp_path):
    lake = Lake(tmp_path)
    run(lake, [SEED])
    f = tmp_path / "articles" / "ingest_date=2026-11-28" / "part-20261128T100000Z.parquet"
    assert f.exists()
    meta = pq.ParquetFile(f)
    assert meta.metadata.row_group(0).column(0).compression == "ZSTD"
    schema = meta.schema_arrow
    assert schema.field("published_at").type.tz == "UTC"
    assert b"description" in schema.field("article_id").metadata
    assert not list((tmp_path / "_staging").glob("*/*")), "staging is cleaned after publish"


def test_rerun_of_same_interval_replaces_rows(tmp_path):
    lake = Lake(tmp_path)
    run(lake, [SAMPLES_DIR])
    before = {t: count(tmp_path, t) for t in ("articles", "sentences", "entities", "numbers")}
    run(lake, [SAMPLES_DIR])
    after = {t: count(tmp_path, t) for t in before}
    assert before == after and before["articles"] >= 14


def test_later_run_skips_articles_already_landed(tmp_path):
    lake = Lake(tmp_path)
    run(lake, [SAMPLES_DIR])
    n = count(tmp_path, "articles")
    m = run(lake, [SAMPLES_DIR], when=datetime(2026, 11, 28, 11, tzinfo=UTC))
    assert m["counts"]["articles"] == 0 and m["fetch"]["already_landed"] == n
    assert count(tmp_path, "articles") == n


def test_bad_inputs_are_quarantined_and_run_succeeds(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "good.txt").write_text(SEED.read_text())
    (inputs / "empty.txt").write_text("")
    (inputs / "corrupt.json").write_text("{nope")
    (inputs / "page.html").write_text("<html><body><nav>Home</nav></body></html>")
    (inputs / "german.txt").write_text(
        "Die Regierung hat am Mittwoch beschlossen, dass die Steuern für kleine Unternehmen nicht erhöht "
        "werden, sagte ein Sprecher in Berlin. Die Opposition kritisierte den Plan scharf.")
    lake = Lake(tmp_path / "data")
    m = run(lake, [inputs])
    assert m["counts"]["articles"] == 2  # good + german
    q = sql(f"select stage, external_id, reason from read_parquet('{tmp_path}/data/quarantine/*/*.parquet')")
    by_id = {e: (s, r) for s, e, r in q}
    assert by_id["empty"] == ("fetch", "empty file")
    assert by_id["corrupt"][1].startswith("invalid JSON")
    assert by_id["page"][0] == "clean" and "too short to be an article" in by_id["page"][1]
    # landed, so not also in quarantine (every input ends in exactly one table); the note says why
    # it has no entities or numbers
    assert "german" not in by_id
    german = sql(f"select language, fetch_notes from read_parquet('{tmp_path}/data/articles/*/*.parquet') "
                 "where external_id='german'")
    assert german[0][0] == "de" and "'de'" in german[0][1] and "entities and numbers skipped" in german[0][1]


def test_duplicate_input_in_one_run_is_quarantined(tmp_path):
    inputs = tmp_path / "in"
    (inputs / "a").mkdir(parents=True)
    story = "The same wire story appeared on two sites today."
    (inputs / "a" / "x.jsonl").write_text(f'{{"id": "1", "url": "https://e.com/1", "text": "{story}"}}\n'
                                          f'{{"id": "2", "url": "https://e.com/1", "text": "{story}"}}\n')
    m = run(Lake(tmp_path / "data"), [inputs])
    assert m["counts"]["articles"] == 1 and m["counts"]["quarantine"] == 1


def test_critical_failure_publishes_nothing(tmp_path, monkeypatch):
    lake = Lake(tmp_path)
    run(lake, [SEED])
    before = sorted(p.name for p in tmp_path.rglob("*.parquet"))
    from newsflow import process

    real = process.process_batch

    def corrupt(*a, **kw):
        res = real(*a, **kw)
        t = res.tables["sentences"]
        i = t.schema.get_field_index("text")
        res.tables["sentences"] = t.set_column(i, t.schema.field(i), pc.utf8_upper(t["text"]))
        return res

    monkeypatch.setattr(pipeline, "process_batch", corrupt)
    # every sentence breaks its span check and is quarantined, which leaves the article without
    # sentences: a critical failure
    with pytest.raises(pipeline.ValidationFailed, match="every article with text has at least one sentence"):
        run(lake, [SAMPLES_DIR / "001_sample_ecb_rates.txt"], when=datetime(2026, 11, 28, 12, tzinfo=UTC))
    assert sorted(p.name for p in tmp_path.rglob("*.parquet") if "_staging" not in p.parts) == before


def test_bad_rows_are_quarantined_and_the_rest_published(tmp_path, monkeypatch):
    from newsflow import process

    real = process.process_batch

    def shift_one_entity(*a, **kw):
        res = real(*a, **kw)
        t = res.tables["entities"]
        i = t.schema.get_field_index("start")
        starts = t["start"].to_pylist()
        starts[0] += 1  # the first mention's offsets no longer match its text
        res.tables["entities"] = t.set_column(i, t.schema.field(i), pa.array(starts, pa.int32()))
        return res

    monkeypatch.setattr(pipeline, "process_batch", shift_one_entity)
    m = run(Lake(tmp_path), [SEED])
    q = sql(f"select stage, reason from read_parquet('{tmp_path}/quarantine/*/*.parquet')")
    assert q == [("validate", "entities: text == articles.text[start:end], with 0 <= start < end")]
    assert m["validation"]["entities"] == "passed (1 rows quarantined)"
    vr = sql(f"select severity, success, unexpected_count from read_parquet('{tmp_path}/validation_results/*/*.parquet') "
             "where \"table\" = 'entities' and \"column\" = '_span_matches_text'")
    assert vr == [("row", False, 1)]
    assert (tmp_path / "_docs" / m["run_id"] / "index.html").exists()


def test_exact_and_near_copies_are_recorded_not_processed(tmp_path):
    story = SEED.read_text()
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "wire.jsonl").write_text("\n".join(json.dumps(d) for d in [
        {"id": "a", "url": "https://one.example/story", "text": story},
        {"id": "b", "url": "https://two.example/copy", "text": story},  # the same text elsewhere
        {"id": "c", "url": "https://three.example/edited",
         "text": story.replace("on Wednesday.", "on Wednesday, Reuters reported.") + "\nReporting by A. Writer."},
    ]) + "\n")
    lake = Lake(tmp_path / "data")
    m = run(lake, [inputs])
    assert m["counts"]["articles"] == 1 and m["counts"]["duplicates"] == 2
    dups = sql(f"select external_id, kind from read_parquet('{tmp_path}/data/duplicates/*/*.parquet') order by 1")
    assert dups == [("b", "exact"), ("c", "near")]
    # a later run meets another copy: it is a duplicate of the landed article
    later = tmp_path / "later"
    later.mkdir()
    (later / "x.jsonl").write_text(json.dumps({"id": "d", "url": "https://four.example/s", "text": story}) + "\n")
    m2 = run(lake, [later], when=datetime(2026, 11, 28, 11, tzinfo=UTC))
    assert m2["counts"]["articles"] == 0 and m2["counts"]["duplicates"] == 1
    assert count(tmp_path / "data", "sentences") == 19
