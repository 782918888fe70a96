"""Load the demo partnership and its December 2016 pack from ``submissions/demo/data``.

``demo_load`` is idempotent: every row is looked up by its natural key and created only when it
is missing, so a second run changes nothing (no new rows, no new history entries) and never
overwrites what people have since entered or edited. It runs in one transaction: a bad data file
leaves the database as it was. To start the demo afresh, delete the database and run it again.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.utils import timezone

from csp.models import (
    Agency,
    Area,
    ComparatorGroup,
    GroupMembership,
    Partnership,
    Population,
    PopulationSeries,
    Role,
    RoleKind,
)
from indicators.models import (
    HistoryEntry,
    Indicator,
    IndicatorCategory,
    MonthValue,
    Portfolio,
    SuppliedBenchmark,
    Target,
    TargetKind,
)
from indicators.services import metrics_recompute
from submissions.models import (
    PackVersion,
    ReportingRound,
    RoundStatus,
    Submission,
    SubmissionStatus,
)

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


class _Loader:
    def __init__(self, report: LoadReport) -> None:
        self.report = report

    def sync(
        self, model: type[models.Model], lookup: dict[str, Any], values: dict[str, Any]
    ) -> Any:
        """Create the row if it is missing; leave an existing row exactly as it is."""
        name = model._meta.verbose_name_plural
        obj = model._default_manager.filter(**lookup).first()
        if obj is None:
            obj = model._default_manager.create(**lookup, **values)
            self.report.created[name] += 1
            return obj
        # Create-only: a row that exists is never overwritten, so re-running the loader (as
        # ./scripts/demo does on every start) keeps every figure, edit and workflow state.
        self.report.unchanged[name] += 1
        return obj


def _month(text: str) -> dt.date:
    try:
        return dt.datetime.strptime(str(text), "%Y-%m").date()
    except ValueError:
        raise DemoDataError(f"{text!r} is not a month (YYYY-MM)") from None


def _decimal(value: Any) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(Decimal("0.0001"))


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise DemoDataError(f"{path.name}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise DemoDataError(f"{path.name}: expected a mapping at the top level")
    return data


def demo_load(*, password: str, data_dir: Path = DEMO_DIR) -> LoadReport:
    """Create or bring up to date the demo partnership, catalogue, figures, users and rounds."""
    partnership_data = _read_yaml(data_dir / "partnership.yaml")
    pages = [_read_yaml(p) for p in sorted((data_dir / "indicators").glob("*.yaml"))]
    if not pages:
        raise DemoDataError(f"no indicator files in {data_dir / 'indicators'}")
    report = LoadReport()
    loader = _Loader(report)
    with transaction.atomic():
        partnership = _load_partnership(loader, partnership_data, password)
        for page in pages:
            _load_indicator(loader, page, partnership)
        _load_rounds(loader, partnership_data, partnership, pages)
        if report.changed:
            metrics_recompute(now=timezone.now())
        _publish_demo_rounds(loader, partnership)
    return report


def _publish_demo_rounds(loader: _Loader, partnership: Partnership) -> None:
    """Freeze version 1 of each published demo round (once: versions are immutable)."""
    from submissions.packs.snapshot import pack_snapshot_build

    coordinator = Role.objects.filter(partnership=partnership, kind=RoleKind.COORDINATOR).first()
    for round_ in ReportingRound.objects.filter(
        partnership=partnership, status=RoundStatus.PUBLISHED
    ).select_related("partnership__area"):
        if round_.versions.exists():
            loader.report.unchanged["pack versions"] += 1
            continue
        PackVersion.objects.create(
            round=round_,
            number=1,
            published_at=round_.published_at,
            published_by=coordinator.user if coordinator else None,
            change_note="",
            snapshot=pack_snapshot_build(round_),
        )
        loader.report.created["pack versions"] += 1


def _load_partnership(loader: _Loader, data: dict[str, Any], password: str) -> Partnership:
    areas = {
        a["code"]: loader.sync(
            Area, {"code": a["code"]}, {"name": a["name"], "short_name": a.get("short_name", "")}
        )
        for a in data["areas"]
    }
    for g in data["groups"]:
        group = loader.sync(
            ComparatorGroup,
            {"code": g["code"]},
            {"name": g["name"], "description": g.get("description", "")},
        )
        members = list(areas) if g["members"] == "all" else g["members"]
        for code in members:
            loader.sync(GroupMembership, {"group": group, "area": areas[code]}, {})

    series = {
        s["code"]: loader.sync(
            PopulationSeries,
            {"code": s["code"]},
            {"kind": s["kind"], "name": s["name"], "description": s.get("description", "")},
        )
        for s in data["population_series"]
    }
    for p in data["populations"]:
        loader.sync(
            Population,
            {
                "area": areas[p["area"]],
                "series": series[p["series"]],
                "in_force_from": p["in_force_from"],
            },
            {"value": p["value"], "source": p.get("source", "")},
        )

    for order, name in enumerate(data["portfolios"], start=1):
        loader.sync(Portfolio, {"name": name}, {"order": order})

    partnership = loader.sync(
        Partnership,
        {"area": areas[data["partnership"]["area"]]},
        {"name": data["partnership"]["name"]},
    )
    user_model = get_user_model()

    def user(username: str, first: str, last: str, *, staff: bool = False) -> Any:
        account = loader.sync(
            user_model,
            {"username": username},
            {
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.org",
                "is_staff": staff,
                "is_superuser": staff,
                "is_active": True,
            },
        )
        if not account.password:  # set on creation only: a changed password is kept
            account.set_password(password)
            account.save(update_fields=["password"])
        return account

    for a in data["agencies"]:
        agency = loader.sync(
            Agency,
            {"partnership": partnership, "code": a["code"]},
            {"name": a["name"], "email": f"{a['username']}@example.org"},
        )
        lead = user(a["username"], a["name"], "lead")
        loader.sync(
            Role,
            {
                "user": lead,
                "partnership": partnership,
                "kind": RoleKind.AGENCY_LEAD,
                "agency": agency,
            },
            {},
        )
    for u in data["users"]:
        account = user(
            u["username"], u["first_name"], u["last_name"], staff=u["role"] == "administrator"
        )
        loader.sync(
            Role,
            {"user": account, "partnership": partnership, "kind": u["role"], "agency": None},
            {},
        )
    return partnership


def _target_values(page: dict[str, Any], category: str | None) -> dict[str, Any]:
    t = page["target"]
    kind = t["kind"]
    raw = t.get("value")
    if isinstance(raw, dict):
        raw = raw[category]
    values: dict[str, Any] = {
        "kind": kind,
        "value": None,
        "lower": None,
        "upper": None,
        "volume": t.get("volume"),
        "tolerance": None,
        "text": t.get("text") or "",
    }
    if kind == TargetKind.RANGE:
        values["lower"], values["upper"] = (_decimal(raw[0]), _decimal(raw[1]))
    elif kind == TargetKind.REDUCE:
        values["value"] = _decimal(-5 if raw is None else raw)  # the default stretch
    elif raw is not None:
        values["value"] = _decimal(raw)
    return values


def _load_indicator(loader: _Loader, page: dict[str, Any], partnership: Partnership) -> None:
    code = page["code"]
    try:
        portfolio = Portfolio.objects.get(name=page["portfolio"])
        owner = Agency.objects.get(partnership=partnership, code=page["owner"])
        series = (
            PopulationSeries.objects.get(code=page["denominator"])
            if page.get("denominator")
            else None
        )
    except (Portfolio.DoesNotExist, Agency.DoesNotExist, PopulationSeries.DoesNotExist) as exc:
        raise DemoDataError(f"{code}: {exc}") from None
    texts = page.get("texts") or {}
    indicator = loader.sync(
        Indicator,
        {"code": code},
        {
            "title": page["title"],
            "portfolio": portfolio,
            "owner": owner,
            "pack_order": page["pack_order"],
            "page_heading": page.get("page_heading") or "",
            "source": page.get("source") or "",
            "kind": page["kind"],
            "frequency": page.get("frequency", "monthly"),
            "polarity": page.get("polarity", "down"),
            "unit": page.get("unit") or "",
            "denominator_series": series,
            "per_n": page.get("per") if series else None,
            "change_basis": page.get("change_basis", "ytd"),
            "display_decimals": page.get("decimals", 0),
            "suppression_threshold": page.get("suppression_threshold"),
            **{key: (texts.get(key) or "").strip() for key in _TEXT_FIELDS},
        },
    )
    categories: dict[str, IndicatorCategory] = {}
    for order, c in enumerate(page.get("categories") or [], start=1):
        categories[c["code"]] = loader.sync(
            IndicatorCategory,
            {"indicator": indicator, "code": c["code"]},
            {
                "label": c["label"],
                "order": order,
                "counts_as_satisfied": c["code"] in SATISFIED_CATEGORIES,
                "is_total": c["code"] in TOTAL_CATEGORIES,
            },
        )

    target_value = page["target"].get("value")
    if isinstance(target_value, dict):
        for cat_code in target_value:
            loader.sync(
                Target,
                {
                    "indicator": indicator,
                    "financial_year": DEMO_FY,
                    "category": categories[cat_code],
                },
                _target_values(page, cat_code),
            )
    else:
        loader.sync(
            Target,
            {"indicator": indicator, "financial_year": DEMO_FY, "category": None},
            _target_values(page, None),
        )

    for order, h in enumerate(page.get("history") or [], start=1):
        loader.sync(
            HistoryEntry,
            {"indicator": indicator, "order": order},
            {"year_label": h.get("year") or "", "text": (h.get("text") or "").strip()},
        )

    area = partnership.area
    for month_text, entry in (page.get("months") or {}).items():
        _load_month(loader, indicator, area, _month(month_text), entry, categories, estimated=False)
    for month_text, entry in (page.get("previous_year_values") or {}).items():
        _load_month(loader, indicator, area, _month(month_text), entry, categories, estimated=False)
    for month_text, entry in (page.get("previous_year") or {}).items():
        estimated = isinstance(entry, dict) and bool(entry.get("estimated"))
        _load_month(loader, indicator, area, _month(month_text), entry, categories, estimated)
    baseline = page.get("baseline")
    if baseline:
        # PHOF 2.15's baseline release (re-presentations up to 31 March 2016).
        entry = {"categories": baseline["categories"], "reference_period": baseline["label"]}
        _load_month(loader, indicator, area, dt.date(2016, 3, 1), entry, categories, False)

    groups = {g.code: g for g in ComparatorGroup.objects.all()}
    for b in page.get("benchmarks") or []:
        loader.sync(
            SuppliedBenchmark,
            {
                "indicator": indicator,
                "area": area,
                "month": _month(b["month"]),
                "group": groups[b["group"]],
            },
            {
                "position": b.get("position"),
                "size": b.get("size"),
                "average": _decimal(b.get("average")),
                "source": indicator.source,
            },
        )


_TEXT_FIELDS = [
    "definition",
    "how_it_works",
    "what_good_looks_like",
    "why_important",
    "issues_to_consider",
]


def month_value_fields(entry: Any) -> dict[str, Any]:
    """The MonthValue fields for one figure as written in a data file."""
    fields: dict[str, Any] = {
        "status": "reported",
        "value": None,
        "numerator": None,
        "denominator": None,
        "decimal_value": None,
        "reference_period": "",
        "reason": "",
    }
    if isinstance(entry, bool):
        raise DemoDataError(f"{entry!r} is not a figure")
    if isinstance(entry, int):
        fields["value"] = entry
        return fields
    if not isinstance(entry, dict):
        raise DemoDataError(f"{entry!r} is not a figure")
    fields["reference_period"] = (entry.get("reference_period") or "").strip()
    if "status" in entry:
        fields["status"] = entry["status"]
        fields["reason"] = (entry.get("reason") or "").strip()
    elif "numerator" in entry:
        fields["numerator"] = entry["numerator"]
        fields["denominator"] = entry.get("denominator")
    elif "value" in entry:
        value = entry["value"]
        if isinstance(value, int) and not isinstance(value, bool):
            fields["value"] = value
        else:
            fields["decimal_value"] = _decimal(value)
    else:
        raise DemoDataError(f"{entry!r} has no value, numerator or status")
    return fields


def _load_month(
    loader: _Loader,
    indicator: Indicator,
    area: Area,
    month: dt.date,
    entry: Any,
    categories: dict[str, IndicatorCategory],
    estimated: bool,
) -> None:
    if isinstance(entry, dict) and "categories" in entry:
        for cat_code, cat_entry in entry["categories"].items():
            if cat_code not in categories:
                raise DemoDataError(f"{indicator.code} {month:%Y-%m}: unknown category {cat_code}")
            values = month_value_fields(cat_entry)
            if not values["reference_period"]:
                values["reference_period"] = (entry.get("reference_period") or "").strip()
            values["is_estimated"] = estimated
            loader.sync(
                MonthValue,
                {
                    "indicator": indicator,
                    "area": area,
                    "month": month,
                    "category": categories[cat_code],
                },
                values,
            )
        return
    values = month_value_fields(entry)
    values["is_estimated"] = estimated
    loader.sync(
        MonthValue,
        {"indicator": indicator, "area": area, "month": month, "category": None},
        values,
    )


def _load_rounds(
    loader: _Loader, data: dict[str, Any], partnership: Partnership, pages: list[dict[str, Any]]
) -> None:
    for r in data["rounds"]:
        published = r["status"] == RoundStatus.PUBLISHED
        published_at = (
            dt.datetime.fromisoformat(r["published_at"]) if r.get("published_at") else None
        )
        round_ = loader.sync(
            ReportingRound,
            {"partnership": partnership, "month": _month(r["month"])},
            {"deadline": r["deadline"], "status": r["status"], "published_at": published_at},
        )
        for page in pages:
            indicator = Indicator.objects.get(code=page["code"])
            commentary = page.get("commentary") or {} if published else {}
            loader.sync(
                Submission,
                {"round": round_, "indicator": indicator},
                {
                    "status": SubmissionStatus.APPROVED
                    if published
                    else SubmissionStatus.NOT_STARTED,
                    "performance_overview": (commentary.get("performance_overview") or "").strip(),
                    "actions": (commentary.get("actions") or "").strip(),
                    "benchmarking": (commentary.get("benchmarking") or "").strip(),
                },
            )


def submission_entry_fields(entry: Any) -> dict[str, Any]:
    """A data file's month entry as a submission's entry fields (what the agency entered)."""
    fields: dict[str, Any] = {
        "entry_status": "reported",
        "value": None,
        "numerator": None,
        "denominator": None,
        "decimal_value": None,
        "categories": None,
        "reference_period": "",
        "reason": "",
    }
    if entry is None:
        return fields
    if isinstance(entry, dict) and "categories" in entry:
        fields["categories"] = {
            code: (
                "suppressed"
                if isinstance(v, dict) and v.get("status") == "suppressed"
                else {"numerator": v["numerator"], "denominator": v["denominator"]}
                if isinstance(v, dict)
                else v
            )
            for code, v in entry["categories"].items()
        }
        fields["reference_period"] = (entry.get("reference_period") or "").strip()
        return fields
    shaped = month_value_fields(entry)
    if shaped["status"] in {"not_collected", "not_available"}:
        fields["entry_status"] = shaped["status"]
        fields["reason"] = shaped["reason"]
        return fields
    for key in ("value", "numerator", "denominator", "decimal_value", "reference_period"):
        fields[key] = shaped[key]
    return fields
