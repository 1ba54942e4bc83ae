"""`newsflow query` runs whatever SQL it is given, so its DuckDB is a sandbox over the lake.

User SQL reads the lake's tables and nothing else: no other file, no network, no extension, no
setting, no write anywhere (least of all into the lake). Folder names never become SQL. Each refusal
is one clear line on stderr and leaves every file as it was. The UI plugin serves only regular
files of a run's Data Docs, never through a symlink.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from newsflow import datadocs, report
from newsflow.lake import Lake
from newsflow.query import connect, row_counts, views
from newsflow.settings import Settings
from tests.conftest import NEWSFLOW, ROOT, SEED, run

HOSTILE = "x\" AS SELECT 1; COPY (SELECT 1) TO 'pwned.csv'; CREATE VIEW \"y"
HOSTILE_PARTITION = "ingest_date=2026-11-20'); COPY (SELECT 1) TO 'pwned.csv'; --"
LANDED = {"articles", "article_versions", "sentences", "entities", "numbers", "quotes", "dates", "quarantine",
          "duplicates", "validation_results"}


@pytest.fixture(scope="module")
def lake(tmp_path_factory) -> Lake:
    """One pipeline run over the seed article."""
    lk = Lake(tmp_path_factory.mktemp("sandbox") / "data")
    run(lk, [SEED], datetime(2026, 11, 20, 8, tzinfo=UTC), Settings())
    return lk


@pytest.fixture
def box(lake, tmp_path) -> dict[str, Path]:
    """A working folder, a HOME for DuckDB (its extension and secret folders) and a Parquet file
    outside the lake, all watched for changes along with the lake."""
    home, out = tmp_path / "home", tmp_path / "out"
    home.mkdir()
    out.mkdir()
    pq.write_table(pa.table({"secret": ["outside the lake"]}), out / "outside.parquet")
    return {"lake": lake.root, "home": home, "out": out, "cwd": tmp_path}


def snapshot(*roots: Path) -> dict[str, tuple[int, int]]:
    """Every file below the roots with its size and mtime: any write shows up as a difference."""
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns)
            for r in roots for p in sorted(r.rglob("*")) if p.is_file()}


def cli(*args: object, cwd: Path, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "HOME": str(home)}
    return subprocess.run([NEWSFLOW, *map(str, args)], capture_output=True, text=True, timeout=120, cwd=cwd,
                          env=env)


def articles(root: Path) -> int:
    return connect(root).execute("SELECT count(*) FROM articles").fetchall()[0][0]


# -- normal use keeps working -------------------------------------------------------------------

def test_every_landed_table_reads(lake):
    """Each landed table is a view with the rows its Parquet files hold, partition column a DATE."""
    con = connect(lake.root)
    assert set(views(con)) == LANDED
    counts = row_counts(con)
    for name in LANDED - {"article_versions"}:
        files = lake.table_files(name)
        assert counts[name] == sum(pq.read_metadata(f).num_rows for f in files), name
        assert len(con.execute(f'SELECT * FROM "{name}"').fetchall()) == counts[name]
    assert counts["article_versions"] == counts["articles"] == 1
    assert counts["sentences"] > 0 and counts["entities"] > 0
    day = con.execute("SELECT DISTINCT typeof(ingest_date), ingest_date FROM entities").fetchall()
    assert day == [("DATE", datetime(2026, 11, 20).date())]


def test_the_sandbox_is_set_before_any_statement(lake):
    """Autoinstall is off before anything could want an extension, and nothing can turn it back on."""
    con = connect(lake.root)
    settings = dict(con.execute("SELECT name, value FROM duckdb_settings()").fetchall())
    assert {k: settings[k] for k in ("autoinstall_known_extensions", "autoload_known_extensions",
                                     "enable_external_access", "python_enable_replacements",
                                     "lock_configuration")} == {
        "autoinstall_known_extensions": "false", "autoload_known_extensions": "false",
        "enable_external_access": "false", "python_enable_replacements": "false", "lock_configuration": "true"}


def test_user_sql_cannot_reach_python_objects(lake):
    """No replacement scan: a DataFrame in the caller's scope is not a table to user SQL."""
    secret = pa.table({"token": ["hunter2"]})  # noqa: F841 - what a replacement scan would find
    with pytest.raises(duckdb.CatalogException):
        connect(lake.root).sql("SELECT * FROM secret").fetchall()


# -- refused, with one line and no side effect ----------------------------------------------------

REFUSED = {
    "read a system file": "SELECT * FROM read_csv('/etc/passwd')",
    "read Parquet outside the lake": "SELECT * FROM read_parquet('{out}/outside.parquet')",
    "read over the network": "SELECT * FROM read_parquet('http://127.0.0.1:9/x.parquet')",
    "write a file outside the lake": "COPY (SELECT 1 AS a) TO '{out}/pwned.csv'",
    "write into the lake": "COPY (SELECT * FROM _all_articles) TO '{partition}/part-evil.parquet'",
    "export the database": "EXPORT DATABASE '{out}/dump'",
    "attach a database file": "ATTACH '{out}/other.duckdb' AS other",
    "install an extension": "INSTALL httpfs",
    "load an extension": "LOAD httpfs",
    "turn external access back on": "SET enable_external_access = true",
    "turn autoinstall back on": "SET autoinstall_known_extensions = true",
    "unlock the configuration": "RESET lock_configuration",
}


