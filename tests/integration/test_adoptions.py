"""One install, two partnerships (issue 11, ADR 0015): each adopts indicators from the shared
catalogue with its own agencies and targets; rounds, reminders and ratings follow the adoption.

Barnet (E09000003) is set up beside the demo's Barking and Dagenham with its own police and fire
agencies, adopting three of the catalogue's indicators.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from csp import permissions
from csp.models import Agency, Area, Partnership, Role, RoleKind
from indicators.engine.periods import add_months
from indicators.models import (
    Adoption,
    DerivedMetric,
    Indicator,
    MonthValue,
    Portfolio,
    Target,
)
from indicators.services import metrics_recompute
from submissions.api.selectors import submissions_visible_to
from submissions.cycle import services
from submissions.models import ReportingRound, Submission

pytestmark = pytest.mark.django_db
JAN = dt.date(2017, 1, 1)
DEC = dt.date(2016, 12, 1)
NOW = dt.datetime(2017, 2, 1, 9, 0, tzinfo=dt.UTC)
BARNET_ADOPTS = {"tno": "police", "burglary": "police", "arson": "fire"}


@dataclass
class Barnet:
    partnership: Partnership
    coordinator: object
    police_lead: object
    adoptions: dict[str, Adoption]


def _user(username: str) -> object:
    return get_user_model().objects.create(username=username, email=f"{username}@example.org")


@pytest.fixture
def barnet() -> Barnet:
    partnership = Partnership.objects.create(
        name="Barnet Community Safety Partnership", area=Area.objects.get(code="E09000003")
    )
    agencies = {
        code: Agency.objects.create(partnership=partnership, code=code, name=f"Barnet {code}")
        for code in ("police", "fire")
    }
    coordinator = _user("barnet-coordinator")
    police_lead = _user("barnet-police")
    Role.objects.create(user=coordinator, partnership=partnership, kind=RoleKind.COORDINATOR)
    Role.objects.create(
        user=police_lead,
        partnership=partnership,
        kind=RoleKind.AGENCY_LEAD,
        agency=agencies["police"],
    )
    portfolio = Portfolio.objects.get(name="Crime and Enforcement")
    adoptions = {
        code: Adoption.objects.create(
            partnership=partnership,
            indicator=Indicator.objects.get(code=code),
            owner=agencies[owner],
            portfolio=portfolio,
            pack_order=order,
        )
        for order, (code, owner) in enumerate(BARNET_ADOPTS.items(), start=1)
    }
    return Barnet(partnership, coordinator, police_lead, adoptions)


def _bd_january() -> list[tuple[int, str, int | None, str]]:
    round_ = ReportingRound.objects.get(partnership__area__code="E09000002", month=JAN)
    return list(
        round_.submissions.order_by("id").values_list(
            "id", "indicator__code", "adoption__owner_id", "status"
        )
    )


def _barnet_january(barnet: Barnet) -> ReportingRound:
    return services.round_create(
        partnership_id=barnet.partnership.id,
        month=JAN,
        deadline=dt.date(2017, 2, 10),
        user=barnet.coordinator,
        now=NOW,
    )


def test_a_second_partnerships_round_holds_its_adoptions_owned_by_its_own_agencies(
    barnet: Barnet,
) -> None:
    before = _bd_january()
    round_ = _barnet_january(barnet)
    subs = list(round_.submissions.select_related("indicator", "adoption__owner"))
    assert sorted(s.indicator.code for s in subs) == sorted(BARNET_ADOPTS)
    for s in subs:
        assert s.adoption.partnership_id == barnet.partnership.id
        assert s.adoption.indicator_id == s.indicator_id
        assert s.adoption.owner.partnership_id == barnet.partnership.id
        assert s.adoption.owner.code == BARNET_ADOPTS[s.indicator.code]
    assert _bd_january() == before  # Barking and Dagenham's 34 items, untouched
    assert len(before) == 34


def test_each_partnerships_people_see_only_their_own_partnerships_items(barnet: Barnet) -> None:
    round_ = _barnet_january(barnet)
    barnet_police = set(submissions_visible_to(barnet.police_lead).values_list("id", flat=True))
    owned = set(
        round_.submissions.filter(adoption__owner__code="police").values_list("id", flat=True)
    )
    assert barnet_police == owned and len(owned) == 2  # tno and burglary, not arson
    bd_police = get_user_model().objects.get(username="police")
    bd_coordinator = get_user_model().objects.get(username="coordinator")
    for sub in round_.submissions.all():
        assert not permissions.can_view_submission(bd_police, sub)
        assert not permissions.can_view_submission(bd_coordinator, sub)
        assert permissions.can_view_submission(barnet.coordinator, sub)
    bd_tno = Submission.objects.get(round__partnership__area__code="E09000002", round__month=JAN,
                                    indicator__code="tno")  # fmt: skip
    assert not permissions.can_view_submission(barnet.police_lead, bd_tno)
    assert permissions.can_view_submission(bd_police, bd_tno)


def test_reminders_for_a_partnerships_items_go_to_its_own_agency_leads(barnet: Barnet) -> None:
    round_ = _barnet_january(barnet)
    report = services.reminders_send(today=dt.date(2017, 2, 8), now=NOW)
    assert report.reminders == 34 + 3
    to_barnet = [m for m in mail.outbox if m.to == ["barnet-police@example.org"]]
    assert len(to_barnet) == 1
    police_items = round_.submissions.filter(adoption__owner__code="police")
    links = {f"/submissions/{s.pk}/" for s in police_items}
    assert {link for link in links if link in to_barnet[0].body} == links
    bd_police = next(m for m in mail.outbox if m.to == ["police@example.org"])
    assert not any(f"/submissions/{s.pk}/" in bd_police.body for s in round_.submissions.all())
    digest = next(m for m in mail.outbox if m.to == ["barnet-coordinator@example.org"])
    assert "3 reminder(s)" in digest.subject


def _store_months(area: Area, code: str, value: int) -> None:
    indicator = Indicator.objects.get(code=code)
    MonthValue.objects.bulk_create(
        MonthValue(indicator=indicator, area=area, month=add_months(dt.date(2016, 4, 1), i),
                   status="reported", value=value)
        for i in range(9)
    )  # fmt: skip


def _december(area_code: str, code: str) -> DerivedMetric:
    return DerivedMetric.objects.get(indicator__code=code, area__code=area_code, month=DEC)


def test_a_partnerships_targets_rate_its_own_area_only(barnet: Barnet) -> None:
    # Barnet: 1,000 offences a month from April 2016, no figures for last year. Its own target is
    # an annual ceiling of 20,000: to date at December 20,000 x 9 / 12 = 15,000, and YTD 9,000 is
    # within it (Green). B&D's target (reduce on last year) would leave it unrated: no last year.
    Target.objects.create(
        adoption=barnet.adoptions["tno"], financial_year=2016, kind="ceiling", value=20000
    )
    _store_months(barnet.partnership.area, "tno", 1000)
    havering = Area.objects.get(code="E09000016")  # a comparator: no partnership, no target
    _store_months(havering, "tno", 1000)
    metrics_recompute(now=NOW)
    barnet_dec = _december("E09000003", "tno")
    assert (barnet_dec.ytd, barnet_dec.target_to_date, barnet_dec.rag) == (9000, 15000, "G")
    # B&D keeps its own "reduce on last year" rating: +1% is Red (the seed prints R); under
    # Barnet's ceiling its YTD 13,207 would be Green (within 15,000).
    bd_dec = _december("E09000002", "tno")
    assert (bd_dec.ytd, bd_dec.target_to_date, bd_dec.rag) == (13207, None, "R")
    havering_dec = _december("E09000016", "tno")
    assert (havering_dec.ytd, havering_dec.target_to_date, havering_dec.rag) == (9000, None, "")


@pytest.mark.parametrize(("tolerance", "rag"), [(None, "A"), (5, "R")])
def test_an_adoptions_tolerance_sets_the_amber_band_of_its_targets(
    barnet: Barnet, tolerance: int | None, rag: str
) -> None:
    # Ceiling 11,000: to date at December 11,000 x 9 / 12 = 8,250. YTD 9,000 is within 110%
    # (9,075: Amber) by default, beyond 105% (8,662.5: Red) with the adoption's 5%.
    adoption = barnet.adoptions["tno"]
    adoption.tolerance = tolerance
    adoption.save()
    Target.objects.create(adoption=adoption, financial_year=2016, kind="ceiling", value=11000)
    _store_months(barnet.partnership.area, "tno", 1000)
    metrics_recompute(now=NOW, area_ids=[barnet.partnership.area_id])
    december = _december("E09000003", "tno")
    assert (december.target_to_date, december.rag) == (8250, rag)


def test_an_adoption_without_texts_of_its_own_shows_the_catalogues(barnet: Barnet) -> None:
    tno = barnet.adoptions["tno"]
    shared = Indicator.objects.get(code="tno")
    assert tno.text("what_good_looks_like") == shared.what_good_looks_like != ""
    tno.why_important = "Barnet's own reason."
    assert tno.texts()["why_important"] == "Barnet's own reason."
    assert tno.texts()["definition"] == shared.definition


def test_an_adoption_is_owned_by_an_agency_of_its_own_partnership(barnet: Barnet) -> None:
    from django.core.exceptions import ValidationError

    adoption = barnet.adoptions["tno"]
    adoption.owner = Agency.objects.get(partnership__area__code="E09000002", code="police")
    with pytest.raises(ValidationError, match="agency of this partnership"):
        adoption.full_clean()
