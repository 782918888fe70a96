"""Schemathesis against the API's own OpenAPI schema: for every operation and every role,
generated requests never get a server error (5xx), every response is one the schema declares
(its status code, content type, headers and body: ``CHECKS``), and what the schema forbids is
refused (negative data, unsupported methods, missing required headers).

Every operation in the schema is taken (new endpoints join without a change here), with its
path, query and body generators in both of schemathesis 4's generation modes (positive: data
the schema allows; negative: data it does not), and its coverage phase (the boundaries of each
field: too long, too big, wrong type, missing, NUL characters, unexpected methods). Half of the
positive cases are aimed at objects that exist (a generated id or code is mapped onto a real
one, with the submission's current version), so generated bodies reach the services rather than
stopping at a 404 or a 409.

Bounded to run in about two minutes on a 2-core machine: the fuzzing phase draws
``FUZZ_EXAMPLES`` cases per operation and role; the coverage phase (each boundary case once,
about 350 for an entry body) runs for the roles that write. A board member's or administrator's
write is refused only after its body is parsed and validated, by the same code whoever sends
it, so repeating every boundary for them would test nothing new (their fuzzing still sends
positive and negative bodies).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import (
    content_type_conformance,
    missing_required_header,
    negative_data_rejection,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)
from schemathesis.config import SchemathesisConfig
from schemathesis.generation import GenerationMode

FUZZ_EXAMPLES = 8
WRITERS = ["coordinator", "police"]  # police: an agency lead
READERS = ["board", "admin"]
ROLES = WRITERS + READERS
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
    unsupported_method,
    missing_required_header,
]


def _schema(*, coverage: bool):
    config = SchemathesisConfig.from_dict(
        {
            "generation": {"mode": "all", "max-examples": FUZZ_EXAMPLES},  # positive and negative
            "phases": {
                "examples": {"enabled": False},  # the schema holds no examples
                "coverage": {"enabled": coverage},
                "fuzzing": {"enabled": True},
                "stateful": {"enabled": False},
            },
        }
    )
    return schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application(), config=config)


with_boundaries = _schema(coverage=True)
fuzzing_only = _schema(coverage=False)
BOUNDED = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)


def _real_keys() -> dict[str, list[object]]:
    """Ids and codes of existing objects, by the API path they are read under."""
    from csp.models import Agency, Area, ComparatorGroup
    from indicators.models import Adoption, DerivedMetric, Indicator, MonthValue, Target
    from submissions.models import PackVersion, ReportingRound, Submission

    def ids(model: type, limit: int = 100) -> list[object]:
        return list(model.objects.order_by("pk").values_list("pk", flat=True)[:limit])

    return {
        "/api/submissions/": ids(Submission),
        "/api/rounds/": ids(ReportingRound),
        "/api/packs/": ids(PackVersion),
        "/api/month-values/": ids(MonthValue),
        "/api/derived-metrics/": ids(DerivedMetric),
        "/api/adoptions/": ids(Adoption),
        "/api/targets/": ids(Target),
        "/api/areas/": list(Area.objects.values_list("code", flat=True)),
        "/api/indicators/": list(Indicator.objects.values_list("code", flat=True)),
        "/api/agencies/": list(Agency.objects.values_list("code", flat=True)),
        "/api/groups/": list(ComparatorGroup.objects.values_list("code", flat=True)),
    }


@pytest.fixture
def call(db, settings):
    """Send a case as a role: a server error fails with its traceback."""
    settings.DEBUG_PROPAGATE_EXCEPTIONS = True
    # As Django's test client does: the WSGI app must not close the test's connection (and
    # with it the test's transaction) at the end of each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    users = get_user_model().objects.filter(username__in=ROLES)
    tokens = {u.username: Token.objects.get_or_create(user=u)[0].key for u in users}
    keys = _real_keys()

    def send(case, role: str):
        _aim(case, keys)
        return case.call_and_validate(
            headers={"Authorization": f"Token {tokens[role]}"}, checks=CHECKS
        )

    yield send
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _aim(case, keys: dict[str, list[object]]) -> None:
    """Map half of the positive cases' path parameter onto an object that exists (chosen from the
    generated case, so a failing case replays the same)."""
    if not case.path_parameters or case.meta is None:
        return
    if case.meta.generation.mode != GenerationMode.POSITIVE:
        return
    real = next((v for prefix, v in keys.items() if case.path.startswith(prefix)), None)
    if not real:
        return
    digest = zlib.crc32(repr((case.path_parameters, case.query, case.body)).encode())
    if digest % 2:
        return
    target = real[(digest // 2) % len(real)]
    for name in case.path_parameters:
        case.path_parameters[name] = target
    if case.path.startswith("/api/submissions/") and isinstance(case.body, dict):
        from submissions.models import Submission

        if "version" in case.body and isinstance(case.body["version"], int):
            case.body["version"] = Submission.objects.get(pk=target).version


@pytest.mark.django_db
@pytest.mark.parametrize("role", WRITERS)
@with_boundaries.parametrize()
@BOUNDED
def test_no_server_errors_for_those_who_write(case, role: str, call: Callable) -> None:
    response = call(case, role)
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:500])


@pytest.mark.django_db
@pytest.mark.parametrize("role", READERS)
@fuzzing_only.parametrize()
@BOUNDED
def test_no_server_errors_for_those_who_read(case, role: str, call: Callable) -> None:
    response = call(case, role)
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:500])
