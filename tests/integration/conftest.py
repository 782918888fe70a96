"""What the job tests share (test_import_jobs, test_pdf_jobs): their clock, tasks run
in-process, and a broker that is down."""

from __future__ import annotations

import datetime as dt

import pytest
from kombu.exceptions import OperationalError as BrokerDown

from csp.celery import app
from submissions import tasks

T0 = dt.datetime(2026, 11, 27, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def eager():
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


@pytest.fixture
def broker_down(monkeypatch):
    """While active, handing a task to the broker fails as kombu fails when Redis is down."""

    def refuse(*args, **kwargs):
        raise BrokerDown("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    class Outage:
        def __enter__(self) -> None:
            self.patch = pytest.MonkeyPatch()
            for task in (tasks.run_import_job, tasks.render_pack_pdf):
                self.patch.setattr(task, "delay", refuse)

        def __exit__(self, *exc: object) -> None:
            self.patch.undo()

    return Outage()
