"""Small input/output serializers; rules stay in the services."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework import serializers
from rest_framework.utils import html

from csp.models import Agency, Area, ComparatorGroup, Partnership
from indicators.models import (
    Adoption,
    DerivedMetric,
    Indicator,
    IndicatorCategory,
    MonthValue,
    Portfolio,
    Target,
)
from submissions.api.months import MonthField
from submissions.cycle.services import default_deadline
from submissions.cycle.validation import MAX_FIGURE, TEXT_LIMITS, EntryStatus
from submissions.models import AUDITED_FIELDS, PackVersion, ReportingRound, Submission


class AreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = Area
        fields = ["code", "name", "short_name"]


class GroupSerializer(serializers.ModelSerializer):
    members: serializers.SlugRelatedField[Area] = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="code"
    )

    class Meta:
        model = ComparatorGroup
        fields = ["code", "name", "description", "members"]


class AgencySerializer(serializers.ModelSerializer):
    """An agency of one of the caller's partnerships (``area``: the partnership's area code;
    each partnership has its own agencies, so a code may appear once per partnership)."""

    area = serializers.CharField(source="partnership.area.code", read_only=True)

    class Meta:
        model = Agency
        fields = ["code", "name", "area"]


class TargetSerializer(serializers.ModelSerializer):
    category: serializers.SlugRelatedField[IndicatorCategory] = serializers.SlugRelatedField(
        read_only=True, slug_field="code", allow_null=True, help_text="null: the whole indicator."
    )

    class Meta:
        model = Target
        fields = [
            "financial_year",
            "category",
            "kind",
            "value",
            "lower",
            "upper",
            "volume",
            "tolerance",
            "text",
        ]


class AdoptionSerializer(serializers.ModelSerializer):
    """A partnership's adoption of the indicator; a blank text means the catalogue's."""

    area = serializers.CharField(source="partnership.area.code", read_only=True)
    portfolio: serializers.StringRelatedField[Portfolio] = serializers.StringRelatedField()
    owner: serializers.SlugRelatedField[Agency] = serializers.SlugRelatedField(
        read_only=True, slug_field="code", allow_null=True, help_text="null: no owning agency."
    )
    targets = TargetSerializer(many=True, read_only=True)

    class Meta:
        model = Adoption
        fields = [
            "area",
            "owner",
            "portfolio",
            "pack_order",
            "suppression_threshold",
            "tolerance",
            "what_good_looks_like",
            "why_important",
            "issues_to_consider",
            "targets",
        ]


class IndicatorSerializer(serializers.ModelSerializer):
    """The shared catalogue's indicator, with the adoptions of the caller's partnerships."""

    adoptions = AdoptionSerializer(many=True, read_only=True, source="visible_adoptions")

    class Meta:
        model = Indicator
        fields = [
            "code",
            "title",
            "kind",
            "frequency",
            "polarity",
            "unit",
            "per_n",
            "change_basis",
            "display_decimals",
            "source",
            "definition",
            "how_it_works",
            "what_good_looks_like",
            "why_important",
            "issues_to_consider",
            "adoptions",
        ]


class MonthValueSerializer(serializers.ModelSerializer):
    area: serializers.SlugRelatedField[Area] = serializers.SlugRelatedField(
        read_only=True, slug_field="code"
    )
    indicator: serializers.SlugRelatedField[Indicator] = serializers.SlugRelatedField(
        read_only=True, slug_field="code"
    )
    category: serializers.SlugRelatedField[IndicatorCategory] = serializers.SlugRelatedField(
        read_only=True, slug_field="code", allow_null=True, help_text="null: the whole indicator."
    )
    month = MonthField()

    class Meta:
        model = MonthValue
        fields = [
            "id",
            "area",
            "indicator",
            "month",
            "category",
            "status",
            "value",
            "numerator",
            "denominator",
            "decimal_value",
            "reference_period",
            "reason",
            "is_estimated",
        ]


class DerivedMetricSerializer(serializers.ModelSerializer):
    area: serializers.SlugRelatedField[Area] = serializers.SlugRelatedField(
        read_only=True, slug_field="code"
    )
    indicator: serializers.SlugRelatedField[Indicator] = serializers.SlugRelatedField(
        read_only=True, slug_field="code"
    )
    month = MonthField()
    # A lagged kind's figure is the latest available period's, stored for this month.
    figure_month = MonthField(read_only=True, allow_null=True)

    class Meta:
        model = DerivedMetric
        fields = "__all__"


class RoundSerializer(serializers.ModelSerializer):
    area = serializers.CharField(source="partnership.area.code", read_only=True)
    month = MonthField()

    class Meta:
        model = ReportingRound
        fields = ["id", "area", "month", "deadline", "status", "published_at", "closed_at"]


class SubmissionSerializer(serializers.ModelSerializer):
    """A submission: its round (id), month and partnership's area, the indicator, and the agency
    that owns it (its partnership's adoption's owner, ADR 0015)."""

    indicator: serializers.SlugRelatedField[Indicator] = serializers.SlugRelatedField(
        read_only=True, slug_field="code"
    )
    month = MonthField(source="round.month", read_only=True)
    area = serializers.CharField(source="round.partnership.area.code", read_only=True)
    agency = serializers.CharField(
        source="adoption.owner.code",
        read_only=True,
        allow_null=True,
        help_text="The owning agency's code (null: the indicator has no owner here).",
    )

    class Meta:
        model = Submission
        fields = [
            "id",
            "round",
            "area",
            "indicator",
            "agency",
            "month",
            *AUDITED_FIELDS,
            "version",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "round",
            "area",
            "indicator",
            "agency",
            "month",
            "status",
            "return_reason",
            "rag_override",
            "rag_override_justification",
            "version",
            "updated_at",
        ]


class InputSerializer(serializers.Serializer):
    """A request body: a key the operation does not take is refused, never silently dropped
    (a misspelt field would otherwise look saved)."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            unknown = sorted(key for key in data if not self._takes(key, html.is_html_input(data)))
            if unknown:
                raise serializers.ValidationError(
                    {key: ["This operation takes no field of this name."] for key in unknown}
                )
        return super().to_internal_value(data)

    def _takes(self, key: object, form: bool) -> bool:
        if not isinstance(key, str):
            return False
        if key in self.fields:
            return True
        # Form bodies (the browsable API) carry the CSRF token and name dict entries "field.key".
        return form and (key == "csrfmiddlewaretoken" or key.split(".", 1)[0] in self.fields)


