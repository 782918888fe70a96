"""The API's OpenAPI schema: every operation declares the refusals it can answer, so a client
generated from the schema parses them, and schemathesis' response-conformance checks hold
(tests/functional/test_api_fuzz.py).

Every operation can answer 401 (no or a bad token), 403 (a role that may not), 404 (an object
that is not there or not yours; also a page past the last) and 400 (a filter, parameter or body
the API refuses, with the messages by field name, or ``detail``). An operation that declares a
code itself (``_refused`` in ``views``) keeps its own description."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from submissions.api.serializers import RefusalSerializer

REFUSALS: dict[str, OpenApiResponse] = {
    "400": OpenApiResponse(
        OpenApiTypes.OBJECT,
        description="Bad input: {name: [messages]} for the parameters' or body's fields, "
        "or {detail: message}.",
    ),
    "401": OpenApiResponse(RefusalSerializer, description="No token, or not a valid one."),
    "403": OpenApiResponse(RefusalSerializer, description="Your role may not do this."),
    "404": OpenApiResponse(
        RefusalSerializer,
        description="No such object among those you may see (or no such page of a list).",
    ),
}


class ChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    yours = serializers.CharField()
    saved = serializers.CharField()


class ConflictSerializer(RefusalSerializer):
    """Why the action was refused now; after a concurrent save, what changed (yours, saved)."""

    changes = ChangeSerializer(many=True, required=False)


def refused(*codes: int, subject: str = "the round") -> dict[int, OpenApiResponse]:
    """An action's refusals, described for its ``subject``."""
    why = {
        400: "Bad input: {field: [messages]} for the body's fields, or {detail: message}; an "
        "entry that fails its checks: {errors: [...], warnings: [...]}.",
        403: f"Your role may not do this to {subject}.",
        404: f"No such {subject.removeprefix('the ')}, or not one you may see.",
        409: f"The state of {subject} does not allow it now, or someone saved it since "
        "(the message says which; `changes` lists what they changed).",
    }
    schema: dict[int, Any] = {400: OpenApiTypes.OBJECT, 409: ConflictSerializer}
    return {
        code: OpenApiResponse(schema.get(code, RefusalSerializer), description=why[code])
        for code in codes
    }


class ApiSchema(AutoSchema):
    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        for code, refusal in REFUSALS.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(refusal, code, direction=direction)
        return responses
