"""Per-month derived figures for one indicator in one area (DESIGN.md, "Formulas").

``compute_series`` takes a series' observations keyed by month, the denominators in force and the
targets per financial year, and returns one ``MonthMetrics`` per requested month. It reads no
clock and touches no database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import accumulate

from indicators.engine import rag as ragmod
from indicators.engine import spc
from indicators.engine.periods import (
    add_months,
    fy_start,
    fy_start_year,
    month_index,
    month_label,
    months_elapsed_in_fy,
)

REPORTED = "reported"
SUPPRESSED = "suppressed"
NOT_COLLECTED = "not_collected"
NOT_AVAILABLE = "not_available"
NOT_SUBMITTED = "not_submitted"
INVALID = "invalid"  # e.g. more successes than attempts: held out, never summed

COUNT_KINDS = {"count", "ceiling"}
QUARTER_ENDS = frozenset({3, 6, 9, 12})  # quarterly figures are due in Jun, Sep, Dec and Mar


@dataclass(frozen=True, slots=True)
class Obs:
    """One approved month: a figure, or the status that stands in for it."""

    status: str = REPORTED
    value: float | None = None  # a count, a level, a rolling figure or a published rate
    numerator: int | None = None
    denominator: int | None = None
    reason: str = ""
    categories: Mapping[str, Obs] | None = None


@dataclass(frozen=True, slots=True)
class SeriesSpec:
    kind: str  # count | ceiling | ratio | breakdown | snapshot | rolling
    polarity: str = "down"  # down | up | neutral
    change_basis: str = "ytd"  # ytd | r12
    per_n: int | None = None
    frequency: str = "monthly"
    decimals: int = 0
    total_category: str | None = None
    satisfied_categories: frozenset[str] = frozenset()
    category_order: tuple[str, ...] = ()
    spc_baseline: int = 12
    spc_shift_run: int = 7
    spc_trend_run: int = 7


@dataclass(frozen=True, slots=True)
class Missing:
    month: dt.date
    status: str  # not_submitted | not_available | not_collected | suppressed
    reason: str = ""

    def describe(self) -> str:
        words = {
            NOT_SUBMITTED: "not yet submitted",
            NOT_AVAILABLE: "not available",
            NOT_COLLECTED: "not collected",
            SUPPRESSED: "suppressed",
            INVALID: "invalid",
        }.get(self.status, "incomplete")
        return f"{month_label(self.month)} {words}" + (f" ({self.reason})" if self.reason else "")


@dataclass(slots=True)
class MonthMetrics:
    month: dt.date
    status: str = NOT_SUBMITTED
    month_value: float | None = None
    month_pct: float | None = None
    ytd: float | None = None
    ytd_previous: float | None = None
    ytd_change_abs: float | None = None
    ytd_change_pct: float | None = None
    r12: float | None = None
    r12_previous: float | None = None
    r12_change_abs: float | None = None
    r12_change_pct: float | None = None
    rate: float | None = None
    rate_denominator: int | None = None
    previous_value: float | None = None  # the same month last year
    value_change_abs: float | None = None
    value_change_pct: float | None = None
    ytd_numerator: int | None = None
    ytd_denominator: int | None = None
    ytd_pct: float | None = None
    ytd_pct_previous: float | None = None
    categories: dict[str, dict[str, float | int | str | None]] | None = None
    pct_satisfied: float | None = None
    ytd_pct_satisfied: float | None = None
    target_to_date: int | None = None
    variance: float | None = None
    volume_to_date: int | None = None
    rag: str | None = None
    rag_reason: str = ""
    direction: str | None = None  # improving | worsening | no_change | up | down (neutral)
    spc_value: float | None = None
    spc_mean: float | None = None
    spc_upper: float | None = None
    spc_lower: float | None = None
    spc_upper_near: float | None = None
    spc_lower_near: float | None = None
    spc_signal: str | None = None  # improving | concerning | neutral
    variation: str | None = None
    assurance: str | None = None
    missing: list[Missing] = field(default_factory=list)

    @property
    def missing_months(self) -> list[dict[str, str]]:
        return [
            {"month": m.month.strftime("%Y-%m"), "status": m.status, "reason": m.reason}
            for m in self.missing
        ]


def change(current: float | None, previous: float | None) -> tuple[float | None, float | None]:
    """(absolute, %) change; % is None on a zero base ("n/a"), 0.0 when equal ("No change")."""
    if current is None or previous is None:
        return None, None
    absolute = current - previous
    if absolute == 0:
        return 0, 0.0
    if previous == 0:
        return absolute, None
    return absolute, absolute / previous * 100


def denominator_in_force(denominators: Sequence[tuple[dt.date, int]], month: dt.date) -> int | None:
    """The latest value whose start date is on or before the month's first day."""
    found = None
    for start, value in denominators:  # sorted by start date
        if start <= month:
            found = value
        else:
            break
    return found


