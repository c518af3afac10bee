"""Public page tab (CFG-7, §2.6): the planner's name, contact details, logo and the
messages of the public page, with a preview as citizens will see it."""
from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from ... import audit
from ...accounts.permissions import requires
from ...accounts.roles import Perm
from ...extensions import db
from ...htmx import is_htmx, page_or_fragment
from ...models import Organization
from ...organization import uploads
from ...organization.configuration import changes, snapshot
from ...web import organization
from . import bp
from .fields import TEXT_MAX
from .inplace import form_answer
from .public_page_forms import CONTACT, TEXTS, PublicPageForm

EDITOR = "config/public_page/_editor.html"


def _organization() -> Organization:
    org = organization()
    if org is None:
        abort(404)
    return org


def preview_of(org: Organization, values: dict[str, Any] | None = None) -> SimpleNamespace:
    """What the public page shows: the saved texts, or the ones being typed."""
    data = {name: getattr(org, name) or "" for name in CONTACT + TEXTS}
    for name, value in (values or {}).items():
        if name in data:
            data[name] = str(value).strip()[:TEXT_MAX]
    logo = url_for("public.logo", v=org.logo_path.rsplit("/", 1)[-1][:8]) if org.logo_path else None
    return SimpleNamespace(**data, logo_url=logo, online=org.online_booking_open)


@bp.route("/public-page", methods=["GET", "POST"])
@requires(Perm.CONFIGURE)
def public_page() -> Response:
    """Edit the public page (CFG-7)."""
    org = _organization()
    form = PublicPageForm(obj=org)
    if form.validate_on_submit():
        before = snapshot(org, CONTACT + TEXTS + ("logo_path",))
        old_logo = org.logo_path
        form.save_to(org)
        stored = form.logo.store()
        if stored is not None:
            org.logo_path = stored.path
        elif form.remove_logo.data:
            org.logo_path = None
        if diff := changes(before, org):
            audit.record("organization.public_page", org, changes=diff)
        db.session.commit()
        if old_logo and old_logo != org.logo_path:
            uploads.remove(old_logo)
        if not is_htmx():
            flash(_("The public page has been saved."), "success")
            return redirect(url_for("config.public_page"))
        form.remove_logo.data = False
        return page_or_fragment(EDITOR, EDITOR, form=form, preview=preview_of(org), saved=True)
    return form_answer("config/public_page/index.html", EDITOR, form=form,
                       preview=preview_of(org))


@bp.post("/public-page/preview")
@requires(Perm.CONFIGURE)
def public_page_preview() -> str:
    """The preview with the texts being typed (nothing is saved)."""
    return render_template("config/public_page/_preview.html",
                           preview=preview_of(_organization(), request.form.to_dict()))
