"""Airflow UI plugin: a "Newsflow lake" page beside the DAGs.

Recent runs with their row counts and validation status, table sizes, why inputs were
quarantined, and each run's Great Expectations Data Docs, served by the api-server at
``/newsflow/`` and shown in the UI's navigation. Airflow does not authenticate plugin apps, so
every route requires the caller to be allowed to read the ``news_pipeline`` DAG (the UI's
session cookie or an API token), like the DAG's own pages. Thin: the page is built by
:mod:`newsflow.report`.
"""

from __future__ import annotations

import asyncio
import mimetypes
from typing import ClassVar

from airflow.api_fastapi.core_api.security import requires_access_dag
from airflow.plugins_manager import AirflowPlugin
from fastapi import Depends, FastAPI, HTTPException
from fastapi.responses import HTMLResponse, JSONResponse, Response

# App-level dependencies do not cover FastAPI's own /docs, /redoc and /openapi.json: switched off.
app = FastAPI(
    title="Newsflow lake",
    dependencies=[Depends(requires_access_dag("GET", param_dag_id="news_pipeline"))],
    docs_url=None, redoc_url=None, openapi_url=None,
)


def _lake():
    from newsflow.lake import Lake
    from newsflow.settings import get_settings

    return Lake(get_settings().data_dir)


@app.get("/", response_class=HTMLResponse)
async def lake_page() -> str:
    from newsflow import report

    return report.render_html(await asyncio.to_thread(report.summary, _lake()))


@app.get("/api/summary")
async def lake_summary() -> JSONResponse:
    from newsflow import report

    return JSONResponse(await asyncio.to_thread(report.summary, _lake()))


@app.get("/docs/{run_id}/{path:path}")
async def data_docs(run_id: str, path: str) -> Response:
    """A run's Data Docs: only regular files inside that run's ``_docs`` folder, no symlinks followed."""
    from newsflow import report

    target = await asyncio.to_thread(report.docs_file, _lake().root, run_id, path)
    if target is None:
        raise HTTPException(status_code=404, detail="not found")
    body = await asyncio.to_thread(target.read_bytes)
    return Response(body, media_type=mimetypes.guess_type(target.name)[0] or "application/octet-stream")


class NewsflowPlugin(AirflowPlugin):
    name = "newsflow"
    fastapi_apps: ClassVar = [{"app": app, "url_prefix": "/newsflow", "name": "Newsflow lake"}]
    external_views: ClassVar = [{"name": "Newsflow lake", "href": "newsflow/", "destination": "nav",
                       "url_route": "newsflow-lake", "category": "browse"}]
