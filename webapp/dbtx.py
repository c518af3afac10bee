"""Short write transactions that take their write lock up front.

On SQLite a transaction that reads first and writes later may find, in WAL mode, that
another connection committed in between; its write then fails at once with "database is
locked" (the busy timeout does not help with a stale snapshot). Booking transactions
therefore start with `BEGIN IMMEDIATE`: they wait (busy timeout) for the single write lock,
then read and write a database nobody else can change under them.

Only transactions opened by `write_transaction()` do so. Every other transaction keeps the
sqlite3 driver's usual behaviour (reads outside a transaction, `BEGIN` before the first
write), so pages that read a lot never hold a snapshot that a booking would invalidate.

On PostgreSQL the same code runs under READ COMMITTED: a conditional
`UPDATE ... WHERE booked < capacity` waits for a concurrent update of the same row and
re-evaluates its condition, so it is atomic without any of this.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, Insert, Table, event, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from .extensions import db

IMMEDIATE = "planner_begin_immediate"


def install(engine: Engine) -> None:
    """Let `write_transaction()` start SQLite transactions with BEGIN IMMEDIATE."""
    if engine.dialect.name == "sqlite" and not event.contains(engine, "begin", _begin):
        event.listen(engine, "begin", _begin)


def _begin(connection: Connection) -> None:
    if connection.get_execution_options().get(IMMEDIATE):
        # The driver sees a transaction in progress and emits no BEGIN of its own;
        # its commit() and rollback() end this one.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _begin_immediate(session: Session) -> None:
    """Start the write transaction on SQLite with BEGIN IMMEDIATE; on PostgreSQL just go on.

    Reads the caller already made keep their connection when nothing was written yet
    (SQLite: the driver has not begun a transaction; PostgreSQL: READ COMMITTED sees
    fresh data at each statement), which spares a commit and reloading every object.
    """
    if not session.in_transaction():
        session.connection(execution_options={IMMEDIATE: True})
        return
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    if connection.connection.dbapi_connection.in_transaction:  # type: ignore[union-attr]
        session.commit()  # the caller wrote something: commit it, then start afresh
        session.connection(execution_options={IMMEDIATE: True})
        return
    connection.exec_driver_sql("BEGIN IMMEDIATE")


@contextmanager
def write_transaction() -> Iterator[Session]:
    """One short transaction holding the write lock from its start; commits or rolls back.

    Whatever the caller left uncommitted is committed with it. Keep the work inside short:
    on SQLite every other writer waits meanwhile.
    """
    session = db.session()
    _begin_immediate(session)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


def lock_number(key: str) -> int:
    """A PostgreSQL advisory lock's bigint for a key (a name)."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big",
                          signed=True)


def lock_keys(session: Session, keys: Iterable[str]) -> None:
    """Serialise transactions about the same keys (e.g. one person) until they end.

    PostgreSQL: transaction-scoped advisory locks, taken in a fixed order (no deadlock),
    in one round trip. SQLite needs nothing: BEGIN IMMEDIATE already serialises writers.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    numbers = sorted({lock_number(key) for key in keys})
    if numbers:
        session.execute(text("SELECT pg_advisory_xact_lock(k) FROM unnest(CAST(:keys AS bigint[])) "
                             "AS k ORDER BY k"), {"keys": numbers})


def insert_or_skip(table: Table) -> Insert:
    """INSERT ... ON CONFLICT DO NOTHING (SQLite and PostgreSQL spell it the same way): a
    row another process inserted first is skipped, never an error."""
    dialect = db.session.get_bind().dialect.name
    dialect_insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    return dialect_insert(table).on_conflict_do_nothing()  # type: ignore[no-any-return]
