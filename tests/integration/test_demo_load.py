"""load_demo: the December 2016 data as the seed prints it; a second run changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from csp.models import Area, ComparatorGroup, Population, Role
from indicators.models import Adoption, Indicator, MonthValue, SuppliedBenchmark, Target
from submissions.demo import demo_load
from submissions.models import ReportingRound, Submission

pytestmark = pytest.mark.django_db

BD = "E09000002"


def _value(code: str, month: dt.date, category: str | None = None) -> MonthValue:
    qs = MonthValue.objects.filter(indicator__code=code, area__code=BD, month=month)
    qs = qs.filter(category__code=category) if category else qs.filter(category__isnull=True)
    return qs.get()


def test_the_demo_has_the_34_indicators_of_the_seed_with_their_stable_codes() -> None:
    codes = list(Adoption.objects.order_by("pack_order").values_list("indicator__code", flat=True))
    assert len(codes) == 34 == Indicator.objects.count()
    assert codes[:3] == ["tno", "violence-with-injury", "robbery"]
    assert codes[-1] == "hate-crime"
    assert Adoption.objects.get(indicator__code="tno").owner.code == "police"
    assert Adoption.objects.get(indicator__code="arson").owner.code == "fire"


def test_tno_december_2016_is_1386() -> None:
    assert _value("tno", dt.date(2016, 12, 1)).value == 1386


def test_tno_april_2015_is_back_derived_as_1342_and_not_an_estimate() -> None:
    april = _value("tno", dt.date(2015, 4, 1))
    assert april.value == 1342
    assert april.is_estimated is False


def test_january_to_march_2016_are_marked_estimated() -> None:
    for month in (1, 2, 3):
        assert _value("tno", dt.date(2016, month, 1)).is_estimated is True


def test_the_impossible_atr_and_drr_months_are_held_out_as_not_available_with_a_reason() -> None:
    july = _value("atr-completions", dt.date(2016, 7, 1))
    assert july.status == "not_available"
    assert "9 successful terminations out of 3" in july.reason
    april = _value("drr-completions", dt.date(2016, 4, 1))
    assert april.status == "not_available"
    assert "3" in april.reason and "2" in april.reason
    # The possible months are kept as ratios: ATR April 2016 = 3 successful of 4.
    assert (
        _value("atr-completions", dt.date(2016, 4, 1)).numerator,
        _value("atr-completions", dt.date(2016, 4, 1)).denominator,
    ) == (3, 4)


def test_hate_crime_counts_below_ten_are_suppressed_not_zero() -> None:
    may = _value("hate-crime", dt.date(2016, 5, 1), "disability")
    assert may.status == "suppressed"
    assert may.value is None
    assert _value("hate-crime", dt.date(2016, 4, 1), "disability").value == 10
    assert _value("hate-crime", dt.date(2016, 10, 1)).status == "not_available"


def test_quarterly_and_tbc_statuses_are_kept() -> None:
    assert _value("idap-on-programme", dt.date(2016, 4, 1)).status == "not_collected"
    assert _value("idap-on-programme", dt.date(2016, 6, 1)).status == "not_available"


def test_denominators_as_the_seed_implies() -> None:
    bd = Area.objects.get(code=BD)
    residents = Population.objects.filter(area=bd, series__code="residents-mye").order_by(
        "in_force_from"
    )
    assert [(p.value, p.in_force_from) for p in residents] == [
        (198294, dt.date(2015, 6, 1)),
        (201979, dt.date(2016, 6, 1)),
    ]
    assert Population.objects.get(area=bd, series__code="households-2011").value == 69681
    assert Population.objects.get(area=bd, series__code="residents-1-19-2011").value == 55021
    assert (
        Indicator.objects.get(code="residential-burglary").denominator_series.kind == "households"
    )


def test_the_32_mps_boroughs_form_the_met_group_and_msg_exists() -> None:
    met = ComparatorGroup.objects.get(code="MET")
    codes = sorted(met.members.values_list("code", flat=True))
    assert codes == [f"E090000{n:02d}" for n in range(2, 34)]
    assert ComparatorGroup.objects.get(code="MSG").members.filter(code=BD).exists()


def test_supplied_ranks_are_stored_by_group_whatever_order_the_page_prints() -> None:
    dec = dt.date(2016, 12, 1)
    met = SuppliedBenchmark.objects.get(indicator__code="tno", month=dec, group__code="MET")
    msg = SuppliedBenchmark.objects.get(indicator__code="tno", month=dec, group__code="MSG")
    # Seed: "10of15/ 21of32"; MET average 87.37, MSG average 85.99.
    assert (met.position, met.size, float(met.average)) == (21, 32, 87.37)
    assert (msg.position, msg.size, float(msg.average)) == (10, 15, 85.99)


def test_targets_as_printed() -> None:
    fires = Target.objects.get(
        adoption__indicator__code="outdoor-rubbish-fires", financial_year=2016
    )
    assert (fires.kind, fires.value) == ("ceiling", 257)
    marac = Target.objects.get(
        adoption__indicator__code="marac-repeat-referrals", financial_year=2016
    )
    assert (marac.kind, marac.lower, marac.upper) == ("range", 28, 40)
    robbery = Target.objects.get(adoption__indicator__code="robbery", financial_year=2016)
    assert (robbery.kind, robbery.value) == ("percent_change", -5)


def _authenticate(username: str, password: str):
    # django-axes needs the request to throttle by address.
    return authenticate(
        RequestFactory().post("/accounts/login/"), username=username, password=password
    )


def test_one_demo_user_per_role_signs_in_with_the_demo_password(demo_password: str) -> None:
    leads = [
        "police",
        "fire",
        "probation",
        "yos",
        "victim-support",
        "asb",
        "substance-misuse",
        "marac",
        "community-safety",
    ]
    for username in ["coordinator", "board", "admin", *leads]:
        assert _authenticate(username, demo_password) is not None, username
    assert Role.objects.get(user__username="coordinator").kind == "coordinator"
    assert Role.objects.get(user__username="board").kind == "board_member"
    assert Role.objects.get(user__username="fire").agency.code == "fire"


def test_december_2016_is_published_and_january_2017_is_open() -> None:
    dec = ReportingRound.objects.get(month=dt.date(2016, 12, 1))
    jan = ReportingRound.objects.get(month=dt.date(2017, 1, 1))
    assert dec.status == "published" and dec.published_at is not None
    assert jan.status == "open"
    tno_dec = Submission.objects.get(round=dec, indicator__code="tno")
    assert tno_dec.status == "approved"
    assert "13,207" in tno_dec.performance_overview
    assert Submission.objects.filter(round=jan, status="not_started").count() == 34


def test_loading_twice_changes_nothing() -> None:
    def snapshot() -> dict[str, object]:
        return {
            "values": sorted(
                MonthValue.objects.values_list(
                    "indicator__code",
                    "month",
                    "category__code",
                    "status",
                    "value",
                    "numerator",
                    "denominator",
                    "decimal_value",
                    "is_estimated",
                ),
                key=str,
            ),
            "history": MonthValue.history.count(),
            "updated": list(MonthValue.objects.order_by("pk").values_list("updated_at", flat=True)),
            "indicators": list(Indicator.objects.values()),
            "rounds": list(ReportingRound.objects.values()),
            "submissions": list(Submission.objects.values()),
        }

    before = snapshot()
    report = demo_load(password="a-different-password")
    assert not report.changed
    assert snapshot() == before
    # A second run never resets a password that someone has changed since.
    assert _authenticate("police", "a-different-password") is None


def test_the_command_says_nothing_changed_on_a_second_run(
    capsys: pytest.CaptureFixture[str],
) -> None:
    call_command("load_demo")
    assert "nothing changed" in capsys.readouterr().out
