"""Staff accounts and their roles, as a Pilot manages them (CFG-5, guide §2.4, §1.3).

The rules no form can bypass live here: one account per email, at most MAX_PILOTS
accounts holding Pilot, never fewer than one lasting Pilot, and a Pilot never takes
away their own access to Configuration. A refused change raises StaffError after
rolling the session back, so nothing of it is saved.
"""
from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any, Optional

import phonenumbers
from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import audit, messaging
from ..accounts import signin as accounts
from ..accounts.roles import DEFAULT_ROLE, MAX_PILOTS, Role
from ..extensions import db
from ..formatting import phone
from ..models import Location, RoleAssignment, Team, User
from ..timeutil import local_today
from . import Refused
from .changes import record_changes, record_created, record_removed, snapshot

CATEGORIES = {
    "other": _l("Other"),
    "nurse": _l("Nurse"),
    "pharmacist": _l("Pharmacist"),
    "technician": _l("Pharmacy technician"),
    "reception": _l("Reception"),
    "manager": _l("Manager"),
}
ACCOUNT_FIELDS = ("language", "colour", "category", "first_name", "last_name", "phone",
                  "cell_phone", "planner_access", "email", "access_start", "access_end")
ROLE_FIELDS = ("role", "starts_on", "ends_on")


class StaffError(Refused):
    """A change the rules refuse; `field` names the form field the message belongs to."""


def category_label(key: str) -> str:
    return str(CATEGORIES.get(key or "other", key))


def normalize_phone(raw: str) -> Optional[str]:
    """A phone number written the usual way ('418 555-0100'), or None if not valid."""
    text = re.sub(r"\b(poste|p\.)\s*", " ext ", raw or "", flags=re.I)
    try:
        number = phonenumbers.parse(text, "CA")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phone(number)


def email_taken(email: str, other_than: Optional[User] = None) -> bool:
    found = User.by_email(email)
    return found is not None and (other_than is None or found.id != other_than.id)


# --- The Pilot rules ----------------------------------------------------------------

def _is_pilot_today(user: User, today: date) -> bool:
    return user.may_sign_in_on(today) and any(
        r.role == Role.PILOTE.value and r.in_effect(today) for r in user.roles)


def _pilots(today: date) -> tuple[set[int], set[int]]:
    """Accounts holding Pilot (now or later), and those that stay Pilot with no end date."""
    assignments = db.session.scalars(
        select(RoleAssignment).where(RoleAssignment.role == Role.PILOTE.value)).all()
    holding = {a.user_id for a in assignments
               if a.user.active and not (a.ends_on and a.ends_on < today)}
    lasting = {a.user_id for a in assignments
               if a.ends_on is None and a.in_effect(today) and a.user.access_end is None
               and a.user.may_sign_in_on(today)}
    return holding, lasting


def pilot_count() -> int:
    return len(_pilots(local_today())[0])


@contextmanager
def pilot_rules(actor: Optional[User], field: Optional[str] = None) -> Iterator[None]:
    """Apply a change inside; refuse it (rolled back) if it breaks a Pilot rule."""
    today = local_today()
    holding_before, lasting_before = _pilots(today)
    actor_was_pilot = actor is not None and _is_pilot_today(actor, today)
    yield
    db.session.flush()
    holding, lasting = _pilots(today)
    message = None
    if len(holding) > MAX_PILOTS and len(holding) > len(holding_before):
        message = _("At most %(max)s accounts may hold the Pilot role; %(count)s already do.",
                    max=MAX_PILOTS, count=len(holding_before))
    elif lasting_before and not lasting:
        message = _("This is the last Pilot account: another account must hold the Pilot role "
                    "(with no end date) before this one can lose it.")
    elif actor_was_pilot and actor is not None and not _is_pilot_today(actor, today):
        message = _("You cannot take away your own access to Configuration. Ask another "
                    "Pilot to make this change.")
    if message:
        db.session.rollback()
        raise StaffError(message, field)


# --- Accounts ------------------------------------------------------------------------

def _teams(team_ids: Collection[int]) -> list[Team]:
    wanted = set(team_ids)
    found = list(db.session.scalars(select(Team).where(Team.id.in_(wanted)))) if wanted else []
    if len(found) != len(wanted):
        raise StaffError(_("Choose teams from the list."), "teams")
    return found


def _account_snapshot(user: User) -> dict[str, Any]:
    state = snapshot(user, ACCOUNT_FIELDS + ("active",))
    state["teams"] = sorted(t.name for t in user.teams)
    return state


def _role_snapshot(assignment: RoleAssignment) -> dict[str, Any]:
    state = snapshot(assignment, ROLE_FIELDS)
    state["location"] = assignment.location.name_fr if assignment.location else None
    return state


def _duplicate() -> StaffError:
    return StaffError(_("An account already uses this email address. Find it in the list "
                        "(search by email) instead of creating a second one."), "email")


