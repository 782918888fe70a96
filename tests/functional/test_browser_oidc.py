"""Single sign-on against a real OpenID Connect provider (issue 12, item 3): the test provider
(django-oauth-toolkit, ``tests/oidc_provider``) runs as its own process on loopback; the browser
goes through the whole redirect flow. An invited lead signs in and lands in the app, the
invitation accepted; a demo user with a password signs in through the provider as well; an
address nobody invited, and an address the provider does not vouch for, are refused with a
sentence saying why. Run them with ``pytest -k oidc``."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from csp.models import Agency, Invitation, Partnership, Role, RoleKind
from csp.people.services import RoleAsked, person_invite
from submissions.demo import demo_load
from tests.functional.oidc import PROVIDER_PASSWORD, start_provider
from tests.functional.test_browser_pack import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

LEAD = "new.lead@example.org"
PEOPLE = [
    {"username": "lead", "email": LEAD, "name": "Lee Lead"},
    {"username": "police-sso", "email": "police@example.org", "name": "Pat Police"},
    {"username": "stranger", "email": "stranger@example.org", "name": "Sam Stranger"},
    {
        "username": "unverified",
        "email": "unverified.lead@example.org",
        "name": "Una Verified",
        "email_verified": False,
    },
]


@pytest.fixture(scope="module")
def oidc_provider(live_server, tmp_path_factory):
    yield from start_provider(
        tmp_path_factory.mktemp("oidc"), app_url=live_server.url, people=PEOPLE
    )


@pytest.fixture
def sso(oidc_provider, settings):
    settings.SOCIALACCOUNT_PROVIDERS = oidc_provider.app_settings()
    demo_load(password=settings.DEMO_PASSWORD)  # transactional tests start from a flushed DB
    return oidc_provider


def _invite(email: str) -> None:
    partnership = Partnership.objects.get()
    coordinator = get_user_model().objects.get(username="coordinator")
    police = Agency.objects.get(partnership=partnership, code="police")
    person_invite(
        actor=coordinator,
        partnership_id=partnership.pk,
        email=email,
        role=RoleAsked(kind=RoleKind.AGENCY_LEAD, agency_id=police.pk),
        reason="test",
        now=timezone.now(),
    )


def _sign_in_at_provider(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in with Council ID").click()
    page.wait_for_url("http://127.0.0.1:*/login/**")  # the provider's own page
    page.get_by_label("Provider username").fill(username)
    page.get_by_label("Provider password").fill(PROVIDER_PASSWORD)
    page.get_by_role("button", name="Continue to the application").click()


def test_oidc_an_invited_lead_signs_in_and_lands_in_the_app(sso, new_page, live_server) -> None:
    _invite(LEAD)
    page = new_page()
    _sign_in_at_provider(page, "lead")
    page.get_by_role("button", name="Sign out").wait_for()
    assert page.url.startswith(live_server.url) and "/accounts/" not in page.url
    account = get_user_model().objects.get(username=LEAD)
    assert not account.has_usable_password()  # single sign-on only
    assert Role.objects.filter(
        user=account, kind=RoleKind.AGENCY_LEAD, agency__code="police"
    ).exists()
    invitation = Invitation.objects.get(email=LEAD)
    assert invitation.accepted_by == account and invitation.accepted_at is not None
    assert (
        page.get_by_role("navigation", name="Main")
        .get_by_role("link", name="Submissions")
        .is_visible()
    )


def test_oidc_a_password_user_may_sign_in_through_the_provider_too(sso, new_page) -> None:
    page = new_page()
    _sign_in_at_provider(page, "police-sso")
    page.get_by_role("button", name="Sign out").wait_for()
    police = get_user_model().objects.get(username="police")
    assert police.socialaccount_set.count() == 1
    assert police.has_usable_password()  # still signs in with the password as well


def test_oidc_an_uninvited_address_is_refused(sso, new_page) -> None:
    page = new_page()
    _sign_in_at_provider(page, "stranger")
    page.get_by_role("heading", name="You cannot sign in with this account").wait_for()
    assert "There is no invitation for stranger@example.org" in page.content()
    assert not get_user_model().objects.filter(email="stranger@example.org").exists()
    assert axe_violations(page) == []
    page.goto("/")
    assert "/accounts/login/" in page.url


def test_oidc_an_unverified_address_is_refused_even_when_invited(sso, new_page) -> None:
    _invite("unverified.lead@example.org")
    page = new_page()
    _sign_in_at_provider(page, "unverified")
    page.get_by_role("heading", name="You cannot sign in with this account").wait_for()
    assert "did not confirm your e-mail address" in page.content()
    assert not Role.objects.filter(user__email="unverified.lead@example.org").exists()
    assert Invitation.objects.get(email="unverified.lead@example.org").accepted_at is None


def test_oidc_the_sign_in_page_offers_the_provider_and_is_axe_clean(sso, new_page) -> None:
    page = new_page()
    page.goto("/accounts/login/")
    assert page.get_by_role("button", name="Sign in with Council ID").is_visible()
    assert page.get_by_role("link", name="Forgotten your password?").is_visible()
    assert axe_violations(page) == []
