"""The pack snapshot, typed: everything a published pack shows, and every shape ever stored.

A published version's snapshot is stored as JSON (``PackVersion.snapshot``) and never rewritten
(ADR 0004). Its shape has a number, kept on the row (``PackVersion.schema_version``) and, from
version 2, in the snapshot itself. Readers never index the JSON: ``snapshot_read`` upgrades an
older shape in memory, one step at a time (``UPGRADES``), and returns a ``PackSnapshot``. See
docs/adr/0012-pack-snapshot-schema-versions.md.

- Version 1: the shape written before versions were named (no ``schema_version`` key). While the
  packs were being built, early version-1 snapshots were written without some keys (the chart,
  then the frequency, the suppression threshold and four month figures, then the rate's
  population); reading version 1 fills them as the pages always did ("no chart", "<10", "").
- Version 2: version 1 complete, with ``schema_version`` in the snapshot.
- Version 3: each page's metrics name the period their figures cover (``period_*``,
  ``figure_month``: the latest available period of a lagged kind; ``schema_periods``), and
  categories may be proportions with a baseline and a rating. Each page states the rule behind
  its rating in words (``rag_rule``, from the target and the adoption's tolerance at
  publishing), and holds its ``tables``
  (``schema_tables``: monthly ranks, computed history, estimated months, volume target to date).
  Older snapshots read the rule as "" (not recorded; the pages leave it out) and the tables as
  empty (no monthly rank rows, computed history or marked estimates).
  Version 3 also holds each page's ``action_log`` (``schema_actions.LoggedAction``), the actions
  open in the pack month as they stood at publish; older snapshots read with an empty log (their
  free-text ``commentary.actions`` is what the board saw).

A change to what a snapshot holds is a new version with an upgrade from the one before; a stored
snapshot is never migrated.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from indicators.engine.vocabulary import IndicatorKind
from submissions.packs.records import Record, RecordError
from submissions.packs.schema_actions import V2_PAGE_DEFAULTS, LoggedAction
from submissions.packs.schema_periods import CategoryFigure, page_periods
from submissions.packs.schema_tables import TABLES_V2_DEFAULT, Tables

SCHEMA_VERSION = 3  # what publishing writes

Number = int | float  # counts are ints, rates and percentages floats (2.0 may be stored as 2)


class SnapshotError(ValueError):
    """A stored snapshot that no reader understands: an unknown version or a damaged shape."""


@dataclass(frozen=True)
class Area(Record):
    code: str
    name: str
    short_name: str


@dataclass(frozen=True)
class MonthRow(Record):
    """One month of the financial-year table: the figure as entered and the derived figures."""

    month: str  # "2016-12"
    label: str  # "Dec-16"
    status: str  # reported | suppressed | not_available | not_collected | not_submitted
    reason: str
    value: Number | None
    numerator: int | None
    denominator: int | None
    reference_period: str
    categories: dict[str, int | str | None] | None  # category code -> count, or its status
    ytd: Number | None
    ytd_change_pct: float | None
    r12: Number | None
    rate: float | None
    month_pct: float | None
    ytd_pct: float | None
    ytd_numerator: int | None
    ytd_denominator: int | None
    pct_satisfied: float | None
    value_change_pct: float | None
    target_to_date: Number | None
    rag: str | None


@dataclass(frozen=True)
class Rank(Record):
    group: str
    position: int | None
    size: int
    average: float | None
    source: str  # computed | supplied


@dataclass(frozen=True)
class Spc(Record):
    mean: float | None
    upper: float | None
    lower: float | None
    signal: str | None


@dataclass(frozen=True)
class MissingMonth(Record):
    month: str
    status: str
    reason: str


# The month's metrics hold these keys only for their kinds (``indicators.selectors``).
KIND_METRICS: dict[str, set[str]] = {
    IndicatorKind.RATIO: {"ytd_numerator", "ytd_denominator", "ytd_pct", "month_pct"},
    IndicatorKind.SNAPSHOT: {"previous_value", "value_change_pct"},
    IndicatorKind.ROLLING: {"previous_value", "value_change_pct"},
    IndicatorKind.BREAKDOWN: {"pct_satisfied", "ytd_pct_satisfied"},
}
_ANY_KIND_METRICS = set().union(*KIND_METRICS.values())


def _metric_written(metrics: Metrics, name: str) -> bool:
    if name == "categories":
        return metrics.categories is not None
    return name not in _ANY_KIND_METRICS or name in KIND_METRICS.get(metrics.kind, set())


@dataclass(frozen=True)
class Metrics(Record):
    """The pack month's derived figures (``indicators.selectors.metrics_for_month``)."""

    kind: str
    status: str
    month_value: Number | None
    ytd: Number | None
    ytd_previous: Number | None
    ytd_change_abs: Number | None
    ytd_change_pct: float | None
    r12: Number | None
    r12_previous: Number | None
    r12_change_pct: float | None
    rate: float | None
    ranks: tuple[Rank, ...]
    target_to_date: Number | None
    variance: Number | None
    rag: str | None
    rag_reason: str
    direction: str | None
    variation: str | None
    assurance: str | None
    spc: Spc | None
    missing_months: tuple[MissingMonth, ...]
    computed_at: str | None  # when the figures were recomputed (ISO), not what they are
    # The period the figures cover (version 3): for a lagged kind its latest available period,
    # stored for ``figure_month``, ``period_age_months`` before the pack's month.
    period_start: str  # "2015-07-01"
    period_end: str  # "2016-06-30"
    period_label: str  # "12 months to June 2016"
    period_age_months: int | None  # None where no figure was computed
    period_age: str  # "6 months old", "" where no figure was computed
    figure_month: str | None  # "2016-06", None where no figure was computed
    # Only for some kinds (KIND_METRICS), and categories only for indicators that have them.
    ytd_numerator: int | None = None
    ytd_denominator: int | None = None
    ytd_pct: float | None = None
    month_pct: float | None = None
    previous_value: Number | None = None
    value_change_pct: float | None = None
    pct_satisfied: float | None = None
    ytd_pct_satisfied: float | None = None
    categories: dict[str, CategoryFigure] | None = None

    _written = _metric_written


