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
from typing import Any

from sqlalchemy import Connection, Engine, Insert, Table, event, text
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from .extensions import db

IMMEDIATE = "planner_begin_immediate"
READ_ONLY = "planner_read_only"  # connection.info: this transaction has only read so far


def install(engine: Engine) -> None:
    """Let `write_transaction()` start SQLite transactions with BEGIN IMMEDIATE; on
    PostgreSQL (psycopg), keep the prepared statements from one request to the next."""
    if engine.dialect.name == "sqlite" and not event.contains(engine, "begin", _begin):
        event.listen(engine, "begin", _begin)
    if engine.dialect.driver == "psycopg" and not event.contains(engine, "rollback", _end_reads):
        event.listen(engine, "begin", _reads_only)
        event.listen(engine, "before_cursor_execute", _note_write)
        event.listen(engine, "rollback", _end_reads)


def _reads_only(connection: Connection) -> None:
    connection.info[READ_ONLY] = True


def _note_write(connection: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
    if not statement.startswith("SELECT "):  # anything else may write: kept as written
        connection.info[READ_ONLY] = False


def _end_reads(connection: Connection) -> None:
    """A transaction that only read ends with COMMIT rather than ROLLBACK (the same for it).

    psycopg forgets every prepared statement of the connection at each ROLLBACK, and every
    page ends its reads with one (the session closes at the end of the request): each query
    was then planned again on every page, the larger part of PostgreSQL's CPU for the
    citizen's pages (issue 15). After a COMMIT the driver's ROLLBACK has nothing to end."""
    if not connection.info.get(READ_ONLY):
        return
    raw = connection.connection.dbapi_connection
    if raw is not None and raw.info.transaction_status.name == "INTRANS":  # not failed
        raw.commit()


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
