"""Forms parse what people type; the rules live in submissions.cycle.validation and the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms

from csp.govuk import GovukForm
from indicators.engine.formatting import number, suppressed
from indicators.models import Indicator, IndicatorCategory, IndicatorKind
from submissions.cycle.fields import DecimalNumberField, WholeNumberField
from submissions.cycle.numbers import parse_whole, whole_number_message
from submissions.cycle.validation import (
    SUPPRESSED,
    TEXT_LIMITS,
    Entry,
    EntryStatus,
)

ENTRY_CHOICES = [
    (EntryStatus.REPORTED.value, "Enter the figures"),
    (EntryStatus.NOT_COLLECTED.value, "Not collected this month (e.g. a quarterly figure)"),
    (EntryStatus.NOT_AVAILABLE.value, "Not available yet (printed as TBC)"),
]
# The figure fields: shown (and read) only for "Enter the figures".
FIGURE_FIELDS = ("value", "numerator", "denominator", "reference_period")


def _text(name: str, **kwargs: Any) -> forms.CharField:
    """A free-text field with its limit (README "Limits"), refused with the same words as the
    service. No maxlength attribute: browsers cut pasted text short without saying so (the
    GOV.UK Design System advises against it); the server's message says what to shorten."""
    limit = TEXT_LIMITS[name]
    field = forms.CharField(
        max_length=limit,
        error_messages={
            "max_length": f"This is too long: at most {number(limit)} characters "
            "(this one has %(show_value)d)."
        },
        **kwargs,
    )
    field.widget.attrs.pop("maxlength", None)
    return field


