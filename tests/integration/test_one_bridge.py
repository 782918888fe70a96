"""One bridge from the store to the engine: the commentary draft reads a series exactly as the
recompute does (issue 10), and its figures are the seed's.

TNO December 2016 (DESIGN.md, worked example): months April to December 1,383 … 1,386, YTD
13,207, R12 17,587, rate 17,587 / 201,979 residents × 1,000 = 87.07.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from indicators.models import DerivedMetric
from indicators.recompute.load import SeriesInputs
from indicators.services import metrics_recompute
from submissions.cycle.commentary import commentary_draft
from submissions.cycle.selectors import stored_text
from submissions.cycle.validation import Entry
from submissions.models import Submission

pytestmark = pytest.mark.django_db
DEC = dt.date(2016, 12, 1)


def _december(code: str) -> Submission:
    return Submission.objects.select_related("round__partnership__area", "indicator").get(
        indicator__code=code, round__month=DEC
    )


def test_the_draft_for_december_2016_gives_the_seeds_figures() -> None:
    draft = commentary_draft(_december("tno"))
    assert "at December 2016 (13,207 offences)" in draft
    assert "(January 2016 to December 2016) 17,587 " in draft
    assert "a rate of 87.07 per 1,000 residents" in draft


def test_the_draft_puts_the_entered_figure_in_place_of_the_approved_one() -> None:
    # December's 1,386 replaced by 1,400: YTD 13,207 − 1,386 + 1,400 = 13,221,
    # R12 17,587 − 1,386 + 1,400 = 17,601.
    draft = commentary_draft(_december("tno"), Entry(value=1400))
    assert "at December 2016 (13,221 offences)" in draft
    assert "(January 2016 to December 2016) 17,601 " in draft


def test_a_month_entered_as_not_available_leaves_the_year_to_date_incomplete() -> None:
    draft = commentary_draft(_december("tno"), Entry(entry_status="not_available", reason="late"))
    assert "is incomplete: December 2016 not available (late)" in draft


@pytest.mark.parametrize("code", ["tno", "atr-completions", "asb-satisfaction", "hate-crime"])
def test_the_draft_and_the_recompute_read_the_series_through_the_same_loader(
    code: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[SeriesInputs] = []
    metrics = SeriesInputs.metrics

    def spy(self: SeriesInputs, months: list[dt.date]):
        seen.append(self)
        return metrics(self, months)

    monkeypatch.setattr(SeriesInputs, "metrics", spy)
    sub = _december(code)
    commentary_draft(sub)
    metrics_recompute(
        now=timezone.now(),
        area_ids=[sub.round.partnership.area_id],
        indicator_ids=[sub.indicator_id],
    )
    assert len(seen) == 2
    draft_inputs, recompute_inputs = seen
    assert draft_inputs == recompute_inputs
    # And what the draft computed for the month is what the recompute stored for it.
    stored = DerivedMetric.objects.get(
        indicator=sub.indicator, area_id=sub.round.partnership.area_id, month=DEC
    )
    month = draft_inputs.metrics([DEC])[0]
    assert (month.ytd, month.r12, month.rate, month.ytd_pct, month.rag) == (
        stored.ytd,
        stored.r12,
        stored.rate,
        stored.ytd_pct,
        stored.rag or None,
    )


class _Row:
    def __init__(self, status: str, **figures: object) -> None:
        self.category_id = None
        self.status = status
        self.value = figures.get("value")
        self.numerator = figures.get("numerator")
        self.denominator = figures.get("denominator")
        self.decimal_value = figures.get("decimal_value")


@pytest.mark.parametrize(
    ("rows", "threshold", "text"),
    [
        ([_Row("suppressed")], 10, "<10"),  # printed "suppressed" before: the pack prints "<10"
        ([_Row("suppressed")], None, "<10"),
        ([_Row("reported", value=1386)], None, "1,386"),
        ([_Row("reported", numerator=3, denominator=4)], None, "3 of 4"),
        ([_Row("not_collected")], None, "Data collected quarterly"),
        ([_Row("not_available")], None, "TBC"),
        ([], None, "–"),
    ],
)
def test_the_cycles_pages_print_an_approved_month_as_the_pack_does(
    rows: list[_Row], threshold: int | None, text: str
) -> None:
    assert stored_text(rows, threshold=threshold) == text
