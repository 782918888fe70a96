"""Refresh the README's screenshots: ``./scripts/screenshots``.

Or ``python -m tests.functional.screenshots [--port N] [--out DIR]``.

The demo is loaded into a throwaway SQLite database, served on a loopback port by Django's own
live-server thread, and Debian's Chromium signs in as the board member, like the browser test.
This is the one program that writes ``docs/screenshots/``: tests never write into the checkout.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "screenshots"
DEC = "/packs/E09000002/2016-12/"
VIEWPORT = {"width": 1400, "height": 1000}


def sign_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def take(page, out: Path) -> list[Path]:
    """The call-over summary and the TNO page, as the board member sees them after signing in."""
    out.mkdir(parents=True, exist_ok=True)
    summary, indicator = out / "summary.png", out / "indicator-tno.png"
    page.wait_for_url(f"**{DEC}")
    page.set_viewport_size(VIEWPORT)
    page.screenshot(path=str(summary), full_page=False)
    page.get_by_role("link", name="Total Notifiable Offences (TNO's)").click()
    page.wait_for_selector("canvas#chart-year[data-drawn='true']")
    page.screenshot(path=str(indicator), full_page=False)
    return [summary, indicator]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="loopback port (default: any free)")
    parser.add_argument("--out", type=Path, default=OUT, help=f"folder (default: {OUT})")
    args = parser.parse_args(argv)

    # Set before Django reads its settings: a database of our own, never the project's
    # db.sqlite3 or a DATABASE_URL from the shell, and in-process tasks (the pack's PDF is not
    # needed, but the demo's recompute is).
    workdir = tempfile.TemporaryDirectory(prefix="csp-screenshots-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "csp.settings_test"
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(workdir.name) / 'screenshots.sqlite3'}"
    os.environ["CSP_TEST_MEDIA_ROOT"] = str(Path(workdir.name) / "media")
    for name in ("CELERY_BROKER_URL", "CACHE_URL"):
        os.environ.pop(name, None)
    # Playwright's sync API runs an event loop in this thread; Django must still allow the ORM.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    from tests.functional.conftest import ARGS, CHROMIUM

    if not os.path.exists(CHROMIUM):
        print(f"Chromium is not at {CHROMIUM}: apt-get install -y chromium", file=sys.stderr)
        return 1

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.management import call_command
    from django.test.testcases import LiveServerThread
    from playwright.sync_api import sync_playwright

    from submissions.demo import demo_load

    with workdir:
        print("Loading the demo into a throwaway database ...")
        call_command("migrate", verbosity=0, interactive=False)
        demo_load(password=settings.DEMO_PASSWORD)

        server = LiveServerThread("127.0.0.1", StaticFilesHandler, port=args.port)
        server.daemon = True
        server.start()
        server.is_ready.wait()
        if server.error:
            raise server.error
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                context = browser.new_context(base_url=f"http://127.0.0.1:{server.port}")
                page = context.new_page()
                page.set_default_timeout(15_000)
                sign_in(page, "board", settings.DEMO_PASSWORD)
                written = take(page, args.out)
                browser.close()
        finally:
            server.terminate()
    for path in written:
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
