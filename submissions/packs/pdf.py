"""The whole pack as one PDF (WeasyPrint), with server-drawn SVG charts from the chart data."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from celery import shared_task
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from indicators.engine.formatting import number
from submissions.jobs import JOB_RETRY, QUEUE_GRACE, STALL, TRANSIENT_ERRORS, queue_on_commit
from submissions.models import PackPdf, PdfStatus
from submissions.packs.pages import pack_key
from submissions.packs.pdf_layout import PdfContext, pdf_context, shrink
from submissions.packs.schema import snapshot_read

logger = logging.getLogger(__name__)
# Layouts at most: the first, then one size smaller (or cut tighter) for any page that ran over.
MAX_PASSES = 4
# A tagged PDF/UA-1 document (issue 16): the structure tree (headings, tables, figures with
# their text alternatives), the language and title of the template, PDF/UA declared in its XMP
# metadata. WeasyPrint's variant sets the PDF version only: the tags are asked for by name.
PDF_OPTIONS: dict[str, Any] = {"pdf_variant": "pdf/ua-1", "pdf_tags": True}


# The task lives beside the service that queues it, so neither imports the other in a circle;
# ``submissions.tasks`` lists it for Celery's autodiscovery. Its name is in beat schedules and
# queued messages: it never changes.
@shared_task(name="submissions.render_pack_pdf", **JOB_RETRY)
def render_pack_pdf(*, pdf_id: int) -> str:
    return pack_pdf_render(pdf_id=pdf_id, now=timezone.now())


def _queue(pdf_id: int, now: dt.datetime) -> None:
    queue_on_commit(
        render_pack_pdf,
        model=PackPdf,
        pk=pdf_id,
        now=now,
        background_when_eager=True,
        pdf_id=pdf_id,
    )


def _lost(now: dt.datetime) -> Q:
    """Records whose task was lost: never handed to the broker, handed over but not started
    within five minutes, or started and not moved for fifteen (its worker died)."""
    return Q(status=PdfStatus.PENDING) & (
        Q(queued_at__isnull=True) | Q(queued_at__lte=now - QUEUE_GRACE)
    ) | Q(status=PdfStatus.RUNNING) & (Q(updated_at__isnull=True) | Q(updated_at__lte=now - STALL))


def _requeue(pdf_id: int, now: dt.datetime, step: str) -> None:
    PackPdf.objects.filter(pk=pdf_id).update(
        status=PdfStatus.PENDING,
        progress=0,
        error="",
        step=step,
        requested_at=now,
        queued_at=now,
        updated_at=now,
    )
    _queue(pdf_id, now)


def pack_pdf_request(*, version_id: int, now: dt.datetime) -> tuple[PackPdf, bool]:
    """The version's PDF record, created (and its task queued on commit) the first time; a
    failed PDF, or one whose task was lost, is queued again. Returned as it stands after the
    commit (an eager task has run by then), without the PDF itself (hundreds of KB: the caller
    reads it with ``pack_pdf_content`` once it is done)."""
    with transaction.atomic():
        pdf, created = PackPdf.objects.defer("content").get_or_create(
            version_id=version_id,
            defaults={
                "requested_at": now,
                "queued_at": now,
                "updated_at": now,
                "step": "Waiting to start",
            },
        )
        if created:
            _queue(pdf.pk, now)
        elif (
            pdf.status == PdfStatus.FAILED
            or PackPdf.objects.select_for_update(skip_locked=True)
            .filter(_lost(now), pk=pdf.pk)
            .exists()
        ):
            _requeue(pdf.pk, now, "Waiting to start")
    return PackPdf.objects.defer("content").get(pk=pdf.pk), created


def pack_pdf_content(pdf_id: int) -> bytes:
    """A done PDF's bytes (``pack_pdf_request`` leaves them unread)."""
    content = PackPdf.objects.values_list("content", flat=True).get(pk=pdf_id)
    return bytes(content or b"")


def pack_pdfs_sweep(*, now: dt.datetime) -> str:
    """Queue again every PDF whose task was lost (see ``_lost``)."""
    with transaction.atomic():
        lost = list(
            PackPdf.objects.select_for_update(skip_locked=True)
            .filter(_lost(now))
            .values_list("pk", flat=True)
        )
        for pdf_id in lost:
            _requeue(pdf_id, now, "Waiting to start (queued again: its task was lost)")
    return f"PDFs: {len(lost)} queued again."


def _progress(pdf_id: int, progress: int, step: str, now: dt.datetime, **extra: Any) -> None:
    PackPdf.objects.filter(pk=pdf_id).update(progress=progress, step=step, updated_at=now, **extra)


