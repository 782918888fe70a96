"""The coordinator's settings services (issue 12, item 1): adopt, retire, reorder, targets and
their preview, the new year's notice and copy, and agencies; each audited with who and why, and
each refused to anyone but the partnership's coordinator.

Figures are the demo's (the December 2016 pack): Total Notifiable Offences' YTD to December 2016
is 13,207 against 13,048 the year before."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from csp.models import Partnership
from indicators.models import Adoption, Indicator, Target
from indicators.settings import SettingsError
from indicators.settings.adoptions import (
    AdoptionChange,
    adoption_adopt,
    adoption_change,
    adoption_move,
    adoption_retire,
    adoptions_reorder,
)
from indicators.settings.new_year import new_year_notice, targets_copy_to_next_year
from indicators.settings.targets import TargetInput, target_save
from submissions.cycle import services
from submissions.models import ReportingRound
from tests.integration.conftest import BARNET_COORDINATOR
from tests.integration.conftest import bd as _bd
from tests.integration.settings_helpers import DEC_END
from tests.integration.settings_helpers import tno_adoption as _tno
from tests.integration.settings_helpers import tno_preview as _preview
from tests.integration.settings_helpers import user_named as _user

pytestmark = pytest.mark.django_db


# --- the preview ------------------------------------------------------------------------------


def test_preview_of_the_seed_target_rates_tno_red_as_the_pack_does() -> None:
    # (13,207 - 13,048) / 13,048 = 159 / 13,048 = +1.2%: above last year, so Red under a 5%
    # reduction (Green at 5% or more below, Amber between 5% below and level). The pack: Red.
    preview = _preview(TargetInput(kind="reduce", value=Decimal("-5")))
    assert preview.month == "Dec 2016" or "December 2016" in preview.month
    assert preview.rating == "Red"
    assert "+1%" in preview.reason
    assert "5% or more below last year" in preview.rule


def test_preview_of_a_ceiling_uses_the_target_to_date() -> None:
    # 20,000 a year: to date after 9 months (Apr-Dec) 20,000 x 9 / 12 = 15,000; 13,207 <= it: Green.
    assert _preview(TargetInput(kind="ceiling", value=Decimal("20000"))).rating == "Green"
    # 17,000 a year: to date 12,750; 13,207 is 457 over = 3.6% (within the 10% band): Amber.
    assert _preview(TargetInput(kind="ceiling", value=Decimal("17000"))).rating == "Amber"
    # 14,000 a year: to date 10,500; 13,207 is 25.8% over: Red.
    assert _preview(TargetInput(kind="ceiling", value=Decimal("14000"))).rating == "Red"


def test_preview_saves_nothing_and_monitoring_is_not_rated() -> None:
    before = list(Target.objects.values_list("pk", "kind", "value"))
    preview = _preview(TargetInput(kind="monitoring"))
    assert preview.rating == "Not rated"
    assert preview.rule == "Monitoring only: not rated"
    assert list(Target.objects.values_list("pk", "kind", "value")) == before


def test_a_percent_change_without_its_figure_is_refused_in_words() -> None:
    with pytest.raises(SettingsError, match="needs a figure"):
        _preview(TargetInput(kind="percent_change"))


# --- saving a target --------------------------------------------------------------------------


def test_saving_a_target_replaces_the_years_and_records_who_and_why() -> None:
    coordinator = _user("coordinator")
    target = target_save(
        adoption_id=_tno().pk,
        partnership_id=_bd().pk,
        financial_year=2016,
        category_id=None,
        target=TargetInput(kind="ceiling", value=Decimal("17000")),
        user=coordinator,
        reason="Board agreed a ceiling",
    )
    assert Target.objects.filter(adoption=_tno(), financial_year=2016).count() == 1
    latest = target.history.latest()
    assert (latest.history_user, latest.history_change_reason) == (
        coordinator,
        "Board agreed a ceiling",
    )


def test_a_change_without_a_reason_is_refused() -> None:
    with pytest.raises(SettingsError, match="Say why"):
        target_save(
            adoption_id=_tno().pk,
            partnership_id=_bd().pk,
            financial_year=2016,
            category_id=None,
            target=TargetInput(kind="monitoring"),
            user=_user("coordinator"),
            reason="  ",
        )


def test_only_the_partnerships_coordinator_changes_its_settings(barnet_without_rounds) -> None:
    for name in ("board", "police", BARNET_COORDINATOR):
        with pytest.raises(PermissionDenied):
            target_save(
                adoption_id=_tno().pk,
                partnership_id=_bd().pk,
                financial_year=2016,
                category_id=None,
                target=TargetInput(kind="monitoring"),
                user=_user(name),
                reason="x",
            )
    # Barnet's coordinator naming Barking's adoption under Barnet's own partnership: no such row.
    with pytest.raises(Adoption.DoesNotExist):
        adoption_retire(
            adoption_id=_tno().pk,
            partnership_id=barnet_without_rounds.pk,
            user=_user(BARNET_COORDINATOR),
            reason="x",
            today=DEC_END,
        )


# --- the new year -----------------------------------------------------------------------------


def test_the_notice_starts_on_1_february_and_lists_the_untargeted() -> None:
    assert new_year_notice(_bd().pk, today=dt.date(2017, 1, 31)) is None
    notice = new_year_notice(_bd().pk, today=dt.date(2017, 2, 1))
    assert notice is not None and notice.year == 2017
    # The demo set 2016/17 targets only: every current adoption lacks one for 2017/18.
    assert len(notice.missing) == Adoption.objects.filter(partnership=_bd()).count()
    assert new_year_notice(_bd().pk, today=dt.date(2017, 4, 1)) is None


def test_copying_some_targets_to_next_year() -> None:
    bd, tno = _bd(), _tno()
    copied = targets_copy_to_next_year(
        partnership_id=bd.pk,
        from_year=2016,
        adoption_ids=[tno.pk],
        user=_user("coordinator"),
        reason="Same targets for 2017/18",
    )
    assert copied == 1
    new = Target.objects.get(adoption=tno, financial_year=2017)
    assert (new.kind, new.value) == ("reduce", Decimal("-5.000"))
    assert Target.objects.filter(adoption=tno, financial_year=2016).exists()  # still there
    notice = new_year_notice(bd.pk, today=dt.date(2017, 2, 1))
    assert tno not in notice.missing and len(notice.missing) >= 1
    # Copying again keeps next year's (no duplicate, nothing written).
    again = targets_copy_to_next_year(
        partnership_id=bd.pk, from_year=2016, adoption_ids=None, user=_user("coordinator"),
        reason="the rest",
    )  # fmt: skip
    assert again == Target.objects.filter(adoption__partnership=bd, financial_year=2016).count() - 1
    assert new_year_notice(bd.pk, today=dt.date(2017, 2, 1)).missing == [
        a for a in new_year_notice(bd.pk, today=dt.date(2017, 2, 1)).missing
        if not a.targets.filter(financial_year=2016).exists()
    ]  # fmt: skip


def test_an_april_round_opens_without_targets_and_lists_them() -> None:
    from submissions.cycle.round_selectors import untargeted_in_round

    round_ = services.round_create(
        partnership_id=_bd().pk,
        month=dt.date(2017, 4, 1),
        deadline=dt.date(2017, 5, 10),
        user=_user("coordinator"),
        now=dt.datetime(2017, 4, 1, 9, tzinfo=dt.UTC),
    )
    untargeted = untargeted_in_round(round_)
    assert len(untargeted) == round_.submissions.count()
    assert any(line.startswith("tno:") for line in untargeted)


# --- adopt, retire, reorder -------------------------------------------------------------------


def test_a_retired_indicator_stays_in_old_rounds_and_is_skipped_by_new_ones() -> None:
    bd, tno = _bd(), _tno()
    adoption_retire(
        adoption_id=tno.pk, partnership_id=bd.pk, user=_user("coordinator"),
        reason="Replaced by a new measure", today=dt.date(2017, 2, 1),
    )  # fmt: skip
    tno.refresh_from_db()
    assert tno.retired_on == dt.date(2017, 2, 1)
    assert tno.audit.latest().history_change_reason == "Replaced by a new measure"
    jan = ReportingRound.objects.get(partnership=bd, month=dt.date(2017, 1, 1))
    assert jan.submissions.filter(adoption=tno).exists()  # the old round keeps it
    feb = services.round_create(
        partnership_id=bd.pk, month=dt.date(2017, 2, 1), deadline=dt.date(2017, 3, 10),
        user=_user("coordinator"), now=dt.datetime(2017, 2, 1, tzinfo=dt.UTC),
    )  # fmt: skip
    assert not feb.submissions.filter(adoption=tno).exists()
    with pytest.raises(SettingsError, match="already retired"):
        adoption_retire(
            adoption_id=tno.pk, partnership_id=bd.pk, user=_user("coordinator"), reason="x",
            today=dt.date(2017, 2, 1),
        )  # fmt: skip
    # Adopted again: the same row (its targets and history) comes back, at the end of the pack.
    again = adoption_adopt(
        partnership_id=bd.pk, indicator_id=tno.indicator_id, portfolio_id=tno.portfolio_id,
        owner_id=tno.owner_id, user=_user("coordinator"), reason="Back",
    )  # fmt: skip
    assert again.pk == tno.pk and again.retired_on is None
    assert again.pack_order == Adoption.objects.filter(partnership=bd).count()


def test_adopting_from_the_catalogue_and_refusing_a_second_adoption(barnet_without_rounds) -> None:
    barnet = barnet_without_rounds
    coordinator = _user(BARNET_COORDINATOR)
    # Barnet copied all of Barking's; the install administrator adds one to the catalogue.
    indicator = Indicator.objects.create(code="new-measure", title="A new measure", kind="count")
    tno = _tno()
    adoption = adoption_adopt(
        partnership_id=barnet.pk, indicator_id=indicator.pk, portfolio_id=tno.portfolio_id,
        owner_id=None, user=coordinator, reason="New priority",
    )  # fmt: skip
    assert adoption.partnership == barnet
    with pytest.raises(SettingsError, match="already adopted"):
        adoption_adopt(
            partnership_id=barnet.pk, indicator_id=indicator.pk, portfolio_id=tno.portfolio_id,
            owner_id=None, user=coordinator, reason="again",
        )  # fmt: skip
    # An owner must be one of Barnet's agencies, not Barking's.
    with pytest.raises(SettingsError, match="current agency of this partnership"):
        adoption_change(
            adoption_id=adoption.pk, partnership_id=barnet.pk, user=coordinator, reason="x",
            change=AdoptionChange(
                owner_id=tno.owner_id, portfolio_id=tno.portfolio_id, suppression_threshold=None,
                tolerance=None, due_months="", what_good_looks_like="", why_important="",
                issues_to_consider="",
            ),
        )  # fmt: skip


def _order(bd: Partnership) -> list[str]:
    return list(
        Adoption.objects.filter(partnership=bd, retired_on__isnull=True)
        .order_by("pack_order")
        .values_list("indicator__code", flat=True)
    )


def test_moving_up_and_down_and_reordering_the_pack() -> None:
    bd = _bd()
    before = _order(bd)
    second = Adoption.objects.get(partnership=bd, indicator__code=before[1])
    adoption_move(adoption_id=second.pk, partnership_id=bd.pk, up=True, user=_user("coordinator"))
    assert _order(bd)[:2] == [before[1], before[0]]
    adoption_move(adoption_id=second.pk, partnership_id=bd.pk, up=True, user=_user("coordinator"))
    assert _order(bd)[:2] == [before[1], before[0]]  # already first: stays
    adoption_move(adoption_id=second.pk, partnership_id=bd.pk, up=False, user=_user("coordinator"))
    assert _order(bd) == before
    ids = dict(Adoption.objects.filter(partnership=bd).values_list("indicator__code", "pk"))
    adoptions_reorder(
        partnership_id=bd.pk, adoption_ids=[ids[c] for c in reversed(before)],
        user=_user("coordinator"),
    )  # fmt: skip
    assert _order(bd) == list(reversed(before))
    with pytest.raises(SettingsError, match="every current indicator once"):
        adoptions_reorder(
            partnership_id=bd.pk, adoption_ids=[ids[before[0]]], user=_user("coordinator")
        )


def test_due_months_of_a_quarterly_indicator() -> None:
    bd = _bd()
    quarterly = Adoption.objects.filter(partnership=bd, indicator__frequency="quarterly").first()
    change = dict(
        owner_id=quarterly.owner_id, portfolio_id=quarterly.portfolio_id,
        suppression_threshold=None, tolerance=None, what_good_looks_like="", why_important="",
        issues_to_consider="",
    )  # fmt: skip
    adoption_change(
        adoption_id=quarterly.pk, partnership_id=bd.pk, user=_user("coordinator"), reason="MOPAC",
        change=AdoptionChange(due_months="7, 10,1,4", **change),
    )  # fmt: skip
    quarterly.refresh_from_db()
    assert quarterly.due_month_numbers() == (7, 10, 1, 4)
    with pytest.raises(SettingsError, match="4 month"):
        adoption_change(
            adoption_id=quarterly.pk, partnership_id=bd.pk, user=_user("coordinator"), reason="x",
            change=AdoptionChange(due_months="6,12", **change),
        )  # fmt: skip


def test_the_plausibility_limit_is_audited_and_a_limit_below_one_refused() -> None:
    tno = _tno()
    change = dict(
        owner_id=tno.owner_id, portfolio_id=tno.portfolio_id, suppression_threshold=None,
        tolerance=None, due_months="", what_good_looks_like="", why_important="",
        issues_to_consider="",
    )  # fmt: skip
    adoption_change(
        adoption_id=tno.pk, partnership_id=tno.partnership_id, user=_user("coordinator"),
        reason="Twice the busiest month", change=AdoptionChange(figure_limit=3000, **change),
    )  # fmt: skip
    tno.refresh_from_db()
    assert tno.figure_limit == 3000
    latest = tno.audit.latest()
    assert (latest.history_user.username, latest.history_change_reason, latest.figure_limit) == (
        "coordinator", "Twice the busiest month", 3000,
    )  # fmt: skip
    with pytest.raises(SettingsError, match="1 or more"):
        adoption_change(
            adoption_id=tno.pk, partnership_id=tno.partnership_id, user=_user("coordinator"),
            reason="x", change=AdoptionChange(figure_limit=0, **change),
        )  # fmt: skip
    tno.refresh_from_db()
    assert tno.figure_limit == 3000  # nothing half-saved


# --- agencies ---------------------------------------------------------------------------------
