"""The PDF's pages laid out like a board pack: a cover with the contents, the call over, then
one A4 landscape page per indicator (issue 13, item 8).

An indicator page holds a fixed frame (headline, rating, table, two charts) and texts of any
length. Each page gets a type size from an estimate of its texts (``fit_level``): 8pt, 7.5pt or
7pt, never smaller. A page whose texts would not fit even at 7pt has its longest texts cut at a
word, each saying so and where the rest is ("continued in the web pack: <address>"); nothing is
cut silently. The estimate only chooses where to start: ``pdf._render`` checks the laid-out
document and takes a page that still runs over one size smaller (or cuts it) before it stores
anything.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.urls import reverse

from indicators.engine.formatting import month_label
from submissions.packs.charts import (
    CHARTS,
    available_charts,
    chart_data,
    chart_text,
    svg_line_chart,
)
from submissions.packs.latest import Latest, latest_of
from submissions.packs.pages import SummaryRow, pack_table, summary_rows
from submissions.packs.schema import PackSnapshot, Page

# Type sizes (pt) of an indicator page's texts, largest first; 7pt is the floor the board reads.
LEVELS: tuple[float, ...] = (8.0, 7.5, 7.0)
SMALLEST = len(LEVELS) - 1
# The page's frame, in mm (A4 landscape less the margins the PDF template sets).
PAGE_WIDTH, PAGE_HEIGHT = 277.0, 186.0
ABOUT_WIDTH = 0.34 * PAGE_WIDTH  # the right-hand column: the indicator's standing texts
NOTES_WIDTH = (PAGE_WIDTH - ABOUT_WIDTH) / 2 - 4  # each of the two columns under the charts
CHART_HEIGHT = 52.0  # a chart with its legend
# DejaVu Sans: an average character is about 0.56 em wide; lines are 1.25 em apart.
CHAR_EM, LINE_EM = 0.56, 1.25
MM_PER_PT = 0.3528
CUT_FLOOR = 160  # a cut text keeps at least this many characters


def _lines(text: str, width_mm: float, pt: float) -> int:
    per_line = max(10, int(width_mm / (pt * MM_PER_PT * CHAR_EM)))
    return sum(max(1, math.ceil(len(par) / per_line)) for par in (text or "–").splitlines() or [""])


def _height(lines: int, pt: float) -> float:
    return lines * pt * LINE_EM * MM_PER_PT


@dataclass
class Block:
    """One text of an indicator page, and whether it had to be cut to fit."""

    key: str
    heading: str
    text: str
    cut: bool = False


@dataclass
class PdfPage:
    page: Page
    row: SummaryRow
    table: Any  # pages.FyTable
    charts: list[dict[str, Any]]
    url: str
    about: list[Block]
    notes: list[Block]
    missing: str
    latest: Latest | None = None  # a lagged figure's latest available period
    level: int = 0
    cuts: int = 0  # how many times the texts were cut (each cut tighter)

    @property
    def pt(self) -> float:
        return LEVELS[self.level]

    @property
    def blocks(self) -> dict[str, Block]:
        return {b.key: b for b in [*self.about, *self.notes]}

    @property
    def any_cut(self) -> bool:
        return any(b.cut for b in [*self.about, *self.notes])


@dataclass
class PdfContext:
    snapshot: PackSnapshot
    rows: list[SummaryRow]
    pages: list[PdfPage] = field(default_factory=list)


def _legend(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "label": d.get("label", ""),
            "colour": d.get("borderColor", "#0b0c0c"),
            "dashed": bool(d.get("borderDash")),
        }
        for d in data["datasets"]
        if any(v is not None for v in d["data"])
    ]


def pdf_charts(page: Page, month: str) -> list[dict[str, Any]]:
    """The page's two charts: this year against last year, and the year to date against its
    target where there is one, else the XmR chart (the design's "target to date or XmR")."""
    names = available_charts(page)
    chosen = names[:1] + [n for n in names[1:] if n == "cumulative"][:1]
    if len(chosen) < 2:
        chosen += [n for n in names if n == "xmr"]
    charts = []
    for name in chosen[:2]:
        data = chart_data(page, name, month)
        charts.append(
            {
                "title": CHARTS[name],
                "svg": svg_line_chart(
                    data,
                    width=360,
                    height=185,
                    title=CHARTS[name],
                    legend=False,
                    description=chart_text(data, chart=CHARTS[name], subject=page.title),
                ),
                "legend": _legend(data),
            }
        )
    return charts


def _missing(page: Page) -> str:
    """The months missing from the year to date, those with the same status and reason together
    ("April 2016 to December 2016 (9 months) not available (TBC: …)")."""
    groups: dict[tuple[str, str], list[str]] = {}
    for m in page.metrics.missing_months:
        when = month_label(dt.date(int(m.month[:4]), int(m.month[5:7]), 1))
        groups.setdefault((m.status, m.reason), []).append(when)
    parts = []
    for (status, reason), months in groups.items():
        when = ", ".join(months) if len(months) < 3 else f"{months[0]} to {months[-1]}"
        count = f" ({len(months)} months)" if len(months) >= 3 else ""
        words = f"{when}{count} {status.replace('_', ' ')}"
        parts.append(f"{words} ({reason})" if reason else words)
    return "; ".join(parts)


def _about(page: Page, row: SummaryRow) -> list[Block]:
    t = page.texts
    history = "\n".join(
        (f"{h.year}: " if h.year else "") + h.text + (f" ({h.note})" if h.computed else "")
        for h in row.history
    )
    return [
        Block("definition", "Definition", t.definition),
        Block("how_it_works", "How this indicator works", t.how_it_works),
        Block("what_good_looks_like", "What good looks like", t.what_good_looks_like),
        Block("why_important", "Why this indicator is important", t.why_important),
        Block("target", "Target", page.target.text if page.target else "No target stated"),
        Block("history", "History with this indicator", history),
        Block("issues_to_consider", "Any issues to consider", t.issues_to_consider),
    ]


def _notes(page: Page) -> list[Block]:
    c = page.commentary
    blocks = [Block("performance_overview", "Performance overview", c.performance_overview)]
    if page.commentary_findings:
        found = "; ".join(f.message for f in page.commentary_findings)
        blocks.append(Block("findings", "Checked against the figures", found))
    actions = "\n".join(
        f"{a.text} — {a.owner}"
        + (f", due {a.due_label}" if a.due_label else "")
        + f": {a.status_label}"
        + (" (overdue)" if a.overdue else "")
        for a in page.action_log
    )
    blocks.append(
        Block("actions", "Actions to sustain or improve performance", actions or c.actions)
    )
    blocks.append(Block("benchmarking", "Benchmarking", c.benchmarking))
    return blocks


def _header_height(p: PdfPage) -> float:
    pt = p.pt
    missing = _height(_lines(p.missing, PAGE_WIDTH, pt), pt) if p.missing else 0
    if p.latest is not None:  # its sentence, or a line per category and a heading
        missing += _height(2 + len(p.latest.categories), pt) + 2
    head = 5 + 12 * LINE_EM * MM_PER_PT * _lines(p.page.title, PAGE_WIDTH, 12)
    rating = " ".join([p.row.rag_reason, p.row.rag_rule, p.row.judgement])
    table_rows = len(p.table.rows) + 1
    wrapped = sum(1 for r in p.table.rows if len(r.label) > 34)
    table = _height(table_rows + wrapped, pt) + table_rows * 0.6
    return head + _height(3 + _lines(rating, PAGE_WIDTH, pt), pt) + table + missing


def _demand(blocks: list[Block], width: float, pt: float) -> float:
    return sum(_height(_lines(b.text, width, pt) + 1, pt) + 1.2 for b in blocks)


def _column_demand(name: str, blocks: list[Block], width: float, pt: float) -> float:
    """The height (mm) a column's texts take; those under the charts flow through two columns
    (each block's heading may start a column, hence a line each more)."""
    if name == "notes":
        return _demand(blocks, width, pt) / 2 + _height(len(blocks), pt)
    return _demand(blocks, width, pt)


def overflow(p: PdfPage) -> float:
    """How far (mm) the page's texts are estimated to run past the page at its type size."""
    return max(_over(p, "about"), _over(p, "notes"))


def _columns(p: PdfPage) -> dict[str, tuple[list[Block], float, float]]:
    """Each text column: its blocks, its width and the height (mm) estimated free for it."""
    room = PAGE_HEIGHT - _header_height(p)
    charts = CHART_HEIGHT if any(c["legend"] for c in p.charts) else 12
    return {
        "about": (p.about, ABOUT_WIDTH - 4, room),
        "notes": (p.notes, NOTES_WIDTH, room - charts - 4),
    }


def _cut(name: str, blocks: list[Block], width: float, pt: float, budget: float) -> None:
    """Cut the longest texts at a word until the column's estimate is within ``budget`` (mm),
    each saying so (the template adds where the rest is)."""
    while _column_demand(name, blocks, width, pt) > budget:
        longest = max(blocks, key=lambda b: len(b.text))
        keep = max(CUT_FLOOR, int(len(longest.text) * 0.8))
        if keep >= len(longest.text):
            return
        longest.text = longest.text[:keep].rsplit(" ", 1)[0].rstrip(" ,;:.") + " …"
        longest.cut = True


def _over(p: PdfPage, name: str) -> float:
    blocks, width, space = _columns(p)[name]
    return _column_demand(name, blocks, width, p.pt) - space


def _balance(p: PdfPage) -> None:
    """Move the standing texts that overfill their column, last first, to the end of the
    columns under the charts while those have room."""
    while len(p.about) > 1 and _over(p, "about") > 0:
        block = p.about.pop()
        p.notes.append(block)
        if _over(p, "notes") > 0:
            p.notes.pop()
            p.about.append(block)
            return


def fit(p: PdfPage) -> None:
    """The largest type size at which the page's texts are estimated to fit (the standing texts
    moved under the charts where there is room); else the smallest with its longest texts cut."""
    p.level = 0
    _balance(p)
    while p.level < SMALLEST and overflow(p) > 0:
        p.level += 1
        _balance(p)
    for name, (blocks, width, space) in _columns(p).items():
        _cut(name, blocks, width, p.pt, space)


def shrink(p: PdfPage, columns: set[str]) -> None:
    """The page ran over when laid out (in ``columns``): one size smaller, or at the smallest
    its longest texts in those columns cut to 85% of what they took."""
    if p.level < SMALLEST:
        p.level += 1
        return
    p.cuts += 1
    for name, (blocks, width, _space) in _columns(p).items():
        if name in columns:
            _cut(name, blocks, width, p.pt, 0.85 * _column_demand(name, blocks, width, p.pt))


def web_address(snapshot: PackSnapshot, number: int, code: str) -> str:
    path = reverse("packs:indicator", args=[snapshot.area.code, snapshot.month, code])
    return f"{settings.SITE_URL}{path}?version={number}"


def pdf_context(snapshot: PackSnapshot, version_number: int) -> PdfContext:
    """Everything the PDF template shows, each indicator page fitted to its page."""
    month = snapshot.month
    context = PdfContext(snapshot=snapshot, rows=summary_rows(snapshot))
    for page, row in zip(snapshot.indicators, context.rows, strict=True):
        p = PdfPage(
            page=page,
            row=row,
            table=pack_table(page, month),
            charts=pdf_charts(page, month),
            url=web_address(snapshot, version_number, page.code),
            about=_about(page, row),
            notes=_notes(page),
            missing=_missing(page),
            latest=latest_of(page),
        )
        fit(p)
        context.pages.append(p)
    return context
