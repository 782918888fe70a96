"""A killed full recompute leaves nothing behind (PostgreSQL: the parallel path).

The finding: a ``manage.py recompute`` killed with SIGKILL left its staging tables and its two
child processes alive for over ten minutes. The children must die with their parent, and the
next run (full or incremental) must drop the tables a killed run left, never a running one's.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from indicators.services import PARALLEL_MIN_VALUES, metrics_recompute
from tests.synthetic import areas_with_values, count_indicators

ROOT = Path(__file__).resolve().parents[2]
NOW = dt.datetime(2017, 2, 1, 9, 0, tzinfo=dt.UTC)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"].split(".")[-1] != "postgresql",
        reason="the parallel recompute and its staging tables are PostgreSQL only",
    ),
    pytest.mark.skipif(
        (os.cpu_count() or 1) < 2 or not sys.platform.startswith("linux"),
        reason="needs two cores (the parallel path) and /proc",
    ),
]


@pytest.fixture
def leftovers():
    """Process ids to kill at teardown if still alive, so a failing test leaves no orphans."""
    pids: set[int] = set()
    yield pids
    for pid in _alive(pids):
        os.kill(pid, signal.SIGKILL)


def _large_store() -> list[int]:
    """Just over the size at which a full recompute goes parallel (one process per core)."""
    indicator_ids = count_indicators(50)
    written = areas_with_values(areas=40, indicator_ids=indicator_ids, months=101)
    assert written >= PARALLEL_MIN_VALUES
    return indicator_ids


def _stage_tables() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
            "AND tablename LIKE 'stage\\_%'"
        )
        return {row[0] for row in cursor.fetchall()}


def _descendants(pid: int) -> set[int]:
    """Every living process below ``pid`` (read from /proc)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z":  # a zombie has exited; it only waits to be reaped
            parents[int(entry)] = int(fields[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[0] != "Z":
                    alive.add(pid)
        except OSError:
            pass
    return alive


def _other_sessions() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def _stage_table_locks() -> int:
    """Locks other sessions hold on staging tables (a killed child's, until PostgreSQL notices)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE c.relname LIKE 'stage\\_%%' AND l.pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def _waiting_for_advisory_lock() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
        return cursor.fetchone()[0]


def _start_recompute(tmp_path: Path, name: str, leftovers: set[int]) -> subprocess.Popen[bytes]:
    db = connection.settings_dict
    env = dict(os.environ)
    env["DATABASE_URL"] = (
        f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    env["DEBUG"] = "true"
    log = open(tmp_path / f"{name}.log", "wb")  # noqa: SIM115 (closed with the process)
    process = subprocess.Popen(
        [sys.executable, "manage.py", "recompute"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    leftovers.add(process.pid)
    return process


def _wait_until(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {seconds} s waiting until {what}")
        time.sleep(0.2)


def _wait_until_computing(
    process: subprocess.Popen[bytes], workers: int, leftovers: set[int]
) -> set[int]:
    """Wait until the run has its staging tables and its children are at work on the database."""
    _wait_until(
        lambda: (
            process.poll() is None
            and len(_stage_tables()) >= 2
            and len(_descendants(process.pid)) >= workers
            and _other_sessions() >= 1 + workers
        ),
        60,
        "the recompute's children are computing",
    )
    children = _descendants(process.pid)
    leftovers |= children
    return children


def test_a_killed_recompute_takes_its_child_processes_with_it(tmp_path, leftovers) -> None:
    indicator_ids = _large_store()
    process = _start_recompute(tmp_path, "killed", leftovers)
    children = _wait_until_computing(process, 2, leftovers)

    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    killed_at = time.monotonic()
    while _alive(children) and time.monotonic() - killed_at < 5:
        time.sleep(0.1)
    assert not _alive(children), "the killed recompute's children outlived it by 5 s"

    # What the killed run left behind is dropped by the next run, here an incremental one.
    assert len(_stage_tables()) == 2
    # Other sessions of the test database (a live server's, a worker's) may stay open: what
    # matters is that no killed child still holds its staging tables.
    _wait_until(lambda: _stage_table_locks() == 0, 30, "the killed sessions have let go")
    metrics_recompute(now=NOW, indicator_ids=indicator_ids[:1])
    assert _stage_tables() == set()


def test_a_second_full_recompute_waits_for_the_running_one_then_drops_what_a_killed_one_left(
    tmp_path, leftovers
) -> None:
    indicator_ids = _large_store()
    first = _start_recompute(tmp_path, "first", leftovers)
    children = _wait_until_computing(first, 2, leftovers)
    left_by_first = _stage_tables()
    # Hold the first run where it is (mid-computation) for as long as the checks take.
    for pid in {first.pid, *children}:
        os.kill(pid, signal.SIGSTOP)

    second = _start_recompute(tmp_path, "second", leftovers)
    _wait_until(lambda: _waiting_for_advisory_lock() == 1, 60, "the second run waits its turn")
    # An incremental run meanwhile must leave the running recompute's tables alone too.
    metrics_recompute(now=NOW, indicator_ids=indicator_ids[:1])
    assert _stage_tables() == left_by_first

    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    assert second.wait(timeout=240) == 0, (tmp_path / "second.log").read_text()
    assert _stage_tables() == set()
