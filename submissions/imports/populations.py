"""Import of populations (an area's residents or households from a date), all or nothing."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction

from csp.models import Area, Population, PopulationSeries
from csp.users import User, stamp_change
from indicators.services import recompute_request
from submissions.imports.common import (
    MAX_POPULATION,
    Areas,
    ImportReport,
    OwnAreas,
    Progress,
    cell_text,
    rows_parse,
    whole_number,
)
from submissions.imports.reader import table_open

POPULATION_REQUIRED = {"area", "kind", "value", "in_force_from"}


POPULATION_ALLOWED = POPULATION_REQUIRED | {"source", "series"}


_ParsedPopulation = tuple[Area, PopulationSeries, dt.date, int, str]


def populations_import(
    *,
    content: bytes,
    filename: str,
    user: User | None,
    now: dt.datetime,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Check (and unless ``dry_run``, store) a populations file. Raises ImportRefused."""
    report, rows = table_open(
        content, filename, POPULATION_REQUIRED, POPULATION_ALLOWED, progress=progress
    )
    areas = Areas()
    own = OwnAreas.load()
    series_by_code = {s.code: s for s in PopulationSeries.objects.all()}
    by_kind: dict[str, list[PopulationSeries]] = defaultdict(list)
    for s in series_by_code.values():
        by_kind[s.kind].append(s)

    def parse(row: dict[str, str]) -> tuple[tuple[int, int, dt.date], _ParsedPopulation]:
        area = own.area(row, areas, user)
        kind = row["kind"]
        if kind not in by_kind and not row.get("series"):
            raise ValueError(f"kind {kind!r} has no population series")
        if row.get("series"):
            series = series_by_code.get(row["series"])
            if series is None or series.kind != kind:
                raise ValueError(f"no {kind} series {row['series']!r}")
        elif len(by_kind[kind]) == 1:
            series = by_kind[kind][0]
        else:
            raise ValueError(f"several {kind} series exist: name one in a 'series' column")
        value = whole_number(row["value"], "value")
        if value == 0:
            raise ValueError("a population cannot be 0")
        if value > MAX_POPULATION:
            raise ValueError(f"value {value} is more than a population can be")
        try:
            start = dt.date.fromisoformat(row["in_force_from"][:10])
        except ValueError:
            raise ValueError(f"in_force_from {row['in_force_from']!r} is not YYYY-MM-DD") from None
        source = cell_text(row, "source", Population, "source")
        return (area.id, series.id, start), (area, series, start, value, source)

    parsed = rows_parse(rows, report, parse, progress=progress)
    if progress:
        progress(85, "Comparing with the stored populations")
    with transaction.atomic():
        stored = Population.objects.filter(
            area_id__in={p[0].id for p in parsed}, series_id__in={p[1].id for p in parsed}
        )
        if not dry_run:
            stored = stored.select_for_update()
        existing = {(p.area_id, p.series_id, p.in_force_from): p for p in stored}
        touched_areas = set()
        for area, series, start, value, source in parsed:
            obj = existing.get((area.id, series.id, start))
            if obj is None:
                obj = Population(
                    area=area, series=series, in_force_from=start, value=value, source=source
                )
                report.created += 1
            elif (obj.value, obj.source) == (value, source):
                report.unchanged += 1
                continue
            else:
                obj.value, obj.source = value, source
                report.updated += 1
            if dry_run:
                continue
            stamp_change(obj, user, f"imported from {filename}")
            obj.save()
            touched_areas.add(area.id)
        for area_id in sorted(touched_areas):
            recompute_request(now=now, reason=f"imported from {filename}", area_id=area_id)
        report.stored = not dry_run
    return report
