"""The test run must leave the git checkout as it found it: no test writes into the repository.

``tests/conftest.py`` takes a snapshot when the session starts and compares at its end; any
tracked file changed, or untracked file (not ignored) created, changed or deleted fails the run
with the list of paths. Outside a git checkout (no ``git``, no ``.git``) there is nothing to
compare and the check is off.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

# path -> (git's two status letters, digest of the file's bytes or "" when it is gone). The
# digest catches a test rewriting a file that was already modified before the run: its status
# line (" M path") would not change.
Snapshot = dict[str, tuple[str, str]]

_BEFORE = pytest.StashKey[Snapshot]()


def snapshot(root: Path) -> Snapshot | None:
    """The checkout's changed and untracked files, or None when ``root`` is not a git checkout."""
    git = shutil.which("git")
    if git is None or not (root / ".git").exists():
        return None
    result = subprocess.run(
        [git, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames"],
        cwd=root,
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        return None
    state: Snapshot = {}
    for entry in result.stdout.decode("utf-8", "surrogateescape").split("\0"):
        if entry:
            status, path = entry[:2], entry[3:]
            state[path] = (status, _digest(root / path))
    return state


def _digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return ""


def changes(before: Snapshot, after: Snapshot) -> list[str]:
    """One line per path whose state differs, e.g. `` M docs/screenshots/summary.png``."""
    lines = []
    for path in sorted(before.keys() | after.keys()):
        if before.get(path) != after.get(path):
            if path in after:
                lines.append(f"{after[path][0]} {path}")
            else:
                lines.append(f"   {path} (no longer listed: deleted, or restored as committed)")
    return lines


def record(session: pytest.Session) -> None:
    if hasattr(session.config, "workerinput"):  # a pytest-xdist worker: the controller checks
        return
    state = snapshot(session.config.rootpath)
    if state is not None:
        session.stash[_BEFORE] = state


def check(session: pytest.Session) -> None:
    """Fail the run (exit status 1) if the checkout changed since ``record``."""
    before = session.stash.get(_BEFORE, None)
    if before is None:
        return
    after = snapshot(session.config.rootpath)
    if after is None:
        return
    changed = changes(before, after)
    if not changed:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    message = [
        "The test run changed the git checkout (tests must write into tmp_path, never into "
        "the repository; ignored paths are allowed, see .gitignore):",
        *(f"    {line}" for line in changed),
        "If you edited these files yourself while the tests ran, run the tests again.",
    ]
    if reporter is not None:
        reporter.ensure_newline()
        reporter.write_sep("=", "checkout changed by the tests", red=True, bold=True)
        for line in message:
            reporter.write_line(line, red=True)
    else:
        print("\n".join(message))
    if session.exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
