from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from submissions.models import ReportingRound, Submission


@admin.register(ReportingRound)
class ReportingRoundAdmin(SimpleHistoryAdmin):
    list_display = ["partnership", "month", "deadline", "status", "published_at"]
    list_filter = ["status", "partnership"]


@admin.register(Submission)
class SubmissionAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "round", "status", "updated_at"]
    list_filter = ["status", "round"]
    list_select_related = ["indicator", "round__partnership__area"]
