"""Request-wide behaviour: language, sign-in, security headers, errors, template helpers."""
from __future__ import annotations

from typing import Any, NoReturn, Optional
from urllib.parse import urlsplit

from flask import (
    Flask,
    current_app,
    has_request_context,
    render_template,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import event
from werkzeug.exceptions import Forbidden, HTTPException, SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import RequestRedirect

from . import dbtx, formatting, leader
from .accounts import sessions
from .accounts.permissions import active_role, can
from .accounts.roles import ROLE_LABELS, Perm, Role
from .extensions import db, login_manager, scheduler
from .formatting import is_english, localized
from .models import Organization, User, utcnow
from .organization import current as current_organization
from .timeutil import local_today

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
LANG_COOKIE = "lang"

MENUS = (
    (Perm.FOLLOWUP_VIEW, "followup.index", _l("Follow-up"), "followup"),
    (Perm.APPOINTMENTS_VIEW, "appointments.index", _l("Appointments"), "appointments"),
    (Perm.SCHEDULES_VIEW, "schedules.index", _l("Schedules"), "schedules"),
    (Perm.CONFIGURE, "config.index", _l("Configuration"), "config"),
    (Perm.STATISTICS, "stats.index", _l("Statistics"), "stats"),
    (Perm.MESSAGES_VIEW, "messages.index", _l("Messages"), "messages"),
)

ERRORS = {
    400: (_l("Bad request"), _l("The request could not be understood. Nothing was changed.")),
    403: (_l("Access refused"),
          _l("Your active role does not allow this page or action. Nothing was changed. "
             "If you hold another role, switch to it from the user menu.")),
    404: (_l("Page not found"), _l("This page does not exist or is no longer available.")),
    405: (_l("Not allowed"), _l("This action cannot be done this way. Nothing was changed.")),
    413: (_l("File too large"), _l("The file sent is too large. Nothing was changed.")),
    429: (_l("Too many attempts"),
          _l("Too many attempts in a short time. Please wait a minute and try again.")),
    500: (_l("Something went wrong"),
          _l("An unexpected error happened on our side. Nothing was changed; please try again.")),
}


class SessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure whenever the page was served over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # commands and jobs: the planner's default language
        return str(current_app.config["BABEL_DEFAULT_LOCALE"])
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in languages:
        return str(cookie)
    if current_user and current_user.is_authenticated and current_user.ui_language in languages:
        return str(current_user.ui_language)
    best = request.accept_languages.best_match(["fr-CA", "fr", "en"], default="fr")
    return "en" if best == "en" else "fr_CA"


def external_url(endpoint: str, **values: Any) -> str:
    """An absolute link for an email or SMS. It is built on PUBLIC_URL, never on the Host the
    request named: a forged Host header cannot put its own site in a reset link (issue 13).
    Without PUBLIC_URL (debug and tests only: `config.check` requires it elsewhere) it falls
    back to the request's own address."""
    base = str(current_app.config.get("PUBLIC_URL") or "").rstrip("/")
    if not base and has_request_context():
        return url_for(endpoint, _external=True, **values)
    return base + current_app.url_map.bind("localhost").build(endpoint, values)


def safe_next(target: str | None, fallback: str) -> str:
    """Only a path on this site, never another host (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return fallback
    parts = urlsplit(target)
    return fallback if parts.scheme or parts.netloc else target


def language_switch_next(back: Optional[str] = None) -> str:
    """Where the language switch leads back: this page, in the other language. A page
    rendered in answer to a POST (a form's errors, a time just taken) has no address of
    its own, and `/book/hold` answers 405 to a GET: there the switch leads to `back`, the
    page the template names (the day's times the citizen came from), else to this address
    when it also answers a GET (a form shown again), else to the nearest enclosing address
    that does (`/admin/config/personal-data/period` -> `/admin/config/personal-data`),
    never to the referrer."""
    here = request.full_path.rstrip("?")
    if request.method in ("GET", "HEAD"):
        return here
    if back:
        return back
    adapter = current_app.url_map.bind_to_environ(request.environ)
    path = request.path
    while True:
        try:
            adapter.match(path, method="GET")
            return here if path == request.path else path
        except RequestRedirect as moved:  # the address with its slash (/admin/followup/)
            return urlsplit(moved.new_url).path
        except HTTPException:  # 405, 404
            pass
        if path in ("", "/"):
            return url_for("public.home")
        path = path.rstrip("/").rsplit("/", 1)[0] or "/"


def remember_language(response: Any, lang: str) -> Any:
    """Keep the interface language in this browser (and on the account when signed in)."""
    response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="Lax",
                        httponly=True, secure=request.is_secure)
    if current_user.is_authenticated:
        current_user.ui_language = lang
    return response


def organization() -> Optional[Organization]:
    try:
        return current_organization()  # read once per request (organization.current)
    except Exception:  # the error pages must render even when the database is down
        db.session.rollback()
        return None


def planner_name() -> str:
    org = organization()
    return localized(org, "name") if org else str(_l("Appointment planner"))


def url_if_exists(endpoint: str, **values: Any) -> Optional[str]:
    """The URL of an endpoint, or None when this install has no such screen (yet)."""
    if endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint, **values)


def active_menus() -> list[dict[str, Any]]:
    return [{"endpoint": endpoint, "label": label, "key": key}
            for perm, endpoint, label, key in MENUS if can(perm)]


def _template_context() -> dict[str, Any]:
    role = active_role() if current_user.is_authenticated else None
    return {
        "org": organization(),
        "planner_name": planner_name(),
        "active_role": role,
        "menus": active_menus() if role else [],
        "role_labels": {r.value: label for r, label in ROLE_LABELS.items()},
        "lang": "en" if is_english() else "fr",
        "version": current_app.config["VERSION"],
        "support_email": current_app.config["SUPPORT_EMAIL"],
        "can": can,
        "language_switch_next": language_switch_next,
        "Perm": Perm,
        "Role": Role,
    }


def _security_headers(response: Any) -> Any:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if request.path.startswith(("/admin", "/appointment/")):
        # Staff pages and a patient's appointment page (name, confirmation number) hold
        # personal information: never kept by shared caches nor the browser's history.
        headers.setdefault("Cache-Control", "no-store")
    return response


class Refused(Forbidden):
    """403 with a message saying why (for example a location outside the role's teams)."""

    def __init__(self, message: Any) -> None:
        super().__init__()
        self.message = message


def refuse(message: Any) -> NoReturn:
    """Stop the request with 403 and this message on the error page; nothing was changed."""
    raise Refused(message)


def _error_page(error: Exception) -> tuple[str, int]:
    if isinstance(error, Refused):
        title, message = ERRORS[403][0], error.message
        return render_template("error.html", code=403, title=title, message=message), 403
    if isinstance(error, CSRFError):
        code, title = 400, _l("The form has expired")
        message = _l("For your security the form could not be accepted (it expired or was "
                     "sent from elsewhere). Nothing was changed. Reload the page and try again.")
    else:
        code = error.code if isinstance(error, HTTPException) and error.code else 500
        title, message = ERRORS.get(code, ERRORS[500 if code >= 500 else 400])
    if code >= 500:
        db.session.rollback()
    return render_template("error.html", code=code, title=title, message=message), code


def _untrusted_host(error: SecurityError) -> tuple[str, int, dict[str, str]]:
    """A Host header that is not the planner's: no page can be built for it (its links would
    name that host), so a plain bilingual refusal."""
    return ("Adresse inconnue de ce serveur. / Unknown address for this server.\n", 400,
            {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"})


def _unexpected(error: Exception) -> Any:
    if isinstance(error, HTTPException):
        return _error_page(error) if error.code and error.code >= 400 else error
    current_app.logger.exception("unexpected error", exc_info=error)
    db.session.rollback()
    title, message = ERRORS[500]
    return render_template("error.html", code=500, title=title, message=message), 500


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def init_app(app: Flask) -> None:
    app.session_interface = SessionInterface()
    proxies = int(app.config.get("TRUSTED_PROXIES", 0) or 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies,  # type: ignore
                                x_host=proxies)

    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(session_id: str) -> Optional[User]:
        """The account, read again on every request: a session ends on the next click once
        it is signed out or idle, the account deactivated or outside its access window."""
        user = User.load_session(session_id)
        if user is None or not user.may_sign_in_on(local_today()):
            return None
        return user if sessions.is_open(user, session.get(sessions.TOKEN_KEY)) else None

    app.context_processor(_template_context)
    app.after_request(_security_headers)
    for code in (400, 403, 404, 405, 413, 429, 500):
        app.register_error_handler(code, _error_page)
    app.register_error_handler(CSRFError, _error_page)
    app.register_error_handler(SecurityError, _untrusted_host)
    app.register_error_handler(Exception, _unexpected)
    formatting.register(app)
    app.jinja_env.globals.update(url_if_exists=url_if_exists, now_utc=utcnow)

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_pragmas)
        dbtx.install(db.engine)  # BEGIN IMMEDIATE for booking transactions on SQLite

    if app.config["SCHEDULER_ENABLED"] and not app.config.get("TESTING"):
        @app.before_request
        def _start_jobs() -> None:
            if not scheduler.running:
                leader.start_scheduler(app)
