"""``permissions.access_for`` reads a user's roles and regional readings in one query compiled
once per process (issue 14): each user still gets their own rows, in the same one query."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from csp import permissions
from csp.models import Partnership, Region, RegionalReader

pytestmark = pytest.mark.django_db


def _fresh(username: str):  # a new user object: nothing remembered from another call
    return get_user_model().objects.get(username=username)


def test_each_user_reads_their_own_roles_in_one_query() -> None:
    barking = Partnership.objects.get(area__code="E09000002").pk
    london = Region.objects.get(code="london")
    RegionalReader.objects.create(user=_fresh("board"), region=london)
    user = _fresh("board")
    with CaptureQueriesContext(connection) as queries:
        board = permissions.access_for(user)
    assert len(queries) == 1
    coordinator = permissions.access_for(_fresh("coordinator"))
    police = permissions.access_for(_fresh("police"))
    nobody = permissions.access_for(
        get_user_model().objects.create_user(username="nobody", password="x-unused-x")
    )
    # The demo (README, Demo users): board is a board member of Barking and Dagenham only.
    assert board.board_member_of == {barking} and not board.coordinator_of
    assert board.reader_of == {(london.pk, london.group_id)}
    assert coordinator.coordinator_of == {barking} and not coordinator.reader_of
    assert {p for p, _ in police.lead_of} == {barking} and not police.board_member_of
    assert nobody.partnerships == frozenset() and nobody.reader_of == frozenset()
    assert permissions._access_sql.cache_info().currsize == 1  # compiled once, for every user
