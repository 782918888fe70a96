"""The check in tests/conftest.py fails a run that writes into the git checkout.

Each case runs pytest in a throwaway git repository whose conftest uses the same check, so the
project's own checkout is never touched.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GIT = shutil.which("git")

CONFTEST = """
from tests import clean_tree

def pytest_sessionstart(session):
    clean_tree.record(session)

def pytest_sessionfinish(session):
    clean_tree.check(session)
"""


def git(repo: Path, *args: str) -> None:
    subprocess.run([GIT, *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A committed repository: a tracked file, an ignored folder, a pytest.ini and our conftest."""
    if GIT is None:
        pytest.skip("git is not installed")
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "conftest.py").write_text(CONFTEST)
    (tmp_path / ".gitignore").write_text("ignored/\n__pycache__/\n")
    (tmp_path / "tracked.txt").write_text("as committed\n")
    git(tmp_path, "init", "--quiet")
    git(tmp_path, "add", "-A")
    git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", "0")
    return tmp_path


def run_pytest(repo: Path, body: str) -> subprocess.CompletedProcess[str]:
    """Commit a one-test file whose test runs ``body``, then run pytest in ``repo``."""
    (repo / "test_writes.py").write_text(
        f"from pathlib import Path\n\ndef test_writes():\n    {body}\n"
    )
    if (repo / ".git").exists():  # the test file itself is not a change made by the run
        git(repo, "add", "test_writes.py")
        git(repo, "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", "1")
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = str(ROOT)  # for `from tests import clean_tree`
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:django", "-p", "no:cacheprovider", "-q"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ("Path('tracked.txt').write_text('rewritten')", " M tracked.txt"),
        ("Path('new.png').write_bytes(b'x')", "?? new.png"),
        ("Path('docs').mkdir(); Path('docs/shot.png').write_bytes(b'x')", "?? docs/shot.png"),
        ("Path('tracked.txt').unlink()", " D tracked.txt"),
    ],
)
def test_a_test_that_writes_into_the_checkout_fails_the_run(
    repo: Path, body: str, path: str
) -> None:
    result = run_pytest(repo, body)
    assert "1 passed" in result.stdout
    assert result.returncode == 1, result.stdout
    assert "checkout changed by the tests" in result.stdout
    assert f"    {path}\n" in result.stdout


def test_rewriting_a_file_that_was_already_modified_fails_the_run(repo: Path) -> None:
    (repo / "tracked.txt").write_text("my edit, not yet committed\n")
    result = run_pytest(repo, "Path('tracked.txt').write_text('rewritten by a test')")
    assert result.returncode == 1, result.stdout
    assert "     M tracked.txt\n" in result.stdout


def test_writing_only_ignored_files_passes(repo: Path) -> None:
    result = run_pytest(repo, "Path('ignored').mkdir(); Path('ignored/db.sqlite3').write_text('x')")
    assert result.returncode == 0, result.stdout
    assert "checkout changed" not in result.stdout


def test_outside_a_git_checkout_the_check_is_off(repo: Path) -> None:
    shutil.rmtree(repo / ".git")
    result = run_pytest(repo, "Path('tracked.txt').write_text('rewritten')")
    assert result.returncode == 0, result.stdout
    assert "checkout changed" not in result.stdout
