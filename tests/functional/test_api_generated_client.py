"""A Python client generated from the live ``/api/schema/`` with openapi-python-client (issue 16)
works against a live server on loopback, for every list and retrieve operation and the workflow's
actions, as each role: what it parses is what the server sent.

The client is generated into the test's tmp_path by the venv's ``openapi-python-client`` and
imported from there (tmp_path is put on ``sys.path`` for the test and taken off after; a pip
install into a fresh environment would cost a minute more on this machine and test nothing the
import does not). Figures are the December 2016 pack's (/work/shared/seed/board-pack-2016-12.txt,
Total Notifiable Offences: Oct-16 1,403, Nov-16 1,387, Dec-16 1,386; year to date 13,207;
rolling 12 months 17,587; RAG R); counts are the demo's (34 catalogue indicators)."""

from __future__ import annotations

import importlib
import subprocess
import sys
from collections.abc import Iterator
from http import HTTPStatus
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from rest_framework.authtoken.models import Token

from submissions.demo import demo_load

pytestmark = pytest.mark.django_db(transaction=True)
PACKAGE = "csp_api_client"
ROLES = ["coordinator", "police", "board", "admin"]  # police: the TNO's agency lead
# (resource, its key in a listed row): every list and retrieve operation of the API.
RESOURCES = [
    ("areas", "code"),
    ("groups", "code"),
    ("agencies", "code"),
    ("indicators", "code"),
    ("adoptions", "id"),
    ("targets", "id"),
    ("month_values", "id"),
    ("derived_metrics", "id"),
    ("rounds", "id"),
    ("submissions", "id"),
    ("packs", "id"),
    ("actions", "id"),
]


class Api:
    """The generated package, and a client of it per role."""

    def __init__(self, package: ModuleType, url: str, tokens: dict[str, str]) -> None:
        self.package = package
        self.url = url
        self.tokens = tokens

    def op(self, resource: str, name: str) -> Any:
        return importlib.import_module(f"{PACKAGE}.api.{resource}.{name}")

    def model(self, name: str) -> Any:
        return getattr(importlib.import_module(f"{PACKAGE}.models"), name)

    def client(self, role: str) -> Any:
        return self.package.AuthenticatedClient(
            base_url=self.url, token=self.tokens[role], prefix="Token", timeout=60.0
        )

    def call(self, role: str, resource: str, name: str, *args: Any, **kwargs: Any) -> Any:
        """The parsed response, after checking the status; a refusal is parsed too."""
        with self.client(role) as client:
            return self.op(resource, name).sync_detailed(*args, client=client, **kwargs)


@pytest.fixture(scope="module")
def package(live_server, tmp_path_factory, django_db_blocker) -> Iterator[ModuleType]:
    """The client generated from the live server's schema (read anonymously, as anyone may).
    It reads no row, but each request checks the database connection (module-scoped: no test's
    database fixture is active yet)."""
    where = tmp_path_factory.mktemp("client")
    with django_db_blocker.unblock():
        schema = httpx.get(f"{live_server.url}/api/schema/?format=json", timeout=60)
    assert schema.status_code == 200, schema.text[:300]
    (where / "schema.json").write_bytes(schema.content)
    (where / "config.yaml").write_text(
        f"project_name_override: csp-api-client\npackage_name_override: {PACKAGE}\npost_hooks: []\n"
    )
    cli = Path(sys.executable).with_name("openapi-python-client")
    run = subprocess.run(
        [str(cli), "generate", "--path", "schema.json", "--config", "config.yaml", "--meta",
         "none", "--output-path", PACKAGE, "--fail-on-warning"],
        cwd=where, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    sys.path.insert(0, str(where))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(where))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


@pytest.fixture
def api(package, live_server) -> Api:
    demo_load(password=settings.DEMO_PASSWORD)  # transactional tests start from a flushed DB
    users = get_user_model().objects.filter(username__in=ROLES)
    tokens = {u.username: Token.objects.get_or_create(user=u)[0].key for u in users}
    assert sorted(tokens) == sorted(ROLES)
    return Api(package, live_server.url, tokens)


def _everything(api: Api, role: str, resource: str, **filters: Any) -> list[Any]:
    rows: list[Any] = []
    page = 1
    while True:
        response = api.call(role, resource, f"{resource}_list", page=page, **filters)
        assert response.status_code == HTTPStatus.OK, (role, resource, response.content[:300])
        assert type(response.parsed).__name__.startswith("Paginated"), response.parsed
        rows.extend(response.parsed.results)
        if not response.parsed.next_:
            return rows
        page += 1


