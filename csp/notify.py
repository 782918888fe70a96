"""A Django e-mail backend that sends through GOV.UK Notify (``EMAIL_BACKEND=notify``).

Notify sends only from templates kept in the service's dashboard, so one generic e-mail
template carries every message: its subject is ``((subject))`` and its body ``((body))``
(``GOVUK_NOTIFY_TEMPLATE_ID``). Each message's subject and plain-text part fill them; Notify
lays the text out as its own HTML, so the HTML part is not sent. One API call per recipient
(Notify takes one address a call); the sender's address and reply-to are set in Notify
(``GOVUK_NOTIFY_REPLY_TO_ID`` picks a reply-to address configured there).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient

logger = logging.getLogger(__name__)


class NotifyEmailBackend(BaseEmailBackend):
    def __init__(self, fail_silently: bool = False, **kwargs: Any) -> None:
        super().__init__(fail_silently=fail_silently, **kwargs)
        self.client = NotificationsAPIClient(settings.GOVUK_NOTIFY_API_KEY)
        self.template_id = settings.GOVUK_NOTIFY_TEMPLATE_ID
        self.reply_to_id = settings.GOVUK_NOTIFY_REPLY_TO_ID or None

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        sent = 0
        for message in email_messages:
            try:
                for address in message.recipients():
                    self.client.send_email_notification(
                        email_address=address,
                        template_id=self.template_id,
                        personalisation={"subject": message.subject, "body": message.body},
                        email_reply_to_id=self.reply_to_id,
                    )
            except (APIError, OSError):
                if not self.fail_silently:
                    raise
                logger.exception("GOV.UK Notify did not take %r", message.subject)
                continue
            sent += 1
        return sent
