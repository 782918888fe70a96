"""The parts every surface list is built from: the ``Surface`` record, what must happen, and the
helpers that aim a path at a partnership's objects (``surfaces`` lists them)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from indicators.models import DerivedMetric, MonthValue
from submissions.models import PackVersion
from tests.isolation.cast import JAN, Side

REFUSED, ABSENT, OPEN = "refused", "absent", "open"


@dataclass(frozen=True)
class Surface:
    id: str
    url_name: str
    expect: str
    method: str
    path: Callable[[Side], str]
    data: dict | None = None
    own: bool = False  # aimed at the actor's own partnership: may open, never shows the other's
    body: Callable[[Side], dict] | None = None  # a body naming the target's objects

    def payload(self, side: Side) -> dict | None:
        return self.body(side) if self.body is not None else self.data


def _area(side: Side) -> str:
    return side.partnership.area.code


def _pack(side: Side, month, tail: str = "") -> str:
    return f"/packs/{_area(side)}/{month:%Y-%m}/{tail}"


def _approved_value(side: Side) -> int:
    return MonthValue.objects.get(
        area=side.partnership.area, indicator=side.approved.indicator, month=JAN
    ).pk


def _derived(side: Side) -> int:
    return DerivedMetric.objects.get(
        area=side.partnership.area, indicator=side.approved.indicator, month=JAN
    ).pk


def _published(side: Side) -> int:
    return PackVersion.objects.filter(round__partnership=side.partnership).latest("pk").pk


def _tno(side: Side) -> str:
    return side.draft.indicator.code


def _get(id: str, url_name: str, expect: str, path: Callable[[Side], str]) -> Surface:
    return Surface(id, url_name, expect, "get", path)


def _post(id: str, url_name: str, path: Callable[[Side], str], data: dict | None = None):
    return Surface(id, url_name, REFUSED, "post", path, data or {"reason": "x"})


SUB = "submissions:"
ADOPTION_CHANGE = {"owner": "", "portfolio": "1", "reason": "x"}
TARGET_SAVE = {"financial_year": "2016", "kind": "monitoring", "action": "save", "reason": "x"}


_SET = "/settings/"


def _adoption(side: Side, tail: str = "") -> str:
    return f"/settings/indicators/{side.draft.adoption_id}/{tail}"


def _agency(side: Side) -> str:
    return f"/settings/agencies/{side.draft.adoption.owner_id}/"


ACTION_CHANGE = {"text": "x", "owner": "agency:1", "due_date": "", "status": "done"}
