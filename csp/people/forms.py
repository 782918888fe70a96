"""The people page's forms: a role is one choice, "agency_lead:<agency id>", "board_member" or
"coordinator", so a page offers exactly the roles the service accepts."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password

from csp.models import Agency, RoleKind
from csp.people.services import RoleAsked


def role_choices(agencies: list[Agency]) -> list[tuple[str, str]]:
    return [
        *[(f"{RoleKind.AGENCY_LEAD}:{a.pk}", f"Agency lead of {a.name}") for a in agencies],
        (str(RoleKind.BOARD_MEMBER), "Board member"),
        (str(RoleKind.COORDINATOR), "Coordinator"),
    ]


def role_value(kind: str, agency_id: int | None) -> str:
    return f"{kind}:{agency_id}" if agency_id else kind


def _asked(value: str) -> RoleAsked:
    kind, _, agency = value.partition(":")
    return RoleAsked(kind=kind, agency_id=int(agency) if agency.isdigit() else None)


class _RoleForm(forms.Form):
    role = forms.ChoiceField(label="Role")

    def __init__(self, *args: Any, agencies: list[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices(agencies)  # type: ignore[attr-defined]  # a ChoiceField

    def role_asked(self) -> RoleAsked:
        return _asked(self.cleaned_data["role"])


class InviteForm(_RoleForm):
    email = forms.EmailField(label="E-mail address", max_length=254)
    reason = forms.CharField(label="Why (for the audit trail, optional)", required=False,
                             max_length=500)  # fmt: skip
    field_order = ["email", "role", "reason"]


class RoleChangeForm(_RoleForm):
    reason = forms.CharField(label="Why", max_length=500)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Why", max_length=500)


class AcceptForm(forms.Form):
    """The invited person's password, checked by the install's password validators."""

    new_password1 = forms.CharField(label="Password", strip=False, widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}))  # fmt: skip
    new_password2 = forms.CharField(label="Password again", strip=False, widget=forms.PasswordInput(
        attrs={"autocomplete": "new-password"}))  # fmt: skip

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        one, two = data.get("new_password1"), data.get("new_password2")
        if one and two and one != two:
            raise forms.ValidationError("The two passwords differ.")
        if one:
            validate_password(one, User(username=self.email, email=self.email))
        return data
