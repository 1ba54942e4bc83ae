"""URL canonicalisation and the address policy for outgoing requests."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

TRACKING_PARAMS = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "ocid", "cmpid", "ito", "smid", "ref_src")

Resolver = Callable[[str], list[str]]


def canonical_url(url: str) -> str:
    """Scheme and host lower-cased, default port, fragment and tracking parameters removed."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    netloc = host if port is None or (scheme, port) in (("http", 80), ("https", 443)) else f"{host}:{port}"
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                       if not k.lower().startswith(TRACKING_PARAMS)])
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def system_resolver(host: str) -> list[str]:
    return sorted({info[4][0] for info in socket.getaddrinfo(host, None)})


class AddressRefused(ValueError):
    pass


def check_url(url: str, resolve: Resolver = system_resolver, allow_loopback: bool = False,
              allow_private: bool = False) -> list[str]:
    """Refuse non-http(s) URLs and hosts resolving to loopback, private, link-local, reserved or
    cloud-metadata addresses. A source may allow loopback (tests: their own server) or private
    networks explicitly; link-local, metadata and reserved addresses are never allowed.

    Returns the checked addresses. On its own this is only a pre-check: a later resolution may
    answer differently (DNS rebinding), so the HTTP client checks again where it connects."""
    return resolve_checked(url_host(url), resolve, allow_loopback, allow_private)


def check_proxied_url(url: str, resolve: Resolver = system_resolver, allow_loopback: bool = False,
                      allow_private: bool = False) -> None:
    """The address policy for a URL fetched through a proxy, as far as it can be applied here.

    The proxy resolves the host and connects, not us, so this checks what can be known locally:
    the scheme, an IP-literal host, ``localhost`` names, and every address our own DNS gives for
    the name (all must pass, as without a proxy). A name our DNS cannot resolve is left to the
    proxy (behind a proxy, local DNS often knows no outside names): what the proxy itself may
    reach is the proxy operator's to restrict."""
    host = url_host(url).lower().rstrip(".")
    if (host == "localhost" or host.endswith(".localhost")) and not allow_loopback:
        raise AddressRefused(f"{host} is a loopback name")
    try:
        addresses = [host] if _is_ip(host) else resolve(host)
    except OSError:
        return
    for a in addresses:
        _check_address(host, a, allow_loopback, allow_private)


def origin(url: str) -> str:
    """scheme://host[:port] of a URL, lower-cased with the default port dropped: what
    credentials are bound to (they are sent to the source's own origins only)."""
    parts = urlsplit(canonical_url(url))
    return f"{parts.scheme}://{parts.netloc}"


def url_host(url: str) -> str:
    """The host of an http(s) URL; the scheme and host checks need no DNS, so they run first."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise AddressRefused(f"only http and https URLs are fetched, not {parts.scheme or 'none'!r}")
    if not parts.hostname:
        raise AddressRefused("URL has no host")
    return parts.hostname


def resolve_checked(host: str, resolve: Resolver = system_resolver, allow_loopback: bool = False,
                    allow_private: bool = False) -> list[str]:
    """Resolve ``host`` once and apply the address policy to every answer: all must pass, since
    a connection may use any of them. The caller connects only to the returned addresses."""
    try:
        addresses = [host] if _is_ip(host) else resolve(host)
    except OSError as exc:
        raise AddressRefused(f"cannot resolve {host}: {exc}") from exc
    if not addresses:
        raise AddressRefused(f"{host} resolves to no address")
    for a in addresses:
        _check_address(host, a, allow_loopback, allow_private)
    return list(addresses)


def _check_address(host: str, address: str, allow_loopback: bool, allow_private: bool) -> None:
    try:
        ip = ipaddress.ip_address(address.split("%")[0])
    except ValueError:  # a resolver must answer addresses; anything else is not connected to
        raise AddressRefused(f"{host} resolves to {address!r}, which is not an IP address") from None
    if ip.version == 6 and ip.ipv4_mapped:  # ::ffff:a.b.c.d reaches the IPv4 address a.b.c.d
        ip = ip.ipv4_mapped
    if ip in _METADATA:
        raise AddressRefused(f"{host} resolves to the cloud metadata address {ip}")
    if ip.is_loopback:
        if not allow_loopback:
            raise AddressRefused(f"{host} resolves to the loopback address {ip}")
    elif ip.is_link_local or ip.is_reserved or ip.is_multicast or ip.is_unspecified:
        raise AddressRefused(f"{host} resolves to the non-public address {ip}")
    elif ip.is_private and not allow_private:
        raise AddressRefused(f"{host} resolves to the private address {ip}")


_METADATA = (ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254"))


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return False
