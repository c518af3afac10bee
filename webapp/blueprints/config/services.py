"""Services tab (CFG-1, §2.1): the services in order, each edited in place, with its
attached file. The rules and the audit are `organization.services`'."""
from __future__ import annotations

from flask import abort, render_template, send_file
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from ...accounts.permissions import requires
from ...accounts.roles import Perm
from ...extensions import db
from ...formatting import localized
from ...models import Service
from ...models.organization import default_field_rules
from ...organization import uploads
from ...organization.services import create_service, move_service, set_active, update_service
from . import bp
from .inplace import OrderedList, save_form
from .service_forms import ServiceForm

SERVICES = OrderedList.under(
    "config/services", "service", "config.services", model=Service, move=move_service,
    set_active=set_active, active_message=_l("Service “%(name)s” is active."),
    inactive_message=_l("Service “%(name)s” is inactive."))


@bp.get("/services")
@requires(Perm.CONFIGURE)
def services() -> str:
    """The services in their order, each with its state (CFG-1)."""
    return render_template("config/services/index.html", services=SERVICES.items())


@bp.get("/services/<int:service_id>")
@requires(Perm.CONFIGURE)
def service(service_id: int) -> Response:
    """One service's row (an edit cancelled)."""
    return SERVICES.shown(service_id)


@bp.route("/services/new", methods=["GET", "POST"])
@requires(Perm.CONFIGURE)
def service_new() -> Response:
    """Create a service."""
    form = ServiceForm(Service(field_rules=default_field_rules()), SERVICES.items())
    if item := save_form(form, lambda: create_service(
            form.service_data(), form.attachment.upload, form.apply_to_group.data)):
        return SERVICES.created(_("Service “%(name)s” created.", name=localized(item, "name")),
                                SERVICES.list_url(item.id), services=SERVICES.items(),
                                created=item)
    return SERVICES.form_answer(form=form, service=None)


@bp.route("/services/<int:service_id>/edit", methods=["GET", "POST"])
@requires(Perm.CONFIGURE)
def service_edit(service_id: int) -> Response:
    """Modify a service: every CFG-1 field, the attached file, the patient fields."""
    item = db.get_or_404(Service, service_id)
    form = ServiceForm(item, [s for s in SERVICES.items() if s.id != item.id])
    if save_form(form, lambda: update_service(
            item, form.service_data(), form.attachment.upload, form.remove_attachment.data,
            form.apply_to_group.data)):
        return SERVICES.saved(_("Service “%(name)s” saved.", name=localized(item, "name")),
                              SERVICES.list_url(item.id), service=item)
    return SERVICES.form_answer(form=form, service=item)


@bp.post("/services/<int:service_id>/move")
@requires(Perm.CONFIGURE)
def service_move(service_id: int) -> Response:
    """Move a service one place up or down."""
    return SERVICES.moved(service_id)


@bp.post("/services/<int:service_id>/active")
@requires(Perm.CONFIGURE)
def service_toggle(service_id: int) -> Response:
    """Make a service active (offered) or inactive."""
    return SERVICES.switched(service_id)


@bp.get("/services/<int:service_id>/attachment")
@requires(Perm.CONFIGURE)
def service_attachment(service_id: int) -> Response:
    """The service's attached file, for staff to check it."""
    item = db.get_or_404(Service, service_id)
    path = uploads.absolute_path(item.attachment_path)
    if path is None or not item.attachment_path:
        abort(404)
    kind = uploads.kind_of(item.attachment_path)
    return send_file(path, mimetype=uploads.MIMETYPES.get(kind, "application/octet-stream"),
                     as_attachment=kind == uploads.PDF,
                     download_name=item.attachment_name or f"file.{kind}")