def test_every_list_and_retrieve_operation_parses_for_every_role(api: Api) -> None:
    seen: dict[tuple[str, str], int] = {}
    for role in ROLES:
        for resource, key in RESOURCES:
            rows = _everything(api, role, resource, **FILTERS.get(resource, {}))
            seen[role, resource] = len(rows)
            for row in rows[:3]:
                got = api.call(role, resource, f"{resource}_retrieve", getattr(row, key))
                assert got.status_code == HTTPStatus.OK, (role, resource, got.content[:300])
                assert got.parsed.to_dict() | row.to_dict() == got.parsed.to_dict()
    assert {seen[role, "indicators"] for role in ROLES} == {34}
    # The board reads published packs, never an agency's submissions.
    assert seen["board", "submissions"] == 0 and seen["board", "packs"] >= 1
    assert seen["coordinator", "submissions"] > seen["police", "submissions"] > 0
    for role in ["coordinator", "police"]:  # the live store: the coordinator and the owner
        _live_figures(api, role)
    for role in ROLES[:3]:  # the board (everyone else) reads them as published
        _published_figures(api, role)
    bad = api.call("board", "month_values", "month_values_list", month_from="2016-12-01")
    assert bad.status_code == HTTPStatus.BAD_REQUEST
    assert bad.parsed.to_dict() == {
        "month_from": ["2016-12-01 is not a month (YYYY-MM): give one as, e.g., 2016-12."]
    }


# The month lists are long: one month of one indicator is enough to retrieve from.
FILTERS = {
    "month_values": {"indicator": "tno", "month_from": "2016-12", "month_to": "2016-12"},
    "derived_metrics": {"indicator": "tno", "month_from": "2016-12", "month_to": "2016-12"},
}


def _live_figures(api: Api, role: str) -> None:
    """The December 2016 pack's TNO figures in the approved and derived stores."""
    values = _everything(
        api, role, "month_values", indicator="tno", area="E09000002",
        month_from="2016-10", month_to="2016-12",
    )  # fmt: skip
    assert sorted((v.month, v.value) for v in values) == [
        ("2016-10", 1403), ("2016-11", 1387), ("2016-12", 1386),
    ]  # fmt: skip
    (december,) = _everything(
        api, role, "derived_metrics", indicator="tno", area="E09000002",
        month_from="2016-12", month_to="2016-12",
    )  # fmt: skip
    assert (december.month, december.ytd, december.r12, december.rag) == (
        "2016-12", 13207, 17587, "R",
    )  # fmt: skip
    assert round(december.rate, 2) == 87.07


def _published_figures(api: Api, role: str) -> None:
    """The same figures as the December 2016 pack published them (its frozen snapshot)."""
    packs = _everything(api, role, "packs")
    assert ("2016-12", 1) in {(p.month, p.number) for p in packs}
    december_pack = next(p.id for p in packs if (p.month, p.number) == ("2016-12", 1))
    pack = api.call(role, "packs", "packs_retrieve", december_pack)
    assert pack.status_code == HTTPStatus.OK, pack.content[:300]
    snapshot = pack.parsed.snapshot
    assert (snapshot["month"], snapshot["area"]["code"]) == ("2016-12", "E09000002")
    tno = next(page for page in snapshot["indicators"] if page["code"] == "tno")
    months = {row["month"]: row["value"] for row in tno["months"]}
    assert (months["2016-10"], months["2016-11"], months["2016-12"]) == (1403, 1387, 1386)
    metrics = tno["metrics"]
    assert (metrics["ytd"], metrics["r12"], tno["rag_effective"]) == (13207, 17587, "R")


def _jan_tno(api: Api, role: str) -> Any:
    rows = _everything(api, role, "submissions")
    return next(r for r in rows if (r.indicator, r.month) == ("tno", "2017-01"))


