"""bench/partnerships.py (issue 11's scale check) run at a tiny size, so its code path cannot rot:
2 partnerships x 3 indicators x 1 year beside the demo. Query counts are asserted (they do not
depend on the machine); times are not."""

from __future__ import annotations

import datetime as dt

import pytest

from bench.partnerships import Scale, add_months, run
from csp.models import Partnership
from submissions.cycle.services import rounds_open_next
from submissions.models import ReportingRound

pytestmark = pytest.mark.django_db
MARCH_2021 = dt.date(2021, 3, 1)  # the last month of one year from April 2020


def test_the_benchmark_opens_every_round_and_reads_a_pack_in_at_most_10_queries() -> None:
    outcome = run(Scale(partnerships=2, indicators=3, years=1, prefix="W"))

    ours = Partnership.objects.filter(area__code__startswith="W")
    assert ours.count() == 2
    for partnership in ours:
        round_ = ReportingRound.objects.get(partnership=partnership, month=MARCH_2021)
        owners = {s.adoption.owner.partnership_id for s in round_.submissions.all()}
        assert round_.submissions.count() == 3
        assert owners == {partnership.pk}
    # The first partnership's round is published; opening again on the 1st opens nothing.
    first = ReportingRound.objects.get(partnership__area__code="W00000000", month=MARCH_2021)
    assert first.status == "published"
    assert rounds_open_next(today=add_months(MARCH_2021, 1)) == []

    for page in ("pack summary page", "pack indicator page"):
        figure = outcome.figure(page)
        assert figure.unit == "queries"
        assert figure.value is not None and 3 <= figure.value <= 10, outcome.table()
        assert not figure.missed
    for cache in ("cold", "warm"):
        region = outcome.figure(f"regional comparison, {cache} cache")
        assert region.unit == "queries"
        assert region.value is not None and region.value <= 15, outcome.table()
    assert len(outcome.table()) == 1 + len(outcome.figures)
