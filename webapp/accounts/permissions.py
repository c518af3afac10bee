"""The one server-side permission check used by every staff view."""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Optional, TypeVar

from flask import abort, g
from flask_login import current_user

from ..models import RoleAssignment
from ..timeutil import local_today
from .roles import ROLE_PERMISSIONS, TEAM_SCOPED, Perm, Role

F = TypeVar("F", bound=Callable[..., Any])


def active_role() -> Optional[RoleAssignment]:
    """The signed-in account's active role, if it is in effect today."""
    if not current_user.is_authenticated:
        return None
    if "active_role" not in g:
        g.active_role = current_user.current_role(local_today())
    return g.active_role  # type: ignore[no-any-return]


def can(perm: Perm) -> bool:
    role = active_role()
    return role is not None and perm in ROLE_PERMISSIONS[role.role_enum]


def location_scope() -> Optional[int]:
    """The one location the active role is limited to, or None for all locations."""
    role = active_role()
    return role.location_id if role else None


def team_scope() -> Optional[set[int]]:
    """The teams the active role is limited to, or None when it sees every team."""
    role = active_role()
    if role is None or role.role_enum not in TEAM_SCOPED:
        return None
    return {team.id for team in current_user.teams}


def may_see_location(location_id: int) -> bool:
    scope = location_scope()
    return scope is None or scope == location_id


def require_scope(location_id: int, team_id: Optional[int]) -> None:
    """403 unless the active role may see this location and, when scoped to teams, this team."""
    if not may_see_location(location_id):
        abort(403)
    scope = team_scope()
    if scope is not None and team_id not in scope:
        abort(403)


def requires(perm: Optional[Perm]) -> Callable[[F], F]:
    """Guard a staff view: signed in, with an active role granting `perm`.

    `requires(None)` asks only for a signed-in account (profile, role switch). The
    permission is kept on the view so the role x view matrix test can read it.
    """

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                from ..extensions import login_manager

                return login_manager.unauthorized()
            if perm is not None and not can(perm):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_permission = perm  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


def roles_with(perm: Perm) -> set[Role]:
    return {role for role, perms in ROLE_PERMISSIONS.items() if perm in perms}