def _figure(spec: SeriesSpec, obs: Obs | None) -> float | None:
    """The one number a month contributes to sums, SPC and 'month value'."""
    if obs is None or obs.status != REPORTED:
        return None
    if obs.categories is not None:
        if spec.kind == "ratio":
            return None
        if spec.total_category:
            total = obs.categories.get(spec.total_category)
            return total.value if total is not None and total.status == REPORTED else None
        parts = list(obs.categories.values())
        if any(c.status != REPORTED or c.value is None for c in parts):
            return None
        return sum(c.value for c in parts)  # type: ignore[misc]
    if spec.kind == "ratio":
        return obs.numerator
    return obs.value


def no_figure_due(spec: SeriesSpec, obs: Obs | None, month: dt.date) -> bool:
    """A month marked not collected in which the indicator's frequency asks for no figure.

    Every measure skips such a month: it adds nothing to a sum and leaves no period incomplete
    (docs/adr/0008). A due month marked not collected is a missing figure, like "not available".
    The catalogue records no due month for annual figures, so none of their months is due.
    """
    return obs is not None and _not_due(spec, obs.status, month)


def _not_due(spec: SeriesSpec, status: str, month: dt.date) -> bool:
    if status != NOT_COLLECTED:
        return False
    if spec.frequency == "quarterly":
        return month.month not in QUARTER_ENDS
    return spec.frequency == "annual"


def _counts_in_sum(spec: SeriesSpec, obs: Obs | None, month: dt.date) -> tuple[bool, float]:
    """Whether a month can enter a sum (YTD, R12) and what it adds."""
    if no_figure_due(spec, obs, month):
        return True, 0
    value = _figure(spec, obs)
    return (value is not None), (value or 0)


def _missing(obs: Obs | None, month: dt.date) -> Missing:
    if obs is None:
        return Missing(month, NOT_SUBMITTED)
    if obs.categories is not None and obs.status == REPORTED:
        bad = [c for c in obs.categories.values() if c.status != REPORTED]
        status = bad[0].status if bad else NOT_SUBMITTED
        return Missing(month, status, bad[0].reason if bad else "")
    return Missing(month, obs.status, obs.reason)


def _window_sum(
    spec: SeriesSpec, values: Mapping[dt.date, Obs], months: Iterable[dt.date]
) -> tuple[float | None, list[Missing]]:
    total: float = 0
    missing: list[Missing] = []
    for m in months:
        obs = values.get(m)
        ok, amount = _counts_in_sum(spec, obs, m)
        if ok:
            total += amount
        else:
            missing.append(_missing(obs, m))
    return (None if missing else total), missing


def _fy_to(month: dt.date) -> list[dt.date]:
    start = fy_start(month)
    return [add_months(start, i) for i in range(months_elapsed_in_fy(month))]


def _last_12(month: dt.date) -> list[dt.date]:
    return [add_months(month, -i) for i in range(11, -1, -1)]


def _ratio_sums(
    spec: SeriesSpec, values: Mapping[dt.date, Obs], months: Sequence[dt.date]
) -> tuple[int | None, int | None, list[Missing]]:
    num = den = 0
    num_ok = den_ok = True
    missing: list[Missing] = []
    for m in months:
        obs = values.get(m)
        if no_figure_due(spec, obs, m):
            continue
        if obs is None or obs.status != REPORTED or obs.numerator is None:
            missing.append(_missing(obs, m))
            num_ok = den_ok = False
            continue
        if obs.denominator is not None and obs.numerator > obs.denominator:
            missing.append(
                Missing(m, INVALID, f"{obs.numerator} out of {obs.denominator}: more than all")
            )
            num_ok = den_ok = False
            continue
        num += obs.numerator
        if obs.denominator is None:
            den_ok = False
        else:
            den += obs.denominator
    return (num if num_ok else None), (den if den_ok else None), missing


