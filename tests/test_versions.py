"""Each article is fetched once unless it changed; a changed article lands as a new version.

Against the loopback news site: an Atom feed whose entries' `updated` times and pages the tests
change between runs, and local drop folders whose files change.
"""

from datetime import UTC, datetime

import pytest

from newsflow import rollup
from newsflow.lake import Lake
from newsflow.maintenance import validate_landed
from newsflow.query import connect
from newsflow.settings import Settings
from tests.conftest import run as run_local
from tests.conftest import run_sources
from tests.newsserver import NewsServer
from tests.test_fetch_web import LOCAL, OFF_MACHINE, client_factory, sources_file

pytestmark = pytest.mark.slow  # every test runs the whole pipeline, most of them several times

V1 = ("Kenya's central bank held its benchmark rate at 10.75% on Tuesday, saying inflation was within its "
      "target range and the shilling had steadied against the dollar.")
V2 = ("Kenya's central bank held its benchmark rate at 10.75% on Tuesday and cut its growth forecast to 5.2%, "
      "saying inflation was within its target range and the shilling had steadied against the dollar.")
STEADY = ("Chile's copper output fell 3.2% in October to 430,000 tonnes, the statistics agency said, as lower ore "
          "grades hit the largest mines in the north of the country.")


@pytest.fixture
def server():
    with NewsServer() as s:
        s.httpd.live.update({
            "rates": {"title": "Kenya holds rates", "body": V1, "updated": "2026-11-27T06:00:00Z"},
            "steady": {"title": "Chile copper output falls", "body": STEADY, "updated": "2026-11-27T06:00:00Z"},
        })
        yield s


def run(lake, sources, day, hour):
    """A run of the sources file in November, through the loopback-only client."""
    return run_sources(lake, sources, datetime(2026, 11, day, hour, tzinfo=UTC), client_factory)


def page_hits(server, since):
    return [h for h in server.hits[since:] if h.startswith("/articles/")]


def assert_notice_checked_once(lake, src, server, day, hour):
    """An update notice without a change: one page request, nothing lands; the next run does not
    ask again."""
    before = len(server.hits)
    m = run(lake, src, day, hour)
    assert page_hits(server, before) == ["/articles/rates.html"]
    assert m["counts"]["articles"] == 0 and m["fetch"]["unchanged"] == 1
    before = len(server.hits)
    m = run(lake, src, day, hour + 1)
    assert page_hits(server, before) == [] and m["counts"]["articles"] == 0


def rows(lake, sql):
    return connect(lake.root).execute(sql).fetchall()


