"""Isolation beyond the pages: e-mail (reminders, digests, returns), commands and imports. Each
partnership's people receive only their own items; a command asked about one area prints none of
the other's figures; importing rows for the other partnership's area is refused, nothing stored."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from csp.models import Population
from indicators.models import DerivedMetric, MonthValue, SuppliedBenchmark
from submissions.cycle import services, workflow
from submissions.imports.common import ImportRefused
from submissions.imports.month_values import month_values_import
from tests.integration.import_helpers import HEADER, csv_bytes
from tests.isolation.cast import NOW, Side

pytestmark = pytest.mark.django_db
OTHER = {"bd": "barnet", "barnet": "bd"}


def _side_of(address: str, cast: dict[str, Side]) -> str:
    """Whose person an address is: a user with a role in exactly one of the partnerships."""
    sides = {
        key
        for key, side in cast.items()
        if side.partnership.roles.filter(user__email=address).exists()
    }
    assert len(sides) == 1, f"{address} belongs to {sides or 'neither partnership'}"
    return sides.pop()


def test_reminders_and_digests_carry_only_the_recipients_own_items(
    cast, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_send(today=dt.date(2017, 2, 15), now=NOW)
    by_side: dict[str, list] = {"bd": [], "barnet": []}
    for message in mail.outbox:
        (address,) = message.to
        key = _side_of(address, cast)
        by_side[key].append(message)
        other = cast[OTHER[key]]
        assert [s for s in other.sentinels if s in message.body] == [], address
        linked = {int(pk) for pk in re.findall(r"/submissions/(\d+)/", message.body)}
        assert not linked & set(other.round.submissions.values_list("pk", flat=True)), address
        assert linked <= set(cast[key].round.submissions.values_list("pk", flat=True)), address
    for key, side in cast.items():
        open_items = side.round.submissions.filter(status__in=list(workflow.EDITABLE)).count()
        (digest,) = [m for m in by_side[key] if m.to == [side.users["coordinator"].email]]
        assert digest.body.count("\n  - ") == open_items, key  # its own open items, no more
        police = [m for m in by_side[key] if m.to == [side.users["police"].email]]
        assert len(police) == 1 and f"/submissions/{side.draft.pk}/" in police[0].body
    # Barnet's January: 34 - 3 items (the quarterly three are not due), one approved; each
    # partnership's own lead hears of its own TNO draft.
    assert cast["barnet"].round.submissions.filter(status__in=list(workflow.EDITABLE)).count() == 30


def test_a_return_is_mailed_to_the_owning_partnerships_leads_only(
    cast, django_capture_on_commit_callbacks
) -> None:
    for key, side in cast.items():
        services.submission_save(
            submission_id=side.draft.pk, user=side.users["police"], entry=services.entry_of(
                type(side.draft).objects.get(pk=side.draft.pk)
            ), expected_version=type(side.draft).objects.get(pk=side.draft.pk).version,
            submit=True, now=NOW,
        )  # fmt: skip
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services.submission_return(
                submission_id=side.draft.pk, user=side.users["coordinator"],
                reason=f"{key} return", now=NOW,
            )  # fmt: skip
        assert mail.outbox, key
        for message in mail.outbox:
            assert all(_side_of(a, cast) == key for a in message.to)
            assert [s for s in cast[OTHER[key]].sentinels if s in message.body] == []


def _command(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("key", ["bd", "barnet"])
def test_commands_asked_about_one_partnership_print_none_of_the_others_figures(
    cast, key, tmp_path
) -> None:
    own, other = cast[key], cast[OTHER[key]]
    area = own.partnership.area.code
    printed = _command("metrics", "--area", area, "--month", "2017-01")
    assert json.loads(printed)  # the month's figures, computed from its own approval
    exported = tmp_path / "values.csv"
    _command("export_month_values", str(exported), "--area", area)
    text = exported.read_text()
    assert str(800_000 + int(own.sentinels[0].rsplit("-", 1)[1])) in text  # its own approved
    for body in (printed, text):
        assert [s for s in other.sentinels if s in body] == []


def test_recomputing_one_partnership_leaves_the_others_figures(cast) -> None:
    bd_area = cast["bd"].partnership.area_id

    def bd_figures():
        return list(
            DerivedMetric.objects.filter(area_id=bd_area)
            .order_by("pk")
            .values_list("pk", "indicator_id", "month", "ytd", "r12")
        )

    before = bd_figures()
    _command("recompute", "--area", cast["barnet"].partnership.area.code)
    assert bd_figures() == before


@pytest.mark.parametrize("month", ["2016-06", "2017-03"])  # history, and a month with no round
@pytest.mark.parametrize("key", ["bd", "barnet"])
def test_importing_the_other_partnerships_figures_is_refused(cast, key, month) -> None:
    other = cast[OTHER[key]]
    other_area = other.partnership.area
    stored = MonthValue.objects.filter(area=other_area).count()
    content = csv_bytes(HEADER, [[other_area.code, "tno", month, "4242"]])
    with pytest.raises(ImportRefused) as refused:
        month_values_import(
            content=content, filename="x.csv", user=cast[key].users["coordinator"], now=NOW
        )
    ((line, message),) = [(e.line, e.message) for e in refused.value.report.errors]
    assert (line, message) == (2, f"only {other_area.name}'s partnership coordinator can "
                                  "import its figures")  # fmt: skip
    assert MonthValue.objects.filter(area=other_area).count() == stored
    # Its own coordinator may import the same row (a month outside any round or pack).
    if month == "2017-03":
        month_values_import(
            content=content, filename="x.csv", user=other.users["coordinator"], now=NOW
        )
        assert MonthValue.objects.filter(area=other_area).count() == stored + 1


UPLOADS = {
    "month_values": (HEADER, ["tno", "2016-06", "4242"], MonthValue),
    "populations": (["area", "kind", "value", "in_force_from"],
                    ["residents", "400000", "2018-07-01"], Population),
    "benchmarks": (["area", "indicator", "month", "group", "position", "size"],
                   ["tno", "2016-06", "met", "3", "32"], SuppliedBenchmark),
}  # fmt: skip


@pytest.mark.parametrize("kind", sorted(UPLOADS))
@pytest.mark.parametrize("key", ["bd", "barnet"])
def test_the_import_page_refuses_the_other_partnerships_area(cast, key, kind) -> None:
    other_area = cast[OTHER[key]].partnership.area
    header, row, model = UPLOADS[kind]
    upload = SimpleUploadedFile("rows.csv", csv_bytes(header, [[other_area.code, *row]]))
    client = Client()
    client.force_login(cast[key].users["coordinator"])
    stored = model.objects.filter(area=other_area).count()
    response = client.post("/imports/", {"kind": kind, "file": upload, "action": "preview"})
    refusal = f"only {other_area.name}&#x27;s partnership coordinator can import its figures"
    assert refusal in response.content.decode()
    assert model.objects.filter(area=other_area).count() == stored
