"""The rows each API endpoint reads, filtered by what the user may see.

Visibility is ``submissions.cycle.visibility``'s (the ``csp.permissions`` rules applied set-wise),
the one the pages use too; these add only each endpoint's joins and order."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from csp import permissions
from csp.models import Agency, Area, ComparatorGroup
from csp.users import AnyUser
from indicators.models import Adoption, DerivedMetric, Indicator, MonthValue, Target
from submissions.cycle.visibility import (
    figures_visible_q,
    packs_visible_to,
    rounds_visible_to,
    submissions_visible_to,
)

__all__ = [
    "adoptions_visible_to",
    "agencies_visible_to",
    "areas",
    "derived_metrics_visible_to",
    "groups",
    "indicators",
    "month_values_visible_to",
    "packs_visible_to",
    "rounds_visible_to",
    "submissions_visible_to",
    "targets_visible_to",
]


def areas() -> QuerySet[Area]:
    return Area.objects.order_by("code")


def groups() -> QuerySet[ComparatorGroup]:
    return ComparatorGroup.objects.prefetch_related("members").order_by("code")


def agencies_visible_to(user: AnyUser) -> QuerySet[Agency]:
    """The agencies of the partnerships the user has a role in."""
    return (
        Agency.objects.filter(partnership_id__in=permissions.access_for(user).partnerships)
        .select_related("partnership__area")
        .order_by("name", "partnership__area__code")
    )


def indicators(user: AnyUser) -> QuerySet[Indicator]:
    """The shared catalogue; each indicator carries (as ``visible_adoptions``) the adoptions of
    the user's partnerships, with their targets (ADR 0015)."""
    adoptions = (
        Adoption.objects.filter(partnership_id__in=permissions.adoption_partnerships(user))
        .select_related("partnership__area", "portfolio", "owner")
        .prefetch_related(Prefetch("targets", queryset=Target.objects.select_related("category")))
        .order_by("partnership_id")
    )
    return Indicator.objects.prefetch_related(
        Prefetch("adoptions", queryset=adoptions, to_attr="visible_adoptions")
    ).order_by("code")


def month_values_visible_to(user: AnyUser) -> QuerySet[MonthValue]:
    return (
        MonthValue.objects.filter(figures_visible_q(user))
        .select_related("area", "indicator", "category")
        .order_by("indicator__code", "area__code", "month", "category_id")
    )


def derived_metrics_visible_to(user: AnyUser) -> QuerySet[DerivedMetric]:
    return (
        DerivedMetric.objects.filter(figures_visible_q(user))
        .select_related("area", "indicator")
        .order_by("indicator__code", "area__code", "month")
    )


def adoptions_visible_to(user: AnyUser) -> QuerySet[Adoption]:
    """The adoptions of the user's partnerships (``permissions.adoption_partnerships``), each
    with its targets, in pack order within each partnership."""
    return (
        Adoption.objects.filter(partnership_id__in=permissions.adoption_partnerships(user))
        .select_related("partnership__area", "indicator", "portfolio", "owner")
        .prefetch_related(Prefetch("targets", queryset=Target.objects.select_related("category")))
        .order_by("partnership__area__code", "pack_order", "indicator__code")
    )


def targets_visible_to(user: AnyUser) -> QuerySet[Target]:
    """The targets of the user's partnerships' adoptions (``permissions.adoption_partnerships``)."""
    return (
        Target.objects.filter(adoption__partnership_id__in=permissions.adoption_partnerships(user))
        .select_related("adoption__partnership__area", "adoption__indicator", "category")
        .order_by(
            "adoption__partnership__area__code",
            "adoption__pack_order",
            "financial_year",
            "category__order",
            "id",
        )
    )
