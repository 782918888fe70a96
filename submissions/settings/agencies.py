"""Add, rename and retire a partnership's agencies, each audited with who and why.

An agency is retired only when nothing is left with it: no open submission (of a round not yet
published) and no current indicator it owns. The refusal names them, so the coordinator knows
what to move first: a new owner on the indicator's settings page moves its submissions too, and
``agency_work_move`` gives every indicator the agency owns (with their open submissions) to
another agency at once."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils.text import slugify

from csp.models import Agency
from csp.users import User, stamp_change
from indicators.engine.periods import month_label
from indicators.models import Adoption
from indicators.settings import SettingsError
from indicators.settings.common import reason_check, settings_check
from submissions.cycle.workflow import RoundState, State
from submissions.models import Submission

OPEN_ROUNDS = (RoundState.OPEN, RoundState.CLOSED, RoundState.REOPENED)


def _name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise SettingsError("Give the agency's name.")
    if len(name) > 150:
        raise SettingsError("An agency's name is at most 150 characters.")
    return name


def _locked(agency_id: int, partnership_id: int) -> Agency:
    agency = (
        Agency.objects.select_for_update()
        .filter(pk=agency_id, partnership_id=partnership_id)
        .first()
    )
    if agency is None:
        raise Agency.DoesNotExist("No such agency in this partnership.")
    return agency


def agency_add(*, partnership_id: int, name: str, email: str, user: User, reason: str) -> Agency:
    settings_check(user, partnership_id)
    reason = reason_check(reason)
    name = _name(name)
    code = slugify(name)[:40] or "agency"
    try:
        with transaction.atomic():
            if Agency.objects.filter(partnership_id=partnership_id, name__iexact=name).exists():
                raise SettingsError(f"There is already an agency called {name}.")
            taken = set(
                Agency.objects.filter(partnership_id=partnership_id).values_list("code", flat=True)
            )
            base, n = code, 2
            while code in taken:
                code = f"{base[:36]}-{n}"
                n += 1
            agency = Agency(partnership_id=partnership_id, code=code, name=name, email=email)
            stamp_change(agency, user, reason)
            agency.save()
            return agency
    except IntegrityError:
        raise SettingsError("Someone added an agency of that name at the same moment.") from None


def agency_rename(
    *, agency_id: int, partnership_id: int, name: str, email: str, user: User, reason: str
) -> Agency:
    settings_check(user, partnership_id)
    reason = reason_check(reason)
    name = _name(name)
    with transaction.atomic():
        agency = _locked(agency_id, partnership_id)
        clash = Agency.objects.filter(partnership_id=partnership_id, name__iexact=name).exclude(
            pk=agency.pk
        )
        if clash.exists():
            raise SettingsError(f"There is already an agency called {name}.")
        agency.name = name
        agency.email = email
        stamp_change(agency, user, reason)
        agency.save(update_fields=["name", "email"])
        return agency


def _open_submissions(**owner: object) -> QuerySet[Submission]:
    """Submissions not yet approved in rounds not yet published, of the agencies ``owner``
    selects (``adoption__owner=…``): work that must move before an agency retires."""
    return Submission.objects.filter(round__status__in=OPEN_ROUNDS, **owner).exclude(
        status=State.APPROVED
    )


def _owned_adoptions(**owner: object) -> QuerySet[Adoption]:
    """Current indicators of the agencies ``owner`` selects (``owner=…``)."""
    return Adoption.objects.filter(retired_on__isnull=True, **owner)


def agency_retire_blockers(agency: Agency) -> list[str]:
    """What must move before the agency can retire, in words (empty: it can)."""
    open_subs = (
        _open_submissions(adoption__owner=agency)
        .select_related("indicator", "round")
        .order_by("round__month", "adoption__pack_order")
    )
    blockers = [
        f"{s.indicator.code} in the {month_label(s.round.month)} round ({State(s.status).label})"
        for s in open_subs
    ]
    owned = _owned_adoptions(owner=agency).select_related("indicator")
    blockers += [f"{a.indicator.code} is owned by it" for a in owned.order_by("pack_order")]
    return blockers


def agencies_open_work(partnership_id: int) -> dict[int, int]:
    """How many items ``agency_retire_blockers`` lists for each of the partnership's agencies
    that has any, in two queries (not two an agency)."""
    counts: dict[int, int] = defaultdict(int)
    for rows in (
        _open_submissions(adoption__owner__partnership_id=partnership_id)
        .values_list("adoption__owner")
        .annotate(n=Count("id")),
        _owned_adoptions(owner__partnership_id=partnership_id)
        .values_list("owner")
        .annotate(n=Count("id")),
    ):
        for agency_id, n in rows.order_by():
            counts[agency_id] += n
    return dict(counts)


def agency_work_move(
    *, agency_id: int, to_agency_id: int, partnership_id: int, user: User, reason: str
) -> list[str]:
    """Give every indicator the agency owns (current ones, and retired ones with open
    submissions) to another current agency of the partnership: their open submissions move
    with them, since a submission belongs to its adoption's owner. One transaction, each
    adoption audited with who and why. Returns the codes moved."""
    settings_check(user, partnership_id)
    reason = reason_check(reason)
    with transaction.atomic():
        agency = _locked(agency_id, partnership_id)
        target = Agency.objects.filter(
            pk=to_agency_id, partnership_id=partnership_id, retired_on__isnull=True
        ).first()
        if target is None or target.pk == agency.pk:
            raise SettingsError("Choose another current agency of this partnership.")
        still_open = Submission.objects.filter(
            adoption__owner=agency, round__status__in=OPEN_ROUNDS
        ).exclude(status=State.APPROVED)
        adoptions = (
            Adoption.objects.select_for_update()
            .filter(owner=agency)
            .filter(Q(retired_on__isnull=True) | Q(pk__in=still_open.values("adoption_id")))
            .select_related("indicator")
            .order_by("pack_order")
        )
        moved = []
        for adoption in adoptions:
            adoption.owner = target
            stamp_change(adoption, user, f"moved from {agency.name} to {target.name}: {reason}")
            adoption.save(update_fields=["owner"])
            moved.append(adoption.indicator.code)
        if not moved:
            raise SettingsError(f"{agency.name} owns no indicator to move.")
        return moved


def agency_retire(
    *, agency_id: int, partnership_id: int, user: User, reason: str, today: dt.date
) -> Agency:
    settings_check(user, partnership_id)
    reason = reason_check(reason)
    with transaction.atomic():
        agency = _locked(agency_id, partnership_id)
        if agency.retired_on is not None:
            raise SettingsError(f"{agency.name} is already retired.")
        blockers = agency_retire_blockers(agency)
        if blockers:
            raise SettingsError(
                f"{agency.name} cannot be retired until its open work moves to another agency: "
                + "; ".join(blockers)
                + "."
            )
        agency.retired_on = today
        stamp_change(agency, user, reason)
        agency.save(update_fields=["retired_on"])
        return agency