def test_a_changed_article_lands_as_a_new_version_and_an_unchanged_one_is_not_fetched(tmp_path, server):
    src = sources_file(tmp_path, server.base, {"name": "updates", "url": f"{server.base}/feeds/updates.atom",
                                               **LOCAL})
    lake = Lake(tmp_path / "data")
    m1 = run(lake, src, 27, 9)
    assert m1["counts"]["articles"] == 2

    # Same entries, same update times: no page is requested, nothing lands.
    before = len(server.hits)
    m2 = run(lake, src, 27, 10)
    assert m2["counts"]["articles"] == 0 and m2["fetch"]["already_landed"] == 2
    assert page_hits(server, before) == []

    # The story is rewritten and its entry says so: fetched again, landed as version 2.
    server.httpd.live["rates"].update(body=V2, updated="2026-11-28T07:00:00Z")
    before = len(server.hits)
    m3 = run(lake, src, 28, 9)
    assert page_hits(server, before) == ["/articles/rates.html"]
    assert m3["counts"]["articles"] == 1 and m3["fetch"]["new_versions"] == 1
    assert m3["counts"]["duplicates"] == 0  # not taken for a copy of its own first version
    [(version, text, updated)] = rows(lake, "SELECT version, text, updated_at FROM articles WHERE title = 'Kenya holds rates'")
    assert version == 2 and "growth forecast to 5.2%" in text
    assert updated == datetime(2026, 11, 28, 7, tzinfo=UTC)
    assert rows(lake, "SELECT version, is_current FROM article_versions WHERE title = 'Kenya holds rates' ORDER BY 1") \
        == [(1, False), (2, True)]
    # the child tables show the current version only: the 5.2% is there once, no sentence twice
    assert rows(lake, "SELECT count(*) FROM numbers WHERE value = 5.2")[0][0] == 1
    assert rows(lake, "SELECT count(*) - count(DISTINCT (article_id, sentence_index)) FROM sentences")[0][0] == 0
    assert rows(lake, "SELECT count(*) FROM articles")[0][0] == 2
    assert rows(lake, "SELECT count(*) FROM article_versions")[0][0] == 3

    # An update notice without a change: the page is asked for with its ETag and answers 304,
    # ...and that notice is remembered: the next run does not ask again.
    server.httpd.live["rates"]["updated"] = "2026-11-28T09:30:00Z"
    assert_notice_checked_once(lake, src, server, 28, 11)

    # Rerunning the interval that landed version 2 replaces it, neither losing nor doubling it.
    m3b = run(lake, src, 28, 9)
    assert m3b["counts"]["articles"] == 1
    assert rows(lake, "SELECT version, ingest_date::VARCHAR FROM article_versions WHERE title = 'Kenya holds rates' "
                      "ORDER BY 1") == [(1, "2026-11-27"), (2, "2026-11-28")]

    # Every version validates on its own; the rollups count each article once, on its latest day.
    assert not validate_landed(lake).critical_failures
    rollup.build(lake, [datetime(2026, 11, 28).date()])  # also rebuilds the 27th, which lost the article
    daily = rows(lake, "SELECT day::VARCHAR, articles FROM articles_daily ORDER BY 1")
    assert daily == [("2026-11-27", 1), ("2026-11-28", 1)]
    assert OFF_MACHINE == []


def test_an_update_that_cannot_be_fetched_keeps_the_landed_version(tmp_path, server):
    src = sources_file(tmp_path, server.base, {"name": "updates", "url": f"{server.base}/feeds/updates.atom",
                                               **LOCAL})
    lake = Lake(tmp_path / "data")
    run(lake, src, 27, 9)
    server.httpd.live["rates"].update(body=None, updated="2026-11-28T07:00:00Z")  # page now empty
    m = run(lake, src, 28, 9)
    assert m["counts"]["articles"] == 0
    [reason] = [r[0] for r in rows(lake, "SELECT reason FROM quarantine WHERE stage = 'fetch'")]
    assert "page had no main text" in reason and "landed version stands" in reason
    [(version, text)] = rows(lake, "SELECT version, text FROM articles WHERE title = 'Kenya holds rates'")
    assert version == 1 and text.startswith(V1)
    # the next run tries again, and lands the fixed page as version 2
    server.httpd.live["rates"]["body"] = V2
    m = run(lake, src, 28, 10)
    assert m["counts"]["articles"] == 1
    assert rows(lake, "SELECT version FROM articles WHERE title = 'Kenya holds rates'") == [(2,)]


def test_local_files_edited_and_copied(tmp_path):
    """Drop folders: an edited file is a new version, an untouched one is skipped, and an .html
    copy of a landed .txt story is recorded as a duplicate before it is processed."""
    folder = tmp_path / "drop"
    folder.mkdir()
    (folder / "rates.txt").write_text(V1 + "\n\nOfficials said the decision would be reviewed in the spring.")
    (folder / "copper.txt").write_text(STEADY)
    lake = Lake(tmp_path / "data")
    settings = Settings(batch_size=5)

    def go(hour):
        return run_local(lake, [folder], datetime(2026, 11, 28, hour, tzinfo=UTC), settings)

    assert go(9)["counts"]["articles"] == 2
    assert go(10)["counts"]["articles"] == 0
    (folder / "rates.txt").write_text(V2 + "\n\nOfficials said the decision would be reviewed in the spring.")
    (folder / "rates-copy.html").write_text(
        f"<html><body><article><h1>Chile copper</h1><p>{STEADY} Reuters</p></article></body></html>")
    m = go(11)
    assert m["counts"]["articles"] == 1 and m["fetch"]["new_versions"] == 1
    assert m["counts"]["duplicates"] == 1
    [(kind, of)] = rows(lake, "SELECT d.kind, a.external_id FROM duplicates d JOIN articles a ON a.article_id = d.duplicate_of")
    assert of == "copper" and kind in ("exact", "near")
    assert rows(lake, "SELECT external_id, version FROM articles ORDER BY 1") == [("copper", 1), ("rates", 2)]


