"""Shared fixtures: the demo data is loaded once per test session, inside the test database."""

from __future__ import annotations

import pytest
from django.conf import settings

from submissions.demo import demo_load
from tests import clean_tree


def pytest_sessionstart(session: pytest.Session) -> None:
    clean_tree.record(session)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """The run fails if it changed the git checkout (tests write into tmp_path only)."""
    clean_tree.check(session)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The demo, loaded and recomputed once per session (each test runs in a transaction)."""
    with django_db_blocker.unblock():
        demo_load(password=settings.DEMO_PASSWORD)  # also computes figures, publishes v1


@pytest.fixture
def eager():
    """Tasks run in-process, when queued (the tests have a broker at most, never a worker)."""
    from csp.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


@pytest.fixture
def demo_password() -> str:
    return settings.DEMO_PASSWORD


@pytest.fixture(autouse=True)
def _empty_cache():
    """Tests roll back the database; the cache must not remember what they rolled back."""
    from django.core.cache import cache

    from submissions.packs.process_memo import clear_all

    cache.clear()
    clear_all()
    yield
    cache.clear()
    clear_all()
