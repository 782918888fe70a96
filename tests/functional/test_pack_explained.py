"""Issue 13 items 2 and 4 on the December 2016 pack: every rating beside its rule in words, the
SPC icons drawn as SVG with text alternatives, and a key, on the summary, the pages and the PDF.

Expected words come from the seed's targets (board-pack-2016-12.txt): TNO "Reduction on last
years figures" (the 5% stretch that reproduces the seed's ratings, DESIGN.md), outdoor rubbish
fires "No more than 257", MARAC "between 28% - 40%" with "within 10% of the target" Amber.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

pytestmark = pytest.mark.django_db
DEC = "/packs/E09000002/2016-12/"
ICON = re.compile(
    r'<svg class="spc-icon"[^>]*role="img" aria-label="([^"]+)"[^>]*><title>([^<]+)</title>'
)


@pytest.fixture
def board() -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username="board"))
    return client


def _row(html: str, code: str) -> str:
    start = html.index(f'data-code="{code}"')
    return html[start : html.index("</tr>", start)]


def test_the_summary_states_each_rule_beside_its_rating(board: Client) -> None:
    html = board.get(DEC).content.decode()
    tno = _row(html, "tno")
    # YTD 13,207 against 13,075: +1% (DESIGN.md), so Red, and the reason says so in the same
    # words as the rule, never "against a target of −5%".
    assert "YTD +1% on last year against a target of 5% or more below last year: Red" in tno
    assert (
        "Reduction on last year&#x27;s figures (year to date): Green at 5% or more below last "
        "year, Amber between 5% below and level, Red above last year"
    ) in tno
    assert "−5%" not in tno
    fires = _row(html, "outdoor-rubbish-fires")
    # 257 a year; the seed's target row: 193 to December (round-half-up(257 × 9 / 12)).
    assert "YTD 144 against a target to date of 193: Green" in fires
    assert "No more than 257 fires in the year" in fires and "Amber up to 10% above it" in fires
    marac = _row(html, "marac-repeat-referrals")
    # 28 × 0.9 = 25.2, 40 × 1.1 = 44.
    assert "Amber within 10% of it (25.2% to 44%)" in marac


def test_assurance_is_never_no_target_where_there_is_a_target(board: Client) -> None:
    html = board.get(DEC).content.decode()
    # Rated against 257 a year, but only April–December 2016 are stored: 9 points, no limits.
    fires = _row(html, "outdoor-rubbish-fires")
    assert "No target to assure against" not in fires
    assert "too few months yet for process limits" in fires
    # TNO has limits (from April 2015) and a reduction target: an assurance icon.
    labels = [label for label, _title in ICON.findall(_row(html, "tno"))]
    assert labels[0] == "Common cause variation"
    assert labels[1].startswith("Assurance: ")
    # Monitoring only: nothing to assure against, and it says so.
    assert "No target to assure against" in _row(html, "hate-crime")


def test_the_icons_have_text_alternatives_and_a_key(board: Client) -> None:
    html = board.get(DEC).content.decode()
    icons = ICON.findall(html)
    assert len(icons) > 20
    assert all(label == title and label.strip() for label, title in icons)
    key = html[html.index('id="key"') :]
    key = key[: key.index("</section>")]
    for words in ("Green", "Amber", "Red", "Not rated"):
        assert f">{words}</strong>" in key
    key_labels = {label for label, _title in ICON.findall(key)}
    assert {
        "Common cause variation",
        "Assurance: consistently passing the target",
        "Assurance: consistently failing the target",
        "Assurance: hit and miss against the target",
    } <= key_labels
    assert any(label.startswith("Special cause variation: improving") for label in key_labels)


def test_the_indicator_page_shows_the_rule_and_the_key(board: Client) -> None:
    html = board.get(DEC + "robbery/").content.decode()
    # Robbery: "5% decrease from previous year", −8% YTD: Green (the seed's rating).
    assert "5% decrease on last year (year to date): Green at 5% or more below last year" in html
    assert 'id="key"' in html
    assert 'id="spc"' in html and 'role="img"' in html
