"""Partnership settings services (issue 12): agencies (add, rename, retire once their work has
moved) and copying targets across partnerships refused. Split from test_settings_services.py."""

from __future__ import annotations

import datetime as dt

import pytest

from csp.models import Agency
from indicators.models import Adoption, Target
from indicators.settings import SettingsError
from indicators.settings.new_year import targets_copy_to_next_year
from submissions.settings.agencies import agency_add, agency_rename, agency_retire
from tests.integration.conftest import BARNET_COORDINATOR
from tests.integration.conftest import bd as _bd
from tests.integration.settings_helpers import tno_adoption as _tno
from tests.integration.settings_helpers import user_named as _user

pytestmark = pytest.mark.django_db


# --- agencies ---------------------------------------------------------------------------------


def test_an_agency_with_open_submissions_cannot_be_retired_until_they_move() -> None:
    bd = _bd()
    fire = Agency.objects.get(partnership=bd, code="fire")
    owned = list(
        Adoption.objects.filter(owner=fire)
        .order_by("pack_order")
        .values_list("indicator__code", flat=True)
    )
    assert owned  # the demo's fire brigade owns indicators with January 2017 submissions open
    with pytest.raises(SettingsError) as refused:
        agency_retire(
            agency_id=fire.pk, partnership_id=bd.pk, user=_user("coordinator"), reason="merged",
            today=dt.date(2017, 2, 1),
        )  # fmt: skip
    words = str(refused.value)
    assert words.startswith("London Fire Brigade cannot be retired")
    assert all(f"{code} in the January 2017 round" in words for code in owned), words
    fire.refresh_from_db()
    assert fire.retired_on is None
    # Move its indicators to another agency: the open submissions move with them.
    other = agency_add(
        partnership_id=bd.pk, name="Fire and Rescue", email="", user=_user("coordinator"),
        reason="merger",
    )  # fmt: skip
    for adoption in Adoption.objects.filter(owner=fire):
        adoption.owner = other
        adoption.save()
    agency_retire(
        agency_id=fire.pk, partnership_id=bd.pk, user=_user("coordinator"), reason="merged",
        today=dt.date(2017, 2, 1),
    )  # fmt: skip
    fire.refresh_from_db()
    assert fire.retired_on == dt.date(2017, 2, 1)
    assert fire.history.latest().history_change_reason == "merged"


def test_adding_and_renaming_an_agency() -> None:
    bd = _bd()
    agency = agency_add(
        partnership_id=bd.pk, name="Housing", email="", user=_user("coordinator"), reason="new"
    )
    assert agency.code == "housing"
    with pytest.raises(SettingsError, match="already an agency called"):
        agency_add(
            partnership_id=bd.pk, name="housing", email="", user=_user("coordinator"), reason="x"
        )
    agency_rename(
        agency_id=agency.pk, partnership_id=bd.pk, name="Housing services", email="h@example.org",
        user=_user("coordinator"), reason="its proper name",
    )  # fmt: skip
    agency.refresh_from_db()
    assert agency.name == "Housing services"
    assert agency.history.latest().history_user == _user("coordinator")


def test_copying_another_partnerships_targets_is_refused(barnet_without_rounds) -> None:
    with pytest.raises(SettingsError, match="this partnership's current indicators"):
        targets_copy_to_next_year(
            partnership_id=barnet_without_rounds.pk, from_year=2016, adoption_ids=[_tno().pk],
            user=_user(BARNET_COORDINATOR), reason="x",
        )  # fmt: skip
    assert not Target.objects.filter(financial_year=2017, adoption=_tno()).exists()
