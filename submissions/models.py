"""The monthly cycle: reporting rounds and the per-indicator submissions within them.

A reporting round is one partnership area's month. Its states::

    open -> closed -> published -> reopened (for a correction) -> published (version N+1)

(a round whose every item is approved may be published straight from open). Only an open round
accepts entries from the agencies; a reopened one only for the items reopened for correction.
Each indicator of the round has one submission::

    not_started -> draft -> submitted -> approved
                     ^          |
                     +- returned (reason required)

The states and their transitions live in ``submissions.cycle.workflow`` (``RoundStatus`` and
``SubmissionStatus`` are its enums), what an entry may hold in ``submissions.cycle.validation``;
the services in ``submissions.cycle.services`` are the only writers of these states. A published
round's pack is frozen in ``PackVersion`` rows that the database itself refuses to change.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from csp.models import Agency, Partnership
from indicators.engine.formatting import month_label
from indicators.models import Adoption, Indicator
from submissions.actions_log.rules import ActionStatus
from submissions.cycle.validation import ENTRY_FIELDS, EntryStatus
from submissions.cycle.workflow import RoundState, State

RoundStatus = RoundState
SubmissionStatus = State

# What people change on a submission: its state, the agency's entry and the coordinator's
# decisions. The audit trail shows these, and the API returns them.
AUDITED_FIELDS = (
    "status",
    *ENTRY_FIELDS,
    "return_reason",
    "rag_override",
    "rag_override_justification",
)


class ReportingRound(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="rounds")
    month = models.DateField(help_text="First day of the reporting month.")
    deadline = models.DateField(help_text="Submission deadline.")
    status = models.CharField(
        max_length=20, choices=RoundStatus.choices(), default=RoundStatus.OPEN
    )
    published_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        ordering = ["partnership", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "month"], name="one_round_per_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="round_month_first_of_month"),
            # A reopened round has been published (version 1 at least) and keeps that date.
            models.CheckConstraint(
                condition=~Q(status__in=[RoundStatus.PUBLISHED, RoundStatus.REOPENED])
                | Q(published_at__isnull=False),
                name="published_round_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partnership.area.display_name} {month_label(self.month)}"


class Submission(models.Model):
    """One indicator's figures and commentary in a round, and where it is in the workflow.

    ``adoption`` is the round's partnership's adoption of ``indicator`` (``round_create`` sets
    both): its owner is the agency whose leads enter the figures.

    The entered figures stay here until the coordinator approves them; approval copies them into
    the approved store (``indicators.MonthValue``), the only store derived figures read.
    ``version`` increases with every save, so a save based on an older version is refused.
    """

    round = models.ForeignKey(ReportingRound, on_delete=models.CASCADE, related_name="submissions")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="submissions")
    # The round's partnership's adoption of ``indicator``: who owns the item, its pack place.
    adoption = models.ForeignKey(Adoption, on_delete=models.PROTECT, related_name="submissions")
    status = models.CharField(
        max_length=20, choices=SubmissionStatus.choices(), default=SubmissionStatus.NOT_STARTED
    )
    entry_status = models.CharField(
        max_length=20, choices=EntryStatus.choices(), default=EntryStatus.REPORTED, blank=True
    )
    value = models.BigIntegerField(null=True, blank=True)
    numerator = models.BigIntegerField(null=True, blank=True)
    denominator = models.BigIntegerField(null=True, blank=True)
    decimal_value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    categories = models.JSONField(
        null=True, blank=True, help_text='{"code": 12} or {"code": "suppressed"} per category'
    )
    reference_period = models.CharField(max_length=200, blank=True)
    reason = models.TextField(blank=True, help_text="Why the figure is not available.")
    confirm_note = models.TextField(
        blank=True, help_text="The agency's note confirming an unusual figure."
    )
    performance_overview = models.TextField(blank=True)
    actions = models.TextField(blank=True)
    benchmarking = models.TextField(blank=True)
    return_reason = models.TextField(blank=True)
    rag_override = models.CharField(max_length=4, blank=True, help_text="R, A, G or None")
    rag_override_justification = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    # The audit line carries the reason (a return, a correction) whole, however long.
    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        ordering = ["round", "adoption__pack_order"]
        constraints = [
            models.UniqueConstraint(fields=["round", "indicator"], name="one_submission_per_round"),
            models.CheckConstraint(
                condition=~Q(status=SubmissionStatus.RETURNED) | ~Q(return_reason=""),
                name="returned_submission_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(rag_override="") | ~Q(rag_override_justification=""),
                name="rag_override_has_justification",
            ),
            models.CheckConstraint(
                condition=Q(rag_override__in=["", "R", "A", "G", "None"]),
                name="rag_override_is_a_rating",
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0), name="entry_count_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(numerator__isnull=True)
                | Q(denominator__isnull=True)
                | Q(numerator__lte=models.F("denominator")),
                name="entry_numerator_not_above_denominator",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} — {self.round}"


class Action(models.Model):
    """One entry of an adopted indicator's action log, carried from month to month until done.

    Its owner is an agency of the adoption's partnership or a person holding a role there (one
    of the two). ``created_in`` and ``closed_in`` are months (first day); the rules (statuses,
    overdue) are plain Python in ``submissions.actions_log.rules``, the writes its services'.
    The free-text ``Submission.actions`` stays for the months before the log (not migrated).
    """

    adoption = models.ForeignKey(Adoption, on_delete=models.PROTECT, related_name="actions")
    text = models.TextField()
    owner_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    owner_person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=ActionStatus.choices(), default=ActionStatus.OPEN
    )
    created_in = models.DateField(help_text="First day of the month the action was logged in.")
    closed_in = models.DateField(null=True, blank=True, help_text="The month it was done in.")
    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        ordering = ["adoption", "created_in", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_agency__isnull=True) ^ Q(owner_person__isnull=True),
                name="action_has_one_owner",
            ),
            models.CheckConstraint(
                condition=Q(status=ActionStatus.DONE) ^ Q(closed_in__isnull=True),
                name="action_closed_when_done",
            ),
            models.CheckConstraint(
                condition=Q(created_in__day=1) & (Q(closed_in__isnull=True) | Q(closed_in__day=1)),
                name="action_months_first_of_month",
            ),
            models.CheckConstraint(condition=~Q(text=""), name="action_has_text"),
        ]

    def __str__(self) -> str:
        return f"{self.adoption.indicator.code}: {self.text[:40]}"


class PackVersion(models.Model):
    """A published pack, frozen: figures, derived metrics, commentary and ratings as they were.

    The database refuses any UPDATE or DELETE of these rows (a trigger, see the migration), so no
    path — page, API, admin, import or shell — can alter a published version. A correction is a
    new version with a change note. ``schema_version`` is the shape the snapshot was stored in;
    readers accept every one (``submissions/packs/schema.py``, ADR 0012).
    """

    round = models.ForeignKey(ReportingRound, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    change_note = models.TextField(blank=True)
    confirm_note = models.TextField(
        blank=True,
        default="",
        help_text="Why the pack was published with commentary the figures contradict "
        "(the coordinator's confirming note; empty when nothing was found).",
    )
    snapshot = models.JSONField()
    schema_version = models.PositiveSmallIntegerField(
        help_text="The shape the snapshot was stored in (1 before versions were named)."
    )

    class Meta:
        ordering = ["round", "number"]
        constraints = [
            models.UniqueConstraint(fields=["round", "number"], name="one_pack_version_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="pack_version_from_one"),
            models.CheckConstraint(
                condition=Q(schema_version__gte=1), name="pack_snapshot_schema_from_one"
            ),
            models.CheckConstraint(
                condition=Q(number=1) | ~Q(change_note=""),
                name="later_versions_have_a_change_note",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PublishedPackImmutable(f"{self} is published and cannot be changed.")
        # From version 2 the snapshot names its shape; one that does not is version 1.
        stated = self.snapshot.get("schema_version", 1) if isinstance(self.snapshot, dict) else 1
        if self.schema_version is None:
            self.schema_version = stated
        elif self.schema_version != stated:
            raise ValueError(
                f"The snapshot is schema version {stated}, not {self.schema_version}: "
                "store a snapshot with the version it was built as."
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PublishedPackImmutable(f"{self} is published and cannot be deleted.")


class PublishedPackImmutable(Exception):
    pass


class ReminderStage(models.TextChoices):
    BEFORE = "before", "Before the deadline"
    DUE = "due", "On the day"
    OVERDUE = "overdue", "After the deadline"


class ReminderSent(models.Model):
    """One reminder per stage per submission: the record that makes reminders idempotent."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="reminders")
    stage = models.CharField(max_length=10, choices=ReminderStage.choices)
    sent_at = models.DateTimeField()
    recipients = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["submission", "stage"], name="one_reminder_per_stage"),
        ]

    def __str__(self) -> str:
        return f"{self.submission} {self.stage}"


