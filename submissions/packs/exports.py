"""The pack's figures as XLSX and CSV: one row per indicator and month, with every derived figure.

The **CSV** is for machines: its headers are the stable names in ``COLUMNS`` (``area``,
``indicator``, ``month``, ``value`` …), the entered figures under the names the month-values
import reads, so a pack's CSV re-imports (``submissions.imports.month_values``: the computed
columns are ignored, ``PACK_CSV_COMPUTED``). Percentages are rounded to one decimal and rates to
two, as the pages print them, each also at full precision in its ``raw_*`` column at the end.

The **XLSX** is for people (``export_xlsx``): headers a reader understands, numbers as numbers
with their formats (percentages as fractions shown as "0.0%", counts "#,##0", rates "0.00"), the
header row frozen, columns sized, and a second sheet, "Notes", with what the figures carry
(statuses, suppression, estimates, reference periods, overrides). The first sheet is named after
the pack ("Barking and Dagenham Dec 2016"). Text a spreadsheet would run as a formula is
neutralised (``submissions.spreadsheet``)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

from import_export import fields, resources

from indicators.engine.formatting import month_label, rate_per
from submissions.packs.export_xlsx import workbook
from submissions.packs.schema import PackSnapshot, as_snapshot
from submissions.spreadsheet import PACK_CSV_COMPUTED, neutralise

# (name, header, format): the columns of both formats, in order; the CSV's header is the name,
# the XLSX's the header. Format: "text", "count" (#,##0), "pct" (a percentage, written to the
# XLSX as a fraction), "rate" (0.00) or "months" (0).
COLUMNS: list[tuple[str, str, str]] = [
    ("area", "Area code", "text"),
    ("month", "Month", "text"),
    ("indicator", "Indicator code", "text"),
    ("title", "Indicator", "text"),
    ("portfolio", "Portfolio", "text"),
    ("kind", "Kind", "text"),
    ("status", "Status", "text"),
    ("reason", "Reason", "text"),
    ("value", "Figure", "count"),
    ("numerator", "Numerator", "count"),
    ("denominator", "Denominator", "count"),
    ("reference_period", "Reference period", "text"),
    ("estimated", "Estimated", "text"),
    ("ytd", "Year to date", "count"),
    ("ytd_change_pct", "% change on last year (YTD)", "pct"),
    ("r12", "Rolling 12 months", "count"),
    ("rate", "Rate (rolling 12 months)", "rate"),
    ("rate_unit", "Rate per", "text"),
    ("month_pct", "% in the month", "pct"),
    ("ytd_numerator", "Numerator (YTD)", "count"),
    ("ytd_denominator", "Denominator (YTD)", "count"),
    ("ytd_pct", "% year to date", "pct"),
    ("target_to_date", "Target to date", "count"),
    # The pack month's row: the period its figures cover (a lagged kind's latest available
    # period) and that period's figure.
    ("period_label", "Period", "text"),
    ("period_start", "Period start", "text"),
    ("period_end", "Period end", "text"),
    ("period_age_months", "Age of the figure (months)", "months"),
    ("period_value", "Figure for the period", "count"),
    ("rag", "Rating", "text"),
    ("rag_reason", "Why this rating", "text"),
    ("rag_override_justification", "Coordinator's judgement", "text"),
]
# Printed rounded (decimals), as the pages print them; the CSV adds each at full precision.
ROUNDED = {"ytd_change_pct": 1, "rate": 2, "month_pct": 1, "ytd_pct": 1}
RAW_COLUMNS = [f"raw_{name}" for name in ROUNDED]
# The CSV's header row, in order: what README documents and the import expects.
CSV_HEADERS = [name for name, _, _ in COLUMNS] + RAW_COLUMNS
SHEET_TITLE_MAX = 31  # Excel's limit
SHEET_FORBIDDEN = re.compile(r"[\\/?*:\[\]]")
# The CSV's columns the month-values import ignores (a test holds the two lists together).
COMPUTED = PACK_CSV_COMPUTED


def _resource(names: list[str]) -> type[resources.Resource]:
    attrs: dict[str, Any] = {name: fields.Field(attribute=name, column_name=name) for name in names}
    attrs["Meta"] = type("Meta", (), {"fields": names, "export_order": names})
    attrs["export_field"] = _export_field
    return type("PackFiguresResource", (resources.Resource,), attrs)


def _export_field(self: resources.Resource, field: fields.Field, instance: Any, **kw: Any) -> Any:
    return neutralise(getattr(instance, field.attribute, None))


PackFiguresCsvResource = _resource(CSV_HEADERS)


def sheet_title(area_name: str, month: str, *, short_name: str = "") -> str:
    """'Barking and Dagenham Dec 2016': the pack's name as an Excel sheet allows it (at most 31
    characters, none of \\ / ? * : [ ], not starting or ending with an apostrophe). An area name
    too long for it gives way to the area's short name, if it has one, else is cut; never the
    month."""
    year, number_ = (int(x) for x in month.split("-")[:2])
    when = f" {month_label(dt.date(year, number_, 1))[:3]} {year}"
    if len(area_name) + len(when) > SHEET_TITLE_MAX and short_name:
        area_name = short_name
    name = SHEET_FORBIDDEN.sub(" ", area_name)
    name = " ".join(name.split())[: SHEET_TITLE_MAX - len(when)].strip().strip("'")
    return f"{name}{when}".strip()


def pack_rows(snapshot: PackSnapshot | Mapping[str, Any]) -> list[SimpleNamespace]:
    pack = as_snapshot(snapshot)
    rows = []
    for page in pack.indicators:
        last = page.months[-1].month if page.months else None
        unit = rate_per(page.per_n, page.rate_unit) if page.per_n else ""
        estimated = set(page.tables.estimated)
        for m in page.months:
            is_pack_month = m.month == last
            rows.append(
                SimpleNamespace(
                    area=pack.area.code,
                    month=m.month,
                    indicator=page.code,
                    title=page.title,
                    portfolio=page.portfolio,
                    kind=page.kind,
                    status=m.status,
                    reason=m.reason or "",
                    value=m.value,
                    numerator=m.numerator,
                    denominator=m.denominator,
                    reference_period=m.reference_period or "",
                    estimated="yes" if m.month in estimated else "",
                    ytd=m.ytd,
                    ytd_change_pct=m.ytd_change_pct,
                    r12=m.r12,
                    rate=m.rate,
                    rate_unit=unit,
                    month_pct=m.month_pct,
                    ytd_numerator=m.ytd_numerator,
                    ytd_denominator=m.ytd_denominator,
                    ytd_pct=m.ytd_pct,
                    target_to_date=m.target_to_date,
                    period_label=page.metrics.period_label if is_pack_month else "",
                    period_start=page.metrics.period_start if is_pack_month else "",
                    period_end=page.metrics.period_end if is_pack_month else "",
                    period_age_months=page.metrics.period_age_months if is_pack_month else None,
                    period_value=page.metrics.month_value if is_pack_month else None,
                    rag=(page.rag_effective or "None") if is_pack_month else m.rag,
                    rag_reason=page.rag_reason if is_pack_month else "",
                    rag_override_justification=(page.rag_override_justification or "")
                    if is_pack_month
                    else "",
                )
            )
            row = rows[-1]
            for name, decimals in ROUNDED.items():
                raw = getattr(row, name)
                setattr(row, f"raw_{name}", raw)
                setattr(row, name, None if raw is None else round(raw, decimals))
    return rows


def pack_export(snapshot: PackSnapshot | Mapping[str, Any], fmt: str) -> bytes:
    """The figures of a snapshot (typed, or stored JSON of any version) as CSV or XLSX."""
    pack = as_snapshot(snapshot)
    rows = pack_rows(pack)
    if fmt == "csv":
        return PackFiguresCsvResource().export(rows).export("csv").encode("utf-8-sig")
    title = sheet_title(pack.area.name, pack.month, short_name=pack.area.short_name)
    return workbook(pack, rows, COLUMNS, title)
