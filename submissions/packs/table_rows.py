"""The rows of a pack page's table the seed printed and the pack had lost (issue 13, item 5): a
rank row per comparator group, month by month, the mark on an estimated figure, and the history
of past years computed from the stored months."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from indicators.engine.formatting import change, month_label, number, rate_per
from submissions.packs.schema import MonthRow, Page

ESTIMATED_MARK = " (est.)"
SUPPLIED_MARK = "*"


def rank_rows(page: Page, months: Sequence[MonthRow | None]) -> list[tuple[str, list[str]]]:
    """(label, cells) per comparator group: "21 of 32" each month the group ranks the area.

    A rank computed from the comparators' own figures is printed plain; one supplied as the
    source printed it is marked "*" (the label says which), so the reader knows which is which."""
    by_group: dict[str, dict[str, tuple[int | None, int, str]]] = {}
    for r in page.tables.ranks:
        by_group.setdefault(r.group, {})[r.month] = (r.position, r.size, r.source)
    rows = []
    for group, ranks in by_group.items():
        sources = {source for _p, _s, source in ranks.values()}
        if sources == {"supplied"}:
            label = f"{group} rank (supplied by the source)"
        elif "supplied" in sources:
            label = f"{group} rank (computed; {SUPPLIED_MARK} supplied by the source)"
        else:
            label = f"{group} rank (computed)"
        mixed = len(sources) > 1
        cells = []
        for m in months:
            found = ranks.get(m.month) if m else None
            if found is None or found[0] is None:
                cells.append("")
                continue
            position, size, source = found
            mark = SUPPLIED_MARK if mixed and source == "supplied" else ""
            cells.append(f"{position} of {size}{mark}")
        rows.append((label, cells))
    return rows


def estimated_mark(page: Page, row: MonthRow | None) -> str:
    """ " (est.)" after a figure the store holds as an estimate, else ""."""
    return ESTIMATED_MARK if row is not None and row.month in page.tables.estimated else ""


@dataclass(frozen=True)
class HistoryLine:
    year: str
    text: str  # the computed figures, or the seed's text where none are stored
    computed: bool
    note: str  # for a computed year: its estimates and what the page recorded for it


def history_lines(page: Page) -> list[HistoryLine]:
    """ "History with this indicator": each year computed from the stored months where the store
    has it, else the text recorded on the page; newest first."""
    recorded = {h.year: h.text for h in page.history}
    computed = {h.year: h for h in page.tables.history}
    years = sorted(set(recorded) | set(computed), reverse=True)
    lines = []
    for year in years:
        h = computed.get(year)
        if h is None:
            lines.append(HistoryLine(year, recorded[year], False, ""))
            continue
        parts = [f"{number(h.total)} {page.unit}".strip()]
        if h.change_pct is not None:
            parts[0] += f" ({change(h.change_pct, page.decimals)})"
        if h.rate is not None and page.per_n:
            parts.append(f"{number(h.rate, 2)} {rate_per(page.per_n, page.rate_unit)}")
        notes = ["computed from the stored months"]
        if h.estimated:
            months = ", ".join(month_label(_date(m)) for m in h.estimated)
            notes.append(f"{months} estimated")
        if year in recorded:
            notes.append(f"recorded as: {recorded[year]}")
        lines.append(HistoryLine(year, ", ".join(parts), True, "; ".join(notes)))
    # Lines the page recorded without a year ("N/A") keep their place at the end.
    lines += [HistoryLine("", h.text, False, "") for h in page.history if not h.year]
    return lines


def _date(month: str) -> dt.date:
    return dt.date(int(month[:4]), int(month[5:7]), 1)
