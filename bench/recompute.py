"""Benchmark the full and incremental recompute against a bare-SQL floor, on PostgreSQL.

    .venv/bin/python bench/recompute.py                 # 300 areas x 50 indicators x 120 months
    .venv/bin/python bench/recompute.py --areas 30      # a tenth of it, for a quick look
    .venv/bin/python bench/recompute.py --workers 2     # 2 Celery workers (default: one per core)
    .venv/bin/python bench/recompute.py --workers 0     # no broker: the chunks run in this process

It (re)creates the database named by --database-url (default csp_bench on the local server),
migrates it, loads a synthetic data set with COPY (groups of 32 and 15 areas), then times:

1. full: ``metrics_recompute`` over everything: a Celery chord of chunk tasks on ``--workers``
   worker processes (started here against Redis, ``--broker``), then the swap by rename. Twice:
   first as an install's first recompute (nothing published, so nothing ranked), then, with
   every partnership's rates released up to the month before the last (as publishing every
   month leaves them), the one the ratio uses, which writes the ranks too;
2. incremental: one month value changed, ``metrics_recompute_after_change`` (with group ranks);
3. from a month: ``metrics_recompute(from_month=...)`` over everything from that month on (what
   ``recompute --from`` runs after an import);
4. floor: one SQL statement computing YTD and R12 with window functions over the same month
   values and writing them into a table (INSERT ... SELECT);
5. store copy: the finished store (both derived tables) copied inside PostgreSQL into tables
   without indexes (INSERT ... SELECT, cheaper than any COPY from a client), then given the
   live tables' indexes, the two tables at once in sessions of their own, as the full
   recompute's chunks and finish write them. Nothing is computed, so no full recompute of this
   store can take less: its ratio to the floor is what the store's size alone costs.

and prints the times, the full recompute's phases (load, compute, write and ranks summed
over the chunks, i.e. process time; the swap), the ratios full / floor, store copy / floor and
full / store copy, and the peak memory (max RSS) of every process. Before them it times the
compute phase (load and engine, nothing written) of the scalar and the vectorised engine on the
same data and counts the rows where they differ (``--engines-only`` stops there). Nothing here
is a test: machines are shared and noisy, so compare the ratios, not the seconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FLOOR_SQL = """
INSERT INTO bench_floor (indicator_id, area_id, month, ytd, r12)
SELECT indicator_id, area_id, month,
       SUM(value) OVER (PARTITION BY indicator_id, area_id, fy ORDER BY month),
       SUM(value) OVER (PARTITION BY indicator_id, area_id ORDER BY month
                        ROWS BETWEEN 11 PRECEDING AND CURRENT ROW)