class EntryForm(GovukForm):
    """The entry form for one indicator; its figure fields depend on the indicator's kind.

    The radios reveal what each answer needs (GOV.UK conditional reveal): the figures under
    "Enter the figures", a reason under each of the others (two boxes, one per answer, since
    a revealed box belongs to one radio; ``reason`` is read from the chosen one). Figures typed
    under another answer are neither checked nor kept: the person chose not to give them."""

    entry_status = forms.ChoiceField(
        choices=ENTRY_CHOICES, widget=forms.RadioSelect, label="This month"
    )
    reason_not_collected = _text(
        "reason",
        required=False,
        label="Why is it not collected this month? (optional)",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    reason = _text(
        "reason",
        required=False,
        label="Why is the figure not available?",
        help_text="The pack prints TBC with this reason.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    performance_overview = _text(
        "performance_overview",
        required=False,
        label="Performance overview",
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    actions = _text(
        "actions",
        required=False,
        label="Actions to sustain or improve performance",
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    benchmarking = _text(
        "benchmarking",
        required=False,
        label="Benchmarking",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm_note = _text(
        "confirm_note",
        required=False,
        label="Note confirming an unusual figure",
        help_text="Needed only when the figure is far from last year's or outside its usual range.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        indicator: Indicator,
        categories: list[IndicatorCategory],
        suppression_threshold: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.categories = categories
        self.suppression_threshold = suppression_threshold
        kind = indicator.kind
        unit = indicator.unit or "figure"
        self.unit = unit
        if categories:
            for c in categories:
                self.fields[f"category-{c.code}"] = forms.CharField(
                    required=False,
                    label=c.label,
                    help_text=(
                        "n/N, for example 31/461"
                        if kind == IndicatorKind.RATIO
                        else f'A whole number, or "suppressed" for a count under '
                        f"{suppression_threshold}"
                        if suppression_threshold
                        else "A whole number"
                    ),
                    widget=forms.TextInput(
                        attrs={
                            "inputmode": "text" if kind == IndicatorKind.RATIO else "numeric",
                            "spellcheck": "false",
                            "autocomplete": "off",
                            "class": "govuk-input--width-10",
                        }
                    ),
                )
        elif kind == IndicatorKind.RATIO:
            self.fields["numerator"] = WholeNumberField(
                label="Number successful", noun="the number successful"
            )
            self.fields["denominator"] = WholeNumberField(
                label="Total (out of)", noun="the total (out of)"
            )
        elif kind == IndicatorKind.ROLLING:
            self.fields["value"] = DecimalNumberField(
                label=f"Figure ({unit})",
                noun="the figure",
                help_text="A count, or a published rate such as 10.5",
            )
        elif kind == IndicatorKind.SNAPSHOT:
            self.fields["value"] = WholeNumberField(
                label="Level at the end of the month",
                noun=f"the number of {unit} at the end of the month",
            )
        else:
            self.fields["value"] = WholeNumberField(
                label=f"Number of {unit}", noun=f"the number of {unit}"
            )
        if kind == IndicatorKind.ROLLING or (categories and kind != IndicatorKind.BREAKDOWN):
            self.fields["reference_period"] = _text(
                "reference_period",
                required=False,
                label="Period the figure covers",
                help_text="e.g. July 2015 to June 2016, or the cohort",
            )
        # Field order: status, figures, reason, note, commentary.
        order = ["entry_status"]
        order += [n for n in self.fields if n.startswith("category-")]
        order += [
            n for n in ("value", "numerator", "denominator", "reference_period") if n in self.fields
        ]
        order += [
            "reason_not_collected",
            "reason",
            "confirm_note",
            "performance_overview",
            "actions",
            "benchmarking",
            "version",
        ]
        self.order_fields(order)

    @property
    def reporting(self) -> bool:
        """Whether the chosen answer is "Enter the figures" (or none is chosen yet)."""
        status = (
            self.data.get("entry_status") if self.is_bound else self.initial.get("entry_status")
        )
        return status in (None, "", EntryStatus.REPORTED)

    def figure_names(self) -> list[str]:
        return [n for n in self.fields if n.startswith("category-") or n in FIGURE_FIELDS]

    def field_for(self, name: str) -> str | None:
        """The field a service's error names (None: the form's as a whole)."""
        if name == "reason" and self.data.get("entry_status") == EntryStatus.NOT_COLLECTED:
            return "reason_not_collected"
        return name if name in self.fields else None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        if data.get("entry_status") == EntryStatus.NOT_COLLECTED:
            data["reason"] = data.get("reason_not_collected") or data.get("reason") or ""
            self.errors.pop("reason", None)
        elif "reason_not_collected" in self.errors:
            del self.errors["reason_not_collected"]
        if not self.reporting:
            # Hidden behind another answer: neither refused nor kept.
            for name in self.figure_names():
                self.errors.pop(name, None)
                data[name] = None
            return data
        self._clean_categories(data)
        return data

    def _clean_categories(self, data: dict[str, Any]) -> None:
        # "suppressed", or the pack's way of printing it ("<10"), or just "s".
        marks = {SUPPRESSED, "s", "<10", suppressed(self.suppression_threshold)}
        refused = whole_number_message(f"the number of {self.unit}")
        if self.suppression_threshold:
            refused += ", or “suppressed”"
        for c in self.categories:
            name = f"category-{c.code}"
            raw = (data.get(name) or "").strip()
            if raw == "":
                data[name] = None
            elif raw.lower() in marks:
                data[name] = SUPPRESSED
            elif "/" in raw or " of " in raw:  # a ratio per category: "31/461" or "31 of 461"
                parts = raw.replace(" of ", "/").split("/")
                try:
                    num, den = parse_whole(parts[0]), parse_whole(parts[1])
                    if len(parts) != 2 or num is None or den is None:
                        raise ValueError(raw)
                    data[name] = {"numerator": num, "denominator": den}
                except (ValueError, IndexError):
                    self.add_error(name, "Enter the figure as n/N, for example 31/461")
            else:
                try:
                    data[name] = parse_whole(raw)
                except ValueError:
                    self.add_error(name, refused)

    def to_entry(self) -> Entry:
        """The cleaned form as an Entry for the service (call after is_valid)."""
        data = self.cleaned_data
        categories = None
        if self.categories:
            categories = {
                c.code: data[f"category-{c.code}"]
                for c in self.categories
                if data.get(f"category-{c.code}") is not None
            }
        value = data.get("value")
        decimal_value = None
        if isinstance(value, Decimal):
            if value == value.to_integral_value():
                value = int(value)
            else:
                decimal_value, value = value, None
        return Entry(
            entry_status=data["entry_status"],
            value=value,
            numerator=data.get("numerator"),
            denominator=data.get("denominator"),
            decimal_value=decimal_value,
            categories=categories or None,
            reference_period=data.get("reference_period") or "",
            reason=data.get("reason") or "",
            confirm_note=data.get("confirm_note") or "",
            performance_overview=data.get("performance_overview") or "",
            actions=data.get("actions") or "",
            benchmarking=data.get("benchmarking") or "",
        )


class ReturnForm(GovukForm):
    reason = _text(
        "return_reason",
        label="Why are you returning it?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The agency lead reads this and is e-mailed a link.",
    )


class OverrideForm(GovukForm):
    rag = forms.ChoiceField(
        label="Rating to print",
        choices=[
            ("", "No override: use the computed rating"),
            ("R", "Red"),
            ("A", "Amber"),
            ("G", "Green"),
            ("None", "None (not rated)"),
        ],
        required=False,
        widget=forms.RadioSelect,
    )
    justification = _text(
        "rag_override_justification",
        required=False,
        label="Justification (printed on the pack)",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SubmissionReopenForm(GovukForm):
    """Reopening one approved submission, on its review panel (the round page has its own)."""

    reason = _text(
        "reopen_reason",
        label="What needs correcting?",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RoundForm(forms.Form):
    month = forms.CharField(label="Month", help_text="YYYY-MM, e.g. 2017-02")
    deadline = forms.DateField(
        label="Submission deadline",
        help_text="YYYY-MM-DD",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_month(self) -> dt.date:
        raw = self.cleaned_data["month"].strip()
        try:
            return dt.datetime.strptime(raw, "%Y-%m").date()
        except ValueError:
            raise forms.ValidationError("Enter the month as YYYY-MM, e.g. 2017-02.") from None


class PublishForm(forms.Form):
    change_note = forms.CharField(
        required=False,
        label="What changed (needed from version 2 on)",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm_note = _text(
        "publish_confirm_note",
        required=False,
        label="Confirming note (needed while the figures contradict any page's commentary)",
        help_text="Why the pack is published with that commentary as it is. The version keeps it.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label="What needs correcting?", widget=forms.Textarea(attrs={"rows": 2})
    )
