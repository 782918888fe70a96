"""Imports: all or nothing, every bad row reported by line, and ranks from imported boroughs."""

from __future__ import annotations

import csv
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

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2017, 2, 1, 9, 0, tzinfo=dt.UTC)
BD = "E09000002"


def csv_bytes(header: list[str], rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def refused(content: bytes, name: str = "figures.csv") -> list[tuple[int, str]]:
    with pytest.raises(ImportRefused) as caught:
        month_values_import(content=content, filename=name, user=None, now=NOW)
    return [(e.line, e.message) for e in caught.value.report.errors]


HEADER = ["area", "indicator", "month", "value"]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["E09999999", "tno", "2017-01", "5"], "unknown area"),
        (["Barnet", "no-such", "2017-01", "5"], "unknown indicator"),
        (["Barnet", "tno", "Jan 2017", "5"], "is not YYYY-MM"),
        (["Barnet", "tno", "2017-01", "lots"], "is not a whole number"),
        (["Barnet", "tno", "2017-01", "-4"], "is negative"),
        (["Barnet", "tno", "2017-01", ""], "no figure"),
        ([BD, "tno", "2016-12", "1390"], "go through the monthly cycle"),
    ],
)
def test_each_kind_of_bad_row_is_named(row: list[str], message: str) -> None:
    errors = refused(csv_bytes(HEADER, [["Barnet", "tno", "2016-11", "2000"], row]))
    assert len(errors) == 1
    assert errors[0][0] == 3 and message in errors[0][1]


def test_numerator_above_denominator_and_duplicates_are_refused() -> None:
    errors = refused(
        csv_bytes(
            ["area", "indicator", "month", "numerator", "denominator"],
            [
                ["Barnet", "atr-completions", "2017-01", 9, 3],
                ["Barnet", "atr-completions", "2017-02", 1, 3],
                ["Barnet", "atr-completions", "2017-02", 1, 3],
            ],
        )
    )
    assert errors == [(2, "numerator 9 is more than denominator 3"), (4, "duplicate of line 3")]


def test_wrong_columns_are_refused_before_any_row() -> None:
    errors = refused(csv_bytes(["area", "indicator", "when", "value"], [["Barnet", "tno", "x", 1]]))
    assert errors == [(1, "missing column(s): month; unknown column(s): when")]


def test_one_bad_row_among_10000_stores_nothing() -> None:
    areas = [a.code for a in Area.objects.exclude(code=BD)]
    rows = []
    for i in range(10_000):
        month = add_months(dt.date(2000, 1, 1), i // len(areas))
        rows.append([areas[i % len(areas)], "tno", month.strftime("%Y-%m"), 100 + i % 50])
    rows[7_345][3] = "-1"
    before = MonthValue.objects.count()
    errors = refused(csv_bytes(HEADER, rows))
    assert errors == [(7_347, "value -1 is negative")]
    assert MonthValue.objects.count() == before


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


def test_a_ragged_csv_names_the_line() -> None:
    errors = refused(b"area,indicator,month,value\nBarnet,tno,2017-01,2,345\n")
    assert errors[0][0] == 1 and "line 2 has 5 cells" in errors[0][1]


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


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

cells = st.one_of(
    st.sampled_from(
        [
            "Barnet",
            "E09000003",
            "tno",
            "atr-completions",
            "hate-crime",
            "2017-01",
            "2017-13",
            "",
            "-1",
            "0",
            "12",
            "1,234",
            "9" * 30,
            "4.5",
            "suppressed",
            "not_available",
            "all",
            "=SUM(A1)",
        ]
    ),
    st.text(max_size=12),
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(st.lists(cells, min_size=4, max_size=6), min_size=1, max_size=8),
    st.sampled_from(
        [
            ["area", "indicator", "month", "value"],
            ["area", "indicator", "month", "numerator", "denominator"],
            ["area", "indicator", "month", "value", "category", "status"],
        ]
    ),
)
def test_random_and_malformed_rows_are_stored_whole_or_refused_whole(rows, header) -> None:
    before = MonthValue.objects.count()
    content = csv_bytes(header, [r[: len(header)] for r in rows])
    try:
        report = month_values_import(
            content=content, filename="random.csv", user=None, now=NOW, dry_run=True
        )
    except ImportRefused as exc:
        assert exc.report.errors and all(e.line >= 1 for e in exc.report.errors)
    else:
        assert report.created + report.updated + report.unchanged == report.rows
    assert MonthValue.objects.count() == before  # a dry run, or a refusal, stores nothing


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["Barnet", "atr-completions", "2017-01", "5"], "is a ratio"),
        (["Barnet", "asb-satisfaction", "2017-01", "5"], "is a breakdown"),
        ([BD, "tno", "2017-01", "1420"], "go through the monthly cycle"),  # January's round
        ([BD, "tno", "2016-11", "1400"], "go through the monthly cycle"),  # in a published pack
    ],
)
def test_figures_of_the_wrong_shape_or_outside_the_cycle_are_refused(row, message) -> None:
    errors = refused(csv_bytes(HEADER, [row]))
    assert message in errors[0][1]


