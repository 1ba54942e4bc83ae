"""The command line as users and scripts call it: a real subprocess, real exit codes."""

import json
import subprocess

import pytest

from tests.conftest import NEWSFLOW, SEED

pytestmark = pytest.mark.slow  # every test runs the command line in a subprocess


def cli(*args, check=None):
    p = subprocess.run([NEWSFLOW, *map(str, args)], capture_output=True, text=True, timeout=300)
    if check is not None:
        assert p.returncode == check, (p.stdout, p.stderr)
    return p


@pytest.fixture(scope="module")
def landed(tmp_path_factory):
    """One CLI run over the seed plus an empty and an unreadable input, shared by the query tests."""
    root = tmp_path_factory.mktemp("cli")
    inputs = root / "in"
    inputs.mkdir()
    (inputs / "seed.txt").write_text(SEED.read_text())
    (inputs / "empty.txt").write_text("")
    (inputs / "garbage.json").write_bytes(b"\xff\xfe\x00\x00garbage\x00")
    out = root / "data"
    p = cli("process", inputs, "--out", out, "--run-id", "first", check=0)
    return out, p


def test_process_summary_and_quarantine(landed):
    out, p = landed
    assert "1 articles, 19 sentences" in p.stdout
    assert "2 quarantined" in p.stdout
    assert "validation: articles passed" in p.stdout
    q = json.loads(cli("query", "select external_id, reason from quarantine order by 1", "--data", out,
                       "--format", "json", check=0).stdout)
    assert q == [{"external_id": "empty", "reason": "empty file"},
                 {"external_id": "garbage", "reason": "file is binary or corrupt, not text"}]


def test_rerun_with_same_run_id_does_not_duplicate(landed, tmp_path):
    out, _ = landed
    before = cli("query", "select count(*) as n from sentences", "--data", out, "--format", "csv", check=0).stdout
    cli("process", SEED, "--out", out, "--run-id", "first", check=0)
    after = cli("query", "select count(*) as n from sentences", "--data", out, "--format", "csv", check=0).stdout
    assert before == after == "n\n19\n"


def test_query_formats(landed):
    out, _ = landed
    sql = "select canonical, count(*) as mentions from entities where label='PERSON' group by 1 order by 2 desc, 1"
    table = cli("query", sql, "--data", out, check=0).stdout
    assert "Donald Trump" in table.splitlines()[1]
    csv = cli("query", sql, "--data", out, "--format", "csv", check=0).stdout
    assert csv.splitlines()[0] == "canonical,mentions"
    rows = json.loads(cli("query", sql, "--data", out, "--format", "json", check=0).stdout)
    assert {"canonical": "Xi Jinping", "mentions": rows[1]["mentions"]} in rows


@pytest.mark.parametrize(
    "args, message",
    [
        (["process", "x.txt"], "the following arguments are required: --out"),
        (["process", "/no/such/file.txt", "--out", "/tmp/x"], "no such input: /no/such/file.txt"),
        (["query", "select 1", "--data", "/no/such/dir"], "is not a directory"),
        (["query", "select 1", "--data", ".", "--format", "xml"], "invalid choice: 'xml'"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
    ],
)
def test_bad_arguments_give_one_line_and_exit_2(args, message):
    p = cli(*args)
    assert p.returncode == 2
    assert message in p.stderr
    assert len(p.stderr.strip().splitlines()) == 1


def test_bad_sql_is_an_error(landed):
    out, _ = landed
    p = cli("query", "select nope from articles", "--data", out)
    assert p.returncode == 1 and p.stderr.startswith("newsflow: error:")