FROM (
    SELECT indicator_id, area_id, month, value,
           EXTRACT(YEAR FROM month - INTERVAL '3 months') AS fy
    FROM indicators_monthvalue
) AS v
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--areas", type=int, default=300)
    parser.add_argument("--indicators", type=int, default=50)
    parser.add_argument("--months", type=int, default=120)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/csp_bench")
    parser.add_argument("--seed", type=int, default=2016)
    parser.add_argument(
        "--engines-only",
        action="store_true",
        help="only compare the compute phase of the scalar and vectorised engines",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="Celery worker processes to start for the run (0: none, chunks run in-process)",
    )
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/12")
    parser.add_argument(
        "--skip-engines",
        action="store_true",
        help="skip the scalar/vectorised compute comparison (minutes at national scale)",
    )
    args = parser.parse_args()

    import psycopg

    admin_url = args.database_url.rsplit("/", 1)[0] + "/postgres"
    name = args.database_url.rsplit("/", 1)[1]
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')

    os.environ["DATABASE_URL"] = args.database_url
    if args.workers:
        os.environ["CELERY_BROKER_URL"] = args.broker
    else:
        os.environ.pop("CELERY_BROKER_URL", None)
    os.environ.setdefault("DEBUG", "true")
    os.environ["DJANGO_SETTINGS_MODULE"] = "csp.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(f"Data set: {args.areas} areas x {args.indicators} indicators x {args.months} months")
    started = time.perf_counter()
    ids = build_data(args.areas, args.indicators, args.months, random.Random(args.seed))
    print(
        f"  loaded {args.areas * args.indicators * args.months:,} month values "
        f"in {time.perf_counter() - started:.1f} s"
    )

    from django.db import connection
    from django.utils import timezone

    from indicators.services import metrics_recompute, metrics_recompute_after_change

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    if not args.skip_engines:
        engines_compare(timezone.now())
    if args.engines_only:
        return 0

    workers = workers_start(args.workers, args.broker)
    try:
        # The first recompute of an install: no partnership has published, so nothing is
        # ranked (ranks use released figures only, ADR 0018).
        started = time.perf_counter()
        report = metrics_recompute(now=timezone.now())
        first = time.perf_counter() - started
        print(f"  first: {report.summary()}")
        # A partnership that publishes every month has released every month but the last.
        release_all_but_last()
        started = time.perf_counter()
        report = metrics_recompute(now=timezone.now())
        full = time.perf_counter() - started
    finally:
        workers_stop(workers)
    print(f"  {report.summary()}")

    indicator_id, area_id, month = ids
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE indicators_monthvalue SET value = value + 7 "
            "WHERE indicator_id = %s AND area_id = %s AND month = %s",
            [indicator_id, area_id, month],
        )
    started = time.perf_counter()
    metrics_recompute_after_change(
        indicator_id=indicator_id, area_id=area_id, month=month, now=timezone.now()
    )
    incremental = time.perf_counter() - started

    started = time.perf_counter()
    metrics_recompute(now=timezone.now(), from_month=month)
    from_month = time.perf_counter() - started

    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_floor (indicator_id bigint, area_id bigint, month date, "
            "ytd bigint, r12 bigint)"
        )
        started = time.perf_counter()
        cursor.execute(FLOOR_SQL)
        floor = time.perf_counter() - started

    store_copy = store_copy_time()

    from indicators.models import RecomputeRun

    run = RecomputeRun.objects.latest("id")
    print()
    print(f"first full recompute  {first:8.2f} s  (nothing released: no ranks)")
    print(f"full recompute        {full:8.2f} s  ({run.chunks} chunks, {args.workers} workers)")
    for phase, seconds in report.phases.items():
        print(f"  {phase:<36} {seconds:8.2f} s")
    print(f"incremental recompute {incremental * 1000:8.1f} ms")
    print(f"recompute --from      {from_month:8.2f} s")
    print(f"bare-SQL floor        {floor:8.2f} s")
    print(f"ratio full / floor    {full / floor:8.2f}")
    print(f"store copy            {store_copy:8.2f} s  (both tables, no compute)")
    print(f"ratio store copy / floor {store_copy / floor:5.2f}")
    print(f"ratio full / store copy  {full / store_copy:5.2f}")
    peaks: dict[int, int] = {}
    for done in run.chunks_done.values():
        peaks[done["pid"]] = max(peaks.get(done["pid"], 0), done["peak_kib"])
    print("peak memory (max RSS)")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"  this process (pid {os.getpid()}) {_mib(own)}")
    for pid, kib in sorted(peaks.items()):
        print(f"  worker process (pid {pid}) {_mib(kib)}")
    return 0


def engines_compare(now: dt.datetime, chunk: int = 5) -> None:
    """Time the compute phase (load and engine, no writes) of the scalar engine and of the
    vectorised one on the same data, a few indicators at a time (so the rows of both fit in
    memory), and check that they give the same rows."""
    from indicators.recompute.compute import RecomputeReport, compute_rows
    from indicators.recompute.load import (
        catalogue_load,
        denominators_load,
        scope_sql,
        series_inputs,
        values_load,
    )

    ids = sorted(catalogue_load(None).indicators)
    seconds = {False: 0.0, True: 0.0}
    loading = 0.0
    rows = differ = 0
    for i in range(0, len(ids), chunk):
        catalogue = catalogue_load(ids[i : i + chunk])
        started = time.perf_counter()  # what both share: reading the series, no engine
        where, params = scope_sql(catalogue, None)
        denominators = denominators_load(None)
        for (ind, area), values in values_load(where, params, catalogue.category_codes):
            series_inputs(catalogue, denominators, ind, area, values)
        loading += time.perf_counter() - started
        got = {}
        for vectorised in (False, True):
            started = time.perf_counter()
            got[vectorised] = compute_rows(
                catalogue, None, None, now, RecomputeReport(), vectorised=vectorised
            )
            seconds[vectorised] += time.perf_counter() - started
        scalar, vector = got[False], got[True]
        rows += len(scalar[0])
        differ += sum(a != b for a, b in zip(scalar[0], vector[0], strict=True))
        differ += scalar[1] != vector[1]
        del got, scalar, vector
    print(f"compute phase, scalar engine     {seconds[False]:8.2f} s ({rows:,} rows)")
    print(f"compute phase, vectorised engine {seconds[True]:8.2f} s")
    print(f"ratio scalar / vectorised        {seconds[False] / seconds[True]:8.2f}")
    print(f"  of which reading the series    {loading:8.2f} s (the same for both)")
    engine = {k: v - loading for k, v in seconds.items()}
    print(f"engine and rows only, ratio      {engine[False] / engine[True]:8.2f}")
    print(f"rows that differ                 {differ:8d}")


