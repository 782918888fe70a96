"""A killed full recompute leaves nothing behind for long, and a second one is refused.

PostgreSQL: the full recompute is a chord; without a broker its chunks run in the ``recompute``
command's own process. The finding that started this file: a killed ``manage.py recompute`` left
its staging tables behind. The next run must notice the dead run, drop its tables and run; a
second full recompute while one runs must be refused, and leave the running one's tables alone.
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

from indicators.models import RecomputeRun
from indicators.services import metrics_recompute
from tests.synthetic import areas_with_values, count_indicators

ROOT = Path(__file__).resolve().parents[2]
NOW = dt.datetime(2017, 2, 1, 9, 0, tzinfo=dt.UTC)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"].split(".")[-1] != "postgresql",
        reason="the chord and its staging tables are PostgreSQL only",
    ),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs /proc"),
]


@pytest.fixture
def leftovers():
    """Process ids to kill at teardown if still alive, so a failing test leaves no orphans."""
    pids: set[int] = set()
    yield pids
    for pid in pids:
        try:
            os.kill(pid, signal.SIGCONT)
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _large_store() -> list[int]:
    """Large enough that a full recompute takes seconds: time to catch it mid-run."""
    indicator_ids = count_indicators(50)
    areas_with_values(areas=40, indicator_ids=indicator_ids, months=101)
    return indicator_ids


def _stage_tables() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
            "AND tablename LIKE 'stage\\_%'"
        )
        return {row[0] for row in cursor.fetchall()}


def _sessions_of(name: str) -> int:
    """Sessions of the ``recompute`` process started as ``name`` (its libpq application name):
    other sessions on the database (another test's worker winding down) do not count."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name = %s",
            [_application_name(name)],
        )
        return cursor.fetchone()[0]


def _application_name(name: str) -> str:
    return f"recompute-faults-{name}-{os.getpid()}"


def _running_runs() -> int:
    return RecomputeRun.objects.filter(state=RecomputeRun.RUNNING).count()


def _start_recompute(tmp_path: Path, name: str, leftovers: set[int]) -> subprocess.Popen[bytes]:
    db = connection.settings_dict
    env = dict(os.environ)
    env["DATABASE_URL"] = (
        f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    env["DEBUG"] = "true"
    env.pop("CELERY_BROKER_URL", None)  # the chunks run in the command's process
    env["PGAPPNAME"] = _application_name(name)  # libpq names its sessions so
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


def _wait_until_computing(process: subprocess.Popen[bytes]) -> None:
    """Wait until the run has its staging tables and is at work."""
    _wait_until(
        lambda: process.poll() is None and len(_stage_tables()) >= 2 and _running_runs() == 1,
        120,
        "the recompute is computing",
    )


def test_the_run_after_a_killed_recompute_marks_it_failed_and_drops_its_tables(
    tmp_path, leftovers
) -> None:
    indicator_ids = _large_store()
    process = _start_recompute(tmp_path, "killed", leftovers)
    _wait_until_computing(process)
    left = _stage_tables()
    assert _sessions_of("killed") >= 1  # the name reaches PostgreSQL
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    assert len(left) == 2 and _running_runs() == 1

    # An incremental run drops nothing (it does not know the run is dead) ...
    metrics_recompute(now=NOW, indicator_ids=indicator_ids[:1], drop_stale_stages=False)
    assert _stage_tables() == left
    # ... the next full one sees the dead run's session gone, marks it failed and runs.
    # (A backend notices its client is gone once it next reads from it or writes to it.)
    _wait_until(lambda: _sessions_of("killed") == 0, 120, "the killed session has ended")
    metrics_recompute(now=NOW)
    assert _stage_tables() == set()
    states = list(RecomputeRun.objects.order_by("id").values_list("state", flat=True))
    assert states == [RecomputeRun.FAILED, RecomputeRun.SWAPPED]


def test_a_second_full_recompute_is_refused_while_one_runs(tmp_path, leftovers) -> None:
    indicator_ids = _large_store()
    first = _start_recompute(tmp_path, "first", leftovers)
    _wait_until_computing(first)
    left_by_first = _stage_tables()
    # Hold the first run where it is (mid-computation) for as long as the checks take.
    os.kill(first.pid, signal.SIGSTOP)
    try:
        second = _start_recompute(tmp_path, "second", leftovers)
        assert second.wait(timeout=120) != 0
        assert "already running" in (tmp_path / "second.log").read_text()
        # The sweep and an incremental run meanwhile leave the running recompute's tables alone.
        metrics_recompute(now=NOW, indicator_ids=indicator_ids[:1])
        assert _stage_tables() == left_by_first
    finally:
        os.kill(first.pid, signal.SIGCONT)
    assert first.wait(timeout=600) == 0, (tmp_path / "first.log").read_text()
    assert _stage_tables() == set()
    assert RecomputeRun.objects.filter(state=RecomputeRun.SWAPPED).count() == 1
