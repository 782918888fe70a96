"""The production stack, once per module, and the figures the fault tests measure.

The figures (recovery times) are printed in pytest's terminal summary, so they show without
``-s``, and written to ``figures.txt`` in the stack's temporary folder.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import pytest

from tests.production.stack import Stack

_FIGURES = pytest.StashKey[list[str]]()

# Short enough that a sweep follows the broker's return within seconds (production: 300).
SWEEP_SECONDS = 5
# A full recompute's chunk nobody has touched for this long is sent again (production: 120).
RESEND_SECONDS = 10


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """gunicorn (3 workers), a Celery worker and beat, Redis and PostgreSQL, on loopback."""
    workdir = tmp_path_factory.mktemp("production-stack")
    running = Stack(
        database_url=os.environ["DATABASE_URL"],
        workdir=workdir,
        sweep_seconds=SWEEP_SECONDS,
        env={"RECOMPUTE_CHUNK_RESEND_SECONDS": str(RESEND_SECONDS)},
    )
    try:
        # Enough figures beside the demo's that a full recompute runs for several seconds.
        running.start(synthetic_areas=60)
        yield running
    finally:
        running.close(keep_workdir=True)  # pytest's tmp folder keeps the logs for a post-mortem
        left = running.leftovers()
        assert not left, f"processes of the stack outlived it: {left}"


@pytest.fixture
def record_figure(request: pytest.FixtureRequest, stack: Stack) -> Callable[[str], None]:
    figures = request.config.stash.setdefault(_FIGURES, [])

    def record(line: str) -> None:
        figures.append(line)
        with open(stack.workdir / "figures.txt", "a") as f:
            f.write(line + "\n")

    return record


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    figures = config.stash.get(_FIGURES, [])
    if figures:
        terminalreporter.section("production stack: measured")
        for line in figures:
            terminalreporter.write_line(line)
