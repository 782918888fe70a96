from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CspConfig(AppConfig):
    default = True
    name = "csp"
    verbose_name = "Partnership"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.core import checks

        from csp.checks import check_broker_in_production
        from csp.security import session_mark_signed_in

        checks.register(check_broker_in_production)
        # Starts the session's absolute lifetime at sign-in (csp.security).
        user_logged_in.connect(session_mark_signed_in, dispatch_uid="csp-session-started")


class CspAdminConfig(admin_apps.AdminConfig):
    """The admin, with access decided by csp.permissions."""

    default = False
    default_site = "csp.admin_site.CspAdminSite"
