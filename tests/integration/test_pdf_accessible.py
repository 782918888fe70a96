"""The board pack's PDF is a tagged, accessible document (issue 16, item 3): PDF/UA-1 declared in
its XMP metadata, its language en-GB, its title, one bookmark per indicator, and a structure tree
with the headings in order, the tables with their header cells, and every chart and icon a
figure with a text alternative."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from submissions.models import PackVersion
from submissions.packs.pdf import PDF_OPTIONS, pack_pdf_bytes, pack_pdf_document
from submissions.packs.pdf_layout import pdf_context
from submissions.packs.schema import snapshot_read

DATA = Path(__file__).resolve().parents[2] / "submissions/demo/data/indicators"
# The seed's 34 indicator pages, in the seed's order (the demo's files are numbered by page).
SEED_TITLES = [yaml.safe_load(p.read_text())["title"] for p in sorted(DATA.glob("*.yaml"))]
# The seed's TNO row "Month", April to December 2016 (board-pack-2016-12.txt, line 18).
TNO_2016 = "Apr 1,383, May 1,639, Jun 1,532, Jul 1,614, Aug 1,438, Sep 1,425, Oct 1,403, "
TNO_2016 += "Nov 1,387, Dec 1,386"
pytestmark = pytest.mark.django_db
TITLE = "Barking and Dagenham CSP board pack, December 2016, version 1"


@pytest.fixture(scope="module")
def rendered(django_db_setup, django_db_blocker) -> tuple[bytes, bytes]:
    """The December 2016 pack (version 1) as the PDF task writes it, and the same document
    written without compression (pypdf reads objects out of compressed object streams one
    slow lookup at a time: its 13,000 structure elements would take many minutes). Laid out
    once (it is slow) and only read: nothing is stored."""
    with django_db_blocker.unblock():
        version = PackVersion.objects.get(round__month="2016-12-01", number=1)
        snapshot = snapshot_read(version.snapshot, version.schema_version)
        document = pack_pdf_document(pdf_context(snapshot, version.number), version)
        return pack_pdf_bytes(document), document.write_pdf(**PDF_OPTIONS, uncompressed_pdf=True)


@pytest.fixture
def pdf(rendered: tuple[bytes, bytes]) -> bytes:
    return rendered[0]


@pytest.fixture
def plain(rendered: tuple[bytes, bytes]) -> bytes:
    """The same structure, uncompressed: for walking its structure tree."""
    return rendered[1]


def _elements(node: Any) -> Iterator[DictionaryObject]:
    """The structure elements under ``node``, in document order (marked-content ids and
    object references that are not elements are skipped)."""
    if isinstance(node, IndirectObject):
        node = node.get_object()
    if isinstance(node, ArrayObject):
        for kid in node:
            yield from _elements(kid)
    elif isinstance(node, DictionaryObject) and "/S" in node:
        yield node
        yield from _elements(node.get("/K", ArrayObject()))


def _tree(content: bytes) -> list[DictionaryObject]:
    root = PdfReader(io.BytesIO(content)).trailer["/Root"]
    return list(_elements(root["/StructTreeRoot"]["/K"]))


def _outline(content: bytes) -> list[tuple[int, str]]:
    """Every bookmark as (level, title), level 1 at the top."""
    found: list[tuple[int, str]] = []

    def walk(items: list[Any], level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                found.append((level, str(item.title)))

    walk(PdfReader(io.BytesIO(content)).outline, 1)
    return found


def test_the_pdf_is_tagged_in_en_gb_and_declares_pdf_ua_1(pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])  # pypdf's BooleanObject
    assert root["/Lang"] == "en-GB"
    assert "/StructTreeRoot" in root
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])  # the title, not the file name
    assert reader.pdf_header == "%PDF-1.7"
    assert reader.metadata is not None and reader.metadata.title == TITLE
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert re.search(r'pdfuaid:part="1"|<pdfuaid:part>1</pdfuaid:part>', xmp), xmp
    assert TITLE in xmp  # dc:title


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils is not installed")
def test_pdfinfo_says_tagged_yes(pdf: bytes, tmp_path: Path) -> None:
    path = tmp_path / "pack.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    fields = dict(
        (k.strip(), v.strip())
        for k, _, v in (line.partition(":") for line in info.stdout.splitlines())
    )
    assert fields["Tagged"] == "yes"
    assert fields["Title"] == TITLE
    assert fields["PDF version"] == "1.7"
    meta = subprocess.run(["pdfinfo", "-meta", str(path)], capture_output=True, text=True)
    assert 'pdfuaid:part="1"' in meta.stdout


def test_one_bookmark_per_indicator_under_the_cover_and_the_call_over(pdf: bytes) -> None:
    assert len(SEED_TITLES) == 34
    assert _outline(pdf) == [
        (1, "Performance board pack: December 2016"),
        (1, "Call over: December 2016"),
        (2, "Key"),
        *((1, title) for title in SEED_TITLES),
    ]


def test_the_headings_run_h1_h2_h3_without_a_skipped_level(plain: bytes) -> None:
    headings = [int(str(e["/S"])[2:]) for e in _tree(plain) if re.fullmatch(r"/H[1-6]", e["/S"])]
    assert headings[:4] == [1, 2, 2, 3]  # the cover, its contents, the call over and its key
    assert headings.count(1) == 1
    # The contents, the call over and one per indicator.
    assert headings.count(2) == 2 + 34
    assert all(b <= a + 1 for a, b in zip(headings, headings[1:], strict=False)), headings
    assert max(headings) == 3


def test_the_tables_have_header_cells_and_their_cells_name_them(plain: bytes) -> None:
    tree = _tree(plain)
    tags = [str(e["/S"]) for e in tree]
    # The call over, and each indicator's table of the year (and PHOF 2.15's categories).
    assert tags.count("/Table") >= 1 + 34
    assert tags.count("/TH") > 34 * 10 and tags.count("/TD") > 34 * 50
    cells = [e for e in tree if e["/S"] == "/TD"]
    named = [c for c in cells if len(c["/A"].get("/Headers", [])) > 0]
    # Every figure of a table names its column's and its row's headers; the empty corner
    # cells of the year tables are the only cells that name none.
    assert len(cells) - len(named) <= 34 + 2, (len(cells), len(named))
    row_and_column = [c for c in named if len(c["/A"]["/Headers"]) == 2]
    assert len(row_and_column) > 34 * 50


def test_every_chart_and_icon_is_a_figure_with_its_text_alternative(plain: bytes) -> None:
    figures = [e for e in _tree(plain) if e["/S"] == "/Figure"]
    assert figures and all(str(f.get("/Alt", "")).strip() for f in figures)
    charts = [str(f["/Alt"]) for f in figures if str(f["/Alt"]).startswith("Chart of ")]
    assert len(charts) >= 34  # every indicator page has its chart of the year at least
    tno = next(
        c for c in charts if c.startswith("Chart of Total Notifiable Offences (TNO's): this")
    )
    assert "(offences in the month)" in tno
    assert f"2016/17: {TNO_2016}." in tno
    # The SPC icons say what they mean.
    assert any("variation" in str(f["/Alt"]).lower() for f in figures)
