"""Imports: a good file stored whole with its audit entry, exports that re-import unchanged,
and ranks from imported boroughs."""

from __future__ import annotations

import datetime as dt
import io
import random

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from csp.celery import app
from csp.models import Area, ComparatorGroup, Population
from indicators.engine.periods import add_months
from indicators.models import DerivedMetric, DerivedRank, MonthValue
from submissions.imports.benchmarks import benchmarks_import
from submissions.imports.common import ImportRefused
from submissions.imports.month_values import month_values_import
from submissions.imports.populations import populations_import
from tests.integration.import_helpers import BD, HEADER, NOW, csv_bytes, refused

pytestmark = pytest.mark.django_db


def test_a_good_file_is_stored_with_an_audit_entry_naming_it() -> None:
    report = month_values_import(
        content=csv_bytes(HEADER, [["Barnet", "tno", "2017-01", "2,345"]]),
        filename="barnet.csv",
        user=None,
        now=NOW,
    )
    assert (report.created, report.stored) == (1, True)
    value = MonthValue.objects.get(area__name="Barnet", indicator__code="tno")
    assert value.value == 2345
    assert value.history.first().history_change_reason == "imported from barnet.csv"
    again = month_values_import(
        content=csv_bytes(HEADER, [["Barnet", "tno", "2017-01", "2345"]]),
        filename="barnet.csv",
        user=None,
        now=NOW,
    )
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)


def test_a_dry_run_checks_and_stores_nothing() -> None:
    report = month_values_import(
        content=csv_bytes(HEADER, [["Barnet", "tno", "2017-01", "5"]]),
        filename="x.csv",
        user=None,
        now=NOW,
        dry_run=True,
    )
    assert report.created == 1 and not report.stored
    assert not MonthValue.objects.filter(area__name="Barnet").exists()


def test_xlsx_files_are_read_too() -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(HEADER)
    book.active.append(["Barnet", "tno", "2017-01", 77])
    buffer = io.BytesIO()
    book.save(buffer)
    report = month_values_import(content=buffer.getvalue(), filename="x.xlsx", user=None, now=NOW)
    assert report.created == 1


def test_the_command_exits_non_zero_on_a_refused_file(tmp_path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes(HEADER, [["Nowhere", "tno", "2017-01", 1]]))
    with pytest.raises(CommandError, match="refused, nothing stored"):
        call_command("import_month_values", str(bad))
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes(HEADER, [["Barnet", "tno", "2017-01", 1]]))
    out = io.StringIO()
    call_command("import_month_values", str(good), stdout=out)
    assert "1 new" in out.getvalue()


def test_populations_and_benchmarks_import() -> None:
    report = populations_import(
        content=csv_bytes(
            ["area", "kind", "series", "value", "in_force_from", "source"],
            [["Barnet", "residents", "residents-mye", "386,083", "2016-06-01", "ONS MYE 2015"]],
        ),
        filename="pop.csv",
        user=None,
        now=NOW,
    )
    assert report.created == 1
    assert Population.objects.get(area__name="Barnet").value == 386083
    with pytest.raises(ImportRefused) as caught:
        populations_import(
            content=csv_bytes(
                ["area", "kind", "value", "in_force_from"],
                [["Barnet", "residents", "5", "2016-06-01"]],
            ),
            filename="pop.csv",
            user=None,
            now=NOW,
        )
    assert "name one in a 'series' column" in caught.value.report.errors[0].message
    with pytest.raises(ImportRefused) as caught:
        benchmarks_import(
            content=csv_bytes(
                ["area", "indicator", "month", "group", "position", "size"],
                [[BD, "tno", "2016-11", "MET", "33", "32"]],
            ),
            filename="b.csv",
            user=None,
            now=NOW,
        )
    assert "not between 1 and the size 32" in caught.value.report.errors[0].message


