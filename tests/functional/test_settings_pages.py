"""The coordinator's settings pages (issue 12, item 1), over HTTP: each page opens for the
coordinator and no one else, and each form reaches its service (the services' rules are
tests/integration/test_settings_services.py)."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from csp.models import Agency
from indicators.models import Adoption, Target

pytestmark = pytest.mark.django_db


def _client(username: str = "coordinator") -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _tno() -> Adoption:
    return Adoption.objects.get(partnership__area__code="E09000002", indicator__code="tno")


def _text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def _pages() -> list[str]:
    tno, fire = _tno(), Agency.objects.get(code="fire", partnership__area__code="E09000002")
    return [
        "/settings/",
        "/settings/indicators/",
        f"/settings/indicators/{tno.pk}/",
        f"/settings/indicators/{tno.pk}/targets/",
        "/settings/agencies/",
        f"/settings/agencies/{fire.pk}/",
    ]


def test_the_coordinator_opens_every_settings_page_and_the_header_links_them() -> None:
    client = _client()
    for path in _pages():
        assert client.get(path).status_code == 200, path
    assert 'href="/settings/"' in client.get("/rounds/").content.decode()


@pytest.mark.parametrize("username", ["board", "police", "fire"])
def test_no_one_else_opens_them(username: str) -> None:
    client = _client(username)
    for path in _pages():
        assert client.get(path).status_code == 403, path
    assert 'href="/settings/"' not in client.get("/packs/").content.decode()


def test_the_target_preview_shows_the_rating_and_saves_nothing() -> None:
    tno = _tno()
    before = list(Target.objects.values_list("pk", "kind", "value"))
    # The preview rates the latest figures up to today: the demo's January 2017 round is open,
    # so the latest derived TNO month is December 2016: YTD 13,207 against 13,048 = +1.2%,
    # above last year, so Red under a 5% reduction.
    response = _client().post(
        f"/settings/indicators/{tno.pk}/targets/",
        {"financial_year": "2016", "kind": "reduce", "value": "-5", "action": "preview"},
    )
    text = _text(response)
    assert response.status_code == 200
    assert "Preview (not saved)" in text
    assert "Green at 5% or more below last year" in text
    assert re.search(r"would be rated:</strong> <span class=\"tag\">Red</span>", text), text[-3000:]
    assert list(Target.objects.values_list("pk", "kind", "value")) == before


def test_saving_a_target_from_the_page() -> None:
    tno = _tno()
    response = _client().post(
        f"/settings/indicators/{tno.pk}/targets/",
        {
            "financial_year": "2017", "kind": "ceiling", "value": "13000", "action": "save",
            "reason": "Agreed at the board",
        },
    )  # fmt: skip
    assert response.status_code == 302
    target = Target.objects.get(adoption=tno, financial_year=2017)
    assert (target.kind, target.value) == ("ceiling", 13000)
    assert target.history.latest().history_change_reason == "Agreed at the board"


def _adoption_fields(tno: Adoption, **changed: str) -> dict[str, str]:
    return {
        "owner": str(tno.owner_id or ""), "portfolio": str(tno.portfolio_id),
        "due_months": "", "reason": "Sense check", **changed,
    }  # fmt: skip


def test_the_plausibility_limit_is_set_and_cleared_from_the_adoption_page() -> None:
    tno = _tno()
    assert tno.figure_limit is None  # the demo leaves it to the derived default
    page = _text(_client().get(f"/settings/indicators/{tno.pk}/"))
    assert "Plausibility limit" in page
    response = _client().post(
        f"/settings/indicators/{tno.pk}/",
        _adoption_fields(tno, figure_limit="2500", reason="No month has come near 2,500"),
    )
    assert response.status_code == 302
    tno.refresh_from_db()
    assert tno.figure_limit == 2500
    latest = tno.audit.latest()
    assert (latest.history_user.username, latest.history_change_reason) == (
        "coordinator", "No month has come near 2,500",
    )  # fmt: skip
    assert 'value="2500"' in _client().get(f"/settings/indicators/{tno.pk}/").content.decode()
    # Zero would refuse every figure: refused, nothing saved.
    refused = _client().post(
        f"/settings/indicators/{tno.pk}/", _adoption_fields(tno, figure_limit="0")
    )
    assert refused.status_code == 200 and "greater than or equal to 1" in _text(refused)
    tno.refresh_from_db()
    assert tno.figure_limit == 2500
    # Blank goes back to the default.
    _client().post(f"/settings/indicators/{tno.pk}/", _adoption_fields(tno, figure_limit=""))
    tno.refresh_from_db()
    assert tno.figure_limit is None


def test_moving_an_indicator_up_without_script() -> None:
    order = list(
        Adoption.objects.filter(partnership__area__code="E09000002")
        .order_by("pack_order")
        .values_list("pk", flat=True)
    )
    response = _client().post(f"/settings/indicators/{order[1]}/move/", {"direction": "up"})
    assert response.status_code == 302
    after = Adoption.objects.filter(partnership__area__code="E09000002").order_by("pack_order")
    assert list(after.values_list("pk", flat=True))[:2] == [order[1], order[0]]


def test_retiring_an_agency_with_open_work_is_refused_naming_it() -> None:
    fire = Agency.objects.get(code="fire", partnership__area__code="E09000002")
    response = _client().post(
        f"/settings/agencies/{fire.pk}/", {"action": "retire", "retire-reason": "merged"}
    )
    text = _text(response)
    assert response.status_code == 200
    assert "London Fire Brigade cannot be retired" in text
    assert "arson in the January 2017 round" in text
    fire.refresh_from_db()
    assert fire.retired_on is None


def test_the_new_year_notice_and_copy_from_the_page(monkeypatch) -> None:
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a: dt.date(2017, 2, 1))
    client = _client()
    text = _text(client.get("/settings/"))
    assert "no target for 2017/18" in text
    response = client.post(
        "/settings/new-year/", {"scope": "all", "reason": "Same again next year"}
    )
    assert response.status_code == 302
    copied = Target.objects.filter(adoption__partnership__area__code="E09000002")
    assert copied.filter(financial_year=2017).count() == copied.filter(financial_year=2016).count()


def test_an_april_round_page_lists_no_target_set_until_targets_are_copied() -> None:
    from submissions.cycle import services

    coordinator = get_user_model().objects.get(username="coordinator")
    round_ = services.round_create(
        partnership_id=_tno().partnership_id, month=dt.date(2017, 4, 1),
        deadline=dt.date(2017, 5, 10), user=coordinator,
        now=dt.datetime(2017, 4, 1, 9, tzinfo=dt.UTC),
    )  # fmt: skip
    text = _text(_client().get(f"/rounds/{round_.pk}/"))
    assert "No target set" in text
    assert "tno: Total Notifiable Offences: no target set" in text or "tno: " in text
    # Copy every 2016/17 target to 2017/18 (as on 1 February): TNO leaves the list.
    from indicators.settings.new_year import targets_copy_to_next_year

    targets_copy_to_next_year(
        partnership_id=_tno().partnership_id, from_year=2016, adoption_ids=None,
        user=coordinator, reason="Same again",
    )  # fmt: skip
    text = _text(_client().get(f"/rounds/{round_.pk}/"))
    assert "tno: " not in text.split("No target set")[-1].split("</ul>")[0]


def test_the_dragged_order_is_saved_and_a_partial_one_refused() -> None:
    adoptions = Adoption.objects.filter(partnership__area__code="E09000002").order_by("pack_order")
    order = list(adoptions.values_list("pk", flat=True))
    page = _client().get("/settings/indicators/").content.decode()
    assert 'id="pack-order"' in page and "pack-order.js" in page
    response = _client().post(
        "/settings/indicators/order/", {"order": [str(pk) for pk in reversed(order)]}
    )
    assert response.status_code == 302
    assert list(adoptions.values_list("pk", flat=True)) == list(reversed(order))
    response = _client().post(
        "/settings/indicators/order/", {"order": [str(order[0])]}, follow=True
    )
    assert "every current indicator once" in _text(response)
    assert list(adoptions.values_list("pk", flat=True)) == list(reversed(order))


def test_moving_an_agencys_work_then_retiring_it_from_its_page() -> None:
    bd = "E09000002"
    fire = Agency.objects.get(code="fire", partnership__area__code=bd)
    police = Agency.objects.get(code="police", partnership__area__code=bd)
    owned = set(Adoption.objects.filter(owner=fire).values_list("indicator__code", flat=True))
    client = _client()
    page = _text(client.get(f"/settings/agencies/{fire.pk}/"))
    assert "Move its indicators and open submissions to" in page
    response = client.post(
        f"/settings/agencies/{fire.pk}/",
        {"action": "move", "move-to_agency": str(police.pk), "move-reason": "Merged services"},
    )
    assert response.status_code == 302
    moved = Adoption.objects.filter(indicator__code__in=owned, partnership__area__code=bd)
    assert {a.owner_id for a in moved} == {police.pk}
    audit = moved.first().audit.latest()
    assert audit.history_user.username == "coordinator"
    assert audit.history_change_reason == (
        "moved from London Fire Brigade to Metropolitan Police Service: Merged services"
    )
    # Its January 2017 submissions are the police's now, and nothing holds the brigade back.
    response = client.post(
        f"/settings/agencies/{fire.pk}/", {"action": "retire", "retire-reason": "merged"}
    )
    assert response.status_code == 302
    fire.refresh_from_db()
    assert fire.retired_on is not None


def test_moving_to_the_same_agency_is_refused() -> None:
    fire = Agency.objects.get(code="fire", partnership__area__code="E09000002")
    response = _client().post(
        f"/settings/agencies/{fire.pk}/",
        {"action": "move", "move-to_agency": str(fire.pk), "move-reason": "x"},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in _text(response)


def test_the_agencies_page_counts_each_agencys_open_work_in_a_few_queries() -> None:
    """Each current agency's count is the number of items its own page lists as blocking its
    retirement (``agency_retire_blockers``), and adding agencies adds no query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from submissions.settings.agencies import agency_add, agency_retire_blockers

    client = _client()
    bd = _tno().partnership
    agencies = list(Agency.objects.filter(partnership=bd, retired_on__isnull=True))
    expected = {a.name: len(agency_retire_blockers(a)) for a in agencies}
    assert any(n > 1 for n in expected.values())  # the demo's agencies own several indicators
    with CaptureQueriesContext(connection) as before:
        page = _text(client.get("/settings/agencies/"))
    for name, n in expected.items():
        shown = f"{n} item{'s' if n != 1 else ''} of open work" if n else "Current"
        assert re.search(rf"{re.escape(name)}</a></td><td>[^<]*</td><td>{shown}</td>", page), name
    coordinator = get_user_model().objects.get(username="coordinator")
    for i in range(3):
        agency_add(partnership_id=bd.pk, name=f"New agency {i}", email="", user=coordinator,
                   reason="test")  # fmt: skip
    with CaptureQueriesContext(connection) as after:
        page = _text(client.get("/settings/agencies/"))
    assert "New agency 2</a></td><td></td><td>Current</td>" in page
    assert len(after) == len(before)
