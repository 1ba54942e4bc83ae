"""
### news_daily_rollup: daily aggregates for analysts

Runs whenever `news_pipeline` publishes new `articles`, `entities` and `numbers` (Airflow Asset
events, no schedule of its own). It rebuilds, with DuckDB over the Parquet lake, validated with
Great Expectations:

* `entity_mentions_daily`: mentions per canonical entity and label per day;
* `amounts_daily`: money amounts per currency per day;
* `articles_daily`: articles per source per day.

**Catch-up.** The events only wake it up: which days to rebuild comes from the lake. Every run
the pipeline published (or republished: a rerun, a reprocess) since the last rollup puts its
ingest day up for rebuilding, so events missed while this DAG was paused or failing are made
good by the next run (`_state/rollup.json` records what was rolled up, after the rebuild). A
run with nothing new rebuilds nothing. A day's rollup is recomputed whole and replaces the
previous one. Trigger it with `rebuild_all` to rebuild every landed day.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import Asset, Param, dag, get_current_context, task

from newsflow.settings import get_settings  # light: no heavy imports at parse time

SETTINGS = get_settings()  # validated: a bad NEWSFLOW_* value is an import error naming it
DATA_URI = SETTINGS.data_uri


def _asset(table: str) -> Asset:
    return Asset(name=f"newsflow.{table}", uri=f"{DATA_URI}/{table}", group="newsflow")


SOURCES = [_asset(t) for t in ("articles", "entities", "numbers")]
ROLLUPS = [_asset(t) for t in ("entity_mentions_daily", "amounts_daily", "articles_daily")]


@dag(
    dag_id="news_daily_rollup",
    schedule=SOURCES,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args={"owner": "newsflow", "retries": 2, "retry_delay": timedelta(seconds=30),
                  "retry_exponential_backoff": True, "max_retry_delay": timedelta(minutes=10)},
    doc_md=__doc__,
    tags=["newsflow", "rollup", "duckdb"],
    params={"rebuild_all": Param(False, type="boolean", title="Rebuild every day",
                                 description="Rebuild the rollups of every landed day, not only the days "
                                             "changed since the last rollup.")},
)
def news_daily_rollup():
    @task(outlets=ROLLUPS)
    def build_daily_rollups() -> dict:
        """Rebuild the days changed since the last rollup (see Catch-up), whatever events came."""
        from newsflow import rollup
        from newsflow.lake import Lake
        from newsflow.settings import get_settings

        rebuild_all = bool(get_current_context()["params"].get("rebuild_all"))
        done = rollup.catch_up(Lake(get_settings().data_dir), rebuild_all=rebuild_all)
        return {**done, "runs": len(done["runs"])}  # XCom: how many runs, not their ids

    build_daily_rollups()


news_daily_rollup()
