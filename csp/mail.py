"""Every e-mail the application sends: a plain-text and an HTML part, each from a template.

``templates/email/<name>.txt`` is the text (autoescape off: it is not HTML) and
``templates/email/<name>.html`` the same words as HTML, for mail clients that show it. GOV.UK
Notify sends the text part (``csp.notify``); SMTP and the console send both.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def templated_message(
    *, name: str, subject: str, context: Mapping[str, Any], to: Sequence[str]
) -> EmailMultiAlternatives:
    """The message ``email/<name>.txt`` and ``.html`` make with ``context``, not yet sent."""
    data = {**context, "subject": subject}
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"email/{name}.txt", data).strip() + "\n",
        from_email=None,  # DEFAULT_FROM_EMAIL
        to=list(to),
    )
    message.attach_alternative(render_to_string(f"email/{name}.html", data), "text/html")
    return message


def send_templated(
    *, name: str, subject: str, context: Mapping[str, Any], to: Sequence[str]
) -> int:
    """Send ``email/<name>`` to ``to`` (one message, every address on it); 1 if it was sent."""
    return templated_message(name=name, subject=subject, context=context, to=to).send()
