"""Staff accounts and their roles."""
from __future__ import annotations

import hashlib
import hmac
from datetime import date, datetime
from typing import Any, Optional

from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..accounts.roles import Role
from ..extensions import db
from .organization import Location, Team, user_team
from .types import UTCDateTime, utcnow


class User(UserMixin, db.Model):  # type: ignore[name-defined]
    """A staff account."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(40), default="")
    cell_phone: Mapped[str] = mapped_column(String(40), default="")
    language: Mapped[str] = mapped_column(String(8), default="fr_CA")  # for its messages
    # The interface language this account chose (FR/EN switch, profile); None: the browser's.
    ui_language: Mapped[Optional[str]] = mapped_column(String(8))
    colour: Mapped[str] = mapped_column(String(7), default="#9e9e9e")
    category: Mapped[str] = mapped_column(String(80), default="")
    planner_access: Mapped[bool] = mapped_column(Boolean, default=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    access_start: Mapped[Optional[date]] = mapped_column(Date)
    access_end: Mapped[Optional[date]] = mapped_column(Date)
    # The role chosen in the user menu; one of `roles` (no foreign key: the two tables
    # would reference each other).
    active_role_id: Mapped[Optional[int]]
    last_login_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    preferences: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    roles: Mapped[list[RoleAssignment]] = relationship(
        back_populates="user", foreign_keys="RoleAssignment.user_id",
        cascade="all, delete-orphan", order_by="RoleAssignment.id",
    )
    teams: Mapped[list[Team]] = relationship(secondary=user_team)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.active and self.planner_access

    @property
    def fingerprint(self) -> str:
        """Changes with the password, so a new password ends other sessions and reset links."""
        return hashlib.sha256(self.password_hash.encode()).hexdigest()[:16]

    def get_id(self) -> str:
        return f"{self.id}:{self.fingerprint}"

    @classmethod
    def load_session(cls, session_id: str) -> Optional[User]:
        user_id, _, fingerprint = session_id.partition(":")
        if not user_id.isdigit():
            return None
        user = db.session.get(cls, int(user_id))
        if user is None or not hmac.compare_digest(user.fingerprint, fingerprint):
            return None
        return user

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def may_sign_in_on(self, day: date) -> bool:
        """Whether the account's access window includes this day."""
        if not self.is_active:
            return False
        if self.access_start and day < self.access_start:
            return False
        return not (self.access_end and day > self.access_end)

    def roles_in_effect(self, day: date) -> list[RoleAssignment]:
        return [r for r in self.roles if r.in_effect(day)]

    def current_role(self, day: date) -> Optional[RoleAssignment]:
        """The active role if still in effect, else the first role in effect."""
        in_effect = self.roles_in_effect(day)
        chosen = next((r for r in in_effect if r.id == self.active_role_id), None)
        if chosen is not None:
            return chosen
        return in_effect[0] if in_effect else None

    @classmethod
    def by_email(cls, email: str) -> Optional[User]:
        return db.session.scalar(select(cls).where(cls.email == email.strip().lower()))


class RoleAssignment(db.Model):  # type: ignore[name-defined]
    """One role held by an account, over all locations or one, between two dates."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    location_id: Mapped[Optional[int]] = mapped_column(ForeignKey("location.id", ondelete="CASCADE"))
    starts_on: Mapped[Optional[date]] = mapped_column(Date)
    ends_on: Mapped[Optional[date]] = mapped_column(Date)

    user: Mapped[User] = relationship(back_populates="roles", foreign_keys=[user_id])
    location: Mapped[Optional[Location]] = relationship()

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    def in_effect(self, day: date) -> bool:
        if self.starts_on and day < self.starts_on:
            return False
        return not (self.ends_on and day > self.ends_on)


class StaffSession(db.Model):  # type: ignore[name-defined]
    """A signed-in browser, known on the server: signing out deletes it, so a copied cookie
    opens nothing afterwards; idle ones expire (issue 13). Only a hash of the token kept in
    the browser's session is stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SignInThrottle(db.Model):  # type: ignore[name-defined]
    """Failed sign-ins counted per key: one address, or one email typed from one address
    (issue 13). Past a few failures the next attempt under that key waits, longer each time;
    nobody else is slowed, so an attacker cannot lock the account's owner out. Only a keyed
    hash of the key is stored (never the typed email)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    wait_until: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
