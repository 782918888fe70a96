"""The monthly cycle through its services: publishing, and correcting a published round."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction

from submissions.cycle import services
from submissions.cycle.validation import Entry
from submissions.models import PackVersion, PublishedPackImmutable, ReportingRound, Submission
from submissions.packs import publish
from tests.integration.cycle_helpers import (
    JAN,
    NOW,
    _approve_everything_in_january,
    _publish_january,
    jan,
    save,
    user,
)

pytestmark = pytest.mark.django_db


def test_publishing_needs_everything_approved_then_freezes_version_1() -> None:
    round_ = ReportingRound.objects.get(month=JAN)
    with pytest.raises(services.CycleError, match="Not everything is approved"):
        publish.round_publish(round_id=round_.pk, user=user("coordinator"), change_note="", now=NOW)
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
        publish.round_publish(round_id=round_.pk, user=user("coordinator"), change_note="", now=NOW)
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
    # Printed as the pages print them: none as "–", thousands with a comma (13,207 + 1,420).
    assert ("Month", "–", "1,420") in changes["tno"]["items"]
    assert ("Year to date", "–", "14,627") in changes["tno"]["items"]
    # No figure is printed with the engine's full precision (was "87.0734086216884 → …").
    printed = [(label, b, a) for c in changes.values() for label, b, a in c["items"]]
    assert [p for p in printed if re.search(r"\d\.\d{3,}", p[1] + p[2])] == []
    assert any(label == "Rate" and "per 1,000" in a for label, _, a in printed), printed


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


# --- the round's own state machine (workflow.ROUND_TRANSITIONS) --------------------------------


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