def store_copy_time() -> float:
    """Seconds to copy the finished store (metrics and ranks) inside PostgreSQL into tables
    without indexes (``INSERT … SELECT``: cheaper than the chunks' binary COPY from a client,
    which streamed from a COPY out of the live tables takes longer still), then to index them as
    the live ones are; each table in a session of its own, both at once, as the chunks and the
    finish write them. The copies are dropped afterwards."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection, connections

    from indicators.recompute.staging import SHORT, indexes_copy, live_table

    def copy(short: str) -> None:
        live, copied = live_table(short), f"bench_copy_{short}"
        try:
            with connection.cursor() as cursor:
                cursor.execute(f'DROP TABLE IF EXISTS "{copied}"')
                cursor.execute(
                    f'CREATE TABLE "{copied}" (LIKE "{live}" INCLUDING ALL EXCLUDING INDEXES)'
                )
                cursor.execute(f'INSERT INTO "{copied}" SELECT * FROM "{live}"')
                indexes_copy(cursor, live, copied)
        finally:
            connections.close_all()

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(SHORT)) as pool:
        for future in [pool.submit(copy, short) for short in SHORT]:
            future.result()
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        for short in SHORT:
            cursor.execute(f'DROP TABLE "bench_copy_{short}"')
    return seconds


RELEASE_SQL = """
INSERT INTO indicators_releasedrate
    (indicator_id, area_id, month, rate, r12, rate_denominator, released_at)
SELECT indicator_id, area_id, month, rate, r12, rate_denominator, now()
FROM indicators_derivedmetric
WHERE rate IS NOT NULL AND month < (SELECT max(month) FROM indicators_monthvalue)
"""


def release_all_but_last() -> None:
    """Every partnership's rates released up to the month before the last, as publishing each
    month leaves them (``release.rates_release`` row by row; here in one statement)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(RELEASE_SQL)
        print(f"  released {cursor.rowcount:,} rates (every month but the last)")
        cursor.execute("ANALYZE indicators_releasedrate")


def _mib(kib: int) -> str:
    return f"{kib / 1024:,.0f} MiB"


def workers_start(n: int, broker: str) -> list[subprocess.Popen[bytes]]:
    """Start ``n`` solo-pool Celery workers (one process each) on this database and ``broker``,
    and wait until they all answer."""
    if not n:
        return []
    from csp.celery import app

    app.control.purge()
    env = dict(os.environ, CELERY_BROKER_URL=broker)
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "csp",
                "worker",
                "--pool=solo",
                "--loglevel=WARNING",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                f"--hostname=bench{i}@%h",
            ],
            cwd=ROOT,
            env=env,
        )  # fmt: skip
        for i in range(n)
    ]
    deadline = time.monotonic() + 120
    while len(app.control.ping(timeout=1.0)) < n:
        if time.monotonic() > deadline or any(w.poll() is not None for w in workers):
            workers_stop(workers)
            raise SystemExit("the Celery workers did not start")
    return workers


def workers_stop(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        worker.terminate()
    for worker in workers:
        worker.wait(timeout=60)


def build_data(n_areas: int, n_indicators: int, n_months: int, rng: random.Random):
    from bench.region_data import (
        adopt_everything,
        areas_with_residents,
        count_catalogue,
        write_month_values,
    )
    from csp.models import ComparatorGroup, GroupMembership, Partnership
    from indicators.engine.periods import add_months
    from indicators.models import Portfolio

    areas, series = areas_with_residents("E", n_areas, rng)
    memberships = []
    for size, prefix in ((32, "MET"), (15, "MSG")):
        for g, start in enumerate(range(0, n_areas, size)):
            group = ComparatorGroup.objects.create(code=f"{prefix}{g}", name=f"{prefix} {g}")
            memberships += [
                GroupMembership(group=group, area=a) for a in areas[start : start + size]
            ]
    GroupMembership.objects.bulk_create(memberships)
    portfolio = Portfolio.objects.create(name="Benchmark")
    indicators = count_catalogue("E", n_indicators, series)
    first = dt.date(2010, 4, 1)
    months = [add_months(first, i) for i in range(n_months)]
    # Every area is a partnership adopting every indicator, each with its own targets.
    partnerships = Partnership.objects.bulk_create(
        Partnership(name=f"Partnership {a.code}", area=a) for a in areas
    )
    adopt_everything(partnerships, indicators, portfolio, months)
    write_month_values(indicators, areas, months, rng)
    return indicators[0].id, areas[0].id, months[-13]


if __name__ == "__main__":
    sys.exit(main())
