"""People across partnerships (issue 11, item 2): a person with roles in two partnerships
switches between them in the header (a POST with the CSRF token, kept in the session, checked
against their roles on every request), and a coordinator can do nothing outside their own."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from csp import permissions
from csp.switcher import SESSION_KEY
from submissions.imports.common import ImportRefused
from submissions.imports.month_values import month_values_import
from submissions.models import ReportingRound, Submission
from tests.integration.conftest import JAN, bd
from tests.integration.import_helpers import HEADER, NOW, csv_bytes

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _mine(client: Client) -> set[int]:
    """The partnerships of the rows on "my submissions"."""
    rows = client.get("/submissions/").context["rows"]
    assert rows
    ids = [row.id for row in rows]
    return set(Submission.objects.filter(id__in=ids).values_list("round__partnership", flat=True))


def test_a_lead_in_two_partnerships_sees_each_ones_items_after_switching(analyst, barnet) -> None:
    client = _client(analyst)
    assert _mine(client) == {bd().id}  # the first of theirs until they switch
    assert client.post("/partnership/", {"partnership": barnet.id}).status_code == 302
    assert _mine(client) == {barnet.id}
    client.post("/partnership/", {"partnership": bd().id})
    assert _mine(client) == {bd().id}


def test_the_switcher_shows_only_to_a_person_with_several_partnerships(analyst, barnet) -> None:
    page = _client(analyst).get("/submissions/").content.decode()
    assert 'action="/partnership/"' in page
    assert "Barnet Community Safety Partnership" in page
    police = get_user_model().objects.get(username="police")
    assert 'action="/partnership/"' not in _client(police).get("/submissions/").content.decode()


def test_the_switch_is_a_post_with_the_csrf_token(analyst, barnet) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(analyst)
    assert client.post("/partnership/", {"partnership": barnet.id}).status_code == 403
    assert client.get("/partnership/").status_code == 405
    assert SESSION_KEY not in client.session
    assert _mine(client) == {bd().id}


@pytest.mark.parametrize("forged", ["other", "0", "abc", ""])
def test_a_forged_partnership_is_refused(analyst, barnet, forged: str) -> None:
    """ "other": a real partnership the person holds no role in (the demo's police lead asks for
    Barnet); the rest are not partnerships at all."""
    police = get_user_model().objects.get(username="police")
    client = _client(police)
    value = str(barnet.id) if forged == "other" else forged
    response = client.post("/partnership/", {"partnership": value})
    assert response.status_code == 400
    assert SESSION_KEY not in client.session
    assert _mine(client) == {bd().id}


def test_a_stale_or_forged_session_value_falls_back_to_the_first_allowed(barnet) -> None:
    police = get_user_model().objects.get(username="police")
    client = _client(police)
    session = client.session
    session[SESSION_KEY] = barnet.id  # e.g. a role since taken away
    session.save()
    assert _mine(client) == {bd().id}
    assert permissions.working_partnership(police, barnet.id) == bd().id
    assert permissions.working_partnership(police, "x") == bd().id
    assert permissions.working_partnership(get_user_model().objects.create(username="n"), 1) is None


def test_a_coordinator_can_do_nothing_in_another_partnership(barnet) -> None:
    coordinator = get_user_model().objects.get(username="coordinator")
    client = _client(coordinator)
    barnet_round = ReportingRound.objects.get(partnership=barnet, month=JAN)
    barnet_sub = barnet_round.submissions.order_by("id").first()
    for url in (f"/rounds/{barnet_round.pk}/", f"/rounds/{barnet_round.pk}/audit/"):
        assert client.get(url).status_code == 404
    assert client.post(f"/rounds/{barnet_round.pk}/close/").status_code == 404
    assert client.get(f"/submissions/{barnet_sub.pk}/").status_code == 404
    assert client.post(f"/submissions/{barnet_sub.pk}/approve/").status_code == 404
    barnet_round.refresh_from_db()
    barnet_sub.refresh_from_db()
    assert (barnet_round.status, barnet_sub.status) == ("open", "not_started")
    # Their rounds and review pages list their own partnership's only.
    assert {r.partnership_id for r in client.get("/rounds/").context["rounds"]} == {bd().id}
    review = client.get("/review/?status=not_started").context["rows"]
    assert review and barnet_sub.pk not in {row.id for row in review}
    # No switching into it, no importing its figures, no admin.
    assert client.post("/partnership/", {"partnership": barnet.id}).status_code == 400
    with pytest.raises(ImportRefused) as caught:
        month_values_import(
            content=csv_bytes(HEADER, [["E09000003", "tno", "2017-03", "1"]]),
            filename="barnet.csv",
            user=coordinator,
            now=NOW,
        )
    assert "only Barnet's partnership coordinator" in caught.value.report.errors[0].message
    coordinator.is_staff = True  # even if someone ticked "staff status" by mistake
    coordinator.save()
    assert client.get("/admin/").status_code == 302
    assert not permissions.can_use_admin(coordinator)


def test_the_install_administrator_is_not_a_partnerships_coordinator(barnet) -> None:
    admin = get_user_model().objects.get(username="admin")
    assert permissions.can_use_admin(admin)
    for partnership in (bd(), barnet):
        assert not permissions.can_manage_rounds(admin, partnership.id)
    barnet_round = ReportingRound.objects.get(partnership=barnet, month=JAN)
    assert _client(admin).get(f"/rounds/{barnet_round.pk}/").status_code == 403
