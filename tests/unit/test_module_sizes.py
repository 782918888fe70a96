"""No module over 400 lines outside migrations and the demo data (issue 10): a longer one is split
by subject, its shared helpers moved to a small module beside it."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = ("csp", "indicators", "submissions", "tests", "scripts", "bench")
LIMIT = 400


def too_long(root: Path, limit: int = LIMIT) -> list[str]:
    """``path: N lines`` for each Python module under the checked folders longer than ``limit``,
    migrations and the demo data aside."""
    found = []
    for folder in FOLDERS:
        for path in sorted((root / folder).rglob("*.py")):
            relative = path.relative_to(root)
            if "migrations" in relative.parts or relative.is_relative_to("submissions/demo/data"):
                continue
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > limit:
                found.append(f"{relative.as_posix()}: {lines} lines")
    return found


def test_no_module_is_over_400_lines() -> None:
    found = too_long(ROOT)
    assert not found, f"over {LIMIT} lines (split them by subject): " + ", ".join(found)


def test_the_check_names_a_long_module_and_skips_migrations_and_the_demo_data(
    tmp_path: Path,
) -> None:
    def module(relative: str, lines: int) -> None:
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n" * lines, encoding="utf-8")

    module("csp/at_the_limit.py", 400)
    module("tests/unit/test_long.py", 401)
    module("bench/deep/long.py", 500)
    module("indicators/migrations/0001_initial.py", 900)
    module("submissions/demo/data/figures.py", 900)
    module("docs/not_checked.py", 900)
    assert too_long(tmp_path) == [
        "tests/unit/test_long.py: 401 lines",
        "bench/deep/long.py: 500 lines",
    ]
