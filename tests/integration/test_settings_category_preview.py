"""The target preview of one category (issue 12, item 1: per category where the indicator has
categories): the category's latest figure rated under the unsaved target, as the pack rates it.

PHOF 2.15 (the demo's October 2016 release, shown in the December 2016 pack): opiate clients
31 of 461 completed, 6.72% (shown 6.7%); non-opiates 120 of 377, 31.83% (31.8%). The amber band
is 10% of a bound: below a lower bound of 7.94 it runs down to 7.146, of 7 down to 6.3."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from indicators.models import Adoption, IndicatorCategory
from indicators.settings import SettingsError
from indicators.settings.targets import TargetInput, target_preview
from tests.integration.conftest import bd

pytestmark = pytest.mark.django_db
DEC_END = dt.date(2016, 12, 31)


def _phof() -> Adoption:
    return Adoption.objects.select_related("indicator", "partnership").get(
        partnership=bd(), indicator__code="phof-2-15"
    )


def _preview(code: str, target: TargetInput):
    adoption = _phof()
    category = IndicatorCategory.objects.get(indicator=adoption.indicator, code=code)
    return target_preview(
        adoption=adoption, financial_year=2016, category_id=category.pk, target=target,
        today=DEC_END,
    )  # fmt: skip


def _range(lower: str, upper: str) -> TargetInput:
    return TargetInput(kind="range", lower=Decimal(lower), upper=Decimal(upper))


def test_a_categorys_range_rates_its_own_percentage() -> None:
    demo = _preview("opiate", _range("7.94", "16.67"))  # 6.72 < 7.146: Red
    assert (demo.rating, demo.reason) == (
        "Red", "Opiate Clients 6.7% against a range of 7.9% to 16.7%: Red"
    )  # fmt: skip
    assert "Opiate Clients between 7.94% and 16.67%" in demo.rule
    assert _preview("opiate", _range("7", "17")).rating == "Amber"  # 6.3 <= 6.72 < 7
    assert _preview("opiate", _range("6", "7")).rating == "Green"
    # The other category is rated on its own figure, 31.8%: below 44.77 × 0.9 = 40.29.
    other = _preview("non-opiate", _range("44.77", "56.08"))
    assert (other.rating, other.reason) == (
        "Red", "Non-opiates 31.8% against a range of 44.8% to 56.1%: Red"
    )  # fmt: skip
    assert _preview("non-opiate", _range("30", "35")).rating == "Green"


def test_a_categorys_minimum_and_a_kind_a_category_cannot_take() -> None:
    assert _preview("opiate", TargetInput(kind="minimum", value=Decimal("6.5"))).rating == "Green"
    assert _preview("opiate", TargetInput(kind="minimum", value=Decimal("7"))).rating == "Amber"
    not_rated = _preview("opiate", TargetInput(kind="reduce"))
    assert not_rated.rating == "Not rated" and "range or a minimum" in not_rated.reason


def test_a_category_of_another_indicator_is_refused() -> None:
    other = IndicatorCategory.objects.exclude(indicator__code="phof-2-15").first()
    if other is None:
        pytest.skip("the demo has one indicator with categories")
    with pytest.raises(SettingsError):
        target_preview(
            adoption=_phof(), financial_year=2016, category_id=other.pk,
            target=_range("1", "2"), today=DEC_END,
        )  # fmt: skip
