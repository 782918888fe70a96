"""Readiness (/readyz): can this deployment do its work, not only answer (that is /healthz).

Each check returns a ``CheckResult``; one failing makes /readyz answer 503. Checks of other apps
register here from their AppConfig.ready() (indicators adds the recompute's age), so this
module, at the bottom of the layers, imports none of them.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from csp.models import Heartbeat

logger = logging.getLogger(__name__)

WORKER = "worker"
RECOMPUTE = "recompute"
BROKER_CONNECT_TIMEOUT_SECONDS = 3


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    detail: str
    age_seconds: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


Check = Callable[[dt.datetime], CheckResult]
_CHECKS: dict[str, Check] = {}


def register(name: str, check: Check) -> None:
    _CHECKS[name] = check


def heartbeat_record(*, name: str, at: dt.datetime, detail: str = "") -> None:
    """Overwrite the mark ``name`` with ``at`` (one statement, safe to race)."""
    Heartbeat.objects.bulk_create(
        [Heartbeat(name=name, at=at, detail=detail[:200])],
        update_conflicts=True,
        unique_fields=["name"],
        update_fields=["at", "detail"],
    )


def heartbeat_age(*, name: str, now: dt.datetime) -> int | None:
    """Whole seconds since the mark ``name``, or None if it was never recorded."""
    at = Heartbeat.objects.filter(name=name).values_list("at", flat=True).first()
    return None if at is None else max(0, int((now - at).total_seconds()))


def check_database(now: dt.datetime) -> CheckResult:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return CheckResult(True, f"{connection.vendor} answers")


def check_cache(now: dt.datetime) -> CheckResult:
    key, value = "readyz:round-trip", secrets.token_hex(8)
    cache.set(key, value, timeout=30)
    if cache.get(key) != value:
        return CheckResult(False, "a value written to the cache did not come back")
    shared = "shared" if settings.CACHE_URL else "this process only (no CACHE_URL)"
    return CheckResult(True, f"set and get round trip, {shared}")


def check_broker(now: dt.datetime) -> CheckResult:
    if not settings.CELERY_BROKER_URL:
        return CheckResult(True, "not used: no CELERY_BROKER_URL, tasks run in the web process")
    from csp.celery import app

    with app.connection_for_write(
        url=settings.CELERY_BROKER_URL, connect_timeout=BROKER_CONNECT_TIMEOUT_SECONDS
    ) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, timeout=3)
    return CheckResult(True, "connected")


def check_worker(now: dt.datetime) -> CheckResult:
    if not settings.CELERY_BROKER_URL:
        return CheckResult(True, "not used: no CELERY_BROKER_URL, tasks run in the web process")
    age = heartbeat_age(name=WORKER, now=now)
    limit = settings.READYZ_HEARTBEAT_MAX_SECONDS
    if age is None:
        return CheckResult(False, "no worker has recorded a heartbeat (is beat running?)")
    if age > limit:
        return CheckResult(
            False, f"the last heartbeat is older than {limit} s: worker or beat down", age
        )
    return CheckResult(True, "a worker ran the heartbeat task", age)


for _name, _check in {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
    "worker": check_worker,
}.items():
    register(_name, _check)


def readiness(*, now: dt.datetime) -> tuple[bool, dict[str, Any]]:
    """Run every check; a check that raises has failed (the error goes to the log only)."""
    results: dict[str, dict[str, Any]] = {}
    for name, check in _CHECKS.items():
        try:
            result = check(now)
        except Exception as exc:  # noqa: BLE001 (any error means "not ready")
            logger.warning("readyz: %s check failed: %r", name, exc)
            result = CheckResult(False, f"failed: {type(exc).__name__}")
        entry = {k: v for k, v in asdict(result).items() if k != "extra" and v is not None}
        results[name] = {**entry, **result.extra}
    ready = all(r["ok"] for r in results.values())
    return ready, {"status": "ok" if ready else "failing", "checks": results}
