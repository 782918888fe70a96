"""E-mail settings, read from the environment by `csp.email_settings` (README "E-mail")."""

import os

from csp.email_settings import email_settings

# E-mail: EMAIL_BACKEND is smtp, console or notify (GOV.UK Notify); unset, SMTP when EMAIL_HOST is
# set, else the console (csp.email_settings; README "E-mail").
_EMAIL = email_settings(os.environ)
EMAIL_BACKEND = _EMAIL.backend
EMAIL_HOST = _EMAIL.host
EMAIL_PORT = _EMAIL.port
EMAIL_HOST_USER = _EMAIL.host_user
EMAIL_HOST_PASSWORD = _EMAIL.host_password
EMAIL_USE_TLS = _EMAIL.use_tls
DEFAULT_FROM_EMAIL = _EMAIL.default_from
GOVUK_NOTIFY_API_KEY = _EMAIL.notify_api_key
GOVUK_NOTIFY_TEMPLATE_ID = _EMAIL.notify_template_id
GOVUK_NOTIFY_REPLY_TO_ID = _EMAIL.notify_reply_to_id