def _pct(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator * 100


def compute_series(
    spec: SeriesSpec,
    values: Mapping[dt.date, Obs],
    *,
    months: Iterable[dt.date],
    denominators: Sequence[tuple[dt.date, int]] = (),
    targets: Mapping[int, ragmod.TargetSpec] | None = None,
) -> list[MonthMetrics]:
    """Every derived figure for the requested months of one (indicator, area) series."""
    targets = targets or {}
    wanted = sorted(set(months))
    if not wanted:
        return []

    # SPC over every reported point of the series, oldest first; limits fixed from the baseline.
    spc_points: list[tuple[dt.date, float]] = []
    for m in sorted(values):
        x = _spc_value(spec, values[m])
        if x is not None:
            spc_points.append((m, x))
    xs = [x for _, x in spc_points]
    limits = spc.compute_limits(xs, spec.spc_baseline) if len(xs) > spec.spc_baseline else None
    as_of: dict[dt.date, tuple[int, spc.PointSignal]] = {}
    if limits is not None:
        now, _whole = spc.signals(
            xs, limits, shift_run=spec.spc_shift_run, trend_run=spec.spc_trend_run
        )
        as_of = {m: (i, now[i]) for i, (m, _) in enumerate(spc_points)}

    sums = _PrefixSums(spec, values, wanted) if spec.kind in COUNT_KINDS else None
    return [
        _compute_month(spec, values, m, denominators, targets, limits, as_of, sums) for m in wanted
    ]


class _PrefixSums:
    """O(1) window sums (YTD, R12) over a series, with a count of months that cannot be summed.

    A month before the series' first figure counts as missing, like any other absent month.
    """

    __slots__ = ("base", "total", "bad")

    def __init__(self, spec: SeriesSpec, values: Mapping[dt.date, Obs], wanted: list[dt.date]):
        first = min(min(values), add_months(wanted[0], -23)) if values else wanted[0]
        self.base = month_index(first)
        n = month_index(wanted[-1]) - self.base + 1
        amounts = [0.0] * n
        bad = [1] * n
        for m, obs in values.items():
            i = month_index(m) - self.base
            if 0 <= i < n:
                ok, amount = _counts_in_sum(spec, obs, m)
                if ok:
                    amounts[i] = amount
                    bad[i] = 0
        self.total = list(accumulate(amounts, initial=0.0))
        self.bad = list(accumulate(bad, initial=0))

    def window(self, first: int, last: int) -> float | None:
        """Sum of the months at offsets first..last, or None if any cannot be summed."""
        last += 1
        if first < 0 or last <= first or self.bad[last] - self.bad[first]:
            return None
        return self.total[last] - self.total[first]


def _spc_value(spec: SeriesSpec, obs: Obs) -> float | None:
    if spec.kind == "ratio":
        if obs.status != REPORTED or obs.categories is not None:
            return None
        if (
            obs.numerator is not None
            and obs.denominator is not None
            and (obs.numerator > obs.denominator)
        ):
            return None
        return _pct(obs.numerator, obs.denominator)
    if spec.kind == "breakdown" and spec.satisfied_categories and obs.categories:
        # A suppressed (or absent) satisfied category makes the share unknown: no point, never
        # a share computed as if it were 0.
        satisfied = [obs.categories.get(k) for k in spec.satisfied_categories]
        known = [c.value for c in satisfied if c is not None and c.status == REPORTED]
        if len(known) < len(satisfied) or None in known:
            return None
        return _pct(sum(v for v in known if v is not None), _figure(spec, obs))
    value = _figure(spec, obs)
    return None if value is None else float(value)


def _compute_month(
    spec: SeriesSpec,
    values: Mapping[dt.date, Obs],
    m: dt.date,
    denominators: Sequence[tuple[dt.date, int]],
    targets: Mapping[int, ragmod.TargetSpec],
    limits: spc.Limits | None,
    as_of: Mapping[dt.date, tuple[int, spc.PointSignal]],
    sums: _PrefixSums | None = None,
) -> MonthMetrics:
    obs = values.get(m)
    last_year = add_months(m, -12)
    out = MonthMetrics(month=m)
    out.status = NOT_SUBMITTED if obs is None else obs.status
    out.month_value = _figure(spec, obs)
    kind = spec.kind

    if sums is not None:
        t = month_index(m) - sums.base
        into_fy = (m.month - 4) % 12  # April = 0
        out.ytd = sums.window(t - into_fy, t)
        out.ytd_previous = sums.window(t - 12 - into_fy, t - 12)
        out.ytd_change_abs, out.ytd_change_pct = change(out.ytd, out.ytd_previous)
        out.r12 = sums.window(t - 11, t)
        out.r12_previous = sums.window(t - 23, t - 12)
        out.r12_change_abs, out.r12_change_pct = change(out.r12, out.r12_previous)
        basis_sum = out.r12 if spec.change_basis == "r12" else out.ytd
        if basis_sum is None:  # name what is missing (rare, so the slow path is fine)
            months = _last_12(m) if spec.change_basis == "r12" else _fy_to(m)
            out.missing = _window_sum(spec, values, months)[1]
        if out.r12 is not None and spec.per_n:
            den = denominator_in_force(denominators, m)
            if den:
                out.rate = out.r12 / den * spec.per_n
                out.rate_denominator = den
    elif kind == "breakdown":
        out.ytd, out.missing = _window_sum(spec, values, _fy_to(m))
        out.ytd_previous, _ = _window_sum(spec, values, _fy_to(last_year))
        out.ytd_change_abs, out.ytd_change_pct = change(out.ytd, out.ytd_previous)
        out.r12, r12_missing = _window_sum(spec, values, _last_12(m))
        out.r12_previous, _ = _window_sum(spec, values, _last_12(last_year))
        out.r12_change_abs, out.r12_change_pct = change(out.r12, out.r12_previous)
        if spec.change_basis == "r12":
            out.missing = r12_missing
        if out.r12 is not None and spec.per_n:
            den = denominator_in_force(denominators, m)
            if den:
                out.rate = out.r12 / den * spec.per_n
                out.rate_denominator = den
    elif kind == "ratio":
        if obs is not None and obs.status == REPORTED and obs.categories is None:
            if (
                obs.numerator is not None
                and obs.denominator is not None
                and (obs.numerator > obs.denominator)
            ):
                out.status = INVALID
            else:
                out.month_pct = _pct(obs.numerator, obs.denominator)
        num, den, out.missing = _ratio_sums(spec, values, _fy_to(m))
        out.ytd_numerator, out.ytd_denominator = num, den
        out.ytd = num
        out.ytd_pct = _pct(num, den)
        prev_num, prev_den, _ = _ratio_sums(spec, values, _fy_to(last_year))
        out.ytd_previous = prev_num
        out.ytd_pct_previous = _pct(prev_num, prev_den)
        out.ytd_change_abs, out.ytd_change_pct = change(out.ytd, out.ytd_previous)
        if obs is not None and obs.categories is not None and obs.status == REPORTED:
            out.categories = _ratio_categories(spec, obs)
    else:  # snapshot and rolling: the figure itself, against the same month last year
        previous = values.get(last_year)
        out.previous_value = _figure(spec, previous) if previous is not None else None
        out.value_change_abs, out.value_change_pct = change(out.month_value, out.previous_value)
        if out.month_value is None and not no_figure_due(spec, obs, m):
            out.missing = [_missing(obs, m)]
        if kind == "rolling":
            out.r12 = out.month_value
            out.r12_previous = out.previous_value
            out.r12_change_abs, out.r12_change_pct = out.value_change_abs, out.value_change_pct
            if out.month_value is not None and spec.per_n:
                den = denominator_in_force(denominators, m)
                if den:
                    out.rate = out.month_value / den * spec.per_n
                    out.rate_denominator = den
        if obs is not None and obs.categories is not None:
            out.categories = _plain_categories(obs, values.get(last_year))

    if kind == "breakdown":
        _breakdown(spec, values, m, obs, out)

    target = targets.get(fy_start_year(m))
    _rate(spec, target, out, m)
    _direction(spec, out)
    _spc(spec, out, m, limits, as_of, target)
    return out


def _plain_categories(
    obs: Obs, previous: Obs | None
) -> dict[str, dict[str, float | int | str | None]]:
    out: dict[str, dict[str, float | int | str | None]] = {}
    for code, c in (obs.categories or {}).items():
        prev = (previous.categories or {}).get(code) if previous is not None else None
        prev_value = prev.value if prev is not None and prev.status == REPORTED else None
        value = c.value if c.status == REPORTED else None
        absolute, pct = change(value, prev_value)
        out[code] = {
            "status": c.status,
            "value": value,
            "previous": prev_value,
            "change_abs": absolute,
            "change_pct": pct,
        }
    return out


def _ratio_categories(spec: SeriesSpec, obs: Obs) -> dict[str, dict[str, float | int | str | None]]:
    return {
        code: {
            "status": c.status,
            "numerator": c.numerator,
            "denominator": c.denominator,
            "pct": _pct(c.numerator, c.denominator) if c.status == REPORTED else None,
        }
        for code, c in (obs.categories or {}).items()
    }


def _breakdown(
    spec: SeriesSpec,
    values: Mapping[dt.date, Obs],
    m: dt.date,
    obs: Obs | None,
    out: MonthMetrics,
) -> None:
    codes = list(spec.category_order) or sorted((obs.categories or {}) if obs else [])
    ytd_by_cat: dict[str, float] = {c: 0 for c in codes}
    ytd_complete = True
    for month in _fy_to(m):
        o = values.get(month)
        if no_figure_due(spec, o, month):
            continue
        if o is None or o.status != REPORTED or o.categories is None:
            ytd_complete = False
            continue
        for c in codes:
            cat = o.categories.get(c)
            if cat is None or cat.status != REPORTED or cat.value is None:
                ytd_complete = False
            else:
                ytd_by_cat[c] += cat.value
    total = out.month_value
    cats: dict[str, dict[str, float | int | str | None]] = {}
    for c in codes:
        cat = (obs.categories or {}).get(c) if obs is not None else None
        value = cat.value if cat is not None and cat.status == REPORTED else None
        cats[c] = {
            "status": cat.status if cat is not None else NOT_SUBMITTED,
            "value": value,
            "share": _pct(value, total),
            "ytd": ytd_by_cat[c] if ytd_complete else None,
        }
    out.categories = cats
    if spec.satisfied_categories:
        sat = [cats[c]["value"] for c in codes if c in spec.satisfied_categories]
        if total is not None and all(v is not None for v in sat):
            out.pct_satisfied = _pct(sum(sat), total)  # type: ignore[arg-type]
        if ytd_complete and out.ytd:
            out.ytd_pct_satisfied = _pct(
                sum(ytd_by_cat[c] for c in codes if c in spec.satisfied_categories), out.ytd
            )


def _basis_label(spec: SeriesSpec) -> str:
    return "Rolling 12 months" if spec.change_basis == "r12" else "YTD"


def _rate(
    spec: SeriesSpec, target: ragmod.TargetSpec | None, out: MonthMetrics, m: dt.date
) -> None:
    k = months_elapsed_in_fy(m)
    if target is not None and target.kind == "ceiling" and target.value is not None:
        out.target_to_date = ragmod.target_to_date(target.value, k)
        if out.ytd is not None:
            out.variance = out.ytd - out.target_to_date
    if target is not None and target.volume is not None:
        out.volume_to_date = ragmod.target_to_date(target.volume, k)

    if target is None or target.kind == "monitoring":
        out.rag, out.rag_reason = None, "Monitoring only: not rated"
        return
    # Never Green (never any rating) for a month without data.
    if _not_due(spec, out.status, m):
        out.rag, out.rag_reason = None, f"Not collected in {month_label(m)}: not rated"
        return
    if out.status != REPORTED:
        out.rag = None
        out.rag_reason = f"No figure for {month_label(m)}: not rated"
        return
    if out.missing:
        names = "; ".join(x.describe() for x in out.missing)
        out.rag = None
        out.rag_reason = f"{_basis_label(spec)} incomplete ({names}): not rated"
        return

    rating: ragmod.Rating
    if target.kind in {"reduce", "percent_change"}:
        if spec.kind == "snapshot":
            pct, basis = out.value_change_pct, "Change on last year"
        elif spec.kind == "rolling" or (spec.change_basis == "r12" and spec.kind != "ratio"):
            pct, basis = out.r12_change_pct, "Rolling 12 months"
        else:
            pct, basis = out.ytd_change_pct, "YTD"
        rating = ragmod.rate_change(
            pct, target, basis=basis, decimals=spec.decimals, higher_is_better=spec.polarity == "up"
        )
    elif target.kind == "ceiling":
        rating = ragmod.rate_ceiling(out.ytd, out.target_to_date, target)
    elif target.kind == "minimum":
        value = out.ytd_pct if spec.kind == "ratio" else out.ytd
        rating = ragmod.rate_minimum(
            value,
            target,
            what="YTD" if spec.kind != "ratio" else "YTD success rate",
            decimals=spec.decimals,
            volume=out.ytd_numerator if spec.kind == "ratio" else None,
            volume_to_date=out.volume_to_date if spec.kind == "ratio" else None,
        )
    elif target.kind == "range":
        value = out.ytd_pct if spec.kind == "ratio" else out.month_value
        rating = ragmod.rate_range(value, target, what="YTD rate", decimals=spec.decimals)
    else:
        rating = ragmod.Rating(None, f"Unknown target kind {target.kind!r}: not rated")
    out.rag, out.rag_reason = rating.rag, rating.reason


def _direction(spec: SeriesSpec, out: MonthMetrics) -> None:
    if spec.kind == "ratio":
        pct = None
        if out.ytd_pct is not None and out.ytd_pct_previous is not None:
            pct = out.ytd_pct - out.ytd_pct_previous
    elif spec.kind in {"snapshot"}:
        pct = out.value_change_pct
    elif spec.change_basis == "r12" or spec.kind == "rolling":
        pct = out.r12_change_pct
    else:
        pct = out.ytd_change_pct
    if pct is None:
        out.direction = None
    elif pct == 0:
        out.direction = "no_change"
    elif spec.polarity == "neutral":
        out.direction = "up" if pct > 0 else "down"
    else:
        better = pct < 0 if spec.polarity == "down" else pct > 0
        out.direction = "improving" if better else "worsening"


def _spc(
    spec: SeriesSpec,
    out: MonthMetrics,
    m: dt.date,
    limits: spc.Limits | None,
    as_of: Mapping[dt.date, tuple[int, spc.PointSignal]],
    target: ragmod.TargetSpec | None,
) -> None:
    point = as_of.get(m)
    obs_value = None
    if limits is None or point is None:
        out.variation = None
        out.assurance = spc.ASSURE_NONE if limits is None else None
        return
    index, signal = point
    if index < limits.baseline:
        # Limits are shown from the point after the baseline on (DESIGN.md).
        out.assurance = spc.ASSURE_NONE
        return
    obs_value = out.month_pct if spec.kind == "ratio" else out.month_value
    if spec.kind == "breakdown" and spec.satisfied_categories:
        obs_value = out.pct_satisfied
    out.spc_value = obs_value
    out.spc_mean, out.spc_upper, out.spc_lower = limits.mean, limits.upper, limits.lower
    out.spc_upper_near, out.spc_lower_near = limits.upper_near, limits.lower_near
    out.spc_signal = spc.signal_meaning(signal, spec.polarity)
    out.variation = spc.variation_icon(signal, spec.polarity, obs_value or 0.0, limits)
    monthly_target = None
    lower = upper = None
    if target is not None:
        if target.kind == "ceiling" and target.value is not None:
            monthly_target = target.value / 12
        elif target.kind == "minimum" and spec.kind == "ratio":
            monthly_target = target.value
        elif target.kind == "range" and spec.kind == "ratio":
            lower, upper = target.lower, target.upper
    out.assurance = spc.assurance_icon(
        limits, spec.polarity, target=monthly_target, lower=lower, upper=upper
    )
