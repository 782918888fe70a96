"""Publishing a round: freeze its pack as a new immutable version.

Uses the cycle's round services for the lock, the permission and the transition."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction

from csp import permissions
from csp.users import User
from indicators.services import metrics_recompute, rates_release
from submissions.cycle import workflow
from submissions.cycle.errors import CycleError, RoundConflict, refuse_bad_text
from submissions.cycle.rounds import (
    round_lock,
    round_next_state,
    round_publish_blockers,
    round_save,
)
from submissions.cycle.validation import contradictions_refusal
from submissions.models import (
    PackVersion,
    ReportingRound,
)
from submissions.packs.notice import pack_notice_queue
from submissions.packs.schema import PackSnapshot, snapshot_read
from submissions.packs.selectors import versions_cache_key
from submissions.packs.snapshot import pack_snapshot_build


def _forget_versions(round_: ReportingRound) -> None:
    cache.delete(versions_cache_key(round_.partnership.area.code, round_.month))


def round_publish(
    *,
    round_id: int,
    user: User,
    change_note: str,
    now: dt.datetime,
    confirm_note: str = "",
) -> PackVersion:
    """Freeze the round's pack as a new immutable version (1, then 2… after corrections).

    Allowed when every indicator is approved (figures, or explicitly not available/collected).
    The derived figures must be current: the recompute of the last approval runs first. While
    the figures contradict any page's commentary, a ``confirm_note`` must say why it is
    published as it is; the version keeps the note.
    """
    refuse_bad_text("change_note", change_note.strip())
    refuse_bad_text("publish_confirm_note", confirm_note.strip())
    with transaction.atomic():
        # Concurrent publishes queue here; each then sees what the one before it published.
        round_ = round_lock(round_id)
        if not permissions.can_publish(user, round_.partnership_id):
            raise PermissionDenied("Only the partnership coordinator can publish a pack.")
        new_state = round_next_state(round_, workflow.RoundAction.PUBLISH)
        blockers = round_publish_blockers(round_)
        if blockers:
            raise RoundConflict("Not everything is approved yet: " + "; ".join(blockers) + ".")
        latest = round_.versions.order_by("-number").first()
        number = latest.number + 1 if latest else 1
        if number > 1 and not change_note.strip():
            raise CycleError(
                f"Say what changed: the board reads this note beside version {number}."
            )
        # Publish exactly what is approved: bring the derived figures up to date first.
        metrics_recompute(now=now, area_ids=[round_.partnership.area_id])
        snapshot = pack_snapshot_build(round_)
        if latest is not None and _same_snapshot(snapshot, latest):
            raise RoundConflict(
                f"Nothing has changed since version {latest.number}: correct a figure, its "
                "commentary or its rating before publishing a new version."
            )
        refusal = contradictions_refusal(snapshot_contradictions(snapshot), confirm_note)
        if refusal:
            raise CycleError(refusal)
        version = PackVersion.objects.create(
            round=round_,
            number=number,
            published_at=now,
            published_by=user,
            change_note=change_note.strip(),
            confirm_note=confirm_note.strip() if snapshot_contradictions(snapshot) else "",
            schema_version=snapshot.schema_version,
            snapshot=snapshot.to_dict(),
        )
        # Its figures up to the month are now public: the other areas' ranks may use them.
        rates_release(area_id=round_.partnership.area_id, through=round_.month, now=now)
        round_.status, round_.published_at = new_state, now
        transaction.on_commit(lambda: _forget_versions(round_))
        # The board hears of it once it is published for good; a failed e-mail undoes nothing.
        transaction.on_commit(lambda: pack_notice_queue(version.pk), robust=True)
        round_save(round_, user, f"published version {number}", ["status", "published_at"])
        return version


def snapshot_contradictions(snapshot: PackSnapshot) -> list[str]:
    """What the figures contradict in the pack's commentary, one line a finding, page named
    ("Total Notifiable Offences (TNO's): in the actions: refers to October 2016; …")."""
    return [
        f"{page.title}: {finding.message}"
        for page in snapshot.indicators
        for finding in page.commentary_findings
    ]


# When the figures were last recomputed, not what they are: a new stamp alone is no change.
_SNAPSHOT_STAMPS = frozenset({"computed_at"})


def _without_stamps(value: object) -> object:
    if isinstance(value, dict):
        return {k: _without_stamps(v) for k, v in value.items() if k not in _SNAPSHOT_STAMPS}
    if isinstance(value, list):
        return [_without_stamps(v) for v in value]
    return value


def _same_snapshot(built: PackSnapshot, stored: PackVersion) -> bool:
    """Whether a new pack would show what the stored version shows, whatever the schema version
    it was stored in. Compared as plain JSON, recompute stamps left out."""
    before = snapshot_read(stored.snapshot, stored.schema_version).to_dict()
    return bool(_without_stamps(built.to_dict()) == _without_stamps(before))
