"""The overview's charts: Vega-Lite specs rendered to inline SVG on the server by vl-convert (no
browser, no network), and a check that every SVG is inert (drawing elements only: no scripts,
event handlers or links out), since the page is served with a CSP that allows no script.
Split from :mod:`newsflow.report`, which builds the data and the pages.
"""

from __future__ import annotations

import functools
import json
import logging
import re
from typing import Any

log = logging.getLogger(__name__)

# entity groups on the page (the charts colour mentions by them)
GROUPS = {"people": ("PERSON",), "organisations": ("ORG",), "places": ("GPE", "LOC")}

@functools.lru_cache(maxsize=128)
def _render_svg(spec_json: str) -> str:
    import vl_convert

    return vl_convert.vegalite_to_svg(json.loads(spec_json))


def chart_svg(spec: dict[str, Any]) -> str | None:
    """A Vega-Lite spec as inline SVG (rendered on the server, cached by spec); None if
    vl-convert is missing or fails (the page then shows the numbers only)."""
    try:
        svg = _render_svg(json.dumps(spec, sort_keys=True, default=str))
    except ImportError:
        log.warning("vl-convert-python is not installed: charts are left out")
        return None
    except Exception as exc:  # a chart must never take the page down
        log.warning("chart failed to render: %s", exc)
        return None
    # the renderer escapes every text it draws (labels are data); still, only inert SVG goes out
    if not svg_is_inert(svg):
        log.warning("chart SVG refused: unexpected element or attribute")
        return None
    return svg


SVG_ELEMENTS = frozenset({"svg", "g", "path", "rect", "line", "polyline", "polygon", "circle", "ellipse", "text",
                          "tspan", "title", "desc", "defs", "clipPath", "linearGradient", "radialGradient", "stop",
                          "pattern", "mask", "symbol"})


def svg_is_inert(svg: str) -> bool:
    """Only drawing elements, no event handlers, no links out, no styles (which could load
    something): what vl-convert draws, and nothing a hostile label could add."""
    import xml.etree.ElementTree as ET

    if "<!" in svg:  # no DTD, no entities, no CDATA
        return False
    try:
        root = ET.fromstring(svg)
    except ET.ParseError:
        return False
    for el in root.iter():
        if el.tag.rsplit("}", 1)[-1] not in SVG_ELEMENTS:
            return False
        for name, value in el.attrib.items():
            local = name.rsplit("}", 1)[-1].lower()
            if local.startswith("on") or (local == "href" and not value.startswith("#")) or \
                    ("url(" in value and not re.fullmatch(r"url\(#[\w-]+\)", value.strip())):
                return False
    return True


_BASE_CONFIG = {"font": "system-ui, sans-serif", "view": {"stroke": None},
                "axis": {"labelColor": "#4a5568", "titleColor": "#4a5568", "gridColor": "#edf2f7"},
                "legend": {"labelLimit": 150, "orient": "right"}}


# room on the right: the renderer measures text with its own fonts, browsers draw it a little wider
_PADDING = {"left": 5, "top": 5, "bottom": 5, "right": 30}


def _stacked_per_day(title: str, rows: list[list], days: list[str], colour: str, order: list[str] | None = None,
                     max_series: int = 8) -> dict[str, Any]:
    totals: dict[str, int] = {}
    for _, c, n in rows:
        totals[c] = totals.get(c, 0) + n
    keep = order or sorted(totals, key=lambda c: (-totals[c], c))
    keep = [c for c in keep if c in totals][:max_series]
    values = [{"day": d, colour: c if c in keep else "other", "n": n} for d, c, n in rows]
    domain = keep + (["other"] if any(c not in keep for c in totals) else [])
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": {"text": title, "anchor": "start", "fontSize": 13},
        "width": 380, "height": 170, "data": {"values": values}, "padding": _PADDING,
        "mark": {"type": "bar", "tooltip": False},
        "encoding": {
            "x": {"field": "day", "type": "ordinal", "title": None, "scale": {"domain": days},
                  "axis": {"labelAngle": -45, "labelExpr": "substring(datum.value, 5)",
                           "values": days if len(days) <= 12 else days[::-1][::3][::-1]}},
            "y": {"aggregate": "sum", "field": "n", "type": "quantitative", "title": None},
            "color": {"field": colour, "type": "nominal", "title": None, "scale": {"domain": domain},
                      "sort": domain},
            "order": {"field": colour},
        },
        "config": _BASE_CONFIG,
    }


