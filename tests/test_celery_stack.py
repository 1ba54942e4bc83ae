"""The deployment for real: Airflow 3.3's api-server, scheduler, dag-processor and a Celery worker
against PostgreSQL and Redis (tools/celery_stack.py, all on 127.0.0.1), and the web UI in
headless Chromium.

The scheduler creates the scheduled run when the DAG is unpaused; a manual run with no logical
date is triggered through the REST API; the rollup DAG is started by the pipeline's asset events.
"""

from __future__ import annotations

import sys
import time
import warnings

import pytest

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))
from celery_stack import Stack

# the deployment and the browser: `make test` runs it, `make test-fast` does not
pytestmark = [pytest.mark.stack, pytest.mark.timeout(900)]
FINISHED = ("success", "failed")


def wait_runs(client, dag_id: str, count: int, timeout: float) -> list[dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        runs = client.get(f"/dags/{dag_id}/dagRuns").json()["dag_runs"]
        if len(runs) >= count and all(r["state"] in FINISHED for r in runs):
            return runs
        time.sleep(3)
    raise TimeoutError(f"{dag_id}: runs not finished after {timeout} s: "
                       f"{[(r['dag_run_id'], r['state']) for r in runs]}")


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    root = tmp_path_factory.mktemp("stack")
    # two workers of one slot each: the mapped tasks must spread over both to run side by side
    with Stack(root, workers=2, concurrency=1, extra_env={"NEWSFLOW_BATCH_SIZE": "5"}) as s:
        client = s.client()
        deadline = time.monotonic() + 120
        while {"news_pipeline", "news_daily_rollup"} - {d["dag_id"] for d in client.get("/dags").json()["dags"]}:
            assert time.monotonic() < deadline, "the dag-processor did not parse the DAGs"
            time.sleep(2)
        # Unpausing makes the scheduler create the latest scheduled run (catchup is off);
        # the manual run waits for it (max_active_runs=1) and then finds nothing new.
        assert client.patch("/dags/news_daily_rollup", json={"is_paused": False}).status_code == 200
        assert client.patch("/dags/news_pipeline", json={"is_paused": False}).status_code == 200
        manual = client.post("/dags/news_pipeline/dagRuns", json={"logical_date": None})
        assert manual.status_code == 200, manual.text
        s.runs = wait_runs(client, "news_pipeline", 2, 480)
        s.rollups = wait_runs(client, "news_daily_rollup", 1, 240)
        s.api = client
        yield s


def test_scheduled_and_manual_runs_succeed_on_celery(stack):
    by_type = {r["run_type"]: r for r in stack.runs}
    assert {"scheduled", "manual"} <= set(by_type), stack.runs
    assert all(r["state"] == "success" for r in stack.runs), stack.runs
    assert by_type["manual"]["logical_date"] is None
    first = min(stack.runs, key=lambda r: r["start_date"])
    tis = stack.api.get(f"/dags/news_pipeline/dagRuns/{first['dag_run_id']}/taskInstances").json()["task_instances"]
    states = {(t["task_id"], t["map_index"]): t["state"] for t in tis}
    assert all(s == "success" for k, s in states.items() if k[0] != "reprocess_run"), states
    assert states[("reprocess_run", -1)] == "skipped", "a fetching run reprocesses nothing"
    batches = [k for k in states if k[0] == "process_batch"]
    assert len(batches) >= 2  # mapped over batches of 5 articles
    # every task that ran, ran on a Celery worker (the skipped reprocess_run never reaches one)
    assert all(t["hostname"] and t["queue"] == "default" for t in tis if t["state"] != "skipped")
    assert all(r["state"] == "success" for r in stack.rollups)


def test_tasks_went_through_celery_and_redis(stack):
    """Celery's result backend (in PostgreSQL) holds a successful result for every task the
    workers ran: the tasks did not run in the scheduler, and both workers took a share."""
    import psycopg2

    deadline = time.monotonic() + 60
    while True:  # a worker records its result (and logs it) just after the task turns success
        con = psycopg2.connect(host="127.0.0.1", port=stack.pg_port, user="airflow", dbname="airflow")
        with con, con.cursor() as cur:
            cur.execute("""SELECT (SELECT count(*) FROM task_instance WHERE state = 'success'),
                                  (SELECT count(*) FROM celery_taskmeta WHERE status = 'SUCCESS'),
                                  (SELECT count(*) FROM celery_taskmeta WHERE status <> 'SUCCESS')""")
            ran, succeeded, other = cur.fetchone()
        con.close()
        done = [(stack.root / "logs" / f"worker-{i}.log").read_text().count("] succeeded in") for i in (0, 1)]
        if (other == 0 and succeeded >= ran and sum(done) == succeeded) or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert succeeded >= ran > 10 and other == 0, (ran, succeeded, other)
    # and the work was shared: both workers ran tasks, together as many as succeeded
    assert min(done) >= 1 and sum(done) == succeeded, done
    assert "CeleryExecutor" in (stack.root / "logs" / "scheduler.log").read_text()


def test_the_lake_reads_in_duckdb_and_pandas(stack):
    import duckdb
    import pandas as pd

    data = stack.data_dir
    sentences = duckdb.sql(f"""SELECT count(*) FROM read_parquet('{data}/sentences/*/*.parquet') s
        JOIN read_parquet('{data}/articles/*/*.parquet') a USING (article_id)
        WHERE a.external_id = '000_f9789ab62cedf289'""").fetchall()[0][0]
    assert sentences == 19
    articles = pd.read_parquet(data / "articles")
    assert articles["article_id"].is_unique and len(articles) >= 10  # two runs, no duplicate rows
    daily = pd.read_parquet(data / "articles_daily")
    assert daily["articles"].sum() == len(articles)


def test_task_logs_show_the_library_counts(stack):
    """The library logs counts through `logging`; the UI shows them in the task's log, served
    by the worker that ran it."""
    first = min(stack.runs, key=lambda r: r["start_date"])
    url = f"/dags/news_pipeline/dagRuns/{first['dag_run_id']}/taskInstances/stage_batches/logs/1"
    log = stack.api.get(url, headers={"Accept": "application/json"})
    assert log.status_code == 200, log.text[:500]
    text = str(log.json()["content"])
    import duckdb

    landed = duckdb.sql(f"SELECT count(*) FROM read_parquet('{stack.data_dir}/articles/*/*.parquet')").fetchall()[0][0]
    assert f": {landed} articles (0 new versions) in" in text, text[:2000]  # the first run landed them all


def test_rest_api_needs_a_token(stack):
    import httpx

    assert httpx.get(f"{stack.url}/api/v2/dags", timeout=10).status_code == 401


def test_tokens_signed_with_a_guessed_secret_are_refused(stack):
    """The admin's own token, re-signed: with the stack's secret it is accepted, with a guessed
    one (the default this repo once shipped, common placeholders) the REST API, the config
    endpoints and the plugin refuse it."""
    import httpx
    import jwt

    real = stack.api.headers["Authorization"].removeprefix("Bearer ")
    header = jwt.get_unverified_header(real)
    claims = jwt.decode(real, options={"verify_signature": False})

    def sign(secret: str) -> dict[str, str]:
        with warnings.catch_warnings():  # the guesses are short keys: that is the point
            warnings.simplefilter("ignore")
            return {"Authorization": "Bearer " + jwt.encode(claims, secret, algorithm=header["alg"], headers=header)}

    paths = ("/api/v2/variables", "/api/v2/connections", "/api/v2/dags", "/newsflow/api/summary")
    with httpx.Client(base_url=stack.url, timeout=30) as http:
        for path in paths:
            assert http.get(path, headers=sign(stack.jwt_secret)).status_code == 200, path  # the control
        for guess in ("newsflow-local-dev-" + "secret-" + "change" + "-me", "secret", "changeme", "airflow"):
            for path in paths:
                assert http.get(path, headers=sign(guess)).status_code in (401, 403), (guess, path)


def test_newsflow_lake_plugin_requires_a_login_and_serves_the_lake(stack):
    import httpx

    anonymous = httpx.Client(base_url=stack.url, timeout=30)
    for path in ("/newsflow/", "/newsflow/api/summary", "/newsflow/docs/x/index.html"):
        assert anonymous.get(path).status_code == 401, path
    token = stack.api.headers["Authorization"]
    authed = httpx.Client(base_url=stack.url, timeout=30, headers={"Authorization": token})
    summary = authed.get("/newsflow/api/summary").json()
    # the scheduled and the manual run; a third when the stack runs across the hour (the hourly
    # schedule then adds one, which finds nothing new, as the manual run does)
    assert summary["tables"]["articles"] >= 10 and len(summary["runs"]) >= 2
    first = summary["runs"][-1]
    assert first["counts"]["articles"] == summary["tables"]["articles"]  # the second run found nothing new
    docs = authed.get(f"/newsflow/{first['data_docs']}")
    assert docs.status_code == 200 and "text/html" in docs.headers["content-type"]
    for bad in ("/newsflow/docs/../_runs/x.json", "/newsflow/docs/%2e%2e/_runs/x.json",
                f"/newsflow/docs/{first['run_id']}/..%2f..%2f_runs"):
        assert authed.get(bad).status_code == 404, bad


def test_web_ui_in_headless_chromium(stack):
    from playwright.sync_api import expect, sync_playwright

    shots = stack.root / "screenshots"
    shots.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.set_default_timeout(30_000)
        page.goto(f"{stack.url}/")
        expect(page.get_by_text("Sign into Airflow")).to_be_visible(timeout=30_000)  # not in without a login
        page.fill("input[name=username]", "admin")
        page.fill("input[name=password]", "wrong")
        with page.expect_response(lambda r: r.request.method == "POST") as refused:
            page.click("button[type=submit]")
        assert refused.value.status in (401, 403), refused.value.status
        expect(page.get_by_text("Sign into Airflow")).to_be_visible(timeout=30_000)
        page.fill("input[name=username]", "admin")
        page.fill("input[name=password]", stack.password)
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/login" not in url)
        page.goto(f"{stack.url}/dags/news_pipeline/runs")
        for task in ("plan_fetch", "fetch_source", "process_batch", "validate_tables", "publish_tables"):
            expect(page.get_by_text(task).first).to_be_visible(timeout=30_000)  # mapped: "fetch_source [ ]"
        for run in stack.runs:
            expect(page.get_by_text(run["dag_run_id"]).first).to_be_visible(timeout=30_000)
        assert page.inner_text("body").count("Success") >= len(stack.runs)  # each run's state badge
        page.screenshot(path=str(shots / "news_pipeline_runs.png"))
        page.goto(f"{stack.url}/dags/news_pipeline")
        expect(page.get_by_text("newsflow.articles").first).to_be_visible(timeout=30_000)  # the asset events
        page.screenshot(path=str(shots / "news_pipeline.png"))
        # the plugin's page, inside the UI (an iframe under /plugin/...), with the session's login
        page.goto(f"{stack.url}/plugin/newsflow-lake")
        frame = page.frame_locator("iframe").first
        expect(frame.get_by_text("Recent runs")).to_be_visible(timeout=30_000)
        expect(frame.get_by_text("passed").first).to_be_visible(timeout=5_000)  # the runs' validation
        expect(frame.get_by_text("article_versions")).to_be_visible(timeout=5_000)  # the table sizes
        page.screenshot(path=str(shots / "newsflow_lake.png"))
        browser.close()
