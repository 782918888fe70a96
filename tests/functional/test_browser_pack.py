"""Acceptance: the board member reads the December 2016 pack in a real browser, and every page
in reach passes axe-core's accessibility checks."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.conf import settings

from submissions.demo import demo_load
from submissions.jobs import background_jobs_wait
from submissions.models import Submission

pytestmark = pytest.mark.django_db(transaction=True)
AXE = Path(__file__).resolve().parents[1] / "assets" / "axe-4.14.1.min.js"
DEC = "/packs/E09000002/2016-12/"
PNG = b"\x89PNG\r\n\x1a\n"
SEED_RATINGS = {
    "tno": "R",
    "violence-with-injury": "A",
    "robbery": "G",
    "burglary": "G",
    "criminal-damage": "R",
    "outdoor-rubbish-fires": "G",
    "arson": "R",
}


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def axe_violations(page) -> list[str]:
    page.wait_for_load_state("load")
    # Evaluated through the DevTools protocol: an injected <script> would be inline script,
    # which the Content-Security-Policy refuses.
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', "
        "'wcag21aa', 'wcag22aa']})"
    )
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}: {v['nodes'][0]['target']})"
        for v in result["violations"]
    ]


def test_the_board_reads_the_december_pack(new_page, eager, tmp_path, settings) -> None:
    settings.EAGER_JOBS_IN_BACKGROUND = True  # as the demo runs: the PDF after the response
    demo_load(password=settings.DEMO_PASSWORD)
    board = new_page()
    sign_in(board, "board")
    assert board.url.endswith(DEC)  # the board lands on the latest published pack
    rows = board.locator("#summary tbody tr[data-code]")
    assert rows.count() == 34
    for code, rag in SEED_RATINGS.items():
        assert board.locator(f"tr[data-code='{code}'] [data-rag]").get_attribute("data-rag") == rag
    # The README's screenshots are ./scripts/screenshots' job; these go to tmp_path, never into
    # the checkout.
    board.set_viewport_size({"width": 1400, "height": 1000})
    assert board.screenshot(path=str(tmp_path / "summary.png")).startswith(PNG)
    assert axe_violations(board) == []
    # The SPC icons are images with names in the accessibility tree, and the key is on show.
    tno = board.locator("tr[data-code='tno']")
    assert tno.get_by_role("img", name="Common cause variation").is_visible()
    assert tno.get_by_role("img", name=re.compile("^Assurance: ")).is_visible()
    assert board.locator("#key").get_by_role("img").count() == 8

    board.get_by_role("link", name="Total Notifiable Offences (TNO's)").click()
    assert "13,207" in board.locator("#fy-table").inner_text()
    board.wait_for_selector("canvas#chart-year[data-drawn='true']")
    points = board.evaluate("document.querySelector('#chart-year').chart.data.datasets[0].data")
    assert points[:9] == [1383, 1639, 1532, 1614, 1438, 1425, 1403, 1387, 1386]
    assert board.screenshot(path=str(tmp_path / "indicator-tno.png")).startswith(PNG)
    assert axe_violations(board) == []

    with board.expect_download() as download:
        board.goto(DEC)
        board.get_by_role("link", name="figures (XLSX)").click()
    import openpyxl

    assert download.value.suggested_filename.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    header = [c.value for c in sheet[1]]
    assert (
        len(
            {
                r[header.index("Indicator code")]
                for r in sheet.iter_rows(min_row=2, values_only=True)
            }
        )
        == 34
    )

    # The first request queues the (eager) task and shows its progress at once: the PDF is
    # produced in the background, then served.
    response = board.request.get(DEC + "pdf")
    assert response.headers["content-type"].startswith("text/html")
    assert "refreshes itself" in response.text() and "Ready" not in response.text()
    assert background_jobs_wait(300)
    response = board.request.get(DEC + "pdf")
    assert response.headers["content-type"] == "application/pdf"
    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(response.body())).pages)
    assert 34 < pages <= 34 + 4  # one page per indicator after at most 4 front pages

    for url in [
        "/packs/",
        f"{DEC}atr-completions/",
        f"{DEC}hate-crime/",
        f"{DEC}asb-satisfaction/",
        f"{DEC}idap-on-programme/",
        f"{DEC}first-time-entrants/",
        f"{DEC}outdoor-rubbish-fires/",
    ]:
        board.goto(url)
        assert axe_violations(board) == [], url


def test_the_cycle_pages_pass_axe_and_work_by_keyboard(new_page) -> None:
    demo_load(password=settings.DEMO_PASSWORD)
    police = new_page()
    sign_in(police, "police")
    assert axe_violations(police) == []
    tno = Submission.objects.get(round__month="2017-01-01", indicator__code="tno")
    police.goto(f"/submissions/{tno.pk}/")
    assert axe_violations(police) == []
    # Keyboard only: tab to the figure, type it, tab on to the submit button and press Enter.
    police.get_by_label("Number of offences").focus()
    police.keyboard.type("1420")
    for _ in range(40):
        police.keyboard.press("Tab")
        if police.evaluate("document.activeElement.textContent.trim()") == "Submit for review":
            break
    police.keyboard.press("Enter")
    assert "submitted for review" in police.locator(".messages").inner_text()

    coordinator = new_page()
    sign_in(coordinator, "coordinator")
    assert axe_violations(coordinator) == []
    coordinator.goto("/review/")
    assert axe_violations(coordinator) == []
    coordinator.goto(f"/submissions/{tno.pk}/")
    assert axe_violations(coordinator) == []
