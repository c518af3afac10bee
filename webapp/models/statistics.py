"""The statistics' rollup of days that have ended (webapp/statistics/rollup.py): figures
stored per day, location, service and team by the nightly job, never by a booking. A write
to a rolled-up day marks it dirty (`stats_dirty`, by the triggers below), and a dirty day is
counted live until the job rolls it again."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Integer, String, event
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime

# SQLite: the rows stored in their key's order, so a range of days is read in one pass.
WITHOUT_ROWID = {"sqlite_with_rowid": False}


def _count() -> Mapped[int]:
    return mapped_column(Integer, default=0)


class StatsDay(db.Model):  # type: ignore[name-defined]
    """Booked appointments of one local day (`epoch_day`: days since 1970-01-01), location,
    service and team, with their reminders (the counting rules of webapp.statistics)."""

    __table_args__ = WITHOUT_ROWID

    epoch_day: Mapped[int] = mapped_column(Integer, primary_key=True)
    location_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    booked: Mapped[int] = _count()
    online: Mapped[int] = _count()
    cancelled: Mapped[int] = _count()
    cancelled_by_patient: Mapped[int] = _count()
    confirmed: Mapped[int] = _count()
    present: Mapped[int] = _count()
    absent: Mapped[int] = _count()
    not_eligible: Mapped[int] = _count()
    undefined: Mapped[int] = _count()  # kept, attendance not marked
    reminders_sent: Mapped[int] = _count()
    reminded: Mapped[int] = _count()
    reminder_confirmed: Mapped[int] = _count()


class StatsHour(db.Model):  # type: ignore[name-defined]
    """Kept appointments by local hour of start (the heat map). A day's rows (`span` "d")
    have the hour of the day; a month's (`span` "m", `epoch_day` its first day, made from its
    days' rows) the hour of the week from Thursday 0 h, as 1970-01-01 was a Thursday."""

    __table_args__ = WITHOUT_ROWID

    span: Mapped[str] = mapped_column(String(1), primary_key=True)
    epoch_day: Mapped[int] = mapped_column(Integer, primary_key=True)
    location_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hour: Mapped[int] = mapped_column(Integer, primary_key=True)
    kept: Mapped[int] = _count()


class StatsLead(db.Model):  # type: ignore[name-defined]
    """Booked appointments by lead time (hours, in the precision of the counting rules), of
    a day (`span` "d") or a month (`span` "m", `epoch_day` its first day)."""

    __table_args__ = WITHOUT_ROWID

    span: Mapped[str] = mapped_column(String(1), primary_key=True)
    epoch_day: Mapped[int] = mapped_column(Integer, primary_key=True)
    location_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    service_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hours: Mapped[int] = mapped_column(Integer, primary_key=True)
    booked: Mapped[int] = _count()


class StatsCapacity(db.Model):  # type: ignore[name-defined]
    """Places published and left of one block on one day (`Slot.day`)."""

    __table_args__ = WITHOUT_ROWID

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    block_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    location_id: Mapped[int] = mapped_column(Integer)
    team_id: Mapped[int] = mapped_column(Integer)
    capacity: Mapped[int] = _count()
    places_left: Mapped[int] = _count()


