"""What is measured: the catalogue, targets, history, approved month values, supplied benchmarks."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from csp.models import Agency, Area, ComparatorGroup, PopulationSeries


class Portfolio(models.Model):
    name = models.CharField(max_length=150, unique=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class IndicatorKind(models.TextChoices):
    COUNT = "count", "Count"
    CEILING = "ceiling", "Count with annual ceiling"
    RATIO = "ratio", "Ratio (numerator and denominator)"
    BREAKDOWN = "breakdown", "Breakdown (a count per category)"
    SNAPSHOT = "snapshot", "Snapshot (a level at month end)"
    ROLLING = "rolling", "Rolling figure (already a rolling total or cohort rate)"


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly (figures due in Jun, Sep, Dec, Mar)"
    ANNUAL = "annual", "Annual"


class Polarity(models.TextChoices):
    DOWN = "down", "Lower is better"
    UP = "up", "Higher is better"
    NEUTRAL = "neutral", "Neither (monitoring)"


class ChangeBasis(models.TextChoices):
    YTD = "ytd", "Year to date"
    R12 = "r12", "Rolling 12 months"


class Indicator(models.Model):
    """An indicator page of the pack: its texts, how it is measured and who owns it."""

    code = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=300)
    portfolio = models.ForeignKey(Portfolio, on_delete=models.PROTECT, related_name="indicators")
    owner = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="indicators", null=True, blank=True
    )
    pack_order = models.PositiveSmallIntegerField()
    page_heading = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=200, blank=True)

    kind = models.CharField(max_length=20, choices=IndicatorKind.choices)
    frequency = models.CharField(max_length=20, choices=Frequency.choices, default="monthly")
    polarity = models.CharField(max_length=10, choices=Polarity.choices, default="down")
    unit = models.CharField(max_length=50, default="offences", help_text="Plural noun for text.")
    denominator_series = models.ForeignKey(
        PopulationSeries, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    per_n = models.PositiveIntegerField(
        null=True, blank=True, help_text="Rate per 1,000 or 100,000."
    )
    change_basis = models.CharField(max_length=5, choices=ChangeBasis.choices, default="ytd")
    display_decimals = models.PositiveSmallIntegerField(default=0)
    suppression_threshold = models.PositiveIntegerField(null=True, blank=True)

    definition = models.TextField(blank=True)
    how_it_works = models.TextField(blank=True)
    what_good_looks_like = models.TextField(blank=True)
    why_important = models.TextField(blank=True)
    issues_to_consider = models.TextField(blank=True)

    class Meta:
        ordering = ["pack_order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(per_n__isnull=True) | Q(per_n__in=[100, 1000, 10000, 100000]),
                name="indicator_per_n_is_power_of_ten",
            ),
            models.CheckConstraint(
                condition=Q(denominator_series__isnull=True, per_n__isnull=True)
                | Q(denominator_series__isnull=False, per_n__isnull=False),
                name="indicator_rate_needs_series_and_per_n",
            ),
            models.CheckConstraint(
                condition=Q(display_decimals__lte=2), name="indicator_decimals_at_most_2"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"


class IndicatorCategory(models.Model):
    """A category of a breakdown (e.g. 'Very satisfied') or a strand of a multi-series page."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="categories")
    code = models.SlugField(max_length=60)
    label = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)
    counts_as_satisfied = models.BooleanField(default=False)
    is_total = models.BooleanField(default=False, help_text="The 'all' row, not a part of a sum.")

    class Meta:
        ordering = ["indicator", "order"]
        verbose_name_plural = "indicator categories"
        constraints = [
            models.UniqueConstraint(fields=["indicator", "code"], name="category_code_unique"),
        ]

    def __str__(self) -> str:
        return self.label


class TargetKind(models.TextChoices):
    REDUCE = "reduce", "Reduce on last year (stretch)"
    PERCENT_CHANGE = "percent_change", "Stated % change on last year"
    CEILING = "ceiling", "Annual ceiling"
    MINIMUM = "minimum", "Minimum rate or volume"
    RANGE = "range", "Range"
    MONITORING = "monitoring", "Monitoring only"