def test_rerunning_an_older_interval_keeps_what_it_landed(tmp_path):
    """v1 landed on the 27th, v2 on the 28th; rerunning the 27th (the file now holds v2's text)
    must not drop v1: the rerun keeps what its earlier attempt landed."""
    folder = tmp_path / "drop"
    folder.mkdir()
    (folder / "rates.txt").write_text(V1)
    lake = Lake(tmp_path / "data")
    settings = Settings(batch_size=5)

    def go(day):
        return run_local(lake, [folder], datetime(2026, 11, day, 9, tzinfo=UTC), settings)

    go(27)
    (folder / "rates.txt").write_text(V2)
    go(28)
    m = go(27)
    assert m["fetch"]["carried_forward"] == 1 and m["counts"]["articles"] == 1
    assert rows(lake, "SELECT version, ingest_date::VARCHAR, is_current FROM article_versions ORDER BY 1") == [
        (1, "2026-11-27", False), (2, "2026-11-28", True)]
    # v1's sentences are still in its partition; the views show v2's only
    v1_sentences = rows(lake, "SELECT count(*) FROM _all_sentences WHERE version = 1")[0][0]
    assert v1_sentences > 0
    assert rows(lake, "SELECT DISTINCT version FROM sentences") == [(2,)]
    assert not validate_landed(lake).critical_failures


def test_a_feed_summary_is_not_a_new_version_of_a_landed_page(tmp_path, server):
    """One feed, read by a source that follows links and one that keeps the entry's summary:
    the page's text lands, and an update notice does not turn the summary into version 2."""
    feed = f"{server.base}/feeds/updates.atom"
    src = sources_file(tmp_path, server.base, {"name": "summaries", "url": feed, **LOCAL, "follow_links": False},
                       {"name": "pages", "url": feed, **LOCAL})
    lake = Lake(tmp_path / "data")
    run(lake, src, 27, 9)
    [(text, notes)] = rows(lake, "SELECT text, fetch_notes FROM articles WHERE title = 'Kenya holds rates'")
    assert text.startswith(V1) and "feed entry" not in (notes or "")
    server.httpd.live["rates"]["updated"] = "2026-11-28T07:00:00Z"  # a notice, the page unchanged
    m = run(lake, src, 28, 9)
    assert m["counts"]["articles"] == 0 and m["fetch"].get("new_versions", 0) == 0
    assert rows(lake, "SELECT max(version) FROM article_versions")[0][0] == 1


def test_rows_from_before_versions_are_compared_by_their_cleaned_text(tmp_path, server):
    """Files written before versions existed have no version, updated_at or source_hash. An
    update notice for such an article is checked once against its cleaned text and remembered;
    it is neither re-fetched on every run nor landed again unchanged."""
    import pyarrow.parquet as pq

    src = sources_file(tmp_path, server.base, {"name": "updates", "url": f"{server.base}/feeds/updates.atom",
                                               **LOCAL})
    lake = Lake(tmp_path / "data")
    run(lake, src, 27, 9)
    for f in lake.table_files("articles"):  # make the landed file an old writer's
        t = pq.read_table(f)
        pq.write_table(t.drop_columns(["version", "updated_at", "source_hash"]), f)
    server.httpd.live["rates"]["updated"] = "2026-11-28T07:00:00Z"
    assert_notice_checked_once(lake, src, server, 28, 9)
    server.httpd.live["rates"].update(body=V2, updated="2026-11-28T11:00:00Z")
    m = run(lake, src, 28, 11)
    assert m["counts"]["articles"] == 1
    assert rows(lake, "SELECT version FROM articles WHERE title = 'Kenya holds rates'") == [(2,)]
