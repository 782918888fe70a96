"""Set a target of an adopted indicator for a financial year, and preview it first.

The preview rates the partnership's latest derived figures of the indicator under the target
being written, with the engine's own rating (``engine.rating.set_rag``) and rule in words
(``engine.rating_words.rating_rule``): what the pack would say, before anything is saved."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from csp.users import User, stamp_change
from indicators.engine.periods import month_label
from indicators.engine.rating import category_rule, set_category_rags, set_rag
from indicators.engine.series import MonthMetrics, SeriesSpec
from indicators.engine.vocabulary import TargetKind
from indicators.models import Adoption, DerivedMetric, IndicatorCategory, Target
from indicators.recompute.load import series_spec, target_spec
from indicators.recompute.requests import recompute_request
from indicators.selectors import rating_rule_text
from indicators.settings import SettingsError
from indicators.settings.common import adoption_locked, reason_check, settings_check

RAG_WORDS = {"R": "Red", "A": "Amber", "G": "Green"}


@dataclass(frozen=True)
class TargetInput:
    """A target as the form gives it (the model's fields, nothing saved)."""

    kind: str
    value: Decimal | None = None
    lower: Decimal | None = None
    upper: Decimal | None = None
    volume: int | None = None
    tolerance: Decimal | None = None
    text: str = ""


def target_check(target: TargetInput) -> None:
    """The model's constraints, as sentences, before the database would refuse them."""
    kind = TargetKind(target.kind)
    needs_value = {TargetKind.PERCENT_CHANGE, TargetKind.CEILING, TargetKind.MINIMUM}
    if kind in needs_value and target.value is None:
        raise SettingsError(f"A target of the kind '{kind.label}' needs a figure.")
    if kind == TargetKind.CEILING and target.value is not None and target.value <= 0:
        raise SettingsError("An annual ceiling must be more than 0.")
    if kind == TargetKind.RANGE:
        if target.lower is None or target.upper is None:
            raise SettingsError("A range needs its lower and upper bounds.")
        if target.lower > target.upper:
            raise SettingsError("The lower bound of a range cannot be above the upper.")
    if target.tolerance is not None and target.tolerance < 0:
        raise SettingsError("The amber band cannot be negative.")


def _unsaved(adoption: Adoption, year: int, category_id: int | None, t: TargetInput) -> Target:
    return Target(
        adoption=adoption,
        financial_year=year,
        category_id=category_id,
        **dataclasses.asdict(t),
    )


@dataclass(frozen=True)
class Preview:
    rule: str  # the rule in words
    month: str  # the month whose figures were rated, "" if none
    rating: str  # Red, Amber, Green or "Not rated"
    reason: str  # the engine's reason for it


def target_preview(
    *,
    adoption: Adoption,
    financial_year: int,
    category_id: int | None,
    target: TargetInput,
    today: dt.date,
) -> Preview:
    """How the partnership's latest figures up to ``today`` would rate under ``target``."""
    target_check(target)
    indicator = adoption.indicator
    unsaved = _unsaved(adoption, financial_year, category_id, target)
    rule = rating_rule_text(indicator, unsaved, adoption.tolerance)
    row = (
        DerivedMetric.objects.filter(
            indicator=indicator, area_id=adoption.partnership.area_id, month__lte=today
        )
        .exclude(status="not_submitted")
        .order_by("-month")
        .first()
    )
    if row is None:
        return Preview(rule, "", "Not rated", "No figures yet to rate.")
    categories = list(indicator.categories.all())
    spec = series_spec(indicator, categories)
    if category_id is not None:
        return _category_preview(spec, categories, category_id, unsaved, adoption, row, rule)
    out = MonthMetrics(
        month=row.month,
        **{
            f.name: getattr(row, f.name)
            for f in dataclasses.fields(MonthMetrics)
            if f.name not in {"month", "missing", "rag", "rag_reason"} and hasattr(row, f.name)
        },
    )
    set_rag(spec, target_spec(unsaved, adoption.tolerance), out, row.month)
    rating = RAG_WORDS.get(out.rag or "", "Not rated")
    return Preview(rule, month_label(row.month), rating, out.rag_reason)


def _category_preview(
    spec: SeriesSpec,
    categories: list[IndicatorCategory],
    category_id: int,
    unsaved: Target,
    adoption: Adoption,
    row: DerivedMetric,
    rule: str,
) -> Preview:
    """One category's latest figure (its percentage) rated under its own target, as the pack
    rates each category (``engine.rating.set_category_rags``)."""
    code = next((c.code for c in categories if c.pk == category_id), None)
    if code is None:
        raise SettingsError("That category is not one of this indicator's.")
    figures = copy.deepcopy(row.categories or {})
    if code not in figures:
        return Preview(rule, month_label(row.month), "Not rated", "No figure for this category.")
    if unsaved.kind not in {TargetKind.RANGE, TargetKind.MINIMUM}:
        return Preview(
            rule,
            month_label(row.month),
            "Not rated",
            "A category is rated against a range or a minimum on its percentage.",
        )
    label = dict(spec.category_labels).get(code, code)
    engine_target = target_spec(unsaved, adoption.tolerance)
    rule = category_rule([(label, engine_target)]).replace(
        "; the indicator is rated as its worst group", ""
    )
    out = MonthMetrics(month=row.month, status=row.status, categories=figures)
    set_category_rags(spec, {code: engine_target}, None, out)
    cat = figures[code]
    rating = RAG_WORDS.get(str(cat.get("rag") or ""), "Not rated")
    return Preview(rule, month_label(row.month), rating, str(cat.get("rag_reason") or ""))


def target_save(
    *,
    adoption_id: int,
    partnership_id: int,
    financial_year: int,
    category_id: int | None,
    target: TargetInput,
    user: User,
    reason: str,
) -> Target:
    """Write the year's target (replacing the one there was), audited, and queue the recompute."""
    settings_check(user, partnership_id)
    reason = reason_check(reason)
    target_check(target)
    if not 2000 <= financial_year <= 2100:
        raise SettingsError("Give the financial year by its first year, e.g. 2017 for 2017/18.")
    with transaction.atomic():
        adoption = adoption_locked(adoption_id, partnership_id)
        if (
            category_id is not None
            and not IndicatorCategory.objects.filter(
                pk=category_id, indicator_id=adoption.indicator_id
            ).exists()
        ):
            raise SettingsError("That category is not one of this indicator's.")
        row = Target.objects.filter(
            adoption=adoption, financial_year=financial_year, category_id=category_id
        ).first() or Target(
            adoption=adoption, financial_year=financial_year, category_id=category_id
        )
        for name, value in dataclasses.asdict(target).items():
            setattr(row, name, value)
        stamp_change(row, user, reason)
        row.save()
        recompute_request(
            now=timezone.now(),
            reason=f"target of {adoption.indicator.code} set by {user}",
            indicator_id=adoption.indicator_id,
            area_id=adoption.partnership.area_id,
        )
        return row
