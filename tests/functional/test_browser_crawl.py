"""Acceptance: every page each demo user can reach by following links passes axe-core's checks,
logs no console error (no missing font, no refused script) and answers without a server error;
so do the sign-in page and the 403, 404 and 500 pages.

The crawl is breadth-first over same-origin links, GET only. It skips signing out, downloads
(PDF, CSV, XLSX) and the admin beyond its index (Django's own pages), and visits at most
``PER_ROUTE`` URLs of each URL pattern, so the 34 indicator pages of a pack count as a few.
"""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from django.conf import settings
from django.urls import Resolver404, resolve

from submissions.demo import demo_load
from tests.functional.test_browser_pack import axe_violations, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

DEMO_USERS = ("coordinator", "police", "fire", "board", "admin", "mopac")
DEC = "/packs/E09000002/2016-12/"
NARROW_CODES = (
    "tno",
    "atr-completions",
    "phof-2-15",
    "first-time-entrants",
    "hate-crime",
    "marac-repeat-referrals",
)
PER_ROUTE = 3  # distinct URLs visited per URL pattern
PER_USER = 150  # pages at most per user
DOWNLOADS = (".pdf", ".csv", ".xlsx", ".json", "/pdf")
SKIPPED_PREFIXES = ("/accounts/logout", "/static/", "/api/")


def route_of(path: str) -> str:
    """The URL pattern a path resolves to (its route), or the path itself if none does."""
    try:
        match = resolve(path)
    except Resolver404:
        return path
    return f"{match.namespace}:{match.url_name}:{match.route}"


def worth_visiting(path: str) -> bool:
    if path.startswith(SKIPPED_PREFIXES) or path.endswith(DOWNLOADS):
        return False
    # The admin's index is ours to keep clean (it is linked from the header); the pages behind
    # it are Django's own.
    return not path.startswith("/admin/") or path == "/admin/"


