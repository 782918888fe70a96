"""The figure in context (issue 15, items 3 and 4): what a typed figure does to the pack, from the
seed's figures by hand (/work/shared/seed/board-pack-2016-12.txt), and that nothing is written.

TNO, January 2017 with 1,421 typed: the seed's year to date to December 2016 is 13,207 (+1% on
13,075); with 1,421 it is 13,207 + 1,421 = 14,628, against 13,075 + 1,460 (January 2016) =
14,535 a year earlier: +93, +0.64%, printed "+1%". The month: 1,421 against 1,460 is −2.67%,
"−3%". Last month (December 2016): 1,386."""

from __future__ import annotations

import pytest

from indicators.models import DerivedMetric, MonthValue
from submissions.cycle.preview import figure_preview, preview_entry
from submissions.cycle.validation import Entry
from tests.integration.cycle_helpers import jan, save

pytestmark = pytest.mark.django_db


def test_tno_with_1421_typed_adds_it_to_the_year_to_date() -> None:
    entry, error = preview_entry("count", {"figure": "1,421"})
    assert (entry, error) == (Entry(value=1421), "")
    stored = (MonthValue.objects.count(), DerivedMetric.objects.count())
    p = figure_preview(jan("tno"), entry)
    assert p.figure == "1,421"
    assert (p.last_month, p.last_year, p.month_change) == ("1,386", "1,460", "−3%")
    assert (p.before.label, p.before.ytd, p.before.change) == (
        "April 2016 to December 2016",
        "13,207",
        "+1%",
    )
    assert (p.after.label, p.after.ytd, p.after.change) == (
        "April 2016 to January 2017",
        "14,628",
        "+1%",
    )
    assert p.after.rating in {"Red", "Amber", "Green"} and p.after.reason
    assert len(p.chart) == 24 and p.chart[-1] == ("January 2017", 1421.0, "1,421")
    assert p.chart[-2] == ("December 2016", 1386.0, "1,386")
    assert (MonthValue.objects.count(), DerivedMetric.objects.count()) == stored


def test_a_figure_low_enough_turns_the_rating_green() -> None:
    # 500: 13,207 + 500 = 13,707 against 14,535, −828, −5.7%: beyond the −5% stretch.
    p = figure_preview(jan("tno"), Entry(value=500))
    assert (p.after.ytd, p.after.change, p.after.rating) == ("13,707", "−6%", "Green")
    assert p.before.rating != "Green"


def test_without_a_typed_figure_the_saved_one_is_shown() -> None:
    save("tno", "police", Entry(value=1421))
    p = figure_preview(jan("tno"))
    assert (p.figure, p.after.ytd) == ("1,421", "14,628")


def test_nothing_typed_leaves_the_pack_as_it_is() -> None:
    p = figure_preview(jan("tno"), None)
    assert p.figure == ""
    assert p.after == p.before


@pytest.mark.parametrize("raw", ["abc", "1.5", "-3", "1,42"])
def test_a_figure_not_typed_as_a_whole_number_is_told_so(raw: str) -> None:
    assert preview_entry("count", {"figure": raw}) == (
        None,
        "Enter the figure as a whole number, like 1421",
    )


def test_a_ratio_previews_its_percentage() -> None:
    entry, _ = preview_entry("ratio", {"numerator": "3", "denominator": "4"})
    assert entry == Entry(numerator=3, denominator=4)
    p = figure_preview(jan("atr-completions"), entry)
    assert p.figure == "75.0%"


def test_a_breakdown_shows_its_total() -> None:
    # Hate crime's categories with "all" the total: 300 in all, 12 of them disability.
    sub = jan("hate-crime")
    p = figure_preview(sub, Entry(categories={"all": 300, "disability": 12}))
    assert p.figure == "300 in total"
