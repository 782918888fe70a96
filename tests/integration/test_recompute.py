"""The recompute service and its tasks: idempotent, incremental, and never losing a change."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from csp.celery import app
from csp.models import Area
from indicators.models import DerivedMetric, DerivedRank, Indicator, MonthValue, RecomputeRequest
from indicators.services import (
    METRIC_FIELDS,
    metrics_recompute,
    metrics_recompute_after_change,
    recompute_request,
    recompute_requests_sweep,
)

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2017, 2, 1, 9, 0, tzinfo=dt.UTC)
LATER = dt.datetime(2017, 2, 2, 9, 0, tzinfo=dt.UTC)
DEC = dt.date(2016, 12, 1)


def _store() -> list[tuple]:
    return list(
        DerivedMetric.objects.order_by("indicator_id", "area_id", "month").values_list(
            "indicator_id", "area_id", "month", *METRIC_FIELDS
        )
    )


@pytest.fixture
def eager_tasks():
    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


def test_recomputing_twice_gives_the_same_rows() -> None:
    metrics_recompute(now=NOW)
    first = _store()
    ranks = list(
        DerivedRank.objects.order_by("indicator", "area", "month", "group").values_list(
            "indicator", "area", "month", "group", "position", "size", "average", "source"
        )
    )
    metrics_recompute(now=LATER)
    assert _store() == first
    assert (
        list(
            DerivedRank.objects.order_by("indicator", "area", "month", "group").values_list(
                "indicator", "area", "month", "group", "position", "size", "average", "source"
            )
        )
        == ranks
    )
    assert DerivedMetric.objects.exclude(computed_at=LATER).count() == 0


def test_a_changed_month_value_changes_ytd_r12_and_next_years_comparisons() -> None:
    tno = Indicator.objects.get(code="tno")
    bd = Area.objects.get(code="E09000002")
    MonthValue.objects.filter(indicator=tno, area=bd, month=dt.date(2016, 11, 1)).update(value=1487)
    metrics_recompute_after_change(
        indicator_id=tno.id, area_id=bd.id, month=dt.date(2016, 11, 1), now=NOW
    )
    dec = DerivedMetric.objects.get(indicator=tno, area=bd, month=DEC)
    assert dec.ytd == 13207 + 100
    assert dec.r12 == 17587 + 100
    oct_ = DerivedMetric.objects.get(indicator=tno, area=bd, month=dt.date(2016, 10, 1))
    assert oct_.ytd == 10434  # months before the change keep their YTD


def test_incremental_recompute_rewrites_only_the_changed_series() -> None:
    tno = Indicator.objects.get(code="tno")
    bd = Area.objects.get(code="E09000002")
    metrics_recompute(now=NOW)
    with CaptureQueriesContext(connection) as queries:
        report = metrics_recompute_after_change(
            indicator_id=tno.id, area_id=bd.id, month=DEC, now=LATER
        )
    assert report.series == 1
    rewritten = DerivedMetric.objects.filter(computed_at=LATER)
    assert set(rewritten.values_list("indicator_id", flat=True)) == {tno.id}
    assert DerivedMetric.objects.filter(computed_at=NOW).exclude(indicator=tno).count() > 400
    # A constant number of queries, not one per row or per month (on PostgreSQL, two more: is a
    # full recompute running, whose swap must replay this? and the column types binary COPY needs).
    assert len(queries) <= 22, [q["sql"][:80] for q in queries]


def test_a_change_in_the_admin_queues_a_recompute_that_runs_on_commit(
    eager_tasks, django_capture_on_commit_callbacks, client
) -> None:
    from django.contrib.auth import get_user_model

    from csp.models import Population

    # A new mid-year estimate from June 2016: the rates from June on change.
    population = Population.objects.get(
        area__code="E09000002", series__code="residents-mye", in_force_from=dt.date(2016, 6, 1)
    )
    client.force_login(get_user_model().objects.get(username="admin"))
    url = f"/admin/csp/population/{population.pk}/change/"
    data = {
        "area": population.area_id,
        "series": population.series_id,
        "value": 200000,
        "in_force_from": "2016-06-01",
        "source": "revised",
    }
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(url, data)
    assert response.status_code == 302, response.content[:3000]
    assert len(callbacks) == 1
    row = DerivedMetric.objects.get(indicator__code="tno", area__code="E09000002", month=DEC)
    assert round(row.rate, 2) == round(17587 / 200000 * 1000, 2)  # 87.94
    assert not RecomputeRequest.objects.exists()  # processed and removed


def _reset_connections() -> None:
    """Make the app open new broker connections from its (changed) configuration."""
    app._pool = None
    app.amqp._producer_pool = None


def test_a_failing_broker_loses_nothing_and_the_sweep_catches_up(
    django_capture_on_commit_callbacks,
) -> None:
    saved = (
        app.conf.task_always_eager,
        app.conf.broker_url,
        app.conf.task_publish_retry,
        app.conf.broker_connection_timeout,
    )
    app.conf.task_always_eager = False
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens there
    app.conf.task_publish_retry = False
    app.conf.broker_connection_timeout = 1
    _reset_connections()
    try:
        tno = Indicator.objects.get(code="tno")
        bd = Area.objects.get(code="E09000002")
        MonthValue.objects.filter(indicator=tno, area=bd, month=DEC).update(value=1486)
        with django_capture_on_commit_callbacks(execute=True):
            recompute_request(now=NOW, reason="test", indicator_id=tno.id, area_id=bd.id, month=DEC)
    finally:
        (
            app.conf.task_always_eager,
            app.conf.broker_url,
            app.conf.task_publish_retry,
            app.conf.broker_connection_timeout,
        ) = saved
        _reset_connections()
    assert RecomputeRequest.objects.count() == 1  # the change's request survived
    assert DerivedMetric.objects.get(indicator=tno, area=bd, month=DEC).ytd == 13207
    message = recompute_requests_sweep(now=NOW + dt.timedelta(minutes=5))
    assert message == "Swept 1 pending recompute request(s)."
    assert DerivedMetric.objects.get(indicator=tno, area=bd, month=DEC).ytd == 13207 + 100
    assert not RecomputeRequest.objects.exists()


def test_processing_a_request_twice_is_harmless() -> None:
    from indicators.services import recompute_request_process

    request = RecomputeRequest.objects.create(reason="test", created_at=NOW)
    assert "Recomputed" in recompute_request_process(request_id=request.id, now=NOW)
    assert recompute_request_process(request_id=request.id, now=NOW) == (
        f"Request {request.id} already processed."
    )


def test_the_nightly_sweep_and_full_recompute_are_scheduled() -> None:
    from django.conf import settings

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"indicators.recompute_all", "indicators.sweep_recompute_requests"} <= tasks
    # As a worker does at start-up: find every app's tasks module, then every scheduled name
    # must be a registered task (a typo would make beat send what no worker runs).
    app.loader.import_default_modules()
    assert set(tasks) <= set(app.tasks)