@dataclass(frozen=True)
class Xmr(Record):
    labels: tuple[str, ...]
    values: tuple[Number, ...]
    signals: tuple[str | None, ...]
    mean: float | None
    upper: float | None
    lower: float | None


@dataclass(frozen=True)
class Chart(Record):
    """The data behind an indicator page's charts (Chart.js on the page, SVG in the PDF)."""

    labels: tuple[str, ...]
    this_year: tuple[Number | None, ...]
    last_year: tuple[Number | None, ...]
    cumulative: tuple[Number | None, ...] | None
    target_to_date: tuple[Number | None, ...] | None
    xmr: Xmr | None


@dataclass(frozen=True)
class Texts(Record):
    definition: str
    how_it_works: str
    what_good_looks_like: str
    why_important: str
    issues_to_consider: str


@dataclass(frozen=True)
class PageTarget(Record):
    kind: str
    text: str


@dataclass(frozen=True)
class HistoryItem(Record):
    year: str
    text: str


@dataclass(frozen=True)
class Commentary(Record):
    performance_overview: str
    actions: str
    benchmarking: str


@dataclass(frozen=True)
class Finding(Record):
    """A sentence of the commentary that the figures contradict."""

    quote: str
    message: str


@dataclass(frozen=True)
class CategoryLabel(Record):
    code: str
    label: str
    is_total: bool


@dataclass(frozen=True)
class Page(Record):
    """One indicator's page of the pack."""

    code: str
    title: str
    portfolio: str
    owner: str
    page_heading: str
    source: str
    kind: str
    unit: str
    polarity: str
    decimals: int
    per_n: int | None
    rate_unit: str  # who the rate counts ("residents aged 1–19"); "" before rates named it
    texts: Texts
    target: PageTarget | None
    history: tuple[HistoryItem, ...]
    months: tuple[MonthRow, ...]
    metrics: Metrics
    commentary: Commentary
    commentary_findings: tuple[Finding, ...]
    rag: str | None  # as computed
    rag_reason: str
    rag_rule: str  # the rule behind the rating, in words ("" before version 3)
    rag_override: str | None  # "R", "A", "G", "None" (rated as not rated) or None (no override)
    rag_override_justification: str
    rag_effective: str | None  # the rating the board sees
    chart: Chart | None  # None only in the earliest version-1 snapshots
    categories: tuple[CategoryLabel, ...]
    suppression_threshold: int | None
    frequency: str
    tables: Tables = field(default_factory=Tables)  # from version 3
    action_log: tuple[LoggedAction, ...] = ()  # from version 3; empty before the log


@dataclass(frozen=True)
class PackSnapshot(Record):
    """A published pack: the area, the month and its indicator pages in pack order."""

    schema_version: int
    area: Area
    month: str  # "2016-12"
    month_label: str  # "December 2016"
    indicators: tuple[Page, ...]

    def page(self, code: str) -> Page | None:
        return next((p for p in self.indicators if p.code == code), None)


