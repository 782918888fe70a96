"""The two-partnership cast (issue 11, item 5): the demo's Barking and Dagenham and Barnet
(E09000003), set up with ``setup_partnership`` from the demo's indicators, each with a January
2017 round holding a draft and an approved (unpublished) item whose text and figures are sentinels:
strings that appear nowhere else, so a test can assert the other partnership never receives them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model

from csp.models import Agency, Invitation, Partnership, Role, RoleKind
from csp.people.services import RoleAsked, person_invite
from indicators.models import Target, TargetKind
from indicators.partnerships import partnership_setup
from indicators.services import metrics_recompute_after_change
from submissions.actions_log.rules import Owner
from submissions.actions_log.services import action_create
from submissions.cycle import services
from submissions.cycle.validation import Entry
from submissions.models import Action, ImportJob, ReportingRound, Submission
from submissions.packs.publish import round_publish

JAN = dt.date(2017, 1, 1)
DEC = dt.date(2016, 12, 1)
NOW = dt.datetime(2017, 2, 3, 9, 0, tzinfo=dt.UTC)
BARNET_AREA, BD_AREA = "E09000003", "E09000002"
DRAFT_CODE, APPROVED_CODE = "tno", "asb-calls"


@dataclass
class Side:
    """One partnership's people, round, items and the sentinels only its people may read."""

    key: str
    partnership: Partnership
    users: dict[str, object]  # coordinator, board, police -> user
    round: ReportingRound
    draft: Submission
    approved: Submission
    job: ImportJob
    action: Action
    target: Target  # of the draft's adoption; it and the adoption carry sentinel texts
    sentinels: list[str] = field(default_factory=list)
    invitation: Invitation | None = None  # pending, to a sentinel address


def _invitation(key: str, partnership: Partnership, coordinator, n: int) -> Invitation:
    email = f"{key}-secret-invitee-{n}@example.org"
    person_invite(
        actor=coordinator, partnership_id=partnership.pk, email=email,
        role=RoleAsked(RoleKind.BOARD_MEMBER), reason="joins the board", now=NOW,
    )  # fmt: skip
    return Invitation.objects.get(partnership=partnership, email=email)


def _user(username: str, first: str, last: str):
    account = get_user_model().objects.create_user(
        username=username, email=f"{username}@example.org" if "@" not in username else username,
        first_name=first, last_name=last, password=settings.DEMO_PASSWORD,
    )  # fmt: skip
    return account


def _enter(sub: Submission, user, *, value: int, text: str, submit: bool) -> Submission:
    # The sentinel figures are far above any real month: a set maximum on the adoption lets
    # them past the plausibility limit (issue 15).
    type(sub.adoption).objects.filter(pk=sub.adoption_id).update(figure_limit=10**7)
    return services.submission_save(
        submission_id=sub.pk,
        user=user,
        expected_version=Submission.objects.get(pk=sub.pk).version,
        submit=submit,
        entry=Entry(
            value=value,
            performance_overview=text,
            actions=text,
            benchmarking=text,
            confirm_note=text,
        ),  # fmt: skip
        now=NOW,
    )


def _side(key: str, partnership: Partnership, users: dict, round_: ReportingRound, n: int) -> Side:
    """Sentinels: ``n`` makes every figure and word unique to this side."""
    draft_text = f"{key.upper()}-SECRET-DRAFT-{n}"
    approved_text = f"{key.upper()}-SECRET-APPROVED-{n}"
    draft_value, approved_value = 900_000 + n, 800_000 + n
    subs = {s.indicator.code: s for s in round_.submissions.select_related("indicator")}
    draft = _enter(subs[DRAFT_CODE], users["police"], value=draft_value, text=draft_text,
                   submit=False)  # fmt: skip
    _enter(subs[APPROVED_CODE], users["police"], value=approved_value, text=approved_text,
           submit=True)  # fmt: skip
    approved = services.submission_approve(
        submission_id=subs[APPROVED_CODE].pk, user=users["coordinator"], now=NOW
    )
    job = ImportJob.objects.create(
        kind="month_values", filename=f"{key.upper()}-SECRET-IMPORT-{n}.csv",
        user=users["coordinator"], status="refused", created_at=NOW,
        summary=f"{key.upper()}-SECRET-IMPORT-{n}",
    )  # fmt: skip
    # Its set-up (ADR 0015): the draft's adoption's local text and a target line of its own.
    adoption_text, target_text = (
        f"{key.upper()}-SECRET-ADOPTION-{n}",
        f"{key.upper()}-SECRET-TARGET-{n}",
    )
    draft.adoption.why_important = adoption_text
    draft.adoption.save(update_fields=["why_important"])
    target, _ = Target.objects.update_or_create(
        adoption=draft.adoption, financial_year=2017, category=None,
        defaults={"kind": TargetKind.MONITORING, "text": target_text},
    )  # fmt: skip
    # The derived figures of the unpublished month, as the approval's queued recompute writes them.
    metrics_recompute_after_change(
        indicator_id=approved.indicator_id, area_id=partnership.area_id, month=JAN, now=NOW
    )
    # An action on the draft's indicator's log, owned by the police lead (a sentinel name).
    action = action_create(
        adoption_id=draft.adoption_id, user=users["police"], month=JAN,
        text=f"{key.upper()}-SECRET-ACTION-{n}", owner=Owner(person_id=users["police"].pk),
        due_date=dt.date(2016, 12, 20),
    )  # fmt: skip
    invitation = _invitation(key, partnership, users["coordinator"], n)
    sentinels = [draft_text, approved_text, job.filename, action.text, adoption_text, target_text]
    sentinels.append(invitation.email)
    # Links to its objects: its packs, round and items.
    sentinels += [f"/packs/{partnership.area.code}/", f"/rounds/{round_.pk}/"]
    sentinels += [f"/submissions/{pk}/" for pk in (draft.pk, approved.pk)]
    for value in (draft_value, approved_value):
        sentinels += [str(value), f"{value:,}"]
    for u in users.values():
        if "sentinel" in u.last_name:  # the demo's own people have plain names
            sentinels.append(u.last_name)
    return Side(
        key, partnership, users, round_, draft, approved, job, action, target, sentinels,
        invitation=invitation,
    )  # fmt: skip