def test_imported_boroughs_give_ranks_and_averages_matching_an_independent_calculation(
    django_capture_on_commit_callbacks,
) -> None:
    rng = random.Random(2016)
    others = list(Area.objects.exclude(code=BD).order_by("code"))
    populations = {a.code: rng.randint(150_000, 390_000) for a in others}
    months = [add_months(dt.date(2012, 4, 1), i) for i in range(60)]  # Apr 2012 - Mar 2017
    codes = [
        "tno",
        "violence-with-injury",
        "robbery",
        "personal-robbery",
        "burglary",
        "criminal-damage",
        "theft-from-person",
        "theft-from-motor-vehicle",
        "theft-of-motor-vehicle",
        "sexual-offences",
        "knife-crime",
    ]
    counts: dict[tuple[str, str, dt.date], int] = {}
    rows = []
    for area in others:
        for code in codes:
            level = rng.randint(20, 1500)
            for m in months:
                counts[(area.code, code, m)] = value = max(0, int(rng.gauss(level, level * 0.1)))
                rows.append([area.code, code, m.strftime("%Y-%m"), value])
    assert len(rows) == 31 * 11 * 60  # 20,460
    populations_import(
        content=csv_bytes(
            ["area", "kind", "series", "value", "in_force_from"],
            [[c, "residents", "residents-mye", v, "2012-06-01"] for c, v in populations.items()],
        ),
        filename="populations.csv",
        user=None,
        now=NOW,
    )
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            report = month_values_import(
                content=csv_bytes(HEADER, rows), filename="boroughs.csv", user=None, now=NOW
            )
    finally:
        app.conf.task_always_eager = saved
    assert report.created == 20_460

    # Independent calculation for burglary, December 2016, across the 32 MPS boroughs.
    dec = dt.date(2016, 12, 1)
    window = [add_months(dec, -i) for i in range(12)]
    r12 = {c: sum(counts[(c, "burglary", m)] for m in window) for c in populations}
    rates = {c: r12[c] / populations[c] * 1000 for c in populations}
    bd = DerivedMetric.objects.get(indicator__code="burglary", area__code=BD, month=dec)
    rates[BD] = 1291 / 201_979 * 1000  # the seed's R12 over the June 2016 estimate
    assert bd.r12 == 1291
    ordered = sorted(rates.values())
    expected_position = {c: ordered.index(r) + 1 for c, r in rates.items()}
    expected_average = (sum(r12.values()) + 1291) / (sum(populations.values()) + 201_979) * 1000
    met = ComparatorGroup.objects.get(code="MET")
    ranks = {
        r.area.code: r
        for r in DerivedRank.objects.filter(
            indicator__code="burglary", month=dec, group=met
        ).select_related("area")
    }
    assert len(ranks) == 32
    for code, rank in ranks.items():
        assert (rank.position, rank.size, rank.source) == (expected_position[code], 32, "computed")
        assert rank.average == pytest.approx(expected_average)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_re_imports_unchanged(fmt: str) -> None:
    from submissions.imports.export import month_values_export

    before = list(
        MonthValue.objects.order_by("pk").values_list(
            "indicator_id",
            "area_id",
            "month",
            "category_id",
            "status",
            "value",
            "numerator",
            "denominator",
            "decimal_value",
            "reason",
            "reference_period",
        )
    )
    content = month_values_export(area_codes=[BD], fmt=fmt)
    report = month_values_import(content=content, filename=f"export.{fmt}", user=None, now=NOW)
    assert (report.created, report.updated) == (0, 0)
    assert report.unchanged == len(before)
    after = list(
        MonthValue.objects.order_by("pk").values_list(
            "indicator_id",
            "area_id",
            "month",
            "category_id",
            "status",
            "value",
            "numerator",
            "denominator",
            "decimal_value",
            "reason",
            "reference_period",
        )
    )
    assert after == before


def test_a_published_month_can_be_re_imported_unchanged_but_not_changed() -> None:
    rows = [[BD, "tno", "2016-12", "1386"]]
    assert (
        month_values_import(
            content=csv_bytes(HEADER, rows), filename="same.csv", user=None, now=NOW
        ).unchanged
        == 1
    )
    errors = refused(csv_bytes(HEADER, [[BD, "tno", "2016-12", "1400"]]))
    assert errors[0][0] == 2 and "go through the monthly cycle" in errors[0][1]


def test_figures_after_the_cycle_and_history_of_the_own_area_can_be_imported() -> None:
    report = month_values_import(
        content=csv_bytes(HEADER, [[BD, "tno", "2017-03", "1500"]]),
        filename="march.csv",
        user=None,
        now=NOW,
    )
    assert report.created == 1
