"""Network fetchers (feeds, sitemaps, page lists) behind the same Fetcher protocol as files.

Each fetcher reads one source of the sources file and yields raw articles or rejections, never
raises for a bad item. Articles whose
canonical URL already landed are skipped before their page is fetched, unless their feed entry
or sitemap says they changed since; feed and page responses are cached by ETag/Last-Modified,
so an unchanged feed costs one 304 and an unchanged page fetched again on an update notice another.
"""

from __future__ import annotations

import codecs
import json
import logging
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib import robotparser
from urllib.parse import urljoin, urlsplit

from newsflow.credentials import CredentialsLookup, from_environment
from newsflow.decoding import decode_http_body
from newsflow.fetch import (
    FEED_ENTRY_NOTE,
    LocalFetcher,
    RawArticle,
    Rejected,
    parse_timestamp,
    source_hash,
)
from newsflow.htmltext import extract_page
from newsflow.httpfetch import (
    FetchError,
    HttpClient,
    HttpPolicy,
    Response,
    SourceOutOfTime,
    budget_used_up,
    decode_body,
)
from newsflow.sources import SourceConfig
from newsflow.staging import LandedUrl
from newsflow.urls import canonical_url, origin

log = logging.getLogger(__name__)

_ENTITY_DECL = re.compile(rb"<!ENTITY|<!DOCTYPE[^>]*\[", re.IGNORECASE)
# what may precede the root element: whitespace, processing instructions, comments, and a
# DOCTYPE without an internal subset (an external DTD, never loaded)
_PROLOG_MISC = re.compile(rb"\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*>", re.DOTALL | re.IGNORECASE)
_UNICODE_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                 (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
                 (b"<\x00?\x00", "utf-16-le"), (b"\x00<\x00?", "utf-16-be"))
_TAGS = re.compile(r"<[^>]+>")


@dataclass
class FetchContext:
    """What a network fetcher needs from the run: landed URLs, the HTTP cache, the run id.
    ``landed_urls`` is filled from the run's landed index when the run fetches."""

    run_id: str
    landed_urls: dict[str, LandedUrl] = field(default_factory=dict)  # canonical URL -> latest landed version
    http_cache: dict[str, dict[str, Any]] = field(default_factory=dict)  # url -> etag, last_modified, run_id
    cache_updates: dict[str, dict[str, Any]] = field(default_factory=dict)
    stats: dict[str, int] = field(default_factory=lambda: {"not_modified": 0, "already_landed": 0,
                                                           "requests": 0, "fallbacks": 0, "refetched": 0,
                                                           "unchanged": 0})


def build_fetchers(configs: list[SourceConfig], ctx: FetchContext, client_factory=None,
                   credentials: CredentialsLookup = from_environment) -> list:
    """One fetcher per source of the sources file; web fetchers share ``ctx`` and the pace
    kept per host. A source naming a ``connection`` gets its credentials from ``credentials``
    (the DAG looks them up in Airflow; the default reads ``AIRFLOW_CONN_<ID>``), bound to the
    origins of its own URLs."""
    out, host_times = [], {}
    for c in configs:
        if c.type in ("folder", "jsonl"):
            out.append(LocalFetcher((c.path,), name=c.name, max_bytes=c.max_bytes))
        else:
            creds = credentials(c.connection) if c.connection else None
            policy = HttpPolicy(read_timeout=c.timeout, connect_timeout=min(5.0, c.timeout), max_bytes=c.max_bytes,
                                retries=c.retries, host_interval=c.host_interval,
                                allow_loopback=c.allow_loopback, allow_private=c.allow_private, credentials=creds,
                                auth_origins=frozenset(origin(u) for u in (c.url, *c.urls) if u))
            client = client_factory(policy) if client_factory else HttpClient(policy)
            client.share_host_times(host_times)
            out.append(WebFetcher(c, client, ctx))
    return out


