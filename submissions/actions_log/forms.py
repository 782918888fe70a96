"""The entry form's action-log forms: add an action, change one. They parse what people type;
the rules are the services' (``submissions.actions_log.services``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from submissions.actions_log.rules import ActionStatus, Owner
from submissions.cycle.forms import _text


def owner_of(key: str) -> Owner:
    """``agency:12`` or ``person:7`` (the choices ``selectors.owner_choices`` offers)."""
    kind, _, pk = key.partition(":")
    if not pk.isdigit() or kind not in {"agency", "person"}:
        raise forms.ValidationError("Choose who owns the action.")
    return Owner(agency_id=int(pk)) if kind == "agency" else Owner(person_id=int(pk))


class ActionForm(forms.Form):
    """A new action (every field), or a change to one (``prefix`` names the action)."""

    text = _text("actions", label="Action", widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ChoiceField(label="Owner", choices=())
    due_date = forms.DateField(
        label="Due date (optional)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    status = forms.ChoiceField(label="Status", choices=ActionStatus.choices())

    def __init__(self, *args: Any, owners: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ChoiceField)
        owner.choices = owners

    def clean_owner(self) -> Owner:
        return owner_of(self.cleaned_data["owner"])

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        due: dt.date | None = data.get("due_date")
        return {
            "text": data["text"],
            "owner": data["owner"],
            "due_date": due,
            "status": data["status"],
        }
