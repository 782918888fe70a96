"""The pack's finishing words: missing months in the engine's words (never "2016-07 available"),
runs of months said once, and the vendored GOV.UK Frontend CSS asking for no font."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from submissions.packs.pages import missing_text
from submissions.packs.schema import MissingMonth

ROOT = Path(__file__).resolve().parents[2]


def test_a_month_not_available_says_so_in_words() -> None:
    # The ATR page printed "Incomplete: 2016-07 available" (the template cut "not_" away).
    text = missing_text([MissingMonth("2016-07", "not_available", "impossible figure, held out")])
    assert text == "July 2016 not available (impossible figure, held out)"


def test_a_run_of_months_with_the_same_reason_is_said_once() -> None:
    months = [MissingMonth(f"2016-{m:02d}", "not_available", "TBC") for m in range(8, 13)]
    months.append(MissingMonth("2017-01", "not_submitted", ""))
    assert (
        missing_text(months)
        == "August – December 2016 not available (TBC); January 2017 not yet submitted"
    )
    across = [MissingMonth("2016-12", "suppressed", ""), MissingMonth("2017-01", "suppressed", "")]
    assert missing_text(across) == "December 2016 – January 2017 suppressed"


def test_the_vendored_govuk_frontend_css_loads_no_font() -> None:
    spec = importlib.util.spec_from_file_location(
        "vendor_govuk_frontend", ROOT / "scripts" / "vendor_govuk_frontend.py"
    )
    assert spec and spec.loader
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    css = (script.TARGET / "govuk-frontend.min.css").read_text()
    assert "@font-face" not in css and "/assets/fonts/" not in css and "sourceMappingURL" not in css
    assert "GDS Transport,arial,sans-serif" in css  # the stacks fall back to Arial
    sample = (
        "/*! Copyright (c) 2011 by Margaret Calvert & Henrik Kubel. */@font-face{font-family:GDS "
        'Transport;src:url(/assets/fonts/light.woff2) format("woff2")}.a{color:red}\n'
        "/*# sourceMappingURL=govuk-frontend.min.css.map */\n"
    )
    assert script.without_fonts(sample) == ".a{color:red}\n"