@dataclass
class WebFetcher:
    """Reads one feed, sitemap or page list of the sources file over HTTP."""

    config: SourceConfig
    client: HttpClient
    ctx: FetchContext
    _budget_end: float | None = field(default=None, init=False, repr=False)

    @property
    def name(self) -> str:
        return self.config.name

    def fetch(self) -> Iterator[RawArticle | Rejected]:
        c = self.config
        self._robots: dict[str, robotparser.RobotFileParser | None] = {}
        self._start_budget()
        try:
            if c.type == "rss":
                yield from self._feed(c.url)
            elif c.type == "sitemap":
                yield from self._sitemap(c.url)
            else:
                for url in c.urls[: c.max_items]:
                    yield from self._page(url, entry=None)
        finally:
            self.ctx.stats["requests"] += self.client.requests
            self.client.close()

    # -- helpers ---------------------------------------------------------------------------
    def _start_budget(self) -> None:
        """Bound the source's time in this run (``HttpPolicy.source_deadline``): the client cuts
        any fetch off at the end, and the URLs not reached by then are quarantined with the
        reason, so the next run fetches them instead of nothing being said."""
        clock = getattr(self.client, "clock", time.monotonic)
        self._budget_end = clock() + self.client.policy.source_deadline
        self.client.budget_end = self._budget_end

    def _out_of_time(self) -> bool:
        clock = getattr(self.client, "clock", time.monotonic)
        return self._budget_end is not None and clock() >= self._budget_end

    def _over_budget(self, url: str | None) -> Rejected:
        return self._reject(url, budget_used_up(self.client.policy.source_deadline))

    def _reject(self, url: str | None, reason: str, stage: str = "fetch") -> Rejected:
        return Rejected(stage, self.name, url, reason, url)

    def _cached(self, url: str) -> dict[str, Any]:
        """The HTTP cache entry of another run (a rerun of the run that cached a response must
        see the content again, not a 304)."""
        cached = self.ctx.http_cache.get(url) or {}
        return cached if cached.get("run_id") != self.ctx.run_id else {}

    def _get(self, url: str, conditional: bool = False):
        cached = self._cached(url) if conditional else {}
        resp = self.client.get(url, etag=cached.get("etag"), last_modified=cached.get("last_modified"))
        if conditional and not resp.not_modified and (resp.etag or resp.last_modified):
            self.ctx.cache_updates[url] = {"etag": resp.etag, "last_modified": resp.last_modified,
                                           "run_id": self.ctx.run_id}
        return resp

    def _remember(self, url: str, **fields: Any) -> None:
        """Add to a URL's cache entry (kept whole: the state file replaces entries, not fields)."""
        entry = self.ctx.cache_updates.setdefault(url, dict(self.ctx.http_cache.get(url) or {}))
        entry.update(fields, run_id=self.ctx.run_id)

    def _allowed(self, url: str) -> bool:
        if not self.config.respect_robots:
            return True
        parts = urlsplit(url)
        base = f"{parts.scheme}://{parts.netloc}"
        if base not in self._robots:
            rp = robotparser.RobotFileParser()
            try:
                resp = self.client.get(base + "/robots.txt")
                rp.parse(decode_body(resp.body, resp.headers.get("content-type")).splitlines())
            except FetchError as exc:
                if exc.status in (401, 403):
                    rp.disallow_all = True
                else:
                    rp.allow_all = True  # no robots.txt (404) or unreachable: allowed, as crawlers agree
            delay = rp.crawl_delay("newsflow")
            if delay:  # honour Crawl-delay, within reason
                self.client.policy.host_interval = max(self.client.policy.host_interval, min(float(delay), 60.0))
            self._robots[base] = rp
        return self._robots[base].can_fetch("newsflow", url)

    # -- feeds -----------------------------------------------------------------------------
    def _document(self, url: str, what: str):
        """A feed or sitemap: robots, conditional GET, entity check. Response, Rejected or None (304)."""
        if self._out_of_time():
            return self._over_budget(url)
        try:
            if not self._allowed(url):
                return self._reject(url, "disallowed by robots.txt")
            resp = self._get(url, conditional=True)
        except SourceOutOfTime:
            return self._over_budget(url)
        except FetchError as exc:
            return self._reject(url, f"{what} fetch failed: {exc.reason}")
        if resp.not_modified:
            self.ctx.stats["not_modified"] += 1
            return None
        if _declares_entities(resp.body):
            return self._reject(url, f"{what} declares XML entities or a DTD subset: refused (entity expansion)")
        return resp

    def _feed(self, url: str) -> Iterator[RawArticle | Rejected]:
        import feedparser

        resp = self._document(url, "feed")
        if not isinstance(resp, Response):
            yield from [resp] if resp is not None else []
            return
        entries = _json_feed(resp.body)
        if entries is None:
            parsed = feedparser.parse(resp.body, response_headers={"content-type": resp.headers.get("content-type", "")},
                                      resolve_relative_uris=False, sanitize_html=True)
            entries = parsed.entries
            if not entries:
                reason = f"not a valid RSS/Atom/JSON feed: {parsed.get('bozo_exception')!r}" if parsed.bozo \
                    else "feed has no entries"
                yield self._reject(url, reason)
                return
        for entry in entries[: self.config.max_items]:
            link = entry.get("link") or entry.get("id")
            if not link or not link.startswith(("http://", "https://")):
                if link:
                    link = urljoin(resp.url, link)
                else:
                    yield self._reject(entry.get("title"), "feed entry has no link")
                    continue
            yield from self._page(link, entry=entry)

    def _sitemap(self, url: str, depth: int = 0) -> Iterator[RawArticle | Rejected]:
        from lxml import etree

        resp = self._document(url, "sitemap")
        if not isinstance(resp, Response):
            yield from [resp] if resp is not None else []
            return
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
        try:
            root = etree.fromstring(resp.body, parser)
        except etree.XMLSyntaxError as exc:
            yield self._reject(url, f"sitemap is not valid XML: {exc}")
            return
        if root.tag.endswith("sitemapindex"):
            children = [e.text.strip() for e in root.iter("{*}loc") if e.text]
            for child in children[:10] if depth == 0 else []:
                yield from self._sitemap(child, depth + 1)
            return
        for node in list(root.iter("{*}url"))[: self.config.max_items]:
            loc = node.findtext("{*}loc")
            if not loc:
                continue
            # news sitemaps carry the publication date; plain ones at least lastmod
            lastmod = (node.findtext("{*}lastmod") or "").strip() or None
            date = (node.findtext(".//{*}publication_date") or "").strip() or lastmod
            yield from self._page(loc.strip(), entry={"published": date, "updated": lastmod} if date else {})

    # -- pages -----------------------------------------------------------------------------
    def _changed(self, canon: str, prior: LandedUrl, updated: datetime | None) -> bool:
        """Whether a landed article's entry says it changed since the landed version (or since
        a fetch found that version unchanged): only then is it fetched again."""
        cached = self._cached(canon)
        seen = cached.get("seen_updated") if cached.get("seen_hash") == prior.key else None
        since = max([t for t in (prior.since, seen and datetime.fromisoformat(seen)) if t], default=None)
        return bool(updated and since and updated > since)

    def _page(self, url: str, entry: Any) -> Iterator[RawArticle | Rejected]:
        canon = canonical_url(url)
        updated = _entry_updated(entry)
        prior = self.ctx.landed_urls.get(canon)
        if prior is not None and not self._changed(canon, prior, updated):
            self.ctx.stats["already_landed"] += 1
            return
        if (self.config.follow_links or not entry) and self._out_of_time():
            yield self._over_budget(canon)
            return
        if prior is not None:
            self.ctx.stats["refetched"] += 1
        notes, page = [], None
        if self.config.follow_links or not entry:
            try:
                if not self._allowed(canon):
                    notes.append("page disallowed by robots.txt")
                else:
                    # Pages remember their ETag and what text it stood for: fetching an updated entry
                    # again ends in a 304 when the page still holds the landed version.
                    cached = self._cached(canon)
                    valid = prior is not None and cached.get("hash") == prior.source_hash
                    resp = self.client.get(canon, etag=cached.get("etag") if valid else None,
                                           last_modified=cached.get("last_modified") if valid else None)
                    if resp.not_modified:
                        yield from self._unchanged(canon, updated, prior)
                        return
                    decoded = decode_http_body(resp.body, resp.headers.get("content-type"))
                    page = extract_page(decoded.text, resp.url)
                    if page["text"] and decoded.note:  # a repaired or guessed charset: say so
                        notes.append(decoded.note)
                    if not page["text"]:
                        notes.append("page had no main text")
                        page = None
                    elif resp.etag or resp.last_modified:
                        self._remember(canon, etag=resp.etag, last_modified=resp.last_modified,
                                       hash=source_hash(page["text"]))
            except FetchError as exc:
                if isinstance(exc, SourceOutOfTime) or self._out_of_time():  # no fallback: fetched next run
                    yield self._over_budget(canon)
                    return
                notes.append(f"page fetch failed: {exc.reason}")
        fallback = _entry_text(entry) if entry is not None else ""
        if prior is not None and page is None and (self.config.follow_links or not entry):
            # an update that cannot be fetched: the landed version stands, the next run tries again
            yield self._reject(canon, "; ".join([*notes, "the landed version stands"]))
            return
        if page is None and not fallback:
            yield self._reject(canon, "; ".join(notes) or "no text")
            return
        if prior is not None and page is None and not prior.from_feed_entry:
            # a feed's summary is another rendering of a landed page, not a new version of it
            self.ctx.stats["already_landed"] += 1
            return
        if prior is not None and prior.same_text(page["text"] if page else fallback):
            yield from self._unchanged(canon, updated, prior)
            return
        if page is None:
            notes.append(FEED_ENTRY_NOTE)
            self.ctx.stats["fallbacks"] += 1
        published, date_note = _published(page, entry)
        if date_note:
            notes.append(date_note)
        yield RawArticle(
            external_id=(entry.get("id") if entry is not None else None) or canon,
            source=self.name, url=canon,
            text=page["text"] if page else fallback,
            title=(page or {}).get("title") or (entry.get("title") if entry is not None else None),
            published_at=published,
            language=(page or {}).get("language") or self.config.language,
            authors="; ".join((page or {}).get("authors") or []) or None,
            notes="; ".join(notes) or None,
            updated_at=updated.isoformat() if updated else (page or {}).get("modified"),
            from_feed_entry=page is None,
        )

    def _unchanged(self, canon: str, updated: datetime | None, prior: LandedUrl) -> Iterator[RawArticle | Rejected]:
        """Fetched again on an update notice, same text as the landed version: remember the
        notice (for that version) so the next run does not fetch it again for the same reason."""
        self.ctx.stats["unchanged"] += 1
        if updated:
            self._remember(canon, seen_updated=updated.isoformat(), seen_hash=prior.key)
        yield from ()


