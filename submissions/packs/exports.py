"""The pack's figures as XLSX and CSV through django-import-export: one row per indicator and
month, with every derived figure. Text that a spreadsheet would run as a formula is neutralised
(``submissions.spreadsheet``)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from import_export import fields, resources

from indicators.engine.formatting import rate_per
from submissions.spreadsheet import neutralise

COLUMNS = [
    ("area", "area"),
    ("month", "month"),
    ("indicator", "indicator"),
    ("title", "title"),
    ("portfolio", "portfolio"),
    ("kind", "kind"),
    ("status", "status"),
    ("reason", "reason"),
    ("value", "value"),
    ("numerator", "numerator"),
    ("denominator", "denominator"),
    ("ytd", "ytd"),
    ("ytd_change_pct", "ytd_change_pct"),
    ("r12", "r12"),
    ("rate", "rate"),
    ("rate_unit", "rate_unit"),
    ("month_pct", "month_pct"),
    ("ytd_numerator", "ytd_numerator"),
    ("ytd_denominator", "ytd_denominator"),
    ("ytd_pct", "ytd_pct"),
    ("target_to_date", "target_to_date"),
    ("rag", "rag"),
    ("rag_reason", "rag_reason"),
    ("rag_override_justification", "rag_override_justification"),
]


class PackFiguresResource(resources.Resource):
    for _name, _attr in COLUMNS:
        locals()[_name] = fields.Field(attribute=_attr, column_name=_name)
    del _name, _attr

    class Meta:
        fields = [name for name, _ in COLUMNS]
        export_order = [name for name, _ in COLUMNS]

    def export_field(self, field: fields.Field, instance: Any, **kwargs: Any) -> Any:
        return neutralise(getattr(instance, field.attribute, None))


def pack_rows(snapshot: dict[str, Any]) -> list[SimpleNamespace]:
    rows = []
    for page in snapshot["indicators"]:
        last = page["months"][-1]["month"] if page["months"] else None
        per_n = page.get("per_n")
        unit = rate_per(per_n, page.get("rate_unit") or "") if per_n else ""
        for m in page["months"]:
            is_pack_month = m["month"] == last
            rows.append(
                SimpleNamespace(
                    area=snapshot["area"]["code"],
                    month=m["month"],
                    indicator=page["code"],
                    title=page["title"],
                    portfolio=page["portfolio"],
                    kind=page["kind"],
                    status=m["status"],
                    reason=m.get("reason") or "",
                    value=m.get("value"),
                    numerator=m.get("numerator"),
                    denominator=m.get("denominator"),
                    ytd=m.get("ytd"),
                    ytd_change_pct=m.get("ytd_change_pct"),
                    r12=m.get("r12"),
                    rate=m.get("rate"),
                    rate_unit=unit,
                    month_pct=m.get("month_pct"),
                    ytd_numerator=m.get("ytd_numerator"),
                    ytd_denominator=m.get("ytd_denominator"),
                    ytd_pct=m.get("ytd_pct"),
                    target_to_date=m.get("target_to_date"),
                    rag=(page.get("rag_effective") or "None") if is_pack_month else m.get("rag"),
                    rag_reason=page.get("rag_reason", "") if is_pack_month else "",
                    rag_override_justification=(page.get("rag_override_justification") or "")
                    if is_pack_month
                    else "",
                )
            )
    return rows


def pack_export(snapshot: dict[str, Any], fmt: str) -> bytes:
    dataset = PackFiguresResource().export(pack_rows(snapshot))
    if fmt == "csv":
        return dataset.export("csv").encode("utf-8-sig")
    return dataset.export("xlsx")
