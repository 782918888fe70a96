"""Issue 10's acceptance check on a fresh database: five years of a comparator borough's figures
imported, then ``recompute --from 2016-12`` compared row by row with a full recompute.

    .venv/bin/python bench/compare_recompute.py                    # SQLite (in memory)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/csp_compare \
        .venv/bin/python bench/compare_recompute.py                # PostgreSQL

The database DATABASE_URL names is left alone: Django's test-database machinery creates a fresh
one beside it (``compare_<name>`` on PostgreSQL), migrates it, and drops it at the end. In it the
script loads the demo, imports Barnet's residents and 60 months (January 2012 to December 2016)
of its monthly counts through the import services (tests/recompute_comparison.py says how the
figures are made), lets the queued recomputes run as a worker would, and then dumps every
derived row (every column of ``DerivedMetric`` but its id and time stamp: figures, ratings, SPC
limits, signals and icons, missing months) and every rank after the import, after ``recompute
--from 2016-12`` and after a full ``recompute``. It prints how many rows it compared and how
many differ, and exits 1 if any does.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    os.environ.setdefault("DEBUG", "true")
    os.environ["DJANGO_SETTINGS_MODULE"] = "csp.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    from submissions.demo import demo_load
    from tests.recompute_comparison import recompute_from_against_full

    logging.getLogger("celery").setLevel(logging.WARNING)  # one line per queued recompute
    db = connection.settings_dict
    if connection.vendor == "postgresql":  # not test_<name>: a test run may be using that one
        db["TEST"] = {**db.get("TEST", {}), "NAME": f"compare_{db['NAME']}"}
    print(f"Database: a fresh {connection.vendor} one beside {db['NAME']}")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        demo_load(password=settings.DEMO_PASSWORD)
        outcome = recompute_from_against_full(now=dt.datetime.now(dt.UTC))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    for line in outcome.lines():
        print(line)
    differences = sum(c.differences for c in (*outcome.after_import, *outcome.after_from))
    print(f"differences: {differences}")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
