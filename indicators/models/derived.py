"""The derived store (metrics and ranks the recompute writes) and the recompute requests."""

from __future__ import annotations

from django.db import models

from csp.models import Area, ComparatorGroup
from indicators.models.catalogue import Indicator


class DerivedMetric(models.Model):
    """Every derived figure of one (indicator, area, month), written by the recompute service.

    Pages and the API read only this store; nothing recomputes on request. Numbers are stored
    unrounded; rounding is for display.
    """

    # Derived rows are rewritten in bulk: no per-row foreign-key triggers and no single-column
    # indexes (the unique index leads with indicator). Django still cascades deletes.
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    area = models.ForeignKey(
        Area, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    month = models.DateField()
    status = models.CharField(max_length=20)
    month_value = models.FloatField(null=True)
    month_pct = models.FloatField(null=True)
    ytd = models.FloatField(null=True)
    ytd_previous = models.FloatField(null=True)
    ytd_change_abs = models.FloatField(null=True)
    ytd_change_pct = models.FloatField(null=True)
    r12 = models.FloatField(null=True)
    r12_previous = models.FloatField(null=True)
    r12_change_abs = models.FloatField(null=True)
    r12_change_pct = models.FloatField(null=True)
    rate = models.FloatField(null=True)
    rate_denominator = models.BigIntegerField(null=True)
    previous_value = models.FloatField(null=True)
    value_change_abs = models.FloatField(null=True)
    value_change_pct = models.FloatField(null=True)
    ytd_numerator = models.BigIntegerField(null=True)
    ytd_denominator = models.BigIntegerField(null=True)
    ytd_pct = models.FloatField(null=True)
    ytd_pct_previous = models.FloatField(null=True)
    pct_satisfied = models.FloatField(null=True)
    ytd_pct_satisfied = models.FloatField(null=True)
    target_to_date = models.IntegerField(null=True)
    variance = models.FloatField(null=True)
    volume_to_date = models.IntegerField(null=True)
    rag = models.CharField(max_length=1, blank=True, help_text="R, A, G, or blank for none.")
    rag_reason = models.TextField(blank=True)
    direction = models.CharField(max_length=12, blank=True)
    spc_value = models.FloatField(null=True)
    spc_mean = models.FloatField(null=True)
    spc_upper = models.FloatField(null=True)
    spc_lower = models.FloatField(null=True)
    spc_upper_near = models.FloatField(null=True)
    spc_lower_near = models.FloatField(null=True)
    spc_signal = models.CharField(max_length=12, blank=True)
    variation = models.CharField(max_length=40, blank=True)
    assurance = models.CharField(max_length=30, blank=True)
    missing_months = models.JSONField(default=list, blank=True)
    categories = models.JSONField(null=True, blank=True)
    # The period the month's figure covers; for a lagged kind (``engine.lagged``) the latest
    # available period, whose figure was stored for ``figure_month``.
    figure_month = models.DateField(null=True)
    period_start = models.DateField(null=True)
    period_end = models.DateField(null=True)
    period_label = models.CharField(max_length=200, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["indicator", "area", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "area", "month"], name="one_derived_row_per_month"
            ),
        ]
        indexes = [models.Index(fields=["area", "month"], name="derived_area_month")]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.area_id} {self.month:%Y-%m}"


class DerivedRank(models.Model):
    """An area's position in a comparator group for one indicator and month.

    ``source`` is ``computed`` (from the group members' rates) or ``supplied`` (a benchmark
    figure from an external source, used when too few members have data).
    """

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    area = models.ForeignKey(
        Area, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    month = models.DateField()
    group = models.ForeignKey(
        ComparatorGroup,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    position = models.PositiveSmallIntegerField(null=True)
    size = models.PositiveSmallIntegerField(null=True)
    average = models.FloatField(null=True)
    source = models.CharField(max_length=10)

    class Meta:
        ordering = ["indicator", "area", "month", "group"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "area", "month", "group"], name="one_rank_per_group_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.area_id} {self.month:%Y-%m} {self.group_id}"


class RecomputeRequest(models.Model):
    """A change whose derived figures still need recomputing.

    Written in the same transaction as the change, so a change is never without its request; the
    task that processes it deletes it. If the broker is down when the change commits, the
    periodic sweep processes what is left.
    """

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, null=True, related_name="+")
    area = models.ForeignKey(Area, on_delete=models.CASCADE, null=True, related_name="+")
    month = models.DateField(null=True)
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"recompute {self.indicator_id or 'all'} {self.area_id or 'all'} {self.month or ''}"


class RecomputeRun(models.Model):
    """One full recompute fanned out as a Celery chord (PostgreSQL; ADR 0028).

    At most one row is ``running`` (a partial unique constraint): a second full recompute
    started while one runs is refused. Each chunk records itself in ``chunks_done`` in the
    transaction that writes its staging rows; the swap runs once every chunk is there.
    """

    RUNNING, SWAPPED, FAILED = "running", "swapped", "failed"

    state = models.CharField(
        max_length=10,
        choices=[(RUNNING, "running"), (SWAPPED, "swapped"), (FAILED, "failed")],
        default=RUNNING,
    )
    chunks = models.PositiveIntegerField()
    chunk_indicators = models.JSONField(default=list)  # chunk number -> its indicator ids
    # chunk number -> {"series", "rows", "ranks", "phases", "pid", "peak_kib"}
    chunks_done = models.JSONField(default=dict)
    phases = models.JSONField(default=dict)  # the swap's timings
    eager = models.BooleanField(default=False)  # chunks run in the starting process
    started_at = models.DateTimeField()
    heartbeat_at = models.DateTimeField()  # the last chunk started or finished (or the start)
    finished_at = models.DateTimeField(null=True)
    detail = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["state"],
                condition=models.Q(state="running"),
                name="one_full_recompute_running",
            )
        ]

    def __str__(self) -> str:
        return f"full recompute {self.id} ({self.state})"


class RecomputeTouch(models.Model):
    """A scoped recompute (after an approval) or a release's reranking that wrote the live
    derived store while a full recompute ran (ADR 0028). The chunks may have read the figures
    before it: the swap replays it onto the swapped-in tables, in its transaction, so the swap
    never undoes it. ``run_id`` is a plain number, not a foreign key, so recording a touch never
    waits on the run's row lock the swap holds."""

    RECOMPUTE, RANKS = "recompute", "ranks"

    run_id = models.BigIntegerField(db_index=True)
    kind = models.CharField(max_length=10, choices=[(RECOMPUTE, "recompute"), (RANKS, "ranks")])
    # recompute: indicator_ids, area_ids, from_month, rank_months; ranks: indicator_ids,
    # area_ids, months (ids lists or null for all; months as ISO dates).
    scope = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.kind} during full recompute {self.run_id}"
