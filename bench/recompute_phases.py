"""Time the phases of a full recompute, before and after issue 14's work, on one data set.

    .venv/bin/python bench/recompute.py --areas 60 --database-url postgres://.../csp_bench
    .venv/bin/python bench/recompute_phases.py --database-url postgres://.../csp_bench

Reads a database ``bench/recompute.py`` built (its month values; nothing is kept), and times
in one process, a few indicators at a time:

1. compute: load and the engine into row tuples, the scalar engine against the vectorised one;
2. write: COPY of those rows into a temporary table, text (``write_row``) against binary
   (``bulk.bulk_insert``), checking that both tables hold the same rows;
3. ranks: ``rank_rows_reference`` (a month and group at a time) against ``rank_rows``
   (arrays), checking that they give the same rows, twice: with nothing released (the
   benchmark's data: every area is a partnership, none has published) and with every month
   but the last released as it stands (a partnership that publishes every month).

It prints each phase's seconds and the ratio before / after. Machines are shared and noisy:
compare the ratios, not the seconds.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/csp_bench")
    parser.add_argument("--chunk", type=int, default=5, help="indicators at a time")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DEBUG", "true")
    os.environ["DJANGO_SETTINGS_MODULE"] = "csp.settings"
    import django

    django.setup()
    from django.db import connection, transaction
    from django.utils import timezone

    from indicators.bulk import bulk_insert
    from indicators.recompute.compute import METRIC_COLUMNS, RecomputeReport, compute_rows
    from indicators.recompute.load import catalogue_load
    from indicators.recompute.ranks import (
        Released,
        group_members,
        rank_inputs,
        rank_rows,
        rank_rows_reference,
    )

    now = timezone.now()
    ids = sorted(catalogue_load(None).indicators)
    members, _areas, partners = group_members(None)
    took: dict[str, float] = defaultdict(float)
    counts: dict[str, int] = defaultdict(int)
    cols = ", ".join(METRIC_COLUMNS)

    def timed(name: str, call, *args, **kwargs):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        out = call(*args, **kwargs)
        took[name] += time.perf_counter() - started
        return out

    def text_copy(cursor, rows) -> None:  # type: ignore[no-untyped-def]
        with cursor.cursor.copy(f"COPY bench_text ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    for i in range(0, len(ids), args.chunk):
        chunk = ids[i : i + args.chunk]
        catalogue = catalogue_load(chunk)
        scope = (catalogue, None, None, now, RecomputeReport())
        scalar = timed("compute scalar", compute_rows, *scope, vectorised=False)
        rows, rates, _early = timed("compute vector", compute_rows, *scope)
        counts["rows"] += len(rows)
        counts["rows that differ"] += sum(a != b for a, b in zip(scalar[0], rows, strict=True))
        del scalar
        with transaction.atomic(), connection.cursor() as cursor:
            for table in ("bench_text", "bench_binary"):
                cursor.execute(
                    f"CREATE TEMP TABLE {table} ON COMMIT DROP AS "
                    f"SELECT {cols} FROM indicators_derivedmetric WITH NO DATA"
                )
            timed("write text", text_copy, cursor, rows)
            timed("write binary", bulk_insert, "bench_binary", METRIC_COLUMNS, rows)
            cursor.execute(
                "SELECT count(*) FROM ((TABLE bench_text EXCEPT ALL TABLE bench_binary) "
                "UNION ALL (TABLE bench_binary EXCEPT ALL TABLE bench_text)) AS d"
            )
            counts["written rows that differ"] += cursor.fetchone()[0]
        supplied_by, per_n = rank_inputs(chunk, None)
        last = max(m for _ind, m in rates)
        published = {k: {a: f for a, f in v.items() if a in partners}
                     for k, v in rates.items() if k[1] < last}  # fmt: skip
        for label, released in (("none released", {}), ("released but the last", published)):
            scenario = (rates, members, supplied_by, per_n, Released(partners, released))
            before = timed(f"ranks reference, {label}", rank_rows_reference, *scenario)
            after = timed(f"ranks arrays, {label}", rank_rows, *scenario)
            counts[f"ranks, {label}"] += len(after)
            counts["ranks that differ"] += len(set(before) ^ set(after))
    print(f"{len(ids)} indicators, {len(members)} groups, {len(partners)} partnerships")
    for name, count in counts.items():
        print(f"  {name:34} {count:12,}")
    pairs = [("compute scalar", "compute vector"), ("write text", "write binary")]
    pairs += [(f"ranks reference, {x}", f"ranks arrays, {x}")
              for x in ("none released", "released but the last")]  # fmt: skip
    for before, after in pairs:
        ratio = took[before] / took[after]
        print(f"{before:38} {took[before]:7.2f} s  -> {took[after]:7.2f} s  ratio {ratio:5.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
