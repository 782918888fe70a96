"""The production stack's own PostgreSQL database: its address, and queries from outside."""

from __future__ import annotations

import urllib.parse
from typing import Any


def prod_database_url(database_url: str, suffix: str = "_prod") -> str:
    """``postgres://…/csp`` -> ``postgres://…/csp_prod``: the stack's own database."""
    parts = urllib.parse.urlsplit(database_url)
    name = parts.path.lstrip("/")
    if parts.scheme not in {"postgres", "postgresql"} or not name:
        raise ValueError(f"not a PostgreSQL URL: {database_url}")
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}{suffix}"))


def _admin(database_url: str) -> tuple[str, str]:
    parts = urllib.parse.urlsplit(database_url)
    return urllib.parse.urlunsplit(parts._replace(path="/postgres")), parts.path.lstrip("/")


def sql(database_url: str, query: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Run one query on the stack's database from outside the stack (what a reader sees)."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        cursor = conn.execute(query, params)
        return cursor.fetchall() if cursor.description else []
