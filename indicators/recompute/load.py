"""Load: the stored inputs turned into what the engine reads (series and target specs, values).

The one bridge from the database to the pure engine, for the recompute (every series in scope,
set-based queries and a streamed cursor, no per-series queries) and for the commentary draft
(one series, with the month being entered in place of its approved figures): both read a
series as ``SeriesInputs`` and compute it with ``SeriesInputs.metrics``."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, Protocol

from django.db import connection

from csp.models import Population
from indicators.engine.measures import MonthMetrics, Obs, SeriesSpec, compute_series
from indicators.engine.rag import TargetSpec
from indicators.engine.vocabulary import ValueStatus
from indicators.models import (
    Adoption,
    Indicator,
    IndicatorCategory,
    Target,
)


def as_float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def series_spec(indicator: Indicator, categories: Sequence[IndicatorCategory]) -> SeriesSpec:
    total = next((c.code for c in categories if c.is_total), None)
    return SeriesSpec(
        kind=indicator.kind,
        polarity=indicator.polarity,
        change_basis=indicator.change_basis,
        per_n=indicator.per_n,
        frequency=indicator.frequency,
        decimals=indicator.display_decimals,
        total_category=total,
        satisfied_categories=frozenset(c.code for c in categories if c.counts_as_satisfied),
        category_order=tuple(c.code for c in categories if not c.is_total),
        category_labels=tuple((c.code, c.label) for c in categories),
    )


def target_spec(target: Target, tolerance: Decimal | None = None) -> TargetSpec:
    """The engine's view of a target; ``tolerance`` is the adoption's amber band, used when the
    target gives none of its own."""
    return _target_spec_of(
        target.kind,
        target.value,
        target.lower,
        target.upper,
        target.volume,
        target.tolerance,
        target.text,
        tolerance,
    )


def _target_spec_of(
    kind: Any, value: Any, lower: Any, upper: Any, volume: Any, tolerance: Any, text: Any,
    adopted: Any,
) -> TargetSpec:  # fmt: skip
    """``target_spec`` from a target's fields as ``values_list`` gives them (``adopted``: the
    adoption's tolerance)."""
    return TargetSpec(
        kind=kind,
        value=as_float(value),
        lower=as_float(lower),
        upper=as_float(upper),
        volume=volume,
        tolerance=as_float(tolerance if tolerance is not None else adopted),
        text=text,
    )


@dataclass(frozen=True)
class Catalogue:
    indicators: dict[int, Indicator]
    specs: dict[int, SeriesSpec]
    category_codes: dict[int, str]
    # (indicator, area) -> financial year -> target: the targets of the adoption by the area's
    # partnership. Areas without a partnership (comparators) have none, so are not rated.
    targets: dict[tuple[int, int], dict[int, TargetSpec]]
    # The same for targets set per category (PHOF 2.15's two ranges): -> year -> category code.
    category_targets: dict[tuple[int, int], dict[int, dict[str, TargetSpec]]] = field(
        default_factory=dict
    )
    # (indicator, area) -> the due months the area's partnership's adoption names (only those
    # that name any: the others are due as the indicator's frequency says).
    due_months: dict[tuple[int, int], tuple[int, ...]] = field(default_factory=dict)


