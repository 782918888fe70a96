"""Every page of the cycle opens for the roles that use it (and refuses the others)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from submissions.models import ReportingRound, Submission

pytestmark = pytest.mark.django_db


def _client(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_each_role_lands_where_its_work_is() -> None:
    jan = ReportingRound.objects.get(month="2017-01-01")
    assert _client("police").get("/")["Location"] == "/submissions/"
    assert _client("coordinator").get("/")["Location"] == f"/rounds/{jan.pk}/"
    assert _client("board").get("/")["Location"] == "/packs/E09000002/2016-12/"
    assert _client("admin").get("/")["Location"] == "/admin/"


@pytest.mark.parametrize(
    ("username", "url"),
    [
        ("police", "/submissions/"),
        ("coordinator", "/submissions/"),
        ("coordinator", "/review/"),
        ("coordinator", "/review/?status=&agency=police"),
        ("coordinator", "/rounds/"),
        ("board", "/packs/"),
        ("board", "/packs/E09000002/2016-12/"),
        ("board", "/packs/E09000002/2016-12/tno/"),
        ("board", "/packs/E09000002/2016-12/hate-crime/"),
        ("board", "/packs/E09000002/2016-12/atr-completions/"),
    ],
)
def test_pages_open(username: str, url: str) -> None:
    assert _client(username).get(url).status_code == 200


def test_round_overview_and_audit_open_for_the_coordinator() -> None:
    jan = ReportingRound.objects.get(month="2017-01-01")
    client = _client("coordinator")
    assert client.get(f"/rounds/{jan.pk}/").status_code == 200
    assert client.get(f"/rounds/{jan.pk}/audit/").status_code == 200


@pytest.mark.parametrize(
    "code",
    [
        "tno",
        "atr-completions",
        "hate-crime",
        "asb-satisfaction",
        "idap-on-programme",
        "first-time-entrants",
        "phof-2-15",
    ],
)
def test_the_entry_form_opens_for_every_kind(code: str) -> None:
    sub = Submission.objects.get(round__month="2017-01-01", indicator__code=code)
    owner = {
        "police": "police",
        "probation": "probation",
        "asb": "asb",
        "yos": "yos",
        "substance-misuse": "substance-misuse",
    }[sub.adoption.owner.code]
    assert _client(owner).get(f"/submissions/{sub.pk}/").status_code == 200
    assert _client("coordinator").get(f"/submissions/{sub.pk}/").status_code == 200


def test_another_agencys_submission_is_not_found() -> None:
    sub = Submission.objects.get(round__month="2017-01-01", indicator__code="tno")
    assert _client("fire").get(f"/submissions/{sub.pk}/").status_code == 404
    assert _client("board").get(f"/submissions/{sub.pk}/").status_code == 404


def test_an_unpublished_month_is_not_found_for_the_board() -> None:
    assert _client("board").get("/packs/E09000002/2017-01/").status_code == 404


def test_the_overview_starts_empty_with_the_engines_draft_beside_it() -> None:
    sub = Submission.objects.get(round__month="2016-12-01", indicator__code="tno")
    Submission.objects.filter(pk=sub.pk).update(status="draft", performance_overview="")
    page = _client("police").get(f"/submissions/{sub.pk}/")
    assert not page.context["form"].initial["performance_overview"]
    # Drafted from the approved December 2016 figures (YTD 13,207 against 13,048).
    assert (
        "Year to date (YTD) Barking and Dagenham shows a 1% increase (up 159 offences)"
        in page.context["draft"]
    )


def test_actions_never_redirect_off_site() -> None:
    sub = Submission.objects.get(round__month="2017-01-01", indicator__code="tno")
    response = _client("coordinator").post(
        f"/submissions/{sub.pk}/override/",
        {"rag": "", "justification": "", "next": "https://evil.example/"},
    )
    assert response["Location"] == f"/submissions/{sub.pk}/"


def test_odd_filter_values_do_not_break_the_review_queue() -> None:
    client = _client("coordinator")
    assert client.get("/review/?portfolio=²").status_code == 200
    assert client.get("/review/?portfolio=" + "9" * 30).status_code == 200
    assert client.post("/review/", {"selected": ["²"]}).status_code == 302


def test_after_an_edit_conflict_the_form_can_be_saved_again() -> None:
    sub = Submission.objects.get(round__month="2017-01-01", indicator__code="tno")
    stale = sub.version
    coordinator, police = _client("coordinator"), _client("police")
    form = {"entry_status": "reported", "value": "1400", "version": stale, "action": "save"}
    assert coordinator.post(f"/submissions/{sub.pk}/", form).status_code == 302
    page = police.post(f"/submissions/{sub.pk}/", {**form, "value": "1500"})
    assert page.status_code == 200 and page.context["conflict"] is not None
    retry = {**form, "value": "1500", "version": page.context["form"].data["version"]}
    assert police.post(f"/submissions/{sub.pk}/", retry).status_code == 302
    sub.refresh_from_db()
    assert sub.value == 1500


def test_the_import_page_previews_then_stores_and_refuses_a_bad_file() -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from indicators.models import MonthValue

    client = _client("coordinator")
    good = SimpleUploadedFile(
        "barnet.csv", b"area,indicator,month,value\nBarnet,tno,2017-01,2345\n"
    )
    preview = client.post("/imports/", {"kind": "month_values", "file": good, "action": "preview"})
    assert preview.status_code == 200
    assert b"Check before storing" in preview.content and b"new" in preview.content
    assert not MonthValue.objects.filter(area__name="Barnet").exists()  # nothing stored yet
    job = preview.context["job"]
    stored = client.post("/imports/", {"action": "confirm", "job": job.pk})
    assert stored.status_code == 302
    assert MonthValue.objects.get(area__name="Barnet", indicator__code="tno").value == 2345

    bad = SimpleUploadedFile("bad.csv", b"area,indicator,month,value\nBarnet,tno,2017-02,-1\n")
    refused = client.post("/imports/", {"kind": "month_values", "file": bad, "action": "preview"})
    assert b"Nothing was stored" in refused.content and b"value -1 is negative" in refused.content


def test_only_the_coordinator_imports() -> None:
    assert _client("police").get("/imports/").status_code == 403
    assert _client("board").get("/imports/").status_code == 403
