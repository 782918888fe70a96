"""Faults on the production profile, for real: gunicorn with 3 workers, a Celery worker and beat,
PostgreSQL and Redis on loopback, DEBUG off, behind a pretend TLS-terminating proxy.

Runs where CI runs it (DATABASE_URL on PostgreSQL; the stack starts its own Redis servers).
The recovery times measured are printed in the terminal summary.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings

from tests.production.client import Client, Response
from tests.production.conftest import RESEND_SECONDS, SWEEP_SECONDS
from tests.production.database import sql
from tests.production.processes import wait_until
from tests.production.stack import DEMO_AREA, Stack

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"].split(".")[-1] != "postgresql"
    or not os.environ.get("DATABASE_URL"),
    reason="the production profile runs on PostgreSQL (CI sets DATABASE_URL)",
)

SUMMARY = f"/packs/{DEMO_AREA}/2016-12/"
PAUSE = 2  # seconds each chunk of the killed worker's run waits before writing


def _signed_in(stack: Stack, username: str) -> Client:
    client = stack.client()
    client.sign_in(username, stack.password)
    return client


def _all_at_once(calls: list[Callable[[], Response]]) -> list[Response]:
    """Run the calls in threads released together, so the web workers share them out."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], Response]) -> Response:
        barrier.wait(timeout=60)
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def _quiet(stack: Stack) -> bool:
    """No recompute waiting and no task running: a clean start for a measurement."""
    waiting = sql(stack.database_url, "SELECT count(*) FROM indicators_recomputerequest")[0][0]
    return waiting == 0 and stack.active_tasks() == []


def test_signing_out_ends_the_session_on_every_web_worker(stack: Stack) -> None:
    client = _signed_in(stack, "coordinator")
    # Every worker reads the session first (a per-process cache would now hold it).
    warm = _all_at_once([lambda: client.get("/review/") for _ in range(24)])
    assert {r.status for r in warm} == {200}
    cookies = dict(client.cookies)

    assert client.post("/accounts/logout/").status in {200, 302}

    replays = _all_at_once(
        [lambda: Client(stack.base, cookies=dict(cookies)).get("/review/") for _ in range(24)]
    )
    accepted = [r for r in replays if r.status == 200]
    assert not accepted, f"{len(accepted)} of 24 replays of the signed-out session were served"
    assert all(r.status == 302 and "/accounts/login/" in r.location for r in replays)


def test_twenty_concurrent_publishes_make_exactly_one_pack_version(stack: Stack) -> None:
    round_id = stack.django("ready_to_publish", month="2017-01")
    versions = f"SELECT count(*) FROM submissions_packversion WHERE round_id = {int(round_id)}"
    assert sql(stack.database_url, versions)[0][0] == 0
    with ThreadPoolExecutor(4) as pool:
        clients = list(pool.map(lambda _: _signed_in(stack, "coordinator"), range(20)))

    responses = _all_at_once(
        [
            lambda c=c: c.post(f"/rounds/{round_id}/", {"change_note": "January 2017 pack"})
            for c in clients
        ]
    )

    assert all(r.status < 500 for r in responses), [r.status for r in responses]
    assert sql(stack.database_url, versions)[0][0] == 1


def test_an_approval_while_the_broker_is_down_is_recomputed_once_it_returns(
    stack: Stack, record_figure: Callable[[str], None]
) -> None:
    submission_id = stack.django("submit_copies", month="2017-02", codes=["tno"])["tno"]
    entered = sql(
        stack.database_url,
        f"SELECT value FROM submissions_submission WHERE id = {int(submission_id)}",
    )[0][0]
    derived = (
        "SELECT d.month_value FROM indicators_derivedmetric d "
        "JOIN indicators_indicator i ON i.id = d.indicator_id "
        "JOIN csp_area a ON a.id = d.area_id "
        f"WHERE i.code = 'tno' AND a.code = '{DEMO_AREA}' AND d.month = '2017-02-01'"
    )
    approved = (
        "SELECT v.value FROM indicators_monthvalue v "
        "JOIN indicators_indicator i ON i.id = v.indicator_id "
        "JOIN csp_area a ON a.id = v.area_id "
        f"WHERE i.code = 'tno' AND a.code = '{DEMO_AREA}' AND v.month = '2017-02-01'"
    )
    client = _signed_in(stack, "coordinator")

    stack.stop_redis("broker")
    try:
        response = client.post(f"/submissions/{submission_id}/approve/")
        assert response.status == 302 and response.seconds < 30, (response.status, response.body)
        answered = response.seconds
        page = client.get(response.location)
        assert page.status == 200 and "approved" in page.body
        assert sql(stack.database_url, approved) == [(entered,)]  # the figure is saved
        time.sleep(2 * SWEEP_SECONDS)  # sweeps come and go: nothing reaches the worker
        assert sql(stack.database_url, derived) != [(entered,)]
    finally:
        stack.start_redis("broker")

    recovery = wait_until(
        lambda: sql(stack.database_url, derived) == [(entered,)],
        180,
        "the approved figure is recomputed",
    )
    record_figure(
        f"broker outage: the approval answered in {answered:.1f} s with the broker down; its "
        f"derived figure was recomputed {recovery:.1f} s after Redis came back "
        f"(sweep every {SWEEP_SECONDS} s)"
    )


