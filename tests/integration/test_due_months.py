"""A quarterly or annual indicator's due months, part of its adoption (issue 12), used: a round
opens submissions only for the indicators due that month, and the recompute reads the
adoption's own due months.

The demo (Barking and Dagenham) adopts three quarterly indicators (IDAP on programme, first-time
entrants, youth custody), due in June, September, December and March, and two annual ones
(re-offending), which name no due month and so are asked every month."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from indicators.models import Adoption
from indicators.services import series_inputs_load
from indicators.settings.adoptions import AdoptionChange, adoption_change
from submissions.cycle import services
from tests.integration.conftest import bd

pytestmark = pytest.mark.django_db
QUARTERLY = {"idap-on-programme", "first-time-entrants", "youth-custody"}


def _open(month: dt.date) -> set[str]:
    round_ = services.round_create(
        partnership_id=bd().pk,
        month=month,
        deadline=dt.date(2030, 1, 10),
        user=get_user_model().objects.get(username="coordinator"),
        now=dt.datetime(2017, 8, 1, 9, 0, tzinfo=dt.UTC),
    )
    return set(round_.submissions.values_list("indicator__code", flat=True))


def _current() -> set[str]:
    return set(
        Adoption.objects.filter(partnership=bd(), retired_on__isnull=True).values_list(
            "indicator__code", flat=True
        )
    )


def test_a_round_opens_submissions_only_for_indicators_due_that_month() -> None:
    current = _current()
    assert current >= QUARTERLY and {"reoffending-young", "reoffending-all"} <= current
    assert _open(dt.date(2017, 5, 1)) == current - QUARTERLY  # May: no quarter ends
    assert _open(dt.date(2017, 6, 1)) == current  # June: every quarterly one is due


def test_an_adoptions_own_due_months_decide_its_rounds_and_its_figures() -> None:
    fte = Adoption.objects.select_related("indicator").get(
        partnership=bd(), indicator__code="first-time-entrants"
    )
    adoption_change(
        adoption_id=fte.pk,
        partnership_id=bd().pk,
        user=get_user_model().objects.get(username="coordinator"),
        reason="The youth justice board now reports to July, October, January and April",
        change=AdoptionChange(
            owner_id=fte.owner_id,
            portfolio_id=fte.portfolio_id,
            suppression_threshold=fte.suppression_threshold,
            tolerance=fte.tolerance,
            due_months="7,10,1,4",
            what_good_looks_like="",
            why_important="",
            issues_to_consider="",
        ),
    )
    july = _open(dt.date(2017, 7, 1))
    assert "first-time-entrants" in july
    assert not (QUARTERLY - {"first-time-entrants"}) & july
    assert "first-time-entrants" not in _open(dt.date(2017, 9, 1))
    # The recompute (and the entry form's commentary check) reads the adoption's months.
    inputs = series_inputs_load(indicator_id=fte.indicator_id, area_id=bd().area_id)
    assert inputs.spec.due_months == (7, 10, 1, 4)
    youth = Adoption.objects.get(partnership=bd(), indicator__code="youth-custody")
    spec = series_inputs_load(indicator_id=youth.indicator_id, area_id=bd().area_id).spec
    assert spec.due_months == ()
    # What the entry form says of them.
    fte.refresh_from_db()
    assert fte.due_words() == "Figures due in July, October, January and April"
    assert youth.due_words() == "Figures due in June, September, December and March"
    tno = Adoption.objects.get(partnership=bd(), indicator__code="tno")
    assert tno.due_words() == ""
