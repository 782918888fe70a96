"""One indicator's page of several published versions, without reading their whole snapshots.

A snapshot holds every page of a pack (tens of pages, each with its months, chart and texts);
the regional comparison shows one page of each partnership's pack. On PostgreSQL the database
takes the page out of the stored ``jsonb`` (``jsonb_path_query_first``) with the snapshot's
head (the snapshot without its pages) and the code and title of every page, so only those
travel and are parsed. Elsewhere (SQLite in development) the whole snapshot is loaded and the
same parts are taken in Python: slower, the same answer.

The page is read as any snapshot is (``snapshot_read``): the head and the one page make a
one-page snapshot of the stored version, upgraded to this release's shape. The contents list
reads each page's ``code`` and ``title``, which every schema version so far holds under those
names; an upgrade that renames them must change ``_contents`` too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import F, Func, JSONField, TextField, Value
from django.db.models.functions import Cast

from submissions.models import PackVersion
from submissions.packs.schema import Page, snapshot_read


class _JsonPath(Func):
    template = "(%(expressions)s)::jsonpath"


def _path(function: str, snapshot_path: str, *variables: Func) -> Func:
    """``jsonb_path_query_first`` or ``jsonb_path_query_array`` of the snapshot at a path."""
    return Func(
        F("snapshot"),
        _JsonPath(Value(snapshot_path)),
        *variables,
        function=function,
        output_field=JSONField(),
    )


def _pg_parts(code: str) -> dict[str, Func]:
    """The page whose code is ``code``, the snapshot without its pages, its pages' codes and
    titles: taken out by PostgreSQL."""
    variables = Func(Value("code"), Cast(Value(code), TextField()), function="jsonb_build_object")
    return {
        "part_head": Func(
            F("snapshot"),
            Cast(Value("indicators"), TextField()),
            template="%(expressions)s",
            arg_joiner=" - ",
            output_field=JSONField(),
        ),
        "part_page": _path(
            "jsonb_path_query_first", "$.indicators[*] ? (@.code == $code)", variables
        ),
        "part_codes": _path("jsonb_path_query_array", "$.indicators[*].code"),
        "part_titles": _path("jsonb_path_query_array", "$.indicators[*].title"),
    }


@dataclass(frozen=True)
class VersionPart:
    """What a published version holds of one indicator: its page (None when the pack has no
    page for it) and the (code, title) of every page of the pack, in pack order."""

    page: Page | None
    contents: tuple[tuple[str, str], ...]


def _contents(codes: Any, titles: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(codes, list) or not isinstance(titles, list) or len(codes) != len(titles):
        return ()  # a damaged snapshot: the page itself is refused by snapshot_read
    return tuple((str(c), str(t)) for c, t in zip(codes, titles, strict=True))


def _part(head: Any, page: Any, schema_version: int, contents: Any) -> VersionPart:
    if page is None:
        return VersionPart(None, contents)
    one_page = {**head, "indicators": [page]} if isinstance(head, Mapping) else head
    return VersionPart(snapshot_read(one_page, schema_version).indicators[0], contents)


def _whole(snapshot: Any, code: str) -> tuple[Any, Any, Any, Any]:
    """The same parts as PostgreSQL's, taken from a whole snapshot loaded in Python."""
    if not isinstance(snapshot, Mapping) or not isinstance(snapshot.get("indicators"), list):
        return snapshot, None, None, None
    pages = [p for p in snapshot["indicators"] if isinstance(p, Mapping)]
    head = {k: v for k, v in snapshot.items() if k != "indicators"}
    page = next((p for p in pages if p.get("code") == code), None)
    return head, page, [p.get("code") for p in pages], [p.get("title") for p in pages]


def version_parts(pks: Iterable[int], code: str) -> dict[int, VersionPart]:
    """Each version's page for the indicator ``code`` and its contents, in one query."""
    versions = PackVersion.objects.filter(pk__in=list(pks))
    if connection.vendor == "postgresql":
        rows = versions.annotate(**_pg_parts(code)).values_list(
            "pk", "schema_version", "part_head", "part_page", "part_codes", "part_titles"
        )
        found = [(pk, v, head, page, codes, titles) for pk, v, head, page, codes, titles in rows]
    else:
        found = [
            (pk, v, *_whole(snapshot, code))
            for pk, v, snapshot in versions.values_list("pk", "schema_version", "snapshot")
        ]
    return {
        pk: _part(head, page, version, _contents(codes, titles))
        for pk, version, head, page, codes, titles in found
    }
