"""/readyz reports database, cache, broker, a worker's heartbeat and the recompute's age as
JSON, answering 503 when one fails; /healthz stays a liveness check that touches nothing."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.utils import timezone

from csp.health import RECOMPUTE, WORKER, heartbeat_record
from csp.models import Heartbeat
from csp.tasks import heartbeat
from indicators.models import DerivedMetric
from indicators.services import metrics_recompute

pytestmark = pytest.mark.django_db
DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def live_redis_url() -> str:
    """A broker that answers: CI's Redis, when the suite runs with one."""
    url = os.environ.get("CELERY_BROKER_URL")
    if not url:
        pytest.skip("needs a broker (CI sets CELERY_BROKER_URL)")
    return url


@pytest.fixture
def healthy(settings):
    """Everything fine: no broker (tasks in-process) and a recompute an hour ago."""
    settings.CELERY_BROKER_URL = None
    heartbeat_record(name=RECOMPUTE, at=timezone.now() - dt.timedelta(hours=1))
    return settings


def readyz() -> tuple[int, dict]:
    response = Client().get("/readyz")
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    return response.status_code, response.json()


def test_all_checks_pass_on_a_healthy_deployment_without_a_broker(healthy) -> None:
    status, body = readyz()
    assert status == 200, body
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker", "worker", "recompute"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["broker"]["detail"].startswith("not used")
    assert body["checks"]["worker"]["detail"].startswith("not used")
    assert 3590 <= body["checks"]["recompute"]["age_seconds"] <= 3700


def test_a_database_that_cannot_be_reached_fails(healthy, monkeypatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    status, body = readyz()
    assert status == 503
    assert body["status"] == "failing"
    assert body["checks"]["database"] == {"ok": False, "detail": "failed: OperationalError"}
    assert Client().get("/healthz").status_code == 200  # liveness does not depend on it


def test_a_cache_that_cannot_be_reached_fails(healthy) -> None:
    healthy.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": DEAD_REDIS,
        }
    }
    status, body = readyz()
    assert status == 503
    assert body["checks"]["cache"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


def test_a_broker_that_cannot_be_reached_fails(healthy) -> None:
    healthy.CELERY_BROKER_URL = DEAD_REDIS
    heartbeat_record(name=WORKER, at=timezone.now())
    status, body = readyz()
    assert status == 503
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["worker"]["ok"] is True


def test_a_reachable_broker_passes(healthy, live_redis_url) -> None:
    healthy.CELERY_BROKER_URL = live_redis_url
    heartbeat_record(name=WORKER, at=timezone.now())
    status, body = readyz()
    assert body["checks"]["broker"] == {"ok": True, "detail": "connected"}
    assert status == 200, body


@pytest.mark.parametrize(
    ("seconds_ago", "ok"), [(None, False), (30, True), (170, True), (190, False), (3600, False)]
)
def test_the_worker_check_fails_without_a_heartbeat_in_the_last_three_minutes(
    healthy, seconds_ago: int | None, ok: bool
) -> None:
    healthy.CELERY_BROKER_URL = DEAD_REDIS  # a broker is configured: workers are expected
    Heartbeat.objects.filter(name=WORKER).delete()
    if seconds_ago is not None:
        heartbeat_record(name=WORKER, at=timezone.now() - dt.timedelta(seconds=seconds_ago))
    status, body = readyz()
    assert body["checks"]["worker"]["ok"] is ok
    assert status == 503  # the dead broker fails either way


def test_the_heartbeat_task_records_the_worker_mark() -> None:
    Heartbeat.objects.filter(name=WORKER).delete()
    before = timezone.now()
    heartbeat.apply()
    assert Heartbeat.objects.get(name=WORKER).at >= before


@pytest.mark.parametrize(
    ("hours_ago", "ok"), [(None, False), (1, True), (25.9, True), (26.1, False), (200, False)]
)
def test_the_recompute_check_fails_when_the_store_has_gone_unrecomputed_for_26_hours(
    healthy, hours_ago: float | None, ok: bool
) -> None:
    assert DerivedMetric.objects.exists()  # the demo's figures
    Heartbeat.objects.filter(name=RECOMPUTE).delete()
    if hours_ago is not None:
        heartbeat_record(name=RECOMPUTE, at=timezone.now() - dt.timedelta(hours=hours_ago))
    status, body = readyz()
    assert body["checks"]["recompute"]["ok"] is ok
    assert status == (200 if ok else 503)


def test_an_empty_store_needs_no_recompute(healthy) -> None:
    DerivedMetric.objects.all().delete()
    Heartbeat.objects.filter(name=RECOMPUTE).delete()
    status, body = readyz()
    assert status == 200
    assert body["checks"]["recompute"]["detail"].startswith("nothing computed yet")


def test_a_successful_recompute_is_recorded_with_its_time(healthy) -> None:
    Heartbeat.objects.filter(name=RECOMPUTE).delete()
    now = timezone.now()
    metrics_recompute(now=now)
    mark = Heartbeat.objects.get(name=RECOMPUTE)
    assert (mark.at, mark.detail) == (now, "full")
    assert readyz()[0] == 200
