"""Imports: all or nothing, and every bad row reported by line."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csp.models import Area
from indicators.engine.periods import add_months
from indicators.models import Adoption, MonthValue
from submissions.imports.benchmarks import benchmarks_import
from submissions.imports.common import ImportRefused
from submissions.imports.month_values import month_values_import
from submissions.imports.populations import populations_import
from tests.integration.import_helpers import BD, HEADER, NOW, csv_bytes, refused

pytestmark = pytest.mark.django_db


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


def test_a_ragged_csv_names_the_line() -> None:
    errors = refused(b"area,indicator,month,value\nBarnet,tno,2017-01,2,345\n")
    assert errors[0][0] == 1 and "line 2 has 5 cells" in errors[0][1]


def test_blank_lines_count_in_line_numbers() -> None:
    errors = refused(b"area,indicator,month,value\n\n\nBarnet,tno,2017-01,-1\n")
    assert errors == [(4, "value -1 is negative")]


@pytest.mark.parametrize("text", ["١٢", "1_000", "12abc"])
def test_only_plain_digits_are_whole_numbers(text: str) -> None:
    errors = refused(csv_bytes(HEADER, [["Barnet", "tno", "2017-01", text]]))
    assert "is not a whole number" in errors[0][1]


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


def test_a_figure_above_the_partnerships_maximum_is_refused_as_on_the_entry_form() -> None:
    """The adoption's plausibility limit (set on the indicator's settings page) holds for an
    import of the partnership's figures too; a figure at the limit, and another partnership's
    figure above it, pass."""
    adoption = Adoption.objects.get(partnership__area__code=BD, indicator__code="tno")
    adoption.figure_limit = 2500
    adoption.save()
    rows = [
        [BD, "tno", "2017-03", "25000"],  # a typo with an extra digit
        [BD, "tno", "2017-04", "2500"],
        ["Barnet", "tno", "2017-03", "25000"],  # Barnet is no partnership here: no maximum
    ]
    errors = refused(csv_bytes(HEADER, rows))
    assert errors == [
        (
            2,
            "value 25,000 is more than tno can be for Barking and Dagenham: at most 2,500, the "
            "maximum its partnership set. Check the figure; if it is right, the coordinator can "
            "set a higher maximum in the indicator's settings",
        )
    ]
    assert not MonthValue.objects.filter(month=dt.date(2017, 4, 1), indicator__code="tno").exists()

    report = month_values_import(
        content=csv_bytes(HEADER, rows[1:]), filename="figures.csv", user=None, now=NOW
    )
    assert report.created == 2


def test_a_stored_figure_above_a_maximum_set_later_is_sent_again_unchanged() -> None:
    """Only what an import changes is held to the maximum: a file that repeats history stored
    before the maximum was set (here December 2016's 1,386) is not refused for it."""
    adoption = Adoption.objects.get(partnership__area__code=BD, indicator__code="tno")
    adoption.figure_limit = 1000
    adoption.save()
    report = month_values_import(
        content=csv_bytes(HEADER, [[BD, "tno", "2016-12", "1386"]]),
        filename="figures.csv",
        user=None,
        now=NOW,
    )
    assert (report.unchanged, report.created, report.updated) == (1, 0, 0)
