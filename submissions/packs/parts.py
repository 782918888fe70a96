"""One indicator's page of several published versions, without reading their whole snapshots.

A snapshot holds every page of a pack (tens of pages, each with its months, chart and texts);
the regional comparison shows one page of each partnership's pack. On PostgreSQL one query
walks each stored ``jsonb`` once (``jsonb_array_elements`` of its pages: the value is
decompressed once, where each JSON function of the column would decompress it again) and sends
back each page's code and title and, for the page asked for, the page itself; only those
travel and are parsed. Elsewhere (SQLite in development) the whole snapshot is loaded and the
same parts taken in Python: slower, the same answer.

The page is read as a page of its stored version (``page_read``): the snapshot upgrades run on
it as they do on a whole snapshot. The contents list reads each page's ``code`` and ``title``,
which every schema version so far holds under those names.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connection

from submissions.models import PackVersion
from submissions.packs.records import RecordError
from submissions.packs.schema import (
    SCHEMA_VERSION,
    UPGRADES,
    Page,
    SnapshotError,
)

# Each version's pages in pack order: code, title, and the page whose code is the one asked for.
_PG_PAGES = """
    SELECT v.id, v.schema_version, p.page ->> 'code', p.page ->> 'title',
           CASE WHEN p.page ->> 'code' = %s THEN p.page END
    FROM {table} v
    CROSS JOIN LATERAL jsonb_array_elements(v.snapshot -> 'indicators') WITH ORDINALITY p(page, n)
    WHERE v.id = ANY(%s) AND jsonb_typeof(v.snapshot -> 'indicators') = 'array'
    ORDER BY v.id, p.n
"""


@dataclass(frozen=True)
class VersionPart:
    """What a published version holds of one indicator: its page (None when the pack has no
    page for it) and the (code, title) of every page of the pack, in pack order."""

    page: Page | None
    contents: tuple[tuple[str, str], ...]


def page_read(data: Any, schema_version: int) -> Page:
    """One stored page of a version-``schema_version`` snapshot, upgraded to this release's
    shape by the snapshot upgrades (which upgrade pages without reading the rest of the
    snapshot) and typed."""
    if not isinstance(schema_version, int) or not 1 <= schema_version <= SCHEMA_VERSION:
        raise SnapshotError(f"Pack snapshot schema version {schema_version!r} is unknown.")
    wrapped: Mapping[str, Any] = {"indicators": [data]}
    for version in range(schema_version, SCHEMA_VERSION):
        wrapped = UPGRADES[version](wrapped)
    try:
        return Page.from_dict(wrapped["indicators"][0], path="page")
    except RecordError as exc:
        raise SnapshotError(f"A stored pack page is damaged: {exc}") from exc


def _postgresql(pks: list[int], code: str) -> dict[int, tuple[int, Any, list[tuple[str, str]]]]:
    table = connection.ops.quote_name(PackVersion._meta.db_table)
    found: dict[int, tuple[int, Any, list[tuple[str, str]]]] = {}
    with connection.cursor() as cursor:
        cursor.execute(_PG_PAGES.format(table=table), [code, pks])
        for pk, version, page_code, title, page in cursor.fetchall():
            _, current, contents = found.setdefault(pk, (version, None, []))
            contents.append((str(page_code), str(title)))
            if page is not None and current is None:
                # Django's PostgreSQL backend hands jsonb over as text, for JSONField to parse.
                found[pk] = (version, json.loads(page) if isinstance(page, str) else page, contents)
    return found


def _python(pks: list[int], code: str) -> dict[int, tuple[int, Any, list[tuple[str, str]]]]:
    found: dict[int, tuple[int, Any, list[tuple[str, str]]]] = {}
    rows = PackVersion.objects.filter(pk__in=pks).values_list("pk", "schema_version", "snapshot")
    for pk, version, snapshot in rows:
        pages = snapshot.get("indicators") if isinstance(snapshot, Mapping) else None
        pages = [p for p in pages if isinstance(p, Mapping)] if isinstance(pages, list) else []
        page = next((p for p in pages if p.get("code") == code), None)
        found[pk] = (version, page, [(str(p.get("code")), str(p.get("title"))) for p in pages])
    return found


def version_parts(pks: Iterable[int], code: str) -> dict[int, VersionPart]:
    """Each version's page for the indicator ``code`` and its contents, in one query."""
    wanted = list(pks)
    if not wanted:
        return {}
    read = _postgresql if connection.vendor == "postgresql" else _python
    parts = {
        pk: VersionPart(None if page is None else page_read(page, version), tuple(contents))
        for pk, (version, page, contents) in read(wanted, code).items()
    }
    # A version whose snapshot has no list of pages: none of its pages.
    return {pk: parts.get(pk, VersionPart(None, ())) for pk in wanted}
