"""The published-pack notice (issue 15, item 6): when a version is published, each board member of
that partnership, and nobody else, gets an e-mail with the summary's counts of ratings and a
link; text and HTML parts; sent after the publish commits, and a failed send undoes nothing.

The December 2016 counts, by hand from the seed pack (/work/shared/seed/board-pack-2016-12.txt,
as transcribed in the demo's ``rag_printed``): the seed prints 13 Red, 6 Amber, 12 Green and 3
pages with no rating, of 34. The pack then differs from print in four places, each fixed by the
seed's own figures: PHOF 2.15's October 2016 rates (6.7% and 31.8%) are both below their
top-quartile ranges (7.94-16.67%, 44.77-56.08%), so the range rule gives Red for the printed
Amber; both IDAP pages and re-offending (all cohorts) print no figure to judge, so their printed
Green is refused (``test_seed_judgements``). Hence 14 Red, 5 Amber, 9 Green, 6 not rated.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from csp.celery import app
from csp.models import Partnership, Role, RoleKind
from submissions.models import PackVersion, ReportingRound
from submissions.packs import notice, publish
from tests.integration.cycle_helpers import NOW, _approve_everything_in_january, user

pytestmark = pytest.mark.django_db
DEC = dt.date(2016, 12, 1)
BD_BOARD = "board@example.org"
BARNET_BOARD = "barnet.board@example.org"


@pytest.fixture(autouse=True)
def eager_tasks():
    """The notice is a Celery task queued after the commit; with a broker (CI) run it in-process,
    so the outbox shows what the worker would send."""
    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


@pytest.fixture
def barnet_board(barnet_without_rounds: Partnership) -> str:
    """A board member of another partnership: she must never hear of Barking and Dagenham's."""
    member = get_user_model().objects.create(username=BARNET_BOARD, email=BARNET_BOARD)
    Role.objects.create(user=member, partnership=barnet_without_rounds, kind=RoleKind.BOARD_MEMBER)
    return BARNET_BOARD


def test_the_december_notice_goes_to_the_board_only_with_the_counts_and_the_link(
    barnet_board: str,
) -> None:
    version = PackVersion.objects.get(round__month=DEC, number=1)
    mail.outbox.clear()
    assert notice.pack_notice_send(version_id=version.pk) == 1
    (message,) = mail.outbox
    assert message.to == [BD_BOARD]  # not the Barnet board, the coordinator nor the leads
    assert message.subject == (
        "CSP Performance: the December 2016 board pack is published (version 1)"
    )
    link = "http://127.0.0.1:8000/packs/E09000002/2016-12/?version=1"
    text = message.body
    assert "Ratings of the 34 indicators:" in text
    for line in ("  - Red: 14", "  - Amber: 5", "  - Green: 9", "  - Not rated: 6"):
        assert line in text
    assert f"Read the pack: {link}" in text
    ((html, kind),) = message.alternatives
    assert kind == "text/html"
    assert f'<a href="{link}"' in html
    for cell in ("Red</th><td", "Amber</th><td", "Green</th><td", "Not rated</th><td"):
        assert cell in html
    assert '<td style="padding:4px 0;">14</td>' in html and "Ratings of the 34 indicators" in html


def test_publishing_sends_the_notice_after_the_commit(
    barnet_board: str, django_capture_on_commit_callbacks
) -> None:
    _approve_everything_in_january()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        version = publish.round_publish(
            round_id=ReportingRound.objects.get(month=dt.date(2017, 1, 1)).pk,
            user=user("coordinator"),
            change_note="",
            now=NOW,
        )
        assert mail.outbox == []  # nothing is sent inside the transaction
    for callback in callbacks:
        callback()
    (message,) = mail.outbox
    assert message.to == [BD_BOARD]
    assert "January 2017 board pack is published (version 1)" in message.subject
    assert "/packs/E09000002/2017-01/?version=1" in message.body
    assert version.number == 1


def test_a_failed_send_undoes_nothing(django_capture_on_commit_callbacks, monkeypatch) -> None:
    def outage(*args: object, **kwargs: object) -> int:
        raise ConnectionRefusedError("SMTP server down")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", outage)
    _approve_everything_in_january()
    with django_capture_on_commit_callbacks(execute=True):
        version = publish.round_publish(
            round_id=ReportingRound.objects.get(month=dt.date(2017, 1, 1)).pk,
            user=user("coordinator"),
            change_note="",
            now=NOW,
        )
    assert PackVersion.objects.filter(pk=version.pk).exists()
    assert ReportingRound.objects.get(month=dt.date(2017, 1, 1)).status == "published"


def test_a_partnership_with_no_board_member_is_sent_nothing() -> None:
    version = PackVersion.objects.get(round__month=DEC, number=1)
    Role.objects.filter(kind=RoleKind.BOARD_MEMBER).delete()
    mail.outbox.clear()
    assert notice.pack_notice_send(version_id=version.pk) == 0
    assert mail.outbox == []
