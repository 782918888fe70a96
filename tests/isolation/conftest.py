"""The two-partnership cast, built once per module inside a transaction rolled back at its end
(each test then runs in a savepoint of it)."""

from __future__ import annotations

import pytest
from django.db import transaction

from tests.isolation.cast import two_partnerships


@pytest.fixture(scope="module")
def cast(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        sides = two_partnerships()
        yield sides
        transaction.set_rollback(True)
