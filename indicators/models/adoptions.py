"""A partnership's adoption of a catalogue indicator: what is local to the partnership.

The catalogue (``Indicator``) says what is measured and how, for the whole install. An
``Adoption`` says who in one partnership answers for it (the owning agency), where it sits in
that partnership's pack (portfolio, order), its local texts, suppression threshold and amber
tolerance; targets (``Target``) and history (``HistoryEntry``) hang off it. See ADR 0015.
"""

from __future__ import annotations

import calendar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from csp.models import Agency, Partnership
from indicators.engine.series import QUARTER_ENDS
from indicators.models.catalogue import Indicator, Portfolio

# The page texts a partnership writes for itself; blank means "use the catalogue's".
LOCAL_TEXTS = ("what_good_looks_like", "why_important", "issues_to_consider")
# The page texts every partnership shares with the catalogue.
SHARED_TEXTS = ("definition", "how_it_works")


class Adoption(models.Model):
    """One partnership's use of one catalogue indicator: owner, pack place, texts, tolerances."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="adoptions")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="adoptions")
    owner = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="adoptions", null=True, blank=True
    )
    portfolio = models.ForeignKey(Portfolio, on_delete=models.PROTECT, related_name="adoptions")
    pack_order = models.PositiveSmallIntegerField()
    suppression_threshold = models.PositiveIntegerField(
        null=True, blank=True, help_text="Counts under this are shown as '<N', never as 0."
    )
    tolerance = models.DecimalField(
        max_digits=6,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="Amber band in % for this partnership's targets that give none (default 10).",
    )
    figure_limit = models.PositiveBigIntegerField(
        null=True,
        blank=True,
        help_text=(
            "The largest figure an entry may give (a count, a total or a rate); a larger one is "
            "refused. Blank: ten times the largest approved month of the last five years."
        ),
    )
    what_good_looks_like = models.TextField(blank=True, help_text="Blank: the catalogue's.")
    why_important = models.TextField(blank=True, help_text="Blank: the catalogue's.")
    issues_to_consider = models.TextField(blank=True, help_text="Blank: the catalogue's.")
    due_months = models.CharField(
        max_length=40,
        blank=True,
        help_text=(
            "Months a quarterly or annual indicator's figures are due, as month numbers "
            "(e.g. '6,9,12,3'); blank: as the catalogue's frequency says."
        ),
    )
    retired_on = models.DateField(
        null=True,
        blank=True,
        help_text="Retired: new rounds skip it; old rounds and packs keep it.",
    )
    # Its changes, with who and why (``history`` is its page's history entries).
    audit = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "pack_order", "indicator__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "indicator"], name="one_adoption_per_partnership"
            ),
            models.CheckConstraint(
                condition=Q(tolerance__isnull=True) | Q(tolerance__gte=0),
                name="adoption_tolerance_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} in {self.partnership}"

    def clean(self) -> None:
        if self.owner is not None and self.owner.partnership_id != self.partnership_id:
            raise ValidationError({"owner": "The owner must be an agency of this partnership."})

    @property
    def is_retired(self) -> bool:
        return self.retired_on is not None

    def due_month_numbers(self) -> tuple[int, ...]:
        """The due months as numbers (1-12), in the order written; empty: every month."""
        return tuple(int(m) for m in self.due_months.split(",") if m.strip())

    def is_due_in(self, month: int) -> bool:
        """Whether a figure is due in this month (1-12): in its due months when it names any, else
        every month but a quarterly indicator's, due in June, September, December and March. An
        annual indicator naming no due month is asked every month (it may answer "not
        collected")."""
        named = self.due_month_numbers()
        if named:
            return month in named
        if self.indicator.frequency == "quarterly":
            return month in QUARTER_ENDS
        return True

    def due_words(self) -> str:
        """'Figures due in June, September, December and March' for a quarterly or annual
        indicator (the entry form and the settings say it); empty for a monthly one."""
        named = self.due_month_numbers()
        if not named and self.indicator.frequency == "quarterly":
            named = (6, 9, 12, 3)
        if not named:
            return ""
        names = [calendar.month_name[m] for m in named]
        listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
        return f"Figures due in {listed}"

    def text(self, name: str) -> str:
        """A page text: the partnership's own, or the catalogue's when it wrote none."""
        if name in LOCAL_TEXTS:
            return getattr(self, name) or getattr(self.indicator, name)
        if name in SHARED_TEXTS:
            return str(getattr(self.indicator, name))
        raise KeyError(name)

    def texts(self) -> dict[str, str]:
        return {name: self.text(name) for name in (*SHARED_TEXTS, *LOCAL_TEXTS)}
