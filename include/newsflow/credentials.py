"""Credentials of sources that need them: a proxy, basic auth, a bearer token, API-key headers.

A source names a connection in the sources file (``connection: news_api``); the secrets stay out
of that file, out of the lake and out of logs. Whoever runs the pipeline resolves the name into
a :class:`SourceCredentials` of plain values and hands it in: the DAG from an Airflow Connection
(any secrets backend Airflow has), the command line from an ``AIRFLOW_CONN_<ID>`` variable in
Airflow's JSON or URI form (:func:`from_environment`), so both read the same definition.

What a connection means (:func:`from_connection`): its login and password are HTTP basic auth;
its extra may hold ``token`` (sent as ``Authorization: Bearer``, instead of basic auth),
``headers`` (an object of header names to values, e.g. ``{"X-Api-Key": "..."}``) and ``proxy``
(``http://[user:password@]host:port``). Its host, port and schema are not used: the source's own
URLs say where to go. Credentials go only to the source's own origins (see
:mod:`newsflow.httpfetch`), never to another host a feed links or redirects to.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
_CONN_ID = re.compile(r"^[A-Za-z0-9_.-]+$")
CredentialsLookup = Callable[[str], "SourceCredentials"]  # connection id -> credentials


class CredentialsError(ValueError):
    """A connection is missing or says something unusable; the message names it, never a secret."""


@dataclass(frozen=True)
class SourceCredentials:
    """Plain values for one source's requests. Secrets are kept out of ``repr`` (logs, errors)."""

    username: str | None = None
    password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)
    headers: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    proxy: str | None = field(default=None, repr=False)  # may carry user:password

    def request_headers(self) -> dict[str, str]:
        """The headers that authenticate a request to the source (not to the proxy)."""
        out = dict(self.headers)
        if self.token:
            out["Authorization"] = f"Bearer {self.token}"
        elif self.username is not None:
            import base64

            pair = f"{self.username}:{self.password or ''}".encode()
            out["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
        return out

    def proxy_parts(self) -> tuple[str, tuple[str, str] | None] | None:
        """The proxy URL without its user info, and that user info as (user, password)."""
        if not self.proxy:
            return None
        p = urlsplit(self.proxy)
        auth = (unquote(p.username), unquote(p.password or "")) if p.username is not None else None
        return f"{p.scheme}://{p.netloc.rsplit('@', 1)[-1]}", auth

    def secrets(self) -> list[str]:
        """Every secret value, for a log masker (Airflow's ``mask_secret``)."""
        parts = self.proxy_parts()
        proxy_password = parts[1][1] if parts and parts[1] else None
        return [s for s in (self.password, self.token, *(v for _, v in self.headers), proxy_password) if s]


def _text(conn_id: str, what: str, value: Any) -> str:
    if not isinstance(value, str) or not value or "\r" in value or "\n" in value:
        raise CredentialsError(f"connection {conn_id!r}: {what} must be a non-empty one-line string")
    return value


def from_connection(conn_id: str, login: str | None = None, password: str | None = None,
                    extra: Mapping[str, Any] | None = None) -> SourceCredentials:
    """A connection's fields as credentials (see the module docstring for what each means)."""
    extra = extra or {}
    token = _text(conn_id, "extra 'token'", extra["token"]) if extra.get("token") is not None else None
    headers = extra.get("headers") or {}
    if not isinstance(headers, Mapping):
        raise CredentialsError(f"connection {conn_id!r}: extra 'headers' must be an object of header names to values")
    for name, value in headers.items():
        if not isinstance(name, str) or not _HEADER_NAME.match(name):
            raise CredentialsError(f"connection {conn_id!r}: {name!r} is not a valid header name")
        _text(conn_id, f"header {name!r}", value)
    proxy = extra.get("proxy")
    if proxy is not None:
        p = urlsplit(_text(conn_id, "extra 'proxy'", proxy))
        try:
            p.port  # noqa: B018 - raises on a bad port
        except ValueError:
            raise CredentialsError(f"connection {conn_id!r}: extra 'proxy' has a bad port") from None
        if p.scheme not in ("http", "https") or not p.hostname:
            raise CredentialsError(f"connection {conn_id!r}: extra 'proxy' must be an http:// or https:// URL "
                                   "with a host, such as http://proxy.internal:3128")
    for what, value in (("login", login), ("password", password)):
        if value is not None and ("\r" in value or "\n" in value):
            raise CredentialsError(f"connection {conn_id!r}: {what} must be one line")
    return SourceCredentials(username=login or None, password=password if login else None, token=token,
                             headers=tuple((k, v) for k, v in headers.items()), proxy=proxy)


def from_environment(conn_id: str, environ: Mapping[str, str] | None = None) -> SourceCredentials:
    """The connection ``conn_id`` from ``AIRFLOW_CONN_<CONN_ID>``, as Airflow reads it: a JSON
    object (``{"conn_type": "http", "login": ..., "password": ..., "extra": {...}}``) or a URI
    (``http://login:password@host?token=...``; query parameters are the extra, or
    ``__extra__`` holds it as JSON). For the command line, which has no Airflow to ask."""
    if not _CONN_ID.match(conn_id):
        raise CredentialsError(f"{conn_id!r} is not a connection id (letters, digits, '_', '.', '-')")
    env = os.environ if environ is None else environ
    var = f"AIRFLOW_CONN_{conn_id.upper()}"
    value = env.get(var)
    if not value:
        raise CredentialsError(f"connection {conn_id!r} is not defined: set {var} (JSON or URI) "
                               "or define it in Airflow")
    if value.lstrip().startswith("{"):
        try:
            data = json.loads(value)
        except ValueError:
            raise CredentialsError(f"{var} is not valid JSON") from None
        extra = data.get("extra") or {}
        if isinstance(extra, str):
            try:
                extra = json.loads(extra)
            except ValueError:
                raise CredentialsError(f"{var}: 'extra' is not valid JSON") from None
        if not isinstance(extra, dict):
            raise CredentialsError(f"{var}: 'extra' must be a JSON object")
        return from_connection(conn_id, data.get("login"), data.get("password"), extra)
    uri = urlsplit(value)
    extra: dict[str, Any] = dict(parse_qsl(uri.query))
    if "__extra__" in extra:
        try:
            extra = json.loads(extra["__extra__"])
        except ValueError:
            raise CredentialsError(f"{var}: __extra__ is not valid JSON") from None
    login = unquote(uri.username) if uri.username else None
    password = unquote(uri.password) if uri.password else None
    return from_connection(conn_id, login, password, extra)
