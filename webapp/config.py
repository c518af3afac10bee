"""Settings read from the environment, with safe defaults for a local run."""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit


class ConfigError(RuntimeError):
    """The settings do not allow the planner to start safely."""


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {value!r}.") from None


def _seconds(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return float(value)
    except ValueError:
        raise ConfigError(f"{name} must be a number of seconds, not {value!r}.") from None


def from_environment(instance_path: str) -> dict[str, object]:
    """Build the settings dictionary from environment variables."""
    database_url = os.environ.get("DATABASE_URL") or (
        "sqlite:///" + str(Path(instance_path) / "planner.sqlite3")
    )
    # Heroku-style URLs name the old driver; SQLAlchemy 2 with psycopg 3 wants this one.
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgres://"):]
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url[len("postgresql://"):]
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY"),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "UPLOAD_FOLDER": os.environ.get("UPLOAD_FOLDER", str(Path(instance_path) / "uploads")),
        "MAX_CONTENT_LENGTH": _int("MAX_UPLOAD_BYTES", 5 * 1024 * 1024),
        "MAIL_BACKEND": os.environ.get("MAIL_BACKEND", "outbox"),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", "localhost"),
        "MAIL_PORT": _int("MAIL_PORT", 25),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME"),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD"),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS"),
        "MAIL_USE_SSL": _bool("MAIL_USE_SSL"),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "planner@localhost"),
        # Check the SMTP server's certificate (STARTTLS or SSL); off only for a local relay.
        "MAIL_TLS_VERIFY": _bool("MAIL_TLS_VERIFY", True),
        "MAIL_TIMEOUT": float(os.environ.get("MAIL_TIMEOUT", 20)),
        "SMS_BACKEND": os.environ.get("SMS_BACKEND", "outbox"),
        # SMS_BACKEND=twilio: the account, its secret, and the sender (number or "MG..." SID).
        "TWILIO_ACCOUNT_SID": os.environ.get("TWILIO_ACCOUNT_SID", ""),
        "TWILIO_AUTH_TOKEN": os.environ.get("TWILIO_AUTH_TOKEN", ""),
        "TWILIO_FROM": os.environ.get("TWILIO_FROM", ""),
        "TWILIO_API_URL": os.environ.get("TWILIO_API_URL", "https://api.twilio.com"),
        "SUPPORT_EMAIL": os.environ.get("SUPPORT_EMAIL", "support@example.org"),
        "PUBLIC_URL": os.environ.get("PUBLIC_URL", ""),
        # Other host names this server answers to (comma-separated), besides PUBLIC_URL's.
        "ALLOWED_HOSTS": os.environ.get("ALLOWED_HOSTS", ""),
        # Messages are held to this daytime window, in the planner's time zone (hours).
        "SEND_WINDOW_START": _int("SEND_WINDOW_START", 8),
        "SEND_WINDOW_END": _int("SEND_WINDOW_END", 21),
        "PREFERRED_URL_SCHEME": os.environ.get("PREFERRED_URL_SCHEME", "http"),
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE"),
        # How many reverse proxies stand in front (nginx: 1); their X-Forwarded-For and
        # X-Forwarded-Proto give the citizen's address and HTTPS (webapp.web applies it).
        "TRUSTED_PROXIES": _int("TRUSTED_PROXIES", 0),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "SCHEDULER_ENABLED": _bool("SCHEDULER_ENABLED", True),
        # The opening rush (webapp/admission.py): public requests working at once per
        # process (0: no gate), newcomers waiting at most, and how long each may wait.
        "ADMISSION_ACTIVE": _int("ADMISSION_ACTIVE", 2),
        "ADMISSION_QUEUE": _int("ADMISSION_QUEUE", 16),
        "ADMISSION_WAIT": _seconds("ADMISSION_WAIT", 1.0),
        "ADMISSION_PRIORITY_WAIT": _seconds("ADMISSION_PRIORITY_WAIT", 8.0),
        # A staff session unused this long ends on the server.
        "SESSION_IDLE_MINUTES": int(os.environ.get("SESSION_IDLE_MINUTES", 240)),
        # Sign-in throttling (webapp/accounts/throttle.py): free failures per email from one
        # address and per address, then a wait that doubles, up to a maximum.
        "LOGIN_MAX_FAILURES": _int("LOGIN_MAX_FAILURES", 5),
        "LOGIN_ADDRESS_MAX_FAILURES": _int("LOGIN_ADDRESS_MAX_FAILURES", 30),
        "LOGIN_FIRST_WAIT_SECONDS": _int("LOGIN_FIRST_WAIT_SECONDS", 30),
        "LOGIN_MAX_WAIT_MINUTES": _int("LOGIN_MAX_WAIT_MINUTES", 15),
        # Public booking caps (webapp/booking/limits.py): places held at once by one address,
        # bookings a day per address and per person, and when staff are told of an address.
        "PUBLIC_HOLDS_PER_ADDRESS": _int("PUBLIC_HOLDS_PER_ADDRESS", 3),
        "PUBLIC_BOOKINGS_PER_ADDRESS_PER_DAY": _int("PUBLIC_BOOKINGS_PER_ADDRESS_PER_DAY", 12),
        "PUBLIC_BOOKINGS_PER_PERSON_PER_DAY": _int("PUBLIC_BOOKINGS_PER_PERSON_PER_DAY", 3),
        "PUBLIC_BOOKINGS_ALERT_PER_ADDRESS": _int("PUBLIC_BOOKINGS_ALERT_PER_ADDRESS", 6),
        "DEMO_PASSWORD": os.environ.get("DEMO_PASSWORD", "Vaccin-Demo-2021!"),
    }


