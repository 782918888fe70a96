"""Plain display data for pack pages, built from a published snapshot (no queries here).

Formatting rules the seed got wrong are made impossible here: a suppressed count prints as
"<10", never 0; a month not collected prints "Data collected quarterly"; an unavailable one "TBC";
an incomplete year to date says so.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from indicators.engine.commentary import rate_per
from submissions.packs.schema import MonthRow, PackSnapshot, Page, as_page, as_pages

RAG_NAMES = {"R": "Red", "A": "Amber", "G": "Green", None: "Not rated"}
VARIATION = {
    "common_cause": ("Common cause variation", "●"),
    "special_cause_improving": ("Special cause: improving", "▲"),
    "special_cause_concerning": ("Special cause: concerning", "▼"),
    "special_cause_neutral_high": ("Special cause: higher (neutral)", "△"),
    "special_cause_neutral_low": ("Special cause: lower (neutral)", "▽"),
}
ASSURANCE = {
    "consistently_passing": "Consistently passing the target",
    "consistently_failing": "Consistently failing the target",
    "hit_and_miss": "Hit and miss against the target",
    "none": "No target to assure against",
}
DIRECTION = {
    "improving": ("Improving on last year", "↗"),
    "worsening": ("Worse than last year", "↘"),
    "no_change": ("No change on last year", "→"),
    "up": ("Up on last year", "↑"),
    "down": ("Down on last year", "↓"),
}


def number(value: Any, decimals: int = 0) -> str:
    if value is None:
        return "–"
    if decimals == 0:
        return f"{round(value):,}"
    return f"{value:,.{decimals}f}"


def percent_change(value: float | None, decimals: int = 0) -> str:
    if value is None:
        return "n/a"
    if value == 0:
        return "No change"
    return f"{value:+.{decimals}f}%".replace("-", "−")


def month_figure(row: dict[str, Any], page: dict[str, Any]) -> str:
    """One month's figure as the pack prints it."""
    status = row.get("status")
    if status == "not_collected":
        return "Data collected quarterly"
    if status == "not_available":
        return "TBC"
    if status == "suppressed":
        return f"<{page.get('suppression_threshold') or 10}"
    if status == "not_submitted":
        return ""
    if row.get("numerator") is not None:
        den = row.get("denominator")
        return f"{row['numerator']:,} of {den:,}" if den is not None else f"{row['numerator']:,}"
    value = row.get("value")
    if value is None:
        return ""
    return number(value, 0 if float(value).is_integer() else 2)


@dataclass
class SummaryRow:
    code: str
    title: str
    portfolio: str
    latest: str
    ytd: str
    change: str
    change_basis: str
    rate: str
    ranks: list[dict[str, Any]]
    target: str
    rag: str | None
    rag_name: str
    rag_reason: str
    overridden: bool
    override_justification: str
    computed_rag: str | None
    variation: tuple[str, str] | None
    assurance: str
    direction: tuple[str, str] | None
    incomplete: str = ""
    rate_unit: str = ""  # who the rate counts ("residents aged 1–19"); older snapshots lack it


def _figure(row: MonthRow | None, page: Page) -> str:
    """``month_figure`` of a typed row (the printer itself reads plain rows)."""
    return month_figure(
        row.to_dict() if row else {}, {"suppression_threshold": page.suppression_threshold}
    )


def summary_rows(snapshot: PackSnapshot | Sequence[Page] | Mapping[str, Any]) -> list[SummaryRow]:
    """The call-over table's rows, one per page (of a snapshot of any schema version)."""
    rows = []
    for page in as_pages(snapshot):
        m = page.metrics
        decimals = page.decimals
        if page.kind == "ratio":
            ytd = (
                f"{number(m.ytd_pct, 1)}%"
                if m.ytd_pct is not None
                else (number(m.ytd_numerator) if m.ytd_numerator is not None else "–")
            )
            latest = f"{number(m.month_pct, 1)}%" if m.month_pct is not None else "–"
        else:
            ytd = number(m.ytd) if m.ytd is not None else "–"
            latest = _figure(page.months[-1] if page.months else None, page) or "–"
        if page.kind in {"snapshot", "rolling"}:
            change, basis = percent_change(m.value_change_pct, decimals), "on last year"
        elif (
            m.ytd_change_pct is not None
            or page.kind in {"count", "ceiling"}
            and (m.r12_change_pct is None)
        ):
            change, basis = percent_change(m.ytd_change_pct, decimals), "YTD"
        else:
            change, basis = percent_change(m.r12_change_pct, decimals), "R12"
        per = page.per_n
        rate = f"{number(m.rate, 2)} per {per:,}" if m.rate is not None and per else "–"
        rows.append(
            SummaryRow(
                code=page.code,
                title=page.title,
                portfolio=page.portfolio,
                latest=latest,
                ytd=ytd,
                change=change,
                change_basis=basis,
                rate=rate,
                ranks=[
                    {**r.to_dict(), "text": f"{r.position} of {r.size}" if r.position else "–"}
                    for r in m.ranks
                ],
                target=(page.target.text if page.target else "") or "–",
                rag=page.rag_effective,
                rag_name=RAG_NAMES.get(page.rag_effective, "Not rated"),
                rag_reason=page.rag_reason or "",
                overridden=bool(page.rag_override),
                override_justification=page.rag_override_justification or "",
                computed_rag=page.rag,
                variation=VARIATION.get(m.variation or ""),
                assurance=ASSURANCE.get(m.assurance or "none", ""),
                direction=DIRECTION.get(m.direction or ""),
                incomplete="; ".join(
                    f"{x.month} {x.status.replace('_', ' ')}" for x in m.missing_months
                ),
                rate_unit=page.rate_unit if rate != "–" else "",
            )
        )
    return rows


