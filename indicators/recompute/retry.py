"""The retry policy every recompute task shares."""

from __future__ import annotations

from typing import Any

from django.db import DatabaseError

# Every recompute task retries with backoff on database or broker trouble; a killed worker's
# message is handed out again (acks_late, and CELERY_TASK_REJECT_ON_WORKER_LOST in settings).
RETRY: dict[str, Any] = {
    "autoretry_for": (DatabaseError, OSError),
    "retry_backoff": True,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 8,
    "acks_late": True,
    "reject_on_worker_lost": True,
}
