"""The partnership: areas, comparator groups, population denominators, agencies and roles."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords


class Area(models.Model):
    """A local authority area, identified by its ONS code (Barking and Dagenham = E09000002)."""

    code = models.CharField("ONS code", max_length=9, unique=True)
    name = models.CharField(max_length=100, unique=True)
    short_name = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[EWSN][0-9]{8}$"), name="area_code_is_ons_code"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class ComparatorGroup(models.Model):
    """A set of areas ranked together: MET (the 32 MPS boroughs) or MSG (Most Similar Group)."""

    code = models.SlugField(max_length=20, unique=True)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    members = models.ManyToManyField(Area, through="GroupMembership", related_name="groups")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class GroupMembership(models.Model):
    group = models.ForeignKey(ComparatorGroup, on_delete=models.CASCADE)
    area = models.ForeignKey(Area, on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "area"], name="one_membership_per_group_area")
        ]

    def __str__(self) -> str:
        return f"{self.area} in {self.group}"


class PopulationKind(models.TextChoices):
    RESIDENTS = "residents", "Residents"
    HOUSEHOLDS = "households", "Households"
    RESIDENTS_1_19 = "residents_1_19", "Residents aged 1–19"
    RESIDENTS_10_17 = "residents_10_17", "Residents aged 10–17"


# What a rate is "per 1,000" of, in the pack's words (DESIGN.md glossary: "residents, households,
# residents aged 1–19, young people aged 10–17").
RATE_UNITS = {
    PopulationKind.RESIDENTS: "residents",
    PopulationKind.HOUSEHOLDS: "households",
    PopulationKind.RESIDENTS_1_19: "residents aged 1–19",
    PopulationKind.RESIDENTS_10_17: "young people aged 10–17",
}


class PopulationSeries(models.Model):
    """A named denominator series (kind + vintage), e.g. ONS mid-year estimates of residents.

    Indicators name the series they divide by: pages of the same pack use different series.
    """

    code = models.SlugField(max_length=50, unique=True)
    kind = models.CharField(max_length=20, choices=PopulationKind.choices)
    name = models.CharField(max_length=150)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "population series"

    def __str__(self) -> str:
        return self.name

    @property
    def rate_unit(self) -> str:
        """Who a rate over this series counts: "per 1,000 {rate_unit}"."""
        return RATE_UNITS[PopulationKind(self.kind)]


class Population(models.Model):
    """A denominator value for an area in a series, in force from a date until the next one."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="populations")
    series = models.ForeignKey(PopulationSeries, on_delete=models.PROTECT, related_name="values")
    value = models.PositiveIntegerField()
    in_force_from = models.DateField()
    source = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["area", "series", "in_force_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "series", "in_force_from"], name="one_population_per_start_date"
            ),
            models.CheckConstraint(condition=Q(value__gt=0), name="population_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.area} {self.series.code} {self.value:,} from {self.in_force_from:%d %b %Y}"

    @property
    def kind(self) -> str:
        return self.series.kind


class Partnership(models.Model):
    """A Community Safety Partnership: the area it serves, its agencies and its people."""

    name = models.CharField(max_length=150, unique=True)
    area = models.OneToOneField(Area, on_delete=models.PROTECT, related_name="partnership")

    def __str__(self) -> str:
        return self.name


class Agency(models.Model):
    """An agency of the partnership that owns indicators (police, fire brigade, probation…)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="agencies")
    code = models.SlugField(max_length=40)
    name = models.CharField(max_length=150)
    email = models.EmailField(blank=True)
    retired_on = models.DateField(
        null=True, blank=True, help_text="Retired: owns no indicator and is offered for none."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"
        constraints = [
            models.UniqueConstraint(fields=["partnership", "code"], name="agency_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class RoleKind(models.TextChoices):
    AGENCY_LEAD = "agency_lead", "Agency lead"
    COORDINATOR = "coordinator", "Coordinator"
    BOARD_MEMBER = "board_member", "Board member"
    ADMINISTRATOR = "administrator", "Administrator"


class Role(models.Model):
    """A person's role within a partnership. An agency lead's role names the agency."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles"
    )
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(max_length=20, choices=RoleKind.choices)
    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, null=True, blank=True, related_name="leads"
    )
    history = HistoricalRecords()  # who gave, changed or removed a role, and why

    class Meta:
        ordering = ["partnership", "kind", "user__username"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="agency_lead", agency__isnull=False) | ~Q(kind="agency_lead"))
                & (Q(kind="agency_lead") | Q(agency__isnull=True)),
                name="agency_given_only_for_agency_lead",
            ),
            models.UniqueConstraint(
                fields=["user", "partnership", "kind", "agency"], name="role_unique"
            ),
            models.UniqueConstraint(
                fields=["user", "partnership", "kind"],
                condition=Q(agency__isnull=True),
                name="role_unique_without_agency",
            ),
        ]

    def __str__(self) -> str:
        suffix = f" ({self.agency})" if self.agency_id else ""
        return f"{self.user} — {self.get_kind_display()}{suffix}"


class Invitation(models.Model):
    """An invitation by e-mail to a role in a partnership (``csp.invitations``): a single-use
    link whose token is kept only as its SHA-256 digest, valid until ``expires_at``. Accepting
    it creates the account (if new) and the ``Role``; resending replaces the token (the old
    link stops working); revoking ends it. Rows are kept: the history of who was invited."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    kind = models.CharField(max_length=20, choices=RoleKind.choices)
    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, null=True, blank=True, related_name="invitations"
    )
    token_digest = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations_sent",
    )
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations_accepted",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "email", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="agency_lead", agency__isnull=False) | ~Q(kind="agency_lead"))
                & (Q(kind="agency_lead") | Q(agency__isnull=True)),
                name="invitation_agency_only_for_agency_lead",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} invited to {self.partnership} as {self.get_kind_display()}"


class Heartbeat(models.Model):
    """When a background job last reported that it ran: ``worker`` (the beat task
    ``csp.heartbeat``, run by a worker every minute) and ``recompute`` (the last successful
    recompute of the derived store). One row per name, overwritten; /readyz reads them."""

    name = models.CharField(max_length=50, primary_key=True)
    at = models.DateTimeField()
    detail = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"{self.name} at {self.at:%Y-%m-%d %H:%M:%S}"


class Region(models.Model):
    """Partnerships read together by a regional reader (MOPAC and the 32 London boroughs, a
    police force's area): the partnerships serving the areas of a comparator group, and any
    named one by one. Only their *published* packs are read (ADR 0017)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=150)
    group = models.ForeignKey(
        ComparatorGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="regions",
        help_text="Every partnership serving an area of this group belongs to the region.",
    )
    partnerships = models.ManyToManyField(
        Partnership,
        blank=True,
        related_name="regions",
        help_text="Partnerships of the region besides those of the group.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RegionalReader(models.Model):
    """A person who reads every published pack of a region's partnerships, and nothing else of
    them: no round, submission, draft, live figure or audit entry. Not a ``Role``: a role is
    held within one partnership, and keeping regional readers out of ``Role`` keeps them out
    of every partnership's rules by construction (ADR 0017)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="regions_read"
    )
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="readers")

    class Meta:
        ordering = ["region", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "region"], name="one_reader_per_region_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} — reads {self.region}"
