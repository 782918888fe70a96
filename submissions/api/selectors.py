"""Which rows each user may read through the API (rules from csp.permissions, applied set-wise)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from csp import permissions
from csp.models import Partnership
from indicators.models import Adoption
from submissions.models import PackVersion, ReportingRound, Submission


def figures_visible_q(
    user: Any,
    *,
    area_field: str = "area_id",
    indicator_field: str = "indicator_id",
    month_field: str = "month",
) -> Q:
    """A partnership's own figures (the live store) are visible to its coordinator and to the
    leads of the agency that owns the indicator; everyone else reads them as published, from the
    frozen pack versions (``/api/packs/``), so a correction is never seen before it is
    published. Comparator areas' figures (benchmark data) are visible to anyone with a role."""
    access = permissions.access_for(user)
    if not access.partnerships:
        return Q(pk__in=[])
    own = dict(Partnership.objects.values_list("id", "area_id"))
    own_areas = set(own.values())
    q = ~Q(**{f"{area_field}__in": own_areas})
    for partnership_id, area_id in own.items():
        if partnership_id not in access.partnerships:
            continue
        if permissions.can_view_unpublished(user, partnership_id, None):  # coordinator
            q |= Q(**{area_field: area_id})
            continue
        agencies = access.agencies_led(partnership_id)
        if agencies:
            owned = Adoption.objects.filter(
                partnership_id=partnership_id, owner_id__in=agencies
            ).values("indicator_id")
            q |= Q(**{area_field: area_id, f"{indicator_field}__in": owned})
    return q


def submissions_visible_to(user: Any) -> QuerySet[Submission]:
    access = permissions.access_for(user)
    q = Q(pk__in=[])
    for partnership_id in access.partnerships:
        if permissions.is_coordinator(user, partnership_id):
            q |= Q(round__partnership_id=partnership_id)
        agencies = access.agencies_led(partnership_id)
        if agencies:
            q |= Q(round__partnership_id=partnership_id, adoption__owner_id__in=agencies)
    return Submission.objects.filter(q).select_related("round__partnership", "indicator")


def rounds_visible_to(user: Any) -> QuerySet[ReportingRound]:
    return ReportingRound.objects.filter(
        partnership_id__in=permissions.access_for(user).partnerships
    ).select_related("partnership__area")


def packs_visible_to(user: Any) -> QuerySet[PackVersion]:
    return PackVersion.objects.filter(
        round__partnership_id__in=[
            p
            for p in permissions.access_for(user).partnerships
            if permissions.can_view_published_pack(user, p)
        ]
    ).select_related("round__partnership__area")
