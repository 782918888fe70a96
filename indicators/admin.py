from typing import Any, TypedDict

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from csp.admin import LIMITED_TEXT
from csp.admin_inlines import LabelledTabularInline
from csp.models import Area, Partnership, Population
from indicators.models import (
    Adoption,
    HistoryEntry,
    Indicator,
    IndicatorCategory,
    MonthValue,
    Portfolio,
    SuppliedBenchmark,
    Target,
)
from indicators.partnerships import SetupRefused, partnership_setup
from indicators.services import recompute_request


@admin.register(Portfolio)
class PortfolioAdmin(admin.ModelAdmin):
    list_display = ["name", "order"]


class CategoryInline(LabelledTabularInline):
    model = IndicatorCategory
    extra = 0


class TargetInline(LabelledTabularInline):
    model = Target
    extra = 0


class SharedHistoryInline(LabelledTabularInline):
    """The catalogue's history entries: shown for an adoption that has none of its own."""

    model = HistoryEntry
    extra = 0
    exclude = ["adoption"]
    formfield_overrides = LIMITED_TEXT
    verbose_name_plural = "history entries (shared; a partnership's own are on its adoption)"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(adoption__isnull=True)


class AdoptionHistoryInline(LabelledTabularInline):
    model = HistoryEntry
    fk_name = "adoption"
    extra = 0
    exclude = ["indicator"]
    formfield_overrides = LIMITED_TEXT


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    """The shared catalogue. Owners, pack places, targets and local texts are per partnership:
    see Adoptions."""

    formfield_overrides = LIMITED_TEXT
    list_display = ["code", "title", "kind", "frequency"]
    list_display_links = ["code", "title"]
    list_filter = ["kind", "frequency"]
    search_fields = ["code", "title"]
    inlines = [CategoryInline, SharedHistoryInline]

    def save_related(self, request, form, formsets, change):
        # Kind, polarity, denominators, categories and targets all feed the derived figures.
        super().save_related(request, form, formsets, change)
        recompute_request(
            now=timezone.now(),
            reason=f"indicator {form.instance.code} edited in the admin by {request.user}",
            indicator_id=form.instance.pk,
        )

    fieldsets = [
        (None, {"fields": ["code", "title", "page_heading"]}),
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
                ],
                "description": "The last three are defaults: a partnership's adoption may have "
                "its own.",
            },
        ),
    ]


class PartnershipSetupForm(forms.Form):
    area = forms.ModelChoiceField(
        Area.objects.filter(partnership__isnull=True), help_text="An area without a partnership."
    )
    name = forms.CharField(max_length=150)
    coordinator_email = forms.EmailField(help_text="Invited by e-mail; it is their username.")
    indicators_from = forms.ModelChoiceField(
        Partnership.objects.select_related("area"),
        required=False,
        help_text="Copy this partnership's agencies (without people), adoptions and targets.",
    )


@admin.register(Adoption)
class AdoptionAdmin(admin.ModelAdmin):
    """A partnership's adoption of an indicator: owner, pack place, local texts, thresholds,
    targets and history. Saving recomputes the partnership's figures of the indicator. The list
    links to setting up a new partnership (what ``manage.py setup_partnership`` does)."""

    change_list_template = "admin/indicators/adoption/change_list.html"

    def get_urls(self):
        setup = path(
            "setup-partnership/",
            self.admin_site.admin_view(self.setup_partnership_view),
            name="indicators_setup_partnership",
        )
        return [setup, *super().get_urls()]

    def setup_partnership_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = PartnershipSetupForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            source = form.cleaned_data["indicators_from"]
            try:
                report = partnership_setup(
                    area_code=form.cleaned_data["area"].code,
                    name=form.cleaned_data["name"],
                    coordinator_email=form.cleaned_data["coordinator_email"],
                    indicators_from=source.area.code if source else None,
                )
            except SetupRefused as exc:
                form.add_error(None, str(exc))
            else:
                for line in report.lines():
                    messages.success(request, line)
                changelist = reverse("admin:indicators_adoption_changelist")
                return redirect(f"{changelist}?partnership__id__exact={report.partnership.pk}")
        context = {
            **self.admin_site.each_context(request),
            "title": "Set up a partnership",
            "form": form,
            "opts": self.model._meta,
        }
        template = "admin/indicators/adoption/setup_partnership.html"
        return TemplateResponse(request, template, context)

    formfield_overrides = LIMITED_TEXT
    list_display = ["partnership", "pack_order", "indicator", "owner", "portfolio"]
    list_display_links = ["indicator"]
    list_filter = ["partnership", "portfolio"]
    list_select_related = ["partnership", "indicator", "owner", "portfolio"]
    search_fields = ["indicator__code", "indicator__title"]
    inlines = [TargetInline, AdoptionHistoryInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is HistoryEntry:
            for entry in formset.save(commit=False):
                entry.indicator_id = form.instance.indicator_id
                entry.save()
            for entry in formset.deleted_objects:
                entry.delete()
            return
        super().save_formset(request, form, formset, change)

    def save_related(self, request, form, formsets, change):
        # The tolerance and the targets feed the ratings of the partnership's area.
        super().save_related(request, form, formsets, change)
        adoption = form.instance
        recompute_request(
            now=timezone.now(),
            reason=f"adoption {adoption} edited in the admin by {request.user}",
            indicator_id=adoption.indicator_id,
            area_id=adoption.partnership.area_id,
        )


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
    list_display = ["adoption", "financial_year", "category", "kind", "value", "text"]
    list_filter = ["adoption__partnership", "financial_year", "kind"]
    list_select_related = ["adoption__indicator", "adoption__partnership", "category"]

    def recompute_scope(self, obj: Target) -> RecomputeScope:
        return {
            "indicator_id": obj.adoption.indicator_id,
            "area_id": obj.adoption.partnership.area_id,
        }


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