class PdfStatus(models.TextChoices):
    PENDING = "pending", "Waiting to start"
    RUNNING = "running", "Being produced"
    DONE = "done", "Ready"
    FAILED = "failed", "Failed"


class PackPdf(models.Model):
    """The PDF of one published version, produced once by a task and then served as stored."""

    version = models.OneToOneField(PackVersion, on_delete=models.PROTECT, related_name="pdf")
    status = models.CharField(max_length=10, choices=PdfStatus.choices, default="pending")
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done.")
    step = models.CharField(max_length=200, blank=True)
    content = models.BinaryField(null=True, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    requested_at = models.DateTimeField()
    # When the task was last handed to the broker (empty: the broker was down), and when the
    # record last moved: the sweep queues again a task that was lost or whose worker died.
    queued_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"PDF of {self.version}"


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", "Waiting to be checked"
    CHECKING = "checking", "Being checked"
    CHECKED = "checked", "Checked: confirm to store"
    PENDING = "pending", "Waiting to start"
    RUNNING = "running", "Being stored"
    DONE = "done", "Stored"
    REFUSED = "refused", "Refused: nothing stored"
    FAILED = "failed", "Failed: nothing stored"
    EXPIRED = "expired", "Expired: not confirmed in time"


def import_upload_name(instance: ImportJob, filename: str) -> str:
    """A random name in file storage: nothing of the uploader's file name reaches a path."""
    suffix = ".xlsx" if filename.lower().endswith(".xlsx") else ".csv"
    return f"imports/{uuid.uuid4().hex}{suffix}"


class ImportJob(models.Model):
    """An uploaded import file, kept in file storage (``file``) from its preview to its store,
    so any web worker or task can read it. Its states::

        uploaded -> checking -> checked -> pending -> running -> done
                        |          |                     |
                        +-> refused (a bad row)          +-> refused (the data changed)
                                   +-> expired (not confirmed within a day)
        any waiting or running state -> failed (an error a retry cannot fix, or too many tries)

    A file of up to 5,000 rows (and 5 MB to parse) is checked and stored in the request; a larger
    one (``background``) by tasks. ``queued_at`` is when a task was last handed to
    the broker (empty: the broker was down); ``updated_at`` moves with every step, so the sweep
    can tell a lost task or a dead worker from a slow one. ``claim`` names the run that holds the
    job, so a run that was given up on cannot finish it. The file is deleted once the job ends.
    The services in ``submissions.imports.jobs`` are the only writers of these states.
    """

    kind = models.CharField(max_length=20)
    filename = models.CharField(max_length=255)
    file = models.FileField(upload_to=import_upload_name, max_length=255, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    rows = models.PositiveIntegerField(default=0, help_text="Rows after the header.")
    background = models.BooleanField(
        default=False, help_text="Checked and stored by tasks (a large file), not in the request."
    )
    progress = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=200, blank=True)
    summary = models.TextField(blank=True)
    errors = models.JSONField(default=list, blank=True)
    preview = models.JSONField(
        default=dict, blank=True, help_text="Counts and the first rows' outcomes, once checked."
    )
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Runs started so far.")
    claim = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField()
    queued_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"import {self.filename} ({self.status})"
