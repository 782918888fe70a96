"""The monthly cycle through its services: the coordinator's review (return, approve,
override) and what an approval stores."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from indicators.models import MonthValue
from submissions.cycle import services
from submissions.cycle.validation import Entry
from submissions.models import ReportingRound
from tests.integration.cycle_helpers import JAN, NOW, jan, save, user

pytestmark = pytest.mark.django_db


def test_return_needs_a_reason_and_emails_the_agency_lead(django_capture_on_commit_callbacks):
    save("tno", "police", Entry(value=1420), submit=True)
    with pytest.raises(services.CycleError, match="Say why"):
        services.submission_return(
            submission_id=jan("tno").pk, user=user("coordinator"), reason="  ", now=NOW
        )
    with django_capture_on_commit_callbacks(execute=True):
        sub = services.submission_return(
            submission_id=jan("tno").pk,
            user=user("coordinator"),
            reason="January looks low: check the extract.",
            now=NOW,
        )
    assert (sub.status, sub.return_reason) == ("returned", "January looks low: check the extract.")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["police@example.org"]
    assert "check the extract" in mail.outbox[0].body


def test_an_agency_lead_cannot_approve_or_return() -> None:
    save("tno", "police", Entry(value=1420), submit=True)
    with pytest.raises(PermissionDenied):
        services.submission_approve(submission_id=jan("tno").pk, user=user("police"), now=NOW)
    with pytest.raises(PermissionDenied):
        services.submission_return(
            submission_id=jan("tno").pk, user=user("police"), reason="x", now=NOW
        )


def test_approval_stores_the_figure_in_the_approved_store_and_recomputes(
    django_capture_on_commit_callbacks,
) -> None:
    from csp.celery import app

    save("tno", "police", Entry(value=1420), submit=True)
    assert not MonthValue.objects.filter(indicator__code="tno", month=JAN).exists()
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.submission_approve(
                submission_id=jan("tno").pk, user=user("coordinator"), now=NOW
            )
    finally:
        app.conf.task_always_eager = eager
    value = MonthValue.objects.get(indicator__code="tno", area__code="E09000002", month=JAN)
    assert value.value == 1420
    assert value.history.first().history_user == user("coordinator")
    from indicators.models import DerivedMetric

    row = DerivedMetric.objects.get(indicator__code="tno", area__code="E09000002", month=JAN)
    assert row.ytd == 13207 + 1420


def test_nothing_unapproved_feeds_the_store() -> None:
    save("tno", "police", Entry(value=1420), submit=True)
    assert not MonthValue.objects.filter(indicator__code="tno", month=JAN).exists()


def test_not_available_is_stored_as_tbc_with_its_reason() -> None:
    save(
        "idap-on-programme",
        "probation",
        Entry(entry_status="not_available", reason="Probation IT changes"),
        submit=True,
    )
    services.submission_approve(
        submission_id=jan("idap-on-programme").pk, user=user("coordinator"), now=NOW
    )
    value = MonthValue.objects.get(indicator__code="idap-on-programme", month=JAN)
    assert (value.status, value.reason) == ("not_available", "Probation IT changes")


def test_rag_override_needs_a_justification_and_is_audited() -> None:
    sub = jan("marac-repeat-referrals")
    with pytest.raises(services.CycleError, match="justification"):
        services.submission_override_rag(
            submission_id=sub.pk, user=user("coordinator"), rag="A", justification="", now=NOW
        )
    with pytest.raises(PermissionDenied):
        services.submission_override_rag(
            submission_id=sub.pk, user=user("marac"), rag="A", justification="x", now=NOW
        )
    services.submission_override_rag(
        submission_id=sub.pk,
        user=user("coordinator"),
        rag="A",
        justification="Within 10% of the Safelives range.",
        now=NOW,
    )
    record = jan("marac-repeat-referrals").history.first()
    assert record.rag_override == "A"
    assert "Within 10%" in record.history_change_reason


def test_the_admin_cannot_change_a_submission_behind_the_workflow(client) -> None:
    client.force_login(user("admin"))
    sub = jan("tno")
    response = client.post(
        f"/admin/submissions/submission/{sub.pk}/change/", {"status": "approved"}
    )
    assert response.status_code == 403
    assert jan("tno").status == "not_started"


def test_an_areas_change_keeps_the_ranks_of_groups_it_is_not_in() -> None:
    from csp.models import Area, ComparatorGroup, GroupMembership
    from indicators.models import DerivedRank, Indicator
    from indicators.services import ranks_recompute

    other = ComparatorGroup.objects.create(code="EAST", name="Three other boroughs")
    areas = list(Area.objects.exclude(code="E09000002")[:3])
    for area in areas:
        GroupMembership.objects.create(group=other, area=area)
    tno = Indicator.objects.get(code="tno")
    DerivedRank.objects.bulk_create(
        DerivedRank(
            indicator=tno,
            area=a,
            month=dt.date(2016, 12, 1),
            group=other,
            position=i + 1,
            size=3,
            source="computed",
        )
        for i, a in enumerate(areas)
    )
    ranks_recompute(indicator_ids=[tno.id], area_ids=[Area.objects.get(code="E09000002").id])
    assert DerivedRank.objects.filter(group=other).count() == 3


def test_a_long_reason_is_kept_whole_in_the_audit_trail() -> None:
    # The audit line was a 100-character column: PostgreSQL refused a longer reason with a 500.
    reason = "The extract ran before the late crime records were added; " * 5
    save("tno", "police", Entry(value=1420), submit=True)
    services.submission_return(
        submission_id=jan("tno").pk, user=user("coordinator"), reason=reason, now=NOW
    )
    assert jan("tno").history.first().history_change_reason == f"returned: {reason.strip()}"
    dec = ReportingRound.objects.get(month=dt.date(2016, 12, 1))
    services.round_reopen(round_id=dec.pk, user=user("coordinator"), reason=reason, now=NOW)
    assert dec.history.first().history_change_reason.endswith(reason.strip())
