"""No page template carries inline script, inline style or event-handler attributes: the
Content-Security-Policy refuses them all (the browser tests catch what a scan cannot)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted((ROOT / "templates").rglob("*.html"))
# Rendered only by WeasyPrint into a PDF, never served to a browser (submissions/packs/pdf.py).
PDF_ONLY = {ROOT / "templates" / "packs" / "pdf.html"}
# E-mails (csp/mail.py): read in mail clients, which keep only inline styles; never served.
EMAIL = ROOT / "templates" / "email"

INLINE = {
    "inline script": re.compile(
        r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")", re.I
    ),
    "style element": re.compile(r"<style\b", re.I),
    "style attribute": re.compile(r"\sstyle\s*=", re.I),
    "event handler": re.compile(r"\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_template_has_no_inline_script_or_style(path: Path) -> None:
    if path in PDF_ONLY or path.is_relative_to(EMAIL):
        return
    text = path.read_text()
    found = [name for name, pattern in INLINE.items() if pattern.search(text)]
    assert found == []


def test_the_pdf_template_is_only_rendered_for_weasyprint() -> None:
    users = [
        p.relative_to(ROOT)
        for p in [*ROOT.glob("submissions/**/*.py"), *ROOT.glob("csp/**/*.py")]
        if "packs/pdf.html" in p.read_text()
    ]
    assert users == [Path("submissions/packs/pdf.py")]
    assert "weasyprint" in (ROOT / "submissions" / "packs" / "pdf.py").read_text().lower()
