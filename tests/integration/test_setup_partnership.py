"""``setup_partnership`` (issue 11, item 4): a partnership for an existing area, another's
agencies, adoptions and targets copied when asked, and its coordinator invited by e-mail."""

from __future__ import annotations

import datetime as dt
import io
import re
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client

from csp.models import Agency, Area, Partnership, Role
from indicators.models import Adoption, Target
from submissions.cycle import services
from submissions.models import ReportingRound

pytestmark = pytest.mark.django_db
EMAIL = "barnet.coordinator@example.org"
NAME = "Barnet Community Safety Partnership"
JAN = dt.date(2017, 1, 1)


def _setup(capture, *extra: str) -> str:
    out = io.StringIO()
    with capture(execute=True):
        call_command(
            "setup_partnership",
            "--area", "E09000003", "--name", NAME, "--coordinator-email", EMAIL, *extra,
            stdout=out,
        )  # fmt: skip
    return out.getvalue()


def test_barnet_is_set_up_from_barking_and_dagenhams_indicators_and_runs_its_own_round(
    django_capture_on_commit_callbacks,
) -> None:
    bd_january = list(
        ReportingRound.objects.get(month=JAN).submissions.values_list("id", "adoption_id")
    )
    printed = _setup(django_capture_on_commit_callbacks, "--indicators-from", "E09000002")
    barnet = Partnership.objects.get(area__code="E09000003")
    assert barnet.name == NAME
    assert f"Created {NAME} for Barnet (E09000003)." in printed
    # The demo's 9 agencies, 34 adoptions and 35 targets (34 pages, PHOF 2.15 has two ranges and
    # no whole-page target, MARAC's range is one).
    assert "Agencies (9, no people)" in printed
    assert "Adopted 34 indicators with 35 targets." in printed
    bd = Partnership.objects.get(area__code="E09000002")
    assert sorted(barnet.agencies.values_list("code", "name")) == sorted(
        bd.agencies.values_list("code", "name")
    )
    assert not Agency.objects.filter(partnership=barnet).exclude(email="").exists()
    adoptions = Adoption.objects.filter(partnership=barnet).select_related("owner", "indicator")
    assert all(a.owner.partnership_id == barnet.id for a in adoptions)
    assert {a.indicator.code: a.owner.code for a in adoptions} == {
        a.indicator.code: a.owner.code for a in bd.adoptions.select_related("owner", "indicator")
    }
    fires = Target.objects.get(
        adoption__partnership=barnet, adoption__indicator__code="outdoor-rubbish-fires"
    )
    assert (fires.kind, fires.value, fires.financial_year) == ("ceiling", 257, 2016)
    # Nobody but the coordinator: agencies come without their people.
    roles = Role.objects.filter(partnership=barnet)
    assert [(r.user.username, r.kind) for r in roles] == [(EMAIL, "coordinator")]

    coordinator = get_user_model().objects.get(username=EMAIL)
    round_ = services.round_create(
        partnership_id=barnet.id,
        month=JAN,
        deadline=dt.date(2017, 2, 10),
        user=coordinator,
        now=dt.datetime(2017, 2, 1, tzinfo=dt.UTC),
    )
    owners = set(round_.submissions.values_list("adoption__owner__partnership_id", flat=True))
    # January: the three quarterly indicators are not due
    assert owners == {barnet.id} and round_.submissions.count() == 34 - 3
    after = ReportingRound.objects.get(partnership=bd, month=JAN)
    assert list(after.submissions.values_list("id", "adoption_id")) == bd_january


def _link() -> str:
    (message,) = mail.outbox
    assert message.to == [EMAIL]
    return re.search(r"https?://\S+/accounts/reset/\S+/", message.body).group(0)


def test_the_invitation_is_a_link_that_sets_a_password_once(
    django_capture_on_commit_callbacks,
) -> None:
    _setup(django_capture_on_commit_callbacks)
    assert not get_user_model().objects.get(username=EMAIL).has_usable_password()
    path = _link().removeprefix(settings.SITE_URL)
    client = Client()
    form_page = client.get(path, follow=True)
    assert form_page.context["validlink"] is True
    password = "a long enough passphrase 42"
    done = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": password, "new_password2": password}
    )
    assert done.status_code == 302
    assert get_user_model().objects.get(username=EMAIL).check_password(password)
    assert Client().get(path, follow=True).context["validlink"] is False  # used: no second time


def test_the_invitation_expires(django_capture_on_commit_callbacks) -> None:
    _setup(django_capture_on_commit_callbacks)
    path = _link().removeprefix(settings.SITE_URL)
    later = dt.datetime.now() + dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    with mock.patch.object(PasswordResetTokenGenerator, "_now", return_value=later):
        assert Client().get(path, follow=True).context["validlink"] is False


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--area", "E09999999"], "There is no area E09999999"),
        (["--area", "E09000002"], "already has a partnership"),
        (["--coordinator-email", "not an address"], "not an address"),
        (["--indicators-from", "E09000004"], "No partnership serves E09000004"),
        (["--name", " "], "Give the partnership a name"),
    ],
)
def test_a_refused_setup_creates_nothing(
    args: list[str], message: str, django_capture_on_commit_callbacks
) -> None:
    given = {"--area": "E09000003", "--name": NAME, "--coordinator-email": EMAIL}
    given.update(dict(zip(args[::2], args[1::2], strict=True)))
    partnerships, users = Partnership.objects.count(), get_user_model().objects.count()
    with (
        pytest.raises(CommandError, match=message),
        django_capture_on_commit_callbacks(execute=True),
    ):
        call_command("setup_partnership", *[x for kv in given.items() for x in kv])
    assert (Partnership.objects.count(), get_user_model().objects.count()) == (partnerships, users)
    assert mail.outbox == []


def test_the_administrator_sets_up_a_partnership_from_the_admin_pages(
    django_capture_on_commit_callbacks,
) -> None:
    from django.urls import reverse

    admin = Client()
    admin.force_login(get_user_model().objects.get(username="admin"))
    url = reverse("admin:indicators_setup_partnership")
    assert url in admin.get(reverse("admin:indicators_adoption_changelist")).content.decode()
    body = {
        "area": Area.objects.get(code="E09000003").pk,
        "name": NAME,
        "coordinator_email": EMAIL,
        "indicators_from": Partnership.objects.get(area__code="E09000002").pk,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(url, body)
    assert response.status_code == 302
    barnet = Partnership.objects.get(area__code="E09000003")
    assert Adoption.objects.filter(partnership=barnet).count() == 34
    assert [m.to for m in mail.outbox] == [[EMAIL]]
    coordinator = Client()
    coordinator.force_login(get_user_model().objects.get(username="coordinator"))
    assert coordinator.get(url).status_code == 302  # to the admin's sign-in: not for them