def _text(name: str, **kwargs: Any) -> serializers.CharField:
    return serializers.CharField(max_length=TEXT_LIMITS[name], **kwargs)


class EntrySerializer(InputSerializer):
    """A draft save or a submission: the entry plus the version it was based on."""

    version = serializers.IntegerField()
    entry_status = serializers.ChoiceField(
        choices=[s.value for s in EntryStatus], default=EntryStatus.REPORTED.value
    )
    value = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=MAX_FIGURE
    )
    numerator = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=MAX_FIGURE
    )
    denominator = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=MAX_FIGURE
    )
    decimal_value = serializers.DecimalField(
        required=False, allow_null=True, max_digits=14, decimal_places=4, min_value=0
    )
    categories = serializers.DictField(required=False, allow_null=True)
    reference_period = _text("reference_period", required=False, allow_blank=True, default="")
    reason = _text("reason", required=False, allow_blank=True, default="")
    confirm_note = _text("confirm_note", required=False, allow_blank=True, default="")
    performance_overview = _text(
        "performance_overview", required=False, allow_blank=True, default=""
    )
    actions = _text("actions", required=False, allow_blank=True, default="")
    benchmarking = _text("benchmarking", required=False, allow_blank=True, default="")


class ReturnSerializer(InputSerializer):
    reason = _text("return_reason")


class OverrideSerializer(InputSerializer):
    rag = serializers.ChoiceField(choices=["", "R", "A", "G", "None"], allow_blank=True)
    justification = _text(
        "rag_override_justification", required=False, allow_blank=True, default=""
    )


class RoundCreateSerializer(InputSerializer):
    """A round for one month of one of the caller's partnerships. ``partnership`` names it by
    its area's ONS code (``area`` is the same field's older name); it may be left out by a
    caller who coordinates one partnership only. The deadline defaults to the 10th of the
    following month."""

    partnership = serializers.CharField(
        max_length=20,
        required=False,
        help_text="The partnership, by its area's ONS code (e.g. E09000003). Needed only when "
        "you coordinate several partnerships.",
    )
    area = serializers.CharField(
        max_length=20, required=False, help_text="The older name of `partnership` (ONS code)."
    )
    month = MonthField(help_text="The reporting month, YYYY-MM.")
    deadline = serializers.DateField(
        required=False,
        help_text="The submission deadline, YYYY-MM-DD (default: the 10th of the next month).",
    )

    @staticmethod
    def _partnership(value: str) -> Partnership:
        partnership = Partnership.objects.filter(area__code=value).first()
        if partnership is None:
            raise serializers.ValidationError(f"No partnership reports on area {value}.")
        return partnership

    def validate_partnership(self, value: str) -> Partnership:
        return self._partnership(value)

    def validate_area(self, value: str) -> Partnership:
        return self._partnership(value)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        named, area = attrs.pop("partnership", None), attrs.pop("area", None)
        if named is not None and area is not None and named != area:
            raise serializers.ValidationError(
                {"partnership": ["`partnership` and `area` name different partnerships."]}
            )
        attrs["partnership"] = named or area  # None: the one the caller coordinates
        attrs.setdefault("deadline", default_deadline(attrs["month"]))
        return attrs


class SavedSubmissionSerializer(SubmissionSerializer):
    """A saved entry and what the figures contradict in its overview and actions (warnings: it
    is saved; publishing asks for a confirming note while any stands)."""

    commentary_findings = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta(SubmissionSerializer.Meta):
        fields = [*SubmissionSerializer.Meta.fields, "commentary_findings"]


class PublishSerializer(InputSerializer):
    change_note = _text(
        "change_note",
        required=False,
        allow_blank=True,
        default="",
        help_text="What changed since the last version (needed from version 2 on).",
    )
    confirm_note = _text(
        "publish_confirm_note", required=False, allow_blank=True, default="",
        help_text="Why the pack is published while the figures contradict its commentary.",
    )  # fmt: skip


class RoundReopenSerializer(InputSerializer):
    # Blank is the service's to refuse, with its own sentence.
    reason = _text(
        "reopen_reason",
        allow_blank=True,
        trim_whitespace=False,
        help_text="What needs correcting (kept in the round's audit trail).",
    )


class RefusalSerializer(serializers.Serializer):
    """Why the action was refused."""

    detail = serializers.CharField()


class PackVersionSerializer(serializers.ModelSerializer):
    area = serializers.CharField(source="round.partnership.area.code", read_only=True)
    month = MonthField(source="round.month", read_only=True)

    class Meta:
        model = PackVersion
        fields = ["id", "area", "month", "number", "published_at", "change_note", "confirm_note"]


class PackVersionDetailSerializer(PackVersionSerializer):
    class Meta(PackVersionSerializer.Meta):
        # The snapshot as it was stored; ``schema_version`` says its shape (ADR 0012).
        fields = [*PackVersionSerializer.Meta.fields, "schema_version", "snapshot"]
