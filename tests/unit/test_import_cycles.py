"""The circle check sees imports inside functions, which import-linter's layers do not."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "import_cycles.py"
_spec = importlib.util.spec_from_file_location("import_cycles", SCRIPT)
assert _spec is not None and _spec.loader is not None
import_cycles = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(import_cycles)


def test_a_circle_through_an_import_inside_a_function_is_found(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("from b import thing\n")
    (tmp_path / "b.py").write_text("def thing():\n    from a import other\n")
    (tmp_path / "c.py").write_text("import a\n")
    modules = {name: tmp_path / f"{name}.py" for name in ("a", "b", "c")}
    graph = {name: import_cycles.imported(name, path, modules) for name, path in modules.items()}

    assert graph == {"a": {"b"}, "b": {"a"}, "c": {"a"}}
    assert import_cycles.cycles(graph) == [["a", "b"]]


def test_a_graph_without_circles_reports_none() -> None:
    assert import_cycles.cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_the_project_has_no_import_circle() -> None:
    modules = import_cycles.project_modules()
    graph = {name: import_cycles.imported(name, path, modules) for name, path in modules.items()}
    assert import_cycles.cycles(graph) == []
