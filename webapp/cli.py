"""Operators' commands: `flask --app wsgi <command>`."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from sqlalchemy import func, select

from .accounts.passwords import unmet_rules
from .accounts.roles import MAX_PILOTS, Role
from .extensions import db
from .messaging import dispatch_due
from .models import Appointment, Message, Patient, RoleAssignment, User


def register_cli(app: Flask) -> None:
    @app.cli.command("demo-data")
    @click.option("--if-empty", is_flag=True,
                  help="Do nothing (and succeed) when the database already holds data.")
    def demo_data(if_empty: bool) -> None:
        """Fill an empty database with a demo planner and print its accounts."""
        from .demo import DemoRefused, create_demo  # the demo is not part of the running planner

        password = str(current_app.config["DEMO_PASSWORD"])
        try:
            accounts = create_demo(password)
        except DemoRefused as exc:
            if if_empty:
                click.echo("The database already holds data; demo data not added.")
                return
            raise click.ClickException(str(exc)) from exc
        click.echo(f"Demo planner created. Accounts (password: {password}):")
        for email, role in accounts:
            click.echo(f"  {email:30} {role}")

    @app.cli.command("create-pilot")
    @click.option("--email", prompt=True)
    @click.option("--first-name", prompt=True)
    @click.option("--last-name", prompt=True)
    @click.password_option()
    def create_pilot(email: str, first_name: str, last_name: str, password: str) -> None:
        """Create a staff account holding the Pilot role (the first account of an install)."""
        email = email.strip().lower()
        if User.by_email(email):
            raise click.ClickException(f"An account already uses {email}.")
        unmet = unmet_rules(password)
        if unmet:
            raise click.ClickException("Password refused: " + "; ".join(unmet))
        pilots = db.session.scalar(
            select(func.count()).select_from(RoleAssignment)
            .where(RoleAssignment.role == Role.PILOTE.value))
        if pilots and pilots >= MAX_PILOTS:
            raise click.ClickException(f"At most {MAX_PILOTS} accounts may hold the Pilot role.")
        from .organization import ensure_organization

        ensure_organization()
        user = User(email=email, first_name=first_name, last_name=last_name)
        user.set_password(password)
        user.roles.append(RoleAssignment(role=Role.PILOTE.value))
        db.session.add(user)
        db.session.commit()
        click.echo(f"Pilot account {email} created.")

    @app.cli.command("send-messages")
    def send_messages() -> None:
        """Send the outbox messages that are due (the scheduler does this every 30 s)."""
        click.echo(f"{dispatch_due()} message(s) sent.")

    @app.cli.command("outbox")
    @click.option("--limit", default=10, show_default=True)
    def outbox(limit: int) -> None:
        """Print the latest messages of the outbox (emails and SMS)."""
        for message in db.session.scalars(
                select(Message).order_by(Message.id.desc()).limit(limit)):
            click.echo(f"--- #{message.id} {message.created_at:%Y-%m-%d %H:%M} UTC "
                       f"{message.channel} to {message.recipient} [{message.status}]")
            if message.subject:
                click.echo(f"Subject: {message.subject}")
            click.echo(message.body)

    @app.cli.command("backup")
    @click.option("--output", type=click.Path(dir_okay=False, path_type=Path),
                  help="File to write (default: instance/backups/planner-<UTC time>.tar.gz).")
    def backup_command(output: Path | None) -> None:
        """Back up the database and the uploads into one file (safe while serving)."""
        from .operations import BackupError, backup, default_backup_path

        try:
            written = backup(output or default_backup_path())
        except BackupError as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"Backup written to {written} ({written.stat().st_size:,} bytes).")

    @app.cli.command("restore")
    @click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--force", is_flag=True, help="Replace a database that already holds a planner.")
    def restore_command(source: Path, force: bool) -> None:
        """Restore the database and the uploads from a backup file."""
        from .operations import BackupError, restore

        try:
            manifest = restore(source, force=force)
        except BackupError as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"Restored the backup of {manifest['created']} ({manifest['database']}). "
                   "Run `flask --app wsgi db upgrade` if this version is newer.")

    @app.cli.command("retention")
    @click.option("--days", type=int, help="Set the retention period first (audited).")
    def retention_command(days: int | None) -> None:
        """Anonymise the personal data older than the retention period now (runs daily)."""
        from .operations import RetentionError, anonymize_expired, set_retention_days

        if days is not None:
            try:
                set_retention_days(days)
            except RetentionError as error:
                raise click.ClickException(f"Retention period refused: {error}.") from error
            db.session.commit()
            click.echo(f"Personal data is now kept {days} days after the last appointment.")
        click.echo(f"{anonymize_expired()} patient(s) anonymised.")

    @app.cli.command("stats-rollup")
    def stats_rollup_command() -> None:
        """Store the statistics of the days that have ended now (the job does it hourly)."""
        import time

        from .statistics.rollup import roll

        began = time.perf_counter()
        passed, rolled = roll()
        click.echo(f"Statistics: {passed} new day(s) ended, {rolled} day(s) rolled up in "
                   f"{time.perf_counter() - began:.1f} s.")

    @app.cli.command("person-export")
    @click.argument("coupon")
    def person_export(coupon: str) -> None:
        """Print as JSON all the data held on the person of an appointment (Law 25 request)."""
        import json

        from .operations import export_person

        data = export_person(_patient_of(coupon))
        db.session.commit()  # the audit row
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))

    @app.cli.command("person-erase")
    @click.argument("coupon")
    @click.confirmation_option(prompt="Erase this person's personal data for good?")
    def person_erase(coupon: str) -> None:
        """Anonymise now the person of an appointment (Law 25 request)."""
        from .operations import RetentionError, erase_person

        try:
            erase_person(_patient_of(coupon))
        except RetentionError as error:
            raise click.ClickException(f"Refused: {error}.") from error
        db.session.commit()
        click.echo("Personal data erased; the appointments stay, anonymous.")


def _patient_of(coupon: str) -> Patient:
    from .booking import normalize_coupon

    appointment = db.session.scalar(select(Appointment).where(
        Appointment.coupon == normalize_coupon(coupon)))
    if appointment is None:
        raise click.ClickException(f"No appointment has the confirmation number {coupon}.")
    return appointment.patient
