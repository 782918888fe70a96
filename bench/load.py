"""Load test of the production profile: Locust, headless, bounded in time, on loopback.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/csp .venv/bin/python bench/load.py \\
        [--seconds 60] [--users 50] [--spawn-rate 10] [--review-rounds 5]

Starts the same stack as the production fault test (tests/production/stack.py: its own
database ``<name>_load`` beside DATABASE_URL's, two Redis servers, gunicorn with 3 workers, a
Celery worker and beat, DEBUG off), prepares the work (``--review-rounds`` rounds of submitted
figures for the coordinator; January's count indicators for the agency leads), measures the
call-over summary's throughput against /healthz with wrk (``--ratio-seconds``), then runs
bench/locustfile.py: board readers ~70% (pack summary and indicator pages), agency leads ~20%
(entry form, save a draft), the coordinator ~10% (review queue, approve). Prints requests per
second, p50/p95/p99 per group and the errors, against the goal: 0 errors, p95 <= 300 ms for
pack pages. Everything is stopped and the database dropped at the end.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.production.stack import DEMO_AREA, Stack  # noqa: E402

PACK = "board: pack pages"
GOAL_P95_MS = 300


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--review-rounds", type=int, default=5)
    parser.add_argument(
        "--ratio-seconds",
        type=int,
        default=10,
        help="seconds of wrk on the summary and on /healthz before the mixed load (0: skip)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the logs folder")
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL URL (the stack creates <name>_load).")

    stack = Stack(database_url=database_url, suffix="_load")
    try:
        started = time.monotonic()
        stack.start()
        plan = stack.django("load_plan", review_rounds=args.review_rounds)
        plan.update({"area": DEMO_AREA, "month": "2016-12", "sessions": {}})
        for username in ["board", "coordinator", *plan["leads"]]:
            client = stack.client()
            client.sign_in(username, stack.password)
            plan["sessions"][username] = client.cookies
        print(f"Stack up and work prepared in {time.monotonic() - started:.0f} s ({stack.base}).")
        print(unloaded(stack, plan))
        if args.ratio_seconds:
            print(throughput_ratio(stack, plan, args.ratio_seconds))
        prefix = stack.workdir / "locust"
        env = dict(os.environ, CSP_LOAD_PLAN=json.dumps(plan))
        log = open(stack.workdir / "locust.log", "wb")  # noqa: SIM115 (closed below)
        cpu_before = stack.cpu_seconds()
        children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "locust",
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(args.spawn_rate),
                "--run-time",
                f"{args.seconds}s",
                "--stop-timeout",
                "10",
                "--host",
                stack.base,
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=stack.workdir,
            env=env,
            timeout=args.seconds + 300,
            check=False,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = {name: used - cpu_before.get(name, 0.0) for name, used in stack.cpu_seconds().items()}
        cpu["locust"] = (
            children.ru_utime
            + children.ru_stime
            - children_before.ru_utime
            - children_before.ru_stime
        )
        print(
            "CPU seconds during the run: "
            + ", ".join(f"{name} {used:.0f}" for name, used in cpu.items() if used >= 0.5)
            + f" (of {(os.cpu_count() or 1) * args.seconds} on {os.cpu_count()} cores; "
            "PostgreSQL and the machine's other users not counted)"
        )
        return report(prefix, args)
    finally:
        stack.close(keep_workdir=args.keep)
        if args.keep:
            print(f"Logs kept in {stack.workdir}")


def unloaded(stack: Stack, plan: dict[str, object]) -> str:
    """One reader alone, for comparison: pack pages one after another (after a warm-up)."""
    client = stack.client()
    client.cookies.update(plan["sessions"]["board"])
    paths = [f"/packs/{DEMO_AREA}/2016-12/"] + [
        f"/packs/{DEMO_AREA}/2016-12/{code}/" for code in plan["indicator_codes"]
    ]
    for path in paths:
        client.get(path)
    times = sorted(client.get(path).seconds * 1000 for path in paths)
    return (
        f"One reader alone, {len(times)} pack pages: p50 {statistics.median(times):.0f} ms, "
        f"p95 {times[int(len(times) * 0.95) - 1]:.0f} ms"
    )


def throughput_ratio(stack: Stack, plan: dict[str, Any], seconds: int) -> str:
    """Issue 14's figure: the board's call-over summary against a trivial view (/healthz),
    requests per second with wrk (8 connections, the board's session on both), one after the
    other in the same run, before the mixed load."""
    if not shutil.which("wrk"):
        return "Throughput ratio skipped: wrk is not installed (apt-get install -y wrk)."
    from bench.pack_load import wrk

    cookie = "; ".join(f"{k}={v}" for k, v in plan["sessions"]["board"].items())
    proto = "X-Forwarded-Proto: https"  # the stack sits behind a pretend TLS proxy
    summary = f"{stack.base}/packs/{DEMO_AREA}/2016-12/"
    trivial_rps = wrk(f"{stack.base}/healthz", cookie, seconds, 8, proto)
    summary_rps = wrk(summary, cookie, seconds, 8, proto)
    return (
        f"Throughput, {seconds} s each, 8 connections: /healthz {trivial_rps:.1f} requests/s, "
        f"call-over summary {summary_rps:.1f} requests/s, "
        f"ratio {summary_rps / trivial_rps:.1%} (goal >= 30%)"
    )


def report(prefix: Path, args: argparse.Namespace) -> int:
    rows = list(csv.DictReader(open(f"{prefix}_stats.csv")))  # noqa: SIM115
    failures = list(csv.DictReader(open(f"{prefix}_failures.csv")))  # noqa: SIM115
    print()
    print(f"{args.users} users, spawn rate {args.spawn_rate}/s, {args.seconds} s, loopback")
    print(
        f"{'group':28} {'requests':>8} {'errors':>6} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6}"
    )
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "all"
        print(
            f"{name:28} {row['Request Count']:>8} {row['Failure Count']:>6} "
            f"{float(row['Requests/s']):7.1f} {row['50%']:>6} {row['95%']:>6} {row['99%']:>6}"
        )
    print("(times in ms)")
    for failure in failures:
        print(f"error: {failure['Name']}: {failure['Error']} x{failure['Occurrences']}")
    total = next(r for r in rows if r["Name"] == "Aggregated")
    pack = next((r for r in rows if r["Name"] == PACK), None)
    errors = int(total["Failure Count"])
    pack_p95 = float(pack["95%"]) if pack else float("nan")
    print()
    print(
        f"goal: 0 errors ({'met' if errors == 0 else f'NOT met: {errors}'}); "
        f"p95 <= {GOAL_P95_MS} ms for pack pages "
        f"({'met' if pack_p95 <= GOAL_P95_MS else 'NOT met'}: {pack_p95:.0f} ms)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
