"""The snapshot's ``tables`` of each page (schema version 3): monthly ranks, the five-year history
from stored months, estimated months and the volume target to date, read for the whole pack in
two queries (the history reads the derived rows the snapshot has already read)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from submissions.packs.schema_tables import HistoryYear, MonthRank, Tables

HISTORY_YEARS = 5  # the seed's "History with this indicator" goes five years back
HISTORY_KINDS = {"count", "ceiling"}  # a year's total is its March's rolling 12 months


@dataclass
class TablesSource:
    ranks: dict[int, dict[dt.date, list[dict[str, Any]]]]
    estimated: dict[int, set[dt.date]]
    this_fy: list[dt.date]


def tables_source(area_id: int, fy_start_month: dt.date, month: dt.date) -> TablesSource:
    """The ranks of the financial year to ``month`` and the estimated figures of this and the
    five financial years before, for every indicator of the area."""
    from indicators.engine.periods import add_months
    from indicators.models import MonthValue
    from indicators.selectors import ranks_by_month

    this_fy = [add_months(fy_start_month, i) for i in range(12)]
    to_month = [m for m in this_fy if m <= month]
    estimated: dict[int, set[dt.date]] = {}
    for ind_id, m in MonthValue.objects.filter(
        area_id=area_id,
        is_estimated=True,
        month__gte=add_months(fy_start_month, -12 * HISTORY_YEARS),
        month__lte=month,
    ).values_list("indicator_id", "month"):
        estimated.setdefault(ind_id, set()).add(m)
    return TablesSource(
        ranks=ranks_by_month(area_id=area_id, months=to_month),
        estimated=estimated,
        this_fy=this_fy,
    )


def page_history(
    source: TablesSource, ind_id: int, kind: str, derived: dict[dt.date, Any]
) -> tuple[HistoryYear, ...]:
    """The past years whose twelve months are all stored: a count's total is the rolling 12
    months of its March, computed only when no month of the year is missing."""
    from indicators.engine.formatting import fy_label
    from indicators.engine.periods import add_months

    if kind not in HISTORY_KINDS:
        return ()
    estimated = source.estimated.get(ind_id, set())
    years = []
    for back in range(1, HISTORY_YEARS + 1):
        start = add_months(source.this_fy[0], -12 * back)
        march = derived.get(add_months(start, 11))
        if march is None or march.r12 is None or march.missing_months:
            continue
        months = [add_months(start, i) for i in range(12)]
        years.append(
            HistoryYear(
                year=fy_label(start.year),
                total=int(march.r12),
                change_pct=march.r12_change_pct,
                rate=march.rate,
                estimated=tuple(m.strftime("%Y-%m") for m in months if m in estimated),
            )
        )
    return tuple(years)


def page_tables(
    source: TablesSource,
    ind_id: int,
    kind: str,
    derived: dict[dt.date, Any],
    month: dt.date,
    volume: bool,
) -> Tables:
    """One page's tables: ``derived`` is its derived rows by month; ``volume`` whether its
    target names a number of people to reach."""

    def series(attr: str) -> tuple[Any, ...]:
        out = []
        for m in source.this_fy:
            d = derived.get(m)
            value = getattr(d, attr) if d is not None and m <= month else None
            out.append(int(value) if value is not None else None)
        return tuple(out)

    return Tables(
        ranks=tuple(
            MonthRank(
                month=m.strftime("%Y-%m"),
                group=r["group"],
                position=r["position"],
                size=r["size"],
                source=r["source"],
            )
            for m, ranks in sorted(source.ranks.get(ind_id, {}).items())
            for r in ranks
        ),
        history=page_history(source, ind_id, kind, derived),
        estimated=tuple(m.strftime("%Y-%m") for m in sorted(source.estimated.get(ind_id, ()))),
        volume_to_date=series("volume_to_date") if volume else None,
        volume_achieved=series("ytd_numerator") if volume else None,
    )
