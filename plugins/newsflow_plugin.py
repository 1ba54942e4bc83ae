"""Airflow UI plugin: a "Newsflow lake" page beside the DAGs.

Served by the api-server at ``/newsflow/`` and shown in the UI's navigation (Browse): charts of
what landed per day and per source, the top people, organisations and places with their trend,
recent runs (each linked to its DAG run and its Great Expectations Data Docs), an article
browser with entities and amounts marked in the text, a map of the day's places, who said what
(the latest quotes, by speaker), and why inputs were quarantined.

Airflow does not authenticate plugin apps, so every route requires the caller to be allowed to
read the ``news_pipeline`` DAG (the UI's session cookie or an API token), like the DAG's own
pages: one app-level dependency, :data:`READ_ACCESS`, covers every route. The pages carry no
script and are served with a Content-Security-Policy that allows none; Data Docs may run their
own scripts but load nothing from outside the api-server. Thin: pages are built by
:mod:`newsflow.report` (places and quotes by :mod:`newsflow.report_gkg`).
"""

from __future__ import annotations

import asyncio
import mimetypes
from typing import Annotated, ClassVar

from airflow.api_fastapi.core_api.security import requires_access_dag
from airflow.plugins_manager import AirflowPlugin
from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

PREFIX = "/newsflow"
READ_ACCESS = requires_access_dag("GET", param_dag_id="news_pipeline")
# the lake's pages: no script at all, nothing from elsewhere
PAGE_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; "
               "base-uri 'none'; frame-ancestors 'self'")
# Data Docs run GX's inline scripts and the vendored libraries in _docs/_static, nothing else
DOCS_POLICY = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
               "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; "
               "base-uri 'self'; form-action 'none'; frame-ancestors 'self'")
mimetypes.add_type("font/woff2", ".woff2")

# App-level dependencies do not cover FastAPI's own /docs, /redoc and /openapi.json: switched off.
app = FastAPI(
    title="Newsflow lake",
    dependencies=[Depends(READ_ACCESS)],
    docs_url=None, redoc_url=None, openapi_url=None,
)


def _lake():
    from newsflow.lake import Lake
    from newsflow.settings import get_settings

    return Lake(get_settings().data_dir)


def _roots(request: Request) -> tuple[str, str]:
    """Where this app is mounted (``/newsflow``, behind any base path) and the Airflow UI's root."""
    base = (request.scope.get("root_path") or "").rstrip("/")
    airflow = base[: -len(PREFIX)] if base.endswith(PREFIX) else ""
    return base, airflow


def _page(body: str, status_code: int = 200) -> HTMLResponse:
    return HTMLResponse(body, status_code=status_code, headers={
        "Content-Security-Policy": PAGE_POLICY, "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin", "Cache-Control": "no-store"})


async def _render(request: Request, template: str, build, *args, **kwargs) -> HTMLResponse:
    from newsflow import report

    data = await asyncio.to_thread(build, _lake(), *args, **kwargs)
    if data is None:
        raise HTTPException(status_code=404, detail="not found")
    base, airflow = _roots(request)
    if template == "overview.html":
        body = await asyncio.to_thread(report.render_html, data, base, airflow)
    else:
        body = report.render(template, data, base=base, airflow=airflow)
    return _page(body)


@app.get("/", response_class=HTMLResponse)
async def lake_page(request: Request) -> HTMLResponse:
    from newsflow import report

    return await _render(request, "overview.html", report.overview)


@app.get("/articles", response_class=HTMLResponse)
async def articles_page(request: Request, q: Annotated[str, Query(max_length=200)] = "",
                        source: Annotated[str, Query(max_length=500)] = "",
                        run: Annotated[str, Query(max_length=200)] = "",
                        page: Annotated[int, Query(ge=1, le=1_000_000)] = 1) -> HTMLResponse:
    from newsflow import report

    return await _render(request, "articles.html", report.search_articles, q=q, source=source, run=run, page=page)


@app.get("/articles/{article_id}", response_class=HTMLResponse)
async def article_page(request: Request, article_id: str) -> HTMLResponse:
    from newsflow import report

    return await _render(request, "article.html", report.article, article_id)


@app.get("/quarantine", response_class=HTMLResponse)
async def quarantine_page(request: Request, stage: Annotated[str, Query(max_length=50)] = "",
                          run: Annotated[str, Query(max_length=200)] = "") -> HTMLResponse:
    from newsflow import report

    return await _render(request, "quarantine.html", report.quarantine_view, stage=stage, run=run)


@app.get("/places", response_class=HTMLResponse)
async def places_page(request: Request, day: Annotated[str, Query(max_length=10)] = "") -> HTMLResponse:
    from newsflow import report_gkg

    return await _render(request, "places.html", report_gkg.places_view, day=day)


@app.get("/quotes", response_class=HTMLResponse)
async def quotes_page(request: Request, speaker: Annotated[str, Query(max_length=200)] = "",
                      page: Annotated[int, Query(ge=1, le=1_000_000)] = 1) -> HTMLResponse:
    from newsflow import report_gkg

    return await _render(request, "quotes.html", report_gkg.quotes_view, speaker=speaker, page=page)


@app.get("/runs/{run_id}", response_class=HTMLResponse)
async def run_page(request: Request, run_id: str) -> HTMLResponse:
    from newsflow import report

    return await _render(request, "run.html", report.run_view, run_id)


@app.get("/api/summary")
async def lake_summary() -> JSONResponse:
    from newsflow import report

    return JSONResponse(await asyncio.to_thread(report.summary, _lake()))


@app.get("/api/articles")
async def articles_json(q: Annotated[str, Query(max_length=200)] = "",
                        source: Annotated[str, Query(max_length=500)] = "",
                        run: Annotated[str, Query(max_length=200)] = "",
                        page: Annotated[int, Query(ge=1, le=1_000_000)] = 1) -> JSONResponse:
    from newsflow import report

    found = await asyncio.to_thread(report.search_articles, _lake(), q=q, source=source, run=run, page=page)
    return JSONResponse(found)


@app.get("/docs/{run_id}/{path:path}")
async def data_docs(run_id: str, path: str) -> Response:
    """A run's Data Docs: only regular files inside that run's ``_docs`` folder, no symlinks
    followed; ``_static`` is the assets all runs share (see newsflow.datadocs)."""
    from newsflow import datadocs, report

    target = await asyncio.to_thread(report.docs_file, _lake().root, run_id, path)
    if target is None and run_id == datadocs.STATIC:  # a lake without the shared copy (yet)
        target = datadocs.packaged_static(path)
    if target is None:
        raise HTTPException(status_code=404, detail="not found")
    body = await asyncio.to_thread(target.read_bytes)
    headers = {"Content-Security-Policy": DOCS_POLICY, "X-Content-Type-Options": "nosniff"}
    if run_id == datadocs.STATIC:
        headers["Cache-Control"] = "private, max-age=86400"
    elif target.name.endswith(".html"):  # docs written before they were made offline: rewritten here
        body = datadocs.serve_page(body.decode("utf-8", "replace"), path).encode("utf-8")
    return Response(body, headers=headers,
                    media_type=mimetypes.guess_type(target.name)[0] or "application/octet-stream")


class NewsflowPlugin(AirflowPlugin):
    name = "newsflow"
    fastapi_apps: ClassVar = [{"app": app, "url_prefix": PREFIX, "name": "Newsflow lake"}]
    external_views: ClassVar = [{"name": "Newsflow lake", "href": "newsflow/", "destination": "nav",
                       "url_route": "newsflow-lake", "category": "browse"}]
