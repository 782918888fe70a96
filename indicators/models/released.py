"""Released rates: a partnership's rates as its published packs show them (ADR 0018).

Another area's rank may use a partnership's figures only once they are released, and then as
released: publishing a round for a month copies the partnership's rates for that month and every
earlier one here, in the publishing transaction. A correction approved later stays out of the
others' ranks until it is published in turn. Comparator areas (no partnership) have no rows:
their figures are public data and ranked as they stand.
"""

from __future__ import annotations

from django.db import models

from csp.models import Area
from indicators.models.catalogue import Indicator


class ReleasedRate(models.Model):
    """One (indicator, area, month)'s rate, rolling-12 total and denominator, as released."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    rate = models.FloatField()
    r12 = models.FloatField(null=True)
    rate_denominator = models.BigIntegerField(null=True)
    released_at = models.DateTimeField()

    class Meta:
        ordering = ["indicator", "area", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "area", "month"], name="one_released_rate_per_month"
            ),
        ]
        indexes = [models.Index(fields=["area", "month"], name="released_area_month")]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.area_id} {self.month:%Y-%m} released"
