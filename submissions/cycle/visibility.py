"""What each user may read: row visibility, and the lookups the pages and the API make through it.

The rules are ``csp.permissions``'; these selectors apply them set-wise, as queries, so every
list (pages, API, exports) holds exactly the rows the per-object rules allow (ADR 0006, 0014).
A lookup returns the object, or None when it does not exist or the user may not see it: the page
answers 404 either way, so not even the existence of someone else's draft is disclosed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from csp import permissions
from csp.models import Partnership
from csp.users import AnyUser
from indicators.models import Adoption, Portfolio
from submissions.cycle import workflow
from submissions.cycle.selectors import SubmissionRow, submission_rows
from submissions.models import PackVersion, ReportingRound, Submission, SubmissionStatus

SUBMISSION_STATUSES: list[tuple[str, str]] = SubmissionStatus.choices()


def figures_visible_q(
    user: AnyUser, *, area_field: str = "area_id", indicator_field: str = "indicator_id"
) -> Q:
    """A partnership's own figures (the live store) are visible to its coordinator and to the
    leads of the agency that owns the indicator in the partnership's adoption of it (ADR 0015);
    everyone else reads them as published, from the
    frozen pack versions (``/api/packs/``), so a correction is never seen before it is
    published. Comparator areas' figures (benchmark data) are visible to anyone with a role."""
    if not permissions.access_for(user).partnerships:
        return Q(pk__in=[])
    scope = permissions.unpublished_scope(user)
    own = dict(Partnership.objects.values_list("id", "area_id"))
    q = ~Q(**{f"{area_field}__in": set(own.values())})
    for partnership_id, area_id in own.items():
        if partnership_id not in scope:
            continue
        agencies = scope[partnership_id]
        if agencies is permissions.EVERY_AGENCY:
            q |= Q(**{area_field: area_id})
        else:
            owned = Adoption.objects.filter(
                partnership_id=partnership_id, owner_id__in=agencies
            ).values("indicator_id")
            q |= Q(**{area_field: area_id, f"{indicator_field}__in": owned})
    return q


def submissions_visible_to(user: AnyUser) -> QuerySet[Submission]:
    """Submissions (drafts, returns, figures not yet approved): ``can_view_submission``."""
    q = Q(pk__in=[])
    for partnership_id, agencies in permissions.unpublished_scope(user).items():
        if agencies is permissions.EVERY_AGENCY:
            q |= Q(round__partnership_id=partnership_id)
        else:
            q |= Q(round__partnership_id=partnership_id, adoption__owner_id__in=agencies)
    return Submission.objects.filter(q).select_related("round__partnership", "indicator")


def rounds_visible_to(user: AnyUser) -> QuerySet[ReportingRound]:
    return ReportingRound.objects.filter(
        partnership_id__in=permissions.access_for(user).partnerships
    ).select_related("partnership__area")


def packs_visible_to(user: AnyUser) -> QuerySet[PackVersion]:
    """Published pack versions: ``can_view_published_pack``."""
    partnerships = permissions.access_for(user).partnerships | permissions.regional_partnerships(
        user
    )
    return PackVersion.objects.filter(
        round__partnership_id__in=[
            p for p in partnerships if permissions.can_view_published_pack(user, p)
        ]
    ).select_related("round__partnership__area")


# --- the pages' lookups -----------------------------------------------------------------------


def partnership_for(user: AnyUser, chosen: object = None) -> Partnership | None:
    """The partnership whose pages the user works in: the one ``chosen`` in the header's
    switcher if they hold a role there, else the first of theirs (``permissions``' rule)."""
    partnership_id = permissions.working_partnership(user, chosen)
    if partnership_id is None:
        return None
    return Partnership.objects.select_related("area").get(id=partnership_id)


def submission_for(user: AnyUser, pk: int) -> Submission | None:
    """A submission the user may see, with what its entry page shows (the indicator's categories
    in order on ``indicator.categories.all()``)."""
    sub = (
        Submission.objects.select_related(
            "round__partnership__area", "indicator", "adoption__owner", "adoption__portfolio"
        )
        .prefetch_related("indicator__categories")
        .filter(pk=pk)
        .first()
    )
    if sub is None or not permissions.can_view_submission(user, sub):
        return None
    return sub


