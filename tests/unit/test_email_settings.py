"""The e-mail backend is chosen by the environment, and a half-configured one stops start-up
(csp.email_settings); the GOV.UK Notify backend sends each recipient the generic template with
the message's subject and text (csp.notify)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives
from django.test import override_settings

from csp import notify
from csp.email_settings import email_settings

NOTIFY_KEY = "test_key-26785a09-ab16-4eb0-8407-a37497a57506-3d844edf-8d35-48ac-975b-e847b4f122b0"
TEMPLATE = "f33517ff-2a88-4f6e-b855-c550268ce08a"


def test_unset_is_the_console_and_a_host_alone_means_smtp() -> None:
    assert email_settings({}).backend == "django.core.mail.backends.console.EmailBackend"
    chosen = email_settings({"EMAIL_HOST": "smtp.example.org", "EMAIL_PORT": "25"})
    assert chosen.backend == "django.core.mail.backends.smtp.EmailBackend"
    assert (chosen.host, chosen.port, chosen.use_tls) == ("smtp.example.org", 25, True)


@pytest.mark.parametrize(
    ("name", "backend"),
    [
        ("console", "django.core.mail.backends.console.EmailBackend"),
        ("SMTP", "django.core.mail.backends.smtp.EmailBackend"),
        ("notify", "csp.notify.NotifyEmailBackend"),
    ],
)
def test_each_named_backend(name: str, backend: str) -> None:
    environ = {
        "EMAIL_BACKEND": name,
        "EMAIL_HOST": "smtp.example.org",
        "GOVUK_NOTIFY_API_KEY": NOTIFY_KEY,
        "GOVUK_NOTIFY_TEMPLATE_ID": TEMPLATE,
    }
    assert email_settings(environ).backend == backend


def test_notify_reads_its_key_template_and_reply_to() -> None:
    chosen = email_settings(
        {
            "EMAIL_BACKEND": "notify",
            "GOVUK_NOTIFY_API_KEY": NOTIFY_KEY,
            "GOVUK_NOTIFY_TEMPLATE_ID": TEMPLATE,
            "GOVUK_NOTIFY_REPLY_TO_ID": "reply-1",
        }
    )
    assert (chosen.notify_api_key, chosen.notify_template_id) == (NOTIFY_KEY, TEMPLATE)
    assert chosen.notify_reply_to_id == "reply-1"


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        (
            {"EMAIL_BACKEND": "sendgrid"},
            "EMAIL_BACKEND='sendgrid' is not one of smtp, console, notify",
        ),
        (
            {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend"},
            "is not one of smtp, console, notify",
        ),
        ({"EMAIL_BACKEND": "smtp"}, "EMAIL_BACKEND=smtp needs EMAIL_HOST"),
        (
            {"EMAIL_BACKEND": "notify"},
            "needs GOVUK_NOTIFY_API_KEY and GOVUK_NOTIFY_TEMPLATE_ID",
        ),
        (
            {"EMAIL_BACKEND": "notify", "GOVUK_NOTIFY_API_KEY": NOTIFY_KEY},
            "EMAIL_BACKEND=notify needs GOVUK_NOTIFY_TEMPLATE_ID:",
        ),
        ({"EMAIL_HOST": "smtp.example.org", "EMAIL_PORT": "twenty"}, "EMAIL_PORT='twenty'"),
        ({"EMAIL_HOST": "smtp.example.org", "EMAIL_USE_TLS": "maybe"}, "EMAIL_USE_TLS='maybe'"),
    ],
)
def test_a_half_configured_backend_stops_start_up(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ImproperlyConfigured, match=message.replace("(", r"\(")):
        email_settings(environ)


class FakeNotify:
    sent: list[dict[str, Any]] = []

    def __init__(self, api_key: str) -> None:
        self.api_key = api_key

    def send_email_notification(self, **kwargs: Any) -> dict[str, str]:
        self.sent.append({"api_key": self.api_key, **kwargs})
        return {"id": "n1"}


@override_settings(
    GOVUK_NOTIFY_API_KEY=NOTIFY_KEY, GOVUK_NOTIFY_TEMPLATE_ID=TEMPLATE, GOVUK_NOTIFY_REPLY_TO_ID=""
)
def test_notify_sends_each_recipient_the_subject_and_the_text(monkeypatch) -> None:
    FakeNotify.sent = []
    monkeypatch.setattr(notify, "NotificationsAPIClient", FakeNotify)
    message = EmailMultiAlternatives(
        subject="Returned: TNO", body="Correct it.\n", to=["a@example.org", "b@example.org"]
    )
    message.attach_alternative("<p>Correct it.</p>", "text/html")
    assert notify.NotifyEmailBackend().send_messages([message]) == 1
    assert FakeNotify.sent == [
        {
            "api_key": NOTIFY_KEY,
            "email_address": address,
            "template_id": TEMPLATE,
            "personalisation": {"subject": "Returned: TNO", "body": "Correct it.\n"},
            "email_reply_to_id": None,
        }
        for address in ("a@example.org", "b@example.org")
    ]
