"""The latest available period of a lagged figure, as the pack prints it (issue 13, item 1).

A rolling figure, a cohort rate or a quarterly or annual level shows its latest figure stored at
or before the pack's month (``indicators.engine.lagged``): this module turns the snapshot's
metrics into the words beside it, for the summary, the indicator page, the PDF and the exports.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from indicators.engine.formatting import DASH, change, figure, number, percent
from submissions.packs.schema import Page

RAG_WORDS = {"R": "Red", "A": "Amber", "G": "Green"}


@dataclass(frozen=True)
class CategoryLine:
    label: str
    figure: str  # "6.7% (31 / 461)"
    baseline: str  # "9.5% (44 / 464)"
    direction: str  # "↓", "↑", "→" or ""
    target: str  # "7.94%–16.67%"
    rag: str  # "Red", or "Not rated"


@dataclass(frozen=True)
class Latest:
    label: str  # "12 months to June 2016"
    age: str  # "6 months old"
    figure: str  # "131"
    previous: str  # the same period a year earlier: "109", or "–"
    change: str  # "+20%", "n/a"
    baseline_label: str = ""
    categories: list[CategoryLine] = field(default_factory=list)

    def sentence(self) -> str:
        """'131 in the 12 months to June 2016 (6 months old), against 109 a year earlier
        (+20%)'."""
        if self.categories:
            parts = "; ".join(f"{c.label} {c.figure}" for c in self.categories)
            return f"{parts}: {self.label} ({self.age})"
        text = f"{self.figure}: {self.label} ({self.age})"
        if self.previous != DASH:
            text += f", against {self.previous} a year earlier ({self.change})"
        else:
            text += ", no figure for a year earlier"
        return text


def _value(value: float | int | None, decimals: int) -> str:
    if value is None:
        return DASH
    if float(value).is_integer() and decimals:
        return number(value, decimals)
    return figure(value, none=DASH)


def _share(pct: float | None, num: int | None, den: int | None, decimals: int) -> str:
    if pct is None:
        return DASH
    return f"{percent(pct, decimals)} ({number(num)} / {number(den)})"


def latest_of(page: Page) -> Latest | None:
    """The latest available period of a lagged page, or None for a page of monthly figures (or
    a snapshot older than version 3, whose metrics name no figure month)."""
    m = page.metrics
    lagged = page.kind == "rolling" or (page.kind == "snapshot" and page.frequency != "monthly")
    if not lagged or m.figure_month is None:
        return None
    lines = []
    baseline_label = ""
    for code, cat in (m.categories or {}).items():
        if cat.pct is None and cat.numerator is None:
            continue
        label = next((c.label for c in page.categories if c.code == code), code)
        if cat.change_points is None:
            arrow = ""
        else:
            arrow = "↑" if cat.change_points > 0 else ("↓" if cat.change_points < 0 else "→")
        target = (
            f"{cat.lower:g}%–{cat.upper:g}%"
            if cat.lower is not None and cat.upper is not None
            else ""
        )
        baseline_label = baseline_label or cat.baseline_period
        lines.append(
            CategoryLine(
                label=label,
                figure=_share(cat.pct, cat.numerator, cat.denominator, page.decimals),
                baseline=_share(
                    cat.baseline_pct,
                    cat.baseline_numerator,
                    cat.baseline_denominator,
                    page.decimals,
                ),
                direction=arrow,
                target=target,
                rag=RAG_WORDS.get(cat.rag or "", "Not rated"),
            )
        )
    if m.month_value is None and not lines:
        return None  # no figure at all: the table says why ("TBC")
    return Latest(
        label=m.period_label,
        age=m.period_age,
        figure=_value(m.month_value, page.decimals),
        previous=_value(m.previous_value, page.decimals),
        change=change(m.value_change_pct, page.decimals),
        baseline_label=baseline_label,
        categories=lines,
    )