DEFAULTS: dict[str, object] = {
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "SQLALCHEMY_TRACK_MODIFICATIONS": False,
    "BABEL_DEFAULT_LOCALE": "fr_CA",
    "BABEL_DEFAULT_TIMEZONE": "America/Toronto",
    "LANGUAGES": ("fr_CA", "en"),
    "WTF_CSRF_TIME_LIMIT": 8 * 3600,
    "PASSWORD_RESET_MAX_AGE": 3600,
    "LOGIN_RATE_LIMIT": "20 per minute",
    # Rate limits on a shared store (RATELIMIT_STORAGE_URI=redis://...): while it cannot be
    # reached, each server counts in its own memory rather than failing the request.
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
    # Phones on poor connections: CSS and JS are sent compressed (Flask-Compress). HTML is
    # not: its pages carry CSRF tokens next to reflected input, which compression over
    # HTTPS would expose to a BREACH-style length attack.
    "COMPRESS_ALGORITHM": ["br", "gzip"],
    "COMPRESS_MIN_SIZE": 500,
    "COMPRESS_MIMETYPES": ["text/css", "application/javascript", "text/javascript",
                           "image/svg+xml"],
}


def check(config: dict[str, object], debug: bool) -> None:
    """Refuse to start on settings that would be unsafe in production."""
    if not config.get("SECRET_KEY"):
        if debug or config.get("TESTING"):
            config["SECRET_KEY"] = "dev-only-not-secret"
        else:
            raise ConfigError(
                "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long "
                "random value (for example: python -c 'import secrets; "
                "print(secrets.token_hex(32))') before starting the planner."
            )
    _check_hosts(config, debug)


def _check_hosts(config: dict[str, object], debug: bool) -> None:
    """Links in emails and SMS are built on PUBLIC_URL, and the planner answers only to its
    own host names (Flask's TRUSTED_HOSTS: another Host header is refused with 400), so a
    forged Host cannot reach a page or a link (issue 13)."""
    public = str(config.get("PUBLIC_URL") or "").strip()
    if public:
        parts = urlsplit(public)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigError(f"PUBLIC_URL must be an address such as https://rdv.example.org, "
                              f"not {public!r}.")
        extra = [h.strip().lower() for h in str(config.get("ALLOWED_HOSTS") or "").split(",")
                 if h.strip()]
        if config.get("TRUSTED_HOSTS") is None:
            config["TRUSTED_HOSTS"] = [parts.hostname.lower(), *extra]
    elif not (debug or config.get("TESTING")):
        raise ConfigError(
            "PUBLIC_URL is not set. Set it to the planner's public address (for example "
            "https://rdv.example.org): links in emails and SMS are built on it, and requests "
            "naming another host are refused.")
