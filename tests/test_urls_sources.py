"""URL canonicalisation, the address policy (with an injected resolver: no DNS, no traffic)
and sources-file validation."""

import pytest

from newsflow.sources import SourcesError, parse_sources
from newsflow.urls import AddressRefused, canonical_url, check_url


def test_canonical_url():
    assert canonical_url("HTTPS://News.Example.COM:443/a/b?utm_source=x&id=7&fbclid=z#frag") == \
        "https://news.example.com/a/b?id=7"
    assert canonical_url("http://example.com") == "http://example.com/"
    assert canonical_url("http://example.com:8080/x") == "http://example.com:8080/x"


def fake_resolver(table):
    calls = []

    def resolve(host):
        calls.append(host)
        if host not in table:
            raise OSError("unknown host")
        return table[host]
    resolve.calls = calls
    return resolve


@pytest.mark.parametrize(
    "url, addresses, reason",
    [
        ("http://intranet.example/", ["10.0.0.5"], "private address 10.0.0.5"),
        ("http://router.example/", ["192.168.1.1"], "private address"),
        ("http://meta.example/", ["169.254.169.254"], "cloud metadata"),
        ("http://ll.example/", ["169.254.10.1"], "non-public"),
        ("http://v6.example/", ["::1"], "loopback"),
        ("http://mixed.example/", ["93.184.216.34", "127.0.0.1"], "loopback"),
        ("http://zero.example/", ["0.0.0.0"], "non-public"),
    ],
)
def test_non_public_addresses_are_refused_after_resolution(url, addresses, reason):
    resolve = fake_resolver({url.split("/")[2]: addresses})
    with pytest.raises(AddressRefused, match=reason):
        check_url(url, resolve)
    assert resolve.calls == [url.split("/")[2]]


def test_literal_addresses_and_schemes():
    never = fake_resolver({})
    for url in ("http://10.1.2.3/x", "http://[fd00:ec2::254]/latest", "http://127.0.0.1:8080/"):
        with pytest.raises(AddressRefused):
            check_url(url, never)
    for url in ("file:///etc/passwd", "ftp://example.com/x", "gopher://example.com/"):
        with pytest.raises(AddressRefused, match="only http and https"):
            check_url(url, never)
    assert never.calls == []  # literals and bad schemes never reach the resolver


def test_allowances():
    resolve = fake_resolver({"public.example": ["93.184.216.34"], "lan.example": ["10.0.0.2"]})
    check_url("https://public.example/a", resolve)
    check_url("http://127.0.0.1:9/", resolve, allow_loopback=True)
    check_url("http://lan.example/", resolve, allow_private=True)
    with pytest.raises(AddressRefused, match="private"):
        check_url("http://lan.example/", resolve, allow_loopback=True)
    with pytest.raises(AddressRefused, match="metadata"):
        check_url("http://169.254.169.254/", resolve, allow_loopback=True, allow_private=True)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"sources": [{"name": "a", "type": "rss", "ulr": "http://x"}]}, "unknown key 'ulr' (did you mean 'url'?)"),
        ({"sources": [{"name": "a", "type": "atom", "url": "http://x"}]}, "type 'atom' is not one of"),
        ({"sources": [{"name": "a", "type": "rss"}]}, "type 'rss' needs 'url'"),
        ({"sources": [{"type": "rss", "url": "http://x"}]}, "missing required key 'name'"),
        ({"sources": [{"name": "a", "type": "pages", "urls": "http://x"}]}, "'urls' must be a list"),
        ({"sources": [{"name": "a", "type": "rss", "url": "u", "max_items": -1}]}, "'max_items' must be a non-negative"),
        ({"sources": [{"name": "a", "type": "rss", "url": "u", "follow_links": "yes"}]}, "'follow_links' must be true or false"),
        ({"sources": [{"name": "a", "type": "folder", "path": "p"}, {"name": "a", "type": "folder", "path": "q"}]},
         "duplicate source name 'a'"),
        ({"feeds": []}, "expected a mapping with a 'sources' list"),
    ],
)
def test_sources_file_errors_name_the_problem(data, message):
    with pytest.raises(SourcesError) as exc:
        parse_sources(data, "sources.yaml")
    assert message in str(exc.value)
    assert str(exc.value).startswith("sources.yaml")


def test_shipped_default_sources_work_offline():
    from newsflow.settings import DEFAULT_SOURCES_FILE
    from newsflow.sources import load_sources

    (src,) = load_sources(DEFAULT_SOURCES_FILE)
    assert src.type == "folder" and src.path.endswith("samples")
