"""
### news_daily_rollup: daily aggregates for analysts

Runs whenever `news_pipeline` publishes new `articles`, `entities` and `numbers` (Airflow Asset
events, no schedule of its own). For each ingest day named in the triggering events it rebuilds,
with DuckDB over the Parquet lake, validated with Great Expectations:

* `entity_mentions_daily`: mentions per canonical entity and label per day;
* `amounts_daily`: money amounts per currency per day;
* `articles_daily`: articles per source per day.

A day's rollup is recomputed whole and replaces the previous one. Without triggering events
(a manual run) it rebuilds every landed day.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import Asset, dag, get_current_context, task

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
)
def news_daily_rollup():
    @task(outlets=ROLLUPS)
    def build_daily_rollups() -> dict:
        from newsflow import rollup
        from newsflow.lake import Lake
        from newsflow.settings import get_settings

        ctx = get_current_context()
        partitions = [
            (event.extra or {}).get("partition")
            for events in ctx.get("triggering_asset_events", {}).values()
            for event in events
        ]
        days = rollup.days_from_partitions(partitions) or None
        totals = rollup.build(Lake(get_settings().data_dir), days)
        return {"days": [d.isoformat() for d in days] if days else "all", "rows": totals}

    build_daily_rollups()


news_daily_rollup()
