"""The database refuses impossible rows, whatever path writes them (ORM, admin, import, shell)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from csp.models import Area, ComparatorGroup, Partnership, Population, PopulationSeries, Role
from indicators.models import (
    Adoption,
    Indicator,
    IndicatorCategory,
    MonthValue,
    SuppliedBenchmark,
    Target,
)

pytestmark = pytest.mark.django_db

BD = "E09000002"


def _refused(**fields: object) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        MonthValue.objects.create(**fields)


@pytest.fixture
def atr() -> Indicator:
    return Indicator.objects.get(code="atr-completions")


@pytest.fixture
def area() -> Area:
    return Area.objects.get(code=BD)


def test_atr_july_2016_nine_successful_of_three_is_refused(atr: Indicator, area: Area) -> None:
    MonthValue.objects.filter(indicator=atr, area=area, month=dt.date(2016, 7, 1)).delete()
    _refused(indicator=atr, area=area, month=dt.date(2016, 7, 1), numerator=9, denominator=3)


def test_drr_april_2016_three_successful_of_two_is_refused(area: Area) -> None:
    drr = Indicator.objects.get(code="drr-completions")
    MonthValue.objects.filter(indicator=drr, area=area, month=dt.date(2016, 4, 1)).delete()
    _refused(indicator=drr, area=area, month=dt.date(2016, 4, 1), numerator=3, denominator=2)


def test_a_numerator_equal_to_its_denominator_is_accepted(atr: Indicator, area: Area) -> None:
    MonthValue.objects.create(
        indicator=atr, area=area, month=dt.date(2019, 1, 1), numerator=3, denominator=3
    )


def test_a_second_value_for_the_same_indicator_area_and_month_is_refused(area: Area) -> None:
    tno = Indicator.objects.get(code="tno")
    assert MonthValue.objects.filter(indicator=tno, area=area, month=dt.date(2016, 12, 1)).exists()
    _refused(indicator=tno, area=area, month=dt.date(2016, 12, 1), value=1)


def test_a_second_value_for_the_same_category_is_refused(area: Area) -> None:
    hate = Indicator.objects.get(code="hate-crime")
    faith = IndicatorCategory.objects.get(indicator=hate, code="faith")
    _refused(indicator=hate, area=area, month=dt.date(2016, 4, 1), category=faith, value=24)


def test_different_categories_of_the_same_month_are_accepted(area: Area) -> None:
    hate = Indicator.objects.get(code="hate-crime")
    month = dt.date(2019, 4, 1)
    for category in IndicatorCategory.objects.filter(indicator=hate)[:2]:
        MonthValue.objects.create(
            indicator=hate, area=area, month=month, category=category, value=11
        )


def test_a_month_that_is_not_the_first_is_refused(area: Area) -> None:
    tno = Indicator.objects.get(code="tno")
    _refused(indicator=tno, area=area, month=dt.date(2019, 1, 15), value=5)


def test_a_negative_count_is_refused(area: Area) -> None:
    tno = Indicator.objects.get(code="tno")
    _refused(indicator=tno, area=area, month=dt.date(2019, 1, 1), value=-1)


def test_a_negative_numerator_or_denominator_is_refused(atr: Indicator, area: Area) -> None:
    _refused(indicator=atr, area=area, month=dt.date(2019, 1, 1), numerator=-1, denominator=3)
    _refused(indicator=atr, area=area, month=dt.date(2019, 1, 1), numerator=None, denominator=-3)


def test_a_reported_value_without_a_figure_is_refused(area: Area) -> None:
    tno = Indicator.objects.get(code="tno")
    _refused(indicator=tno, area=area, month=dt.date(2019, 1, 1), status="reported")


def test_not_available_without_a_reason_is_refused(area: Area) -> None:
    tno = Indicator.objects.get(code="tno")
    _refused(indicator=tno, area=area, month=dt.date(2019, 1, 1), status="not_available")


def test_not_collected_with_a_figure_is_refused(area: Area) -> None:
    tno = Indicator.objects.get(code="tno")
    _refused(indicator=tno, area=area, month=dt.date(2019, 1, 1), status="not_collected", value=4)


def test_a_population_of_zero_is_refused(area: Area) -> None:
    series = PopulationSeries.objects.get(code="residents-mye")
    with pytest.raises(IntegrityError), transaction.atomic():
        Population.objects.create(
            area=area, series=series, value=0, in_force_from=dt.date(2020, 6, 1)
        )


def test_a_benchmark_position_beyond_the_group_size_is_refused(area: Area) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        SuppliedBenchmark.objects.create(
            indicator=Indicator.objects.get(code="tno"),
            area=area,
            month=dt.date(2019, 1, 1),
            group=ComparatorGroup.objects.get(code="MSG"),
            position=16,
            size=15,
        )


def test_a_range_target_without_bounds_is_refused() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Target.objects.create(
            adoption=Adoption.objects.get(indicator__code="marac-repeat-referrals"),
            financial_year=2019,
            kind="range",
            lower=40,
            upper=28,
        )


def test_an_agency_lead_role_without_an_agency_is_refused() -> None:
    user = get_user_model().objects.create(username="nobody")
    with pytest.raises(IntegrityError), transaction.atomic():
        Role.objects.create(user=user, partnership=Partnership.objects.get(), kind="agency_lead")


def test_an_area_code_that_is_not_an_ons_code_is_refused() -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Area.objects.create(code="BD", name="Nowhere")


def test_a_second_pack_version_with_the_same_number_is_refused() -> None:
    # The last guard behind the round lock: two publishes can never both write version 2.
    from submissions.models import PackVersion

    v1 = PackVersion.objects.get(round__month=dt.date(2016, 12, 1), number=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        PackVersion.objects.create(
            round=v1.round,
            number=1,
            published_at=v1.published_at,
            change_note="Twice",
            snapshot=v1.snapshot,
        )


@pytest.mark.parametrize("status", ["published", "reopened"])
def test_a_published_or_reopened_round_has_its_publication_date(status: str) -> None:
    from submissions.models import ReportingRound

    with pytest.raises(IntegrityError), transaction.atomic():
        ReportingRound.objects.filter(month=dt.date(2016, 12, 1)).update(
            status=status, published_at=None
        )
