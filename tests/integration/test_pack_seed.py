"""The published December 2016 pack (version 1, frozen by the demo loader) is the seed's pack:
its pages in the seed's order with the seed's owners, portfolios, texts, targets and history
(now read from Barking and Dagenham's adoptions, ADR 0015), and its tables' figures.

Expected values come from the seed as transcribed in the demo data files (``printed_rows`` and
the page fields), never from the code under test."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from submissions.models import PackVersion
from tests.integration.test_metrics_seed import FY_MONTHS, PAGES, SEED_ERRORS, _cell, _field

pytestmark = pytest.mark.django_db
PARTNERSHIP = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "submissions/demo/data/partnership.yaml").read_text()
)
AGENCIES = {a["code"]: a["name"] for a in PARTNERSHIP["agencies"]}


def _pages() -> dict[str, dict[str, Any]]:
    version = PackVersion.objects.get(round__month=dt.date(2016, 12, 1), number=1)
    return {p["code"]: p for p in version.snapshot["indicators"]}


def test_the_pages_are_the_seeds_in_its_order_with_its_owners_portfolios_and_texts() -> None:
    pages = _pages()
    assert list(pages) == [p["code"] for p in sorted(PAGES, key=lambda p: p["pack_order"])]
    for seed in PAGES:
        page = pages[seed["code"]]
        assert page["owner"] == AGENCIES[seed["owner"]], seed["code"]
        assert page["portfolio"] == seed["portfolio"], seed["code"]
        texts = {k: (v or "").strip() for k, v in (seed.get("texts") or {}).items()}
        for name in ("definition", "how_it_works", "what_good_looks_like", "why_important"):
            assert page["texts"][name] == texts.get(name, ""), (seed["code"], name)
        assert page["texts"]["issues_to_consider"] == texts.get("issues_to_consider", "")
        assert page["suppression_threshold"] == seed.get("suppression_threshold")
        if isinstance(seed["target"].get("value"), dict):  # per category: rated on its page
            assert page["target"] is None, seed["code"]
        else:
            target = {"kind": seed["target"]["kind"], "text": seed["target"].get("text") or ""}
            assert page["target"] == target, seed["code"]
        history = [
            {"year": h.get("year") or "", "text": (h.get("text") or "").strip()}
            for h in seed.get("history") or []
        ]
        assert page["history"] == history, seed["code"]


MONTH_ROWS = [
    (p["code"], label)
    for p in PAGES
    if p["kind"] in {"count", "ceiling"}
    for label in p.get("printed_rows", {})
    if label.strip().lower() in {"month", "monthly"}
]
FIGURE_ROWS = [
    (p["code"], field, label)
    for p in PAGES
    if p["kind"] in {"count", "ceiling"}
    for label in p.get("printed_rows", {})
    if (field := _field(label)) in {"ytd", "r12"}
]


@pytest.mark.parametrize(("code", "label"), MONTH_ROWS)
def test_the_month_figures_are_the_seeds(code: str, label: str) -> None:
    seed = next(p for p in PAGES if p["code"] == code)
    months = {m["month"]: m for m in _pages()[code]["months"]}
    checked = 0
    for month, cell in zip(FY_MONTHS, seed["printed_rows"][label][:9], strict=True):
        expected = _cell(cell)
        if expected is None:
            continue
        assert months[f"{month:%Y-%m}"]["value"] == expected, f"{code} {month:%b %Y}"
        checked += 1
    assert checked > 0


@pytest.mark.parametrize(("code", "field", "label"), FIGURE_ROWS)
def test_the_year_to_date_and_rolling_figures_are_the_seeds(
    code: str, field: str, label: str
) -> None:
    seed = next(p for p in PAGES if p["code"] == code)
    months = {m["month"]: m for m in _pages()[code]["months"]}
    checked = 0
    for month, cell in zip(FY_MONTHS, seed["printed_rows"][label][:9], strict=True):
        expected = _cell(cell)
        if expected is None or SEED_ERRORS.get((code, field), {}).get(month):
            continue
        assert months[f"{month:%Y-%m}"][field] == expected, f"{code} {field} {month:%b %Y}"
        checked += 1
    assert checked > 0
