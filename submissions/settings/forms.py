"""The settings pages' forms: they parse what people type; the services hold the rules."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from indicators.engine.vocabulary import TargetKind
from indicators.settings.adoptions import AdoptionChange
from indicators.settings.targets import TargetInput

REASON_HELP = "Why you are making this change: it goes in the history with your name."


def _reason() -> forms.CharField:
    return forms.CharField(label="Reason for the change", max_length=200, help_text=REASON_HELP)


def _choose(form: forms.Form, name: str, choices: list[tuple[str, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def _id(value: Any) -> int | None:
    return int(value) if value not in (None, "") else None


class AdoptForm(forms.Form):
    indicator = forms.ChoiceField(label="Indicator from the shared catalogue")
    portfolio = forms.ChoiceField()
    owner = forms.ChoiceField(label="Owning agency", required=False)
    reason = _reason()

    def __init__(self, *args: Any, indicators: list, agencies: list, portfolios: list, **kw: Any):
        super().__init__(*args, **kw)
        _choose(self, "indicator", [(str(i.pk), f"{i.code}: {i.title}") for i in indicators])
        _choose(self, "owner", agencies)
        _choose(self, "portfolio", portfolios)


class AdoptionForm(forms.Form):
    owner = forms.ChoiceField(label="Owning agency", required=False)
    portfolio = forms.ChoiceField()
    suppression_threshold = forms.IntegerField(
        required=False, min_value=0, help_text="Counts under this are shown as '<N', never as 0."
    )
    tolerance = forms.DecimalField(
        label="Amber band (%)", required=False, min_value=Decimal(0), max_digits=6,
        decimal_places=3, help_text="For targets that give none of their own (default 10).",
    )  # fmt: skip
    figure_limit = forms.IntegerField(
        label="Plausibility limit", required=False, min_value=1, max_value=2**63 - 1,
        help_text="The largest figure an entry may give (a count, a total or a rate); a larger "
        "one is refused. Blank: ten times the largest approved month of the last five years.",
    )  # fmt: skip
    due_months = forms.CharField(
        required=False, max_length=40,
        help_text="A quarterly or annual indicator's due months as numbers, e.g. 6,9,12,3. "
        "Blank: as the catalogue's frequency says.",
    )  # fmt: skip
    what_good_looks_like = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Blank: the catalogue's.",
    )
    why_important = forms.CharField(
        label="Why it matters", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Blank: the catalogue's.",
    )  # fmt: skip
    issues_to_consider = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Blank: the catalogue's.",
    )
    reason = _reason()

    def __init__(self, *args: Any, agencies: list, portfolios: list, **kw: Any):
        super().__init__(*args, **kw)
        _choose(self, "owner", agencies)
        _choose(self, "portfolio", portfolios)

    def change(self) -> AdoptionChange:
        d = self.cleaned_data
        return AdoptionChange(
            owner_id=_id(d["owner"]),
            portfolio_id=int(d["portfolio"]),
            suppression_threshold=d["suppression_threshold"],
            tolerance=d["tolerance"],
            figure_limit=d["figure_limit"],
            due_months=d["due_months"],
            what_good_looks_like=d["what_good_looks_like"],
            why_important=d["why_important"],
            issues_to_consider=d["issues_to_consider"],
        )


class TargetForm(forms.Form):
    financial_year = forms.IntegerField(
        label="Financial year", min_value=2000, max_value=2100,
        help_text="Its first year: 2017 for 2017/18.",
    )  # fmt: skip
    category = forms.ChoiceField(required=False)
    kind = forms.ChoiceField(label="Kind of target", choices=TargetKind.choices())
    value = forms.DecimalField(
        required=False, max_digits=12, decimal_places=3,
        help_text="Reduce or % change: the % on last year (e.g. -5); ceiling: the year's most; "
        "minimum: the least.",
    )  # fmt: skip
    lower = forms.DecimalField(
        label="Range: lower", required=False, max_digits=12, decimal_places=3
    )
    upper = forms.DecimalField(
        label="Range: upper", required=False, max_digits=12, decimal_places=3
    )
    volume = forms.IntegerField(required=False, min_value=0, help_text="e.g. 24 people.")
    tolerance = forms.DecimalField(
        label="Amber band (%)", required=False, min_value=Decimal(0), max_digits=6,
        decimal_places=3, help_text="Blank: the indicator's, else 10.",
    )  # fmt: skip
    text = forms.CharField(label="Target line printed in the pack", required=False, max_length=300)
    reason = forms.CharField(
        label="Reason for the change", max_length=200, required=False, help_text=REASON_HELP
    )

    def __init__(self, *args: Any, categories: list, **kw: Any):
        super().__init__(*args, **kw)
        _choose(self, "category", categories)
        if len(categories) < 2:
            self.fields["category"].widget = forms.HiddenInput()

    def target(self) -> TargetInput:
        d = self.cleaned_data
        return TargetInput(
            kind=d["kind"], value=d["value"], lower=d["lower"], upper=d["upper"],
            volume=d["volume"], tolerance=d["tolerance"], text=d["text"].strip(),
        )  # fmt: skip

    def category_id(self) -> int | None:
        return _id(self.cleaned_data["category"])


class ReasonForm(forms.Form):
    reason = _reason()


class CopyTargetsForm(forms.Form):
    adoptions = forms.MultipleChoiceField(
        label="Indicators", required=False, widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every indicator with a target this year.",
    )  # fmt: skip
    reason = _reason()

    def __init__(self, *args: Any, adoptions: list, **kw: Any):
        super().__init__(*args, **kw)
        _choose(
            self,
            "adoptions",
            [(str(a.pk), f"{a.indicator.code}: {a.indicator.title}") for a in adoptions],
        )


class AgencyMoveForm(forms.Form):
    to_agency = forms.ChoiceField(label="Move its indicators and open submissions to")
    reason = _reason()

    def __init__(self, *args: Any, agencies: list[tuple[str, str]], **kw: Any):
        super().__init__(*args, **kw)
        _choose(self, "to_agency", agencies)


class AgencyForm(forms.Form):
    name = forms.CharField(max_length=150)
    email = forms.EmailField(required=False, label="E-mail address (optional)")
    reason = _reason()
