"""Random and malformed form data posted to every page of the app, as each role, never gets a
server error (5xx).

The pages are every route of ``submissions/urls.py`` and ``submissions/packs/urls.py`` (so a page
added there is fuzzed without a change here) and sign-in. Each example fills the route's path
with a real object or a random value, then sends a GET with random filters or a POST with a
random form: the field names any form of the app takes (and those found in the page's own HTML),
some left out, some extra; values that are unicode text, text with NUL characters, huge strings,
non-numbers, negative and huge numbers, dates that do not exist; urlencoded or multipart, with a
random file for the import page. Each example runs in a savepoint rolled back afterwards, so
examples do not depend on each other.

Bounded (``EXAMPLES`` per page and role, no deadline) to run in about a minute.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from submissions import urls as cycle_urls
from submissions.packs import urls as pack_urls

EXAMPLES = 12
ROLES = ["coordinator", "police", "board", "admin", "anonymous"]  # police: an agency lead


def _routes() -> list[str]:
    routes = ["accounts/login/"]
    for prefix, module in (("", cycle_urls), ("packs/", pack_urls)):
        for pattern in module.urlpatterns:
            assert isinstance(pattern, URLPattern)
            routes.append(prefix + str(pattern.pattern))
    return routes


ROUTES = _routes()
PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")

# Every field name a form or filter of the app takes; each page's own HTML adds any others.
FIELDS = [
    "entry_status",
    "value",
    "numerator",
    "denominator",
    "reference_period",
    "reason",
    "confirm_note",
    "performance_overview",
    "actions",
    "benchmarking",
    "version",
    "action",
    "next",
    "rag",
    "justification",
    "month",
    "deadline",
    "change_note",
    "selected",
    "kind",
    "token",
    "username",
    "password",
    "status",
    "agency",
    "portfolio",
    "category-all",
    "category-disability",
    "category-opiate",
    "category-very-satisfied",
]

WORDS = [
    "",
    " ",
    "0",
    "-1",
    "1",
    "1,234",
    "1e309",
    "NaN",
    "inf",
    "-0",
    "31/461",
    "9/3",
    "1/0",
    "suppressed",
    "<10",
    "2017-02",
    "2017-13",
    "2017-02-30",
    "0000-01",
    "9999-12-31",
    "R",
    "G",
    "None",
    "submit",
    "save",
    "confirm",
    "preview",
    "reported",
    "not_available",
    "not_collected",
    "submitted",
    "month_values",
    "populations",
    "benchmarks",
    "police",
    "/",
    "//evil.example/",
    "https://evil.example/",
    "javascript:alert(1)",
    '=HYPERLINK("x")',
]

# NUL characters and bodies over the upload limit are each refused whole (400) before any view
# runs, so they are added to one example in ten rather than left to chance in every value.
values = st.one_of(
    st.sampled_from(WORDS),
    st.text(
        st.characters(codec="utf-8", exclude_characters="\x00"), max_size=40
    ),  # any other unicode
    st.text(alphabet="0123456789,.-/ ", max_size=30),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.builds(  # long strings: over every text limit
        lambda n, c: c * n,
        st.integers(min_value=200, max_value=20_000),
        st.sampled_from(["x", "€", "\u202e", "9"]),
    ),
)
NAMES = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=12)

# Values a page would accept, so that some examples get past the first check to the services.
PLAUSIBLE = {
    "entry_status": st.sampled_from(["reported", "not_collected", "not_available"]),
    "version": st.integers(min_value=1, max_value=4).map(str),
    "action": st.sampled_from(["submit", "save", "confirm", "preview"]),
    "rag": st.sampled_from(["", "R", "A", "G", "None"]),
    "month": st.sampled_from(["2017-02", "2017-01", "2016-12"]),
    "deadline": st.sampled_from(["2017-03-10", "2017-01-31"]),
    "kind": st.sampled_from(["month_values", "populations", "benchmarks"]),
    "status": st.sampled_from(["", "submitted", "approved", "draft"]),
    "username": st.sampled_from(["coordinator", "police", "nobody"]),
}
FIGURE = st.integers(min_value=0, max_value=2_000).map(str)


def _value_for(name: str) -> st.SearchStrategy[str]:
    plausible = PLAUSIBLE.get(name)
    if plausible is None and name in {"value", "numerator", "denominator"}:
        plausible = FIGURE
    if plausible is None and name.startswith("category-"):
        plausible = st.one_of(FIGURE, st.just("suppressed"), st.just("31/461"))
    return st.one_of(plausible, values) if plausible is not None else values


def _path_value(converter: str, name: str, real: dict[str, list[Any]]) -> st.SearchStrategy[str]:
    if converter == "int":
        return st.one_of(
            st.sampled_from(real["ids"]), st.integers(min_value=0, max_value=10**12)
        ).map(str)
    choices = real.get(name, [])
    random = st.text(min_size=1, max_size=20).map(lambda t: quote(t, safe=""))
    return st.one_of(st.sampled_from(choices), random) if choices else random


def _real() -> dict[str, list[Any]]:
    from indicators.models import Indicator
    from submissions.models import ImportJob, ReportingRound, Submission

    ids = [
        *Submission.objects.values_list("pk", flat=True),
        *ReportingRound.objects.values_list("pk", flat=True),
        *ImportJob.objects.values_list("pk", flat=True),
    ]
    return {
        "ids": ids,
        "area": ["E09000002", "E09000003"],
        "month": ["2016-12", "2017-01"],
        "code": list(Indicator.objects.values_list("code", flat=True)),
        "fmt": ["csv", "xlsx", "pdf"],
        "name": ["this-year", "ytd", "xmr", "categories"],
    }


def _client(role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(get_user_model().objects.get(username=role))
    return client


def _fields_on_pages(client: Client, real: dict[str, list[Any]]) -> list[str]:
    """Field names the pages' own forms carry (new forms join without a change here)."""
    names = set(FIELDS)
    for route in ROUTES:
        url = "/" + PARAM.sub(lambda m: str(real.get(m.group(2), real["ids"])[0]), route)
        response = client.get(url)
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            names.update(re.findall(r'name="([^"{}]+)"', response.content.decode()))
    names.discard("csrfmiddlewaretoken")
    return sorted(names)