def catalogue_load(
    indicator_ids: Iterable[int] | None, area_ids: Iterable[int] | None = None
) -> Catalogue:
    """The indicators' specs, and the targets and due months of their adoptions by the
    partnerships of ``area_ids`` (None: every area's; a scoped recompute reads only its own)."""
    indicators = Indicator.objects.all()
    if indicator_ids is not None:
        indicators = indicators.filter(id__in=list(indicator_ids))
    by_id = {i.id: i for i in indicators}
    categories: dict[int, list[IndicatorCategory]] = defaultdict(list)
    for c in IndicatorCategory.objects.filter(indicator_id__in=list(by_id)).order_by("order"):
        categories[c.indicator_id].append(c)
    targets: dict[tuple[int, int], dict[int, TargetSpec]] = defaultdict(dict)
    per_category: dict[tuple[int, int], dict[int, dict[str, TargetSpec]]] = defaultdict(dict)
    # Plain tuples, not model instances (a national install has hundreds of thousands of
    # targets); equal targets share one spec.
    seen: dict[tuple[object, ...], TargetSpec] = {}
    targets_in = Target.objects.filter(adoption__indicator_id__in=list(by_id))
    adoptions_in = Adoption.objects.filter(indicator_id__in=list(by_id))
    if area_ids is not None:
        targets_in = targets_in.filter(adoption__partnership__area_id__in=list(area_ids))
        adoptions_in = adoptions_in.filter(partnership__area_id__in=list(area_ids))
    for ind, area, year, category, *fields in targets_in.order_by().values_list(
        "adoption__indicator_id",
        "adoption__partnership__area_id",
        "financial_year",
        "category__code",
        "kind",
        "value",
        "lower",
        "upper",
        "volume",
        "tolerance",
        "text",
        "adoption__tolerance",
    ):
        spec = seen.get(key_fields := tuple(fields))
        if spec is None:
            spec = seen[key_fields] = _target_spec_of(*fields)
        if category is None:
            targets[(ind, area)][year] = spec
        else:
            per_category[(ind, area)].setdefault(year, {})[category] = spec
    due: dict[tuple[int, int], tuple[int, ...]] = {}
    for adoption in adoptions_in.exclude(due_months="").select_related("partnership"):
        key = (adoption.indicator_id, adoption.partnership.area_id)
        due[key] = adoption.due_month_numbers()
    return Catalogue(
        indicators=by_id,
        specs={i: series_spec(ind, categories[i]) for i, ind in by_id.items()},
        category_codes={c.id: c.code for cs in categories.values() for c in cs},
        targets=targets,
        category_targets=per_category,
        due_months=due,
    )


_VALUES_SQL = """
SELECT indicator_id, area_id, month, category_id, status, value, numerator, denominator,
       decimal_value, reason, reference_period
FROM indicators_monthvalue
WHERE {where}
ORDER BY indicator_id, area_id, month
"""


def values_load(
    where: str, params: list[int], category_codes: dict[int, str]
) -> Iterator[tuple[tuple[int, int], dict[dt.date, Obs]]]:
    """Stream month values grouped by (indicator, area), each as {month: Obs}."""
    with connection.cursor() as cursor:
        cursor.execute(_VALUES_SQL.format(where=where), params)
        current: tuple[int, int] | None = None
        series: dict[dt.date, Obs] = {}
        parts: dict[dt.date, dict[str, Obs]] = {}
        whole: dict[dt.date, Obs] = {}
        while True:
            rows = cursor.fetchmany(20_000)
            if not rows:
                break
            for ind, area, month, cat, status, value, num, den, dec, reason, period in rows:
                key = (ind, area)
                if key != current:
                    if current is not None:
                        yield current, series_assemble(series, parts, whole)
                    current, series, parts, whole = key, {}, {}, {}
                if isinstance(month, str):  # SQLite returns text dates
                    month = dt.date.fromisoformat(month)
                obs = row_obs(status, value, num, den, dec, reason, period)
                if cat is None:
                    whole[month] = obs
                else:
                    parts.setdefault(month, {})[category_codes[cat]] = obs
        if current is not None:
            yield current, series_assemble(series, parts, whole)


def row_obs(
    status: str,
    value: int | None,
    numerator: int | None,
    denominator: int | None,
    decimal_value: Decimal | float | None,
    reason: str,
    period: str = "",
) -> Obs:
    """One stored row (a whole month's or a category's) as the engine reads it."""
    if value is None and decimal_value is not None:
        return Obs(status, float(decimal_value), numerator, denominator, reason, period=period)
    return Obs(status, value, numerator, denominator, reason, period=period)


def series_assemble(
    series: dict[dt.date, Obs], parts: dict[dt.date, dict[str, Obs]], whole: dict[dt.date, Obs]
) -> dict[dt.date, Obs]:
    series.update(whole)
    for month, cats in parts.items():
        status_row = whole.get(month)
        if status_row is not None and status_row.status != ValueStatus.REPORTED:
            continue  # a whole-month status (e.g. TBC) stands for every category
        reference = next(iter(cats.values()))
        series[month] = Obs(
            status=ValueStatus.REPORTED,
            categories=cats,
            reason=reference.reason,
            period=reference.period,
        )
    return series


def denominators_load(
    area_ids: Iterable[int] | None,
) -> dict[tuple[int, int], list[tuple[dt.date, int]]]:
    qs = Population.objects.order_by("in_force_from")
    if area_ids is not None:
        qs = qs.filter(area_id__in=list(area_ids))
    out: dict[tuple[int, int], list[tuple[dt.date, int]]] = defaultdict(list)
    for area_id, series_id, start, value in qs.values_list(
        "area_id", "series_id", "in_force_from", "value"
    ):
        out[(area_id, series_id)].append((start, value))
    return out


