"""The recompute's part of /readyz: how long since the derived store was last recomputed."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from csp.health import RECOMPUTE, CheckResult, heartbeat_age
from indicators.models import DerivedMetric


def check_recompute(now: dt.datetime) -> CheckResult:
    """Fails when the derived store has rows and no recompute has succeeded within
    READYZ_RECOMPUTE_MAX_HOURS (the nightly full recompute alone keeps it under 24 hours)."""
    age = heartbeat_age(name=RECOMPUTE, now=now)
    limit_hours = settings.READYZ_RECOMPUTE_MAX_HOURS
    if age is not None and age <= limit_hours * 3600:
        return CheckResult(True, "recomputed recently", age)
    if not DerivedMetric.objects.exists():
        return CheckResult(True, "nothing computed yet: the derived store is empty", age)
    if age is None:
        return CheckResult(
            False, "no successful recompute recorded: run `manage.py recompute` once", age
        )
    return CheckResult(False, f"no successful recompute for over {limit_hours} hours", age)
