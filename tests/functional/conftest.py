"""Browser fixtures: Playwright driving Debian's Chromium (never a downloaded browser)."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Playwright's sync API runs an event loop in the test thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Every page reports what its Content-Security-Policy blocked. Init scripts are injected by the
# browser itself, so the policy does not block this one.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`
    + ` at ${e.sourceFile || document.location.href}:${e.lineNumber}`);
});
"""


def csp_violations(messages: list[str]) -> list[str]:
    """Console lines that are CSP reports: ours, and Chromium's own "Refused to ..." lines."""
    return [m for m in messages if m.startswith("CSP violation") or "Content Security Policy" in m]


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("Chromium is not installed: .ci/run installs the chromium package")
        pytest.skip("Chromium is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """A factory of fresh pages (one per person), closed after the test.

    The test fails if any page reported a Content-Security-Policy violation: the pages must
    work with no inline script or style.
    """
    contexts = []
    console: list[str] = []

    def make():
        context = browser.new_context(base_url=live_server.url)
        contexts.append(context)
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        page = context.new_page()
        page.on("console", lambda message: console.append(message.text))
        page.set_default_timeout(15_000)
        return page

    make.console = console
    yield make
    for context in contexts:
        context.close()
    violations = csp_violations(console)
    if violations and not getattr(make, "expect_csp_violations", False):
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(violations))
