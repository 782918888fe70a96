"""The PDF reads like a board pack (issue 13, item 8): a cover with the contents and their page
numbers, the call over, then one A4 landscape page per indicator; long texts are set smaller
and, only past 7pt, cut with a note saying where the rest is."""

from __future__ import annotations

import dataclasses
import io
import re
import threading
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from csp.celery import app
from submissions.jobs import background_jobs_wait, queue_on_commit
from submissions.models import PackPdf, PackVersion
from submissions.packs.pdf import pack_pdf_document, pack_pdf_render
from submissions.packs.pdf_layout import LEVELS, pdf_context
from submissions.packs.schema import snapshot_read
from tests.integration.conftest import T0

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parents[2] / "submissions/demo/data/indicators"
# The seed's 34 indicator pages, in the seed's order (the demo's files are numbered by page).
SEED_TITLES = [yaml.safe_load(p.read_text())["title"] for p in sorted(DATA.glob("*.yaml"))]
A4_LANDSCAPE = (842, 595)  # points, rounded: 297 x 210 mm


def _squash(text: str) -> str:
    """Text as pypdf extracts it may split or join words ("T otal"): compare without spaces."""
    return re.sub(r"\s+", "", text)


def _december() -> PackVersion:
    return PackVersion.objects.get(round__month="2016-12-01", number=1)


def test_the_december_pdf_has_one_page_per_indicator_after_at_most_4_front_pages() -> None:
    record = PackPdf.objects.create(version=_december(), requested_at=T0, queued_at=T0)
    assert pack_pdf_render(pdf_id=record.pk, now=T0).startswith(f"PDF {record.pk}: ")
    record.refresh_from_db()
    reader = PdfReader(io.BytesIO(bytes(record.content)))
    texts = [_squash(page.extract_text()) for page in reader.pages]
    assert len(SEED_TITLES) == 34
    front = len(texts) - 34
    assert 1 <= front <= 4, f"{len(texts)} pages"
    assert record.pages == len(texts)
    for number, (title, text) in enumerate(zip(SEED_TITLES, texts[front:], strict=True)):
        assert _squash(title) in text, f"page {front + number + 1} is not {title!r}"
        # Its last block is on its own page, not run onto the next.
        assert "Anyissuestoconsider" in text or "Benchmarking" in text, title
    assert all(
        (round(float(p.mediabox.width)), round(float(p.mediabox.height))) == A4_LANDSCAPE
        for p in reader.pages
    )
    # The contents give each indicator's page number: TNO is the first after the front pages.
    contents = texts[0]
    for title, number in [(SEED_TITLES[0], front + 1), (SEED_TITLES[-1], front + 34)]:
        assert re.search(re.escape(_squash(title)) + r"\.*" + f"{number}(?!\\d)", contents)
    assert "Callover:December2016" in texts[1]


def test_texts_too_long_for_a_page_are_set_at_7pt_and_cut_with_a_note_never_silently() -> None:
    version = _december()
    snapshot = snapshot_read(version.snapshot, version.schema_version)
    tno = snapshot.indicators[0]
    words = " ".join(f"word{i}" for i in range(1500))  # ~13,000 characters: no page holds it
    long = dataclasses.replace(
        tno,
        texts=dataclasses.replace(tno.texts, definition=words, how_it_works=words),
        commentary=dataclasses.replace(tno.commentary, performance_overview=words),
    )
    short = snapshot.indicators[1]
    context = pdf_context(dataclasses.replace(snapshot, indicators=(long, short)), 1)
    document = pack_pdf_document(context, version)

    tall, fine = context.pages
    assert LEVELS[tall.level] == 7.0 and tall.any_cut
    assert {k for k, b in tall.blocks.items() if b.cut} >= {"definition", "how_it_works"}
    assert not fine.any_cut
    front = len(document.pages) - 2
    assert front <= 4
    pdf = PdfReader(io.BytesIO(document.write_pdf()))
    page = _squash(pdf.pages[front].extract_text())
    assert "continuedinthewebpack:http" in page
    assert "/packs/E09000002/2016-12/tno/?version=1" in pdf.pages[front].extract_text().replace(
        "\n", ""
    )
    assert "word0" in page  # the start of each text is there; the rest is on the web page
    assert _squash(short.title) in _squash(pdf.pages[front + 1].extract_text())


def test_with_no_broker_a_job_marked_for_the_background_runs_in_a_thread(
    settings, django_capture_on_commit_callbacks
) -> None:
    ran: list[str] = []

    @app.task(name="tests.background_probe")
    def probe(*, value: int) -> None:
        ran.append(f"{threading.current_thread().name}:{value}")

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    settings.EAGER_JOBS_IN_BACKGROUND = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            queue_on_commit(probe, model=PackPdf, pk=0, now=T0, background_when_eager=True, value=7)
        assert background_jobs_wait(10)
        assert ran == ["job-tests.background_probe:7"]  # not the request's thread

        settings.EAGER_JOBS_IN_BACKGROUND = False  # inline, as before
        with django_capture_on_commit_callbacks(execute=True):
            queue_on_commit(probe, model=PackPdf, pk=0, now=T0, background_when_eager=True, value=8)
        assert ran[-1] == f"{threading.current_thread().name}:8"
    finally:
        app.conf.task_always_eager = saved