_FOUND: dict[str, Any] = {}  # the demo's objects and the pages' field names, found once


class Setup(tuple):
    def __repr__(self) -> str:  # keeps Hypothesis's report of a failing example short
        return "fuzz_setup"


@pytest.fixture
def fuzz_setup(db, settings):
    settings.DEBUG_PROPAGATE_EXCEPTIONS = True  # a server error fails with its traceback
    if not _FOUND:
        _FOUND["real"] = _real()
        _FOUND["names"] = _fields_on_pages(_client("coordinator"), _FOUND["real"])
    return Setup((_FOUND["real"], _FOUND["names"], {}))


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES)
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(data=st.data())
def test_random_form_data_never_gets_a_server_error(
    route: str, role: str, fuzz_setup, data
) -> None:
    real, names, clients = fuzz_setup
    url = "/" + PARAM.sub(
        lambda m: data.draw(_path_value(m.group(1) or "str", m.group(2), real), label=m.group(2)),
        route,
    )
    chosen = data.draw(  # some of the page's fields left out, unknown ones added
        st.lists(st.one_of(st.sampled_from(names), NAMES), max_size=10, unique=True),
        label="names",
    )
    fields = {
        name: data.draw(st.lists(_value_for(name), min_size=1, max_size=2), label=name)
        for name in chosen
    }
    extra = data.draw(st.integers(min_value=0, max_value=9), label="extra")
    if extra == 0 and fields:  # a NUL in one field
        name = data.draw(st.sampled_from(sorted(fields)), label="with NUL")
        fields[name] = [v + "\x00" for v in fields[name]]
    elif extra == 1:  # over DATA_UPLOAD_MAX_MEMORY_SIZE
        fields["performance_overview"] = ["x" * (3 * 1024 * 1024)]
    elif extra == 2:  # a NUL in the path, percent-encoded
        url = url.rstrip("/") + "%00/"
    method = data.draw(st.sampled_from(["get", "post-urlencoded", "post-multipart"]))
    if role not in clients:  # signed in once per test, outside the examples' savepoints
        clients[role] = _client(role)
    client = clients[role]
    cache.clear()
    with transaction.atomic():
        if method == "get":
            response = client.get(url + "?" + urlencode(fields, doseq=True))
        elif method == "post-urlencoded":
            response = client.post(
                url, urlencode(fields, doseq=True), content_type="application/x-www-form-urlencoded"
            )
        else:
            body: dict[str, Any] = dict(fields)
            if data.draw(st.booleans(), label="with a file"):
                name = data.draw(
                    st.sampled_from(
                        ["figures.csv", "figures.xlsx", "figures.txt", "a" * 300 + ".csv"]
                    )
                )
                content = data.draw(
                    st.one_of(
                        st.binary(max_size=2_000),
                        st.lists(
                            st.lists(values.filter(lambda v: len(v) < 200), max_size=8), max_size=20
                        ).map(
                            lambda rows: "\n".join(
                                ["area,indicator,month,value,reason"] + [",".join(r) for r in rows]
                            ).encode("utf-8", "surrogatepass")
                        ),
                    ),
                    label="file",
                )
                body["file"] = SimpleUploadedFile(name, content)
            response = client.post(url, body)
        transaction.set_rollback(True)
    assert response.status_code < 500, (method, url, response.content[:300])
