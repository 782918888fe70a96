"""What the bad input tests share: clients signed in as a role, January's submissions, and the
check that nothing of a refused entry was stored."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.test import APIClient

from submissions.models import Submission

JAN = dt.date(2017, 1, 1)


def api(username: str) -> APIClient:
    client = APIClient()
    client.force_authenticate(get_user_model().objects.get(username=username))
    return client


def web(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def jan(code: str) -> Submission:
    return Submission.objects.get(round__month=JAN, indicator__code=code)


def _unchanged(sub: Submission) -> None:
    """Nothing of a refused entry was stored."""
    now = Submission.objects.get(pk=sub.pk)
    assert (now.status, now.version, now.categories, now.value, now.numerator) == (
        sub.status,
        sub.version,
        sub.categories,
        sub.value,
        sub.numerator,
    )
