"""The call-over summary's body is cached (in Redis and in each web process) without changing
the page: the same body for every reader, the same as a fresh render, and never a stale list of
versions after another is published (issue 14, item 6)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from submissions.models import PackVersion
from submissions.packs.process_memo import ProcessMemo, clear_all
from submissions.packs.selectors import versions_cache_key

pytestmark = pytest.mark.django_db
DEC = dt.date(2016, 12, 1)
PACK = "/packs/E09000002/2016-12/"
MAIN = re.compile(r'<main id="main">(.*)</main>', re.S)


def _signed_in(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _main(client: Client, path: str = PACK) -> str:
    response = client.get(path)
    assert response.status_code == 200
    match = MAIN.search(response.content.decode())
    assert match is not None
    return match.group(1)


def _forget_bodies() -> None:
    cache.clear()
    clear_all()


def test_the_cached_body_is_the_fresh_render_for_every_reader() -> None:
    board, coordinator = _signed_in("board"), _signed_in("coordinator")
    fresh = _main(board)  # rendered: nothing cached yet
    # The seed pack (board-pack-2016-12.txt): 34 indicators; TNO 1,386 in December.
    assert fresh.count('<tr class="govuk-table__row" data-code=') == 34 and "1,386" in fresh
    assert _main(board) == fresh  # this process's copy
    clear_all()
    assert _main(board) == fresh  # the shared cache's copy
    assert _main(coordinator) == fresh  # the body is nobody's in particular
    _forget_bodies()
    assert _main(coordinator) == fresh  # and a coordinator's fresh render is the same
    # The header is each reader's own (the coordinator has Review; the board member has not).
    assert b">Review</a>" in coordinator.get(PACK).content
    assert b">Review</a>" not in board.get(PACK).content


def test_a_cached_page_runs_no_more_queries_than_a_fresh_one() -> None:
    board = _signed_in("board")
    board.get("/healthz")
    with CaptureQueriesContext(connection) as fresh:
        board.get(PACK)
    with CaptureQueriesContext(connection) as cached:
        board.get(PACK)
    # Fresh: the session's user, the roles, the versions, the snapshot; cached: not the last two.
    assert len(cached) <= len(fresh) - 2, [q["sql"][:100] for q in cached]


def test_an_older_version_lists_a_version_published_after_it_was_cached() -> None:
    december = PackVersion.objects.get(round__month=DEC, number=1)

    def publish_copy(number: int) -> None:
        PackVersion.objects.create(
            round=december.round,
            number=number,
            published_at=december.published_at + dt.timedelta(days=number),
            change_note=f"Copy {number}",
            schema_version=december.schema_version,
            snapshot=december.snapshot,
        )
        cache.delete(versions_cache_key("E09000002", DEC))  # as publishing does

    board = _signed_in("board")
    publish_copy(2)
    assert "version 2</a>" in _main(board, PACK + "?version=1")
    publish_copy(3)
    body = _main(board, PACK + "?version=1")
    assert "version 3</a>" in body, "the list of versions was cached before version 3"


def test_the_process_memo_keeps_the_most_recently_used() -> None:
    memo: ProcessMemo[str] = ProcessMemo(max_entries=2)
    memo.put("a", "A")
    memo.put("b", "B")
    assert memo.get("a") == "A"  # "a" is now the most recently used
    memo.put("c", "C")
    assert (memo.get("a"), memo.get("b"), memo.get("c")) == ("A", None, "C")
    memo.clear()
    assert memo.get("a") is None


def test_an_indicator_page_and_its_charts_read_the_pack_once_per_process() -> None:
    """A published version never changes: its snapshot is read and parsed once in each process,
    not by the indicator page and again by each of its charts' JSON."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    board = _signed_in("board")
    page = "/packs/E09000002/2016-12/tno/"
    first = _main(board, page)
    assert "13,207" in first  # TNO's year to date to December 2016, as the pack printed it
    with CaptureQueriesContext(connection) as queries:
        again = _main(board, page)
        charts = [board.get(f"{page}chart/{name}.json") for name in ("year", "xmr")]
    assert again == first
    assert all(c.status_code == 200 and c.json()["labels"] for c in charts)
    read = [q["sql"] for q in queries if '"snapshot"' in q["sql"]]
    assert not read, read