def _by_source_chart(by_source: dict[str, dict[str, int]], max_sources: int = 12) -> dict[str, Any]:
    ranked = sorted(by_source, key=lambda s: (-by_source[s].get("articles", 0), s))[:max_sources]
    values = [{"source": s, "what": what, "n": by_source[s].get(key, 0)}
              for s in ranked for key, what in (("articles", "articles"), ("mentions", "entity mentions"),
                                                ("amounts", "amounts"))]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": {"text": "Per source", "anchor": "start", "fontSize": 13},
        "data": {"values": values}, "padding": _PADDING,
        "facet": {"column": {"field": "what", "type": "nominal", "title": None,
                             "sort": ["articles", "entity mentions", "amounts"],
                             "header": {"labelFontSize": 12, "labelFontWeight": "bold"}}},
        "spec": {"width": 150, "height": {"step": 18},
                 "layer": [
                     {"mark": {"type": "bar", "color": "#4c78a8"},
                      "encoding": {"y": {"field": "source", "type": "nominal", "sort": ranked, "title": None,
                                         "axis": {"labelLimit": 160}},
                                   "x": {"field": "n", "type": "quantitative", "title": None,
                                         "axis": {"tickCount": 3}}}},
                     {"mark": {"type": "text", "align": "left", "dx": 3, "fontSize": 10, "color": "#2d3748"},
                      "encoding": {"y": {"field": "source", "type": "nominal", "sort": ranked},
                                   "x": {"field": "n", "type": "quantitative"},
                                   "text": {"field": "n", "type": "quantitative"}}}]},
        "resolve": {"scale": {"x": "independent"}},
        "config": _BASE_CONFIG,
    }


def _sparklines(title: str, top: list[dict[str, Any]]) -> dict[str, Any]:
    names = [t["name"] for t in top]
    last = top[0]["trend"][-1][0]
    values = [{"name": t["name"], "day": d, "n": n, "today": t["mentions"]} for t in top for d, n in t["trend"]]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": {"text": title, "anchor": "start", "fontSize": 13, "offset": 8},
        "data": {"values": values},
        "facet": {"row": {"field": "name", "type": "nominal", "sort": names, "title": None,
                          "header": {"labelAngle": 0, "labelOrient": "left", "labelAlign": "left",
                                     "labelAnchor": "middle", "labelFontSize": 12, "labelLimit": 130,
                                     "labelPadding": 140}}},
        "spec": {"width": 110, "height": 22, "layer": [
            {"mark": {"type": "area", "color": "#dbe7f5", "interpolate": "monotone",
                      "line": {"color": "#3173b8", "strokeWidth": 1.5}},
             "encoding": {"x": {"field": "day", "type": "ordinal", "axis": None, "scale": {"type": "point"}},
                          "y": {"field": "n", "type": "quantitative", "axis": None,
                                "scale": {"zero": True}}}},
            {"transform": [{"filter": {"field": "day", "equal": last}}],
             "mark": {"type": "circle", "color": "#174a7c", "size": 22},
             "encoding": {"x": {"field": "day", "type": "ordinal", "scale": {"type": "point"}}, "y": {"field": "n", "type": "quantitative"}}},
            {"transform": [{"filter": {"field": "day", "equal": last}}],
             "mark": {"type": "text", "align": "left", "dx": 9, "fontSize": 12, "fontWeight": "bold",
                      "color": "#1a202c"},
             "encoding": {"x": {"field": "day", "type": "ordinal", "scale": {"type": "point"}}, "y": {"value": 11},
                          "text": {"field": "today", "type": "quantitative"}}}]},
        "resolve": {"scale": {"y": "independent"}},
        "spacing": 3,
        "padding": _PADDING,
        "config": _BASE_CONFIG,
    }


def charts(data: dict[str, Any]) -> dict[str, str | None]:
    """The overview's charts as inline SVG, from :func:`overview`'s data."""
    if not data.get("day"):
        return {}
    days, pd = data["days"], data["per_day"]
    out = {
        "articles": chart_svg(_stacked_per_day("Articles per day, by source", pd["articles"], days, "source")),
        "mentions": chart_svg(_stacked_per_day("Entity mentions per day", pd["mentions"], days, "type",
                                               order=[*GROUPS, "other"])),
        "amounts": chart_svg(_stacked_per_day("Amounts per day, by kind", pd["amounts"], days, "kind",
                                              order=["money", "percent", "quantity", "count", "cardinal", "ordinal"])),
        "sources": chart_svg(_by_source_chart(data["by_source"])) if data["by_source"] else None,
    }
    for group, top in data.get("top", {}).items():
        out[f"top_{group}"] = chart_svg(_sparklines(group.capitalize(), top)) if top else None
    return out


