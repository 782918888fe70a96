"""The regional comparison (issue 11, ADR 0017): one indicator and month, every partnership of a
region side by side, read only from the latest published pack version of each.

Never the live store: a partnership whose round is not published shows "No published pack for
<month>", whatever its coordinator has approved since; one whose published pack has no page for
the indicator says so, naming the version. Only the indicator's page of each snapshot is read
(``parts``). Figures print as the pack prints them
(``summary_rows``, through ``indicators.engine.formatting``); the CSV holds the same strings.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import Count, OuterRef, Subquery

from csp import permissions
from csp.models import Partnership, Region
from csp.users import AnyUser
from indicators.engine.formatting import DASH, month_label
from indicators.engine.vocabulary import IndicatorKind
from indicators.models import Adoption, Indicator
from submissions.models import PackVersion
from submissions.packs.pages import RAG_NAMES, page_change, summary_rows
from submissions.packs.parts import version_parts
from submissions.packs.schema import Page
from submissions.packs.selectors import cache_key
from submissions.spreadsheet import neutralise

# (key, heading); the first sorts by name, the others by the figure behind the text.
COLUMNS = [
    ("partnership", "Partnership"),
    ("latest", "Latest month"),
    ("ytd", "Year to date"),
    ("change", "Change on last year"),
    ("rate", "Rate"),
    ("rank", "Rank"),
    ("rating", "Rating"),
]
SORTS = frozenset(key for key, _ in COLUMNS)
RAG_ORDER = {"R": 0, "A": 1, "G": 2}
ROWS_TIMEOUT = 86_400  # a published version never changes


class RegionNotFound(LookupError):
    """No such region, indicator or month for this user: the page answers 404."""


@dataclass(frozen=True)
class RegionEntry:
    code: str
    name: str
    partnerships: list[str]
    months: list[dt.date]  # months with at least one published pack, newest first
    first_indicator: str  # where a month's comparison opens: the first page of the packs


def regions_for(*, user: AnyUser) -> list[RegionEntry]:
    """The regions the user reads, each with its partnerships and published months."""
    access = permissions.regional_access_for(user)
    if not access.regions:
        return []
    names = dict(
        Partnership.objects.filter(id__in=access.every_partnership).values_list("id", "name")
    )
    months = (
        PackVersion.objects.filter(round__partnership_id__in=access.every_partnership)
        .values_list("round__partnership_id", "round__month")
        .annotate(n=Count("id"))
    )
    first = (
        Adoption.objects.filter(partnership_id__in=access.every_partnership)
        .order_by("pack_order", "id")
        .values_list("indicator__code", flat=True)
        .first()
    )
    entries = []
    for region in Region.objects.filter(id__in=access.regions).order_by("name"):
        members = access.partnerships[region.id]
        entries.append(
            RegionEntry(
                code=region.code,
                name=region.name,
                partnerships=sorted(names[p] for p in members),
                months=sorted({m for p, m, _n in months if p in members}, reverse=True),
                first_indicator=first or "",
            )
        )
    return entries


@dataclass
class ComparisonRow:
    partnership: str
    area_code: str
    published: bool  # the partnership has a published pack for the month
    version: int | None = None
    note: str = ""  # why the row has no figures (no published pack, or no page for this)
    title: str = ""
    latest: str = ""
    ytd: str = ""
    change: str = ""
    change_basis: str = ""
    rate: str = ""
    rank: str = ""
    rating: str = ""
    rag: str | None = None
    keys: dict[str, float | int | None] = field(default_factory=dict)
    chart_value: float | None = None
    chart_label: str = ""


@dataclass
class Comparison:
    region_code: str
    region_name: str
    indicator_code: str
    indicator_title: str
    month: dt.date
    month_label: str
    chart_label: str
    rows: list[ComparisonRow]
    sort: str
    descending: bool
    indicators: list[tuple[str, str]]  # (code, title) of the month's published pages


def _figures(page: Page) -> dict[str, Any]:
    """A page's row of the comparison, as plain data (cached per published version)."""
    summary = summary_rows([page])[0]
    m = page.metrics
    ratio = page.kind == IndicatorKind.RATIO
    return {
        "title": page.title,
        "latest": summary.latest,
        "ytd": summary.ytd,
        "change": summary.change,
        "change_basis": summary.change_basis,
        "rate": f"{summary.rate} {summary.rate_unit}".strip(),
        "rank": "; ".join(f"{r['group']} {r['text']}" for r in summary.ranks) or DASH,
        "rating": RAG_NAMES.get(page.rag_effective, "Not rated"),
        "rag": page.rag_effective,
        "keys": {
            "latest": m.month_pct if ratio else m.month_value,
            "ytd": m.ytd_pct if ratio else m.ytd,
            "change": page_change(page)[0],
            "rate": m.rate,
            "rank": m.ranks[0].position if m.ranks else None,
            "rating": RAG_ORDER.get(page.rag_effective or ""),
        },
        "chart_value": _chart_value(page),
        "chart_label": _chart_label(page),
    }


def _chart_value(page: Page) -> float | None:
    """What the bar chart compares: the rate where there is one (areas differ in size), else
    the year to date (a percentage for a ratio)."""
    m = page.metrics
    if page.per_n:
        return m.rate
    value = m.ytd_pct if page.kind == IndicatorKind.RATIO else m.ytd
    return None if value is None else float(value)