def round_of(partnership: Partnership, pk: int) -> ReportingRound | None:
    """One of the partnership's rounds (the coordinator's round pages)."""
    return (
        ReportingRound.objects.filter(pk=pk, partnership=partnership)
        .select_related("partnership__area")
        .first()
    )


@dataclass(frozen=True)
class Landing:
    """Where a user's work is: a URL name and its arguments."""

    view: str
    kwargs: dict[str, Any] = field(default_factory=dict)


def landing_for(user: AnyUser, chosen: object = None) -> Landing | None:
    """Each role lands where its work is: the coordinator on the open round (or the rounds), an
    agency lead on their submissions, a board member on the latest pack, an administrator in
    the admin. None: nowhere in particular (the home page)."""
    partnership = partnership_for(user, chosen)
    if partnership is not None:
        if permissions.can_manage_rounds(user, partnership.id):
            current = (
                partnership.rounds.filter(status=workflow.RoundState.OPEN).order_by("month").first()
            )
            if current is not None:
                return Landing("submissions:round", {"pk": current.pk})
            return Landing("submissions:rounds")
        if permissions.access_for(user).agencies_led(partnership.id):
            return Landing("submissions:mine")
        if partnership.id in permissions.access_for(user).board_member_of:
            latest = (
                packs_visible_to(user)
                .filter(round__partnership=partnership)
                .defer("snapshot")
                .order_by("-round__month")
                .first()
            )
            if latest is not None:
                return Landing(
                    "packs:summary",
                    {"area": partnership.area.code, "month": latest.round.month.strftime("%Y-%m")},
                )
            return Landing("packs:index")
    if permissions.can_use_admin(user):
        return Landing("admin:index")
    if permissions.reads_regions(user):
        return Landing("packs:regions")  # a regional reader (ADR 0017)
    return None


def _taking_entries_q() -> Q:
    """The items of rounds still taking the agencies' entries, from the workflow's own rule
    (``round_takes_entries`` for a lead): every item of an open round, the reopened ones of a
    round reopened for a correction."""
    q = Q(pk__in=[])
    for round_state in workflow.RoundState:
        states = [
            s
            for s in workflow.State
            if workflow.round_takes_entries(round_state, s, coordinator=False)
        ]
        if len(states) == len(workflow.State):
            q |= Q(round__status=round_state)
        elif states:
            q |= Q(round__status=round_state, status__in=states)
    return q


@dataclass(frozen=True)
class MyWork:
    rows: list[SubmissionRow]
    agencies: list[str]
    overdue: int


def my_work(*, user: AnyUser, partnership: Partnership, today: date) -> MyWork:
    """The items the user may enter in the partnership's rounds that take entries now."""
    subs = submissions_visible_to(user).filter(round__partnership=partnership)
    rows = submission_rows(submissions=subs.filter(_taking_entries_q()), today=today)
    agencies = permissions.access_for(user).agencies_led(partnership.id)
    return MyWork(
        rows=rows,
        agencies=list(partnership.agencies.filter(id__in=agencies).values_list("name", flat=True)),
        overdue=sum(1 for r in rows if r.overdue),
    )


@dataclass(frozen=True)
class ReviewQueue:
    rows: list[SubmissionRow]
    agencies: list[tuple[str, str]]
    portfolios: list[tuple[int, str]]
    statuses: list[tuple[str, str]]


def review_queue(
    *,
    user: AnyUser,
    partnership: Partnership,
    status: str,
    agency: str,
    portfolio_id: int | None,
    today: date,
) -> ReviewQueue:
    """The coordinator's queue across agencies and rounds (a closed round's items included: the
    coordinator finishes their review there), filtered by status, agency and portfolio."""
    subs = submissions_visible_to(user).filter(round__partnership=partnership)
    if status:
        subs = subs.filter(status=status)
    if agency:
        subs = subs.filter(adoption__owner__code=agency)
    if portfolio_id is not None:
        subs = subs.filter(adoption__portfolio_id=portfolio_id)
    return ReviewQueue(
        rows=submission_rows(submissions=subs, today=today),
        agencies=list(partnership.agencies.values_list("code", "name")),
        portfolios=list(Portfolio.objects.values_list("id", "name")),
        statuses=[("", "Any status"), *SUBMISSION_STATUSES],
    )
