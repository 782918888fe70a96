"""Plain display data for pack pages, built from a published snapshot (no queries here).

Formatting rules the seed got wrong are made impossible here: a suppressed count prints as
"<10", never 0; a month not collected prints "Data collected quarterly"; an unavailable one "TBC";
an incomplete year to date says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from indicators.engine.formatting import (
    DASH,
    change,
    fy_label_of,
    fy_month_labels,
    month_figure,
    month_label,
    number,
    percent,
    rate,
    rate_per,
    suppressed,
)
from indicators.engine.periods import add_months, fy_start_year
from indicators.engine.rating_words import RATING_KEY
from indicators.engine.series import Missing
from indicators.engine.vocabulary import (
    COUNT_KINDS,
    LEVEL_KINDS,
    NOT_SUBMITTED,
    IndicatorKind,
    ValueStatus,
)
from submissions.packs.icons import (
    Icon,
    assurance_icon,
    assurance_words,
    icon_key,
    variation_icon,
)
from submissions.packs.judgement import override_text
from submissions.packs.latest import latest_of
from submissions.packs.schema import (
    MissingMonth,
    MonthRow,
    PackSnapshot,
    Page,
    as_page,
    as_pages,
)
from submissions.packs.table_rows import HistoryLine, estimated_mark, history_lines, rank_rows

RAG_NAMES = {"R": "Red", "A": "Amber", "G": "Green", None: "Not rated"}
DIRECTION = {
    "improving": ("Improving on last year", "↗"),
    "worsening": ("Worse than last year", "↘"),
    "no_change": ("No change on last year", "→"),
    "up": ("Up on last year", "↑"),
    "down": ("Down on last year", "↓"),
}


def row_figure(row: MonthRow | None, page: Page) -> str:
    """One month's figure of a page's row as the pack prints it."""
    if row is None:
        return month_figure("", None, None, None, threshold=page.suppression_threshold)
    return month_figure(
        row.status, row.value, row.numerator, row.denominator, threshold=page.suppression_threshold
    )


def page_change(page: Page) -> tuple[float | None, str]:
    """The change on last year a summary shows for a page, and its basis ("YTD", "R12", "on
    last year")."""
    m = page.metrics
    if page.kind in LEVEL_KINDS:
        return m.value_change_pct, "on last year"
    if m.ytd_change_pct is not None or page.kind in COUNT_KINDS and (m.r12_change_pct is None):
        return m.ytd_change_pct, "YTD"
    return m.r12_change_pct, "R12"


def pack_key() -> dict[str, Any]:
    """The key of the ratings and the SPC icons, for the summary, the pages and the PDF."""
    variation, assurance = icon_key()
    ratings = [
        (code, RAG_NAMES[None if code == "None" else code], text) for code, text in RATING_KEY
    ]
    return {"ratings": ratings, "variation": variation, "assurance": assurance}


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
    variation: Icon | None
    assurance: Icon | None
    assurance_text: str  # the assurance in words (the icon's label, or why there is none)
    direction: tuple[str, str] | None
    incomplete: str = ""
    rate_unit: str = ""  # who the rate counts ("residents aged 1–19"); older snapshots lack it
    period: str = ""  # a lagged figure's period and age: "12 months to June 2016, 6 months old"
    rag_rule: str = ""  # the rule behind the rating in words ("" in snapshots before version 3)
    judgement: str = ""  # an override with the computed rating beside it (``judgement``)
    history: list[HistoryLine] = field(default_factory=list)  # ``table_rows.history_lines``


def summary_rows(snapshot: PackSnapshot | Sequence[Page] | Mapping[str, Any]) -> list[SummaryRow]:
    """The call-over table's rows, one per page (of a snapshot of any schema version)."""
    rows = []
    for page in as_pages(snapshot):
        m = page.metrics
        decimals = page.decimals
        kind = page.kind
        if kind == IndicatorKind.RATIO:
            ytd = percent(m.ytd_pct, 1) if m.ytd_pct is not None else number(m.ytd_numerator)
            latest = percent(m.month_pct, 1)
        else:
            ytd = number(m.ytd)
            latest = row_figure(page.months[-1] if page.months else None, page) or DASH
        lagged = latest_of(page)
        if lagged is not None:  # the latest available period, named
            latest = "; ".join(f"{c.label} {c.figure}" for c in lagged.categories) or lagged.figure
        change_pct, basis = page_change(page)
        change_text = change(change_pct, decimals)
        rate_text = rate(m.rate, page.per_n)
        rows.append(
            SummaryRow(
                code=page.code,
                title=page.title,
                portfolio=page.portfolio,
                latest=latest,
                ytd=ytd,
                change=change_text,
                change_basis=basis,
                rate=rate_text,
                ranks=[
                    {
                        **r.to_dict(),
                        "text": f"{r.position} of {r.size}" if r.position else DASH,
                        "average_text": number(r.average, 2),
                    }
                    for r in m.ranks
                ],
                target=(page.target.text if page.target else "") or DASH,
                rag=page.rag_effective,
                rag_name=RAG_NAMES.get(page.rag_effective, "Not rated"),
                rag_reason=page.rag_reason or "",
                overridden=bool(page.rag_override),
                override_justification=page.rag_override_justification or "",
                computed_rag=page.rag,
                variation=variation_icon(m.variation, page.polarity),
                assurance=assurance_icon(m.assurance),
                assurance_text=assurance_words(m.assurance),
                direction=DIRECTION.get(m.direction or ""),
                incomplete=missing_text(m.missing_months),
                rate_unit=page.rate_unit if rate_text != DASH else "",
                period=f"{lagged.label}, {lagged.age.lower()}" if lagged is not None else "",
                rag_rule=page.rag_rule,
                judgement=override_text(page),
                history=history_lines(page),
            )
        )
    return rows


def rag_counts(rows: Sequence[SummaryRow]) -> dict[str, int]:
    """How many of the pack's indicators are rated Red, Amber, Green and not rated ("None"), as
    the summary's header and the published-pack e-mail count them."""
    counts = {"R": 0, "A": 0, "G": 0, "None": 0}
    for row in rows:
        counts[row.rag if row.rag in counts else "None"] += 1
    return counts


def missing_text(missing: Sequence[MissingMonth]) -> str:
    """The months missing from a figure in the engine's words, a run of months with the same
    status and reason said once: 'April – December 2016 not available (TBC: …)'."""
    runs: list[list[MissingMonth]] = []
    for x in missing:
        last = runs[-1][-1] if runs else None
        if (
            last
            and (last.status, last.reason) == (x.status, x.reason)
            and _next(last.month) == x.month
        ):
            runs[-1].append(x)
        else:
            runs.append([x])
    texts = []
    for run in runs:
        first, end = run[0], run[-1]
        # The run's last month in the engine's words, its first month put before it.
        text = Missing(_date(end.month), end.status, end.reason).describe()
        if len(run) > 1:
            start = month_label(_date(first.month))
            if first.month[:4] == end.month[:4]:
                start = start.rsplit(" ", 1)[0]
            text = f"{start} – {text}"
        texts.append(text)
    return "; ".join(texts)


def _date(month: str) -> dt.date:
    return dt.date(int(month[:4]), int(month[5:7]), 1)


def _next(month: str) -> str:
    return add_months(_date(month), 1).strftime("%Y-%m")


@dataclass
class TableRow:
    label: str
    cells: list[str]
    header: bool = False


@dataclass
class FyTable:
    months: list[str]
    rows: list[TableRow] = field(default_factory=list)
    period: str = ""  # in words, for the heading: "2016/17 (April 2016 to March 2017)"


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
        return row_figure(m, page) + estimated_mark(page, m)

    kind = page.kind
    threshold = page.suppression_threshold
    if page.categories and kind in {IndicatorKind.ROLLING, IndicatorKind.BREAKDOWN}:
        for cat in page.categories:

            def cell(m: MonthRow, code: str = cat.code) -> str:
                if m.status in {ValueStatus.NOT_AVAILABLE, ValueStatus.NOT_COLLECTED}:
                    return figure(m)
                value = (m.categories or {}).get(code)
                if value == ValueStatus.SUPPRESSED:
                    return suppressed(threshold)
                return number(value, none="")  # type: ignore[arg-type]  # count or "suppressed"

            add(cat.label, cell)
        if kind == IndicatorKind.BREAKDOWN:
            add("Overall % satisfied", lambda m: _percent(m.pct_satisfied, 0))
        return table
    if kind == IndicatorKind.RATIO:
        add(
            "Successful (month)",
            lambda m: figure(m) if m.numerator is None else number(m.numerator),
        )
        add("Total (month)", lambda m: number(m.denominator, none=""))
        add(
            "Successful (YTD)",
            lambda m: number(
                m.ytd_numerator, none="Incomplete" if m.status != NOT_SUBMITTED else ""
            ),
        )
        add("Total (YTD)", lambda m: number(m.ytd_denominator, none=""))
        add("% successful (YTD)", lambda m: _percent(m.ytd_pct, 1))
        return table
    add("Month", figure)
    if kind in COUNT_KINDS:
        add(
            "Year to date",
            lambda m: number(m.ytd, none="Incomplete" if m.status != NOT_SUBMITTED else ""),
        )
        add("% change on last year (YTD)", lambda m: _change(m.ytd_change_pct, decimals))
        add("Rolling 12 months", lambda m: number(m.r12, none=""))
        if page.per_n:
            add(
                f"Rate {rate_per(page.per_n, page.rate_unit)} (rolling 12 months)",
                lambda m: number(m.rate, 2, none=""),
            )
        if kind == IndicatorKind.CEILING:
            add("Target to date", lambda m: number(m.target_to_date, none=""))
    elif kind in LEVEL_KINDS:
        add("Change on same month last year", lambda m: _change(m.value_change_pct, decimals))
    table.rows.extend(TableRow(label, cells) for label, cells in rank_rows(page, months))
    return table


def _percent(value: float | None, decimals: int) -> str:
    return "" if value is None else percent(value, decimals)


def _change(value: float | None, decimals: int) -> str:
    return "" if value is None else change(value, decimals)


def pack_table(page: Page | Mapping[str, Any], month: str) -> FyTable:
    """The table of a pack page: the financial year of the pack's month ('YYYY-MM')."""
    table = fy_table(page, fy_month_labels(month))
    start = dt.date(fy_start_year(_date(month)), 4, 1)
    table.period = (
        f"{fy_label_of(month)} ({month_label(start)} to {month_label(add_months(start, 11))})"
    )
    return table