def _chart_label(page: Page) -> str:
    if page.per_n:
        unit = f" {page.rate_unit}" if page.rate_unit else ""
        return f"{page.title}: rate per {page.per_n:,}{unit} (rolling 12 months)"
    if page.kind == IndicatorKind.RATIO:
        return f"{page.title}: % year to date"
    return f"{page.title}: year to date"


def _sorted(rows: list[ComparisonRow], sort: str, descending: bool) -> list[ComparisonRow]:
    """Published rows by the column (name as the tie-break), rows without a figure after them,
    partnerships without a published pack last."""
    if sort == "partnership":
        ordered = sorted(rows, key=lambda r: r.partnership, reverse=descending)
        return [r for r in ordered if r.published] + [r for r in ordered if not r.published]
    by_name = sorted(rows, key=lambda r: r.partnership)
    with_key = [r for r in by_name if r.published and r.keys.get(sort) is not None]
    # The keys left are numbers or strings of one column (None was filtered out above).
    with_key.sort(key=lambda r: r.keys[sort], reverse=descending)  # type: ignore[arg-type,return-value]  # see above
    rest = [r for r in by_name if r not in with_key]
    return with_key + [r for r in rest if r.published] + [r for r in rest if not r.published]


def _version_parts(pks: list[int], indicator: str) -> dict[int, dict[str, Any]]:
    """Each version's row for the indicator (None: its pack has no such page) and its pages'
    (code, title): from the cache, else from the stored snapshots in one query that reads only
    that page of each (``parts.version_parts``), then cached for good, as a published version
    never changes."""
    keys = {pk: cache_key("region-part", pk, indicator) for pk in pks}
    cached = cache.get_many(list(keys.values()))
    parts = {pk: cached[key] for pk, key in keys.items() if key in cached}
    missing = [pk for pk in pks if pk not in parts]
    if missing:
        for pk, part in version_parts(missing, indicator).items():
            parts[pk] = {
                "row": None if part.page is None else _figures(part.page),
                "contents": list(part.contents),
            }
        cache.set_many({keys[pk]: parts[pk] for pk in missing}, timeout=ROWS_TIMEOUT)
    return parts


def region_comparison(
    *, user: AnyUser, region: str, indicator: str, month: dt.date, sort: str, descending: bool
) -> Comparison:
    """One indicator and month across the region's partnerships, from their latest published
    pack versions only. Raises ``RegionNotFound`` for a region the user does not read."""
    found = Region.objects.filter(code=region).values_list("id", "name").first()
    if found is None or not permissions.can_view_region(user, found[0]):
        raise RegionNotFound("No such region")
    region_id, region_name = found
    title = Indicator.objects.filter(code=indicator).values_list("title", flat=True).first()
    if title is None:
        raise RegionNotFound("No such indicator")
    members = permissions.regional_access_for(user).partnerships[region_id]
    partnerships = list(Partnership.objects.filter(id__in=members).select_related("area"))
    latest = PackVersion.objects.filter(round=OuterRef("round")).order_by("-number")
    versions = {
        partnership_id: (pk, number)
        for partnership_id, pk, number in PackVersion.objects.filter(
            round__partnership_id__in=members,
            round__month=month,
            number=Subquery(latest.values("number")[:1]),
        ).values_list("round__partnership_id", "pk", "number")
    }
    parts = _version_parts([pk for pk, _ in versions.values()], indicator)
    label = month_label(month)
    rows: list[ComparisonRow] = []
    titles: dict[str, str] = {}
    for partnership in partnerships:
        name, area = partnership.name, partnership.area.code
        if partnership.id not in versions:
            rows.append(ComparisonRow(name, area, False, note=f"No published pack for {label}"))
            continue
        pk, number = versions[partnership.id]
        for code, page_title in parts[pk]["contents"]:
            titles.setdefault(code, page_title)
        row = parts[pk]["row"]
        if row is None:
            note = (
                f"Its published pack for {label} (version {number}) does not include this indicator"
            )
            rows.append(ComparisonRow(name, area, True, number, note=note))
        else:
            rows.append(ComparisonRow(name, area, True, number, **row))
    shown = next((r for r in rows if not r.note), None)
    sort = sort if sort in SORTS else "partnership"
    return Comparison(
        region_code=region,
        region_name=region_name,
        indicator_code=indicator,
        indicator_title=shown.title if shown else title,
        month=month,
        month_label=label,
        chart_label=shown.chart_label if shown else title,
        rows=_sorted(rows, sort, descending),
        sort=sort,
        descending=descending,
        indicators=list(titles.items()),
    )


def comparison_csv(comparison: Comparison) -> bytes:
    """The page's table as CSV: the same strings, formula-like text neutralised."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["Partnership", "Area code", "Pack version"] + [h for k, h in COLUMNS if k != "partnership"]
    )
    for r in comparison.rows:
        if r.note:
            cells = [r.note, "", "", "", "", ""]
        else:
            cells = [r.latest, r.ytd, r.change, r.rate, r.rank, r.rating]
        writer.writerow(
            [neutralise(c) for c in [r.partnership, r.area_code, r.version or "", *cells]]
        )
    return out.getvalue().encode("utf-8-sig")
