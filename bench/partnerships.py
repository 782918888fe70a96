"""Issue 11's scale check: 33 partnerships x 40 adopted indicators x 10 years of month values.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/csp_scale \
        .venv/bin/python bench/partnerships.py                       # the full size
    .venv/bin/python bench/partnerships.py --partnerships 3 --indicators 5 --years 2   # a look

The database DATABASE_URL names is left alone: Django's test-database machinery creates a fresh
one beside it (``partnerships_<name>`` on PostgreSQL, in memory on SQLite), migrates it, and
drops it at the end. In it the script builds the region (``bench/region_data.py``: areas,
residents, one comparator group, partnerships with three agencies, a coordinator and a board
member each, the catalogue, every adoption with targets, the month values by COPY on
PostgreSQL), recomputes the derived figures, and measures against the issue's goals:

(a) the round for the month just ended opened for every partnership on the 1st, by the service
    beat runs (``rounds_open_next``), in seconds;
(b) a published pack page of one partnership (its summary, and one indicator's page), in queries
    (the rendered-table cache cleared first, so the page is built from the stored snapshot);
(c) the regional comparison page, in queries and server milliseconds, on a cold cache (emptied
    first, as after a restart: the median of five requests) and on a warm one.

It prints the figures as a table with their ratios to the goals (under 1 is inside the goal) and
exits 1 if a goal is missed. ``tests/integration/test_bench_partnerships.py`` runs the same code
at a tiny size so it cannot rot.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import random
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.region_data import Built, Scale, add_months, build  # noqa: E402

# The regional comparison page (issue 11 item 3): its URL name and the keyword arguments it is
# reversed with, and the models of a region and its reader. Without the page (an older
# checkout), reverse() fails and (c) is skipped with a message.
REGION_URL_NAME = "packs:region"
REGION_MODEL, READER_MODEL = "csp.Region", "csp.RegionalReader"
COLD_SAMPLES = 5  # the machine is shared and noisy: the median of these


def region_url_kwargs(region_code: str, code: str, month: dt.date) -> dict[str, str]:
    return {"region": region_code, "code": code, "month": f"{month:%Y-%m}"}


@dataclass
class Figure:
    what: str
    value: float | None  # None: not measured
    goal: float | None
    unit: str
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.goal:
            return None
        return self.value / self.goal

    @property
    def missed(self) -> bool:
        return self.goal is not None and self.value is not None and self.value > self.goal


@dataclass
class Outcome:
    figures: list[Figure] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)  # what was built, and how long it took

    def figure(self, what: str) -> Figure:
        return next(f for f in self.figures if f.what == what)

    def table(self) -> list[str]:
        rows = [f"{'measure':<46} {'value':>10} {'goal':>8} {'ratio':>7}  note"]
        width = 46
        for f in self.figures:
            value = "-" if f.value is None else f"{f.value:.2f}".rstrip("0").rstrip(".")
            goal = "-" if f.goal is None else f"{f.goal:g}"
            ratio = "-" if f.ratio is None else f"{f.ratio:.3f}"
            mark = "  MISSED" if f.missed else ""
            rows.append(
                f"{f.what + ' (' + f.unit + ')':<{width}} {value:>10} {goal:>8} {ratio:>7}"
                f"  {f.note}{mark}"
            )
        return rows


def _timed(outcome: Outcome, label: str, call):
    started = time.perf_counter()
    result = call()
    outcome.lines.append(f"{label}: {time.perf_counter() - started:.1f} s")
    return result


def measure_rounds(outcome: Outcome, built: Built) -> None:
    """(a) What beat runs on the 1st: each partnership's round for the month just ended."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from submissions.cycle.services import rounds_open_next

    today = add_months(built.last_month, 1)
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        opened = rounds_open_next(today=today)
        seconds = time.perf_counter() - started
    again = rounds_open_next(today=today)  # idempotent: nothing the second time
    ours = [r for r in opened if r.partnership.area_id in set(built.area_ids)]
    outcome.figures.append(
        Figure(
            "rounds opened on the 1st",
            seconds,
            10,
            "s",
            f"{len(ours)} rounds, {len(queries)} queries; again: {len(again)} opened",
        )
    )


def publish(outcome: Outcome, built: Built, area_ids: list[int], what: str) -> None:
    """The partnerships' rounds, every item approved, each published as version 1."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from submissions.models import ReportingRound, Submission
    from submissions.packs.publish import round_publish

    user = get_user_model().objects.get(username=built.coordinator)
    rounds = ReportingRound.objects.filter(
        partnership__area_id__in=area_ids, month=built.last_month
    )
    Submission.objects.filter(round__in=rounds).update(status="approved")

    def publish_all() -> None:
        for round_ in rounds:
            round_publish(round_id=round_.pk, user=user, change_note="", now=timezone.now())

    _timed(outcome, f"publishing {what}", publish_all)


def _page(client, url: str, cold: bool = True) -> tuple[int, int, float]:
    """The response's status, its queries and its server time in ms (the cache cleared, unless
    ``cold`` is false: then what an earlier request cached is used)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # the session and the user, as a reader arriving from another page
    if cold:
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url)
        ms = (time.perf_counter() - started) * 1000
    return response.status_code, len(queries), ms


