"""Schemathesis against the API's own OpenAPI schema: for every operation and every role,
generated requests (valid and malformed) never get a server error (5xx)."""

from __future__ import annotations

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token

schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
ROLES = ["police", "fire", "coordinator", "board"]


@pytest.fixture
def tokens(db, settings):  # type: ignore[no-untyped-def]
    settings.DEBUG_PROPAGATE_EXCEPTIONS = True  # a server error fails with its traceback
    # As Django's test client does: the WSGI app must not close the test's connection (and
    # with it the test's transaction) at the end of each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    users = get_user_model().objects.filter(username__in=ROLES)
    yield {u.username: Token.objects.get_or_create(user=u)[0].key for u in users}
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_no_server_errors(case, role: str, tokens: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    response = case.call(headers={"Authorization": f"Token {tokens[role]}"})
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:500])
