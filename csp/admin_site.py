from django.contrib import admin

from csp import permissions


class CspAdminSite(admin.AdminSite):
    site_header = "CSP Performance administration"
    site_title = "CSP Performance admin"
    index_title = "Partnership, catalogue and data"

    def has_permission(self, request):
        return permissions.can_use_admin(request.user)
