"""Which e-mail backend sends the application's mail, chosen by the environment (README
"E-mail"). Read by ``csp.settings`` through ``csp.env``'s fail-loud readers: an unknown backend,
or GOV.UK Notify without its key and template, stops start-up with a sentence naming the
variable."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

from csp.env import env_bool, env_int, env_str

BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "notify": "csp.notify.NotifyEmailBackend",
}


@dataclass(frozen=True)
class EmailSettings:
    backend: str  # the Django backend's dotted path
    host: str = ""
    port: int = 587
    host_user: str = ""
    host_password: str = ""
    use_tls: bool = True
    default_from: str = "csp-performance@localhost"
    notify_api_key: str = ""
    notify_template_id: str = ""
    notify_reply_to_id: str = ""


def email_settings(environ: Mapping[str, str]) -> EmailSettings:
    """``EMAIL_BACKEND`` is ``smtp``, ``console`` or ``notify`` (unset: ``smtp`` when
    ``EMAIL_HOST`` is set, else ``console``). SMTP needs ``EMAIL_HOST``; Notify needs
    ``GOVUK_NOTIFY_API_KEY`` and ``GOVUK_NOTIFY_TEMPLATE_ID``."""
    host = env_str("EMAIL_HOST", environ=environ) or ""
    chosen = (env_str("EMAIL_BACKEND", environ=environ) or "").lower()
    if not chosen:
        chosen = "smtp" if host else "console"
    if chosen not in BACKENDS:
        raise ImproperlyConfigured(
            f"EMAIL_BACKEND={chosen!r} is not one of {', '.join(BACKENDS)}: smtp sends through "
            "EMAIL_HOST, notify through GOV.UK Notify, console prints each e-mail."
        )
    if chosen == "smtp" and not host:
        raise ImproperlyConfigured("EMAIL_BACKEND=smtp needs EMAIL_HOST, the SMTP server's name.")
    api_key = env_str("GOVUK_NOTIFY_API_KEY", environ=environ) or ""
    template_id = env_str("GOVUK_NOTIFY_TEMPLATE_ID", environ=environ) or ""
    if chosen == "notify":
        missing = [
            name
            for name, value in (
                ("GOVUK_NOTIFY_API_KEY", api_key),
                ("GOVUK_NOTIFY_TEMPLATE_ID", template_id),
            )
            if not value
        ]
        if missing:
            raise ImproperlyConfigured(
                f"EMAIL_BACKEND=notify needs {' and '.join(missing)}: the service's API key, and "
                "the id of a Notify e-mail template whose subject is ((subject)) and whose body "
                "is ((body))."
            )
    return EmailSettings(
        backend=BACKENDS[chosen],
        host=host,
        port=env_int("EMAIL_PORT", 587, minimum=1, environ=environ),
        host_user=env_str("EMAIL_HOST_USER", environ=environ) or "",
        host_password=env_str("EMAIL_HOST_PASSWORD", environ=environ) or "",
        use_tls=env_bool("EMAIL_USE_TLS", True, environ=environ),
        default_from=env_str("DEFAULT_FROM_EMAIL", environ=environ) or "csp-performance@localhost",
        notify_api_key=api_key,
        notify_template_id=template_id,
        notify_reply_to_id=env_str("GOVUK_NOTIFY_REPLY_TO_ID", environ=environ) or "",
    )