def test_the_workflow_actions_parse_and_refuse_by_role(api: Api) -> None:
    entry = api.model("Entry")
    sub = _jan_tno(api, "police")
    submitted = api.call(
        "police", "submissions", "submissions_submit_create", sub.id,
        body=entry.from_dict({"version": sub.version, "value": 1420}),
    )  # fmt: skip
    assert submitted.status_code == HTTPStatus.OK, submitted.content[:300]
    assert (submitted.parsed.status, submitted.parsed.value) == ("submitted", 1420)
    # A lead may not approve (403); the board cannot see an agency's submission (404).
    for role, code in [("police", HTTPStatus.FORBIDDEN), ("board", HTTPStatus.NOT_FOUND)]:
        refused = api.call(role, "submissions", "submissions_approve_create", sub.id)
        assert refused.status_code == code
        assert refused.parsed.detail
    returned = api.call(
        "coordinator", "submissions", "submissions_return_create", sub.id,
        body=api.model("Return").from_dict({"reason": "Check the Theft & Handling count"}),
    )  # fmt: skip
    assert (returned.status_code, returned.parsed.status) == (HTTPStatus.OK, "returned")
    again = api.call(
        "police", "submissions", "submissions_update", sub.id,
        body=entry.from_dict({"version": returned.parsed.version, "value": 1421}),
    )  # fmt: skip
    assert (again.status_code, again.parsed.value) == (HTTPStatus.OK, 1421)
    stale = api.call(
        "police", "submissions", "submissions_submit_create", sub.id,
        body=entry.from_dict({"version": returned.parsed.version, "value": 1421}),
    )  # fmt: skip
    assert stale.status_code == HTTPStatus.CONFLICT and stale.parsed.detail
    resubmitted = api.call(
        "police", "submissions", "submissions_submit_create", sub.id,
        body=entry.from_dict({"version": again.parsed.version, "value": 1421}),
    )  # fmt: skip
    assert resubmitted.parsed.status == "submitted"
    overridden = api.call(
        "coordinator", "submissions", "submissions_override_create", sub.id,
        body=api.model("Override").from_dict({"rag": "A", "justification": "Seasonal peak"}),
    )  # fmt: skip
    assert (overridden.status_code, overridden.parsed.rag_override) == (HTTPStatus.OK, "A")
    approved = api.call("coordinator", "submissions", "submissions_approve_create", sub.id)
    assert (approved.status_code, approved.parsed.status) == (HTTPStatus.OK, "approved")
    _rounds(api)
    _actions(api)


def _rounds(api: Api) -> None:
    create = api.model("RoundCreate")
    refused = api.call(
        "board", "rounds", "rounds_create", body=create.from_dict({"month": "2017-02"})
    )
    assert refused.status_code == HTTPStatus.FORBIDDEN and refused.parsed.detail
    bad = api.call(
        "coordinator", "rounds", "rounds_create", body=create.from_dict({"month": "2017-2"})
    )
    assert bad.status_code == HTTPStatus.BAD_REQUEST
    opened = api.call(
        "coordinator", "rounds", "rounds_create", body=create.from_dict({"month": "2017-02"})
    )
    assert opened.status_code == HTTPStatus.CREATED, opened.content[:300]
    # The deadline defaults to the 10th of the following month.
    assert (opened.parsed.month, str(opened.parsed.deadline)) == ("2017-02", "2017-03-10")
    assert opened.parsed.status == "open"
    refused = api.call("police", "rounds", "rounds_close_create", opened.parsed.id)
    assert refused.status_code == HTTPStatus.FORBIDDEN
    closed = api.call("coordinator", "rounds", "rounds_close_create", opened.parsed.id)
    assert (closed.status_code, closed.parsed.status) == (HTTPStatus.OK, "closed")
    # Its items are not approved: publishing is refused with the reason (409).
    early = api.call(
        "coordinator", "rounds", "rounds_publish_create", opened.parsed.id,
        body=api.model("Publish").from_dict({}),
    )  # fmt: skip
    assert early.status_code == HTTPStatus.CONFLICT and early.parsed.detail
    december = next(r for r in _everything(api, "coordinator", "rounds") if r.month == "2016-12")
    reopened = api.call(
        "coordinator", "rounds", "rounds_reopen_create", december.id,
        body=api.model("RoundReopen").from_dict({"reason": "Fire figures revised"}),
    )  # fmt: skip
    assert (reopened.status_code, reopened.parsed.status) == (HTTPStatus.OK, "reopened")


def _actions(api: Api) -> None:
    body = {"indicator": "tno", "text": "Weekly grip meeting on theft", "month": "2017-01"}
    create = api.model("ActionCreate")
    refused = api.call("board", "actions", "actions_create", body=create.from_dict(body))
    assert refused.status_code in {HTTPStatus.FORBIDDEN, HTTPStatus.BAD_REQUEST}
    made = api.call("police", "actions", "actions_create", body=create.from_dict(body))
    assert made.status_code == HTTPStatus.CREATED, made.content[:300]
    assert (made.parsed.created_in, made.parsed.closed_in, made.parsed.status) == (
        "2017-01", None, "open",
    )  # fmt: skip
    done = api.call(
        "police", "actions", "actions_partial_update", made.parsed.id,
        body=api.model("PatchedActionChange").from_dict({"status": "done", "month": "2017-01"}),
    )  # fmt: skip
    assert (done.status_code, done.parsed.closed_in) == (HTTPStatus.OK, "2017-01")
