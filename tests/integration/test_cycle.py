"""The monthly cycle through its services: every transition, refusal and side effect."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction

from indicators.models import MonthValue
from submissions.cycle import services
from submissions.cycle.validation import Entry
from submissions.cycle.workflow import TransitionError
from submissions.models import (
    PackVersion,
    PublishedPackImmutable,
    ReminderSent,
    ReportingRound,
    Submission,
)
from submissions.packs import publish

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2017, 2, 1, 9, 0, tzinfo=dt.UTC)
JAN = dt.date(2017, 1, 1)


def user(name: str):
    return get_user_model().objects.get(username=name)


def jan(code: str) -> Submission:
    return Submission.objects.get(round__month=JAN, indicator__code=code)


def save(code: str, who: str, entry: Entry, *, submit: bool = False) -> Submission:
    sub = jan(code)
    return services.submission_save(
        submission_id=sub.pk,
        user=user(who),
        entry=entry,
        expected_version=sub.version,
        submit=submit,
        now=NOW,
    )


def test_lead_saves_a_draft_then_submits() -> None:
    sub = save("tno", "police", Entry(value=1420, performance_overview="Draft text"))
    assert (sub.status, sub.value, sub.version) == ("draft", 1420, 2)
    sub = save("tno", "police", Entry(value=1420), submit=True)
    assert sub.status == "submitted"
    assert sub.submitted_by == user("police")


def test_a_submitted_form_is_locked_for_the_agency() -> None:
    save("tno", "police", Entry(value=1420), submit=True)
    with pytest.raises(TransitionError, match="submitted cannot be saved"):
        save("tno", "police", Entry(value=1500))


def test_another_agency_cannot_write_police_figures() -> None:
    with pytest.raises(PermissionDenied):
        save("tno", "fire", Entry(value=1))
    assert jan("tno").status == "not_started"


@pytest.mark.parametrize(
    ("code", "entry", "field"),
    [
        ("tno", Entry(value=-3), "value"),
        ("atr-completions", Entry(numerator=9, denominator=3), "numerator"),
        ("idap-on-programme", Entry(entry_status="not_available", reason=" "), "reason"),
        ("first-time-entrants", Entry(value=131), "reference_period"),
        ("hate-crime", Entry(categories={"all": 300, "disability": 4}), "category-disability"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_saved(
    code: str, entry: Entry, field: str
) -> None:
    owner = jan(code).adoption.owner.code
    lead = {"police": "police", "probation": "probation", "yos": "yos"}[owner]
    before = jan(code).version
    with pytest.raises(services.ValidationFailed) as caught:
        save(code, lead, entry, submit=True)
    assert field in caught.value.checked.errors
    assert jan(code).version == before and jan(code).status == "not_started"


def test_an_unusual_figure_needs_a_confirming_note() -> None:
    # Jan 2016 TNO = 1,460: 3,000 is more than 50% above it (and beyond the SPC limits).
    with pytest.raises(services.ValidationFailed) as caught:
        save("tno", "police", Entry(value=3000), submit=True)
    assert "confirm_note" in caught.value.checked.errors
    assert any("same month last year" in w for w in caught.value.checked.warnings)
    sub = save(
        "tno",
        "police",
        Entry(value=3000, confirm_note="Checked: a recording backlog."),
        submit=True,
    )
    assert sub.status == "submitted"


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


def test_a_second_save_from_a_stale_form_is_refused_showing_what_changed() -> None:
    sub = jan("tno")
    opened_at = sub.version
    services.submission_save(
        submission_id=sub.pk,
        user=user("coordinator"),
        entry=Entry(value=1400),
        expected_version=opened_at,
        submit=False,
        now=NOW,
    )
    with pytest.raises(services.ConcurrentEdit) as caught:
        services.submission_save(
            submission_id=sub.pk,
            user=user("police"),
            entry=Entry(value=1500),
            expected_version=opened_at,
            submit=False,
            now=NOW,
        )
    assert ("value", 1500, 1400) in caught.value.changes
    assert "coordinator" in str(caught.value)
    assert jan("tno").value == 1400  # the first save is kept


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


def _approve_everything_in_january() -> None:
    for sub in Submission.objects.filter(round__month=JAN).select_related("indicator"):
        services.submission_save(
            submission_id=sub.pk,
            user=user("coordinator"),
            entry=Entry(entry_status="not_available", reason="Not yet supplied"),
            expected_version=sub.version,
            submit=True,
            now=NOW,
        )
    result = services.submissions_bulk_approve(
        submission_ids=list(
            Submission.objects.filter(round__month=JAN).values_list("id", flat=True)
        ),
        user=user("coordinator"),
        now=NOW,
    )
    assert len(result.approved) == 34, result.skipped


def test_publishing_needs_everything_approved_then_freezes_version_1() -> None:
    round_ = ReportingRound.objects.get(month=JAN)
    with pytest.raises(services.CycleError, match="Not everything is approved"):
        publish.round_publish(
            round_id=round_.pk, user=user("coordinator"), change_note="", now=NOW
        )
    with pytest.raises(PermissionDenied):
        publish.round_publish(round_id=round_.pk, user=user("board"), change_note="", now=NOW)
    _approve_everything_in_january()
    version = publish.round_publish(
        round_id=round_.pk, user=user("coordinator"), change_note="", now=NOW
    )
    assert version.number == 1
    round_.refresh_from_db()
    assert round_.status == "published"
    tno = next(p for p in version.snapshot["indicators"] if p["code"] == "tno")
    assert tno["months"][-1]["status"] == "not_available"


def test_a_correction_makes_version_2_with_a_change_note_and_keeps_version_1() -> None:
    round_ = ReportingRound.objects.get(month=JAN)
    _approve_everything_in_january()
    v1 = publish.round_publish(
        round_id=round_.pk, user=user("coordinator"), change_note="", now=NOW
    )
    sub = services.submission_reopen(
        submission_id=jan("tno").pk, user=user("coordinator"), reason="TNO figure arrived", now=NOW
    )
    assert sub.status == "draft"
    round_.refresh_from_db()
    assert round_.status == "reopened"  # reopening one item reopens its round for the correction
    save("tno", "police", Entry(value=1420), submit=True)
    services.submission_approve(submission_id=jan("tno").pk, user=user("coordinator"), now=NOW)
    with pytest.raises(services.CycleError, match="Say what changed"):
        publish.round_publish(
            round_id=round_.pk, user=user("coordinator"), change_note="", now=NOW
        )
    v2 = publish.round_publish(
        round_id=round_.pk,
        user=user("coordinator"),
        change_note="TNO January figure added",
        now=NOW,
    )
    assert v2.number == 2
    round_.refresh_from_db()
    assert round_.status == "published"
    from submissions.packs.snapshot import pack_changes

    v1.refresh_from_db()
    changes = {c["code"]: c for c in pack_changes(v1.snapshot, v2.snapshot)}
    assert ("Month", None, 1420) in changes["tno"]["items"]
    assert ("Year to date", None, 13207 + 1420) in changes["tno"]["items"]


def test_a_published_version_cannot_be_changed_by_any_path() -> None:
    version = PackVersion.objects.get(round__month=dt.date(2016, 12, 1), number=1)
    version.change_note = "tampered"
    with pytest.raises(PublishedPackImmutable):
        version.save()
    with pytest.raises(PublishedPackImmutable):
        version.delete()
    # Below the ORM's save(): queryset updates and raw SQL hit the database trigger.
    with pytest.raises(IntegrityError), transaction.atomic():
        PackVersion.objects.filter(pk=version.pk).update(change_note="tampered")
    if connection.vendor == "postgresql":  # production: raw DELETE is refused too
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM submissions_packversion WHERE id = %s", [version.pk])
    assert PackVersion.objects.get(pk=version.pk).change_note == ""


def test_reminders_are_sent_once_per_stage_and_escalated_to_the_coordinator() -> None:
    round_ = ReportingRound.objects.get(month=JAN)  # deadline 10 February 2017
    before = services.reminders_send(today=dt.date(2017, 2, 8), now=NOW)
    assert before.reminders == 34
    assert {m.to[0] for m in mail.outbox} >= {"police@example.org", "coordinator@example.org"}
    police = next(m for m in mail.outbox if m.to == ["police@example.org"])
    assert "Total Notifiable Offences" in police.body and "due soon" in police.subject
    mail.outbox.clear()
    again = services.reminders_send(today=dt.date(2017, 2, 9), now=NOW)
    assert (again.reminders, len(mail.outbox)) == (0, 0)  # same stage: nothing new
    save("tno", "police", Entry(value=1420), submit=True)
    overdue = services.reminders_send(today=dt.date(2017, 2, 11), now=NOW)
    assert overdue.reminders == 33  # the submitted one is no longer chased
    digest = next(m for m in mail.outbox if m.to == ["coordinator@example.org"])
    assert "33 overdue" in digest.subject
    assert ReminderSent.objects.filter(submission__round=round_).count() == 67


def test_rounds_open_themselves_for_the_month_just_ended() -> None:
    opened = services.rounds_open_next(today=dt.date(2017, 3, 1))
    assert [(r.month, r.deadline) for r in opened] == [(dt.date(2017, 2, 1), dt.date(2017, 3, 10))]
    assert opened[0].submissions.count() == 34
    assert services.rounds_open_next(today=dt.date(2017, 3, 1)) == []  # once only


def test_a_round_is_opened_by_the_coordinator_only_once_per_month() -> None:
    with pytest.raises(PermissionDenied):
        services.round_create(
            partnership_id=1,
            month=dt.date(2017, 2, 1),
            deadline=dt.date(2017, 3, 10),
            user=user("police"),
            now=NOW,
        )
    from csp.models import Partnership

    partnership = Partnership.objects.get()
    services.round_create(
        partnership_id=partnership.id,
        month=dt.date(2017, 2, 1),
        deadline=dt.date(2017, 3, 10),
        user=user("coordinator"),
        now=NOW,
    )
    with pytest.raises(services.CycleError, match="already a February 2017 round"):
        services.round_create(
            partnership_id=partnership.id,
            month=dt.date(2017, 2, 1),
            deadline=dt.date(2017, 3, 10),
            user=user("coordinator"),
            now=NOW,
        )


def test_the_admin_cannot_change_a_submission_behind_the_workflow(client) -> None:
    client.force_login(user("admin"))
    sub = jan("tno")
    response = client.post(
        f"/admin/submissions/submission/{sub.pk}/change/", {"status": "approved"}
    )
    assert response.status_code == 403
    assert jan("tno").status == "not_started"


def test_a_closed_round_takes_no_entries_but_can_be_published() -> None:
    round_ = ReportingRound.objects.get(month=JAN)
    with pytest.raises(PermissionDenied):
        services.round_close(round_id=round_.pk, user=user("police"), now=NOW)
    services.round_close(round_id=round_.pk, user=user("coordinator"), now=NOW)
    with pytest.raises(services.RoundClosed, match="not open for entries"):
        save("tno", "police", Entry(value=1420))
    Submission.objects.filter(round=round_).update(
        status="approved", entry_status="not_available", reason="x"
    )
    version = publish.round_publish(
        round_id=round_.pk, user=user("coordinator"), change_note="", now=NOW
    )
    assert version.number == 1


def test_a_returned_item_in_a_closed_round_can_still_be_fixed_and_published() -> None:
    round_ = ReportingRound.objects.get(month=JAN)
    save("tno", "police", Entry(value=1420), submit=True)
    services.round_close(round_id=round_.pk, user=user("coordinator"), now=NOW)
    services.submission_return(
        submission_id=jan("tno").pk,
        user=user("coordinator"),
        reason="Wrong month extracted",
        now=NOW,
    )
    with pytest.raises(services.RoundClosed):
        save("tno", "police", Entry(value=1421), submit=True)  # the agency is locked out
    save("tno", "coordinator", Entry(value=1421), submit=True)  # the coordinator is not
    services.submission_approve(submission_id=jan("tno").pk, user=user("coordinator"), now=NOW)
    assert jan("tno").status == "approved"


def test_figures_too_large_to_be_real_are_refused() -> None:
    with pytest.raises(services.ValidationFailed) as caught:
        save("tno", "police", Entry(value=10**25, confirm_note="sure"), submit=True)
    assert "too large" in caught.value.checked.errors["value"]


def test_categories_that_are_not_the_indicators_are_refused() -> None:
    with pytest.raises(services.ValidationFailed) as caught:
        save("hate-crime", "police", Entry(categories={"all": 300, "gone": 12}), submit=True)
    assert "gone is not a category" in caught.value.checked.errors["categories"]


def test_reloading_the_demo_never_overwrites_entered_work() -> None:
    from submissions.demo import demo_load

    save("tno", "police", Entry(value=1420, performance_overview="Mine"))
    report = demo_load(password="x")
    assert not report.changed
    assert (jan("tno").status, jan("tno").value) == ("draft", 1420)


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


# --- the round's own state machine (workflow.ROUND_TRANSITIONS) --------------------------------


def _publish_january(change_note: str = "", now: dt.datetime = NOW) -> PackVersion:
    return publish.round_publish(
        round_id=ReportingRound.objects.get(month=JAN).pk,
        user=user("coordinator"),
        change_note=change_note,
        now=now,
    )


def test_a_published_round_is_not_published_again_until_it_is_reopened() -> None:
    _approve_everything_in_january()
    assert _publish_january().number == 1
    with pytest.raises(
        services.RoundConflict,
        match="Version 1 is already published and nothing has been reopened",
    ):
        _publish_january("Same again")
    assert PackVersion.objects.filter(round__month=JAN).count() == 1


def test_a_reopened_round_with_nothing_changed_is_not_published_again() -> None:
    _approve_everything_in_january()
    _publish_january()
    round_ = services.round_reopen(
        round_id=ReportingRound.objects.get(month=JAN).pk,
        user=user("coordinator"),
        reason="Check the fire figures",
        now=NOW,
    )
    assert round_.status == "reopened"
    # An hour later: the recompute stamps new times on the same figures, which is no change.
    with pytest.raises(services.RoundConflict, match="Nothing has changed since version 1"):
        _publish_january("Checked: no change", now=NOW + dt.timedelta(hours=1))
    assert PackVersion.objects.filter(round__month=JAN).count() == 1
    assert ReportingRound.objects.get(month=JAN).status == "reopened"  # still open to correct


def test_a_correction_in_a_reopened_round_is_published_as_the_next_version() -> None:
    _approve_everything_in_january()
    _publish_january()
    jan_round = ReportingRound.objects.get(month=JAN)
    with pytest.raises(services.RoundClosed, match="reopen"):  # published: nothing changes
        services.submission_override_rag(
            submission_id=jan("tno").pk,
            user=user("coordinator"),
            rag="G",
            justification="Agreed at the board",
            now=NOW,
        )
    services.round_reopen(
        round_id=jan_round.pk, user=user("coordinator"), reason="Board agreed TNO is Green", now=NOW
    )
    services.submission_override_rag(
        submission_id=jan("tno").pk,
        user=user("coordinator"),
        rag="G",
        justification="Agreed at the board",
        now=NOW,
    )
    v2 = _publish_january("TNO rated Green as agreed")
    assert v2.number == 2
    tno = next(p for p in v2.snapshot["indicators"] if p["code"] == "tno")
    assert tno["rag_effective"] == "G"
    jan_round.refresh_from_db()
    assert jan_round.status == "published"
    record = jan_round.history.order_by("-history_date", "-history_id")
    assert [r.history_change_reason for r in record[:3]] == [
        "published version 2",
        "reopened for a correction: Board agreed TNO is Green",
        "published version 1",
    ]


def test_reopening_a_round_needs_the_coordinator_a_reason_and_a_published_round() -> None:
    dec = ReportingRound.objects.get(month=dt.date(2016, 12, 1))
    with pytest.raises(services.CycleError, match="Say what needs correcting"):
        services.round_reopen(round_id=dec.pk, user=user("coordinator"), reason=" ", now=NOW)
    for who in ("police", "board", "admin"):
        with pytest.raises(PermissionDenied):
            services.round_reopen(round_id=dec.pk, user=user(who), reason="Fix", now=NOW)
    with pytest.raises(services.RoundConflict, match="Only a published round can be reopened"):
        services.round_reopen(
            round_id=ReportingRound.objects.get(month=JAN).pk,
            user=user("coordinator"),
            reason="Fix",
            now=NOW,
        )
    services.round_reopen(round_id=dec.pk, user=user("coordinator"), reason="Fix", now=NOW)
    with pytest.raises(services.RoundConflict, match="already reopened"):
        services.round_reopen(round_id=dec.pk, user=user("coordinator"), reason="Fix", now=NOW)
    with pytest.raises(services.CycleError, match="There is no round"):
        services.round_reopen(round_id=999_999, user=user("coordinator"), reason="Fix", now=NOW)


def test_a_round_that_is_not_open_cannot_be_closed() -> None:
    jan_round = ReportingRound.objects.get(month=JAN)
    services.round_close(round_id=jan_round.pk, user=user("coordinator"), now=NOW)
    with pytest.raises(services.RoundConflict, match="already closed"):
        services.round_close(round_id=jan_round.pk, user=user("coordinator"), now=NOW)
    dec = ReportingRound.objects.get(month=dt.date(2016, 12, 1))
    with pytest.raises(services.RoundConflict, match="published round cannot be closed"):
        services.round_close(round_id=dec.pk, user=user("coordinator"), now=NOW)


def test_reopening_an_item_of_a_reopened_round_keeps_the_round_reopened() -> None:
    dec = ReportingRound.objects.get(month=dt.date(2016, 12, 1))
    services.round_reopen(round_id=dec.pk, user=user("coordinator"), reason="Fix", now=NOW)
    arson = Submission.objects.get(round=dec, indicator__code="arson")
    services.submission_reopen(
        submission_id=arson.pk, user=user("coordinator"), reason="YTD off by one", now=NOW
    )
    dec.refresh_from_db()
    assert dec.status == "reopened"
    assert Submission.objects.get(pk=arson.pk).status == "draft"


def test_an_item_of_an_unpublished_round_is_not_reopened_and_the_round_is_left_alone() -> None:
    save("tno", "police", Entry(value=1420), submit=True)
    services.submission_approve(submission_id=jan("tno").pk, user=user("coordinator"), now=NOW)
    with pytest.raises(services.CycleError, match="published round"):
        services.submission_reopen(
            submission_id=jan("tno").pk, user=user("coordinator"), reason="x", now=NOW
        )
    assert ReportingRound.objects.get(month=JAN).status == "open"
    assert jan("tno").status == "approved"


def test_a_refused_item_reopen_leaves_the_published_round_published() -> None:
    dec = ReportingRound.objects.get(month=dt.date(2016, 12, 1))
    tno_dec = Submission.objects.get(round=dec, indicator__code="tno")
    with pytest.raises(PermissionDenied):
        services.submission_reopen(
            submission_id=tno_dec.pk, user=user("police"), reason="x", now=NOW
        )
    dec.refresh_from_db()
    assert dec.status == "published"


def test_a_lead_corrects_a_reopened_item_but_nothing_else_of_a_reopened_round() -> None:
    dec = ReportingRound.objects.get(month=dt.date(2016, 12, 1))
    tno_dec = Submission.objects.get(round=dec, indicator__code="tno")
    services.submission_reopen(
        submission_id=tno_dec.pk, user=user("coordinator"), reason="Recount", now=NOW
    )
    sub = services.submission_save(
        submission_id=tno_dec.pk,
        user=user("police"),
        entry=Entry(value=1390),
        expected_version=Submission.objects.get(pk=tno_dec.pk).version,
        submit=True,
        now=NOW,
    )
    assert sub.status == "submitted"
    burglary = Submission.objects.get(round=dec, indicator__code="burglary")
    # Still approved: not part of the correction.
    with pytest.raises(services.RoundClosed, match="only a submission reopened for correction"):
        services.submission_save(
            submission_id=burglary.pk,
            user=user("police"),
            entry=Entry(value=1),
            expected_version=burglary.version,
            submit=False,
            now=NOW,
        )


def test_a_second_round_for_the_same_month_is_a_conflict() -> None:
    from csp.models import Partnership

    partnership = Partnership.objects.get()
    ReportingRound.objects.create(
        partnership=partnership, month=dt.date(2017, 2, 1), deadline=dt.date(2017, 3, 10)
    )
    with pytest.raises(services.RoundConflict, match="already a February 2017 round"):
        services.round_create(
            partnership_id=partnership.id,
            month=dt.date(2017, 2, 1),
            deadline=dt.date(2017, 3, 10),
            user=user("coordinator"),
            now=NOW,
        )


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
