from typing import Any, TypedDict

from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from csp.admin import LIMITED_TEXT
from csp.models import Population
from indicators.models import (
    HistoryEntry,
    Indicator,
    IndicatorCategory,
    MonthValue,
    Portfolio,
    SuppliedBenchmark,
    Target,
)
from indicators.services import recompute_request


@admin.register(Portfolio)
class PortfolioAdmin(admin.ModelAdmin):
    list_display = ["name", "order"]


class CategoryInline(admin.TabularInline):
    model = IndicatorCategory
    extra = 0


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0


class HistoryInline(admin.TabularInline):
    model = HistoryEntry
    extra = 0
    formfield_overrides = LIMITED_TEXT


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    formfield_overrides = LIMITED_TEXT
    list_display = ["pack_order", "code", "title", "kind", "owner", "portfolio"]
    list_display_links = ["code", "title"]
    list_filter = ["kind", "portfolio", "owner", "frequency"]
    search_fields = ["code", "title"]
    inlines = [CategoryInline, TargetInline, HistoryInline]

    def save_related(self, request, form, formsets, change):
        # Kind, polarity, denominators, categories and targets all feed the derived figures.
        super().save_related(request, form, formsets, change)
        recompute_request(
            now=timezone.now(),
            reason=f"indicator {form.instance.code} edited in the admin by {request.user}",
            indicator_id=form.instance.pk,
        )

    fieldsets = [
        (None, {"fields": ["code", "title", "portfolio", "owner", "pack_order", "page_heading"]}),
        (
            "Measurement",
            {
                "fields": [
                    "kind",
                    "frequency",
                    "polarity",
                    "unit",
                    "denominator_series",
                    "per_n",
                    "change_basis",
                    "display_decimals",
                    "suppression_threshold",
                    "source",
                ]
            },
        ),
        (
            "Page texts",
            {
                "fields": [
                    "definition",
                    "how_it_works",
                    "what_good_looks_like",
                    "why_important",
                    "issues_to_consider",
                ]
            },
        ),
    ]


class RecomputeScope(TypedDict, total=False):
    """What a changed input affects: ``recompute_request``'s scope."""

    indicator_id: int | None
    area_id: int | None


class RecomputeOnChangeAdmin(SimpleHistoryAdmin):
    """Saving or deleting an input queues the recompute of what depends on it (on commit)."""

    def recompute_scope(self, obj: Any) -> RecomputeScope:
        raise NotImplementedError

    def _queue(self, request: HttpRequest, obj: Any, verb: str) -> None:
        recompute_request(
            now=timezone.now(),
            reason=f"{obj._meta.verbose_name} {verb} in the admin by {request.user}",
            **self.recompute_scope(obj),
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._queue(request, obj, "changed" if change else "added")

    def delete_model(self, request, obj):
        scope = self.recompute_scope(obj)
        super().delete_model(request, obj)
        recompute_request(now=timezone.now(), reason="deleted in the admin", **scope)

    def delete_queryset(self, request, queryset):
        scopes = [self.recompute_scope(obj) for obj in queryset]
        super().delete_queryset(request, queryset)
        for scope in scopes:
            recompute_request(now=timezone.now(), reason="deleted in the admin", **scope)


@admin.register(Target)
class TargetAdmin(RecomputeOnChangeAdmin):
    list_display = ["indicator", "financial_year", "category", "kind", "value", "text"]
    list_filter = ["financial_year", "kind"]

    def recompute_scope(self, obj: Target) -> RecomputeScope:
        return {"indicator_id": obj.indicator_id}


@admin.register(MonthValue)
class MonthValueAdmin(SimpleHistoryAdmin):
    """Approved figures are read-only here: they change only through the cycle (entry,
    submission, approval), so no figure skips the coordinator or the audit trail."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    list_display = [
        "indicator",
        "area",
        "month",
        "category",
        "status",
        "value",
        "numerator",
        "denominator",
        "decimal_value",
        "is_estimated",
    ]
    list_filter = ["status", "is_estimated", "indicator", "area"]
    date_hierarchy = "month"
    search_fields = ["indicator__code", "area__code", "area__name"]
    list_select_related = ["indicator", "area", "category"]


@admin.register(SuppliedBenchmark)
class SuppliedBenchmarkAdmin(RecomputeOnChangeAdmin):
    list_display = ["indicator", "area", "month", "group", "position", "size", "average"]
    list_filter = ["group", "indicator"]
    list_select_related = ["indicator", "area", "group"]

    def recompute_scope(self, obj: SuppliedBenchmark) -> RecomputeScope:
        return {"indicator_id": obj.indicator_id, "area_id": obj.area_id}


@admin.register(Population)
class PopulationAdmin(RecomputeOnChangeAdmin):
    """Denominators live in the partnership app; editing one recomputes the area's rates."""

    list_display = ["area", "series", "value", "in_force_from", "source"]
    list_filter = ["series"]
    search_fields = ["area__name", "area__code"]
    autocomplete_fields = ["area"]

    def recompute_scope(self, obj: Population) -> RecomputeScope:
        return {"area_id": obj.area_id}