def barnet_setup() -> tuple[Partnership, dict]:
    """Barnet, set up with ``setup_partnership`` from Barking and Dagenham's indicators, and its
    coordinator (who set a password), board member and police lead."""
    partnership_setup(
        area_code=BARNET_AREA,
        name="Barnet Community Safety Partnership",
        coordinator_email="barnet.coordinator@example.org",
        indicators_from=BD_AREA,
    )
    barnet = Partnership.objects.get(area__code=BARNET_AREA)
    coordinator = get_user_model().objects.get(username="barnet.coordinator@example.org")
    coordinator.set_password(settings.DEMO_PASSWORD)
    coordinator.first_name, coordinator.last_name = "Bea", "Barnetcoordsentinel"
    coordinator.save()
    barnet_users = {
        "coordinator": coordinator,
        "board": _user("barnet.board@example.org", "Bo", "Barnetboardsentinel"),
        "police": _user("barnet.police@example.org", "Pat", "Barnetpolicesentinel"),
    }
    Role.objects.create(user=barnet_users["board"], partnership=barnet,
                        kind=RoleKind.BOARD_MEMBER)  # fmt: skip
    Role.objects.create(
        user=barnet_users["police"], partnership=barnet, kind=RoleKind.AGENCY_LEAD,
        agency=Agency.objects.get(partnership=barnet, code="police"),
    )  # fmt: skip
    return barnet, barnet_users


def two_partnerships() -> dict[str, Side]:
    """Build the cast inside the caller's transaction (the caller rolls it back)."""
    bd = Partnership.objects.get(area__code=BD_AREA)
    barnet, barnet_users = barnet_setup()
    coordinator = barnet_users["coordinator"]
    barnet_round = services.round_create(
        partnership_id=barnet.id, month=JAN, deadline=dt.date(2017, 2, 10),
        user=coordinator, now=NOW,
    )  # fmt: skip

    # Barnet's December 2016 pack, published with every item "not available", so each side has
    # a published pack the other's people must not open.
    dec = services.round_create(
        partnership_id=barnet.id, month=DEC, deadline=dt.date(2017, 1, 10),
        user=coordinator, now=NOW,
    )  # fmt: skip
    dec.submissions.update(status="approved", entry_status="not_available", reason="Not yet")
    round_publish(round_id=dec.pk, user=coordinator, change_note="", now=NOW)

    # Barking and Dagenham: the demo's people, plus a lead whose name is a sentinel.
    people = get_user_model().objects
    bd_users = {
        "coordinator": people.get(username="coordinator"),
        "board": people.get(username="board"),
        "police": _user("bd.analyst", "Dee", "Dagenhamanalystsentinel"),
    }
    Role.objects.create(
        user=bd_users["police"], partnership=bd, kind=RoleKind.AGENCY_LEAD,
        agency=Agency.objects.get(partnership=bd, code="police"),
    )  # fmt: skip
    bd_round = ReportingRound.objects.get(partnership=bd, month=JAN)
    return {
        "bd": _side("bd", bd, bd_users, bd_round, 4419),
        "barnet": _side("barnet", barnet, barnet_users, barnet_round, 7731),
    }