@dataclass
class TableRow:
    label: str
    cells: list[str]
    header: bool = False


@dataclass
class FyTable:
    months: list[str]
    rows: list[TableRow] = field(default_factory=list)


def fy_table(source: Page | Mapping[str, Any], fy_labels: list[str]) -> FyTable:
    """The financial-year table (April to March) with the rows that fit the indicator's kind."""
    page = as_page(source)
    by_label = {row.label: row for row in page.months}
    months = [by_label.get(label) for label in fy_labels]
    decimals = page.decimals
    table = FyTable(months=fy_labels)

    def add(label: str, fn: Callable[[MonthRow], str]) -> None:
        table.rows.append(TableRow(label, [fn(m) if m else "" for m in months]))

    def figure(m: MonthRow) -> str:
        return _figure(m, page)

    kind = page.kind
    if page.categories and kind in {"rolling", "breakdown"}:
        for cat in page.categories:

            def cell(m: MonthRow, code: str = cat.code) -> str:
                if m.status in {"not_available", "not_collected"}:
                    return figure(m)
                value = (m.categories or {}).get(code)
                if value == "suppressed":
                    return f"<{page.suppression_threshold or 10}"
                return "" if value is None else number(value)

            add(cat.label, cell)
        if kind == "breakdown":
            add(
                "Overall % satisfied",
                lambda m: f"{number(m.pct_satisfied, 0)}%" if m.pct_satisfied is not None else "",
            )
        return table
    if kind == "ratio":
        add(
            "Successful (month)",
            lambda m: figure(m) if m.numerator is None else number(m.numerator),
        )
        add("Total (month)", lambda m: number(m.denominator) if m.denominator is not None else "")
        add(
            "Successful (YTD)",
            lambda m: (
                number(m.ytd_numerator)
                if m.ytd_numerator is not None
                else ("Incomplete" if m.status != "not_submitted" else "")
            ),
        )
        add(
            "Total (YTD)",
            lambda m: number(m.ytd_denominator) if m.ytd_denominator is not None else "",
        )
        add(
            "% successful (YTD)",
            lambda m: f"{number(m.ytd_pct, 1)}%" if m.ytd_pct is not None else "",
        )
        return table
    add("Month", figure)
    if kind in {"count", "ceiling"}:
        add(
            "Year to date",
            lambda m: (
                number(m.ytd)
                if m.ytd is not None
                else ("Incomplete" if m.status not in {"not_submitted"} else "")
            ),
        )
        add(
            "% change on last year (YTD)",
            lambda m: (
                percent_change(m.ytd_change_pct, decimals) if m.ytd_change_pct is not None else ""
            ),
        )
        add("Rolling 12 months", lambda m: number(m.r12) if m.r12 is not None else "")
        if page.per_n:
            add(
                f"Rate {rate_per(page.per_n, page.rate_unit)} (rolling 12 months)",
                lambda m: number(m.rate, 2) if m.rate is not None else "",
            )
        if kind == "ceiling":
            add(
                "Target to date",
                lambda m: number(m.target_to_date) if m.target_to_date is not None else "",
            )
    elif kind in {"snapshot", "rolling"}:
        add(
            "Change on same month last year",
            lambda m: (
                percent_change(m.value_change_pct, decimals)
                if m.value_change_pct is not None
                else ""
            ),
        )
    return table


def fy_labels(month: str) -> list[str]:
    """'Apr-16' … 'Mar-17' for the financial year of a 'YYYY-MM' month."""
    year, mon = (int(x) for x in month.split("-"))
    start = year if mon >= 4 else year - 1
    names = ["Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar"]
    return [f"{n}-{(start + (1 if i >= 9 else 0)) % 100:02d}" for i, n in enumerate(names)]
