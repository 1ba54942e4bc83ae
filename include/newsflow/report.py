"""The lake at a glance: recent runs, table sizes, what was quarantined and why.

What the Airflow UI's "Newsflow lake" page shows (plugins/newsflow_plugin.py) and what
monitoring can poll as JSON. Self-contained HTML (no CDN, no scripts), so it renders inside the
Airflow UI's frame and offline.
"""

from __future__ import annotations

import html
import json
import stat
from pathlib import Path
from typing import Any

from newsflow.lake import Lake, is_local

RECENT_RUNS = 20


def runs(lake: Lake, limit: int = RECENT_RUNS) -> list[dict[str, Any]]:
    """Published runs, newest first, from their manifests (``_runs/<run_id>.json``)."""
    found = [json.loads(p.read_text()) for p in (lake.root / "_runs").glob("*.json")]
    found = [r for r in found if "logical_time" in r]
    found.sort(key=lambda r: (r["logical_time"], r["run_id"]), reverse=True)
    return found[:limit]


def summary(lake: Lake, limit: int = RECENT_RUNS) -> dict[str, Any]:
    from newsflow.query import connect, row_counts

    # Read only: no lake.recover() here. The page is served while workers publish; finishing a
    # journal belongs to the pipeline and the CLI, not to a web request.
    con = connect(lake.root)
    tables = row_counts(con)
    quarantine = []
    if "quarantine" in tables:
        quarantine = [
            {"stage": s, "reason": r, "rows": n, "last_run": last}
            for s, r, n, last in con.execute("""
                SELECT stage, regexp_replace(reason, '(https?://\\S+|\\d+)', '…', 'g') AS reason,
                       count(*) AS n, max(run_id) AS last
                FROM quarantine GROUP BY ALL ORDER BY n DESC, last DESC LIMIT 20""").fetchall()
        ]
    recent = [
        {"run_id": r["run_id"], "logical_time": r["logical_time"], "counts": r.get("counts", {}),
         "validation": r.get("validation", {}), "warnings": r.get("warnings", []),
         "fetch": r.get("fetch", {}),
         "data_docs": f"docs/{r['run_id']}/index.html" if (lake.root / "_docs" / r["run_id"]).exists() else None}
        for r in runs(lake, limit)
    ]
    return {"data_dir": str(lake.root), "tables": tables, "runs": recent, "quarantine": quarantine}


def docs_file(root: Path, run_id: str, path: str) -> Path | None:
    """The Data Docs file to serve for ``/docs/<run_id>/<path>``, or None. Only a regular file inside
    that run's ``_docs`` folder, reached without a symlink: a link planted there (to /etc/passwd,
    another run, the lake's data) is not followed, so the page serves nothing but the run's report."""
    parts = [run_id, *path.split("/")]
    if any(p in ("", ".", "..") or "\\" in p or "\0" in p for p in parts):
        return None
    target = (root / "_docs").joinpath(*parts)
    if not is_local(target):  # object stores have no symlinks
        return target if target.is_file() else None
    try:
        for depth in range(1, len(parts)):
            if stat.S_ISLNK((root / "_docs").joinpath(*parts[:depth]).lstat().st_mode):
                return None
        return target if stat.S_ISREG(target.lstat().st_mode) else None
    except OSError:
        return None


def render_html(s: dict[str, Any]) -> str:
    e = html.escape

    def status(v: dict[str, str]) -> str:
        bad = [t for t, st in v.items() if st != "passed"]
        return "passed" if not bad else "issues: " + ", ".join(bad)

    def link(href: str | None, text: str) -> str:
        return f'<a href="{e(href)}">{e(text)}</a>' if href else ""

    run_rows = "".join(
        f"<tr><td>{e(r['run_id'])}</td><td>{e(r['logical_time'])}</td>"
        f"<td>{r['counts'].get('articles', 0)}</td><td>{r['counts'].get('sentences', 0)}</td>"
        f"<td>{r['counts'].get('entities', 0)}</td><td>{r['counts'].get('numbers', 0)}</td>"
        f"<td>{r['counts'].get('quarantine', 0)}</td><td>{r['fetch'].get('already_landed', 0)}</td>"
        f"<td class={'ok' if status(r['validation']) == 'passed' else 'bad'}>{e(status(r['validation']))}</td>"
        f"<td>{link(r['data_docs'], 'report')}</td></tr>"
        for r in s["runs"])
    table_rows = "".join(f"<tr><td>{e(n)}</td><td>{c:,}</td></tr>" for n, c in s["tables"].items())
    quarantine_rows = "".join(
        f"<tr><td>{e(q['stage'])}</td><td>{e(q['reason'])}</td><td>{q['rows']}</td><td>{e(q['last_run'])}</td></tr>"
        for q in s["quarantine"])
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Newsflow lake</title>
<style>body{{font-family:system-ui,sans-serif;margin:1.5rem;color:#1a202c}}table{{border-collapse:collapse;
margin-bottom:1.5rem}}td,th{{border-bottom:1px solid #e2e8f0;padding:.3rem .7rem;text-align:left}}
th{{background:#f7fafc}}.ok{{color:#2f855a}}.bad{{color:#c53030;font-weight:600}}</style></head><body>
<h1>Newsflow lake</h1><p>Data: <code>{e(s['data_dir'])}</code> &middot; <a href="api/summary">JSON</a></p>
<h2>Recent runs</h2><table><tr><th>Run</th><th>Interval</th><th>Articles</th><th>Sentences</th><th>Entities</th>
<th>Numbers</th><th>Quarantined</th><th>Already landed</th><th>Validation</th><th>Data Docs</th></tr>{run_rows}</table>
<h2>Tables</h2><table><tr><th>Table (view)</th><th>Rows</th></tr>{table_rows}</table>
<h2>Quarantine: why inputs did not land</h2><table><tr><th>Stage</th><th>Reason</th><th>Rows</th><th>Last run</th></tr>
{quarantine_rows}</table></body></html>"""
