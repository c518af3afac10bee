"""Public page tab (CFG-7, §2.6): the planner's name, contact details, logo and the
messages of the public page, with a preview as citizens will see it."""
from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from ...accounts.permissions import requires
from ...accounts.roles import Perm
from ...models import Organization
from ...organization.public_page import CONTACT, TEXTS, update_public_page
from ...web import organization
from . import bp
from .fields import TEXT_MAX
from .inplace import InPlace, save_form
from .public_page_forms import PublicPageForm

EDITOR = "config/public_page/_editor.html"
PUBLIC_PAGE = InPlace("public-page", "config.public_page", row=EDITOR, form=EDITOR,
                      page="config/public_page/index.html")


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
    if save_form(form, lambda: update_public_page(org, form.page_data(), form.logo.upload,
                                                  form.remove_logo.data)):
        form.remove_logo.data = False
        return PUBLIC_PAGE.saved(_("The public page has been saved."), PUBLIC_PAGE.list_url(),
                                 form=form, preview=preview_of(org))
    return PUBLIC_PAGE.form_answer(form=form, preview=preview_of(org))


@bp.post("/public-page/preview")
@requires(Perm.CONFIGURE)
def public_page_preview() -> str:
    """The preview with the texts being typed (nothing is saved)."""
    return render_template("config/public_page/_preview.html",
                           preview=preview_of(_organization(), request.form.to_dict()))
