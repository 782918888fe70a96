"""Where the board's call-over page spends its time: cProfile over the whole request.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/csp_bench CACHE_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/pack_profile.py [--requests 300] [--path /packs/E09000002/2016-12/]

In one process, with the production settings (DEBUG off, the Redis cache, cached_db sessions),
on a database with the demo loaded (``bench/pack_load.py`` leaves one if given DATABASE_URL).
Signs the board member in, warms the caches, then runs the page and /healthz through the
whole middleware stack (Django's test client, no network) under cProfile. Prints the time per
request of each, the queries per request, the share of the page's time in each part (session,
authentication and permissions, the header, the pack's selectors, the body, template
rendering) and the functions that take most. Loopback only; bounded by --requests.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# (label, substring of "file:function" of a frame): a request's time is shared by the first
# matching part of the call stack, top down, as cProfile's cumulative times allow.
PARTS = [
    ("whole request (handler)", "django/core/handlers/base.py:get_response"),
    ("session load (cached_db over Redis)", "sessions/backends/cached_db.py:load"),
    ("session save", "sessions/backends/cached_db.py:save"),
    ("user from session (auth.get_user)", "django/contrib/auth/__init__.py:get_user"),
    ("view: summary", "submissions/packs/views.py:summary"),
    ("  versions + permission (_versions)", "submissions/packs/views.py:_versions"),
    ("  summary body rendered (cache miss)", "submissions/packs/views.py:_summary_body"),
    ("  cache reads (any)", "django/core/cache/backends/redis.py:get"),
    ("  page template render", "django/template/backends/django.py:render"),
    ("    header: navigation context", "csp/context_processors.py:navigation"),
    ("database queries", "django/db/backends/utils.py:execute"),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--path", default="/packs/E09000002/2016-12/")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL") or not os.environ.get("CACHE_URL"):
        raise SystemExit("Set DATABASE_URL (demo loaded) and CACHE_URL (Redis).")
    os.environ.update(
        {
            "DEBUG": "false",
            "SECRET_KEY": "bench-" + "x" * 40,
            "ALLOWED_HOSTS": "testserver",
            "LOG_LEVEL": "WARNING",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "DJANGO_SETTINGS_MODULE": "csp.settings",
        }
    )
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    board = get_user_model().objects.filter(username="board").first()
    if board is None:
        raise SystemExit("No user 'board': load the demo first (manage.py load_demo).")
    client = Client()
    client.force_login(board)  # a real session in the configured engine (sign-in itself is slow)
    for _ in range(5):
        assert client.get(args.path).status_code == 200
        client.get("/healthz")
    with CaptureQueriesContext(connection) as queries:
        client.get(args.path)
    per_request = len(queries)

    results = {}
    for label, path in (("page", args.path), ("trivial", "/healthz")):
        # CPU time of this process: on a shared machine, wall time is mostly waiting for a core.
        profile = cProfile.Profile(time.process_time)
        started = time.process_time()
        profile.enable()
        for _ in range(args.requests):
            client.get(path)
        profile.disable()
        results[label] = (time.process_time() - started) / args.requests, profile
    page_seconds, profile = results["page"]
    trivial_seconds = results["trivial"][0]
    stats = pstats.Stats(profile)
    print(f"{args.path}: {page_seconds * 1000:.2f} ms CPU a request ({per_request} queries)")
    print(f"/healthz: {trivial_seconds * 1000:.2f} ms CPU a request")
    print(f"ratio page/trivial (CPU of this process only: {trivial_seconds / page_seconds:.1%}")
    print()
    print("CPU time per page request (indented parts are inside the one above)")
    cumulative: dict[str, float] = {}
    for (filename, _line, function), row in stats.stats.items():  # type: ignore[attr-defined]
        name = f"{filename}:{function}"
        for label, needle in PARTS:
            if name.endswith(needle):
                # the outermost of same-named functions (a backend calling its client)
                cumulative[label] = max(cumulative.get(label, 0.0), row[3] / args.requests)
    for label, _needle in PARTS:
        seconds = cumulative.get(label, 0.0)
        print(f"  {label:40} {seconds * 1000:7.3f} ms  {seconds / page_seconds:6.1%}")
    print()
    stats.sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
