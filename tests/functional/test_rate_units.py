"""A rate names what it divides by, from its population series' kind (issue 10).

The seed: serious youth violence divides by the 55,021 residents aged 1–19, first-time entrants
by young people aged 10–17 (per 100,000), residential burglary by households; the other crime
pages by residents.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from submissions.cycle.commentary import commentary_draft
from submissions.cycle.validation import Entry
from submissions.models import PackVersion, Submission
from submissions.packs.pages import fy_table, summary_rows

pytestmark = pytest.mark.django_db
DEC = dt.date(2016, 12, 1)
PACK = "/packs/E09000002/2016-12/"


def _december(code: str) -> Submission:
    return Submission.objects.select_related("round__partnership__area", "indicator").get(
        indicator__code=code, round__month=DEC
    )


def _page(code: str) -> dict:
    snapshot = PackVersion.objects.get(round__month=DEC, number=1).snapshot
    return next(p for p in snapshot["indicators"] if p["code"] == code)


@pytest.mark.parametrize(
    ("code", "unit"),
    [
        ("serious-youth-violence", "per 1,000 residents aged 1–19."),
        ("residential-burglary", "per 1,000 households"),
        ("tno", "per 1,000 residents and"),
    ],
)
def test_the_commentary_draft_names_the_population_the_rate_divides_by(
    code: str, unit: str
) -> None:
    assert unit in commentary_draft(_december(code))


def test_first_time_entrants_are_a_rate_per_100000_young_people_aged_10_to_17() -> None:
    # 131 first-time entrants over the 22,017 young people of the demo's implied series: 594.99
    # (the seed prints 595).
    draft = commentary_draft(_december("first-time-entrants"), Entry(value=131))
    assert "has a rate of 594.99 per 100,000 young people aged 10–17." in draft


def test_the_indicator_page_table_labels_the_rate_with_its_population() -> None:
    labels = [row.label for row in fy_table(_page("serious-youth-violence"), []).rows]
    assert "Rate per 1,000 residents aged 1–19 (rolling 12 months)" in labels
    burglary = [row.label for row in fy_table(_page("residential-burglary"), []).rows]
    assert "Rate per 1,000 households (rolling 12 months)" in burglary


def test_a_snapshot_written_before_rates_named_their_population_still_renders() -> None:
    page = {k: v for k, v in _page("serious-youth-violence").items() if k != "rate_unit"}
    assert "Rate per 1,000 (rolling 12 months)" in [r.label for r in fy_table(page, []).rows]
    assert summary_rows({"indicators": [page]})[0].rate_unit == ""


def test_the_summary_and_pdf_rows_carry_the_rates_population() -> None:
    row = summary_rows({"indicators": [_page("serious-youth-violence")]})[0]
    assert row.rate.endswith("per 1,000") and row.rate_unit == "residents aged 1–19"


def test_the_summary_page_prints_the_population_under_the_rate() -> None:
    board = Client()
    board.force_login(get_user_model().objects.get(username="board"))
    html = board.get(PACK).content.decode()
    assert "residents aged 1–19" in html and "households" in html


def test_the_export_has_each_rates_unit() -> None:
    board = Client()
    board.force_login(get_user_model().objects.get(username="board"))
    rows = list(
        csv.DictReader(io.StringIO(board.get(PACK + "export.csv").content.decode("utf-8-sig")))
    )
    units = {r["indicator"]: r["rate_unit"] for r in rows if r["month"] == "2016-12"}
    assert units["serious-youth-violence"] == "per 1,000 residents aged 1–19"
    assert units["tno"] == "per 1,000 residents"
    assert units["first-time-entrants"] == "per 100,000 young people aged 10–17"
    assert units["atr-completions"] == ""  # not a rate