# Keys early version-1 snapshots were written without, with what the pages read for them.
_V1_PAGE_DEFAULTS: dict[str, Any] = {
    "chart": None,
    "frequency": "",
    "suppression_threshold": None,
    "rate_unit": "",
}
_V1_MONTH_DEFAULTS: dict[str, Any] = {
    "pct_satisfied": None,
    "value_change_pct": None,
    "ytd_numerator": None,
    "ytd_denominator": None,
}


def _page_v1_to_v2(page: Any) -> Any:
    if not isinstance(page, Mapping) or not isinstance(page.get("months"), list):
        return page  # left for the reader to refuse, with the path
    months = [{**_V1_MONTH_DEFAULTS, **m} if isinstance(m, Mapping) else m for m in page["months"]]
    return {**_V1_PAGE_DEFAULTS, **page, "months": months}


def _v1_to_v2(data: Mapping[str, Any]) -> dict[str, Any]:
    pages = data.get("indicators")
    if isinstance(pages, list):
        pages = [_page_v1_to_v2(p) for p in pages]
    return {**data, "indicators": pages, "schema_version": 2}


# Keys version-3 pages added, with what older snapshots read for them.
_V3_PAGE_DEFAULTS: dict[str, Any] = {"rag_rule": ""}


def _page_v2_to_v3(page: Any, month: str | None = None) -> Any:
    if not isinstance(page, Mapping):
        return page
    page = page_periods(page, month)  # the pack month is the period of its figures
    return {**_V3_PAGE_DEFAULTS, **V2_PAGE_DEFAULTS, "tables": dict(TABLES_V2_DEFAULT), **page}


def _v2_to_v3(data: Mapping[str, Any]) -> dict[str, Any]:
    pages = data.get("indicators")
    month = data.get("month")
    if isinstance(pages, list):
        pages = [_page_v2_to_v3(p, month if isinstance(month, str) else None) for p in pages]
    return {**data, "indicators": pages, "schema_version": 3}


# UPGRADES[n] turns a version-n snapshot into version n + 1 (new objects; the stored one is
# left as it is).
UPGRADES: dict[int, Callable[[Mapping[str, Any]], dict[str, Any]]] = {
    1: _v1_to_v2,
    2: _v2_to_v3,
}


def snapshot_read(data: Any, schema_version: int | None = None) -> PackSnapshot:
    """The typed snapshot of stored JSON of any version ever written.

    ``schema_version`` is the row's; without it, the snapshot's own key says (none: version 1).
    """
    if not isinstance(data, Mapping):
        raise SnapshotError(f"A pack snapshot is a JSON object, not {type(data).__name__}.")
    stated = data.get("schema_version", 1)
    version = stated if schema_version is None else schema_version
    if stated != version:
        raise SnapshotError(
            f"The snapshot says schema version {stated!r} but its row says {version}."
        )
    if not isinstance(version, int) or not 1 <= version <= SCHEMA_VERSION:
        raise SnapshotError(
            f"Pack snapshot schema version {version!r} is unknown to this release "
            f"(it reads 1 to {SCHEMA_VERSION})."
        )
    while version < SCHEMA_VERSION:
        data, version = UPGRADES[version](data), version + 1
    try:
        return PackSnapshot.from_dict(data, path="snapshot")
    except RecordError as exc:
        raise SnapshotError(f"A stored pack snapshot is damaged: {exc}") from exc


def as_snapshot(snapshot: PackSnapshot | Mapping[str, Any]) -> PackSnapshot:
    """A typed snapshot, reading stored JSON (of any version) if that is what was passed."""
    return snapshot if isinstance(snapshot, PackSnapshot) else snapshot_read(snapshot)


def as_page(page: Page | Mapping[str, Any]) -> Page:
    """A typed page, reading one page of stored JSON (any version) if that is what was passed."""
    if isinstance(page, Page):
        return page
    try:
        return Page.from_dict(_page_v2_to_v3(_page_v1_to_v2(page)), path="page")
    except RecordError as exc:
        raise SnapshotError(f"A stored pack page is damaged: {exc}") from exc


def as_pages(snapshot: PackSnapshot | Sequence[Page] | Mapping[str, Any]) -> tuple[Page, ...]:
    """The pages of a typed snapshot, typed pages themselves, or the pages of stored JSON
    holding at least its ``indicators``."""
    if isinstance(snapshot, PackSnapshot):
        return snapshot.indicators
    if isinstance(snapshot, Sequence):
        return tuple(as_page(p) for p in snapshot)
    pages = snapshot.get("indicators")
    if not isinstance(pages, list):
        raise SnapshotError("A pack snapshot's indicators are a list.")
    return tuple(as_page(p) for p in pages)
