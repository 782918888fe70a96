"""One page of the seed at a time: its catalogue indicator, the partnership's adoption of it
(owner, pack place, local texts, targets, history), month values and the rounds' entries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from csp.models import (
    Agency,
    Area,
    ComparatorGroup,
    Partnership,
    PopulationSeries,
)
from indicators.models import (
    LOCAL_TEXTS,
    Adoption,
    HistoryEntry,
    Indicator,
    IndicatorCategory,
    MonthValue,
    Portfolio,
    SuppliedBenchmark,
    Target,
    TargetKind,
    ValueStatus,
)
from submissions.cycle.validation import SUPPRESSED, EntryStatus
from submissions.demo.common import (
    DEMO_FY,
    SATISFIED_CATEGORIES,
    TOTAL_CATEGORIES,
    DemoDataError,
    Loader,
    decimal_of,
    month_of,
)
from submissions.models import (
    ReportingRound,
    RoundStatus,
    Submission,
    SubmissionStatus,
)


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
        values["lower"], values["upper"] = (decimal_of(raw[0]), decimal_of(raw[1]))
    elif kind == TargetKind.REDUCE:
        values["value"] = decimal_of(-5 if raw is None else raw)  # the default stretch
    elif raw is not None:
        values["value"] = decimal_of(raw)
    return values


def indicator_load(loader: Loader, page: dict[str, Any], partnership: Partnership) -> None:
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
    texts = {key: (value or "").strip() for key, value in (page.get("texts") or {}).items()}
    indicator = loader.sync(
        Indicator,
        {"code": code},
        {
            "title": page["title"],
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
            # The seed's texts are also the catalogue's defaults for partnerships adopting later.
            **{key: texts.get(key, "") for key in _TEXT_FIELDS},
        },
    )
    adoption = loader.sync(
        Adoption,
        {"partnership": partnership, "indicator": indicator},
        {
            "owner": owner,
            "portfolio": portfolio,
            "pack_order": page["pack_order"],
            "suppression_threshold": page.get("suppression_threshold"),
            **{key: texts.get(key, "") for key in LOCAL_TEXTS},
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
                    "adoption": adoption,
                    "financial_year": DEMO_FY,
                    "category": categories[cat_code],
                },
                _target_values(page, cat_code),
            )
    else:
        loader.sync(
            Target,
            {"adoption": adoption, "financial_year": DEMO_FY, "category": None},
            _target_values(page, None),
        )

    for order, h in enumerate(page.get("history") or [], start=1):
        loader.sync(
            HistoryEntry,
            {"indicator": indicator, "adoption": adoption, "order": order},
            {"year_label": h.get("year") or "", "text": (h.get("text") or "").strip()},
        )

    area = partnership.area
    for month_text, entry in (page.get("months") or {}).items():
        month = month_of(month_text)
        month_load(loader, indicator, area, month, entry, categories, estimated=False)
    for month_text, entry in (page.get("previous_year_values") or {}).items():
        month = month_of(month_text)
        month_load(loader, indicator, area, month, entry, categories, estimated=False)
    for month_text, entry in (page.get("previous_year") or {}).items():
        estimated = isinstance(entry, dict) and bool(entry.get("estimated"))
        month_load(loader, indicator, area, month_of(month_text), entry, categories, estimated)
    baseline = page.get("baseline")
    if baseline:
        # PHOF 2.15's baseline release (re-presentations up to 31 March 2016).
        entry = {"categories": baseline["categories"], "reference_period": baseline["label"]}
        month_load(loader, indicator, area, dt.date(2016, 3, 1), entry, categories, False)

    groups = {g.code: g for g in ComparatorGroup.objects.all()}
    for b in page.get("benchmarks") or []:
        loader.sync(
            SuppliedBenchmark,
            {
                "indicator": indicator,
                "area": area,
                "month": month_of(b["month"]),
                "group": groups[b["group"]],
            },
            {
                "position": b.get("position"),
                "size": b.get("size"),
                "average": decimal_of(b.get("average")),
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
        "status": ValueStatus.REPORTED,
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
            fields["decimal_value"] = decimal_of(value)
    else:
        raise DemoDataError(f"{entry!r} has no value, numerator or status")
    return fields


def month_load(
    loader: Loader,
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


def rounds_load(
    loader: Loader, data: dict[str, Any], partnership: Partnership, pages: list[dict[str, Any]]
) -> None:
    for r in data["rounds"]:
        published = r["status"] == RoundStatus.PUBLISHED
        published_at = (
            dt.datetime.fromisoformat(r["published_at"]) if r.get("published_at") else None
        )
        round_ = loader.sync(
            ReportingRound,
            {"partnership": partnership, "month": month_of(r["month"])},
            {"deadline": r["deadline"], "status": r["status"], "published_at": published_at},
        )
        for page in pages:
            adoption = Adoption.objects.select_related("indicator").get(
                partnership=partnership, indicator__code=page["code"]
            )
            commentary = page.get("commentary") or {} if published else {}
            loader.sync(
                Submission,
                {"round": round_, "indicator": adoption.indicator},
                {
                    "adoption": adoption,
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
        "entry_status": EntryStatus.REPORTED,
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
                SUPPRESSED
                if isinstance(v, dict) and v.get("status") == ValueStatus.SUPPRESSED
                else {"numerator": v["numerator"], "denominator": v["denominator"]}
                if isinstance(v, dict)
                else v
            )
            for code, v in entry["categories"].items()
        }
        fields["reference_period"] = (entry.get("reference_period") or "").strip()
        return fields
    shaped = month_value_fields(entry)
    if shaped["status"] in {ValueStatus.NOT_COLLECTED, ValueStatus.NOT_AVAILABLE}:
        fields["entry_status"] = shaped["status"]
        fields["reason"] = shaped["reason"]
        return fields
    for key in ("value", "numerator", "denominator", "decimal_value", "reference_period"):
        fields[key] = shaped[key]
    return fields
