"""What a snapshot (from schema version 3) holds for the seed's complete tables: the monthly
rank rows, which figures are estimates, and the volume target to date of a page whose target
is a number of people (issue 13, item 5). A version-2 snapshot reads as ``Tables()``: no rank
rows, no computed history, no figure known to be an estimate, no volume chart (what it showed)."""

from __future__ import annotations

from dataclasses import dataclass

from submissions.packs.records import Record

Number = int | float


@dataclass(frozen=True)
class MonthRank(Record):
    """One group's rank of the area in one month of the financial year."""

    month: str  # "2016-04"
    group: str  # "MET", "MSG"
    position: int | None
    size: int
    source: str  # "computed" (from the comparators' figures) or "supplied" (as the source printed)


@dataclass(frozen=True)
class HistoryYear(Record):
    """A past financial year computed from the stored months (a count's twelve months, all
    stored): its total, the change on the year before (when that year is stored too), the rate
    at its March, and which of its months are estimates."""

    year: str  # "2015/16"
    total: Number
    change_pct: float | None
    rate: float | None
    estimated: tuple[str, ...]  # months ("2016-01") of the year held as estimates


@dataclass(frozen=True)
class Tables(Record):
    ranks: tuple[MonthRank, ...] = ()
    # The five financial years before the pack's, newest first, where the store has them.
    history: tuple[HistoryYear, ...] = ()
    # Months ("2016-01") of this and last financial year whose stored figure is an estimate.
    estimated: tuple[str, ...] = ()
    # A volume target ("24 individuals"): the target to date and the achieved to date, by month
    # of the financial year (April first); None when the page has no volume target.
    volume_to_date: tuple[Number | None, ...] | None = None
    volume_achieved: tuple[Number | None, ...] | None = None


TABLES_V2_DEFAULT: dict[str, object] = {
    "ranks": [],
    "history": [],
    "estimated": [],
    "volume_to_date": None,
    "volume_achieved": None,
}
