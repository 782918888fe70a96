"""Opening every partnership's round on the 1st (beat's task, the ``open_rounds`` command): each
partnership in its own transaction, once, and one partnership's clash does not stop the rest."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from csp.models import Area, Partnership
from indicators.partnerships import partnership_setup
from submissions.cycle import rounds, services
from submissions.models import ReportingRound

pytestmark = pytest.mark.django_db
FEB = dt.date(2017, 2, 1)
MARCH_1 = dt.date(2017, 3, 1)


@pytest.fixture
def barnet() -> Partnership:
    partnership_setup(
        area_code="E09000003",
        name="Barnet Community Safety Partnership",
        coordinator_email="barnet.coordinator@example.org",
        indicators_from="E09000002",
    )
    return Partnership.objects.get(area__code="E09000003")


def test_a_round_opened_meanwhile_does_not_stop_the_other_partnerships(
    barnet: Partnership, monkeypatch: pytest.MonkeyPatch
) -> None:
    first_id = min(Partnership.objects.values_list("id", flat=True))
    real = rounds._round_create

    def coordinator_first(*, partnership_id: int, **kwargs: Any) -> ReportingRound:
        if partnership_id == first_id:  # the coordinator opens it between check and insert
            real(partnership_id=partnership_id, **kwargs)
        return real(partnership_id=partnership_id, **kwargs)

    monkeypatch.setattr(rounds, "_round_create", coordinator_first)
    opened = services.rounds_open_next(today=MARCH_1)

    assert [r.partnership_id for r in opened] == sorted(
        set(Partnership.objects.values_list("id", flat=True)) - {first_id}
    )
    assert ReportingRound.objects.filter(month=FEB).count() == Partnership.objects.count()


def test_the_command_opens_each_round_once_and_says_so(barnet: Partnership) -> None:
    out = StringIO()
    call_command("open_rounds", "--today", "2017-03-01", stdout=out)
    text = out.getvalue()
    # 34 adopted, less the three quarterly ones not due in February
    assert "Opened February 2017 for Barnet Community Safety Partnership: 31 items" in text
    assert "Opened February 2017 for Barking and Dagenham" in text
    assert "2 opened, 0 already open." in text
    barnet_round = ReportingRound.objects.get(partnership=barnet, month=FEB)
    assert barnet_round.deadline == dt.date(2017, 3, 10)
    assert {s.adoption.owner.partnership_id for s in barnet_round.submissions.all()} == {barnet.pk}

    again = StringIO()
    call_command("open_rounds", "--today", "2017-03-01", stdout=again)
    assert "0 opened, 2 already open." in again.getvalue()
    assert ReportingRound.objects.filter(month=FEB).count() == 2
    assert Area.objects.filter(partnership__isnull=False).count() == 2
