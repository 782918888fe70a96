"""Chart data for pack pages: one builder, served as Chart.js JSON and drawn as SVG for the PDF.

``views.PackChartView`` (django-chartjs's line-chart view) serves it trimmed to the two keys
Chart.js reads (labels and datasets), with numbers as numbers.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from indicators.engine.formatting import fy_label_of, number
from submissions.packs.chart_marks import axis_range, mark_estimates, volume_chart, y_title
from submissions.packs.schema import Page

BLUE, GREY, RED, BLACK, GREEN, ORANGE, LIGHT = (
    "#1d70b8",
    "#505a5f",
    "#d4351c",
    "#0b0c0c",
    "#00703c",
    "#f47738",
    "#b1b4b6",
)
CHARTS = {
    "year": "This year against last year, by month",
    "cumulative": "Year to date against the target to date",
    "xmr": "Statistical process control (XmR) chart",
}
SIGNAL_COLOURS = {"improving": GREEN, "concerning": RED, "neutral": ORANGE}


def available_charts(page: Page) -> list[str]:
    chart = page.chart
    names = ["year"]
    if chart and chart.target_to_date or page.tables.volume_to_date:
        names.append("cumulative")
    if chart and chart.xmr:
        names.append("xmr")
    return names


def chart_data(page: Page, name: str, month: str) -> dict[str, Any]:
    """{"labels": [...], "datasets": [...], "yTitle": "..."} for one of the charts of a page of
    the pack of ``month`` ('YYYY-MM'); estimated points are drawn as triangles."""
    data = _chart_data(page, name, month)
    data["yTitle"] = y_title(page, name)
    mark_estimates(data, page, month, name)
    return data


def _chart_data(page: Page, name: str, month: str) -> dict[str, Any]:
    chart = page.chart
    labels = list(chart.labels) if chart else []
    if name == "year":
        return {
            "labels": labels,
            "datasets": [
                {
                    "label": fy_label_of(month),
                    "data": list(chart.this_year) if chart else [],
                    "borderColor": BLUE,
                    "backgroundColor": BLUE,
                },
                {
                    "label": "Last year",
                    "data": list(chart.last_year) if chart else [],
                    "borderColor": GREY,
                    "backgroundColor": GREY,
                    "borderDash": [6, 4],
                },
            ],
        }
    if name == "cumulative" and chart and chart.target_to_date:
        return {
            "labels": labels,
            "datasets": [
                {
                    "label": "Year to date",
                    "data": list(chart.cumulative or []),
                    "borderColor": BLUE,
                    "backgroundColor": BLUE,
                },
                {
                    "label": "Target to date",
                    "data": list(chart.target_to_date),
                    "borderColor": RED,
                    "backgroundColor": RED,
                    "borderDash": [6, 4],
                },
            ],
        }
    if name == "cumulative" and page.tables.volume_to_date:
        return volume_chart(page, labels)
    if name == "xmr" and chart and chart.xmr:
        xmr = chart.xmr
        n = len(xmr.labels)
        return {
            "labels": list(xmr.labels),
            "datasets": [
                {
                    "label": "Value",
                    "data": list(xmr.values),
                    "borderColor": GREY,
                    "backgroundColor": GREY,
                    "pointBackgroundColor": [
                        SIGNAL_COLOURS.get(s or "", GREY) for s in xmr.signals
                    ],
                    "pointRadius": [5 if s else 3 for s in xmr.signals],
                },
                {
                    "label": "Mean",
                    "data": [xmr.mean] * n,
                    "borderColor": BLACK,
                    "pointRadius": 0,
                },
                {
                    "label": "Upper process limit",
                    "data": [xmr.upper] * n,
                    "borderColor": LIGHT,
                    "borderDash": [4, 4],
                    "pointRadius": 0,
                },
                {
                    "label": "Lower process limit",
                    "data": [xmr.lower] * n,
                    "borderColor": LIGHT,
                    "borderDash": [4, 4],
                    "pointRadius": 0,
                },
            ],
        }
    raise Http404("No such chart for this indicator")


def svg_line_chart(
    data: dict[str, Any],
    *,
    width: int = 520,
    height: int = 220,
    title: str = "",
    legend: bool = True,
    description: str = "",
) -> str:  # noqa: C901  # one drawing, top to bottom
    """A server-drawn SVG of the same data (WeasyPrint runs no JavaScript). Without ``legend``
    the caller prints the title and the key beside it (the PDF does, as text that wraps). The
    drawing's text alternative is ``description`` (``chart_text``: what it shows, in words and
    figures), else its title; a tagged PDF takes it from the ``<title>`` element."""
    from html import escape

    alt = escape(description or title)

    labels = data["labels"]
    series = [d for d in data["datasets"] if any(v is not None for v in d["data"])]
    values = [v for d in series for v in d["data"] if v is not None]
    left, right = 48, 10
    top, bottom = (24 if title and legend else 8), (36 if legend else 18)
    if not values or not labels:
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="60" '
            f'role="img" aria-label="{alt}: no data"><title>{alt}: no data</title>'
            f'<text x="4" y="30" font-size="12">No data to chart</text></svg>'
        )
    lo, hi = axis_range(values)
    span_x = max(1, len(labels) - 1)

    def x(i: int) -> float:
        return left + (width - left - right) * i / span_x

    def y(v: float) -> float:
        return top + (height - top - bottom) * (1 - (v - lo) / (hi - lo))

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{alt}"><title>{alt}</title>',
    ]
    if title and legend:
        parts.append(
            f'<text x="{left}" y="14" font-size="11" font-weight="bold">{escape(title)}</text>'
        )
    for frac in (0, 0.5, 1):
        v = lo + (hi - lo) * frac
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
            f'stroke="#e5e5e5"/><text x="{left - 4}" y="{y(v) + 4:.1f}" font-size="9" '
            f'text-anchor="end">{number(v)}</text>'
        )
    if data.get("yTitle"):
        mid = top + (height - top - bottom) / 2
        parts.append(
            f'<text x="10" y="{mid:.1f}" font-size="9" text-anchor="middle" '
            f'transform="rotate(-90 10 {mid:.1f})">{escape(data["yTitle"])}</text>'
        )
    for i, label in enumerate(labels):
        if len(labels) <= 12 or i % 3 == 0:
            parts.append(
                f'<text x="{x(i):.1f}" y="{height - bottom + 14}" font-size="9" '
                f'text-anchor="middle">{escape(str(label))}</text>'
            )
    for n, d in enumerate(series):
        colour = d.get("borderColor", BLACK)
        dash = ' stroke-dasharray="5,3"' if d.get("borderDash") else ""
        path, pen = [], "M"
        for i, v in enumerate(d["data"]):
            if v is None:
                pen = "M"
                continue
            path.append(f"{pen}{x(i):.1f},{y(v):.1f}")
            pen = "L"
        if path:
            parts.append(
                f'<path d="{" ".join(path)}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>'
            )
        points = d.get("pointBackgroundColor")
        if isinstance(points, list):
            for i, v in enumerate(d["data"]):
                if v is not None:
                    parts.append(
                        f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" fill="{points[i]}"/>'
                    )
        styles = d.get("pointStyle")
        if isinstance(styles, list):  # an estimate: a hollow triangle, as on the page
            for i, v in enumerate(d["data"]):
                if v is not None and styles[i] == "triangle":
                    cx, cy = x(i), y(v)
                    parts.append(
                        f'<path d="M{cx:.1f},{cy - 4:.1f} L{cx + 4:.1f},{cy + 3:.1f} '
                        f'L{cx - 4:.1f},{cy + 3:.1f} Z" fill="white" stroke="{colour}"/>'
                    )
        if not legend:
            continue
        ly = height - 10
        lx = left + n * 130
        parts.append(
            f'<line x1="{lx}" x2="{lx + 16}" y1="{ly - 3}" y2="{ly - 3}" '
            f'stroke="{colour}" stroke-width="2"{dash}/><text x="{lx + 20}" y="{ly}" '
            f'font-size="9">{escape(d.get("label", ""))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _figure(value: float) -> str:
    return number(value, 0 if float(value).is_integer() else 1)


def chart_text(data: dict[str, Any], *, chart: str, subject: str) -> str:
    """A chart in words, its text alternative: what it shows and every figure it draws
    ("Chart of Total Notifiable Offences, this year against last year, by month (offences in
    the month). 2016/17: Apr 1,383, May 1,639, … Dec 1,386. …"). A line that is the same in
    every month (an XmR chart's mean and limits) is given once."""
    labels = [str(label) for label in data["labels"]]
    unit = f" ({data['yTitle'][:1].lower()}{data['yTitle'][1:]})" if data.get("yTitle") else ""
    parts = [f"Chart of {subject}: {chart[:1].lower()}{chart[1:]}{unit}."]
    for d in data["datasets"]:
        points = [(labels[i], v) for i, v in enumerate(d["data"]) if v is not None]
        if not points:
            continue
        label = d.get("label", "") or "Figures"
        if len({v for _, v in points}) == 1 and len(points) > 2:
            parts.append(f"{label}: {_figure(points[0][1])} throughout.")
            continue
        figures = ", ".join(f"{when} {_figure(v)}" for when, v in points)
        parts.append(f"{label}: {figures}.")
    if len(parts) == 1:
        parts.append("No figures to chart.")
    return " ".join(parts)
