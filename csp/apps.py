from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CspConfig(AppConfig):
    default = True
    name = "csp"
    verbose_name = "Partnership"


class CspAdminConfig(admin_apps.AdminConfig):
    """The admin, with access decided by csp.permissions."""

    default = False
    default_site = "csp.admin_site.CspAdminSite"
