"""django-allauth's settings, read from the environment with csp.settings (ADR 0033):
sign-in, single sign-on (OIDC_*), the second factor (MFA_REQUIRED). Star-imported by
csp.settings, which adds the apps and middleware."""

from django.core.exceptions import ImproperlyConfigured

from csp.env import env_bool, env_str

DEBUG = env_bool("DEBUG", False)

# django-allauth signs people in: with a password (its login view at /accounts/login/, the
# app's page), or through one OpenID Connect provider when OIDC_* are set; and asks TOTP codes
# (allauth.mfa). Only invited people sign in: csp.accounts.adapters refuses every sign-up.
ACCOUNT_APPS = [
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
]
# After authentication and messages, before the views: allauth's own, then ours, which sends a
# coordinator or administrator without a second factor to set one up before any other page.
ACCOUNT_MIDDLEWARE = [
    "allauth.account.middleware.AccountMiddleware",
    "csp.accounts.second_factor.RequireSecondFactorMiddleware",
]
ACCOUNT_ADAPTER = "csp.accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "csp.accounts.adapters.SocialAccountAdapter"
MFA_ADAPTER = "csp.accounts.adapters.MFAAdapter"
ACCOUNT_FORMS = {"login": "csp.accounts.forms.LoginForm"}
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*"]  # never offered: sign-up is closed
ACCOUNT_EMAIL_VERIFICATION = "none"  # addresses come from invitations or the provider
ACCOUNT_SESSION_REMEMBER = True  # the session's lifetime is csp.security's (SESSION_*)
ACCOUNT_LOGOUT_REDIRECT_URL = "/accounts/login/"
# Django's sign-out (the header's button posts to it) goes there too, not to the admin's
# "Logged out" page.
LOGOUT_REDIRECT_URL = "/accounts/login/"
# django-axes throttles failed sign-ins (above); allauth's own limits would count twice.
ACCOUNT_RATE_LIMITS = {"login": None, "login_failed": None}
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_LOGIN_ON_GET = False  # the provider's button posts (no sign-in by a bare link)
SOCIALACCOUNT_STORE_TOKENS = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env_str("MFA_TOTP_ISSUER") or "CSP Performance"
# Coordinators and install administrators must set a second factor before any other page
# (csp.permissions.second_factor_required). On by default with DEBUG off; the demo and the
# test settings run with DEBUG on, so it is off there unless MFA_REQUIRED=true.
MFA_REQUIRED = env_bool("MFA_REQUIRED", not DEBUG)

# One OpenID Connect provider (Microsoft Entra ID or any other), all four variables or none.
_OIDC = {
    name: env_str(name) or ""
    for name in ("OIDC_PROVIDER_NAME", "OIDC_SERVER_URL", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET")
}
OIDC_PROVIDER_ID = "sso"  # the redirect URI: <SITE_URL>/accounts/oidc/sso/login/callback/
OIDC_ENABLED = any(_OIDC.values())
if OIDC_ENABLED:
    _missing = [name for name, value in _OIDC.items() if not value]
    if _missing:
        raise ImproperlyConfigured(
            f"Single sign-on needs all of OIDC_PROVIDER_NAME, OIDC_SERVER_URL, OIDC_CLIENT_ID "
            f"and OIDC_CLIENT_SECRET; {', '.join(_missing)} not set (or unset all four)."
        )
    _server = _OIDC["OIDC_SERVER_URL"].rstrip("/")
    _loopback = _server.startswith(("http://127.0.0.1:", "http://localhost:"))
    if not _server.startswith("https://") and not (DEBUG and _loopback):
        raise ImproperlyConfigured(
            f"OIDC_SERVER_URL={_server!r} must be an https:// address (the issuer, e.g. "
            "'https://login.microsoftonline.com/<tenant-id>/v2.0')."
        )
    SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": OIDC_PROVIDER_ID,
                    "name": _OIDC["OIDC_PROVIDER_NAME"],
                    "client_id": _OIDC["OIDC_CLIENT_ID"],
                    "secret": _OIDC["OIDC_CLIENT_SECRET"],
                    "settings": {"server_url": _server},
                }
            ],
        }
    }
else:
    SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": []}}
