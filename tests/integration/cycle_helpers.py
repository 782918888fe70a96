"""What the tests of the monthly cycle share: January 2017's round, its users, a lead's save."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model

from submissions.cycle import services
from submissions.cycle.validation import Entry
from submissions.models import PackVersion, ReportingRound, Submission
from submissions.packs import publish

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


def _publish_january(change_note: str = "", now: dt.datetime = NOW) -> PackVersion:
    return publish.round_publish(
        round_id=ReportingRound.objects.get(month=JAN).pk,
        user=user("coordinator"),
        change_note=change_note,
        now=now,
    )
