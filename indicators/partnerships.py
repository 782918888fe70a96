"""Setting up a partnership beside the others in the install (issue 11): its area, optionally
the agencies, adoptions, local texts and targets of another partnership, and its coordinator.

Called by ``manage.py setup_partnership``; one transaction, so a refusal leaves nothing behind.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from csp.invitations import account_for_email, invitation_send
from csp.models import Agency, Area, Partnership, Role, RoleKind
from indicators.models import LOCAL_TEXTS, Adoption, Target
from indicators.recompute.release import rates_release

TARGET_FIELDS = (
    "financial_year",
    "category_id",
    "kind",
    "value",
    "lower",
    "upper",
    "volume",
    "tolerance",
    "text",
)


class SetupRefused(ValueError):
    """The partnership cannot be set up as asked; the message says why."""


@dataclass
class SetupReport:
    partnership: Partnership
    agencies: list[str] = field(default_factory=list)
    adoptions: int = 0
    targets: int = 0
    coordinator: str = ""
    coordinator_created: bool = False

    def lines(self) -> list[str]:
        area = self.partnership.area
        out = [f"Created {self.partnership.name} for {area.name} ({area.code})."]
        if self.agencies:
            out.append(f"Agencies ({len(self.agencies)}, no people): {', '.join(self.agencies)}.")
        if self.adoptions:
            out.append(f"Adopted {self.adoptions} indicators with {self.targets} targets.")
        account = "new account" if self.coordinator_created else "existing account"
        out.append(f"Coordinator: {self.coordinator} ({account}), invited by e-mail.")
        return out


def partnership_setup(
    *, area_code: str, name: str, coordinator_email: str, indicators_from: str | None = None
) -> SetupReport:
    """Create the partnership of an existing area and its coordinator; with ``indicators_from``
    (another partnership's area code) copy that partnership's agencies (without their people),
    adoptions (owner by agency code, portfolio, pack order, threshold, tolerance, local texts)
    and targets. History is not copied: it is the other partnership's past results. The
    coordinator (username = e-mail address) is e-mailed a single-use, expiring link once the
    transaction commits."""
    name = name.strip()
    if not name:
        raise SetupRefused("Give the partnership a name.")
    with transaction.atomic():
        area = Area.objects.filter(code=area_code).first()
        if area is None:
            raise SetupRefused(f"There is no area {area_code}.")
        if Partnership.objects.filter(area=area).exists():
            raise SetupRefused(f"{area.name} already has a partnership.")
        if Partnership.objects.filter(name=name).exists():
            raise SetupRefused(f"There is already a partnership called {name}.")
        source = None
        if indicators_from:
            source = Partnership.objects.filter(area__code=indicators_from).first()
            if source is None:
                raise SetupRefused(f"No partnership serves {indicators_from} to copy from.")
        try:
            account, created = account_for_email(coordinator_email)
        except ValidationError as exc:
            raise SetupRefused(f"{coordinator_email}: {'; '.join(exc.messages)}") from None
        partnership = Partnership.objects.create(name=name, area=area)
        # The area's figures so far came in as a comparator's public data: they stay in the
        # other areas' ranks. From now on its figures are released by publishing (ADR 0018).
        rates_release(area_id=area.id, through=None, now=timezone.now())
        report = SetupReport(partnership, coordinator=account.username, coordinator_created=created)
        if source is not None:
            _copy(source, partnership, report)
        Role.objects.create(user=account, partnership=partnership, kind=RoleKind.COORDINATOR)
        what = f"coordinator of {partnership.name}"
        transaction.on_commit(lambda: invitation_send(account, what=what))
    return report


def _copy(source: Partnership, partnership: Partnership, report: SetupReport) -> None:
    agencies = {
        a.id: Agency.objects.create(partnership=partnership, code=a.code, name=a.name)
        for a in source.agencies.order_by("name")
    }
    report.agencies = [a.name for a in agencies.values()]
    adoptions = {}
    for a in Adoption.objects.filter(partnership=source).order_by("pack_order"):
        adoptions[a.id] = Adoption.objects.create(
            partnership=partnership,
            indicator_id=a.indicator_id,
            owner=agencies.get(a.owner_id) if a.owner_id is not None else None,
            portfolio_id=a.portfolio_id,
            pack_order=a.pack_order,
            suppression_threshold=a.suppression_threshold,
            tolerance=a.tolerance,
            **{text: getattr(a, text) for text in LOCAL_TEXTS},
        )
    targets = [
        Target(
            adoption=adoptions[t.adoption_id],
            **{f: getattr(t, f) for f in TARGET_FIELDS},
        )
        for t in Target.objects.filter(adoption__partnership=source)
    ]
    Target.objects.bulk_create(targets)
    report.adoptions, report.targets = len(adoptions), len(targets)