def test_a_pack_reopened_for_a_correction_still_guards_the_months_before_it() -> None:
    from django.contrib.auth import get_user_model

    from submissions.cycle.services import round_reopen
    from submissions.models import ReportingRound

    round_reopen(
        round_id=ReportingRound.objects.get(month=dt.date(2016, 12, 1)).pk,
        user=get_user_model().objects.get(username="coordinator"),
        reason="Fire figures",
        now=NOW,
    )
    errors = refused(csv_bytes(HEADER, [[BD, "tno", "2016-11", "1400"]]))
    assert "go through the monthly cycle" in errors[0][1]


def test_figures_after_the_cycle_and_history_of_the_own_area_can_be_imported() -> None:
    report = month_values_import(
        content=csv_bytes(HEADER, [[BD, "tno", "2017-03", "1500"]]),
        filename="march.csv",
        user=None,
        now=NOW,
    )
    assert report.created == 1


def test_another_partnerships_coordinator_cannot_import_its_figures() -> None:
    from django.contrib.auth import get_user_model

    from csp.models import Partnership, Role

    other = Partnership.objects.create(name="Barnet CSP", area=Area.objects.get(name="Barnet"))
    stranger = get_user_model().objects.create(username="barnet-coordinator")
    Role.objects.create(user=stranger, partnership=other, kind="coordinator")
    with pytest.raises(ImportRefused) as caught:
        month_values_import(
            content=csv_bytes(HEADER, [[BD, "tno", "2017-03", "1"]]),
            filename="x.csv",
            user=stranger,
            now=NOW,
        )
    assert "only Barking and Dagenham's partnership coordinator" in (
        caught.value.report.errors[0].message
    )


def test_blank_lines_count_in_line_numbers() -> None:
    errors = refused(b"area,indicator,month,value\n\n\nBarnet,tno,2017-01,-1\n")
    assert errors == [(4, "value -1 is negative")]


def test_another_partnerships_coordinator_cannot_import_its_populations_or_benchmarks() -> None:
    from django.contrib.auth import get_user_model

    from csp.models import Partnership, Role

    other = Partnership.objects.create(name="Barnet CSP", area=Area.objects.get(name="Barnet"))
    stranger = get_user_model().objects.create(username="barnet-coordinator")
    Role.objects.create(user=stranger, partnership=other, kind="coordinator")
    with pytest.raises(ImportRefused):
        populations_import(
            content=csv_bytes(
                ["area", "kind", "series", "value", "in_force_from"],
                [[BD, "residents", "residents-mye", "1", "2017-06-01"]],
            ),
            filename="p.csv",
            user=stranger,
            now=NOW,
        )
    with pytest.raises(ImportRefused):
        benchmarks_import(
            content=csv_bytes(
                ["area", "indicator", "month", "group", "position", "size"],
                [[BD, "tno", "2017-01", "MET", "1", "32"]],
            ),
            filename="b.csv",
            user=stranger,
            now=NOW,
        )


@pytest.mark.parametrize("text", ["١٢", "1_000", "12abc"])
def test_only_plain_digits_are_whole_numbers(text: str) -> None:
    errors = refused(csv_bytes(HEADER, [["Barnet", "tno", "2017-01", text]]))
    assert "is not a whole number" in errors[0][1]
