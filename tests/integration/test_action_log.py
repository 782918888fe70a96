"""The action log (issue 13, item 7): the demo's seed actions, carrying forward, who may
change what, the audit trail, and the pack's frozen log with its overdue count.

Expected figures are the seed's (board-pack-2016-12.txt) or counted by hand in the comments."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from csp import permissions
from csp.models import Agency
from indicators.models import Adoption
from submissions.actions_log import services
from submissions.actions_log.errors import ActionError
from submissions.actions_log.rules import ActionStatus, Owner
from submissions.actions_log.selectors import action_panel, actions_visible_to
from submissions.models import Action, ReportingRound, Submission
from submissions.packs.action_log import overdue_actions
from submissions.packs.snapshot import pack_snapshot_build

pytestmark = pytest.mark.django_db
DEC, JAN, FEB = dt.date(2016, 12, 1), dt.date(2017, 1, 1), dt.date(2017, 2, 1)
BD = "E09000002"


def user(name: str):
    return get_user_model().objects.get(username=name)


def adoption(code: str) -> Adoption:
    return Adoption.objects.get(partnership__area__code=BD, indicator__code=code)


def agency(code: str) -> Owner:
    return Owner(agency_id=Agency.objects.get(partnership__area__code=BD, code=code).pk)


def add(code: str, who: str = "coordinator", month: dt.date = JAN, **kw) -> Action:
    values = {"text": f"Action on {code}", "owner": agency("police"), "due_date": None} | kw
    return services.action_create(
        adoption_id=adoption(code).pk, user=user(who), month=month, **values
    )


# --- the demo's seed actions ------------------------------------------------------------------


def test_the_seed_packs_actions_are_open_actions_of_december_2016() -> None:
    seeded = Action.objects.filter(adoption__partnership__area__code=BD, created_in=DEC)
    # 34 seed pages; the two re-offending pages print no actions: 32 actions.
    assert seeded.count() == 32
    assert set(seeded.values_list("status", flat=True)) == {ActionStatus.OPEN}
    # Owned by each indicator's owning agency.
    for a in seeded.select_related("adoption"):
        assert a.owner_agency_id == a.adoption.owner_id and a.owner_person_id is None
    # Due dates only where the seed's words give one.
    dated = dict(seeded.exclude(due_date=None).values_list("adoption__indicator__code", "due_date"))
    assert dated == {
        "hate-crime": dt.date(2017, 2, 28),  # "by the end of February at the latest"
        "atr-completions": dt.date(2017, 3, 31),  # "by the year end" (2016/17)
        "drr-completions": dt.date(2017, 3, 31),
    }
    hate = seeded.get(adoption__indicator__code="hate-crime")
    assert hate.text.startswith("TBC: Please Note: The hate crime dashboard is currently due")
    # The free text stays on the submission, as stored before the log (nothing dropped).
    sub = Submission.objects.get(round__month=DEC, indicator__code="hate-crime")
    assert sub.actions == hate.text


def test_the_demo_december_pack_froze_its_log() -> None:
    version = ReportingRound.objects.get(partnership__area__code=BD, month=DEC).versions.get()
    pages = {p["code"]: p for p in version.snapshot["indicators"]}
    assert len(pages["hate-crime"]["action_log"]) == 1
    assert pages["hate-crime"]["action_log"][0]["due_label"] == "28 February 2017"
    assert pages["reoffending-young"]["action_log"] == []
    # None overdue: the only due dates are February and March 2017.
    assert sum(a["overdue"] for p in pages.values() for a in p["action_log"]) == 0


# --- carried forward ------------------------------------------------------------------------


def test_open_actions_carry_to_next_months_form_until_done() -> None:
    police = user("police")
    jan = Submission.objects.get(round__month=JAN, indicator__code="hate-crime")
    texts = [r.action.text for r in action_panel(police, jan).rows]
    assert len(texts) == 1 and texts[0].startswith("TBC: Please Note")
    seed = action_panel(police, jan).rows[0].action
    # Done in January: January's form still shows it (as done); February's would not.
    services.action_update(action_id=seed.pk, user=police, month=JAN, status="done")
    seed.refresh_from_db()
    assert (seed.status, seed.closed_in) == (ActionStatus.DONE, JAN)
    assert [r.action.status for r in action_panel(police, jan).rows] == ["done"]
    feb = ReportingRound.objects.create(
        partnership=jan.round.partnership, month=FEB, deadline=dt.date(2017, 3, 10)
    )
    feb_sub = Submission.objects.create(
        round=feb, indicator=jan.indicator, adoption=jan.adoption, status="not_started"
    )
    assert action_panel(police, feb_sub).rows == []
    # Set back to open, it is carried again.
    services.action_update(action_id=seed.pk, user=police, month=FEB, status="on_track")
    seed.refresh_from_db()
    assert (seed.status, seed.closed_in) == (ActionStatus.ON_TRACK, None)
    assert [r.action.pk for r in action_panel(police, feb_sub).rows] == [seed.pk]


def test_an_action_added_in_january_is_not_in_december() -> None:
    added = add("tno", month=JAN)
    assert added.created_in == JAN
    dec = ReportingRound.objects.get(partnership__area__code=BD, month=DEC)
    tno = pack_snapshot_build(dec).page("tno")
    assert tno is not None and all(a.text != added.text for a in tno.action_log)


def test_every_change_is_audited_with_who() -> None:
    police = user("police")
    action = add("burglary", who="police", due_date=dt.date(2017, 2, 1))
    services.action_update(
        action_id=action.pk, user=police, month=JAN, status="off_track", due_date=None
    )
    services.action_update(action_id=action.pk, user=user("coordinator"), month=JAN,
                           status="done")  # fmt: skip
    records = list(action.history.order_by("history_date"))
    assert [r.history_user.username for r in records] == ["police", "police", "coordinator"]
    assert records[0].history_change_reason == "Action added in January 2017"
    assert records[1].history_change_reason == "Changed due date, status Open → Off track"
    assert records[2].history_change_reason == "Changed status Off track → Done in January 2017"


# --- who may change what ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "code", "allowed"),
    [
        ("coordinator", "arson", True),  # the coordinator: every indicator
        ("police", "tno", True),  # the owning agency's lead
        ("police", "arson", False),  # another agency's indicator (the fire brigade's)
        ("fire", "arson", True),
        ("board", "tno", False),  # the board reads the published log only
        ("admin", "tno", False),
        ("mopac", "tno", False),  # a regional reader: nothing of the partnership's own
    ],
)
def test_who_may_change_the_log(who: str, code: str, allowed: bool) -> None:
    assert permissions.can_edit_actions(user(who), adoption(code)) is allowed
    assert permissions.can_view_actions(user(who), adoption(code)) is allowed
    if allowed:
        assert add(code, who=who).pk
    else:
        with pytest.raises((PermissionDenied, ActionError)):
            add(code, who=who)
    visible = actions_visible_to(user(who)).filter(adoption=adoption(code)).exists()
    assert visible is allowed


def test_the_owner_is_an_agency_or_a_person_of_the_partnership() -> None:
    fire = user("fire")
    added = add("arson", who="fire", owner=Owner(person_id=fire.pk))
    assert (added.owner_person_id, added.owner_agency_id) == (fire.pk, None)
    outsider = get_user_model().objects.create_user(username="nobody-here")
    with pytest.raises(ActionError, match="role in this partnership"):
        add("arson", owner=Owner(person_id=outsider.pk))
    with pytest.raises(ActionError, match="one agency or one person"):
        add("arson", owner=Owner())
    with pytest.raises(ActionError, match="Say what the action is"):
        add("arson", text="   ")
    with pytest.raises(ActionError, match="not a status"):
        add("arson", status="finished")


def test_an_action_cannot_be_done_before_it_was_logged() -> None:
    action = add("tno", month=JAN)
    with pytest.raises(ActionError, match="before the month it was logged in"):
        services.action_update(action_id=action.pk, user=user("coordinator"), month=DEC,
                               status="done")  # fmt: skip
    assert Action.objects.get(pk=action.pk).status == ActionStatus.OPEN


# --- the pack -------------------------------------------------------------------------------


def test_the_snapshot_freezes_the_log_and_counts_the_overdue() -> None:
    dec = ReportingRound.objects.get(partnership__area__code=BD, month=DEC)
    for code, due, status in [
        ("tno", dt.date(2016, 12, 15), "open"),  # overdue: 15 < 31 December
        ("robbery", dt.date(2016, 11, 30), "off_track"),  # overdue
        ("burglary", dt.date(2016, 12, 30), "on_track"),  # overdue: 30 < 31 December
        ("arson", dt.date(2016, 12, 31), "open"),  # due on the last day: not overdue
        ("gun-crime", dt.date(2016, 12, 1), "done"),  # done: not overdue
        ("knife-crime", None, "open"),  # no due date
    ]:
        add(code, month=DEC, due_date=due, status=status)
    # The 32 seed actions are due in February or March 2017, or not at all: none overdue.
    # 3 overdue in all.
    snapshot = pack_snapshot_build(dec)
    assert overdue_actions(snapshot.indicators) == 3
    tno = snapshot.page("tno")
    assert tno is not None
    logged = {a.text: a for a in tno.action_log}
    assert logged["Action on tno"].overdue and logged["Action on tno"].due_label == (
        "15 December 2016"
    )
    assert logged["Action on tno"].owner == "Metropolitan Police Service"
    # Changing the live log afterwards does not change a built snapshot.
    Action.objects.filter(text="Action on tno").update(text="changed")
    assert "Action on tno" in {a.text for a in tno.action_log}
