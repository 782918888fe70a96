"""What the demo loader's modules share: where the data is, its errors, the report and the load's
memory of what it made."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

import yaml
from django.db import models

M = TypeVar("M", bound=models.Model)

DEMO_DIR = Path(__file__).resolve().parent / "data"


DEMO_FY = 2016


SATISFIED_CATEGORIES = {"very-satisfied", "fairly-satisfied"}


TOTAL_CATEGORIES = {"all"}


class DemoDataError(ValueError):
    """The demo data files are malformed; the message names the file and the problem."""


@dataclass
class LoadReport:
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: Counter[str] = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(sum(self.created.values()) or sum(self.updated.values()))

    def lines(self) -> list[str]:
        names = sorted(set(self.created) | set(self.updated) | set(self.unchanged))
        return [
            f"{name}: {self.created[name]} created, {self.updated[name]} updated, "
            f"{self.unchanged[name]} unchanged"
            for name in names
        ]


class Loader:
    def __init__(self, report: LoadReport) -> None:
        self.report = report

    def sync(self, model: type[M], lookup: dict[str, object], values: dict[str, object]) -> M:
        """Create the row if it is missing; leave an existing row exactly as it is."""
        name = str(model._meta.verbose_name_plural)
        obj = model._default_manager.filter(**lookup).first()
        if obj is None:
            obj = model._default_manager.create(**lookup, **values)
            self.report.created[name] += 1
            return obj
        # Create-only: a row that exists is never overwritten, so re-running the loader (as
        # ./scripts/demo does on every start) keeps every figure, edit and workflow state.
        self.report.unchanged[name] += 1
        return obj


def month_of(text: str) -> dt.date:
    try:
        return dt.datetime.strptime(str(text), "%Y-%m").date()
    except ValueError:
        raise DemoDataError(f"{text!r} is not a month (YYYY-MM)") from None


def decimal_of(value: object) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.0001"))


def yaml_read(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise DemoDataError(f"{path.name}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise DemoDataError(f"{path.name}: expected a mapping at the top level")
    return data
