"""Checks on an agency's entry: errors refuse the save, warnings ask for a confirming note.

Plain Python over plain values, so every rule has a table of cases in the unit tests. Indicator
kinds are compared by their values ("ratio"): this module may not import ``indicators``, where
``IndicatorKind`` lives (a unit test checks that each kind named here is one of its members).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from decimal import Decimal

from submissions.cycle.workflow import Choice

# Far beyond any count a partnership reports; keeps the database (a bigint) safe. The forms, the
# API and the imports refuse a larger figure with this same limit.
MAX_FIGURE = 10**12

# A category's count below the disclosure threshold, in ``Entry.categories`` (printed "<10").
SUPPRESSED = "suppressed"


class EntryStatus(Choice):
    """What the agency entered for the month: figures, or why there are none."""

    REPORTED = "reported", "Figures"
    NOT_COLLECTED = "not_collected", "Not collected this month"
    NOT_AVAILABLE = "not_available", "Not available yet"


# Characters of free text each field takes (README "Limits"). Several times the longest text of
# the December 2016 pack, and within the database column where it has one (reference_period).
TEXT_LIMITS: dict[str, int] = {
    "reference_period": 200,
    "reason": 1_000,
    "confirm_note": 1_000,
    "publish_confirm_note": 1_000,
    "performance_overview": 5_000,
    "actions": 5_000,
    "benchmarking": 5_000,
    "return_reason": 1_000,
    "rag_override_justification": 1_000,
    "reopen_reason": 1_000,
    "change_note": 1_000,
}


@dataclass(frozen=True)
class Entry:
    """What an agency enters for one indicator and month."""

    entry_status: str = EntryStatus.REPORTED
    value: int | None = None
    numerator: int | None = None
    denominator: int | None = None
    decimal_value: Decimal | None = None
    categories: dict[str, int | str] | None = None  # code -> count, or SUPPRESSED
    reference_period: str = ""
    reason: str = ""
    confirm_note: str = ""
    performance_overview: str = ""
    actions: str = ""
    benchmarking: str = ""


# What a person enters, in the form's and the API's order (the submission's fields of the same
# names hold them).
ENTRY_FIELDS = tuple(f.name for f in fields(Entry))


@dataclass(frozen=True)
class Context:
    """What an entry is checked against."""

    kind: str
    category_codes: tuple[str, ...] = ()
    total_category: str | None = None
    suppression_threshold: int | None = None
    last_year_value: float | None = None
    spc_lower: float | None = None
    spc_upper: float | None = None
    month_label: str = ""
    # The largest figure an entry may give (refused above it, not warned), and why it is that.
    figure_limit: int | None = None
    limit_set: bool = False  # True: the adoption's maximum; False: ten times the largest month


@dataclass
class Checked:
    errors: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _whole(errors: dict[str, str], name: str, value: object, label: str) -> None:
    if value is None:
        errors[name] = f"Enter the {label}."
    elif isinstance(value, bool) or not isinstance(value, int):
        errors[name] = f"The {label} must be a whole number."
    elif value < 0:
        errors[name] = f"The {label} cannot be negative."
    elif value > MAX_FIGURE:
        errors[name] = f"The {label} is too large to be a real figure: check it."


TEXT_LABELS = {
    "reference_period": "period the figure covers",
    "reason": "reason",
    "confirm_note": "confirming note",
    "publish_confirm_note": "confirming note",
    "performance_overview": "performance overview",
    "actions": "actions",
    "benchmarking": "benchmarking",
    "return_reason": "reason for returning it",
    "rag_override_justification": "justification",
    "reopen_reason": "reason for reopening it",
    "change_note": "change note",
}
ENTRY_TEXTS = (
    "reference_period",
    "reason",
    "confirm_note",
    "performance_overview",
    "actions",
    "benchmarking",
)


def text_problem(name: str, text: str) -> str | None:
    """Why a free text cannot be kept (None when it can): over its limit, or with a NUL
    character (which PostgreSQL cannot store)."""
    label, limit = TEXT_LABELS[name], TEXT_LIMITS[name]
    if "\x00" in text:
        return f"The {label} contains a null character: remove it."
    if len(text) > limit:
        return (
            f"The {label} is too long: at most {limit:,} characters (this one has {len(text):,})."
        )
    return None


# The parts of an entry each kind takes; anything else would be stored, then approved.
_FIGURE_PARTS = ("value", "numerator", "denominator", "decimal_value", "categories")
_TAKES = {
    "categories": ({"categories"}, "a figure per category (categories)"),
    "ratio": (
        {"numerator", "denominator"},
        "a number successful and a total (numerator and denominator)",
    ),
    "rolling": ({"value", "decimal_value"}, "one figure (value, or decimal_value for a rate)"),
    "whole": ({"value"}, "one whole number (value)"),
}


def _check_shape(entry: Entry, ctx: Context, errors: dict[str, str]) -> None:
    if ctx.category_codes or ctx.kind == "breakdown":
        takes, words = _TAKES["categories"]
    else:
        takes, words = _TAKES.get(ctx.kind, _TAKES["whole"])
    for part in _FIGURE_PARTS:
        given = getattr(entry, part)
        if part in takes or given is None or given == {}:
            continue
        if part == "categories":
            errors[part] = f"This indicator has no categories: it takes {words}."
        else:
            errors[part] = f"This indicator takes {words}: leave out {part}."
    if ctx.kind == "rolling" and entry.value is not None and entry.decimal_value is not None:
        errors["decimal_value"] = "Give the figure once: value or decimal_value, not both."


def check_entry(entry: Entry, ctx: Context, *, final: bool) -> Checked:
    """Errors (nothing is saved) and warnings (saved only with a confirming note).

    ``final`` is True on submit: a draft may be incomplete, a submission may not. The one place
    an entry's shape is checked against its indicator (pages, API and approval all call it).
    """
    result = _check_figures(entry, ctx, final=final)
    for name in ENTRY_TEXTS:
        problem = text_problem(name, getattr(entry, name) or "")
        if problem:
            result.errors.setdefault(name, problem)
    return result


def _check_figures(entry: Entry, ctx: Context, *, final: bool) -> Checked:
    result = Checked()
    errors = result.errors
    if entry.entry_status not in set(EntryStatus):
        errors["entry_status"] = "Choose figures, not collected this month, or not available."
        return result
    _check_shape(entry, ctx, errors)
    if errors:
        return result
    if entry.entry_status == EntryStatus.NOT_AVAILABLE:
        if not entry.reason.strip():
            errors["reason"] = "Say why the figure is not available (it is printed as TBC)."
        return result
    if entry.entry_status == EntryStatus.NOT_COLLECTED:
        return result
    blank = (
        entry.value is None
        and entry.numerator is None
        and entry.denominator is None
        and entry.decimal_value is None
        and not entry.categories
    )
    if blank and not final:
        return result  # a draft with commentary only
    kind = ctx.kind
    if ctx.category_codes:
        _check_categories(entry, ctx, errors)
    elif kind in {"count", "ceiling", "snapshot"}:
        _whole(errors, "value", entry.value, "figure")
    elif kind == "ratio":
        _whole(errors, "numerator", entry.numerator, "number successful")
        _whole(errors, "denominator", entry.denominator, "total")
        num, den = entry.numerator, entry.denominator
        if not errors and num is not None and den is not None and num > den:
            errors["numerator"] = (
                f"{entry.numerator} out of {entry.denominator} is impossible: the number "
                "successful cannot be more than the total."
            )
    elif kind == "rolling":
        if entry.value is None and entry.decimal_value is None:
            errors["value"] = "Enter the figure (a count, or a published rate)."
        elif entry.value is not None:
            _whole(errors, "value", entry.value, "figure")
        elif entry.decimal_value is not None and entry.decimal_value < 0:
            errors["value"] = "The figure cannot be negative."
        if not entry.reference_period.strip():
            errors["reference_period"] = (
                "Give the period the figure covers (e.g. Jul 2015–Jun 2016)."
            )
    elif kind == "breakdown" or ctx.category_codes:
        _check_categories(entry, ctx, errors)
    if errors:
        return result
    _check_limit(entry, ctx, errors)
    if errors:
        return result
    _warnings(entry, ctx, result)
    return result


def _limited_parts(entry: Entry) -> list[tuple[str, float]]:
    """Each figure the plausibility limit applies to, with the field it was entered in."""
    parts: list[tuple[str, float]] = []
    for name in ("value", "numerator", "denominator"):
        given = getattr(entry, name)
        if isinstance(given, int) and not isinstance(given, bool):
            parts.append((name, given))
    if entry.decimal_value is not None:
        parts.append(("value", float(entry.decimal_value)))
    for code, raw in (entry.categories or {}).items():
        if isinstance(raw, int) and not isinstance(raw, bool):
            parts.append((f"category-{code}", raw))
        elif isinstance(raw, dict):
            parts += [(f"category-{code}", n) for n in raw.values() if isinstance(n, int | float)]
    return parts


def _check_limit(entry: Entry, ctx: Context, errors: dict[str, str]) -> None:
    """Refuse a figure above the adoption's plausibility limit: a typo of a few extra digits
    would otherwise pass with a confirming note and reach the board."""
    limit = ctx.figure_limit
    if limit is None:
        return
    why = (
        "the maximum set for this indicator"
        if ctx.limit_set
        else "ten times its largest month of the last five years"
    )
    for name, figure in _limited_parts(entry):
        if figure > limit and name not in errors:
            errors[name] = (
                f"{figure:,.0f} is more than this indicator can be: at most {limit:,} ({why}). "
                "Check the figure; if it is right, ask the coordinator to set a higher maximum."
            )


def _check_categories(entry: Entry, ctx: Context, errors: dict[str, str]) -> None:
    cats = entry.categories or {}
    if not isinstance(cats, dict):
        errors["categories"] = "Give the categories as code: figure pairs."
        return
    unknown = sorted(set(cats) - set(ctx.category_codes))
    if unknown:
        errors["categories"] = (
            f"{', '.join(unknown)} is not a category of this indicator (any more): enter the "
            "figures again."
        )
        return
    parts: list[int] = []
    for code in ctx.category_codes:
        raw = cats.get(code)
        name = f"category-{code}"
        if raw == SUPPRESSED:
            if ctx.suppression_threshold is None:
                errors[name] = "This indicator does not suppress small counts: enter the count."
            continue
        if isinstance(raw, dict):  # a ratio per category (n of N)
            extra = sorted(set(raw) - {"numerator", "denominator"})
            if extra:
                errors[name] = (
                    f"A figure per category takes numerator and denominator only, not "
                    f"{', '.join(extra)}."
                )
                continue
            num, den = raw.get("numerator"), raw.get("denominator")
            _whole(errors, name, num, "number")
            if name not in errors:
                _whole(errors, name, den, "total")
            if name not in errors and num > den:
                errors[name] = f"{num} out of {den} is impossible: more than the total."
            continue
        _whole(errors, name, raw, "count")
        if name not in errors:
            if (
                ctx.suppression_threshold is not None
                and isinstance(raw, int)
                and 0 < raw < ctx.suppression_threshold
            ):
                errors[name] = (
                    f"Counts under {ctx.suppression_threshold} are not published: mark it "
                    "suppressed instead."
                )
            elif code != ctx.total_category and isinstance(raw, int):  # _whole checked it
                parts.append(raw)
    if errors or not ctx.total_category:
        return
    total = cats.get(ctx.total_category)
    suppressed = any(cats.get(c) == SUPPRESSED for c in ctx.category_codes)
    if isinstance(total, int) and not suppressed and sum(parts) > total and ctx.kind == "breakdown":
        errors[f"category-{ctx.total_category}"] = (
            f"The categories add up to {sum(parts)}, more than the total of {total}."
        )


def _warnings(entry: Entry, ctx: Context, result: Checked) -> None:
    figure: float | None = None
    if ctx.kind in {"count", "ceiling", "snapshot"} and entry.value is not None:
        figure = entry.value
    elif ctx.kind == "ratio" and entry.numerator is not None and entry.denominator:
        figure = entry.numerator / entry.denominator * 100
    elif ctx.kind == "rolling":
        figure = (
            entry.value
            if entry.value is not None
            else (float(entry.decimal_value) if entry.decimal_value is not None else None)
        )
    if figure is None:
        return
    if (
        ctx.spc_upper is not None
        and ctx.spc_lower is not None
        and not (ctx.spc_lower <= figure <= ctx.spc_upper)
    ):
        result.warnings.append(
            f"{figure:,.0f} is outside the usual range for this indicator "
            f"({ctx.spc_lower:,.0f} to {ctx.spc_upper:,.0f}, the SPC process limits)."
        )
    if ctx.last_year_value:
        change = (figure - ctx.last_year_value) / ctx.last_year_value * 100
        if abs(change) > 50:
            result.warnings.append(
                f"{figure:,.0f} is {abs(change):.0f}% {'above' if change > 0 else 'below'} the "
                f"same month last year ({ctx.last_year_value:,.0f})."
            )
    if result.warnings and not entry.confirm_note.strip():
        result.errors["confirm_note"] = (
            "Check the figure: " + " ".join(result.warnings) + " If it is right, add a note "
            "that confirms it."
        )


def contradictions_refusal(contradictions: Sequence[str], confirm_note: str) -> str | None:
    """Why a pack cannot be published yet (None when it can): commentary the figures contradict
    stands and no confirming note says why it is published as it is. Warnings on the entry form
    and the review panel; at publishing, as for a figure's warnings, a note answers them."""
    if not contradictions or confirm_note.strip():
        return None
    shown = "; ".join(contradictions[:5])
    more = f"; and {len(contradictions) - 5} more" if len(contradictions) > 5 else ""
    return (
        f"The commentary contradicts the figures in {len(contradictions)} place"
        f"{'' if len(contradictions) == 1 else 's'}: {shown}{more}. Correct the commentary "
        "(return the entries to their agencies), or add a confirming note saying why the pack "
        "is published as it is."
    )