def _declares_entities(body: bytes) -> bool:
    """Whether an XML document declares entities or a DTD subset (refused: entity expansion).

    Only the prolog, everything before the root element, can declare them, and all of it is
    read however long its comments or whitespace. What the scan cannot read as a prolog (an
    unclosed comment, a DTD subset, not XML at all) is searched whole, so an odd document is
    refused rather than let through. UTF-16 and UTF-32 documents are scanned as text.
    """
    for bom, codec in _UNICODE_BOMS:
        if body.startswith(bom):
            body = body.decode(codec, errors="replace").encode()
            break
    pos = len(codecs.BOM_UTF8) if body.startswith(codecs.BOM_UTF8) else 0
    while m := _PROLOG_MISC.match(body, pos):
        pos = m.end()
    if body[pos:pos + 1] == b"<" and body[pos + 1:pos + 2] not in (b"!", b"?", b""):
        return False  # the root element starts: the prolog declared nothing
    return _ENTITY_DECL.search(body, pos) is not None


def _json_feed(body: bytes) -> list[dict] | None:
    """JSON Feed 1.x items as feed entries (feedparser 6 reads only XML feeds); None if not one."""
    if body.lstrip()[:1] != b"{":
        return None
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict) or "jsonfeed.org" not in str(data.get("version", "")):
        return None
    entries = []
    for item in data.get("items", []):
        if isinstance(item, dict):
            entries.append({"link": item.get("url") or item.get("external_url"), "id": item.get("id"),
                            "title": item.get("title"), "summary": item.get("summary") or item.get("content_text") or "",
                            "content": [{"value": item.get("content_html") or item.get("content_text") or ""}],
                            "published": item.get("date_published"), "updated": item.get("date_modified")})
    return entries


