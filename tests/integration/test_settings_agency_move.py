"""Moving an agency's work to another agency (issue 12, item 1: an agency with open submissions
cannot be retired until they are moved): within the partnership only, audited, all or nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from csp.models import Agency, Partnership
from indicators.models import Adoption
from indicators.settings import SettingsError
from submissions.models import Submission
from submissions.settings.agencies import agency_retire_blockers, agency_work_move
from tests.integration.conftest import bd

pytestmark = pytest.mark.django_db


def _coordinator():
    return get_user_model().objects.get(username="coordinator")


def test_the_work_moves_with_its_open_submissions_and_nothing_is_left(barnet: Partnership) -> None:
    fire = Agency.objects.get(partnership=bd(), code="fire")
    police = Agency.objects.get(partnership=bd(), code="police")
    owned = set(Adoption.objects.filter(owner=fire).values_list("indicator__code", flat=True))
    open_subs = set(
        Submission.objects.filter(adoption__owner=fire, round__partnership=bd())
        .exclude(status="approved")
        .values_list("pk", flat=True)
    )
    assert owned and open_subs and agency_retire_blockers(fire)
    moved = agency_work_move(
        agency_id=fire.pk, to_agency_id=police.pk, partnership_id=bd().pk,
        user=_coordinator(), reason="Merged",
    )  # fmt: skip
    assert set(moved) == owned
    assert set(
        Submission.objects.filter(pk__in=open_subs).values_list("adoption__owner", flat=True)
    ) == {police.pk}
    assert agency_retire_blockers(fire) == []


def test_another_partnerships_agency_is_refused_and_nothing_moves(barnet: Partnership) -> None:
    fire = Agency.objects.get(partnership=bd(), code="fire")
    theirs = Agency.objects.filter(partnership=barnet).first()
    before = list(Adoption.objects.filter(owner=fire).values_list("pk", flat=True))
    for target in (theirs.pk, fire.pk):
        with pytest.raises(SettingsError, match="another current agency"):
            agency_work_move(
                agency_id=fire.pk, to_agency_id=target, partnership_id=bd().pk,
                user=_coordinator(), reason="x",
            )  # fmt: skip
    assert list(Adoption.objects.filter(owner=fire).values_list("pk", flat=True)) == before
    with pytest.raises(Agency.DoesNotExist):  # the other's agency cannot be moved from either
        agency_work_move(
            agency_id=theirs.pk, to_agency_id=fire.pk, partnership_id=bd().pk,
            user=_coordinator(), reason="x",
        )  # fmt: skip
