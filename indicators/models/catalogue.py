"""What is measured: the shared catalogue (portfolios, indicators and their categories) and what
hangs off a partnership's adoption of an indicator (targets, history). See ADR 0015.

The choices (kinds, frequencies, polarities, bases, target kinds) are the enums of
``indicators.engine.vocabulary``, which the engine reads too; they are re-exported here."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from csp.models import PopulationSeries
from indicators.engine.formatting import fy_label
from indicators.engine.vocabulary import (
    ChangeBasis,
    Frequency,
    IndicatorKind,
    Polarity,
    TargetKind,
)


class Portfolio(models.Model):
    name = models.CharField(max_length=150, unique=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    """An indicator of the shared catalogue: what is measured, how, and its shared texts.

    Partnerships adopt it (``Adoption``): the owner, pack place, targets, local texts, suppression
    threshold and tolerance are theirs. ``what_good_looks_like``, ``why_important`` and
    ``issues_to_consider`` here are the defaults an adoption falls back to.
    """

    code = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=300)
    page_heading = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=200, blank=True)

    kind = models.CharField(max_length=20, choices=IndicatorKind.choices())
    frequency = models.CharField(
        max_length=20, choices=Frequency.choices(), default=Frequency.MONTHLY
    )
    polarity = models.CharField(max_length=10, choices=Polarity.choices(), default=Polarity.DOWN)
    unit = models.CharField(max_length=50, default="offences", help_text="Plural noun for text.")
    denominator_series = models.ForeignKey(
        PopulationSeries, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    per_n = models.PositiveIntegerField(
        null=True, blank=True, help_text="Rate per 1,000 or 100,000."
    )
    change_basis = models.CharField(
        max_length=5, choices=ChangeBasis.choices(), default=ChangeBasis.YTD
    )
    display_decimals = models.PositiveSmallIntegerField(default=0)

    definition = models.TextField(blank=True)
    how_it_works = models.TextField(blank=True)
    what_good_looks_like = models.TextField(blank=True)
    why_important = models.TextField(blank=True)
    issues_to_consider = models.TextField(blank=True)

    class Meta:
        ordering = ["code"]
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


class Target(models.Model):
    """A partnership's target for an adopted indicator in one financial year (start year: 2016 =
    2016/17), optionally per category."""

    adoption = models.ForeignKey(
        "indicators.Adoption", on_delete=models.CASCADE, related_name="targets"
    )
    financial_year = models.PositiveSmallIntegerField(help_text="Start year: 2016 for 2016/17.")
    category = models.ForeignKey(
        IndicatorCategory, on_delete=models.CASCADE, null=True, blank=True, related_name="targets"
    )
    kind = models.CharField(max_length=20, choices=TargetKind.choices())
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
        ordering = ["adoption", "financial_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["adoption", "financial_year"],
                condition=Q(category__isnull=True),
                name="one_target_per_adoption_year",
            ),
            models.UniqueConstraint(
                fields=["adoption", "financial_year", "category"],
                condition=Q(category__isnull=False),
                name="one_target_per_adoption_year_category",
            ),
            models.CheckConstraint(
                condition=~Q(kind=TargetKind.RANGE)
                | Q(lower__isnull=False, upper__isnull=False, lower__lte=F("upper")),
                name="range_target_has_bounds",
            ),
            models.CheckConstraint(
                condition=~Q(
                    kind__in=[TargetKind.PERCENT_CHANGE, TargetKind.CEILING, TargetKind.MINIMUM]
                )
                | Q(value__isnull=False),
                name="target_value_given",
            ),
            models.CheckConstraint(
                condition=~Q(kind=TargetKind.CEILING) | Q(value__gt=0),
                name="ceiling_target_positive",
            ),
        ]

    def __str__(self) -> str:
        fy = fy_label(self.financial_year)
        return f"{self.adoption} {fy}: {self.text or self.get_kind_display()}"


class HistoryEntry(models.Model):
    """'History with this indicator': a previous year's result as the pack published it.

    A partnership's own entries name its adoption; entries without one are the catalogue's,
    shown for an adoption that has none of its own.
    """

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="history")
    adoption = models.ForeignKey(
        "indicators.Adoption",
        on_delete=models.CASCADE,
        related_name="history",
        null=True,
        blank=True,
    )
    year_label = models.CharField(max_length=20, help_text="e.g. 2015/16")
    text = models.TextField()
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["indicator", "adoption", "order"]
        verbose_name_plural = "history entries"

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year_label}"
