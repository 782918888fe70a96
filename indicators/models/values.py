"""Approved month values and supplied benchmarks: what the cycle and imports store."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from csp.models import Area, ComparatorGroup
from indicators.engine.vocabulary import ValueStatus
from indicators.models.catalogue import Indicator, IndicatorCategory


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
    status = models.CharField(
        max_length=20, choices=ValueStatus.choices(), default=ValueStatus.REPORTED
    )
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
                condition=~Q(status=ValueStatus.REPORTED)
                | Q(value__isnull=False)
                | Q(numerator__isnull=False)
                | Q(decimal_value__isnull=False),
                name="reported_value_has_a_figure",
            ),
            models.CheckConstraint(
                condition=Q(status=ValueStatus.REPORTED)
                | Q(
                    value__isnull=True,
                    numerator__isnull=True,
                    denominator__isnull=True,
                    decimal_value__isnull=True,
                ),
                name="unreported_value_has_no_figure",
            ),
            models.CheckConstraint(
                condition=~Q(status=ValueStatus.NOT_AVAILABLE) | ~Q(reason=""),
                name="not_available_needs_reason",
            ),
        ]

    def __str__(self) -> str:
        cat = f" [{self.category.code}]" if self.category is not None else ""
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
