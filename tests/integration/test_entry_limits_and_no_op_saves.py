"""A figure above the adoption's plausibility limit is refused, not warned (issue 15); a save
that changes nothing writes no new version and no audit entry."""

from __future__ import annotations

import pytest

from submissions.cycle import services
from submissions.cycle.validation import Entry
from tests.integration.cycle_helpers import jan, save

pytestmark = pytest.mark.django_db

NOTE = "Checked with the force's analyst."
# The largest TNO month of the five years before January 2017 in the seed is May 2016, 1,639
# offences (board-pack-2016-12.txt, the TNO page's month row); the default limit is ten times it.
TNO_LIMIT = 16_390


def test_a_figure_above_ten_times_the_largest_month_is_refused_even_with_a_note() -> None:
    before = jan("tno")
    with pytest.raises(services.ValidationFailed) as caught:
        save("tno", "police", Entry(value=TNO_LIMIT + 1, confirm_note=NOTE), submit=True)
    message = caught.value.checked.errors["value"]
    assert "16,391 is more than this indicator can be: at most 16,390" in message
    assert "ten times its largest month of the last five years" in message
    after = jan("tno")
    assert (after.version, after.value, after.status) == (before.version, None, "not_started")


def test_the_limit_itself_is_allowed_with_a_confirming_note() -> None:
    sub = save("tno", "police", Entry(value=TNO_LIMIT, confirm_note=NOTE), submit=True)
    assert (sub.status, sub.value) == ("submitted", TNO_LIMIT)


def test_the_issues_eleven_digit_figure_is_refused() -> None:
    with pytest.raises(services.ValidationFailed) as caught:
        save("tno", "police", Entry(value=99_999_999_999, confirm_note="yes"))
    assert "at most 16,390" in caught.value.checked.errors["value"]


def test_a_maximum_set_on_the_adoption_replaces_the_default() -> None:
    adoption = jan("tno").adoption
    adoption.figure_limit = 2_000
    adoption.save()
    with pytest.raises(services.ValidationFailed) as caught:
        save("tno", "police", Entry(value=2_001, confirm_note=NOTE))
    assert (
        "at most 2,000 (the maximum set for this indicator)" in caught.value.checked.errors["value"]
    )
    assert save("tno", "police", Entry(value=2_000, confirm_note=NOTE)).value == 2_000


def test_a_ratio_is_limited_by_ten_times_its_largest_total() -> None:
    # ATR completions: the largest total (denominator) of the seed's 2016 months is 6
    # (October 2016, 2 of 6), so the limit is 60.
    with pytest.raises(services.ValidationFailed) as caught:
        save("atr-completions", "probation", Entry(numerator=1, denominator=61), submit=True)
    assert "at most 60" in caught.value.checked.errors["denominator"]


def test_a_save_that_changes_nothing_writes_no_version_and_no_audit_entry() -> None:
    entry = Entry(value=1420, performance_overview="Down on last month.")
    first = save("tno", "police", entry)
    audited = first.history.count()
    again = save("tno", "police", entry)
    assert again.version == first.version
    assert jan("tno").history.count() == audited
    changed = save("tno", "police", Entry(value=1421, performance_overview="Down on last month."))
    assert changed.version == first.version + 1
    assert jan("tno").history.count() == audited + 1


def test_submitting_an_unchanged_draft_is_still_a_change() -> None:
    entry = Entry(value=1420)
    first = save("tno", "police", entry)
    submitted = save("tno", "police", entry, submit=True)
    assert (submitted.status, submitted.version) == ("submitted", first.version + 1)
