"""A news site on 127.0.0.1 for the fetcher tests: real-world feeds, article pages we wrote,
and every fault the fetcher must survive. Started and stopped by the tests themselves."""

from __future__ import annotations

import functools
import ssl
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

FEEDS = Path(__file__).parent / "fixtures" / "feeds"

ARTICLE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>
<script type="application/ld+json">{{"@context": "https://schema.org", "@type": "NewsArticle",
"headline": "{title}", "datePublished": "2026-11-27T08:30:00Z", "inLanguage": "en",
"author": [{{"@type": "Person", "name": "Ana Reporter"}}]}}</script></head>
<body><nav>Home | World | Business</nav><article><h1>{title}</h1>
<p>{body}</p><p>Officials said the decision would be reviewed in the spring, and analysts expect
further changes before the end of the year as the government weighs its options.</p></article>
<footer>Share this article | Copyright 2026</footer></body></html>"""

BODIES = {
    1: ("Port of Rotterdam handles record cargo", "The Port of Rotterdam handled 12 million containers last year, up 4% from a year earlier, the port authority said on Tuesday."),
    2: ("Kenya raises fuel prices", "Kenya raised the price of petrol by 5 shillings a litre on Friday, the energy regulator said, citing a weaker currency and higher import costs."),
    3: ("Chile copper output falls", "Chile's copper output fell 3.2% in October to 430,000 tonnes, the statistics agency said, as lower ore grades hit the largest mines."),
    4: ("Retried page", "Norway's sovereign fund returned 8.2% in the third quarter, helped by technology shares, the central bank said in Oslo on Wednesday."),
}

CP1252_BODY = ("The “naïve” café owners of Saint-Étienne paid €12 more in tax this year, déjà vu for "
               "Zoë Brontë, the mayor said on Monday — the third rise in a row.")


def local_feed(base: str) -> str:
    items = []
    cases = [("good-1", "/articles/1.html", "Summary one."), ("good-2", "/articles/2.html", "Summary two."),
             ("retry-429", "/articles/429.html", "Retried page summary."),
             ("server-500", "/articles/500.html", "The page fails with a 500; this summary is the fallback text of the article."),
             ("slow", "/articles/slow.html", "The page is too slow; this summary is the fallback text of the article."),
             ("truncated", "/articles/truncated.html", "The page is cut short; this summary is the fallback text here."),
             ("huge", "/articles/huge.html", "The page is far too big; this summary is the fallback text here."),
             ("loop", "/articles/loop.html", "The page redirects in a loop; this summary is the fallback text."),
             ("private", "/articles/private.html", "The page redirects to a private address; this is the fallback text."),
             ("latin1", "/articles/latin1.html", "Latin-1 page."),
             ("wrong-charset", "/articles/wrongcharset.html", "Wrongly declared page."),
             ("empty", "/articles/empty.html", ""),
             ("robots", "/private-area/secret.html", "Disallowed by robots; the summary text stands in for the page."),
             ("tracking", "/articles/3.html?utm_source=rss&utm_medium=feed#top", "Summary three.")]
    for guid, path, summary in cases:
        items.append(f"<item><title>{guid}</title><link>{base}{path}</link><guid>{guid}</guid>"
                     f"<pubDate>Thu, 27 Nov 2026 10:00:00 GMT</pubDate><description>{summary}</description></item>")
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Local News</title>'
            f"<link>{base}/</link>{''.join(items)}</channel></rss>")


@functools.cache
def gzip_bomb(megabytes: int = 200) -> bytes:
    """``megabytes`` MB of zeros as gzip (about 1 KB per MB), compressed a megabyte at a time so
    building it never holds the expanded bomb. Cached: call it before measuring memory."""
    packer, block = zlib.compressobj(9, zlib.DEFLATED, 31), bytes(1 << 20)
    return b"".join([*(packer.compress(block) for _ in range(megabytes)), packer.flush()])


class Handler(BaseHTTPRequestHandler):
    server_version = "newsserver/1.0"

    def log_message(self, *args):  # quiet
        pass

    def _send(self, status: int, body: bytes = b"", ctype: str = "text/html; charset=utf-8", headers=None):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        if "Content-Length" not in (headers or {}):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _drip(self, data: bytes, every: float) -> None:
        """Send ``data`` a byte at a time, ``every`` seconds apart, until the client hangs up
        or the server stops (so a cut-off drip never outlives its test)."""
        for i in range(len(data)):
            if self.server.stopping.wait(every):
                break
            try:
                self.wfile.write(data[i:i + 1])
                self.wfile.flush()
            except OSError:  # the client gave up: that is what the tests want
                break
        self.close_connection = True

    def _hostile(self, path: str, query: dict[str, list[str]]) -> bool:
        """Routes of the hostile-input tests: slow drips, a big gzip bomb, redirects anywhere,
        the Host header echoed. True if the path was one of them."""
        if path == "/drip":  # headers at once, then a byte per `every` s: 120 bytes, 60 s at 0.5
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "120")
            self.end_headers()
            self.wfile.flush()
            self._drip(b"x" * 120, float(query.get("every", ["0.5"])[0]))
        elif path == "/drip-headers":  # the headers themselves a byte per 0.5 s
            self._drip(b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"y" * 120 + b"\r\n\r\n", 0.5)
        elif path == "/bigbomb.html":
            bomb = gzip_bomb()
            self._send(200, bomb, headers={"Content-Encoding": "gzip", "Content-Length": str(len(bomb))})
        elif path == "/redirect":
            self._send(302, headers={"Location": query["to"][0]})
        elif path == "/host":
            self._send(200, f"Host: {self.headers.get('Host')}".encode(), "text/plain")
        else:
            return False
        return True

    def do_GET(self):
        srv = self.server
        srv.hits.append(self.path)
        path = self.path.split("?")[0]
        base = f"http://127.0.0.1:{srv.server_address[1]}"
        try:
            if self._hostile(path, parse_qs(urlsplit(self.path).query)):
                return None
        except OSError:  # a client that hung up on a hostile route
            self.close_connection = True
            return None
        if path == "/robots.txt":
            return self._send(200, b"User-agent: *\nDisallow: /private-area/\n", "text/plain")
        if path == "/feeds/local.rss":
            if self.headers.get("If-None-Match") == '"v1"':
                return self._send(304, headers={"ETag": '"v1"'})
            return self._send(200, local_feed(base).encode(), "application/rss+xml", {"ETag": '"v1"'})
        if path == "/feeds/updates.atom":  # entries whose `updated` and pages the tests change between runs
            entries = "".join(
                f"<entry><id>urn:{name}</id><title>{name}</title><link href=\"{base}/articles/{name}.html\"/>"
                f"<published>2026-11-27T06:00:00Z</published><updated>{srv.live[name]['updated']}</updated>"
                f"<summary>Summary of {name}.</summary></entry>" for name in sorted(srv.live))
            return self._send(200, ('<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
                                    f"<title>Updates</title><id>urn:updates</id>{entries}</feed>").encode(),
                              "application/atom+xml")
        if path.startswith("/articles/") and path[10:-5] in srv.live:
            live = srv.live[path[10:-5]]
            if live["body"] is None:  # the page broke: an empty 200
                return self._send(200, b"")
            etag = f'"{zlib.crc32(live["body"].encode()):x}"'
            if self.headers.get("If-None-Match") == etag:
                return self._send(304, headers={"ETag": etag})
            page = ARTICLE.format(title=live["title"], body=live["body"])
            return self._send(200, page.encode(), headers={"ETag": etag})
        if path == "/feeds/heise.atom":
            return self._send(200, (FEEDS / "heise.atom").read_bytes(), "application/atom+xml")
        if path == "/sitemap.xml":
            urls = "".join(f"<url><loc>{base}/articles/{i}.html</loc></url>" for i in (1, 2, 3))
            urls += (f'<url><loc>{base}/articles/nodate.html</loc><news:news xmlns:news="http://www.google.com/'
                     'schemas/sitemap-news/0.9"><news:publication_date>2026-11-26T06:00:00Z</news:publication_date>'
                     "</news:news></url>")
            return self._send(200, ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns='
                                    f'"http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>').encode(),
                              "application/xml")
        if path == "/sitemap-index.xml":
            return self._send(200, ('<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/'
                                    f'sitemap/0.9"><sitemap><loc>{base}/sitemap.xml</loc></sitemap></sitemapindex>'
                                    ).encode(), "application/xml")
        if path == "/articles/gzipbomb.html":
            import gzip

            bomb = gzip.compress(b"<p>" + b"A" * 5_000_000 + b"</p>", 9)
            return self._send(200, bomb, headers={"Content-Encoding": "gzip", "Content-Length": str(len(bomb))})
        if path in ("/feeds/guardian.rss", "/feeds/encoding.rss"):
            return self._send(200, (FEEDS / path.rsplit("/", 1)[1]).read_bytes(), "application/rss+xml")
        if path == "/feeds/json_feed.json":
            return self._send(200, (FEEDS / "json_feed.json").read_bytes(), "application/feed+json")
        if path == "/feeds/notxml.rss":
            return self._send(200, b"<html><body>This is not a feed at all.</body></html>")
        if path == "/feeds/bomb.rss":
            bomb = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
                    b"<rss><channel><item><title>&b;</title></item></channel></rss>")
            return self._send(200, bomb, "application/rss+xml")
        if path == "/feeds/broken.rss":
            return self._send(500, b"oops")
        if path in ("/articles/1.html", "/articles/2.html", "/articles/3.html"):
            title, body = BODIES[int(path[10:-5])]
            return self._send(200, ARTICLE.format(title=title, body=body).encode())
        if path == "/articles/429.html":
            srv.counts["429"] = srv.counts.get("429", 0) + 1
            if srv.counts["429"] == 1:
                return self._send(429, b"slow down", headers={"Retry-After": "1"})
            return self._send(200, ARTICLE.format(title=BODIES[4][0], body=BODIES[4][1]).encode())
        if path == "/articles/500.html":
            return self._send(500, b"internal error")
        if path == "/articles/slow.html":
            time.sleep(2.5)
            return self._send(200, b"too late")
        if path == "/articles/truncated.html":
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b"<html><body><p>Only the beginning")
            self.wfile.flush()
            self.close_connection = True
            return None
        if path == "/articles/huge.html":
            return self._send(200, b"<p>" + b"x" * 300_000 + b"</p>")
        if path == "/articles/loop.html":
            return self._send(302, headers={"Location": "/articles/loop2.html"})
        if path == "/articles/loop2.html":
            return self._send(302, headers={"Location": "/articles/loop.html"})
        if path == "/articles/private.html":
            return self._send(302, headers={"Location": "http://10.1.2.3/internal"})
        if path == "/articles/latin1.html":
            page = ARTICLE.format(title="Café prices", body="Le café de la gare a augmenté ses prix de 12% cette année, déclarent les habitués du quartier.")
            page = page.replace('<meta charset="utf-8">', "")
            return self._send(200, page.encode("latin-1"), "text/html")
        if path == "/articles/cp1252-labelled-utf8.html":  # a legacy CMS: cp1252 bytes, UTF-8 in header and <meta>
            page = ARTICLE.format(title="Crème brûlée tax", body=CP1252_BODY)
            return self._send(200, page.encode("cp1252"))
        if path == "/articles/wrongcharset.html":
            page = ARTICLE.format(title="Zürich résumé", body="Zürich’s naïve café résumé cost CHF 5 million, said José Müller on Monday in the city.")
            return self._send(200, page.encode("utf-8"), "text/html; charset=iso-8859-1")
        if path == "/articles/nodate.html":
            page = ARTICLE.format(title="Undated page", body=BODIES[4][1].replace("Norway", "Sweden"))
            page = page[: page.index("<script")] + page[page.index("</script>") + 9:]
            return self._send(200, page.encode())
        if path == "/articles/empty.html":
            return self._send(200, b"")
        return self._send(404, b"not found")


class NewsServer:
    def __init__(self, tls: ssl.SSLContext | None = None):
        """``tls``: a server-side context to serve HTTPS instead (the certificate is the test's)."""
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if tls is not None:
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
        self.httpd.hits, self.httpd.counts = [], {}
        self.httpd.stopping = threading.Event()
        self.httpd.live = {}  # name -> {"title", "body", "updated"}: pages of /feeds/updates.atom
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    @property
    def hits(self) -> list[str]:
        return self.httpd.hits

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
