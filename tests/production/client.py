"""The production stack's HTTP client: a browser behind the TLS-terminating proxy (see stack.py)."""

from __future__ import annotations

import http.client
import re
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any


class HttpError(AssertionError):
    pass


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: str
    seconds: float

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


@dataclass
class Client:
    """A browser behind the TLS-terminating proxy, on plain HTTP to gunicorn.

    Keeps its own cookies: it sends ``Secure`` cookies too (the proxy's side of the connection
    is HTTPS), which the standard library's cookie jar would refuse to do over http://.
    """

    base: str
    cookies: dict[str, str] = field(default_factory=dict)
    timeout: float = 30

    @property
    def origin(self) -> str:
        return "https://" + urllib.parse.urlsplit(self.base).netloc

    def request(self, method: str, path: str, data: dict[str, Any] | None = None) -> Response:
        parts = urllib.parse.urlsplit(self.base)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=self.timeout)
        headers = {
            "X-Forwarded-Proto": "https",
            "Host": parts.netloc,
            "User-Agent": "csp-production-test",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if method == "POST":
            fields = dict(data or {})
            if "csrftoken" in self.cookies:
                fields.setdefault("csrfmiddlewaretoken", self.cookies["csrftoken"])
            body = urllib.parse.urlencode(fields, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + path
        started = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=headers)
            raw = conn.getresponse()
            text = raw.read().decode("utf-8", "replace")
            response_headers = {k.lower(): v for k, v in raw.getheaders()}
            for name, value in raw.getheaders():
                if name.lower() == "set-cookie":
                    self._remember(value)
            return Response(raw.status, response_headers, text, time.perf_counter() - started)
        finally:
            conn.close()

    def _remember(self, header: str) -> None:
        pair, _, attributes = header.partition(";")
        name, _, value = pair.strip().partition("=")
        expired = re.search(r"max-age=0\b", attributes, re.I) or re.search(
            r"expires=[^;]*1970", attributes, re.I
        )
        if expired or value in {"", '""'}:
            self.cookies.pop(name, None)
        else:
            self.cookies[name] = value

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, data: dict[str, Any] | None = None) -> Response:
        return self.request("POST", path, data)

    def sign_in(self, username: str, password: str) -> None:
        self.get("/accounts/login/")
        response = self.post("/accounts/login/", {"username": username, "password": password})
        if response.status != 302:
            raise HttpError(f"sign-in as {username} answered {response.status}")