def pack_pdf_render(*, pdf_id: int, now: dt.datetime) -> str:
    """Produce and store the PDF. Idempotent: a PDF not waiting to be produced is left alone.

    An error a retry can get past (the database) leaves the PDF waiting for the task's retry;
    any other marks it failed for good (the page offers to try again) without a pointless retry.
    """
    pdf = PackPdf.objects.select_related("version__round__partnership__area").get(pk=pdf_id)
    # Only a waiting PDF is taken, so a task queued twice (the sweep, a retry) renders it once.
    claimed = PackPdf.objects.filter(pk=pdf_id, status=PdfStatus.PENDING).update(
        status=PdfStatus.RUNNING, progress=5, step="Laying out the pages", updated_at=now
    )
    if not claimed:
        return f"PDF {pdf_id} is {pdf.get_status_display().lower()}: nothing to do."
    try:
        return _render(pdf, now)
    except TRANSIENT_ERRORS as exc:
        logger.warning("PDF %s interrupted (%s); its task will try again", pdf_id, exc)
        with contextlib.suppress(DatabaseError):  # else the sweep finds it stalled
            _progress(
                pdf_id,
                0,
                "Interrupted: it will be tried again",
                now,
                status=PdfStatus.PENDING,
                queued_at=now,
            )
        raise
    except Exception as exc:  # a broken PDF must not look as if it is still coming
        logger.exception("PDF %s failed", pdf_id)
        _progress(pdf_id, 0, "Failed", now, status=PdfStatus.FAILED, error=str(exc)[:2000])
        return f"PDF {pdf_id} failed: {exc}"


def _render(pdf: PackPdf, now: dt.datetime) -> str:
    pdf_id = pdf.pk
    version = pdf.version
    snapshot = snapshot_read(version.snapshot, version.schema_version)
    context = pdf_context(snapshot, version.number)
    _progress(pdf_id, 30, "Rendering the PDF", now)

    def refitting(attempt: int, over: dict[str, set[str]]) -> None:
        logger.info("PDF %s: %s ran over a page; pass %s", pdf_id, ", ".join(over), attempt + 1)
        _progress(pdf_id, 30 + 20 * attempt, "Fitting each indicator to one page", now)

    document = pack_pdf_document(context, version, refitting)
    content = pack_pdf_bytes(document)
    _progress(
        pdf_id,
        100,
        "Ready",
        now,
        status=PdfStatus.DONE,
        content=content,
        pages=len(document.pages),
        finished_at=now,
    )
    return f"PDF {pdf_id}: {len(document.pages)} pages, {number(len(content))} bytes."


def pack_pdf_document(
    context: PdfContext,
    version: Any,
    refitting: Callable[[int, dict[str, set[str]]], None] = lambda attempt, over: None,
) -> Any:
    """The laid-out document (WeasyPrint's), each indicator on one page: a page that ran over
    is laid out again one size smaller, or cut tighter (at most ``MAX_PASSES`` layouts)."""
    document = _lay_out(context, version)
    for attempt in range(1, MAX_PASSES):
        over = overflowing(document, context)
        if not over:
            break
        refitting(attempt, over)
        for page in context.pages:
            if page.page.code in over:
                shrink(page, over[page.page.code])
        document = _lay_out(context, version)
    return document


def pack_pdf_bytes(document: Any) -> bytes:
    """The laid-out document as a tagged PDF/UA-1 file."""
    content: bytes = document.write_pdf(**PDF_OPTIONS)
    return content


def _lay_out(context: PdfContext, version: Any) -> Any:
    from weasyprint import HTML

    html = render_to_string(
        "packs/pdf.html",
        {
            "snapshot": context.snapshot,
            "version": version,
            "rows": context.rows,
            "pages": context.pages,
            "key": pack_key(),
        },
    )
    return HTML(string=html).render()


def overflowing(document: Any, context: PdfContext) -> dict[str, set[str]]:
    """The indicators whose page ran onto another (the end of the page is not on the page its
    title is on), each with the text columns that ran over ("about", "notes")."""
    where: dict[str, int] = {}
    for number_, page in enumerate(document.pages):
        for anchor in page.anchors:
            where.setdefault(anchor, number_)
    over = {}
    for p in context.pages:
        code = p.page.code
        start = where.get(f"ind-{code}")
        if where.get(f"end-{code}") != start:
            columns = {c for c in ("about", "notes") if where.get(f"end-{code}-{c}") != start}
            over[code] = columns or {"about", "notes"}
    return over
