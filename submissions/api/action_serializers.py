"""The action log's API bodies: an action as read, a new one, a change to one."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from submissions.actions_log.rules import ACTION_STATUSES, ActionStatus
from submissions.api.months import MonthField
from submissions.api.serializers import InputSerializer, _text
from submissions.models import Action


class ActionSerializer(serializers.ModelSerializer):
    area = serializers.CharField(source="adoption.partnership.area.code", read_only=True)
    indicator = serializers.CharField(source="adoption.indicator.code", read_only=True)
    owner = serializers.SerializerMethodField()
    status_label = serializers.SerializerMethodField()
    created_in = MonthField(read_only=True)
    closed_in = MonthField(read_only=True, allow_null=True, help_text="null: not done yet.")

    class Meta:
        model = Action
        fields = [
            "id", "area", "indicator", "text", "owner", "due_date", "status", "status_label",
            "created_in", "closed_in",
        ]  # fmt: skip

    def get_owner(self, action: Action) -> dict[str, str]:
        if action.owner_agency is not None:
            return {"kind": "agency", "code": action.owner_agency.code,
                    "name": action.owner_agency.name}  # fmt: skip
        person = action.owner_person
        assert person is not None  # one owner or the other (a database constraint)
        return {"kind": "person", "username": person.get_username(),
                "name": person.get_full_name() or person.get_username()}  # fmt: skip

    def get_status_label(self, action: Action) -> str:
        return ActionStatus(action.status).label


MONTH_HELP = (
    "The month the change is made for, YYYY-MM (default: the month the partnership is "
    "reporting on: its latest round taking entries, else last month)."
)


class ActionChangeSerializer(InputSerializer):
    """A change to an action: only the fields given change (``due_date: null`` clears it).
    The owner is an agency (its code) or a person (their username) of the partnership."""

    text = _text("actions", required=False)
    owner_agency = serializers.CharField(max_length=40, required=False)
    owner_person = serializers.CharField(max_length=150, required=False)
    due_date = serializers.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=ACTION_STATUSES, required=False)
    month = MonthField(required=False, help_text=MONTH_HELP)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "owner_agency" in attrs and "owner_person" in attrs:
            raise serializers.ValidationError(
                {"owner_person": ["Name one owner: an agency or a person, not both."]}
            )
        return attrs


class ActionCreateSerializer(ActionChangeSerializer):
    """A new action on one of your partnership's indicators (``area``: the partnership's area
    code, needed only when you work in several). The owner defaults to the indicator's
    owning agency."""

    indicator = serializers.CharField(max_length=80)
    area = serializers.CharField(max_length=20, required=False)
    text = _text("actions")
