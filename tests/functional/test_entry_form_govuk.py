"""The entry form as people type into it (issue 15): GOV.UK components, figures with commas,
refusals that store nothing, the hidden figure of "not available", and the review panel."""

from __future__ import annotations

import pytest

from tests.functional.bad_input_helpers import _unchanged, api, jan, web

pytestmark = pytest.mark.django_db


def _post(username: str, **fields: str):
    sub = jan("tno")
    data = {"entry_status": "reported", "version": str(sub.version), "action": "save", **fields}
    return web(username).post(f"/submissions/{sub.pk}/", data)


@pytest.mark.parametrize("typed", ["1,421", " 1421 ", "1421"])
def test_a_figure_with_commas_or_spaces_is_saved_as_its_number(typed: str) -> None:
    response = _post("police", value=typed)
    assert response.status_code == 302
    assert jan("tno").value == 1421


@pytest.mark.parametrize("typed", ["abc", "1.5", "-3", "14,21", "1 421"])
def test_anything_else_gives_the_error_summary_and_stores_nothing(typed: str) -> None:
    before = jan("tno")
    response = _post("police", value=typed, performance_overview="Kept only with the figure.")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="govuk-error-summary"' in html
    assert '<a href="#id_value">Enter the number of offences as a whole number, like 1421</a>' in (
        html
    )
    assert 'class="govuk-input govuk-input--width-10 govuk-input--error"' in html
    _unchanged(before)
    assert jan("tno").performance_overview == ""


def test_the_figure_input_is_text_with_a_numeric_keyboard() -> None:
    html = web("police").get(f"/submissions/{jan('tno').pk}/").content.decode()
    assert 'type="text" name="value"' in html and 'inputmode="numeric"' in html
    assert 'type="number"' not in html


def test_the_entry_page_uses_govuk_radios_with_conditional_reveal_and_buttons() -> None:
    html = web("police").get(f"/submissions/{jan('tno').pk}/").content.decode()
    assert 'class="govuk-radios" data-csp-conditional' in html
    for answer in ("reported", "not_collected", "not_available"):
        assert f'data-aria-controls="conditional-{answer}"' in html
    # The figures are revealed by "Enter the figures", the reasons by the other two.
    reported = html.index('id="conditional-reported"')
    assert reported < html.index('id="id_value"') < html.index('id="conditional-not_collected"')
    assert html.index('id="conditional-not_available"') < html.index('id="id_reason"')
    assert 'class="govuk-button"' in html and "govuk-button--secondary" in html
    assert 'class="govuk-details" id="draft-panel"' in html
    # The same month last year: January 2016, 1,460 offences (the demo's derived month).
    assert 'id="same-month-last-year">1,460' in html


def test_not_available_keeps_the_reason_and_not_a_figure_typed_behind_it() -> None:
    response = _post(
        "police", entry_status="not_available", value="abc", reason="Not yet extracted."
    )
    assert response.status_code == 302
    sub = jan("tno")
    assert (sub.entry_status, sub.value, sub.reason) == (
        "not_available",
        None,
        "Not yet extracted.",
    )


def test_not_collected_reads_its_own_reason_box() -> None:
    response = _post("police", entry_status="not_collected", reason_not_collected="Quarterly.")
    assert response.status_code == 302
    assert (jan("tno").entry_status, jan("tno").reason) == ("not_collected", "Quarterly.")


def test_not_available_without_a_reason_links_the_summary_to_its_box() -> None:
    response = _post("police", entry_status="not_available", reason=" ")
    assert response.status_code == 200
    assert '<a href="#id_reason">Say why the figure is not available' in response.content.decode()


def test_the_confirming_note_is_asked_for_only_when_a_warning_applies() -> None:
    plain = web("police").get(f"/submissions/{jan('tno').pk}/").content.decode()
    assert 'name="confirm_note"' not in plain
    # 3,000 is more than 50% above January 2016's 1,460: the note is asked for, nothing saved.
    refused = _post("police", value="3,000").content.decode()
    assert 'name="confirm_note"' in refused and 'href="#id_confirm_note"' in refused
    assert jan("tno").value is None


def test_a_save_that_changes_nothing_says_so_and_keeps_the_version() -> None:
    assert _post("police", value="1,421").status_code == 302
    sub = jan("tno")
    client = web("police")
    response = client.post(
        f"/submissions/{sub.pk}/",
        {"entry_status": "reported", "value": "1421", "version": str(sub.version)},
        follow=True,
    )
    assert jan("tno").version == sub.version
    page = response.content.decode()
    assert "nothing had changed, so nothing was saved" in page
    assert "govuk-notification-banner--success" in page


def test_the_review_panel_uses_govuk_components() -> None:
    _post("police", value="1,421", action="submit")
    html = web("coordinator").get(f"/submissions/{jan('tno').pk}/").content.decode()
    assert 'class="govuk-summary-list" id="review-context"' in html
    assert "govuk-button--warning" in html  # return
    assert 'class="govuk-tag govuk-tag--blue" id="status">Submitted' in html
    assert "govuk-character-count" in html  # the reason for returning it


def test_the_api_refuses_a_figure_above_the_plausibility_limit_too() -> None:
    # The issue's figure; TNO's limit is ten times May 2016's 1,639 offences (the seed).
    sub = jan("tno")
    response = api("police").put(
        f"/api/submissions/{sub.pk}/",
        {"version": sub.version, "value": 99_999_999_999, "confirm_note": "yes"},
        format="json",
    )
    assert response.status_code == 400
    assert "at most 16,390" in response.json()["errors"]["value"]
    _unchanged(sub)
