"""Direction, the chart's icons and the rating, for the rows of one indicator at once.

The same rules as ``rating.set_direction``, ``spc_series.set_spc`` (with ``assurance_target``
and ``spc.assurance_icon``) and ``rating.set_rag``, on flat arrays (one entry per derived row).
A rated row's sentence comes from ``rag``'s own functions, so the words cannot drift.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np

from indicators.engine import rag as ragmod
from indicators.engine import spc
from indicators.engine.periods import month_label
from indicators.engine.rating import NO_TARGET, basis_label
from indicators.engine.series import NOT_COLLECTED, REPORTED, Missing, SeriesSpec


def none_where_nan(values: np.ndarray) -> list[object]:
    out = values.astype(object)
    out[np.isnan(values)] = None
    return out.tolist()  # type: ignore[no-any-return]


def only_where(mask: np.ndarray, values: np.ndarray) -> list[object]:
    """``values`` where ``mask`` is set, None elsewhere."""
    out = np.full(len(mask), None, dtype=object)
    out[mask] = values[mask]
    result: list[object] = out.tolist()
    return result


def direction(spec: SeriesSpec, m: dict[str, np.ndarray]) -> list[object]:
    if spec.kind == "snapshot":
        pct = m["value_change_pct"]
    elif spec.change_basis == "r12" or spec.kind == "rolling":
        pct = m["r12_change_pct"]
    else:
        pct = m["ytd_change_pct"]
    if spec.polarity == "neutral":
        moved = np.where(pct > 0, "up", "down")
    else:
        better = pct < 0 if spec.polarity == "down" else pct > 0
        moved = np.where(better, "improving", "worsening")
    out = np.where(pct == 0, "no_change", moved).astype(object)
    out[np.isnan(pct)] = None
    return out.tolist()  # type: ignore[no-any-return]


def assurance_aim(
    spec: SeriesSpec, t: dict[str, np.ndarray], m: dict[str, np.ndarray], k: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``assurance_target`` per row: (has aim, better is up, value, lower, upper)."""
    kind = t["kind"]
    n = len(k)
    has = np.zeros(n, dtype=bool)
    up = np.zeros(n, dtype=bool)
    value = np.full(n, np.nan)
    lower = np.full(n, np.nan)
    upper = np.full(n, np.nan)
    sel = (kind == "ceiling") & ~np.isnan(t["value"])
    has |= sel
    value[sel] = t["value"][sel] / 12
    sel = (kind == "minimum") & ~np.isnan(t["value"])
    has |= sel
    up |= sel
    value[sel] = t["value"][sel] / k[sel]
    sel = (kind == "range") & ~np.isnan(t["lower"]) & ~np.isnan(t["upper"])
    has |= sel
    up |= sel & (spec.polarity == "up")
    lower[sel], upper[sel] = t["lower"][sel], t["upper"][sel]
    higher = spec.polarity == "up"
    if spec.kind in {"snapshot", "rolling"}:
        base = m["previous_value"]
    elif spec.change_basis == "r12":
        base = m["r12_previous"] / 12
    else:
        base = m["ytd_previous"] / k
    stretch = np.where(np.isnan(t["value"]), -ragmod.DEFAULT_STRETCH if higher else
                       ragmod.DEFAULT_STRETCH, t["value"])  # fmt: skip
    sel = np.isin(kind, ["reduce", "percent_change"]) & ~np.isnan(base)
    has |= sel
    up |= sel & higher
    value[sel] = base[sel] * (1 + stretch[sel] / 100)
    return has, up, value, lower, upper


