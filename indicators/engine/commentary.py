"""Commentary drafts written from the figures, and a check of human-written commentary.

The drafts use the seed pack's register ("Year to date (YTD) Barking and Dagenham shows a 1%
increase (up 132 offences) at December 2016 …") so the narrative cannot contradict the table. The
check finds numbers in a person's text that disagree with the computed figures.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from indicators.engine.formatting import figure, month_label, number, percent, rate_per
from indicators.engine.measures import MonthMetrics
from indicators.engine.periods import MONTH_NAMES, add_months
from indicators.engine.vocabulary import COUNT_KINDS, Frequency, IndicatorKind


@dataclass(frozen=True, slots=True)
class Facts:
    """What the sentences are written from: the area, the unit and one month's metrics."""

    area: str
    unit: str
    kind: str
    decimals: int
    metrics: MonthMetrics
    per_n: int | None = None
    rate_unit: str = ""  # who the rate counts, from the population series: "households"
    target_to_date_label: str = "the target to date"
    frequency: str = Frequency.MONTHLY  # a lagged figure's text names its own period's months


def _pct_words(change_pct: float | None, change_abs: float | None, decimals: int) -> str:
    """'a 1% increase (up 132 offences)' style, or 'no change'."""
    if change_abs is None:
        return ""
    if change_abs == 0:
        return "no change"
    word = "increase" if change_abs > 0 else "decrease"
    if change_pct is None:
        return f"an {word}" if word == "increase" else f"a {word}"
    pct = number(abs(change_pct), decimals)
    article = "an" if re.match(r"8|11(?!\d)|18(?!\d)", pct) else "a"  # an 8%, an 11%
    return f"{article} {pct}% {word}"


def _up_down(change_abs: float, unit: str) -> str:
    return f"{'up' if change_abs > 0 else 'down'} {number(abs(change_abs))} {unit}"


def ytd_sentence(f: Facts) -> str | None:
    m = f.metrics
    now, before = month_label(m.month), month_label(add_months(m.month, -12))
    if m.ytd is None:
        if m.missing:
            names = "; ".join(x.describe() for x in m.missing)
            return f"The year to date (YTD) figure for {f.area} at {now} is incomplete: {names}."
        return None
    if m.ytd_previous is None:
        return (
            f"Year to date (YTD) {f.area} shows {number(m.ytd)} {f.unit} at {now}; "
            f"there is no figure for {before} to compare with."
        )
    words = _pct_words(m.ytd_change_pct, m.ytd_change_abs, f.decimals)
    if m.ytd_change_abs == 0:
        return (
            f"Year to date (YTD) {f.area} shows no change at {now} ({number(m.ytd)} {f.unit}) "
            f"when compared to {before} ({number(m.ytd_previous)})."
        )
    assert m.ytd_change_abs is not None
    return (
        f"Year to date (YTD) {f.area} shows {words} ({_up_down(m.ytd_change_abs, f.unit)}) "
        f"at {now} ({number(m.ytd)} {f.unit}) when compared to {before} "
        f"({number(m.ytd_previous)})."
    )


def r12_sentence(f: Facts) -> str | None:
    m = f.metrics
    if m.r12 is None:
        return None
    start, end = month_label(add_months(m.month, -11)), month_label(m.month)
    prev_start = month_label(add_months(m.month, -23))
    prev_end = month_label(add_months(m.month, -12))
    head = f"Using the latest rolling 12-month period ({start} to {end}) {number(m.r12)} {f.area}"
    if m.r12_previous is None or m.r12_change_abs is None:
        return f"{head} has no figure for the previous rolling 12 months to compare with."
    if m.r12_change_abs == 0:
        change = "shows no change"
    else:
        change = (
            f"shows {_pct_words(m.r12_change_pct, m.r12_change_abs, f.decimals)} "
            f"({_up_down(m.r12_change_abs, f.unit)})"
        )
    return (
        f"{head} {change} compared to the previous rolling 12-month period ({prev_start} to "
        f"{prev_end}) {number(m.r12_previous)}."
    )


def rate_sentence(f: Facts, ranks: Sequence[Mapping[str, object]] | None = None) -> str | None:
    m = f.metrics
    if m.rate is None or not f.per_n:
        return None
    text = f"{f.area} has a rate of {number(m.rate, 2)} {rate_per(f.per_n, f.rate_unit)}"
    parts = []
    for r in ranks or []:
        if r.get("position") is not None:
            parts.append(f"ranked {r['position']} of {r['size']} in the {r['group']} group")
    if parts:
        text += " and is " + " and ".join(parts)
    return text + "."