def _client(username: str):
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def measure_pack(outcome: Outcome, built: Built) -> None:
    """(b) The published pack's summary page and one indicator's page, as its board reads them."""
    client = _client(built.board_member)
    base = f"/packs/{built.area_codes[0]}/{built.last_month:%Y-%m}/"
    for what, url in (
        ("pack summary page", base),
        ("pack indicator page", f"{base}{built.indicator_codes[-1]}/"),
    ):
        status, queries, ms = _page(client, url)
        if status != 200:
            raise RuntimeError(f"{url} answered {status}")
        outcome.figures.append(Figure(what, queries, 10, "queries", f"{ms:.0f} ms"))


def measure_region(outcome: Outcome, built: Built) -> None:
    """(c) The regional comparison page, as the region's reader reads it, once every partnership
    has published its pack: on a cold cache (emptied before each of ``COLD_SAMPLES`` requests,
    as after a restart; the median time), then on the cache that request filled."""
    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.urls import NoReverseMatch, reverse

    from csp.models import ComparatorGroup

    region_code = built.group_code
    kwargs = region_url_kwargs(region_code, built.indicator_codes[0], built.last_month)
    try:
        url = reverse(REGION_URL_NAME, kwargs=kwargs)
    except NoReverseMatch:
        note = f"skipped: no URL {REGION_URL_NAME!r} (the page is not on this branch yet)"
        outcome.figures.append(Figure("regional comparison, cold cache", None, 15, "queries", note))
        outcome.figures.append(Figure("regional comparison, cold cache", None, 200, "ms", note))
        return
    publish(outcome, built, built.area_ids[1:], "every other partnership's pack")
    group = ComparatorGroup.objects.get(code=built.group_code)
    region = apps.get_model(REGION_MODEL).objects.create(
        code=region_code, name=group.name, group=group
    )
    reader = get_user_model().objects.create_user(username=f"{region_code}-reader", password=None)
    apps.get_model(READER_MODEL).objects.create(user=reader, region=region)
    client = _client(reader.username)
    cold = [_page(client, url) for _ in range(COLD_SAMPLES)]
    if any(status != 200 for status, _, _ in cold):
        raise RuntimeError(f"{url} answered {[status for status, _, _ in cold]}")
    queries = max(q for _, q, _ in cold)
    times = sorted(ms for _, _, ms in cold)
    spread = f"median of {COLD_SAMPLES} (min {times[0]:.0f}, max {times[-1]:.0f})"
    outcome.figures.append(Figure("regional comparison, cold cache", queries, 15, "queries", url))
    outcome.figures.append(
        Figure("regional comparison, cold cache", statistics.median(times), 200, "ms", spread)
    )
    status, queries, ms = _page(client, url, cold=False)
    outcome.figures.append(Figure("regional comparison, warm cache", queries, 15, "queries"))
    outcome.figures.append(Figure("regional comparison, warm cache", ms, 200, "ms"))


def run(scale: Scale, seed: int = 2016) -> Outcome:
    """Build the data in the current database, then measure (a), (b) and (c)."""
    from django.db import connection
    from django.utils import timezone

    from indicators.services import metrics_recompute

    outcome = Outcome()
    values = scale.partnerships * scale.indicators * 12 * scale.years
    built = _timed(
        outcome,
        f"building {values:,} month values and the region",
        lambda: build(scale, random.Random(seed)),
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    _timed(
        outcome,
        "recomputing the derived figures",
        lambda: metrics_recompute(now=timezone.now(), area_ids=built.area_ids),
    )
    measure_rounds(outcome, built)
    publish(outcome, built, built.area_ids[:1], "the first partnership's pack")
    measure_pack(outcome, built)
    measure_region(outcome, built)
    return outcome


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--partnerships", type=int, default=Scale.partnerships)
    parser.add_argument("--indicators", type=int, default=Scale.indicators)
    parser.add_argument("--years", type=int, default=Scale.years)
    args = parser.parse_args()
    scale = Scale(args.partnerships, args.indicators, args.years)

    os.environ.setdefault("DEBUG", "true")
    os.environ["DJANGO_SETTINGS_MODULE"] = "csp.settings"
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    logging.getLogger("axes").setLevel(logging.WARNING)  # a line per login
    setup_test_environment()  # the test client's host, e-mail kept in memory
    db: dict[str, Any] = connection.settings_dict
    if connection.vendor == "postgresql":  # not test_<name>: a test run may be using that one
        db["TEST"] = {**db.get("TEST", {}), "NAME": f"partnerships_{db['NAME']}"}
    print(f"Database: a fresh {connection.vendor} one beside {db['NAME']}")
    print(
        f"Size: {scale.partnerships} partnerships x {scale.indicators} indicators "
        f"x {scale.years} years"
    )
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        outcome = run(scale)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    for line in outcome.lines:
        print(f"  {line}")
    print()
    for line in outcome.table():
        print(line)
    return 1 if any(f.missed for f in outcome.figures) else 0


if __name__ == "__main__":
    sys.exit(main())
