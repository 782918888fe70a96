"""Time the PDF of the demo's December 2016 pack (34 indicators): the target is 10 seconds.

    .venv/bin/python bench/pdf.py [--runs 3] [--keep]

Creates a fresh SQLite demo database in a temporary folder (or uses DATABASE_URL; the demo is
loaded if it is not there), then renders version 1 of the December 2016 pack's PDF ``--runs``
times through the task's own service (``pack_pdf_render``: snapshot, layout, every page fitted,
the PDF written and stored) and prints, for each run, the wall-clock time, the CPU time of this
process (what the render costs on an idle core: the machines are shared), the number of
pages and the layout passes. Nothing else runs in the process; the temporary folder is removed
unless ``--keep``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 10.0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the temporary database")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="csp-bench-pdf-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csp.settings")
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    try:
        return _bench(args.runs)
    finally:
        if args.keep:
            print(f"Database kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def _bench(runs: int) -> int:
    import logging

    import django

    django.setup()
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    from django.core.management import call_command
    from django.utils import timezone

    from submissions.models import PackPdf, PackVersion
    from submissions.packs import pdf as pdf_module
    from submissions.packs.schema import snapshot_read

    call_command("migrate", verbosity=0, interactive=False)
    if not PackVersion.objects.filter(round__month="2016-12-01", number=1).exists():
        print("Loading the demo (once)...", flush=True)
        call_command("load_demo", verbosity=0)
    version = PackVersion.objects.get(round__month="2016-12-01", number=1)
    passes: list[int] = []
    real_lay_out = pdf_module._lay_out

    def counted(*a, **kw):  # count the layout passes (one, unless a page had to be refitted)
        passes[-1] += 1
        return real_lay_out(*a, **kw)

    pdf_module._lay_out = counted
    walls, cpus = [], []
    for run in range(1, runs + 1):
        PackPdf.objects.filter(version=version).delete()
        now = timezone.now()
        record = PackPdf.objects.create(version=version, requested_at=now, queued_at=now)
        passes.append(0)
        wall, cpu = time.perf_counter(), time.process_time()
        outcome = pdf_module.pack_pdf_render(pdf_id=record.pk, now=now)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        record.refresh_from_db()
        if record.status != "done":
            print(f"run {run}: the PDF failed: {outcome}")
            return 1
        walls.append(wall)
        cpus.append(cpu)
        print(
            f"run {run}: {wall:.2f} s wall, {cpu:.2f} s CPU, {record.pages} pages, "
            f"{passes[-1]} layout pass(es), {len(bytes(record.content or b'')):,} bytes",
            flush=True,
        )
    indicators = len(snapshot_read(version.snapshot, version.schema_version).indicators)
    print(
        f"December 2016 pack PDF ({indicators} indicators): median "
        f"{statistics.median(walls):.2f} s wall, {statistics.median(cpus):.2f} s CPU "
        f"(target {TARGET_SECONDS:.0f} s)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
