"""The pack's figures as XLSX and CSV through django-import-export: one row per indicator and
month, with every derived figure. Text that a spreadsheet would run as a formula is neutralised
(``submissions.spreadsheet``)."""

from __future__ import annotations

from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

from import_export import fields, resources

from indicators.engine.formatting import rate_per
from submissions.packs.schema import PackSnapshot, as_snapshot
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
    # The pack month's row: the period its figures cover (a lagged kind's latest available
    # period) and that period's figure.
    ("period_label", "period_label"),
    ("period_start", "period_start"),
    ("period_end", "period_end"),
    ("period_age_months", "period_age_months"),
    ("period_value", "period_value"),
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


def pack_rows(snapshot: PackSnapshot | Mapping[str, Any]) -> list[SimpleNamespace]:
    pack = as_snapshot(snapshot)
    rows = []
    for page in pack.indicators:
        last = page.months[-1].month if page.months else None
        unit = rate_per(page.per_n, page.rate_unit) if page.per_n else ""
        for m in page.months:
            is_pack_month = m.month == last
            rows.append(
                SimpleNamespace(
                    area=pack.area.code,
                    month=m.month,
                    indicator=page.code,
                    title=page.title,
                    portfolio=page.portfolio,
                    kind=page.kind,
                    status=m.status,
                    reason=m.reason or "",
                    value=m.value,
                    numerator=m.numerator,
                    denominator=m.denominator,
                    ytd=m.ytd,
                    ytd_change_pct=m.ytd_change_pct,
                    r12=m.r12,
                    rate=m.rate,
                    rate_unit=unit,
                    month_pct=m.month_pct,
                    ytd_numerator=m.ytd_numerator,
                    ytd_denominator=m.ytd_denominator,
                    ytd_pct=m.ytd_pct,
                    target_to_date=m.target_to_date,
                    period_label=page.metrics.period_label if is_pack_month else "",
                    period_start=page.metrics.period_start if is_pack_month else "",
                    period_end=page.metrics.period_end if is_pack_month else "",
                    period_age_months=page.metrics.period_age_months if is_pack_month else None,
                    period_value=page.metrics.month_value if is_pack_month else None,
                    rag=(page.rag_effective or "None") if is_pack_month else m.rag,
                    rag_reason=page.rag_reason if is_pack_month else "",
                    rag_override_justification=(page.rag_override_justification or "")
                    if is_pack_month
                    else "",
                )
            )
    return rows


def pack_export(snapshot: PackSnapshot | Mapping[str, Any], fmt: str) -> bytes:
    """The figures of a snapshot (typed, or stored JSON of any version) as CSV or XLSX."""
    dataset = PackFiguresResource().export(pack_rows(snapshot))
    if fmt == "csv":
        return dataset.export("csv").encode("utf-8-sig")
    return dataset.export("xlsx")
