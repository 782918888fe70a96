"""The monthly cycle through its services: a lead's entry, saved, submitted or refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from submissions.cycle import services
from submissions.cycle.validation import Entry
from submissions.cycle.workflow import TransitionError
from tests.integration.cycle_helpers import NOW, jan, save, user

pytestmark = pytest.mark.django_db


def test_lead_saves_a_draft_then_submits() -> None:
    sub = save("tno", "police", Entry(value=1420, performance_overview="Draft text"))
    assert (sub.status, sub.value, sub.version) == ("draft", 1420, 2)
    sub = save("tno", "police", Entry(value=1420), submit=True)
    assert sub.status == "submitted"
    assert sub.submitted_by == user("police")


def test_a_submitted_form_is_locked_for_the_agency() -> None:
    save("tno", "police", Entry(value=1420), submit=True)
    with pytest.raises(TransitionError, match="submitted cannot be saved"):
        save("tno", "police", Entry(value=1500))


def test_another_agency_cannot_write_police_figures() -> None:
    with pytest.raises(PermissionDenied):
        save("tno", "fire", Entry(value=1))
    assert jan("tno").status == "not_started"


@pytest.mark.parametrize(
    ("code", "entry", "field"),
    [
        ("tno", Entry(value=-3), "value"),
        ("atr-completions", Entry(numerator=9, denominator=3), "numerator"),
        ("idap-on-programme", Entry(entry_status="not_available", reason=" "), "reason"),
        ("first-time-entrants", Entry(value=131), "reference_period"),
        ("hate-crime", Entry(categories={"all": 300, "disability": 4}), "category-disability"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_saved(
    code: str, entry: Entry, field: str
) -> None:
    owner = jan(code).adoption.owner.code
    lead = {"police": "police", "probation": "probation", "yos": "yos"}[owner]
    before = jan(code).version
    with pytest.raises(services.ValidationFailed) as caught:
        save(code, lead, entry, submit=True)
    assert field in caught.value.checked.errors
    assert jan(code).version == before and jan(code).status == "not_started"


def test_an_unusual_figure_needs_a_confirming_note() -> None:
    # Jan 2016 TNO = 1,460: 3,000 is more than 50% above it (and beyond the SPC limits).
    with pytest.raises(services.ValidationFailed) as caught:
        save("tno", "police", Entry(value=3000), submit=True)
    assert "confirm_note" in caught.value.checked.errors
    assert any("same month last year" in w for w in caught.value.checked.warnings)
    sub = save(
        "tno",
        "police",
        Entry(value=3000, confirm_note="Checked: a recording backlog."),
        submit=True,
    )
    assert sub.status == "submitted"


def test_a_second_save_from_a_stale_form_is_refused_showing_what_changed() -> None:
    sub = jan("tno")
    opened_at = sub.version
    services.submission_save(
        submission_id=sub.pk,
        user=user("coordinator"),
        entry=Entry(value=1400),
        expected_version=opened_at,
        submit=False,
        now=NOW,
    )
    with pytest.raises(services.ConcurrentEdit) as caught:
        services.submission_save(
            submission_id=sub.pk,
            user=user("police"),
            entry=Entry(value=1500),
            expected_version=opened_at,
            submit=False,
            now=NOW,
        )
    assert ("value", 1500, 1400) in caught.value.changes
    assert "coordinator" in str(caught.value)
    assert jan("tno").value == 1400  # the first save is kept


def test_figures_too_large_to_be_real_are_refused() -> None:
    with pytest.raises(services.ValidationFailed) as caught:
        save("tno", "police", Entry(value=10**25, confirm_note="sure"), submit=True)
    assert "too large" in caught.value.checked.errors["value"]


def test_categories_that_are_not_the_indicators_are_refused() -> None:
    with pytest.raises(services.ValidationFailed) as caught:
        save("hate-crime", "police", Entry(categories={"all": 300, "gone": 12}), submit=True)
    assert "gone is not a category" in caught.value.checked.errors["categories"]


def test_reloading_the_demo_never_overwrites_entered_work() -> None:
    from submissions.demo import demo_load

    save("tno", "police", Entry(value=1420, performance_overview="Mine"))
    report = demo_load(password="x")
    assert not report.changed
    assert (jan("tno").status, jan("tno").value) == ("draft", 1420)
