from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import admin
from django.db import models

from csp.admin_inlines import LabelledTabularInline
from csp.models import (
    Agency,
    Area,
    ComparatorGroup,
    GroupMembership,
    Partnership,
    PopulationSeries,
    Region,
    RegionalReader,
    Role,
)

# Free text typed in the admin (descriptions, an indicator's page texts and history): at most
# this many characters (README "Limits"), several times the longest in the December 2016 pack.
# Names and codes are CharFields, limited by their columns.
ADMIN_TEXT_LIMIT = 5_000
LIMITED_TEXT: Mapping[type[models.Field[Any, Any]], Mapping[str, Any]] = {
    models.TextField: {"max_length": ADMIN_TEXT_LIMIT}
}


class GroupMembershipInline(LabelledTabularInline):
    model = GroupMembership
    extra = 0
    autocomplete_fields = ["area"]


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "short_name"]
    search_fields = ["code", "name", "short_name"]


@admin.register(ComparatorGroup)
class ComparatorGroupAdmin(admin.ModelAdmin):
    formfield_overrides = LIMITED_TEXT
    list_display = ["code", "name"]
    inlines = [GroupMembershipInline]


@admin.register(PopulationSeries)
class PopulationSeriesAdmin(admin.ModelAdmin):
    formfield_overrides = LIMITED_TEXT
    list_display = ["code", "kind", "name"]
    list_filter = ["kind"]


class AgencyInline(LabelledTabularInline):
    model = Agency
    extra = 0


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ["name", "area"]
    inlines = [AgencyInline]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "partnership", "email"]
    list_filter = ["partnership"]
    search_fields = ["name", "code"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "agency", "partnership"]
    list_filter = ["kind", "partnership", "agency"]
    search_fields = ["user__username", "user__email"]
    autocomplete_fields = ["user"]


class RegionalReaderInline(LabelledTabularInline):
    model = RegionalReader
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "group"]
    search_fields = ["name", "code"]
    filter_horizontal = ["partnerships"]
    inlines = [RegionalReaderInline]
