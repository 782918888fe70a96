"""Two partnerships of one comparator group publishing at the same moment (PostgreSQL: real row
locks): both packs are published and the ranks take in both releases (ADR 0018).

Each publish rewrites the rank rows of its area's groups; without a lock on the groups the second
transaction's rows collided with the first's (a unique violation), or were computed without the
other's release. The group and figures are ``test_ranks_release``'s.
"""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection

from submissions.cycle import services
from submissions.demo import demo_load
from submissions.models import ReportingRound
from submissions.packs import publish
from tests.integration.test_ranks_release import (
    BARNET,
    BARNET_EMAIL,
    BD,
    BEXLEY,
    DEC,
    NOW,
    _barnet_december,
    _rank,
    trio_build,
)

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"].split(".")[-1] != "postgresql",
        reason="row locks are real on PostgreSQL only (SQLite serialises every write)",
    ),
]


def test_two_partnerships_publishing_at_once_both_publish_and_both_are_ranked() -> None:
    demo_load(password="concurrency-test")
    group = trio_build()
    barnet_round = _barnet_december(2500)
    people = get_user_model().objects
    bd_round = ReportingRound.objects.get(partnership__area__code=BD, month=DEC)
    services.round_reopen(
        round_id=bd_round.pk, user=people.get(username="coordinator"), reason="Ranks", now=NOW
    )
    jobs = [
        (bd_round.pk, people.get(username="coordinator"), "Three-borough ranks"),
        (barnet_round.pk, people.get(username=BARNET_EMAIL), ""),
    ]
    start = threading.Barrier(len(jobs))
    failed: list[BaseException] = []

    def run(round_id: int, user, note: str) -> None:
        try:
            start.wait(timeout=60)
            publish.round_publish(
                round_id=round_id,
                user=user,
                change_note=note,
                now=NOW,
                confirm_note="The seed's commentary, published as the board saw it in 2016.",
            )
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            failed.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads)
    assert failed == []
    # As in test_ranks_release once both have published: 70.00 < 78.95 < 87.07, pooled
    # 64,387 / 821,979 x 1,000 = 78.33.
    assert _rank(BD, group) == (3, 3, 78.33)
    assert _rank(BARNET, group) == (2, 3, 78.33)
    assert _rank(BEXLEY, group) == (1, 3, 78.33)
