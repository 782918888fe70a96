"""Plain display data for pack pages, built from a published snapshot (no queries here).

Formatting rules the seed got wrong are made impossible here: a suppressed count prints as
"<10", never 0; a month not collected prints "Data collected quarterly"; an unavailable one "TBC";
an incomplete year to date says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from indicators.engine.formatting import (
    DASH,
    change,
    fy_month_labels,
    month_figure,
    number,
    percent,
    rate,
    rate_per,
    suppressed,
)
from indicators.engine.vocabulary import (
    COUNT_KINDS,
    LEVEL_KINDS,
    NOT_SUBMITTED,
    IndicatorKind,
    ValueStatus,
)

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


def row_figure(row: dict[str, Any], page: dict[str, Any]) -> str:
    """One month's figure of a page's row as the pack prints it."""
    return month_figure(
        row.get("status") or "",
        row.get("value"),
        row.get("numerator"),
        row.get("denominator"),
        threshold=page.get("suppression_threshold"),
    )


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


def summary_rows(snapshot: dict[str, Any]) -> list[SummaryRow]:
    rows = []
    for page in snapshot["indicators"]:
        m = page["metrics"]
        decimals = page.get("decimals", 0)
        kind = page["kind"]
        if kind == IndicatorKind.RATIO:
            ytd = (
                percent(m.get("ytd_pct"), 1)
                if m.get("ytd_pct") is not None
                else number(m.get("ytd_numerator"))
            )
            latest = percent(m.get("month_pct"), 1)
        else:
            ytd = number(m.get("ytd"))
            last = page["months"][-1] if page["months"] else {}
            latest = row_figure(last, page) or DASH
        if kind in LEVEL_KINDS:
            change_text, basis = change(m.get("value_change_pct"), decimals), "on last year"
        elif (
            m.get("ytd_change_pct") is not None
            or kind in COUNT_KINDS
            and (m.get("r12_change_pct") is None)
        ):
            change_text, basis = change(m.get("ytd_change_pct"), decimals), "YTD"
        else:
            change_text, basis = change(m.get("r12_change_pct"), decimals), "R12"
        rate_text = rate(m.get("rate"), page.get("per_n"))
        missing = m.get("missing_months") or []
        rows.append(
            SummaryRow(
                code=page["code"],
                title=page["title"],
                portfolio=page["portfolio"],
                latest=latest,
                ytd=ytd,
                change=change_text,
                change_basis=basis,
                rate=rate_text,
                ranks=[
                    {
                        **r,
                        "text": f"{r['position']} of {r['size']}" if r.get("position") else DASH,
                        "average_text": number(r.get("average"), 2),
                    }
                    for r in m.get("ranks", [])
                ],
                target=(page.get("target") or {}).get("text") or DASH,
                rag=page.get("rag_effective"),
                rag_name=RAG_NAMES.get(page.get("rag_effective"), "Not rated"),
                rag_reason=page.get("rag_reason") or "",
                overridden=bool(page.get("rag_override")),
                override_justification=page.get("rag_override_justification") or "",
                computed_rag=page.get("rag"),
                variation=VARIATION.get(m.get("variation") or ""),
                assurance=ASSURANCE.get(m.get("assurance") or "none", ""),
                direction=DIRECTION.get(m.get("direction") or ""),
                incomplete="; ".join(
                    f"{x['month']} {x['status'].replace('_', ' ')}" for x in missing
                ),
                rate_unit=(page.get("rate_unit") or "") if rate_text != DASH else "",
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


def fy_table(page: dict[str, Any], fy_labels: list[str]) -> FyTable:
    """The financial-year table (April to March) with the rows that fit the indicator's kind."""
    by_label = {row["label"]: row for row in page["months"]}
    months = [by_label.get(label) for label in fy_labels]
    decimals = page.get("decimals", 0)
    table = FyTable(months=fy_labels)

    def add(label: str, fn) -> None:
        table.rows.append(TableRow(label, [fn(m) if m else "" for m in months]))

    kind = page["kind"]
    cats = page.get("categories") or []
    threshold = page.get("suppression_threshold")
    if cats and kind in {IndicatorKind.ROLLING, IndicatorKind.BREAKDOWN}:
        for cat in cats:

            def cell(m: dict[str, Any], code: str = cat["code"]) -> str:
                if m.get("status") in {ValueStatus.NOT_AVAILABLE, ValueStatus.NOT_COLLECTED}:
                    return row_figure(m, page)
                value = (m.get("categories") or {}).get(code)
                if value == ValueStatus.SUPPRESSED:
                    return suppressed(threshold)
                return number(value, none="")

            add(cat["label"], cell)
        if kind == IndicatorKind.BREAKDOWN:
            add("Overall % satisfied", lambda m: _percent(m.get("pct_satisfied"), 0))
        return table
    if kind == IndicatorKind.RATIO:
        add(
            "Successful (month)",
            lambda m: row_figure(m, page) if m.get("numerator") is None else number(m["numerator"]),
        )
        add("Total (month)", lambda m: number(m.get("denominator"), none=""))
        add(
            "Successful (YTD)",
            lambda m: number(
                m.get("ytd_numerator"),
                none="Incomplete" if m.get("status") != NOT_SUBMITTED else "",
            ),
        )
        add("Total (YTD)", lambda m: number(m.get("ytd_denominator"), none=""))
        add("% successful (YTD)", lambda m: _percent(m.get("ytd_pct"), 1))
        return table
    add("Month", lambda m: row_figure(m, page))
    if kind in COUNT_KINDS:
        add(
            "Year to date",
            lambda m: number(
                m.get("ytd"), none="Incomplete" if m.get("status") != NOT_SUBMITTED else ""
            ),
        )
        add("% change on last year (YTD)", lambda m: _change(m.get("ytd_change_pct"), decimals))
        add("Rolling 12 months", lambda m: number(m.get("r12"), none=""))
        if page.get("per_n"):
            add(
                f"Rate {rate_per(page['per_n'], page.get('rate_unit') or '')} (rolling 12 months)",
                lambda m: number(m.get("rate"), 2, none=""),
            )
        if kind == IndicatorKind.CEILING:
            add("Target to date", lambda m: number(m.get("target_to_date"), none=""))
    elif kind in LEVEL_KINDS:
        add(
            "Change on same month last year",
            lambda m: _change(m.get("value_change_pct"), decimals),
        )
    return table


def _percent(value: float | None, decimals: int) -> str:
    return "" if value is None else percent(value, decimals)


def _change(value: float | None, decimals: int) -> str:
    return "" if value is None else change(value, decimals)


def pack_table(page: dict[str, Any], month: str) -> FyTable:
    """The table of a pack page: the financial year of the pack's month ('YYYY-MM')."""
    return fy_table(page, fy_month_labels(month))
