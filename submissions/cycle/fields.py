"""Figure fields as people type them: a text box with a numeric keyboard (``inputmode``), not
``type=number``, which drops "1,421" before the form sees it. The parsing and the words are
``submissions.cycle.numbers``'s; the limits are the services' (``validation.check_entry``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from submissions.cycle.numbers import (
    decimal_message,
    parse_decimal,
    parse_whole,
    whole_number_message,
)

# Decimal places the approved store keeps of a published rate (MonthValue.decimal_value).
DECIMAL_PLACES = 4


class _FigureField(forms.CharField):
    inputmode = "numeric"

    def __init__(self, *, noun: str, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.noun = noun

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.update(
            {
                "inputmode": self.inputmode,
                "spellcheck": "false",
                "autocomplete": "off",
                "class": "govuk-input--width-10",
            }
        )
        return attrs


class WholeNumberField(_FigureField):
    """A whole number: "1,421" and " 1421 " are 1421; anything else is refused, naming the
    figure ("Enter the number of offences as a whole number, like 1421")."""

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]  # a number, not text
        try:
            return parse_whole(str(super().to_python(value)))
        except ValueError:
            raise forms.ValidationError(whole_number_message(self.noun), code="invalid") from None


class DecimalNumberField(_FigureField):
    """A figure that may have a decimal part (a published rate): "1,421.5", " 10.25 "."""

    inputmode = "decimal"

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]  # a number
        try:
            number = parse_decimal(str(super().to_python(value)))
        except ValueError:
            raise forms.ValidationError(decimal_message(self.noun), code="invalid") from None
        if number is not None and -number.as_tuple().exponent > DECIMAL_PLACES:  # type: ignore[operator]  # a finite Decimal's exponent is an int
            raise forms.ValidationError(
                f"Enter {self.noun} with at most {DECIMAL_PLACES} decimal places", code="invalid"
            )
        return number
