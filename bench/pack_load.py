"""Benchmark the board's call-over page under load, against a trivial view on the same server.

    .venv/bin/python bench/pack_load.py [--seconds 10] [--connections 8] [--workers 2]

Creates a fresh SQLite demo database in a temporary folder (or uses DATABASE_URL), starts
gunicorn on 127.0.0.1 only with the production settings (the shared cache on the local Redis,
CACHE_URL, default redis://127.0.0.1:6379/0; plain HTTP on loopback, so no HTTPS redirect and
no Secure-only cookies), signs in as the board member, then:
1. server time of the summary page (median of 50 sequential requests);
2. throughput with wrk (Debian's `wrk`) on the summary page and on /healthz, in the same run,
   alternated in --rounds short runs;
and prints the ratio summary/trivial. Loopback only; every loop is bounded in time.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "csp-demo-2016"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wrk(url: str, cookie: str, seconds: int, connections: int, *headers: str) -> float:
    """Requests per second of ``url`` (every response must be a 2xx or 3xx)."""
    extra = [arg for header in headers for arg in ("-H", header)]
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "-H", f"Cookie: {cookie}", *extra, url],
        capture_output=True,
        text=True,
        timeout=seconds + 30,
        check=True,
    ).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        raise SystemExit(f"{url}: {non2xx.group(1)} error responses under load:\n{out}")
    return float(match.group(1)) if match else 0.0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=5, help="alternations of the two")
    parser.add_argument("--port", type=int, default=0, help="default: a free one")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install -y wrk")

    workdir = Path(tempfile.mkdtemp(prefix="csp-bench-"))
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    env.setdefault("CACHE_URL", "redis://127.0.0.1:6379/0")
    env.update(
        {
            "DEBUG": "false",
            "SECRET_KEY": "bench-" + "x" * 40,
            "ALLOWED_HOSTS": "127.0.0.1",
            "DEMO_PASSWORD": PASSWORD,
            "DJANGO_SETTINGS_MODULE": "csp.settings",
            "LOG_LEVEL": "WARNING",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
        }
    )
    env.pop("CELERY_BROKER_URL", None)
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [python, "manage.py", "load_demo"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    port = args.port or free_port()
    server = subprocess.Popen(
        [
            python,
            "-m",
            "gunicorn",
            "csp.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.3)
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        opener.open(base + "/accounts/login/")
        token = next(c.value for c in jar if c.name == "csrftoken")
        opener.open(
            urllib.request.Request(
                base + "/accounts/login/",
                data=urllib.parse.urlencode(
                    {"username": "board", "password": PASSWORD, "csrfmiddlewaretoken": token}
                ).encode(),
                headers={"Referer": base + "/accounts/login/"},
            )
        )
        cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
        summary = base + "/packs/E09000002/2016-12/"
        times = []
        for _ in range(50):
            started = time.perf_counter()
            with opener.open(summary) as response:
                assert response.status == 200 and b"Call over" in response.read()
            times.append(time.perf_counter() - started)
        # Alternated in short rounds, so a change in the shared machine's load between the two
        # measurements weighs on both alike.
        trivial_all, summary_all = [], []
        for _ in range(args.rounds):
            seconds = max(1, args.seconds // args.rounds)
            trivial_all.append(wrk(base + "/healthz", cookie, seconds, args.connections))
            summary_all.append(wrk(summary, cookie, seconds, args.connections))
        trivial_rps, summary_rps = statistics.mean(trivial_all), statistics.mean(summary_all)
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)
    print(
        f"summary page, 34 indicators: median {statistics.median(times) * 1000:.1f} ms "
        f"(50 sequential requests, gunicorn {args.workers} workers)"
    )
    print(f"throughput /healthz:   {trivial_rps:8.1f} requests/s")
    print(f"throughput summary:    {summary_rps:8.1f} requests/s")
    print(f"ratio summary/trivial: {summary_rps / trivial_rps:8.2%}")
    print(
        "ratio per round: "
        + ", ".join(f"{s / t:.1%}" for s, t in zip(summary_all, trivial_all, strict=True))
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