def icons(
    spec: SeriesSpec,
    chart: dict[str, np.ndarray],
    rated: np.ndarray,
    aim: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray],
) -> dict[str, list[object]]:
    """spc_* fields, variation and assurance (``set_spc``) from the flat chart arrays: has
    (limits), point (index, -1 for none), high, low and the limits."""
    has, point = chart["has"], chart["point"]
    shown = has & (point >= spec.spc_baseline)
    no_limits = np.where(rated, spc.ASSURE_TOO_FEW, spc.ASSURE_NONE).astype(object)
    assurance = np.full(len(has), None, dtype=object)
    assurance[~has] = no_limits[~has]
    early = has & (point >= 0) & (point < spec.spc_baseline)
    assurance[early] = no_limits[early]
    high, low = chart["high"], chart["low"]
    special = high | low
    if spec.polarity == "neutral":
        meaning = np.where(special, "neutral", "")
        variation = np.where(
            special, np.where(chart["value"] > chart["mean"], spc.NEUTRAL_HIGH, spc.NEUTRAL_LOW),
            spc.COMMON,
        )  # fmt: skip
    else:
        good = high if spec.polarity == "up" else low
        meaning = np.where(special, np.where(good, "improving", "concerning"), "")
        variation = np.where(special, np.where(good, spc.IMPROVING, spc.CONCERNING), spc.COMMON)
    has_aim, up, value, lower, upper = aim
    ranged = ~np.isnan(lower) & ~np.isnan(upper)
    lo, hi = chart["lower"], chart["upper"]
    in_range = np.where((lo >= lower) & (hi <= upper), spc.ASSURE_PASS, np.where(
        (hi < lower) | (lo > upper), spc.ASSURE_FAIL, spc.ASSURE_HIT_MISS))  # fmt: skip
    below = np.where(hi < value, spc.ASSURE_PASS, np.where(lo > value, spc.ASSURE_FAIL,
                     spc.ASSURE_HIT_MISS))  # fmt: skip
    above = np.where(lo > value, spc.ASSURE_PASS, np.where(hi < value, spc.ASSURE_FAIL,
                     spc.ASSURE_HIT_MISS))  # fmt: skip
    icon = np.where(ranged, in_range, np.where(up, above, below)).astype(object)
    off = np.where(rated, spc.ASSURE_OFF_SCALE, spc.ASSURE_NONE).astype(object)
    icon = np.where(has_aim, icon, off)
    assurance[shown] = icon[shown]
    out: dict[str, list[object]] = {"assurance": assurance.tolist()}
    out["variation"] = only_where(shown, variation)
    out["spc_signal"] = only_where(shown & special, meaning)
    out["spc_value"] = none_where_nan(np.where(shown, chart["value"], np.nan))
    for name in ("mean", "upper", "lower", "upper_near", "lower_near"):
        out[f"spc_{name}"] = none_where_nan(np.where(shown, chart[name], np.nan))
    return out


def ratings(
    spec: SeriesSpec,
    targets: Sequence[ragmod.TargetSpec | None],
    months: Sequence[dt.date],
    status: Sequence[str],
    missing: Sequence[list[Missing]],
    fields: dict[str, list[object]],
    k: Sequence[int],
) -> tuple[list[object], list[object]]:
    """(rag, reason) per row, as ``set_rag`` rates them (after target_to_date and
    volume_to_date are in ``fields``)."""
    rags: list[object] = []
    reasons: list[object] = []
    higher = spec.polarity == "up"
    if spec.kind == "snapshot":
        pct_name, change_basis = "value_change_pct", "Change on last year"
    elif spec.kind == "rolling" or spec.change_basis == "r12":
        pct_name, change_basis = "r12_change_pct", "Rolling 12 months"
    else:
        pct_name, change_basis = "ytd_change_pct", "YTD"
    pcts: list[Any] = fields[pct_name]
    ytds: list[Any] = fields["ytd"]
    values: list[Any] = fields["month_value"]
    to_dates: list[Any] = fields["target_to_date"]
    quarterly = spec.frequency == "quarterly"
    for i, target in enumerate(targets):
        if target is None or target.kind == "monitoring":
            rags.append(None)
            reasons.append(NO_TARGET if target is None else "Monitoring only: not rated")
            continue
        m = months[i]
        if status[i] == NOT_COLLECTED and (
            (quarterly and m.month not in {3, 6, 9, 12}) or spec.frequency == "annual"
        ):
            rags.append(None)
            reasons.append(f"Not collected in {month_label(m)}: not rated")
            continue
        if status[i] != REPORTED:
            rags.append(None)
            reasons.append(f"No figure for {month_label(m)}: not rated")
            continue
        if missing[i]:
            names = "; ".join(x.describe() for x in missing[i])
            rags.append(None)
            reasons.append(f"{basis_label(spec)} incomplete ({names}): not rated")
            continue
        if target.kind in {"reduce", "percent_change"}:
            rating = ragmod.rate_change(
                pcts[i], target, basis=change_basis, decimals=spec.decimals,
                higher_is_better=higher,
            )  # fmt: skip
        elif target.kind == "ceiling":
            rating = ragmod.rate_ceiling(ytds[i], to_dates[i], target)
        elif target.kind == "minimum":
            rating = ragmod.rate_minimum(
                ytds[i],
                target,
                what="YTD",
                decimals=spec.decimals,
            )
        elif target.kind == "range":
            rating = ragmod.rate_range(
                values[i],
                target,
                what="YTD rate",
                decimals=spec.decimals,
            )
        else:
            rating = ragmod.Rating(None, f"Unknown target kind {target.kind!r}: not rated")
        rags.append(rating.rag)
        reasons.append(rating.reason)
    return rags, reasons
