"""Staff sign-in, sign-out and password reset (ACC-1, ACC-2, ACC-6)."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from ... import messaging
from ...accounts import sessions
from ...accounts import signin as accounts
from ...accounts.passwords import rule_labels
from ...extensions import db, limiter
from ...models import User
from ...web import external_url, safe_next
from . import bp
from .forms import ForgotForm, LoginForm, NewPasswordForm


def _login_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login() -> str | Response:
    """Sign in with email and password."""
    if current_user.is_authenticated:
        return redirect(url_for("account.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data or "", form.password.data or "",
                                      request.remote_addr)
        if user is not None:
            login_user(user)
            session[sessions.TOKEN_KEY] = sessions.open_session(user)
            return redirect(safe_next(request.args.get("next"), url_for("account.home")))
        flash(_("Email or password is incorrect, or this account cannot sign in at the "
                "moment. After several failed attempts, sign-in is paused for a few minutes."),
              "error")
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout() -> Response:
    """Sign out."""
    sessions.close_session(session.pop(sessions.TOKEN_KEY, None))
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit("5 per minute", methods=["POST"])
def forgot() -> str | Response:
    """Ask for a password reset link by email."""
    form = ForgotForm()
    if form.validate_on_submit():
        user = User.by_email(form.email.data or "")
        if user is not None and user.is_active:
            _send_reset_link(user)
        flash(_("If an account exists for this address, a link to choose a new password has "
                "been sent to it. The link works once, for one hour."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form)


def _send_reset_link(user: User) -> None:
    link = external_url("auth.reset", token=accounts.reset_token(user))
    with force_locale(user.language):
        subject = _("Choose a new password")
        body = render_template("email/password_reset.txt", user=user, link=link)
    messaging.queue("password_reset", "email", user.email, body, subject=subject,
                    language=user.language, user_id=user.id)
    db.session.commit()


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset(token: str) -> str | Response:
    """Choose a new password from an emailed link."""
    user = accounts.user_for_reset(token)
    if user is None:
        flash(_("This link is not valid: it has expired or has already been used. "
                "Ask for a new one."), "error")
        return redirect(url_for("auth.forgot"))
    form = NewPasswordForm()
    if form.validate_on_submit():
        accounts.set_password(user, form.password.data or "")
        db.session.commit()
        flash(_("Your password has been changed. You can now sign in."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form, rules=rule_labels())
