"""Great Expectations Data Docs that work offline and stay small, and their retention.

GX writes each run's Data Docs as static HTML that loads about fifteen scripts and styles from
CDNs (jQuery, Bootstrap, bootstrap-table, Font Awesome, ...; without them the validations table
stays empty) and copies 4.5 MB of fonts and images next to every run. After GX has written a
run's docs, :func:`finalize_docs` rewrites every CDN reference to a relative link into one shared
folder, ``_docs/_static/``, and drops the run's own ``static/`` copy, so a run's docs are a few
hundred KB of HTML and the lake holds the assets once::

    _docs/_static/vendor/...   jQuery, Bootstrap, ... vendored from npm packages (datadocs_static/)
    _docs/_static/gx/...       GX's own images and styles, from the installed great_expectations
    _docs/_static/vega/...     Vega + Vega-Lite + Vega-Embed from vl-convert-python, only if a page
                               draws a chart (newsflow's expectations draw none)
    _docs/<run_id>/index.html  links such as ../_static/vendor/jquery/jquery.min.js

Relative links keep the docs readable both through the Airflow plugin
(``/newsflow/docs/<run_id>/index.html``) and straight from the disk. Nothing is downloaded at
run time. :func:`prune_docs` deletes the docs of runs older than a number of days.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

STATIC = "_static"  # the shared folder under _docs: never a run id (run ids never start with "_")
VENDOR_DIR = Path(__file__).with_name("datadocs_static") / "vendor"

# Every CDN asset GX 1.x's Data Docs templates load -> the local copy under _docs/_static/.
# tests/test_plugin_ui.py fails naming any URL a newer GX adds that is missing here.
CDN: dict[str, str] = {
    "https://code.jquery.com/jquery-3.7.1.min.js": "vendor/jquery/jquery.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": "vendor/popper/popper.min.js",
    "https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": "vendor/bootstrap/bootstrap.min.css",
    "https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": "vendor/bootstrap/bootstrap.min.js",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css":
        "vendor/bootstrap-table/bootstrap-table.min.css",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js":
        "vendor/bootstrap-table/bootstrap-table.min.js",
    "https://unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js":
        "vendor/bootstrap-table/bootstrap-table-filter-control.min.js",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css":
        "vendor/bootstrap-table/bootstrap-table-filter-control.min.css",
    "https://unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.css":
        "vendor/bootstrap-table/bootstrap-table-filter-control.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css":
        "vendor/bootstrap-datepicker/bootstrap-datepicker.min.css",
    "https://cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js":
        "vendor/bootstrap-datepicker/bootstrap-datepicker.min.js",
    "https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": "vendor/fontawesome/css/all.min.css",
    "https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css":
        "vendor/bootstrap-dark/bootstrap-prefers-dark.min.css",
    "https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/logo-long.png": "gx/images/logo-long.png",
    # the dark-mode logo has no local copy in the GX package: the light one stands in
    "https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/full_logo_dark.png": "gx/images/logo-long.png",
}
# GX's own static files bigger than this are its onboarding GIFs (3.3 MB), which no generated
# page shows: not copied
GX_MAX_BYTES = 256 * 1024
VEGA_BUNDLE = "vega/vega-bundle.js"
_VEGA_TAG = re.compile(
    r"""<script\b[^>]*\bsrc=["']https://cdn\.jsdelivr\.net/npm/vega(?:-lite|-embed)?@\d+[^"']*["'][^>]*>\s*</script>\s*""",
    re.I)
_TAG = re.compile(r"<(?:script|link|img)\b[^>]*>", re.I)
_SRI_ATTR = re.compile(r"""\s+(?:integrity|crossorigin)=(["'])[^"']*\1""", re.I)
_URL_ATTR = re.compile(r"""\b(src|href)=(["'])(https?://[^"']+)\2""", re.I)
_CSS_URL = re.compile(r"""url\(\s*(["']?)(https?://[^"')\s]+)\1\s*\)""", re.I)
_GX_STATIC = re.compile(r"""\b(src|href)=(["'])(?:\./|(?:\.\./)+)?static/([^"'?#]+)\2""", re.I)
# what makes a browser fetch something by itself (links a reader clicks are not loads)
_LOADS = re.compile(
    r"""<(?:script|img|iframe|source|video|audio|embed|input)\b[^>]*?\bsrc=["']((?:https?:)?//[^"']+)["']"""
    r"""|<link\b[^>]*?\bhref=["']((?:https?:)?//[^"']+)["']"""
    r"""|url\(\s*["']?((?:https?:)?//[^"')]+)|@import\s+["']((?:https?:)?//[^"']+)""", re.I)


def external_loads(page: str) -> list[str]:
    """URLs outside the page's own site that a browser would fetch on opening it."""
    return [next(g for g in m.groups() if g) for m in _LOADS.finditer(page)]


def _gx_static_dir() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("great_expectations")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("great_expectations is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "render" / "view" / "static"


def rewrite_page(page: str, prefix: str) -> tuple[str, bool, list[str]]:
    """One page's HTML with CDN and ``static/`` links pointing into the shared folder at
    ``prefix`` (a relative URL ending in ``_static/``). Returns the page, whether it draws
    Vega charts, and the external loads left (a CDN asset this module does not know)."""
    uses_vega = "vegaEmbed(" in page or "vega.View(" in page
    first = _VEGA_TAG.search(page)
    if first:
        bundle = f'<script src="{prefix}{VEGA_BUNDLE}"></script>\n' if uses_vega else ""
        page = page[:first.start()] + "\0VEGA\0" + _VEGA_TAG.sub("", page[first.start():])
        page = page.replace("\0VEGA\0", bundle, 1)

    def cdn(m: re.Match) -> str:
        url = m.group(3).split("?", 1)[0].split("#", 1)[0]
        local = CDN.get(url)
        return f"{m.group(1)}={m.group(2)}{prefix}{local}{m.group(2)}" if local else m.group(0)

    def css(m: re.Match) -> str:
        local = CDN.get(m.group(2).split("?", 1)[0].split("#", 1)[0])
        return f"url('{prefix}{local}')" if local else m.group(0)

    def tag(m: re.Match) -> str:
        text = _URL_ATTR.sub(cdn, m.group(0))
        if text != m.group(0):  # the CDN's subresource hash does not hold for the local copy
            text = _SRI_ATTR.sub("", text)
        return text

    page = _TAG.sub(tag, page)
    page = _CSS_URL.sub(css, page)
    page = _GX_STATIC.sub(lambda m: f"{m.group(1)}={m.group(2)}{prefix}gx/{m.group(3)}{m.group(2)}", page)
    return page, uses_vega, external_loads(page)


def finalize_docs(local_dir: Path, shared: Path | None = None) -> dict[str, Any]:
    """Make one run's freshly written Data Docs (a local folder) offline and small, in place.

    Rewrites every HTML page's CDN links to ``../_static/...`` (relative to where the run's folder
    will sit under ``_docs``), deletes the run's ``static/`` copy and, with ``shared`` (the lake's
    ``_docs`` folder, local or on an object store), installs the shared assets there once
    (:func:`ensure_static`). Idempotent: finalizing twice changes nothing. Returns the number of
    pages, the run's docs size in bytes and any external load left (logged as a warning).
    """
    local_dir = Path(local_dir)
    pages, vega, left = 0, False, []
    for page_path in sorted(local_dir.rglob("*.html")):
        depth = len(page_path.relative_to(local_dir).parts)  # the run folder counts as one
        prefix = "../" * depth + f"{STATIC}/"
        text = page_path.read_text(encoding="utf-8")
        new, uses_vega, loads = rewrite_page(text, prefix)
        if new != text:
            page_path.write_text(new, encoding="utf-8")
        pages += 1
        vega |= uses_vega
        left += [f"{page_path.relative_to(local_dir)}: {u}" for u in loads]
    shutil.rmtree(local_dir / "static", ignore_errors=True)
    if left:
        log.warning("Data Docs still load %d external assets (add them to newsflow.datadocs.CDN): %s",
                    len(left), "; ".join(sorted(set(left))[:5]))
    if shared is not None:
        ensure_static(shared, vega=vega)
    size = sum(p.stat().st_size for p in local_dir.rglob("*") if p.is_file())
    log.info("Data Docs: %d pages, %.0f KB, shared assets in %s", pages, size / 1024, STATIC)
    return {"pages": pages, "bytes": size, "external": left, "vega": vega}


@functools.lru_cache(maxsize=1)
def _packaged() -> dict[str, Path]:
    return {name: src for name, src in _static_files(False).items() if isinstance(src, Path)}


def packaged_static(name: str) -> Path | None:
    """A shared asset (``vendor/...``, ``gx/...``) from the installed packages: what the plugin
    serves for a lake whose ``_docs/_static`` is not there (yet)."""
    return _packaged().get(name)


def serve_page(page: str, path: str) -> str:
    """A Data Docs page as the plugin serves it from ``/docs/<run_id>/<path>``: pages written
    before :func:`finalize_docs` existed (CDN links) are rewritten on the way out."""
    if not external_loads(page) and not _VEGA_TAG.search(page):
        return page
    return rewrite_page(page, "../" * len(path.split("/")) + f"{STATIC}/")[0]


def _static_files(vega: bool) -> dict[str, Path | bytes]:
    """Relative name under _static/ -> source file (or generated bytes)."""
    files: dict[str, Path | bytes] = {}
    gx_static = _gx_static_dir()
    for p in sorted(gx_static.rglob("*")):
        if p.is_file() and p.stat().st_size <= GX_MAX_BYTES:
            files[f"gx/{p.relative_to(gx_static).as_posix()}"] = p
    for p in sorted(VENDOR_DIR.rglob("*")):
        if p.is_file():
            files[f"vendor/{p.relative_to(VENDOR_DIR).as_posix()}"] = p
    if vega:
        try:
            import vl_convert

            files[VEGA_BUNDLE] = vl_convert.javascript_bundle().encode()
        except ImportError:
            log.warning("a Data Docs page draws Vega charts but vl-convert-python is not installed: "
                        "the charts will not render offline")
    return files


def _fingerprint(files: dict[str, Path | bytes]) -> str:
    h = hashlib.sha256()
    for name, src in sorted(files.items()):
        size = len(src) if isinstance(src, bytes) else src.stat().st_size
        h.update(f"{name}\0{size}\n".encode())
    return h.hexdigest()[:16]


def ensure_static(docs_root: Path, vega: bool = False) -> bool:
    """Install the shared assets in ``<docs_root>/_static/`` unless the same set is already there.
    Returns True when it wrote them. Local folders are filled beside and swapped in; on object
    stores each object is written whole and the marker last."""
    from newsflow.lake import is_local, upload_dir, write_bytes_atomic

    target = docs_root / STATIC
    marker = target / "MANIFEST.json"
    current: dict[str, Any] = {}
    with contextlib.suppress(OSError, ValueError):
        current = json.loads(marker.read_text())
    if current.get("vega"):
        vega = True  # never take the bundle away from pages that link it
    if current and current.get("vega", False) == vega and current.get("gx") == _gx_version() \
            and current.get("vendor") == _fingerprint(_static_files(False)):
        return False
    files = _static_files(vega)
    manifest = {"gx": _gx_version(), "vendor": _fingerprint(_static_files(False)), "vega": vega,
                "written_at": datetime.now(UTC).isoformat(timespec="seconds"), "files": sorted(files)}
    with tempfile.TemporaryDirectory(prefix="newsflow-static-") as tmp:
        staged = Path(tmp) / STATIC
        for name, src in files.items():
            out = staged / name
            out.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(src, bytes):
                out.write_bytes(src)
            else:
                shutil.copyfile(src, out)
        if is_local(docs_root):
            docs_root.mkdir(parents=True, exist_ok=True)
            swap = docs_root / f".{STATIC}.tmp-{os.getpid()}"
            shutil.rmtree(swap, ignore_errors=True)
            shutil.copytree(staged, swap)
            old = docs_root / f".{STATIC}.old-{os.getpid()}"
            if target.exists():
                os.replace(target, old)
            os.replace(swap, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            upload_dir(staged, target)
    write_bytes_atomic(marker, json.dumps(manifest, indent=2).encode())
    log.info("Data Docs assets installed in %s (%d files)", target, len(files))
    return True


def _gx_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("great_expectations")
    except PackageNotFoundError:
        return "unknown"


def prune_docs(lake: Any, keep_days: int = 30, now: datetime | None = None) -> list[str]:
    """Delete the ``_docs/<run_id>`` folders last written more than ``keep_days`` days ago (the
    newest file in the folder counts, so a rerun of an old interval keeps its fresh docs). The
    shared ``_static`` folder and anything else starting with ``_`` or ``.`` are kept. Returns the
    run ids whose docs were deleted. Call it while holding the lake's write lock."""
    from newsflow.lake import is_local, newest_mtime, remove_tree

    if keep_days < 0:
        raise ValueError(f"keep_days must be ≥ 0, got {keep_days}")
    docs = lake.root / "_docs"
    if not (docs.is_dir() if is_local(docs) else docs.exists()):
        return []
    cutoff = (now or datetime.now(UTC)) - timedelta(days=keep_days)
    removed = []
    for folder in sorted(docs.iterdir(), key=lambda p: p.name):
        if folder.name.startswith(("_", ".")) or not folder.is_dir():
            continue
        written = newest_mtime(folder)
        if written is not None and written < cutoff:
            remove_tree(folder)
            removed.append(folder.name)
    if removed:
        log.info("pruned the Data Docs of %d runs older than %d days: %s", len(removed), keep_days,
                 ", ".join(removed[:10]) + (" ..." if len(removed) > 10 else ""))
    return removed
