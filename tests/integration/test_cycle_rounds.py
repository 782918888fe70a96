"""The monthly cycle through its services: rounds opened, closed and chased by reminders."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from submissions.cycle import services
from submissions.cycle.validation import Entry
from submissions.models import ReminderSent, ReportingRound, Submission
from submissions.packs import publish
from tests.integration.cycle_helpers import JAN, NOW, jan, save, user

pytestmark = pytest.mark.django_db


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
    # 34 adopted, less the three quarterly ones (due in June, September, December and March)
    assert opened[0].submissions.count() == 34 - 3
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


def test_a_round_that_is_not_open_cannot_be_closed() -> None:
    jan_round = ReportingRound.objects.get(month=JAN)
    services.round_close(round_id=jan_round.pk, user=user("coordinator"), now=NOW)
    with pytest.raises(services.RoundConflict, match="already closed"):
        services.round_close(round_id=jan_round.pk, user=user("coordinator"), now=NOW)
    dec = ReportingRound.objects.get(month=dt.date(2016, 12, 1))
    with pytest.raises(services.RoundConflict, match="published round cannot be closed"):
        services.round_close(round_id=dec.pk, user=user("coordinator"), now=NOW)
