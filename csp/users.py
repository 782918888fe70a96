"""The types of the user the application passes around.

The project keeps Django's own user model (``AUTH_USER_MODEL`` is not swapped), so a signed-in
user is a ``User``; ``request.user`` is ``User | AnonymousUser`` until a view requires sign-in.
Views behind ``login_required`` take an ``AuthenticatedHttpRequest``, API actions (every one
requires ``IsAuthenticated``) an ``AuthenticatedRequest``: the types say what Django and DRF
already guarantee at run time, so services receive a ``User``, never ``Any``.
"""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Model
from django.http import HttpRequest
from rest_framework.request import Request

__all__ = ["AnyUser", "AuthenticatedHttpRequest", "AuthenticatedRequest", "User", "stamp_change"]

AnyUser: TypeAlias = User | AnonymousUser
"""Whoever makes a request: the permission rules answer "no" for an anonymous one."""


class AuthenticatedHttpRequest(HttpRequest):
    """A request to a view behind ``login_required`` (for the type checker only)."""

    user: User


class AuthenticatedRequest(Request):
    """A request to an API action behind ``IsAuthenticated`` (for the type checker only)."""

    user: User


def stamp_change(obj: Model, user: User | None, reason: str | None = None) -> None:
    """Name who makes the next save or delete of ``obj``, and why, in its history.

    django-simple-history reads these two attributes when it writes the history row.
    """
    obj._history_user = user  # type: ignore[attr-defined]  # simple_history's hook, set per save
    if reason is not None:
        obj._change_reason = reason  # type: ignore[attr-defined]  # likewise