class Target(models.Model):
    """A target for one financial year (start year: 2016 = 2016/17), optionally per category."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    financial_year = models.PositiveSmallIntegerField(help_text="Start year: 2016 for 2016/17.")
    category = models.ForeignKey(
        IndicatorCategory, on_delete=models.CASCADE, null=True, blank=True, related_name="targets"
    )
    kind = models.CharField(max_length=20, choices=TargetKind.choices)
    value = models.DecimalField(
        max_digits=12,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="% change (e.g. -5), annual ceiling (257) or minimum (70).",
    )
    lower = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)
    upper = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)
    volume = models.PositiveIntegerField(null=True, blank=True, help_text="e.g. 24 people.")
    tolerance = models.DecimalField(
        max_digits=6,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="Amber band: % for ceilings/minimum/range (default 10).",
    )
    text = models.CharField(
        max_length=300, blank=True, help_text="The target line the pack prints."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "financial_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "financial_year"],
                condition=Q(category__isnull=True),
                name="one_target_per_indicator_year",
            ),
            models.UniqueConstraint(
                fields=["indicator", "financial_year", "category"],
                condition=Q(category__isnull=False),
                name="one_target_per_indicator_year_category",
            ),
            models.CheckConstraint(
                condition=~Q(kind="range")
                | Q(lower__isnull=False, upper__isnull=False, lower__lte=F("upper")),
                name="range_target_has_bounds",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["percent_change", "ceiling", "minimum"])
                | Q(value__isnull=False),
                name="target_value_given",
            ),
            models.CheckConstraint(
                condition=~Q(kind="ceiling") | Q(value__gt=0), name="ceiling_target_positive"
            ),
        ]

    def __str__(self) -> str:
        fy = f"{self.financial_year}/{(self.financial_year + 1) % 100:02d}"
        return f"{self.indicator.code} {fy}: {self.text or self.get_kind_display()}"


class HistoryEntry(models.Model):
    """'History with this indicator': a previous year's result as the pack published it."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="history")
    year_label = models.CharField(max_length=20, help_text="e.g. 2015/16")
    text = models.TextField()
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["indicator", "order"]
        verbose_name_plural = "history entries"

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year_label}"


class ValueStatus(models.TextChoices):
    REPORTED = "reported", "Reported"
    SUPPRESSED = "suppressed", "Suppressed (below the disclosure threshold)"
    NOT_COLLECTED = "not_collected", "Not collected this month"
    NOT_AVAILABLE = "not_available", "Not available yet"


class MonthValue(models.Model):
    """An approved figure for (indicator, area, month[, category]), or why there is none.

    Exactly one shape holds a reported figure: a whole number (``value``: a count, a level or a
    rolling count), a numerator/denominator pair, or a published rate (``decimal_value``).
    The pack prints ``not_collected`` as "Data collected quarterly" and ``not_available`` as "TBC"
    (with its reason); a suppressed count prints as "<threshold", never as 0.
    """

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="month_values")
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="month_values")
    month = models.DateField(help_text="First day of the month.")
    category = models.ForeignKey(
        IndicatorCategory, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=20, choices=ValueStatus.choices, default="reported")
    value = models.BigIntegerField(null=True, blank=True)
    numerator = models.BigIntegerField(null=True, blank=True)
    denominator = models.BigIntegerField(null=True, blank=True)
    decimal_value = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    reference_period = models.CharField(max_length=200, blank=True)
    reason = models.TextField(blank=True)
    is_estimated = models.BooleanField(
        default=False, help_text="Derived or estimated, not a published figure."
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "area", "month"]
        indexes = [models.Index(fields=["area", "indicator", "month"], name="monthvalue_lookup")]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "area", "month"],
                condition=Q(category__isnull=True),
                name="one_value_per_indicator_area_month",
            ),
            models.UniqueConstraint(
                fields=["indicator", "area", "month", "category"],
                condition=Q(category__isnull=False),
                name="one_value_per_indicator_area_month_category",
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="month_is_first_of_month"),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0), name="count_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(numerator__isnull=True) | Q(numerator__gte=0),
                name="numerator_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(denominator__isnull=True) | Q(denominator__gte=0),
                name="denominator_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(decimal_value__isnull=True) | Q(decimal_value__gte=0),
                name="decimal_value_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(numerator__isnull=True)
                | Q(denominator__isnull=True)
                | Q(numerator__lte=F("denominator")),
                name="numerator_not_above_denominator",
            ),
            models.CheckConstraint(
                condition=~Q(status="reported")
                | Q(value__isnull=False)
                | Q(numerator__isnull=False)
                | Q(decimal_value__isnull=False),
                name="reported_value_has_a_figure",
            ),
            models.CheckConstraint(
                condition=Q(status="reported")
                | Q(
                    value__isnull=True,
                    numerator__isnull=True,
                    denominator__isnull=True,
                    decimal_value__isnull=True,
                ),
                name="unreported_value_has_no_figure",
            ),
            models.CheckConstraint(
                condition=~Q(status="not_available") | ~Q(reason=""),
                name="not_available_needs_reason",
            ),
        ]

    def __str__(self) -> str:
        cat = f" [{self.category.code}]" if self.category_id else ""
        return f"{self.indicator.code} {self.area.code} {self.month:%Y-%m}{cat}"


class SuppliedBenchmark(models.Model):
    """A rank and group average supplied by an external source (e.g. iQuanta) for one month."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="benchmarks")
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="benchmarks")
    month = models.DateField()
    group = models.ForeignKey(ComparatorGroup, on_delete=models.CASCADE, related_name="benchmarks")
    position = models.PositiveSmallIntegerField(null=True, blank=True)
    size = models.PositiveSmallIntegerField(null=True, blank=True)
    average = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    source = models.CharField(max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "area", "month", "group"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "area", "month", "group"], name="one_benchmark_per_group_month"
            ),
            models.CheckConstraint(
                condition=Q(month__day=1), name="benchmark_month_first_of_month"
            ),
            models.CheckConstraint(
                condition=Q(position__isnull=True)
                | Q(size__isnull=True)
                | Q(position__gte=1, position__lte=F("size")),
                name="benchmark_position_within_group",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.area.code} {self.month:%Y-%m} {self.group.code}"


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