def create_account(data: dict[str, Any], password: str, team_ids: Collection[int]) -> User:
    """A new staff account holding the default role (Consultation #2)."""
    data = {**data, "email": data["email"].strip().lower()}
    if email_taken(data["email"]):
        raise _duplicate()
    user = User(**data, active=True, teams=_teams(team_ids))
    user.set_password(password)
    user.roles.append(RoleAssignment(role=DEFAULT_ROLE.value))
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:  # the same email saved by someone else meanwhile
        db.session.rollback()
        raise _duplicate() from None
    record_created("staff.created", user, _account_snapshot(user), role=DEFAULT_ROLE.value)
    return user


def update_account(user: User, data: dict[str, Any], team_ids: Collection[int],
                   actor: Optional[User], new_password: str = "") -> User:
    """Save an account's details (and a new password, if one is given)."""
    data = {**data, "email": data["email"].strip().lower()}
    if email_taken(data["email"], other_than=user):
        raise _duplicate()
    teams = _teams(team_ids)
    before = _account_snapshot(user)
    try:
        with pilot_rules(actor, field="access_end"):
            for name, value in data.items():
                setattr(user, name, value)
            user.teams = teams
    except IntegrityError:  # the same email saved by someone else meanwhile
        db.session.rollback()
        raise _duplicate() from None
    if new_password:
        accounts.set_password(user, new_password)
    record_changes("staff.updated", user, before, _account_snapshot(user))
    return user


def set_active(user: User, active: bool, actor: Optional[User]) -> None:
    """Deactivate (no more sign-in) or reactivate an account."""
    if user.active == active:
        return
    with pilot_rules(actor):
        user.active = active
    record_changes("staff.activated" if active else "staff.deactivated", user,
                   {"active": not active}, {"active": active})


def send_reset_link(user: User, link: str, sender: str) -> None:
    """Email the account a single-use link to choose its own password (never a password)."""
    if not user.is_active:
        raise StaffError(_("This account is deactivated or has no planner access: "
                           "reactivate it first."))
    with force_locale(user.language):
        subject = _("Choose a new password")
        body = render_template("email/password_reset_by_pilot.txt", user=user, link=link,
                               sender=sender)
    messaging.queue("password_reset", "email", user.email, body, subject=subject,
                    language=user.language, user_id=user.id)
    audit.record("staff.reset_link_sent", user, email=user.email)


# --- Roles ---------------------------------------------------------------------------

def _check_role(user: User, role: Role, location: Optional[Location],
                starts_on: Optional[date], ends_on: Optional[date],
                editing: Optional[RoleAssignment] = None) -> None:
    if starts_on and ends_on and ends_on < starts_on:
        raise StaffError(_("The end date must be on or after the start date."), "ends_on")
    if role is Role.PILOTE and location is not None:
        raise StaffError(_("The Pilot role covers all locations: choose “All locations”."),
                         "location")
    location_id = location.id if location else None
    for other in user.roles:
        if other is not editing and other.role == role.value and \
                other.location_id == location_id:
            raise StaffError(_("This account already holds this role for this location: "
                               "modify that line instead."), "role")


def add_role(user: User, role: Role, location: Optional[Location], starts_on: Optional[date],
             ends_on: Optional[date], actor: Optional[User]) -> RoleAssignment:
    _check_role(user, role, location, starts_on, ends_on)
    assignment = RoleAssignment(role=role.value, location=location, starts_on=starts_on,
                                ends_on=ends_on)
    with pilot_rules(actor, field="role"):
        user.roles.append(assignment)
    record_created("staff.role_added", user, _role_snapshot(assignment))
    return assignment


def update_role(assignment: RoleAssignment, role: Role, location: Optional[Location],
                starts_on: Optional[date], ends_on: Optional[date],
                actor: Optional[User]) -> RoleAssignment:
    _check_role(assignment.user, role, location, starts_on, ends_on, editing=assignment)
    before = _role_snapshot(assignment)
    field = "ends_on" if assignment.role == role.value else "role"
    with pilot_rules(actor, field=field):
        assignment.role, assignment.location = role.value, location
        assignment.starts_on, assignment.ends_on = starts_on, ends_on
    record_changes("staff.role_updated", assignment.user, before, _role_snapshot(assignment),
                   role_id=assignment.id)
    return assignment


def remove_role(assignment: RoleAssignment, actor: Optional[User]) -> None:
    user = assignment.user
    before = _role_snapshot(assignment)
    with pilot_rules(actor):
        user.roles.remove(assignment)
    record_removed("staff.role_removed", user, before)


def accounts_list(query: str = "") -> list[User]:
    """Staff accounts, by name; `query` matches name, email or phone."""
    users = db.session.scalars(select(User).order_by(User.last_name, User.first_name)).all()
    words = query.lower().split()
    if not words:
        return list(users)
    return [u for u in users
            if all(w in f"{u.full_name} {u.email} {u.phone} {u.cell_phone}".lower()
                   for w in words)]
