"""Reads for the settings pages: the coordinator's partnership and its adoptions, targets and
agencies, each looked up within that partnership (another's id is as good as none: 404)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from csp import permissions
from csp.models import Agency
from csp.switcher import chosen_partnership
from csp.users import AuthenticatedHttpRequest
from indicators.engine.formatting import fy_label
from indicators.engine.periods import fy_start_year
from indicators.models import Adoption, Indicator, Portfolio, Target
from indicators.selectors import rating_rule_text
from indicators.settings.new_year import NewYearNotice, new_year_notice
from submissions.cycle.visibility import partnership_for
from submissions.settings.agencies import agencies_open_work


def settings_partnership(request: AuthenticatedHttpRequest) -> Any:
    """The partnership whose settings the user changes (403 unless its coordinator)."""
    partnership = partnership_for(request.user, chosen_partnership(request))
    if partnership is None or not permissions.can_manage_settings(request.user, partnership.id):
        raise PermissionDenied("Only the partnership coordinator can change its settings.")
    return partnership


def adoption_of(partnership: Any, pk: int) -> Adoption:
    adoption = (
        Adoption.objects.select_related("indicator", "owner", "portfolio", "partnership")
        .filter(partnership=partnership, pk=pk)
        .first()
    )
    if adoption is None:
        raise Http404("No such indicator in this partnership.")
    return adoption


def agency_of(partnership: Any, pk: int) -> Agency:
    agency = Agency.objects.filter(partnership=partnership, pk=pk).first()
    if agency is None:
        raise Http404("No such agency in this partnership.")
    return agency


@dataclass(frozen=True)
class IndicatorsPage:
    current: list[Adoption]
    retired: list[Adoption]
    unadopted: list[Indicator]


def indicators_page(partnership: Any) -> IndicatorsPage:
    adoptions = list(
        Adoption.objects.filter(partnership=partnership)
        .select_related("indicator", "owner", "portfolio")
        .order_by("pack_order", "indicator__code")
    )
    adopted = [a.indicator_id for a in adoptions if a.retired_on is None]
    return IndicatorsPage(
        current=[a for a in adoptions if a.retired_on is None],
        retired=[a for a in adoptions if a.retired_on is not None],
        unadopted=list(Indicator.objects.exclude(pk__in=adopted).order_by("code")),
    )


def agency_choices(partnership: Any) -> list[tuple[str, str]]:
    current = Agency.objects.filter(partnership=partnership, retired_on__isnull=True)
    return [("", "No owner yet")] + [(str(a.pk), a.name) for a in current.order_by("name")]


def portfolio_choices() -> list[tuple[str, str]]:
    return [(str(p.pk), p.name) for p in Portfolio.objects.order_by("order", "name")]


@dataclass(frozen=True)
class TargetRow:
    year: str
    category: str
    kind: str
    text: str
    rule: str


def target_rows(adoption: Adoption) -> list[TargetRow]:
    targets = Target.objects.filter(adoption=adoption).select_related("category")
    return [
        TargetRow(
            year=fy_label(t.financial_year),
            category=t.category.label if t.category else "",
            kind=t.get_kind_display(),
            text=t.text,
            rule=rating_rule_text(adoption.indicator, t, adoption.tolerance),
        )
        for t in targets.order_by("-financial_year", "category__order")
    ]


def category_choices(adoption: Adoption) -> list[tuple[str, str]]:
    categories = adoption.indicator.categories.order_by("order")
    return [("", "The whole indicator")] + [(str(c.pk), c.label) for c in categories]


def this_year(today: dt.date) -> int:
    return fy_start_year(today)


@dataclass(frozen=True)
class AgencyRow:
    agency: Agency
    open_work: int  # items that must move before it can retire (``agency_retire_blockers``)


def agencies_page(partnership: Any) -> list[AgencyRow]:
    agencies = Agency.objects.filter(partnership=partnership).order_by("retired_on", "name")
    open_work = agencies_open_work(partnership.id)
    return [AgencyRow(a, 0 if a.retired_on else open_work.get(a.pk, 0)) for a in agencies]


def settings_home(partnership: Any, *, today: dt.date) -> NewYearNotice | None:
    return new_year_notice(partnership.id, today=today)
