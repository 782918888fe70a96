"""Issue 12's second acceptance line: "On 1 April 2017 (clock passed in), a partnership that
copied its targets has every April figure rated; one that did not sees 'no target set' on the
round page."

Two partnerships, through the service functions with the date passed in: the demo's Barking and
Dagenham, which copies its 2016/17 targets to 2017/18 on 1 February 2017 (the new year's notice
shows from then), and Barnet, set up by ``setup_partnership`` from Barking and Dagenham's
indicators and 2016/17 targets, which copies nothing. Each opens its April 2017 round on 1 April
2017 and enters the same April figures for its counts (the counts rated on their year to date,
19 of them, are all rated; three rated on the rolling 12 months lack the demo's January to March
2017 and four are for monitoring only): nine tenths of Barking and Dagenham's
April 2016 figure (the seed's, below), rounded down.

Hand-checked ratings for Barking and Dagenham (April's year to date is April alone):
- TNO (reduce, the default 5% stretch): 1,244 against 1,383, -10.0%: Green.
- Robbery (a stated -5% change): 33 against 37, -10.8%: Green.
- Outdoor rubbish fires (ceiling 257 a year, 21 to April: round-half-up(257/12)): 23 is over
  21 but within 10% of it (23.1): Amber.
- Arson (ceiling 169 a year, 14 to April): 17 is over 14 × 1.1 = 15.4: Red.
Barnet's: not rated, "No target set for this year".
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from csp.models import Partnership
from indicators.models import Adoption, DerivedMetric
from indicators.services import metrics_recompute
from indicators.settings.new_year import new_year_notice, targets_copy_to_next_year
from submissions.cycle import services
from submissions.cycle.round_selectors import round_page
from submissions.cycle.validation import Entry
from submissions.models import ReportingRound
from tests.integration.conftest import BARNET_COORDINATOR, bd

pytestmark = pytest.mark.django_db

FEB_1, APRIL_1 = dt.date(2017, 2, 1), dt.date(2017, 4, 1)
APRIL = dt.date(2017, 4, 1)
NOW = dt.datetime(2017, 4, 1, 9, 0, tzinfo=dt.UTC)
# The seed's April 2016 counts (submissions/demo/data/indicators/*.yaml, months "2016-04").
APRIL_2016 = {
    "tno": 1383, "violence-with-injury": 163, "robbery": 37, "personal-robbery": 36,
    "burglary": 88, "residential-burglary": 47, "criminal-damage": 125, "theft-from-person": 38,
    "theft-from-motor-vehicle": 91, "theft-of-motor-vehicle": 79, "domestic-violence": 170,
    "sexual-offences": 37, "serious-youth-violence": 19, "gun-crime": 4, "knife-crime": 22,
    "asb-calls": 470, "vs-homes-secured": 22, "vs-referrals": 46, "vs-re-referrals": 1,
    "outdoor-rubbish-fires": 26, "arson": 19, "vehicle-arson": 6,
}  # fmt: skip
MONITORING = {"domestic-violence", "sexual-offences", "vs-homes-secured", "vs-referrals"}
# Rated on the rolling 12 months, which lack January to March 2017 (the demo's figures stop at
# December 2016): not rated for that, never for want of a target.
ROLLING_BASIS = {"serious-youth-violence", "gun-crime", "knife-crime"}
QUARTERLY = {"idap-on-programme", "first-time-entrants", "youth-custody"}  # not due in April


def _april_round(partnership: Partnership, coordinator) -> ReportingRound:
    return services.round_create(
        partnership_id=partnership.pk, month=APRIL, deadline=dt.date(2017, 5, 10),
        user=coordinator, now=NOW,
    )  # fmt: skip


def _enter_and_approve(round_: ReportingRound, coordinator) -> None:
    """The coordinator enters the April counts (others "not available") and approves them."""
    for sub in round_.submissions.select_related("indicator"):
        code = sub.indicator.code
        entry = (
            Entry(value=APRIL_2016[code] * 9 // 10, confirm_note="Checked with the source")
            if code in APRIL_2016
            else Entry(entry_status="not_available", reason="Not yet supplied")
        )
        saved = services.submission_save(
            submission_id=sub.pk, user=coordinator, entry=entry,
            expected_version=sub.version, submit=True, now=NOW,
        )  # fmt: skip
        services.submission_approve(submission_id=saved.pk, user=coordinator, now=NOW)
    metrics_recompute(now=NOW, area_ids=[round_.partnership.area_id])


def _april_rows(partnership: Partnership) -> dict[str, DerivedMetric]:
    rows = DerivedMetric.objects.filter(area_id=partnership.area_id, month=APRIL)
    return {r.indicator.code: r for r in rows.select_related("indicator")}


def test_on_1_april_the_partnership_that_copied_its_targets_is_rated_the_other_sees_no_target(
    barnet_without_rounds: Partnership,
) -> None:
    people = get_user_model().objects
    dagenham, barnet = bd(), barnet_without_rounds
    bd_coordinator, barnet_coordinator = people.get(username="coordinator"), people.get(
        username=BARNET_COORDINATOR
    )
    adopted = set(
        Adoption.objects.filter(partnership=dagenham).values_list("indicator__code", flat=True)
    )
    assert len(adopted) == 34 and set(APRIL_2016) <= adopted

    # 1 February 2017: both see the notice, every indicator without a 2017/18 target.
    for partnership in (dagenham, barnet):
        notice = new_year_notice(partnership.pk, today=FEB_1)
        assert notice is not None and notice.year == 2017
        assert len(notice.missing) == 34
    assert new_year_notice(dagenham.pk, today=dt.date(2017, 1, 31)) is None  # not before
    # Barking and Dagenham copies all: 33 whole targets and PHOF 2.15's two category ranges.
    copied = targets_copy_to_next_year(
        partnership_id=dagenham.pk, from_year=2016, adoption_ids=None, user=bd_coordinator,
        reason="The board agreed to keep this year's targets",
    )  # fmt: skip
    assert copied == 35
    assert new_year_notice(dagenham.pk, today=FEB_1).missing == []
    assert len(new_year_notice(barnet.pk, today=FEB_1).missing) == 34

    # 1 April 2017: both open their April round (31 items: the quarterly three are not due).
    bd_round = _april_round(dagenham, bd_coordinator)
    barnet_round = _april_round(barnet, barnet_coordinator)
    assert bd_round.submissions.count() == barnet_round.submissions.count() == 34 - 3
    assert round_page(bd_round, user=bd_coordinator, today=APRIL_1).untargeted == []
    untargeted = round_page(barnet_round, user=barnet_coordinator, today=APRIL_1).untargeted
    assert len(untargeted) == 31
    assert "tno: Total Notifiable Offences (TNO's)" in untargeted
    assert not any(u.split(":")[0] in QUARTERLY for u in untargeted)

    # The April figures, approved and recomputed.
    _enter_and_approve(bd_round, bd_coordinator)
    _enter_and_approve(barnet_round, barnet_coordinator)

    rated = _april_rows(dagenham)
    for code in set(APRIL_2016) - MONITORING - ROLLING_BASIS:
        assert rated[code].rag in {"R", "A", "G"}, (code, rated[code].rag_reason)
    for code in ROLLING_BASIS:
        assert rated[code].rag_reason.startswith("Rolling 12 months incomplete (January 2017")
    for code in MONITORING:
        assert rated[code].rag_reason == "Monitoring only: not rated"
    assert not [c for c, r in rated.items() if r.rag_reason.startswith("No target set")]
    assert (rated["tno"].ytd, rated["tno"].ytd_previous, rated["tno"].rag) == (1244, 1383, "G")
    assert (rated["robbery"].ytd, rated["robbery"].rag) == (33, "G")
    ofires = rated["outdoor-rubbish-fires"]
    assert (ofires.ytd, ofires.target_to_date, ofires.rag) == (23, 21, "A")
    assert (rated["arson"].ytd, rated["arson"].target_to_date, rated["arson"].rag) == (17, 14, "R")

    unrated = _april_rows(barnet)
    for code in APRIL_2016:
        assert unrated[code].rag in (None, ""), code
        assert unrated[code].rag_reason == "No target set for this year: not rated", code
    assert unrated["tno"].ytd == 1244  # the figure is there; only the rating is not