def test_a_worker_killed_during_a_full_recompute_leaves_a_complete_store_and_the_run_redone(
    stack: Stack, record_figure: Callable[[str], None]
) -> None:
    wait_until(lambda: _quiet(stack), 120, "no recompute is waiting or running")
    store = (
        "SELECT (SELECT count(*) FROM indicators_derivedmetric), "
        "(SELECT count(*) FROM indicators_derivedrank), "
        "(SELECT min(computed_at) FROM indicators_derivedmetric), "
        "(SELECT max(computed_at) FROM indicators_derivedmetric)"
    )
    metrics, ranks, _first, stamp = sql(stack.database_url, store)[0]
    coordinator = _signed_in(stack, "coordinator")
    board = _signed_in(stack, "board")
    api = f"/api/derived-metrics/?area={DEMO_AREA}&month_from=2016-04&month_to=2016-12"
    api_count = coordinator.get(api).body.split('"count":', 1)[1].split(",", 1)[0]
    assert board.get(SUMMARY).status == 200

    seen: list[str] = []
    reads = {"n": 0}
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            count_metrics, count_ranks, *_ = sql(stack.database_url, store)[0]
            if (count_metrics, count_ranks) != (metrics, ranks):
                seen.append(f"store had {count_metrics} metrics, {count_ranks} ranks")
            response = coordinator.get(api)
            if response.status != 200 or f'"count":{api_count},' not in response.body:
                seen.append(f"API answered {response.status}: {response.body[:80]}")
            summary = board.get(SUMMARY)
            if summary.status != 200:
                seen.append(f"summary page answered {summary.status}")
            reads["n"] += 1

    # The full recompute is a chord of chunk tasks (ADR 0028). A worker whose every chunk waits
    # PAUSE seconds between its compute and its write (a setting only tests use) is surely
    # killed while it holds some, whatever the machine's speed.
    stack.stop("worker")
    stack.env["RECOMPUTE_CHUNK_TEST_PAUSE_SECONDS"] = str(PAUSE)
    stack.start_worker()
    reader = threading.Thread(target=read)
    reader.start()
    try:
        with stack.celery() as app:
            app.send_task("indicators.recompute_all")
        wait_until(
            lambda: "indicators.recompute_chunk" in (stack.active_tasks() or []),
            60,
            "the recompute's chunks run",
        )
        time.sleep(0.5)
        assert "indicators.recompute_chunk" in (stack.active_tasks() or []), "done before the kill"
        stack.stop("worker", signal.SIGKILL)
        killed = time.monotonic()
        assert sql(stack.database_url, store)[0][3] == stamp  # the killed run committed nothing
        running = "SELECT count(*) FROM indicators_recomputerun WHERE state = 'running'"
        assert sql(stack.database_url, running) == [(1,)]
        # The chunks it held are never acknowledged: the sweep sends them again once the run
        # has shown no sign of life for RESEND_SECONDS, and the last of them swaps.
        stack.env.pop("RECOMPUTE_CHUNK_TEST_PAUSE_SECONDS")
        stack.start_worker()

        def redone() -> bool:
            _m, _r, first, last = sql(stack.database_url, store)[0]
            return last != stamp and first == last  # one new run rewrote every row

        wait_until(redone, 180, "the full recompute is redone")
        recovery = time.monotonic() - killed
        time.sleep(1)
    finally:
        stop.set()
        reader.join(timeout=60)

    assert not seen, seen[:5]
    assert reads["n"] >= 5
    runs = "SELECT state FROM indicators_recomputerun ORDER BY id DESC LIMIT 1"
    assert sql(stack.database_url, runs) == [("swapped",)]
    record_figure(
        f"worker SIGKILLed during a full recompute (a chord): completed {recovery:.1f} s after "
        f"the kill (new worker start and the resend after {RESEND_SECONDS} s idle included); "
        f"{reads['n']} rounds of reads saw a complete store"
    )