def scope_sql(catalogue: Catalogue, area_ids: Sequence[int] | None) -> tuple[str, list[int]]:
    clauses: list[str] = []
    params: list[int] = []
    if len(catalogue.indicators) < Indicator.objects.count():
        ids = sorted(catalogue.indicators)
        clauses.append(f"indicator_id IN ({', '.join(['%s'] * len(ids))})")
        params += ids
    if area_ids is not None:
        clauses.append(f"area_id IN ({', '.join(['%s'] * len(area_ids))})")
        params += list(area_ids)
    # No month clause, even with from_month: the SPC limits of every month come from the series'
    # first points and its signals from the points before, so a window (it used to be 24 months)
    # gave other limits than the full run. The engine sees the whole series either way; only
    # the months written differ.
    return (" AND ".join(clauses) or "1=1"), params


@dataclass(frozen=True)
class SeriesInputs:
    """One (indicator, area) series as the engine reads it."""

    spec: SeriesSpec
    values: dict[dt.date, Obs]
    denominators: list[tuple[dt.date, int]]
    targets: dict[int, TargetSpec]
    category_targets: dict[int, dict[str, TargetSpec]] = field(default_factory=dict)

    def metrics(self, months: Sequence[dt.date]) -> list[MonthMetrics]:
        return compute_series(
            self.spec,
            self.values,
            months=months,
            denominators=self.denominators,
            targets=self.targets,
            category_targets=self.category_targets,
        )


def series_inputs(
    catalogue: Catalogue,
    denominators: Mapping[tuple[int, int], list[tuple[dt.date, int]]],
    indicator_id: int,
    area_id: int,
    values: dict[dt.date, Obs],
) -> SeriesInputs:
    """A series' values with its spec, the denominators it divides by and its targets."""
    series_id = catalogue.indicators[indicator_id].denominator_series_id
    spec = catalogue.specs[indicator_id]
    due = catalogue.due_months.get((indicator_id, area_id))
    return SeriesInputs(
        spec=spec if due is None else replace(spec, due_months=due),
        values=values,
        denominators=denominators.get((area_id, series_id), []) if series_id else [],
        targets=catalogue.targets.get((indicator_id, area_id), {}),
        category_targets=catalogue.category_targets.get((indicator_id, area_id), {}),
    )


class FigureRow(Protocol):
    """A row of the approved store before it is stored (``month_values.ApprovedFigure``)."""

    @property
    def category(self) -> str | None: ...
    @property
    def status(self) -> str: ...
    @property
    def value(self) -> int | None: ...
    @property
    def numerator(self) -> int | None: ...
    @property
    def denominator(self) -> int | None: ...
    @property
    def decimal_value(self) -> Decimal | None: ...
    @property
    def reason(self) -> str: ...
    @property
    def reference_period(self) -> str: ...


def series_inputs_load(
    *,
    indicator_id: int,
    area_id: int,
    replace: Mapping[dt.date, Sequence[FigureRow]] | None = None,
) -> SeriesInputs:
    """One series read as the recompute reads it, with the months in ``replace`` taken from the
    given rows instead of the store (an entry not yet approved: the commentary draft's preview).
    An empty list of rows leaves the month as stored. Nothing is written."""
    catalogue = catalogue_load([indicator_id])
    if indicator_id not in catalogue.indicators:
        raise ValueError(f"There is no indicator {indicator_id}.")
    where, params = scope_sql(catalogue, [area_id])
    values = next((v for _key, v in values_load(where, params, catalogue.category_codes)), {})
    for month, rows in (replace or {}).items():
        whole: dict[dt.date, Obs] = {}
        parts: dict[dt.date, dict[str, Obs]] = {}
        for row in rows:
            obs = row_obs(
                row.status,
                row.value,
                row.numerator,
                row.denominator,
                row.decimal_value,
                row.reason,
                row.reference_period,
            )
            if row.category is None:
                whole[month] = obs
            else:
                parts.setdefault(month, {})[row.category] = obs
        values.update(series_assemble({}, parts, whole))
    return series_inputs(catalogue, denominators_load([area_id]), indicator_id, area_id, values)