class StatsRollupState(db.Model):  # type: ignore[name-defined]
    """One row: the local days before `until` are rolled up (unless dirty), in `zone`;
    `until_at` is the instant `until` starts (what the triggers compare with)."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    until: Mapped[date] = mapped_column(Date)
    until_at: Mapped[datetime] = mapped_column(UTCDateTime)
    zone: Mapped[str] = mapped_column(String(64))


class StatsDirty(db.Model):  # type: ignore[name-defined]
    """A day changed after it was rolled up: the UTC date of a changed appointment (or of
    the appointment of a changed reminder), or the local day of a changed slot. The local
    day before and after it are read live too until the job rolls them again."""

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    marks: Mapped[int] = mapped_column(Integer, default=1)


# -- the triggers: they write only for rows of days before the boundary ----------------------

REMINDER_KINDS = "('reminder_1', 'reminder_2')"  # webapp.messaging.timing.BEFORE

_SQLITE_MARK = "INSERT OR IGNORE INTO stats_dirty (day, marks) SELECT {day}, 1 WHERE {when};"
_SQLITE_APPOINTMENT = ("date({row}.starts_at)",
                       "{row}.starts_at < (SELECT until_at FROM stats_rollup_state)")
_SQLITE_SLOT = ("{row}.day", "{row}.day < (SELECT until FROM stats_rollup_state)")
_SQLITE_MESSAGE = (
    "(SELECT date(starts_at) FROM appointment WHERE id = {row}.appointment_id)",
    "{row}.kind IN " + REMINDER_KINDS + " AND (SELECT starts_at FROM appointment WHERE id = "
    "{row}.appointment_id) < (SELECT until_at FROM stats_rollup_state)")


def _sqlite_triggers() -> list[str]:
    statements = []
    for table, (day, when) in (("appointment", _SQLITE_APPOINTMENT), ("slot", _SQLITE_SLOT),
                               ("message", _SQLITE_MESSAGE)):
        for action, rows in (("INSERT", ("NEW",)), ("UPDATE", ("OLD", "NEW")),
                             ("DELETE", ("OLD",))):
            body = " ".join(_SQLITE_MARK.format(day=day.format(row=r), when=when.format(row=r))
                            for r in rows)
            statements.append(f"CREATE TRIGGER stats_dirty_{table}_{action.lower()} AFTER "
                              f"{action} ON {table} FOR EACH ROW BEGIN {body} END")
    return statements


# PostgreSQL: ON CONFLICT DO UPDATE locks the day's row until the writer commits, so the job
# (which deletes the row, then reads the day) waits for it and reads its change.
_PG_MARK = ("INSERT INTO stats_dirty (day, marks) VALUES ({day}, 1) ON CONFLICT (day) "
            "DO UPDATE SET marks = stats_dirty.marks + 1;")
_PG_FUNCTIONS = {
    "appointment": ("{row}.starts_at::date",
                    "{row}.starts_at < (SELECT until_at FROM stats_rollup_state)"),
    "slot": ("{row}.day", "{row}.day < (SELECT until FROM stats_rollup_state)"),
    "message": ("(SELECT starts_at::date FROM appointment WHERE id = {row}.appointment_id)",
                "{row}.kind IN " + REMINDER_KINDS + " AND (SELECT starts_at FROM appointment "
                "WHERE id = {row}.appointment_id) < (SELECT until_at FROM stats_rollup_state)"),
}


def _postgres_triggers() -> list[str]:
    statements = []
    for table, (day, when) in _PG_FUNCTIONS.items():
        body = []
        for row, skip in (("OLD", "INSERT"), ("NEW", "DELETE")):
            body.append(f"IF TG_OP <> '{skip}' AND {when.format(row=row)} THEN "
                        f"{_PG_MARK.format(day=day.format(row=row))} END IF;")
        statements.append(
            f"CREATE FUNCTION stats_dirty_{table}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {' '.join(body)} RETURN NULL; END $$")
        statements.append(f"CREATE TRIGGER stats_dirty_{table} AFTER INSERT OR UPDATE OR "
                          f"DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION stats_dirty_{table}()")
    return statements


def trigger_statements(dialect: str) -> list[str]:
    """The statements creating the triggers that mark rolled-up days dirty."""
    return _postgres_triggers() if dialect == "postgresql" else _sqlite_triggers()


def drop_trigger_statements(dialect: str) -> list[str]:
    if dialect == "postgresql":
        return [statement for t in _PG_FUNCTIONS for statement in (
            f"DROP TRIGGER IF EXISTS stats_dirty_{t} ON {t}",
            f"DROP FUNCTION IF EXISTS stats_dirty_{t}()")]
    return [f"DROP TRIGGER IF EXISTS stats_dirty_{t}_{a}" for t in _PG_FUNCTIONS
            for a in ("insert", "update", "delete")]


def _create_triggers(target: object, connection: object, **kw: object) -> None:
    dialect = connection.dialect.name  # type: ignore[attr-defined]
    # create_all runs again on a database that has them: made anew.
    for statement in [*drop_trigger_statements(dialect), *trigger_statements(dialect)]:
        connection.exec_driver_sql(statement)  # type: ignore[attr-defined]


# create_all (tests, a new SQLite file) makes them after the last table they need.
event.listen(db.metadata, "after_create", _create_triggers)
