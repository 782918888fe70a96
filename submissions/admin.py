from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from submissions.models import Action, PackVersion, ReminderSent, ReportingRound, Submission


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown for reference only: changes go through the cycle's services, so the workflow,
    permissions and audit trail cannot be bypassed here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyHistoryAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    """Read only, with the audit trail the model keeps (only models with ``HistoricalRecords``:
    SimpleHistoryAdmin on any other model made its history page a server error)."""


@admin.register(ReportingRound)
class ReportingRoundAdmin(ReadOnlyHistoryAdmin):
    list_display = ["partnership", "month", "deadline", "status", "published_at"]
    list_filter = ["status", "partnership"]


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyHistoryAdmin):
    list_display = ["indicator", "round", "status", "updated_at"]
    # A round is named by its partnership's area and month: by those, not by every round (whose
    # names the round filter would look up two queries each, twelve more rounds a year).
    list_filter = ["status", "round__partnership", "round__month"]
    list_select_related = ["indicator", "round__partnership__area"]


@admin.register(PackVersion)
class PackVersionAdmin(ReadOnlyAdmin):
    list_display = ["round", "number", "published_at", "published_by", "change_note"]
    list_select_related = ["round__partnership__area", "published_by"]
    exclude = ["snapshot"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[PackVersion]:
        # ``exclude`` is the form's: the list would still read every version's whole pack.
        return super().get_queryset(request).defer("snapshot")


@admin.register(ReminderSent)
class ReminderSentAdmin(ReadOnlyAdmin):
    list_display = ["submission", "stage", "sent_at", "recipients"]
    list_filter = ["stage"]


@admin.register(Action)
class ActionAdmin(ReadOnlyHistoryAdmin):
    """The action log, for reference: changes go through ``submissions.actions_log.services``."""

    list_display = ["adoption", "text", "owner_agency", "owner_person", "due_date", "status"]
    list_filter = ["status", "adoption__partnership"]
    list_select_related = [
        "adoption__indicator", "adoption__partnership", "owner_agency", "owner_person",
    ]  # fmt: skip
