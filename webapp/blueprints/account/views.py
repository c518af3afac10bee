"""My profile, role switcher, About and help (ACC-3, ACC-4, ACC-5)."""
from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_user
from werkzeug.wrappers import Response

from ... import audit
from ...accounts import signin as accounts
from ...accounts.passwords import rule_labels
from ...accounts.permissions import active_role, requires
from ...accounts.roles import ROLE_DESCRIPTIONS, Role
from ...extensions import db
from ...htmx import page_or_fragment
from ...timeutil import local_today
from ...web import active_menus, remember_language
from . import bp, help_topics
from .forms import PasswordForm, ProfileForm


@bp.get("/")
@requires(None)
def home() -> str | Response:
    """Open the first menu of the active role."""
    menus = active_menus()
    if menus:
        return redirect(url_for(menus[0]["endpoint"]))
    return render_template("account/no_role.html")


@bp.route("/profile", methods=["GET", "POST"])
@requires(None)
def profile() -> str | Response:
    """Edit my contact details; change my password."""
    form = ProfileForm(obj=current_user, prefix="profile")
    password_form = PasswordForm(prefix="password")
    if form.submit.data and form.validate_on_submit():
        form.populate_obj(current_user)
        response = remember_language(redirect(url_for("account.profile")), current_user.language)
        audit.record("account.profile_updated", current_user._get_current_object())
        db.session.commit()
        with force_locale(current_user.language):
            flash(_("Your details have been saved."), "success")
        return response
    if password_form.submit.data and password_form.validate_on_submit():
        if not current_user.check_password(password_form.current.data or ""):
            password_form.current.errors.append(_("The current password is not correct."))
        else:
            user = current_user._get_current_object()
            accounts.set_password(user, password_form.password.data or "")
            db.session.commit()
            login_user(user)  # the session follows the new password; other sessions end
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("account.profile"))
    return render_template("account/profile.html", form=form, password_form=password_form,
                           rules=rule_labels(), role_descriptions=ROLE_DESCRIPTIONS)


@bp.post("/role")
@requires(None)
def switch_role() -> Response:
    """Make another of my roles the active one."""
    wanted = request.form.get("role_id", type=int)
    today = local_today()
    role = next((r for r in current_user.roles_in_effect(today) if r.id == wanted), None)
    if role is None:
        abort(403)
    current_user.active_role_id = role.id
    audit.record("account.role_switched", role, role=role.role)
    db.session.commit()
    flash(_("Active role: %(role)s.", role=_role_label(role.role)), "success")
    return redirect(url_for("account.home"))


def _role_label(role: str) -> str:
    from ...accounts.roles import ROLE_LABELS

    return str(ROLE_LABELS[Role(role)])


@bp.get("/about")
@requires(None)
def about() -> Response:
    """About the planner: the running version."""
    return page_or_fragment("account/about.html", "account/_about.html")


@bp.get("/help")
@requires(None)
def help_page() -> Response:
    """The user guide of the active role, searchable (`?q=`); the search swaps the topics."""
    query = request.args.get("q", "")[:100]
    topics = help_topics.for_role()
    return page_or_fragment("account/help.html", "account/_help_topics.html",
                            active=active_role(), query=query, all_topics=topics,
                            topics=help_topics.search(topics, query))


@bp.app_context_processor
def _help_link() -> dict[str, Any]:
    # Every staff screen's "?" opens the guide at its menu's topic.
    return {"help_topic_for": help_topics.topic_for}
