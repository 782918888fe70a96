"""The monthly cycle: reporting rounds and the per-indicator submissions within them.

A reporting round is one partnership area's month. Its states::

    open -> closed -> published

Only an open round accepts entries. Each indicator of the round has one submission::

    not_started -> draft -> submitted -> approved
                     ^          |
                     +- returned (reason required)

The transition rules and the services that apply them arrive with the cycle (issue 4); these
models hold what the demo needs now: rounds, their status and the commentary of each page.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from csp.models import Partnership
from indicators.models import Indicator


class RoundStatus(models.TextChoices):
    OPEN = "open", "Open for submissions"
    CLOSED = "closed", "Closed"
    PUBLISHED = "published", "Published"


class ReportingRound(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="rounds")
    month = models.DateField(help_text="First day of the reporting month.")
    deadline = models.DateField(help_text="Submission deadline.")
    status = models.CharField(max_length=20, choices=RoundStatus.choices, default="open")
    published_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "month"], name="one_round_per_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="round_month_first_of_month"),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="published_round_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partnership.area.display_name} {self.month:%B %Y}"


class SubmissionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned"
    APPROVED = "approved", "Approved"


class Submission(models.Model):
    """One indicator's figures and commentary in a round."""

    round = models.ForeignKey(ReportingRound, on_delete=models.CASCADE, related_name="submissions")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="submissions")
    status = models.CharField(
        max_length=20, choices=SubmissionStatus.choices, default="not_started"
    )
    performance_overview = models.TextField(blank=True)
    actions = models.TextField(blank=True)
    benchmarking = models.TextField(blank=True)
    return_reason = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "indicator__pack_order"]
        constraints = [
            models.UniqueConstraint(fields=["round", "indicator"], name="one_submission_per_round"),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(return_reason=""),
                name="returned_submission_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} — {self.round}"
