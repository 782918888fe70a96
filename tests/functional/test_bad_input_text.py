"""Bad input (issue 9): over-long text is refused with the limit named, on the pages, through
the API, in imports and in the admin; nothing is stored.

PostgreSQL refuses over-long varchar values where SQLite stores them, so these run on both
(CI runs PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest

from submissions.cycle.validation import TEXT_LIMITS
from submissions.models import PackVersion, Submission
from tests.functional.bad_input_helpers import _unchanged, api, jan, web

pytestmark = pytest.mark.django_db


# --- over-long text ---------------------------------------------------------------------------


def test_a_300_character_reference_period_is_refused_through_the_api() -> None:
    sub = jan("reoffending-all")
    response = api("community-safety").put(
        f"/api/submissions/{sub.pk}/",
        {"version": sub.version, "decimal_value": "25.1", "reference_period": "x" * 300},
        format="json",
    )
    assert response.status_code == 400
    assert "reference_period" in response.json()
    _unchanged(sub)


@pytest.mark.parametrize(
    "field", ["performance_overview", "actions", "benchmarking", "reason", "confirm_note"]
)
def test_over_long_commentary_is_refused_on_the_page_and_through_the_api(field: str) -> None:
    sub = jan("tno")
    too_long = "a" * (TEXT_LIMITS[field] + 1)
    response = api("police").put(
        f"/api/submissions/{sub.pk}/",
        {"version": sub.version, "value": 1400, field: too_long},
        format="json",
    )
    assert response.status_code == 400
    assert field in response.json()
    page = web("police").post(
        f"/submissions/{sub.pk}/",
        {"entry_status": "reported", "value": "1400", "version": sub.version, field: too_long},
    )
    assert page.status_code == 200  # the form again, with the message
    assert f"at most {TEXT_LIMITS[field]:,} characters".encode() in page.content
    _unchanged(sub)


def test_at_the_limit_commentary_is_kept() -> None:
    sub = jan("tno")
    text = "a" * TEXT_LIMITS["performance_overview"]
    response = api("police").put(
        f"/api/submissions/{sub.pk}/",
        {"version": sub.version, "value": 1400, "performance_overview": text},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert jan("tno").performance_overview == text


def test_the_entry_form_does_not_cut_pasted_text_short() -> None:
    # A maxlength attribute makes browsers drop the end of a paste without a word; the server
    # says what is too long instead. (GOV.UK's character count reads data-maxlength: it counts,
    # it never cuts.)
    page = web("police").get(f"/submissions/{jan('tno').pk}/")
    assert page.status_code == 200
    assert b" maxlength=" not in page.content
    assert b'data-maxlength="5000"' in page.content


@pytest.mark.parametrize(
    ("path", "field", "limit"),
    [
        ("return/", "reason", "return_reason"),
        ("override/", "justification", "rag_override_justification"),
    ],
)
def test_over_long_review_texts_are_refused(path: str, field: str, limit: str) -> None:
    sub = jan("tno")
    Submission.objects.filter(pk=sub.pk).update(status="submitted", value=1400)
    body = {field: "b" * (TEXT_LIMITS[limit] + 1)}
    if path == "override/":
        body["rag"] = "G"
    response = api("coordinator").post(f"/api/submissions/{sub.pk}/{path}", body, format="json")
    assert response.status_code == 400
    page = web("coordinator").post(f"/submissions/{sub.pk}/{path}", body, follow=True)
    assert page.status_code == 200
    assert f"at most {TEXT_LIMITS[limit]:,} characters".encode() in page.content
    now = jan("tno")
    assert (now.status, now.rag_override) == ("submitted", "")


def test_an_over_long_reopen_reason_is_refused() -> None:
    december = Submission.objects.get(round__month=dt.date(2016, 12, 1), indicator__code="tno")
    reason = "r" * (TEXT_LIMITS["reopen_reason"] + 1)
    page = web("coordinator").post(
        f"/submissions/{december.pk}/reopen/", {"reason": reason}, follow=True
    )
    assert page.status_code == 200
    assert f"at most {TEXT_LIMITS['reopen_reason']:,} characters".encode() in page.content
    assert Submission.objects.get(pk=december.pk).status == "approved"


def test_an_over_long_change_note_is_refused() -> None:
    version = PackVersion.objects.get()
    page = web("coordinator").post(
        f"/rounds/{version.round_id}/",
        {"change_note": "c" * (TEXT_LIMITS["change_note"] + 1)},
        follow=True,
    )
    assert page.status_code == 200
    assert PackVersion.objects.count() == 1


# --- imports ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "content", "message"),
    [
        (
            "month_values",
            "area,indicator,month,value,reference_period\n"
            "Barnet,tno,2017-01,5,Jan 2017\n"
            "Barnet,tno,2017-02,5," + "x" * 300 + "\n",
            "reference_period is too long: at most 200 characters",
        ),
        (
            "month_values",
            "area,indicator,month,value,status,reason\n"
            "Barnet,tno,2017-01,,not_available," + "x" * 30_000 + "\n",
            "reason is too long: at most 1,000 characters",
        ),
        (
            "month_values",
            "area,indicator,month,value,reason\nBarnet,tno,2017-01,5,a\x00b\n",
            "reason contains a null character",
        ),
        (
            "benchmarks",
            "area,indicator,month,group,position,size,source\n"
            "Barnet,tno,2017-01,MET,3,32," + "s" * 400 + "\n",
            "source is too long: at most 200 characters",
        ),
        (
            "populations",
            "area,kind,series,value,in_force_from,source\n"
            "Barnet,residents,residents-mye,300000,2017-01-01," + "s" * 400 + "\n",
            "source is too long: at most 200 characters",
        ),
    ],
)
def test_an_import_with_over_long_or_null_text_is_refused_naming_the_line(
    kind: str, content: str, message: str
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("figures.csv", content.encode(), content_type="text/csv")
    page = web("coordinator").post("/imports/", {"kind": kind, "file": upload})
    assert page.status_code == 200
    errors = [(e.line, e.message) for e in page.context["report"].errors]
    assert len(errors) == 1 and errors[0][0] == content.count("\n")
    assert message in errors[0][1]


# --- the admin ---------------------------------------------------------------------------------


def test_an_over_long_indicator_text_is_refused_in_the_admin() -> None:
    from django.urls import reverse

    from csp.admin import ADMIN_TEXT_LIMIT
    from indicators.models import Indicator

    tno = Indicator.objects.get(code="tno")
    client = web("admin")
    url = reverse("admin:indicators_indicator_change", args=[tno.pk])
    form = client.get(url).context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data.update(
        {
            "denominator_series": tno.denominator_series_id,
            "definition": "d" * (ADMIN_TEXT_LIMIT + 1),
        }
    )
    for prefix in ("categories", "targets", "history"):
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    page = client.post(url, data)
    assert page.status_code == 200  # the form again
    assert "definition" in page.context["adminform"].form.errors
    assert len(Indicator.objects.get(code="tno").definition) < ADMIN_TEXT_LIMIT