@pytest.mark.parametrize("sql", REFUSED.values(), ids=REFUSED.keys())
@pytest.mark.slow  # the command line in a subprocess
def test_query_refuses_with_one_line_and_changes_nothing(box, lake, sql):
    partition = lake.table_files("articles")[0].parent
    before, n = snapshot(box["lake"], box["cwd"]), articles(lake.root)
    p = cli("query", sql.format(out=box["out"], partition=partition), "--data", box["lake"],
            cwd=box["cwd"], home=box["home"])
    assert p.returncode == 1, (p.stdout, p.stderr)
    assert len(p.stderr.strip().splitlines()) == 1, p.stderr
    assert p.stderr.startswith("newsflow: error:") and "read-only over the lake" in p.stderr, p.stderr
    assert p.stdout == ""
    assert snapshot(box["lake"], box["cwd"]) == before
    assert articles(lake.root) == n


@pytest.mark.slow  # the command line in a subprocess
def test_query_still_answers(box):
    p = cli("query", "SELECT count(*) AS n FROM articles", "--data", box["lake"], "--format", "csv",
            cwd=box["cwd"], home=box["home"])
    assert (p.returncode, p.stdout, p.stderr) == (0, "n\n1\n", "")


# -- folder names are never SQL ------------------------------------------------------------------

@pytest.fixture
def hostile(lake, tmp_path) -> Path:
    """A copy of the lake with a folder named to break out of a quoted identifier, a partition
    named to break out of a string, a folder colliding with a derived view, and one plain extra table."""
    root = tmp_path / "data"
    shutil.copytree(lake.root, root)
    day = "ingest_date=2026-11-20"
    for folder in (HOSTILE, "article_versions", "extra_table"):
        (root / folder / day).mkdir(parents=True)
        pq.write_table(pa.table({"a": [1, 2]}), root / folder / day / "part-x.parquet")
    (root / "articles" / HOSTILE_PARTITION).mkdir()
    shutil.copy(lake.table_files("articles")[0], root / "articles" / HOSTILE_PARTITION / "part-x.parquet")
    return root


@pytest.mark.slow  # the command line in a subprocess
def test_hostile_folders_in_query(hostile, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    p = cli("query", "SELECT (SELECT count(*) FROM articles) AS a, (SELECT count(*) FROM extra_table) AS e",
            "--data", hostile, "--format", "csv", cwd=tmp_path, home=home)
    assert (p.returncode, p.stdout) == (0, "a,e\n1,2\n"), p.stderr
    assert "skipping" in p.stderr and not (tmp_path / "pwned.csv").exists()


@pytest.mark.slow  # the command line in a subprocess
def test_hostile_folders_in_summary(hostile, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    p = cli("summary", "--data", hostile, cwd=tmp_path, home=home)
    assert p.returncode == 0, p.stderr
    listed = {line.split()[0] for line in p.stdout.splitlines() if line.endswith(" rows")}
    assert listed == LANDED | {"extra_table"}
    assert not (tmp_path / "pwned.csv").exists()


def test_hostile_folders_on_the_ui_page(hostile, tmp_path, monkeypatch, caplog):
    monkeypatch.chdir(tmp_path)
    s = report.summary(Lake(hostile))
    assert set(s["tables"]) == LANDED | {"extra_table"}
    assert s["tables"]["articles"] == s["tables"]["article_versions"] == 1  # the hostile partition is not read
    assert s["tables"]["extra_table"] == 2
    assert not (tmp_path / "pwned.csv").exists()
    skipped = " ".join(r.getMessage() for r in caplog.records if r.name == "newsflow.query")
    assert repr(HOSTILE) in skipped and repr(HOSTILE_PARTITION) in skipped and "'article_versions'" in skipped


# -- the plugin serves Data Docs files, not symlinks ----------------------------------------------

@pytest.fixture
def docs(lake, tmp_path) -> Path:
    """A lake root whose one run's Data Docs hold symlinks out of the folder and back into it."""
    root = tmp_path / "data"
    run_dir = next((lake.root / "_docs").iterdir())
    (root / "_docs").mkdir(parents=True)
    shutil.copytree(run_dir, root / "_docs" / "run1")
    run = root / "_docs" / "run1"
    (run / "passwd.html").symlink_to("/etc/passwd")
    (run / "again.html").symlink_to(run / "index.html")
    (run / "etc").symlink_to("/etc")
    (root / "_docs" / "run2").symlink_to("/etc")
    (root / "_docs" / "run3").symlink_to(run)
    return root


@pytest.mark.parametrize("run_id, path", [
    ("run1", "passwd.html"), ("run1", "again.html"), ("run1", "etc/passwd"), ("run2", "passwd"),
    ("run3", "index.html"), ("run1", "../run1/index.html"), ("run1", ""), ("run1", "nope.html"), ("..", "etc"),
])
def test_docs_refuses_symlinks_and_escapes(docs, run_id, path):
    assert report.docs_file(docs, run_id, path) is None


def test_docs_serves_the_run_report(docs):
    assert report.docs_file(docs, "run1", "index.html") == docs / "_docs" / "run1" / "index.html"


def test_plugin_route_404s_a_symlink(docs, monkeypatch):
    from fastapi import HTTPException

    spec = importlib.util.spec_from_file_location("newsflow_plugin_under_test", ROOT / "plugins" / "newsflow_plugin.py")
    plugin = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(plugin)
    monkeypatch.setattr(plugin, "_lake", lambda: Lake(docs))
    page = asyncio.run(plugin.data_docs("run1", "index.html"))
    # the run's own page, its CDN links (if GX's output was not made offline yet) pointed at _docs/_static
    served = datadocs.serve_page((docs / "_docs" / "run1" / "index.html").read_text(), "index.html")
    assert page.status_code == 200 and page.body == served.encode()
    with pytest.raises(HTTPException) as refused:
        asyncio.run(plugin.data_docs("run1", "passwd.html"))
    assert refused.value.status_code == 404
