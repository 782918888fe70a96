"""A month in the API: one form, ``YYYY-MM`` (ADR "api-months"), in responses, filters and
request bodies alike, declared in the schema as a string with ``MONTH_PATTERN``.

The stores keep a month as the first day of it (a ``date``); this module is the only place the
API turns one into the other. Anything else (``2016-12-01``, ``2016-13``, ``Dec 2016``) is
refused with a 400 that says what a month looks like."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import django_filters
from django import forms
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
MONTH_SCHEMA: dict[str, Any] = {
    "type": "string",
    "pattern": MONTH_PATTERN,
    "example": "2016-12",
}
_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])", re.ASCII)


def month_error(value: object) -> str:
    shown = str(value)[:40] or "An empty value"
    return f"{shown} is not a month (YYYY-MM): give one as, e.g., 2016-12."


def parse_month(value: object) -> dt.date:
    """The first day of the month ``value`` names (``YYYY-MM``); ``ValueError`` otherwise."""
    if not isinstance(value, str) or not _MONTH.fullmatch(value):
        raise ValueError(month_error(value))
    year, month = value.split("-")
    if int(year) < 1:
        raise ValueError(month_error(value))
    return dt.date(int(year), int(month), 1)


def format_month(value: dt.date) -> str:
    return f"{value.year:04d}-{value.month:02d}"


@extend_schema_field(MONTH_SCHEMA)
class MonthField(serializers.Field):
    """A month as ``YYYY-MM`` in JSON, the first day of it in Python."""

    default_error_messages = {"invalid": "{message}"}

    def to_representation(self, value: dt.date) -> str:
        return format_month(value)

    def to_internal_value(self, data: Any) -> dt.date:
        try:
            return parse_month(data)
        except ValueError as exc:
            self.fail("invalid", message=str(exc))
            raise  # unreachable: fail raises


class MonthFormField(forms.Field):
    """The query string's month (django-filter's form), refused with the same sentence."""

    def to_python(self, value: Any) -> dt.date | None:
        if value is None:  # not given; given empty (``?month_from=``) is refused
            return None
        try:
            return parse_month(value)
        except ValueError as exc:
            # The sentence quotes what was sent, which may hold "%": pass it as a parameter,
            # since Django and django-filter format a ValidationError's message with its params.
            raise forms.ValidationError(
                "%(sentence)s", code="invalid", params={"sentence": str(exc)}
            ) from None


@extend_schema_field(MONTH_SCHEMA)
class MonthFilter(django_filters.Filter):
    field_class = MonthFormField


def month_filter(field_name: str, lookup_expr: str, description: str) -> MonthFilter:
    """A filter on a month field, declared with its own description."""
    found = MonthFilter(field_name=field_name, lookup_expr=lookup_expr)
    return extend_schema_field({**MONTH_SCHEMA, "description": description})(found)
