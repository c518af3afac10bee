"""Throwaway PostgreSQL databases for the benchmarks (created on a server, dropped after)."""
from __future__ import annotations

import uuid

from sqlalchemy import create_engine, text


def postgres_database(base: str, prefix: str = "bench_") -> str:
    """A new, empty database on the server of `base`; its URL."""
    name = prefix + uuid.uuid4().hex[:8]
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return base.rsplit("/", 1)[0] + "/" + name


def drop_postgres(base: str, url: str) -> None:
    """Drop the database at `url`, even with connections left open."""
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)"))
    admin.dispose()
