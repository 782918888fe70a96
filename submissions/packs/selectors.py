"""Reads for the pack pages: which published versions there are, for whom."""

from __future__ import annotations

import datetime as dt
from typing import Any

from csp.users import AnyUser
from submissions.cycle.visibility import packs_visible_to
from submissions.models import PackVersion


def pack_versions(*, area: str, month: dt.date) -> list[PackVersion]:
    """Every published version of an area's month, oldest first; the snapshot is left unloaded
    (loaded only for the version shown). The page checks ``can_view_published_pack``."""
    return list(
        PackVersion.objects.filter(round__partnership__area__code=area, round__month=month)
        .select_related("round__partnership", "published_by")
        .defer("snapshot")
        .order_by("number")
    )


def pack_index(*, user: AnyUser) -> list[dict[str, Any]]:
    """The packs the user may read, newest month first, each with its versions."""
    versions = packs_visible_to(user).order_by("-round__month", "number")
    packs: dict[Any, dict[str, Any]] = {}
    for v in versions:
        key = (v.round.partnership.area.code, v.round.month)
        packs.setdefault(
            key, {"area": v.round.partnership.area, "month": v.round.month, "versions": []}
        )["versions"].append(v)
    return list(packs.values())
