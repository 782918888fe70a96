"""Django forms in the GOV.UK Design System's markup (ADR 0032): a bound field that gives each
widget its GOV.UK class, its error modifier and the ids of its hint, error and character count;
the markup around it is in ``templates/govuk/`` (a field, radios, the error summary)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.boundfield import BoundField

# The GOV.UK class of each widget (radios and checkboxes are laid out by their templates).
_CLASSES: dict[type[forms.Widget], str] = {
    forms.Textarea: "govuk-textarea",
    forms.Select: "govuk-select",
    forms.TextInput: "govuk-input",
    forms.NumberInput: "govuk-input",
    forms.DateInput: "govuk-input",
    forms.EmailInput: "govuk-input",
}


def _govuk_class(widget: forms.Widget) -> str | None:
    for cls in type(widget).__mro__:
        if cls in _CLASSES:
            return _CLASSES[cls]
    return None


class GovukBoundField(BoundField):
    """A field that describes itself the GOV.UK way: ``{id}-hint``, ``{id}-error`` and, for a
    textarea with a limit, ``{id}-info`` (the character count's message)."""

    @property
    def character_count(self) -> int | None:
        """The limit a textarea counts towards (GOV.UK character count), or None."""
        limit = getattr(self.field, "max_length", None)
        return limit if isinstance(self.field.widget, forms.Textarea) and limit else None

    @property
    def anchor(self) -> str:
        """The id the error summary links to: the input, or the first of a set of radios."""
        if isinstance(self.field.widget, forms.RadioSelect):
            return f"{self.auto_id}_0"
        return str(self.id_for_label)

    @property
    def hint_id(self) -> str:
        return f"{self.auto_id}-hint"

    @property
    def error_id(self) -> str:
        return f"{self.auto_id}-error"

    @property
    def described_by(self) -> str:
        ids = []
        if self.character_count:
            ids.append(f"{self.auto_id}-info")
        if self.help_text:
            ids.append(self.hint_id)
        if self.errors:
            ids.append(self.error_id)
        return " ".join(ids)

    def build_widget_attrs(
        self, attrs: dict[str, Any], widget: forms.Widget | None = None
    ) -> dict[str, Any]:
        widget = widget or self.field.widget
        attrs = super().build_widget_attrs(attrs, widget)
        base = _govuk_class(widget)
        if base is not None:
            classes = [base, str(widget.attrs.get("class", "")), str(attrs.get("class", ""))]
            if self.errors:
                classes.append(f"{base}--error")
            if self.character_count:
                classes.append("govuk-js-character-count")
            attrs["class"] = " ".join(c for c in classes if c)
        if self.auto_id and not widget.is_hidden and not self.use_fieldset:
            if self.described_by:
                attrs["aria-describedby"] = self.described_by
            else:
                attrs.pop("aria-describedby", None)
        return attrs


class GovukForm(forms.Form):
    """A form whose fields render with ``templates/govuk/field.html`` and friends."""

    bound_field_class = GovukBoundField
