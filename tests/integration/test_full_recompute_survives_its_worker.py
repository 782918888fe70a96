"""A full recompute whose worker dies half-way is redone by the sweep, not lost.

A worker killed with SIGKILL takes its whole process group with it: nothing is left to reject
the task's message, and Redis hands it out again only after its visibility timeout (an hour).
So the full recompute is recorded as a request first, which outlives the worker.
"""

from __future__ import annotations

import datetime as dt

import pytest

from indicators import services, tasks
from indicators.models import DerivedMetric, RecomputeRequest
from indicators.recompute import requests as recompute_requests

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2017, 2, 1, 2, 30, tzinfo=dt.UTC)


class WorkerKilled(BaseException):
    """Stands in for SIGKILL: nothing after it runs, and no ``except Exception`` catches it."""


def test_a_full_recompute_killed_half_way_is_left_as_a_request_the_sweep_runs_again(
    monkeypatch,
) -> None:
    def killed(**kwargs: object) -> None:
        raise WorkerKilled

    with monkeypatch.context() as patch:
        patch.setattr(recompute_requests, "metrics_recompute", killed)
        with pytest.raises(WorkerKilled):
            tasks.recompute_all()

    left = RecomputeRequest.objects.get()
    assert (left.indicator_id, left.area_id, left.month) == (None, None, None)
    sweep = left.created_at + dt.timedelta(minutes=5)
    assert services.recompute_requests_sweep(now=sweep) == "Swept 1 pending recompute request(s)."
    assert not RecomputeRequest.objects.exists()
    # One run rewrote the whole store.
    assert set(DerivedMetric.objects.values_list("computed_at", flat=True)) == {sweep}


def test_a_second_full_recompute_task_reuses_the_waiting_request() -> None:
    waiting = RecomputeRequest.objects.create(reason="full recompute", created_at=NOW)
    assert "Recomputed" in tasks.recompute_all()
    assert not RecomputeRequest.objects.filter(id=waiting.id).exists()
    assert not RecomputeRequest.objects.exists()
