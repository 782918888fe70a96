"""The whole pack as one PDF (WeasyPrint), with server-drawn SVG charts from the chart data."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.template.loader import render_to_string

from submissions.charts import CHARTS, available_charts, chart_data, svg_line_chart
from submissions.models import PackPdf, PackVersion, PdfStatus
from submissions.packs import fy_table, summary_rows

logger = logging.getLogger(__name__)


def pack_pdf_request(*, version: PackVersion, now: dt.datetime) -> tuple[PackPdf, bool]:
    """The version's PDF record, created (and its task queued on commit) the first time."""
    from submissions import tasks

    with transaction.atomic():
        pdf, created = PackPdf.objects.get_or_create(
            version=version, defaults={"requested_at": now, "step": "Waiting to start"}
        )
        stale = pdf.status in {PdfStatus.PENDING, PdfStatus.RUNNING} and (
            pdf.requested_at < now - dt.timedelta(minutes=15)
        )  # its task was lost: queue it again
        if created or stale or pdf.status == PdfStatus.FAILED:
            if not created:
                PackPdf.objects.filter(pk=pdf.pk).update(
                    status="pending", progress=0, error="", requested_at=now
                )
            transaction.on_commit(lambda: tasks.render_pack_pdf.delay(pdf_id=pdf.pk))
    return pdf, created


def _progress(pdf_id: int, progress: int, step: str, **extra: Any) -> None:
    PackPdf.objects.filter(pk=pdf_id).update(progress=progress, step=step, **extra)


def pack_pdf_render(*, pdf_id: int, now: dt.datetime) -> str:
    """Produce and store the PDF. Idempotent: a finished PDF is left as it is."""
    pdf = PackPdf.objects.select_related("version__round__partnership__area").get(pk=pdf_id)
    if pdf.status == PdfStatus.DONE:
        return f"PDF {pdf_id} already produced."
    _progress(pdf_id, 5, "Laying out the pages", status=PdfStatus.RUNNING)
    try:
        return _render(pdf, now)
    except Exception as exc:  # a broken PDF must not look as if it is still coming
        logger.exception("PDF %s failed", pdf_id)
        _progress(pdf_id, 0, "Failed", status=PdfStatus.FAILED, error=str(exc)[:2000])
        raise


def _render(pdf: PackPdf, now: dt.datetime) -> str:
    from weasyprint import HTML

    from submissions.pack_views import fy_labels

    pdf_id = pdf.pk
    version = pdf.version
    snapshot = version.snapshot
    labels = fy_labels(snapshot["month"])
    fy = labels[0][-2:]
    pages = []
    for page in snapshot["indicators"]:
        row = summary_rows({"indicators": [page]})[0]
        charts = [
            svg_line_chart(chart_data(page, name, f"20{fy}/{int(fy) + 1:02d}"), title=CHARTS[name])
            for name in available_charts(page)
        ]
        pages.append({"page": page, "row": row, "table": fy_table(page, labels), "charts": charts})
    html = render_to_string(
        "packs/pdf.html",
        {
            "snapshot": snapshot,
            "version": version,
            "rows": summary_rows(snapshot),
            "pages": pages,
        },
    )
    _progress(pdf_id, 40, "Rendering the PDF")
    document = HTML(string=html).render()
    content = document.write_pdf()
    _progress(
        pdf_id,
        100,
        "Ready",
        status=PdfStatus.DONE,
        content=content,
        pages=len(document.pages),
        finished_at=now,
    )
    return f"PDF {pdf_id}: {len(document.pages)} pages, {len(content):,} bytes."
