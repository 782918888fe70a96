"""Row visibility has one source: every list (pages, API, packs) holds exactly the rows the
per-object rules in ``csp.permissions`` allow, for every member of the cast and across two
partnerships (ADR 0006, 0014)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from csp import permissions
from csp.models import Area, Partnership, Role
from indicators.models import Adoption, MonthValue
from submissions.cycle import services
from submissions.cycle.visibility import (
    figures_visible_q,
    packs_visible_to,
    submissions_visible_to,
)
from submissions.models import PackVersion, Submission

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2017, 2, 1, 9, 0, tzinfo=dt.UTC)
CAST = ["police", "fire", "coordinator", "board", "admin", "barnet-coordinator", "anonymous"]


@pytest.fixture
def barnet():
    """A second partnership, with its own coordinator and an open round."""
    partnership = Partnership.objects.create(
        name="Barnet CSP", area=Area.objects.get(code="E09000003")
    )
    coordinator = get_user_model().objects.create(username="barnet-coordinator")
    Role.objects.create(user=coordinator, partnership=partnership, kind="coordinator")
    # Its round holds the indicators it adopts (ADR 0015): the demo's, owned by no agency yet.
    Adoption.objects.bulk_create(
        Adoption(
            partnership=partnership,
            indicator_id=a.indicator_id,
            portfolio_id=a.portfolio_id,
            pack_order=a.pack_order,
        )
        for a in Adoption.objects.filter(partnership__area__code="E09000002")
    )
    services.round_create(
        partnership_id=partnership.id,
        month=dt.date(2017, 1, 1),
        deadline=dt.date(2017, 2, 10),
        user=coordinator,
        now=NOW,
    )
    return partnership


def person(username: str):
    if username == "anonymous":
        return AnonymousUser()
    return get_user_model().objects.get(username=username)


@pytest.mark.parametrize("username", CAST)
def test_the_submissions_listed_are_the_ones_whose_page_opens(username: str, barnet) -> None:
    user = person(username)
    every = Submission.objects.select_related("round", "indicator")
    expected = {s.pk for s in every if permissions.can_view_submission(user, s)}
    assert set(submissions_visible_to(user).values_list("pk", flat=True)) == expected
    if username in {"police", "coordinator", "barnet-coordinator"}:
        assert expected  # the rule lets each of them see something: the comparison bites


@pytest.mark.parametrize("username", CAST)
def test_the_figures_listed_are_the_ones_the_rule_shows(username: str, barnet) -> None:
    user = person(username)
    own = {p.area_id: p.id for p in Partnership.objects.all()}
    values = MonthValue.objects.filter(month=dt.date(2016, 12, 1)).select_related("indicator")

    def shown(mv: MonthValue) -> bool:
        if not permissions.access_for(user).partnerships:
            return False
        if mv.area_id not in own:  # a comparator's figure: benchmark data
            return True
        owner = (  # the owner is the partnership's adoption's (ADR 0015)
            Adoption.objects.filter(partnership_id=own[mv.area_id], indicator_id=mv.indicator_id)
            .values_list("owner_id", flat=True)
            .first()
        )
        return permissions.can_view_unpublished(user, own[mv.area_id], owner)

    expected = {mv.pk for mv in values if shown(mv)}
    listed = set(values.filter(figures_visible_q(user)).values_list("pk", flat=True))
    assert listed == expected


@pytest.mark.parametrize("username", CAST)
def test_the_packs_listed_are_the_ones_whose_pages_open(username: str, barnet) -> None:
    user = person(username)
    expected = {
        v.pk
        for v in PackVersion.objects.select_related("round")
        if permissions.can_view_published_pack(user, v.round.partnership_id)
    }
    assert set(packs_visible_to(user).values_list("pk", flat=True)) == expected