def same_origin_links(page, origin: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    links = []
    for href in hrefs:
        url, _ = urldefrag(href)
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != origin:
            continue
        links.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return links


def check_page(page, url: str, console: list[tuple[str, str]], status: int = 0) -> list[str]:
    """Problems with one page: its status, console errors and axe violations. ``status``: the
    error status the page is meant to answer with (Chromium logs the document's own 403 or 404
    as a console error; nothing else may be)."""
    problems = []
    del console[:]
    response = page.goto(url)
    assert response is not None, url
    if response.status >= 500 and response.status != status:
        problems.append(f"{url}: HTTP {response.status}")
    if status and response.status != status:
        problems.append(f"{url}: HTTP {response.status}, not {status}")
    page.wait_for_load_state("load")
    problems += [f"{url}: {v}" for v in axe_violations(page)]
    own = f"the server responded with a status of {status} "
    problems += [
        f"{url}: console error: {text} ({where})"
        for text, where in console
        if not (status and own in text and where == response.url)
    ]
    problems += [f"{url}: a month in prose as {m!r}" for m in months_in_prose(page)]
    if status and not page.get_by_role("link", name="Go to your home page").count():
        problems.append(f"{url}: the {status} page offers no way back")
    return problems


PROSE = """() => {
  const body = document.body.cloneNode(true);
  // A field's help text shows the format it takes ("YYYY-MM, e.g. 2017-02"): not prose.
  body.querySelectorAll("table, code, pre, select, input, textarea, script, canvas, .helptext")
    .forEach(e => e.remove());
  return body.textContent;
}"""
# "2016-04" or "Apr-16" in a sentence: prose names months in full ("April 2016"); tables may
# keep the short labels.
SHORT_MONTH = re.compile(
    r"\b(?:(?:19|20)\d\d-(?:0[1-9]|1[0-2])|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-\d\d)\b"
)


def months_in_prose(page) -> list[str]:
    return sorted(set(SHORT_MONTH.findall(page.evaluate(PROSE))))


def crawl(page, origin: str, console: list[tuple[str, str]]) -> tuple[list[str], list[str]]:
    """Visit what the signed-in user can reach from the home page; the pages seen and problems."""
    queue: deque[str] = deque(["/"])
    seen: set[str] = {"/"}
    per_route: dict[str, int] = {}
    problems: list[str] = []
    visited: list[str] = []
    while queue and len(visited) < PER_USER:
        url = queue.popleft()
        problems += check_page(page, url, console)
        visited.append(url)
        if urlsplit(page.url).path.startswith("/accounts/login"):
            problems.append(f"{url}: redirected to sign in")
            continue
        if "text/html" not in (page.evaluate("document.contentType") or ""):
            continue
        for link in same_origin_links(page, origin):
            path = urlsplit(link).path
            if link in seen or not worth_visiting(path):
                continue
            seen.add(link)
            route = route_of(path)
            if per_route.get(route, 0) >= PER_ROUTE:
                continue
            per_route[route] = per_route.get(route, 0) + 1
            queue.append(link)
    return visited, problems


def console_errors(page, into: list[tuple[str, str]]) -> None:
    page.on(
        "console",
        lambda m: into.append((m.text, m.location.get("url", ""))) if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: into.append((f"uncaught: {e}", "")))


def server_error_page() -> str:
    """The 500 page as Django's handler renders it: no request context, no database."""
    from django.db import connection
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext
    from django.views.defaults import server_error

    with CaptureQueriesContext(connection) as queries:
        # A bare request (no session, no user): the template is rendered without it.
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500 and len(queries) == 0
    return response.content.decode()


def narrow_page_problems(page, url: str) -> list[str]:
    """At 390 px a page must not scroll sideways: only its data tables may, each in a focusable,
    labelled region."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(url)
    page.wait_for_load_state("load")
    problems = []
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > 390:
        problems.append(f"{url}: at 390 px the page is {width} px wide")
    unwrapped = page.eval_on_selector_all(
        "table", "ts => ts.filter(t => !t.closest('.table-scroll')).map(t => t.id || t.className)"
    )
    if unwrapped:
        problems.append(f"{url}: tables outside a scrolling region: {unwrapped}")
    problems += [f"{url} at 390 px: {v}" for v in axe_violations(page)]
    page.set_viewport_size({"width": 1280, "height": 720})
    return problems


def test_every_page_each_demo_user_reaches_is_clean(new_page, eager, live_server) -> None:
    demo_load(password=settings.DEMO_PASSWORD)
    origin = live_server.url
    problems: list[str] = []
    crawled: dict[str, list[str]] = {}

    # Signed out: the sign-in page, and a page that does not exist.
    page = new_page()
    console: list[tuple[str, str]] = []
    console_errors(page, console)
    problems += check_page(page, "/accounts/login/", console)
    problems += check_page(page, "/no-such-page/", console, status=404)
    body = server_error_page()
    page.route(
        "**/server-error/",
        lambda route: route.fulfill(status=500, body=body, content_type="text/html"),
    )
    problems += check_page(page, "/server-error/", console, status=500)

    for username in DEMO_USERS:
        page = new_page()
        console = []
        console_errors(page, console)
        sign_in(page, username)
        page.wait_for_load_state("load")
        crawled[username], found = crawl(page, origin, console)
        problems += [f"[{username}] {p}" for p in found]
        # The 404 page signed in (with the header and its navigation), and the 403 page for
        # those the coordinator's review is not for.
        errors = [("/packs/XX/2016-12/", 404)]
        if username in {"police", "fire", "board", "mopac"}:
            errors.append(("/review/", 403))
        for url, status in errors:
            problems += [f"[{username}] {p}" for p in check_page(page, url, console, status)]
        if username == "board":
            # The crawl sees the first indicators of each pack; these are of the other kinds
            # (ratio, categories, lagged, breakdown with suppressed counts, range).
            for url in (DEC, *(f"{DEC}{code}/" for code in NARROW_CODES)):
                problems += [f"[board] {p}" for p in narrow_page_problems(page, url)]

    for username, urls in crawled.items():
        print(f"{username}: {len(urls)} pages crawled: {' '.join(urls)}")
    assert problems == [], "\n".join(problems)
    # Every user reached more than their landing page; the coordinator reached the rounds, their
    # audit trail and the imports.
    assert all(len(urls) >= 2 for urls in crawled.values()), crawled
    coordinator = " ".join(crawled["coordinator"])
    assert all(p in coordinator for p in ("/rounds/", "/audit/", "/imports/", "/review/"))
