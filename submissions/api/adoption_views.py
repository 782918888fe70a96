"""``/api/adoptions/`` and ``/api/targets/``: read only, scoped to the partnerships the caller
holds a role in (``permissions.adoption_partnerships``; a regional reader has none). Each
partnership sets these up in the admin or with ``setup_partnership``; the API only reads them."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from submissions.api import adoption_serializers as s
from submissions.api import selectors

PARTNERSHIP_HELP = "One of your partnerships, by its area's ONS code (e.g. E09000002)."


class YearField(forms.IntegerField):
    """A financial year given in the query string: a whole number (0.5 is refused), and given
    empty (``?financial_year=``) is refused too, as the schema says; absent is no filter."""

    def to_python(self, value: Any) -> int | None:
        if value == "":
            message = "Give the year as a whole number, like 2016."
            raise forms.ValidationError(message, code="invalid")
        return super().to_python(value)


class YearFilter(django_filters.NumberFilter):
    field_class = YearField


class AdoptionFilter(django_filters.FilterSet):
    partnership = django_filters.CharFilter(
        field_name="partnership__area__code", help_text=PARTNERSHIP_HELP
    )
    area = django_filters.CharFilter(
        field_name="partnership__area__code", help_text="The same as `partnership`."
    )
    indicator = django_filters.CharFilter(
        field_name="indicator__code", help_text="The catalogue indicator's code (e.g. tno)."
    )


class TargetFilter(django_filters.FilterSet):
    partnership = django_filters.CharFilter(
        field_name="adoption__partnership__area__code", help_text=PARTNERSHIP_HELP
    )
    area = django_filters.CharFilter(
        field_name="adoption__partnership__area__code", help_text="The same as `partnership`."
    )
    indicator = django_filters.CharFilter(
        field_name="adoption__indicator__code",
        help_text="The catalogue indicator's code (e.g. tno).",
    )
    financial_year = YearFilter(
        field_name="financial_year", help_text="The financial year's start: 2016 for 2016/17."
    )


@extend_schema_view(
    list=extend_schema(summary="Your partnerships' adoptions of the catalogue"),
    retrieve=extend_schema(summary="One adoption"),
)
class AdoptionViewSet(viewsets.ReadOnlyModelViewSet):
    """Your partnerships' adoptions of the shared catalogue: the owning agency, pack place,
    local texts and targets of each indicator a partnership reports."""

    serializer_class = s.AdoptionDetailSerializer
    filterset_class = AdoptionFilter
    lookup_value_regex = "[0-9]{1,12}"

    def get_queryset(self):
        return selectors.adoptions_visible_to(self.request.user)


@extend_schema_view(
    list=extend_schema(summary="Your partnerships' targets"),
    retrieve=extend_schema(summary="One target"),
)
class TargetViewSet(viewsets.ReadOnlyModelViewSet):
    """Your partnerships' targets, per adopted indicator and financial year."""

    serializer_class = s.TargetDetailSerializer
    filterset_class = TargetFilter
    lookup_value_regex = "[0-9]{1,12}"

    def get_queryset(self):
        return selectors.targets_visible_to(self.request.user)
