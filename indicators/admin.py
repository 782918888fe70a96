from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from indicators.models import (
    HistoryEntry,
    Indicator,
    IndicatorCategory,
    MonthValue,
    Portfolio,
    SuppliedBenchmark,
    Target,
)


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


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["pack_order", "code", "title", "kind", "owner", "portfolio"]
    list_display_links = ["code", "title"]
    list_filter = ["kind", "portfolio", "owner", "frequency"]
    search_fields = ["code", "title"]
    inlines = [CategoryInline, TargetInline, HistoryInline]
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


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "financial_year", "category", "kind", "value", "text"]
    list_filter = ["financial_year", "kind"]


@admin.register(MonthValue)
class MonthValueAdmin(SimpleHistoryAdmin):
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
class SuppliedBenchmarkAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "area", "month", "group", "position", "size", "average"]
    list_filter = ["group", "indicator"]
    list_select_related = ["indicator", "area", "group"]
