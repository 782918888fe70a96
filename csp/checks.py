"""System checks of the deployment's configuration (run by every manage.py command)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Warning


def check_broker_in_production(
    app_configs: Sequence[AppConfig] | None, **kwargs: Any
) -> list[CheckMessage]:
    """Without a broker every task (recompute, PDF, large imports) runs inside the request."""
    if settings.DEBUG or settings.CELERY_BROKER_URL:
        return []
    return [
        Warning(
            "CELERY_BROKER_URL is not set: with DEBUG off, tasks (recomputes, PDFs, large "
            "imports) would run inside web requests and beat would have nothing to send to.",
            hint="Set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0) and run a Celery "
            "worker and beat (README, 'Run in production').",
            id="csp.W001",
        )
    ]
