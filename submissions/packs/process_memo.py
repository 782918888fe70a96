"""A small least-recently-used memo in each web process, in front of the shared cache.

For values that never change under their key (a published version's rendered summary body,
keyed by version id, schema, code and filters): reading one from Redis meant moving ~77 KB over
a socket and unpickling it on every request of the board's call-over page. Also a published
version's parsed snapshot (``selectors.version_snapshot``), read whole by each indicator page.
What may change (the list of a month's versions, which publishing deletes from the shared
cache) never goes here. Bounded by entries; safe with threads.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Generic, TypeVar

V = TypeVar("V")
_ALL: list[ProcessMemo[object]] = []


def clear_all() -> None:
    """Empty every memo (tests roll back the database, so ids come again)."""
    for memo in _ALL:
        memo.clear()


class ProcessMemo(Generic[V]):
    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[str, V] = OrderedDict()
        self._lock = threading.Lock()
        _ALL.append(self)  # type: ignore[arg-type]

    def get(self, key: str) -> V | None:
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: str, value: V) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
