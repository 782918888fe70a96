"""Load the demo partnership and its December 2016 pack from ``submissions/demo/data``.

``demo_load`` is idempotent: every row is looked up by its natural key and created only when it
is missing, so a second run changes nothing (no new rows, no new history entries) and never
overwrites what people have since entered or edited. It runs in one transaction: a bad data file
leaves the database as it was. To start the demo afresh, delete the database and run it again.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from csp.models import (
    Agency,
    Area,
    ComparatorGroup,
    GroupMembership,
    Partnership,
    Population,
    PopulationSeries,
    Region,
    RegionalReader,
    Role,
    RoleKind,
)
from indicators.models import (
    Portfolio,
)
from indicators.services import metrics_recompute, rates_release
from submissions.demo.actions import demo_actions_load
from submissions.demo.common import DEMO_DIR, DemoDataError, Loader, LoadReport, yaml_read
from submissions.demo.judgements import judgements_load
from submissions.demo.pages import indicator_load, rounds_load
from submissions.models import (
    PackVersion,
    ReportingRound,
    RoundStatus,
)


def demo_load(*, password: str, data_dir: Path = DEMO_DIR) -> LoadReport:
    """Create or bring up to date the demo partnership, catalogue, figures, users and rounds."""
    partnership_data = yaml_read(data_dir / "partnership.yaml")
    pages = [yaml_read(p) for p in sorted((data_dir / "indicators").glob("*.yaml"))]
    if not pages:
        raise DemoDataError(f"no indicator files in {data_dir / 'indicators'}")
    report = LoadReport()
    loader = Loader(report)
    with transaction.atomic():
        partnership = _load_partnership(loader, partnership_data, password)
        for page in pages:
            indicator_load(loader, page, partnership)
        rounds_load(loader, partnership_data, partnership, pages)
        judgements_load(loader, partnership, pages)
        demo_actions_load(loader, partnership, pages)
        if report.changed:
            metrics_recompute(now=timezone.now())
        _publish_demo_rounds(loader, partnership)
    return report


# The seed's commentary is kept word for word, contradictions and all (TNO's actions say "at
# October 2016" in the December pack): publishing it needs the coordinator's confirming note.
DEMO_CONFIRM_NOTE = (
    "Published as the board read it: the commentary is the {month} pack's own, word for word. "
    "The check against the figures finds {n} places where it disagrees with the tables; they are "
    "kept so that the pack shows what the board was given."
)


def _publish_demo_rounds(loader: Loader, partnership: Partnership) -> None:
    """Freeze version 1 of each published demo round (once: versions are immutable), with the
    confirming note publishing asks for when the figures contradict the seed's commentary."""
    from submissions.packs.publish import snapshot_contradictions
    from submissions.packs.snapshot import pack_snapshot_build

    coordinator = Role.objects.filter(partnership=partnership, kind=RoleKind.COORDINATOR).first()
    for round_ in ReportingRound.objects.filter(
        partnership=partnership, status=RoundStatus.PUBLISHED
    ).select_related("partnership__area"):
        if round_.versions.exists():
            loader.report.unchanged["pack versions"] += 1
            continue
        assert round_.published_at is not None  # a published round carries its time
        snapshot = pack_snapshot_build(round_)
        found = snapshot_contradictions(snapshot)
        PackVersion.objects.create(
            round=round_,
            number=1,
            published_at=round_.published_at,
            published_by=coordinator.user if coordinator else None,
            change_note="",
            confirm_note=DEMO_CONFIRM_NOTE.format(month=snapshot.month_label, n=len(found))
            if found
            else "",
            schema_version=snapshot.schema_version,
            snapshot=snapshot.to_dict(),
        )
        # As publishing does: the month's figures are now the others' to rank against.
        rates_release(area_id=round_.partnership.area_id, through=round_.month, now=timezone.now())
        loader.report.created["pack versions"] += 1


def _load_partnership(loader: Loader, data: dict[str, Any], password: str) -> Partnership:
    areas = {
        a["code"]: loader.sync(
            Area, {"code": a["code"]}, {"name": a["name"], "short_name": a.get("short_name", "")}
        )
        for a in data["areas"]
    }
    for g in data["groups"]:
        group = loader.sync(
            ComparatorGroup,
            {"code": g["code"]},
            {"name": g["name"], "description": g.get("description", "")},
        )
        members = list(areas) if g["members"] == "all" else g["members"]
        for code in members:
            loader.sync(GroupMembership, {"group": group, "area": areas[code]}, {})

    series = {
        s["code"]: loader.sync(
            PopulationSeries,
            {"code": s["code"]},
            {"kind": s["kind"], "name": s["name"], "description": s.get("description", "")},
        )
        for s in data["population_series"]
    }
    for p in data["populations"]:
        loader.sync(
            Population,
            {
                "area": areas[p["area"]],
                "series": series[p["series"]],
                "in_force_from": p["in_force_from"],
            },
            {"value": p["value"], "source": p.get("source", "")},
        )

    for order, name in enumerate(data["portfolios"], start=1):
        loader.sync(Portfolio, {"name": name}, {"order": order})

    partnership = loader.sync(
        Partnership,
        {"area": areas[data["partnership"]["area"]]},
        {"name": data["partnership"]["name"]},
    )
    user_model = get_user_model()

    def user(username: str, first: str, last: str, *, staff: bool = False) -> Any:
        account = loader.sync(
            user_model,
            {"username": username},
            {
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.org",
                "is_staff": staff,
                "is_superuser": staff,
                "is_active": True,
            },
        )
        if not account.password:  # set on creation only: a changed password is kept
            account.set_password(password)
            account.save(update_fields=["password"])
        return account

    for a in data["agencies"]:
        agency = loader.sync(
            Agency,
            {"partnership": partnership, "code": a["code"]},
            {"name": a["name"], "email": f"{a['username']}@example.org"},
        )
        lead = user(a["username"], a["name"], "lead")
        loader.sync(
            Role,
            {
                "user": lead,
                "partnership": partnership,
                "kind": RoleKind.AGENCY_LEAD,
                "agency": agency,
            },
            {},
        )
    for u in data["users"]:
        account = user(
            u["username"], u["first_name"], u["last_name"], staff=u["role"] == "administrator"
        )
        loader.sync(
            Role,
            {"user": account, "partnership": partnership, "kind": u["role"], "agency": None},
            {},
        )
    for r in data.get("regions", []):  # regional readers (ADR 0017)
        region = loader.sync(
            Region,
            {"code": r["code"]},
            {"name": r["name"], "group": ComparatorGroup.objects.get(code=r["group"])},
        )
        for u in r["readers"]:
            account = user(u["username"], u["first_name"], u["last_name"])
            loader.sync(RegionalReader, {"user": account, "region": region}, {})
    return partnership