def ratio_sentence(f: Facts) -> str | None:
    m = f.metrics
    now = month_label(m.month)
    if m.ytd_numerator is None:
        if m.missing:
            names = "; ".join(x.describe() for x in m.missing)
            return f"The year to date (YTD) figure for {f.area} at {now} is incomplete: {names}."
        return None
    if m.ytd_denominator is None or m.ytd_pct is None:
        return f"Year to date (YTD) at {now} there were {number(m.ytd_numerator)} {f.unit}."
    return (
        f"Year to date (YTD) at {now} {number(m.ytd_numerator)} of "
        f"{number(m.ytd_denominator)} ({number(m.ytd_pct, 1)}%) {f.unit} were successful."
    )


def value_sentence(f: Facts) -> str | None:
    m = f.metrics
    if m.month_value is None:
        if m.missing:
            return f"No figure for {month_label(m.month)}: {m.missing[0].describe()}."
        return None
    value = figure(m.month_value)
    lagged = m.figure_month is not None and m.figure_month != m.month and m.period_label
    if lagged:  # the latest available period, not the month's own (``lagged``)
        text = f"The latest available figure for {f.area}, for the {m.period_label}, is {value}"
    else:
        text = f"At {month_label(m.month)} the figure for {f.area} is {value}"
    if m.previous_value is not None and m.value_change_abs is not None:
        before = (
            "the same period a year earlier" if lagged else month_label(add_months(m.month, -12))
        )
        prev = figure(m.previous_value)
        if m.value_change_abs == 0:
            return f"{text}: no change on {before} ({prev})."
        words = _pct_words(m.value_change_pct, m.value_change_abs, f.decimals)
        return f"{text}, {words} on {before} ({prev})."
    return text + "."


def ceiling_sentence(f: Facts) -> str | None:
    m = f.metrics
    if m.target_to_date is None or m.ytd is None or m.month_value is None:
        return None
    side = "below" if m.ytd <= m.target_to_date else "above"
    return (
        f"There were {number(m.month_value)} {f.unit} in {month_label(m.month)}, bringing the "
        f"YTD to {number(m.ytd)}, {side} {f.target_to_date_label} ({number(m.target_to_date)})."
    )


def breakdown_sentence(f: Facts) -> str | None:
    m = f.metrics
    if m.ytd is None:
        if m.missing:
            names = "; ".join(x.describe() for x in m.missing)
            now = month_label(m.month)
            return f"The year to date (YTD) figure for {f.area} at {now} is incomplete: {names}."
        return None
    text = f"Year to date (YTD) at {month_label(m.month)} there were {number(m.ytd)} {f.unit}"
    if m.ytd_pct_satisfied is not None:
        text += f", {number(m.ytd_pct_satisfied, f.decimals)}% of them satisfied"
    return text + "."


def draft_overview(f: Facts, ranks: Sequence[Mapping[str, object]] | None = None) -> str:
    """The performance overview draft for one indicator page."""
    kind = f.kind
    sentences: list[str | None]
    if kind in COUNT_KINDS:
        sentences = [ceiling_sentence(f), ytd_sentence(f), r12_sentence(f), rate_sentence(f, ranks)]
    elif kind == IndicatorKind.RATIO:
        sentences = [ratio_sentence(f)]
    elif kind == IndicatorKind.BREAKDOWN:
        sentences = [breakdown_sentence(f)]
    else:
        sentences = [value_sentence(f), rate_sentence(f, ranks)]
    return " ".join(s for s in sentences if s)


# --- checking a person's commentary ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Finding:
    """A sentence of a person's text that the figures contradict; ``where`` names the text
    ("overview", "actions", or whatever a caller checks)."""

    quote: str
    message: str
    where: str = "overview"


_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*(%?)")
_MONTHS = "|".join(MONTH_NAMES)
# A month named as the point a figure is "at" or runs "to": the month the text reports on.
_PERIOD_END = re.compile(
    rf"\b(?:to|at|as at|as of|ending|end of|–|-)\s+({_MONTHS})\s+(\d{{4}})", re.IGNORECASE
)
_PREVIOUS = re.compile(r"compared|previous|last year|same time", re.IGNORECASE)
_SAYS_UP = re.compile(r"\b(increas(e|es|ed|ing)|up|ris(e|es|en|ing)|rose|higher)\b", re.IGNORECASE)
_SAYS_DOWN = re.compile(
    r"\b(decreas(e|es|ed|ing)|down|reduction|reduced|fall(s|en|ing)?|fell|lower)\b", re.IGNORECASE
)


def _sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z(])|\n+|•", text)
    return [p.strip(" -–\t") for p in parts if p.strip(" -–\t")]


def _measure(sentence: str) -> str | None:
    lower = sentence.lower()
    if "rolling 12" in lower or "rolling twelve" in lower:
        return "r12"
    if "year to date" in lower or "ytd" in lower:
        return "ytd"
    return None


