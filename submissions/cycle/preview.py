"""The figure in context: what an entry's figure does to the pack, before it is approved.

The entry form shows it beside the input (as the lead types, through the preview endpoint, and
server-rendered after a post), the review panel beside approve: last month, the same month last
year, the usual range, and the pack's year to date, change on last year and rating BEFORE
(the approved store alone) and AFTER (the figure in place of the month's approved rows, exactly
the rows approving would store). Both are the engine's (``compute_series`` through
``indicators.services.series_inputs_load``); nothing here holds a rule and nothing is written.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from indicators.engine.formatting import DASH, change, month_label, number, percent
from indicators.engine.periods import add_months
from indicators.engine.rag import NAMES
from indicators.engine.series import change as series_change
from submissions.cycle.numbers import (
    decimal_message,
    parse_decimal,
    parse_whole,
    whole_number_message,
)
from submissions.cycle.validation import Entry, EntryStatus

if TYPE_CHECKING:
    from indicators.engine.series import MonthMetrics
    from submissions.models import Submission

__all__ = ["FigurePreview", "PackSide", "figure_preview", "preview_entry"]

CHART_MONTHS = 24
MAX_TYPED = 30  # longer is no figure a person types


@dataclass(frozen=True)
class PackSide:
    """The pack's figures for the round's month, on one side of approving."""

    label: str  # what the year to date covers: "April to December 2016"
    ytd: str  # "13,207", or a ratio's "87.5% (35 of 40)"
    change: str  # the change on last year of the year to date: "+3%", "No change", "n/a"
    rating: str  # "Green", "Amber", "Red", "None"
    reason: str  # the engine's words for the rating


@dataclass(frozen=True)
class FigurePreview:
    figure: str  # the figure as the pack prints it ("1,421", "87.5% (35 of 40)"), "" if none
    error: str  # why the typed figure was not read ("" when it was)
    last_month: str
    last_year: str
    month_change: str  # this month against the same month last year
    usual_range: str  # "1,255 to 1,650", or "" before there are limits
    before: PackSide
    after: PackSide
    # The last 24 months with the figure in place: (label, value or None, value as printed).
    chart: list[tuple[str, float | None, str]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def _typed(params: dict[str, str], name: str) -> str:
    raw = params.get(name, "")
    if len(raw) > MAX_TYPED:
        raise ValueError(f"{name} too long")
    return raw


def preview_entry(kind: str, params: dict[str, str]) -> tuple[Entry | None, str]:
    """The entry a preview request names (``figure``; a ratio's ``numerator`` and
    ``denominator``), typed as people type them ("1,421"): (None, "") with no figure,
    (None, message) when it is not a number."""
    try:
        if kind == "ratio":
            num = parse_whole(_typed(params, "numerator"))
            den = parse_whole(_typed(params, "denominator"))
            if num is None or den is None:
                return None, ""
            return Entry(numerator=num, denominator=den), ""
        raw = _typed(params, "figure")
        if kind == "rolling":
            dec = parse_decimal(raw)
            return (None, "") if dec is None else (Entry(decimal_value=dec), "")
        whole = parse_whole(raw)
        return (None, "") if whole is None else (Entry(value=whole), "")
    except ValueError:
        noun = "the figure"
        message = decimal_message(noun) if kind == "rolling" else whole_number_message(noun)
        return None, message


def _ytd_text(kind: str, m: MonthMetrics) -> str:
    if kind == "ratio":
        if m.ytd_pct is None:
            return DASH
        return f"{percent(m.ytd_pct, 1)} ({number(m.ytd_numerator)} of {number(m.ytd_denominator)})"
    if m.ytd is None and m.month_value is not None:  # a level: the figure itself
        return number(m.month_value, 0 if float(m.month_value).is_integer() else 2)
    return number(m.ytd)


def _figure_text(kind: str, m: MonthMetrics) -> str:
    if m.status != "reported":
        return ""
    if kind == "ratio":
        return percent(m.month_pct, 1) if m.month_pct is not None else ""
    if m.month_value is None:
        return ""
    text = number(m.month_value, 0 if float(m.month_value).is_integer() else 2)
    return text


def _month_change(kind: str, now: MonthMetrics, year_ago: MonthMetrics) -> str:
    if now.status != "reported" or year_ago.status != "reported":
        return DASH
    if now.value_change_pct is not None:
        return change(now.value_change_pct)
    if kind == "ratio":
        return DASH
    return change(series_change(now.month_value, year_ago.month_value)[1])


def _side(kind: str, m: MonthMetrics) -> PackSide:
    start = date(m.month.year if m.month.month >= 4 else m.month.year - 1, 4, 1)
    label = (
        month_label(m.month)
        if start == m.month
        else f"{month_label(start)} to {month_label(m.month)}"
    )
    return PackSide(
        label=label,
        ytd=_ytd_text(kind, m),
        change=change(m.ytd_change_pct),
        rating=NAMES.get(m.rag, "None"),
        reason=m.rag_reason,
    )


def _entry_rows(entry: Entry) -> bool:
    return bool(
        entry.entry_status in {EntryStatus.NOT_COLLECTED, EntryStatus.NOT_AVAILABLE}
        or entry.categories
        or any(x is not None for x in (entry.value, entry.numerator, entry.decimal_value))
    )


def figure_preview(
    submission: Submission, entry: Entry | None = None, *, error: str = ""
) -> FigurePreview:
    """The figure in context for a submission: ``entry`` as typed, or the saved entry when
    None. Before is the approved store alone (the year to date to the month before when the
    month has no approved figure yet); after has the entry's figure in the month's place."""
    from indicators.services import series_inputs_load
    from submissions.cycle.entry import entry_context, entry_figures, entry_of

    ind = submission.indicator
    kind = ind.kind
    area_id = submission.round.partnership.area_id
    month = submission.round.month
    e = entry if entry is not None else entry_of(submission)
    stored = series_inputs_load(indicator_id=ind.id, area_id=area_id)
    prev = add_months(month, -1)
    before_prev, before_now = stored.metrics([prev, month])
    if _entry_rows(e):
        placed = series_inputs_load(
            indicator_id=ind.id, area_id=area_id, replace={month: entry_figures(e, kind)}
        )
    else:
        placed = stored
    months = [add_months(month, -i) for i in range(CHART_MONTHS - 1, -1, -1)]
    series = placed.metrics(months)
    after = series[-1]
    # Before approving, the pack's latest figures are the month before's (April has none).
    has_month = before_now.status != "not_submitted"
    before = before_now if has_month or month.month == 4 else before_prev
    limits = entry_context(submission)
    lower, upper = limits.spc_lower, limits.spc_upper
    last = {m.month: m for m in series}
    return FigurePreview(
        # A breakdown's figure is its total (the total category's, or the categories' sum).
        figure=f"{fig} in total" if (fig := _figure_text(kind, after)) and e.categories else fig,
        error=error,
        last_month=_figure_text(kind, last[prev]) or DASH,
        last_year=_figure_text(kind, last[add_months(month, -12)]) or DASH,
        month_change=_month_change(kind, after, last[add_months(month, -12)]),
        usual_range=f"{number(lower)} to {number(upper)}"
        if lower is not None and upper is not None
        else "",
        before=_side(kind, before),
        after=_side(kind, after) if after.status == "reported" else _side(kind, before),
        chart=[
            (
                month_label(m.month),
                m.month_pct if kind == "ratio" else m.month_value,
                _figure_text(kind, m) or DASH,
            )
            for m in series
        ],
    )
