"""The data of issue 11's scale check (bench/partnerships.py): a region of partnerships, each
adopting every indicator of a shared catalogue, with ten years of month values.

COPY on PostgreSQL, bulk_create elsewhere; every code and name starts with ``Scale.prefix``, so
the data can sit beside the demo's (the tiny run in the tests does)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

FIRST_MONTH = dt.date(2020, 4, 1)  # ten financial years: April 2020 to March 2030
AGENCIES = ("police", "council", "health")


@dataclass(frozen=True)
class Scale:
    partnerships: int = 33
    indicators: int = 40
    years: int = 10
    prefix: str = "S"  # E, W, S or N: codes and names start with it, apart from the demo's (E)


@dataclass
class Built:
    area_ids: list[int]
    area_codes: list[str]
    indicator_codes: list[str]
    group_code: str
    coordinator: str  # usernames: of every partnership, of the first
    board_member: str
    last_month: dt.date


def add_months(month: dt.date, n: int) -> dt.date:
    from indicators.engine.periods import add_months as add

    return add(month, n)


def build(scale: Scale, rng: random.Random) -> Built:
    """The region: areas with residents, one comparator group, partnerships with agencies and
    people, the catalogue, every adoption with its targets, and the month values."""
    from django.contrib.auth import get_user_model

    from csp.models import Agency, ComparatorGroup, GroupMembership, Partnership, Role, RoleKind
    from indicators.models import Portfolio

    p = scale.prefix
    areas, series = areas_with_residents(p, scale.partnerships, rng)
    group = ComparatorGroup.objects.create(code=f"{p.lower()}-region", name=f"{p} region")
    GroupMembership.objects.bulk_create(GroupMembership(group=group, area=a) for a in areas)
    partnerships = Partnership.objects.bulk_create(
        Partnership(name=f"{a.name} Community Safety Partnership", area=a) for a in areas
    )
    agencies = Agency.objects.bulk_create(
        Agency(partnership=pa, code=code, name=f"{pa.area.name} {code}")
        for pa in partnerships
        for code in AGENCIES
    )
    users = get_user_model().objects
    coordinator = users.create_user(username=f"{p.lower()}-coordinator", password=None)
    board = users.create_user(username=f"{p.lower()}-board", password=None)
    # One person coordinates every partnership (it publishes their packs); one reads the first.
    Role.objects.bulk_create(
        [Role(user=coordinator, partnership=pa, kind=RoleKind.COORDINATOR) for pa in partnerships]
        + [Role(user=board, partnership=partnerships[0], kind=RoleKind.BOARD_MEMBER)]
    )
    portfolio, _ = Portfolio.objects.get_or_create(name=f"{p} portfolio")
    indicators = count_catalogue(p, scale.indicators, series)
    months = [add_months(FIRST_MONTH, i) for i in range(12 * scale.years)]
    adopt_everything(
        partnerships,
        indicators,
        portfolio,
        months,
        owner=lambda n, i: agencies[n * len(AGENCIES) + i % len(AGENCIES)],
    )
    write_month_values(indicators, areas, months, rng)
    return Built(
        area_ids=[a.id for a in areas],
        area_codes=[a.code for a in areas],
        indicator_codes=[i.code for i in indicators],
        group_code=group.code,
        coordinator=coordinator.username,
        board_member=board.username,
        last_month=months[-1],
    )


def areas_with_residents(prefix: str, n: int, rng: random.Random) -> tuple[list[Any], Any]:
    """``n`` areas (ONS-shaped codes: ``prefix`` is E, W, S or N) with a residents figure each."""
    from csp.models import Area, Population, PopulationSeries

    areas = Area.objects.bulk_create(
        Area(code=f"{prefix}{i:08d}", name=f"{prefix} area {i}", short_name=f"{prefix}{i}")
        for i in range(n)
    )
    series = PopulationSeries.objects.create(
        code=f"{prefix.lower()}-residents", kind="residents", name=f"{prefix} residents"
    )
    Population.objects.bulk_create(
        Population(
            area=a,
            series=series,
            value=rng.randint(80_000, 400_000),
            in_force_from=dt.date(2000, 1, 1),
        )
        for a in areas
    )
    return areas, series


def count_catalogue(prefix: str, n: int, series: Any) -> list[Any]:
    """``n`` count indicators per 1,000 of the series, lower is better."""
    from indicators.models import Indicator

    return Indicator.objects.bulk_create(
        Indicator(
            code=f"{prefix.lower()}-ind-{i}",
            title=f"{prefix} indicator {i}",
            kind="count",
            polarity="down",
            denominator_series=series,
            per_n=1000,
        )
        for i in range(n)
    )


def adopt_everything(
    partnerships: list[Any],
    indicators: list[Any],
    portfolio: Any,
    months: list[dt.date],
    owner: Callable[[int, int], Any] = lambda n, i: None,
) -> None:
    """Every partnership adopts every indicator (the ``i``-th of the ``n``-th partnership owned
    by ``owner(n, i)``), with a -5% target for each financial year of ``months``."""
    from indicators.models import Adoption, Target

    adoptions = Adoption.objects.bulk_create(
        Adoption(
            partnership=pa, indicator=ind, portfolio=portfolio, pack_order=i, owner=owner(n, i)
        )
        for n, pa in enumerate(partnerships)
        for i, ind in enumerate(indicators)
    )
    years = sorted({m.year if m.month >= 4 else m.year - 1 for m in months})
    Target.objects.bulk_create(
        (
            Target(adoption=a, financial_year=fy, kind="reduce", value=-5)
            for a in adoptions
            for fy in years
        ),
        batch_size=5000,
    )


def _values(indicators: list[Any], areas: list[Any], months: list[dt.date], rng: random.Random):
    """Counts around a level per indicator and area, seasonal, growing slowly, with noise."""
    for ind in indicators:
        level = rng.randint(20, 2000)
        for area in areas:
            base = level * rng.uniform(0.5, 1.5)
            for i, m in enumerate(months):
                seasonal = 1 + 0.1 * ((m.month % 12) - 6) / 6
                value = max(0, int(rng.gauss(base * seasonal * (1 + i / 600), base * 0.08)))
                yield ind.id, area.id, m, value


def write_month_values(
    indicators: list[Any], areas: list[Any], months: list[dt.date], rng: random.Random
) -> None:
    """Every indicator's counts in every area and month: COPY on PostgreSQL (in the caller's
    transaction, if any), bulk_create elsewhere."""
    from django.db import connection
    from django.utils import timezone

    from indicators.models import MonthValue

    rows = _values(indicators, areas, months, rng)
    now = timezone.now()
    if connection.vendor != "postgresql":
        MonthValue.objects.bulk_create(
            (
                MonthValue(indicator_id=i, area_id=a, month=m, status="reported", value=v)
                for i, a, m, v in rows
            ),
            batch_size=2000,
        )
        return
    connection.ensure_connection()
    with (
        connection.connection.cursor() as cursor,
        cursor.copy(
            "COPY indicators_monthvalue (indicator_id, area_id, month, status, value, "
            "reference_period, reason, is_estimated, updated_at) FROM STDIN"
        ) as copy,
    ):
        for i, a, m, v in rows:
            copy.write_row((i, a, m, "reported", v, "", "", False, now))