def _to_number(whole: str, frac: str | None) -> float:
    return float(whole.replace(",", "") + (frac or ""))


def check_texts(f: Facts, **texts: str) -> list[Finding]:
    """What the figures contradict in each of a person's texts, named by keyword
    (``check_texts(facts, overview=..., actions=...)``): each finding says which text it is in.

    The same check for every free text of a page: the overview, the actions, and any action's
    text a caller passes one at a time."""
    return [
        Finding(x.quote, x.message, where)
        for where, text in texts.items()
        for x in check_commentary(text or "", f)
    ]


def check_commentary(text: str, f: Facts) -> list[Finding]:
    """Numbers, periods and directions in ``text`` that contradict the computed figures.

    Every sentence: a month named as the point of a figure ("at October 2016") that is neither
    the month reported on nor the same month a year earlier (not for figures that arrive with a
    lag, rolling or cohort figures and quarterly or annual ones, whose periods end earlier and
    whose text names them: "the January 2014 to December 2014 cohort"). Sentences naming a
    measure (year to date, rolling 12 months): "up", "down", "rise", "fall", "increase",
    "decrease" against the sign of that measure's change, and the figures quoted against the
    table (its value, last year's, the change and the change in per cent). Other areas'
    averages are not ours to check.
    """
    m = f.metrics
    lagged = f.kind == IndicatorKind.ROLLING or f.frequency != Frequency.MONTHLY
    findings: list[Finding] = []
    for sentence in _sentences(text):
        if not lagged:
            findings += _check_periods(sentence, m.month)
        measure = _measure(sentence)
        if measure is None or re.search(r"\baverage\b", sentence, re.IGNORECASE):
            continue  # other areas' figures ("the MET average YTD is +3%") are not ours to check
        findings += _check_figures(sentence, m, measure)
    return findings


def _check_figures(sentence: str, m: MonthMetrics, measure: str) -> list[Finding]:
    findings = []
    current = m.r12 if measure == "r12" else m.ytd
    previous = m.r12_previous if measure == "r12" else m.ytd_previous
    change_abs = m.r12_change_abs if measure == "r12" else m.ytd_change_abs
    change_pct = m.r12_change_pct if measure == "r12" else m.ytd_change_pct
    label = "rolling 12 months" if measure == "r12" else "year to date"
    split = _PREVIOUS.search(sentence)
    boundary = split.start() if split else len(sentence)
    says_up = _SAYS_UP.search(sentence) is not None
    says_down = _SAYS_DOWN.search(sentence) is not None
    if change_abs not in (None, 0) and says_up != says_down:
        if says_up and change_abs < 0:
            findings.append(Finding(sentence, f"says an increase, but the {label} fell"))
        elif says_down and change_abs > 0:
            findings.append(Finding(sentence, f"says a decrease, but the {label} rose"))
    for match in _NUMBER.finditer(sentence):
        whole, frac, pct = match.groups()
        value = _to_number(whole, frac)
        before_text = sentence[max(0, match.start() - 12) : match.start()].lower()
        if pct:
            if change_pct is not None and abs(abs(change_pct) - value) > 1.0:
                findings.append(
                    Finding(
                        sentence,
                        f"says {whole}{frac or ''}% where the {label} change is "
                        f"{percent(abs(change_pct), 1)}",
                    )
                )
            continue
        if "," not in whole and 1900 <= value <= 2100:
            continue  # a year
        if re.search(r"\b(up|down)\s*$", before_text):
            if change_abs is not None and value != abs(change_abs):
                findings.append(
                    Finding(
                        sentence,
                        f"says {'up' if 'up' in before_text else 'down'} {whole} where the "
                        f"{label} changed by {number(change_abs)}",
                    )
                )
            continue
        expected = previous if match.start() > boundary else current
        if expected is None or value < 10:
            continue
        if value != expected and abs(value - expected) <= 0.1 * expected:
            which = "last year's " if match.start() > boundary else ""
            findings.append(
                Finding(
                    sentence,
                    f"says {whole} where {which}{label} is {number(expected)}",
                )
            )
    return findings


def _check_periods(sentence: str, month: dt.date) -> list[Finding]:
    out = []
    expected_ends = {month, add_months(month, -12)}
    for name, year in _PERIOD_END.findall(sentence):
        referred = dt.date(int(year), MONTH_NAMES.index(name.capitalize()) + 1, 1)
        if referred.year < month.year - 2:
            continue
        if referred not in expected_ends:
            out.append(
                Finding(
                    sentence,
                    f"refers to {name.capitalize()} {year}; "
                    f"the figures are for {month_label(month)}",
                )
            )
    return out
