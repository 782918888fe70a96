"""Ranks never use another partnership's unpublished figure (issue 11; ADR 0018).

A comparator group of three, made for the test: Barking and Dagenham (the demo's partnership,
its December 2016 pack published), Barnet (a second partnership, set up with
``setup_partnership``) and Bexley (a comparator: no partnership, its figures public). The measure
is Total Notifiable Offences per 1,000 residents, December 2016 (rolling 12 months Jan-Dec 2016):

    Bexley:  1,400 a month, 240,000 residents: 16,800 / 240,000 x 1,000 = 70.00
    B&D:     the seed: 17,587 / 201,979 x 1,000 = 87.07 (released with the demo's December pack)
    Barnet:  2,500 a month Jan-Nov, 380,000 residents; December entered in Barnet's round:
             2,500 -> 30,000 / 380,000 x 1,000 = 78.95
             8,000 (a correction) -> (27,500 + 8,000) / 380,000 x 1,000 = 93.42

Each area is ranked among Bexley, the partnerships' released rates, and its own live rate;
1 = lowest. Group averages are pooled over the same field: sum of R12 / sum of residents.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from csp.models import (
    Area,
    ComparatorGroup,
    GroupMembership,
    Partnership,
    Population,
    PopulationSeries,
)
from indicators.models import DerivedRank, Indicator, MonthValue
from indicators.partnerships import partnership_setup
from indicators.services import metrics_recompute
from submissions.cycle import services
from submissions.cycle.validation import Entry
from submissions.models import PackVersion, ReportingRound, Submission
from submissions.packs import publish

pytestmark = pytest.mark.django_db

DEC = dt.date(2016, 12, 1)
NOW = dt.datetime(2017, 1, 20, 9, 0, tzinfo=dt.UTC)
BD, BARNET, BEXLEY = "E09000002", "E09000003", "E09000004"
BARNET_EMAIL = "barnet.coordinator@example.org"

# (position, size, average) in the trio group.
# B&D alone with Bexley: (16,800 + 17,587) / (240,000 + 201,979) x 1,000 = 34,387 / 441,979
#   x 1,000 = 77.80
BD_WITHOUT_BARNET = (2, 2, 77.80)
# B&D with Barnet's 78.95: (16,800 + 17,587 + 30,000) / (240,000 + 201,979 + 380,000) x 1,000
#   = 64,387 / 821,979 x 1,000 = 78.33; B&D's 87.07 is the highest of three.
BD_WITH_BARNET_2500 = (3, 3, 78.33)
# With Barnet's corrected 93.42: 69,887 / 821,979 x 1,000 = 85.02; B&D second of three.
BD_WITH_BARNET_8000 = (2, 3, 85.02)


def _user(username: str):
    return get_user_model().objects.get(username=username)


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    out, month = [], start
    while month <= end:
        out.append(month)
        month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return out


def _rank(code: str, group: ComparatorGroup) -> tuple[int, int, float] | None:
    row = DerivedRank.objects.filter(
        indicator__code="tno", area__code=code, month=DEC, group=group
    ).first()
    if row is None:
        return None
    assert row.source == "computed"
    return row.position, row.size, round(row.average, 2)


def _snapshot_rank(version: PackVersion, group: str) -> tuple[int, int, float] | None:
    tno = next(p for p in version.snapshot["indicators"] if p["code"] == "tno")
    ranks = {r["group"]: r for r in tno["metrics"]["ranks"]}
    if group not in ranks:
        return None
    r = ranks[group]
    return r["position"], r["size"], round(r["average"], 2)


def _barnet_december(tno: int) -> ReportingRound:
    """Barnet's December round: TNO entered by the coordinator, the rest not available, all
    approved (not published)."""
    barnet = Partnership.objects.get(area__code=BARNET)
    coordinator = _user(BARNET_EMAIL)
    round_ = services.round_create(
        partnership_id=barnet.id, month=DEC, deadline=DEC, user=coordinator, now=NOW
    )
    for sub in Submission.objects.filter(round=round_).select_related("indicator"):
        entry = (
            Entry(value=tno, confirm_note="Checked with the police")
            if sub.indicator.code == "tno"
            else Entry(entry_status="not_available", reason="Not supplied")
        )
        services.submission_save(
            submission_id=sub.pk, user=coordinator, entry=entry,
            expected_version=sub.version, submit=True, now=NOW,
        )  # fmt: skip
    services.submissions_bulk_approve(
        submission_ids=list(round_.submissions.values_list("id", flat=True)),
        user=coordinator,
        now=NOW,
    )
    return round_


def _barnet_corrects_december(round_: ReportingRound, tno: int) -> None:
    coordinator = _user(BARNET_EMAIL)
    sub = Submission.objects.get(round=round_, indicator__code="tno")
    services.submission_reopen(
        submission_id=sub.pk, user=coordinator, reason="Police re-run", now=NOW
    )
    sub.refresh_from_db()
    services.submission_save(
        submission_id=sub.pk, user=coordinator,
        entry=Entry(value=tno, confirm_note="Police re-run"),
        expected_version=sub.version, submit=True, now=NOW,
    )  # fmt: skip
    services.submission_approve(submission_id=sub.pk, user=coordinator, now=NOW)


def trio_build() -> ComparatorGroup:
    """The group, Bexley's and Barnet's figures (Barnet's January to November only)."""
    residents = PopulationSeries.objects.get(code="residents-mye")
    tno = Indicator.objects.get(code="tno")
    group = ComparatorGroup.objects.create(code="trio", name="Three boroughs")
    for code in (BD, BARNET, BEXLEY):
        GroupMembership.objects.create(group=group, area=Area.objects.get(code=code))
    bexley = Area.objects.get(code=BEXLEY)
    MonthValue.objects.bulk_create(
        MonthValue(indicator=tno, area=bexley, month=m, value=1400)
        for m in _months(dt.date(2016, 1, 1), DEC)
    )
    Population.objects.create(
        area=bexley, series=residents, value=240_000, in_force_from=dt.date(2015, 1, 1)
    )
    partnership_setup(
        area_code=BARNET, name="Barnet Community Safety Partnership",
        coordinator_email=BARNET_EMAIL, indicators_from=BD,
    )  # fmt: skip
    barnet = Area.objects.get(code=BARNET)
    # Entered after Barnet became a partnership: released only by Barnet's publishing.
    MonthValue.objects.bulk_create(
        MonthValue(indicator=tno, area=barnet, month=m, value=2500)
        for m in _months(dt.date(2016, 1, 1), dt.date(2016, 11, 1))
    )
    Population.objects.create(
        area=barnet, series=residents, value=380_000, in_force_from=dt.date(2015, 1, 1)
    )
    metrics_recompute(now=NOW)  # as the import's queued recompute would
    return group


@pytest.fixture
def trio() -> ComparatorGroup:
    return trio_build()


def test_another_partnerships_unpublished_figure_never_moves_a_rank(trio) -> None:
    barnet_round = _barnet_december(2500)
    metrics_recompute(now=NOW)  # the approval's queued recompute
    # Barnet's approved 78.95 is not published: B&D is ranked with Bexley only (the old code
    # ranked it 3 of 3, learning that Barnet's unpublished rate is below 87.07).
    assert _rank(BD, trio) == BD_WITHOUT_BARNET
    # Bexley too: (16,800 + 17,587) / 441,979 = 77.80; 70.00 is the lower of two.
    assert _rank(BEXLEY, trio) == (1, 2, 77.80)
    # Barnet's own figure counts for its own rank: 70.00 < 78.95 < 87.07, average as above.
    assert _rank(BARNET, trio) == (2, 3, 78.33)

    # B&D republishes its December pack: its rank in the new group is 2 of 2.
    bd_round = ReportingRound.objects.get(partnership__area__code=BD, month=DEC)
    services.round_reopen(
        round_id=bd_round.pk, user=_user("coordinator"), reason="Three-borough ranks", now=NOW
    )
    bd_v2 = publish.round_publish(
        round_id=bd_round.pk,
        user=_user("coordinator"),
        change_note="Ranks added",
        now=NOW,
        confirm_note="The seed's commentary, published as the board saw it in 2016.",
    )
    assert _snapshot_rank(bd_v2, "trio") == BD_WITHOUT_BARNET

    # Barnet publishes: its figure is released, and B&D's live rank takes it in at once.
    publish.round_publish(
        round_id=barnet_round.pk, user=_user(BARNET_EMAIL), change_note="", now=NOW
    )
    assert _rank(BD, trio) == BD_WITH_BARNET_2500
    assert _rank(BEXLEY, trio) == (1, 3, 78.33)
    # B&D's published pack is as it was.
    assert _snapshot_rank(PackVersion.objects.get(pk=bd_v2.pk), "trio") == BD_WITHOUT_BARNET

    # Barnet corrects December to 8,000 (93.42), approved but not yet published: only Barnet's
    # own rank moves (70.00 < 87.07 < 93.42: 3 of 3, average 85.02). The old code would have
    # ranked B&D 2 of 3.
    _barnet_corrects_december(barnet_round, 8000)
    metrics_recompute(now=NOW)
    assert _rank(BARNET, trio) == (3, 3, 85.02)
    assert _rank(BD, trio) == BD_WITH_BARNET_2500
    assert _rank(BEXLEY, trio) == (1, 3, 78.33)

    # Version 2 of Barnet's pack releases the correction.
    publish.round_publish(
        round_id=barnet_round.pk, user=_user(BARNET_EMAIL), change_note="Corrected", now=NOW
    )
    assert _rank(BD, trio) == BD_WITH_BARNET_8000
    assert _rank(BEXLEY, trio) == (1, 3, 85.02)
    assert _snapshot_rank(PackVersion.objects.get(pk=bd_v2.pk), "trio") == BD_WITHOUT_BARNET


def test_a_comparator_that_becomes_a_partnership_keeps_its_figures_in_the_ranks(trio) -> None:
    """Bexley's figures came in as public comparator data: set up as a partnership, they stay
    released; Barnet's, entered after its set-up and never published, stay out."""
    assert _rank(BD, trio) == BD_WITHOUT_BARNET  # Barnet has no December figure yet
    partnership_setup(
        area_code=BEXLEY, name="Bexley Community Safety Partnership",
        coordinator_email="bexley.coordinator@example.org",
    )  # fmt: skip
    metrics_recompute(now=NOW)
    assert _rank(BD, trio) == BD_WITHOUT_BARNET
    assert _rank(BEXLEY, trio) == (1, 2, 77.80)
