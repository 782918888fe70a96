"""Benchmark a 40,000-row month-values import (and the recompute it queues), same machine.

    .venv/bin/python bench/import_load.py [--rows 40000]

Uses DATABASE_URL if set (e.g. PostgreSQL), else a temporary SQLite file: migrates, loads the
demo, writes a CSV of monthly counts for the 31 other MPS boroughs, then times the import (parse,
check, store with history) and, separately, the recompute it queues.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=40_000)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="csp-import-bench-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ.setdefault("DEBUG", "true")
    os.environ["DJANGO_SETTINGS_MODULE"] = "csp.settings"
    os.environ.pop("CELERY_BROKER_URL", None)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from csp.models import Area
    from indicators.engine.periods import add_months
    from indicators.models import RecomputeRequest
    from indicators.services import metrics_recompute
    from submissions.demo import demo_load
    from submissions.imports.month_values import month_values_import

    if connection.vendor == "postgresql":
        raise SystemExit("point DATABASE_URL at an empty scratch database, or leave it unset")
    call_command("migrate", verbosity=0)
    demo_load(password="bench")
    rng = random.Random(1)
    areas = [a.code for a in Area.objects.exclude(code="E09000002").order_by("code")]
    codes = [
        "tno",
        "violence-with-injury",
        "robbery",
        "personal-robbery",
        "burglary",
        "criminal-damage",
        "theft-from-person",
        "theft-from-motor-vehicle",
        "theft-of-motor-vehicle",
        "sexual-offences",
        "knife-crime",
    ]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["area", "indicator", "month", "value"])
    n = 0
    month = 0
    while n < args.rows:
        m = add_months(dt.date(2005, 4, 1), month)
        for area in areas:
            for code in codes:
                if n < args.rows:
                    writer.writerow([area, code, m.strftime("%Y-%m"), rng.randint(5, 2000)])
                    n += 1
        month += 1
    content = out.getvalue().encode()
    from django.db import transaction

    started = time.perf_counter()
    with transaction.atomic():  # on-commit recompute deferred: timed separately below
        report = month_values_import(
            content=content, filename="bench.csv", user=None, now=timezone.now()
        )
        requests = RecomputeRequest.objects.count()
        transaction.set_rollback(False)
    imported = time.perf_counter() - started
    started = time.perf_counter()
    recompute = metrics_recompute(now=timezone.now())
    recomputed = time.perf_counter() - started
    print(f"{report.summary()}")
    print(
        f"import of {args.rows:,} rows: {imported:.1f} s ({connection.vendor}); "
        f"recompute requests queued: {requests}"
    )
    print(f"the recompute it queues: {recomputed:.1f} s ({recompute.summary()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
