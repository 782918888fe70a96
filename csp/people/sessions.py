"""Ending a person's sessions at once (when they are removed from a partnership).

A session names its user only inside its encoded data, so the live sessions of the database
store are read and each of the person's is deleted through the configured engine's own
``SessionStore.delete``: with ``cached_db`` that removes the cache entry as well as the row,
so no worker goes on serving it from the cache. Only engines that keep every session in the
database can be searched this way; the settings use ``db`` or ``cached_db``, and any other is
refused loudly rather than leaving a removed person signed in."""

from __future__ import annotations

import datetime as dt
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured

SEARCHABLE = ("django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db")


def sessions_end(user_id: int, *, now: dt.datetime) -> int:
    """Delete every live session of ``user_id``; the number deleted."""
    if settings.SESSION_ENGINE not in SEARCHABLE:
        raise ImproperlyConfigured(
            f"Cannot end a person's sessions with SESSION_ENGINE {settings.SESSION_ENGINE}: "
            f"use one of {', '.join(SEARCHABLE)}."
        )
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    wanted = str(user_id)
    ended = 0
    for session in Session.objects.filter(expire_date__gt=now).iterator():
        if str(session.get_decoded().get(SESSION_KEY, "")) == wanted:
            store_class(session_key=session.session_key).delete()
            ended += 1
    return ended
