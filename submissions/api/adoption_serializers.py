"""Serializers of ``/api/adoptions/`` and ``/api/targets/``: a partnership's adoptions of the
shared catalogue and its targets (ADR 0015), each naming its partnership by its area's code."""

from __future__ import annotations

from rest_framework import serializers

from indicators.models import Indicator, Target
from submissions.api.serializers import AdoptionSerializer, TargetSerializer

INDICATOR_HELP = "The catalogue indicator's code."
AREA_HELP = "The partnership, by its area's ONS code."


class AdoptionDetailSerializer(AdoptionSerializer):
    """One partnership's adoption of a catalogue indicator: its owning agency (code; null when
    none), pack place, local texts (blank: the catalogue's) and targets."""

    area = serializers.CharField(
        source="partnership.area.code", read_only=True, help_text=AREA_HELP
    )
    indicator: serializers.SlugRelatedField[Indicator] = serializers.SlugRelatedField(
        read_only=True, slug_field="code", help_text=INDICATOR_HELP
    )

    class Meta(AdoptionSerializer.Meta):
        fields = ["id", "indicator", *AdoptionSerializer.Meta.fields]
        read_only_fields = fields


class TargetDetailSerializer(TargetSerializer):
    """A partnership's target for an adopted indicator in one financial year (its start year:
    2016 is 2016/17), for the whole indicator or one category."""

    area = serializers.CharField(
        source="adoption.partnership.area.code", read_only=True, help_text=AREA_HELP
    )
    indicator = serializers.CharField(
        source="adoption.indicator.code", read_only=True, help_text=INDICATOR_HELP
    )

    class Meta(TargetSerializer.Meta):
        model = Target
        fields = ["id", "area", "indicator", "adoption", *TargetSerializer.Meta.fields]
        read_only_fields = fields
