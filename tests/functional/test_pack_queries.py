"""A pack page costs a constant number of queries, whatever the number of indicators."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from indicators.models import Adoption, Indicator
from submissions.models import ReportingRound, Submission
from submissions.packs import publish

pytestmark = pytest.mark.django_db
JAN = dt.date(2017, 1, 1)


def _publish_january(extra: int) -> None:
    tno = Adoption.objects.get(indicator__code="tno")
    extras = Indicator.objects.bulk_create(
        Indicator(code=f"extra-{i}", title=f"Extra indicator {i}", kind="count")
        for i in range(extra)
    )
    Adoption.objects.bulk_create(
        Adoption(
            partnership_id=tno.partnership_id,
            indicator=indicator,
            portfolio_id=tno.portfolio_id,
            owner_id=tno.owner_id,
            pack_order=100 + i,
        )
        for i, indicator in enumerate(extras)
    )
    round_ = ReportingRound.objects.get(month=JAN)
    Submission.objects.filter(round=round_).update(
        status="approved", entry_status="not_available", reason="x"
    )
    publish.round_publish(
        round_id=round_.pk,
        user=get_user_model().objects.get(username="coordinator"),
        change_note="",
        now=timezone.now(),
    )


@pytest.mark.parametrize("indicators", [34, 200])
@pytest.mark.parametrize("path", ["", "tno/"])
def test_summary_and_indicator_pages_run_at_most_10_queries(indicators: int, path: str) -> None:
    _publish_january(indicators - 34)
    client = Client()
    client.force_login(get_user_model().objects.get(username="board"))
    url = f"/packs/E09000002/2017-01/{path}"
    assert client.get(url).status_code == 200  # warm the session
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    if not path:
        assert response.content.count(b'<tr class="govuk-table__row" data-code=') == indicators
    assert len(queries) <= 10, [q["sql"][:120] for q in queries]