def _entry_updated(entry: Any) -> datetime | None:
    """When a feed entry or sitemap URL says it last changed (Atom updated, JSON Feed
    date_modified, sitemap lastmod); RSS has no such field."""
    if not entry:
        return None
    if entry.get("updated_parsed"):
        return datetime(*entry["updated_parsed"][:6], tzinfo=UTC)
    if isinstance(entry.get("updated"), str):
        return parse_timestamp(entry["updated"])
    return None


def _entry_text(entry: Any) -> str:
    html = ""
    if entry.get("content"):
        html = max((c.get("value", "") for c in entry["content"]), key=len)
    html = html or entry.get("summary", "")
    text = _TAGS.sub(" ", re.sub(r"</p>|<br\s*/?>", "\n", html, flags=re.I))
    import html as htmllib

    return htmllib.unescape(text).strip()


def _published(page: dict | None, entry: Any) -> tuple[str | None, str | None]:
    """The page's own metadata first, then the feed's or sitemap's date, then the extractor's
    guess from the page text (which may be only a year, e.g. from a copyright line)."""
    if page and page.get("date"):
        return page["date"], None
    if entry:
        if isinstance(entry, dict) and entry.get("published") and "published_parsed" not in entry:
            return entry["published"], None  # JSON Feed: ISO 8601 already
        for key in ("published_parsed", "updated_parsed"):
            t = entry.get(key)
            if t:
                return datetime(*t[:6], tzinfo=UTC).isoformat(), None
    if page and page.get("date_guess"):
        return page["date_guess"], "publication date guessed from the page text"
    return None, "no publication date in the page or the feed"
