"""What the job tests share (test_import_jobs, test_pdf_jobs): their clock and a broker that
is down (tasks run in-process with ``eager``, from ``tests/conftest.py``); and a second
partnership (Barnet, with its January 2017 round) and a person with roles in both, for the
tests of people across partnerships."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from kombu.exceptions import OperationalError as BrokerDown

from csp.models import Agency, Partnership, Role, RoleKind
from indicators.partnerships import partnership_setup
from submissions import tasks
from submissions.cycle import services

T0 = dt.datetime(2026, 11, 27, 10, 0, tzinfo=dt.UTC)
JAN = dt.date(2017, 1, 1)
BARNET_COORDINATOR = "barnet.coordinator@example.org"


@pytest.fixture
def broker_down(monkeypatch):
    """While active, handing a task to the broker fails as kombu fails when Redis is down."""

    def refuse(*args, **kwargs):
        raise BrokerDown("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    class Outage:
        def __enter__(self) -> None:
            self.patch = pytest.MonkeyPatch()
            for task in (tasks.run_import_job, tasks.render_pack_pdf):
                self.patch.setattr(task, "delay", refuse)

        def __exit__(self, *exc: object) -> None:
            self.patch.undo()

    return Outage()


@pytest.fixture
def barnet_without_rounds() -> Partnership:
    """Barnet set up from Barking and Dagenham's indicators (``setup_partnership``'s service)."""
    partnership_setup(
        area_code="E09000003",
        name="Barnet Community Safety Partnership",
        coordinator_email=BARNET_COORDINATOR,
        indicators_from="E09000002",
    )
    return Partnership.objects.get(area__code="E09000003")


@pytest.fixture
def barnet(barnet_without_rounds: Partnership) -> Partnership:
    """Barnet with its January 2017 round, opened by its coordinator."""
    partnership = barnet_without_rounds
    services.round_create(
        partnership_id=partnership.id,
        month=JAN,
        deadline=dt.date(2017, 2, 10),
        user=get_user_model().objects.get(username=BARNET_COORDINATOR),
        now=dt.datetime(2017, 2, 1, 9, 0, tzinfo=dt.UTC),
    )
    return partnership


def bd() -> Partnership:
    return Partnership.objects.get(area__code="E09000002")


@pytest.fixture
def analyst(barnet: Partnership):
    """The police lead of both boroughs: the demo's police agency and Barnet's copy of it."""
    police = Agency.objects.get(partnership=bd(), leads__user__username="police")
    user = get_user_model().objects.create(username="analyst")
    for partnership in (bd(), barnet):
        Role.objects.create(
            user=user,
            partnership=partnership,
            kind=RoleKind.AGENCY_LEAD,
            agency=Agency.objects.get(partnership=partnership, code=police.code),
        )
    return user
