"""Reads for the pack pages: which published versions there are, for whom, and a version's
snapshot, typed.

What is cached is plain data (a list of dicts, rendered HTML), never model instances, under keys
that name the snapshot schema and the code that wrote them: a deploy reads nothing written by
other code (ADR 0012).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet

from csp import permissions
from csp.models import Partnership
from csp.users import AnyUser
from submissions.cycle.visibility import packs_visible_to
from submissions.models import PackVersion
from submissions.packs.process_memo import ProcessMemo
from submissions.packs.schema import SCHEMA_VERSION, PackSnapshot, snapshot_read

VERSIONS_TIMEOUT = 300  # publishing deletes the key; the timeout is only a safety net


@dataclass(frozen=True)
class PublishedVersion:
    """What the pages show of a version besides its snapshot."""

    pk: int
    number: int
    published_at: dt.datetime
    published_by: str  # the publisher's name, "" if unknown
    change_note: str
    partnership_id: int
    month: dt.date
    schema_version: int
    confirm_note: str = ""  # why it was published with commentary the figures contradict

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["published_at"] = self.published_at.isoformat()
        data["month"] = self.month.isoformat()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PublishedVersion:
        return cls(
            **{
                **data,
                "published_at": dt.datetime.fromisoformat(data["published_at"]),
                "month": dt.date.fromisoformat(data["month"]),
            }
        )


@functools.cache
def code_version() -> str:
    """A digest of the application's code and templates: a new release, a new digest."""
    digest = hashlib.sha256()
    root = Path(settings.BASE_DIR)
    files = [p for app in ("csp", "indicators", "submissions") for p in (root / app).rglob("*.py")]
    files += list((root / "templates").rglob("*.html"))
    for path in sorted(files):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def cache_key(*parts: object) -> str:
    """A pack cache key in the namespace of this schema version and this code."""
    return ":".join(["pack", f"s{SCHEMA_VERSION}", code_version(), *map(str, parts)])


def versions_cache_key(area: str, month: dt.date) -> str:
    """Where a month's list of published versions is cached (publishing deletes it)."""
    return cache_key("versions", area, f"{month:%Y-%m}")


def published_versions(*, area: str, month: dt.date) -> list[PublishedVersion]:
    """The month's published versions, oldest first (cached as plain dicts)."""
    key = versions_cache_key(area, month)
    cached = cache.get(key)
    if cached is None:
        rows = (
            PackVersion.objects.filter(round__partnership__area__code=area, round__month=month)
            .select_related("round", "published_by")
            .defer("snapshot")  # loaded only for the version shown
            .order_by("number")
        )
        cached = [
            PublishedVersion(
                pk=v.pk,
                number=v.number,
                published_at=v.published_at,
                published_by=(v.published_by.get_full_name() or v.published_by.get_username())
                if v.published_by
                else "",
                change_note=v.change_note,
                partnership_id=v.round.partnership_id,
                month=v.round.month,
                schema_version=v.schema_version,
                confirm_note=v.confirm_note,
            ).to_dict()
            for v in rows
        ]
        cache.set(key, cached, timeout=VERSIONS_TIMEOUT)
    return [PublishedVersion.from_dict(v) for v in cached]


# Parsed snapshots of published versions, which never change, in each web process: an
# indicator's page and its three charts' JSON each read the whole pack (about 360 KB of JSON
# for the December 2016 pack, some 11 ms to read and parse). A few packs are read at once.
SNAPSHOTS: ProcessMemo[PackSnapshot] = ProcessMemo(max_entries=8)


def version_snapshot(version: PublishedVersion) -> PackSnapshot:
    """The version's snapshot, read as the shape it was stored in (one query, the first time
    in this process)."""
    key = f"{version.pk}|{version.published_at.isoformat()}|{version.schema_version}"
    snapshot = SNAPSHOTS.get(key)
    if snapshot is None:
        stored = PackVersion.objects.values_list("snapshot", flat=True).get(pk=version.pk)
        snapshot = snapshot_read(stored, version.schema_version)
        SNAPSHOTS.put(key, snapshot)
    return snapshot


@dataclass(frozen=True)
class PackIndex:
    """The pack index: the working partnership's packs, and (for a regional reader, ADR 0017)
    the published packs of their regions' other partnerships."""

    partnership: str  # the working partnership's name, "" for a person with no role
    packs: list[dict[str, Any]]
    regional: list[dict[str, Any]]


def _grouped(versions: QuerySet[PackVersion]) -> list[dict[str, Any]]:
    """Versions grouped by (area, month), newest month first, each with its versions."""
    packs: dict[Any, dict[str, Any]] = {}
    # Never the snapshots (a whole pack each): the index names versions, it shows none.
    listed = versions.defer("snapshot").order_by(
        "-round__month", "round__partnership__name", "number"
    )
    for v in listed:
        key = (v.round.partnership.area.code, v.round.month)
        packs.setdefault(
            key,
            {
                "area": v.round.partnership.area,
                "partnership": v.round.partnership.name,
                "month": v.round.month,
                "versions": [],
            },
        )["versions"].append(v)
    return list(packs.values())


def pack_index(*, user: AnyUser, partnership_id: int | None) -> PackIndex:
    """The packs of the working partnership (``permissions.working_partnership``; the header's
    switcher leads to the others), and those the user reads as a regional reader of any other
    partnership. Two queries at most, plus the partnership's name."""
    visible = packs_visible_to(user)
    own = _grouped(visible.filter(round__partnership_id=partnership_id)) if partnership_id else []
    regional_ids = permissions.regional_partnerships(user) - {partnership_id}
    regional = (
        _grouped(visible.filter(round__partnership_id__in=regional_ids)) if regional_ids else []
    )
    name = (
        Partnership.objects.filter(id=partnership_id).values_list("name", flat=True).first()
        if partnership_id
        else None
    )
    return PackIndex(partnership=name or "", packs=own, regional=regional)
