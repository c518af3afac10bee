"""Services tab (CFG-1, §2.1): the services in order, each edited in place, with its
attached file."""
from __future__ import annotations

from typing import Optional

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from ... import audit
from ...accounts.permissions import requires
from ...accounts.roles import Perm
from ...extensions import db
from ...formatting import localized
from ...htmx import is_htmx, page_or_fragment, retarget
from ...models import Service
from ...models.organization import default_field_rules
from ...organization import uploads
from ...organization.configuration import (
    SERVICE_FIELDS,
    changes,
    clean_group,
    duration_mismatches,
    move,
    next_position,
    ordered,
    snapshot,
)
from . import bp
from .inplace import form_answer, row_or_list, saved_answer, step_of
from .service_forms import ServiceForm

ROW = "config/services/_row.html"
FORM = "config/services/_form.html"


def _list_url(service: Optional[Service] = None) -> str:
    return url_for("config.services") + (f"#service-{service.id}" if service else "")


@bp.get("/services")
@requires(Perm.CONFIGURE)
def services() -> str:
    """The services in their order, each with its state (CFG-1)."""
    return render_template("config/services/index.html", services=ordered(Service))


@bp.get("/services/<int:service_id>")
@requires(Perm.CONFIGURE)
def service(service_id: int) -> Response:
    """One service's row (an edit cancelled)."""
    item = db.get_or_404(Service, service_id)
    return row_or_list(ROW, _list_url(item), service=item)


@bp.route("/services/new", methods=["GET", "POST"])
@requires(Perm.CONFIGURE)
def service_new() -> Response:
    """Create a service."""
    item = Service(field_rules=default_field_rules())
    form = ServiceForm(item, ordered(Service))
    if form.validate_on_submit():
        _save(form, item)
        if is_htmx():
            response = page_or_fragment("config/services/_created.html",
                                        "config/services/_created.html",
                                        services=ordered(Service), created=item)
            return retarget(response, "#services-list")
        flash(_("Service “%(name)s” created.", name=localized(item, "name")), "success")
        return redirect(_list_url(item))
    return form_answer("config/services/form.html", FORM, form=form, service=None)


@bp.route("/services/<int:service_id>/edit", methods=["GET", "POST"])
@requires(Perm.CONFIGURE)
def service_edit(service_id: int) -> Response:
    """Modify a service: every CFG-1 field, the attached file, the patient fields."""
    item = db.get_or_404(Service, service_id)
    form = ServiceForm(item, [s for s in ordered(Service) if s.id != item.id])
    if form.validate_on_submit():
        _save(form, item)
        return saved_answer(ROW, _("Service “%(name)s” saved.", name=localized(item, "name")),
                            _list_url(item), service=item)
    return form_answer("config/services/form.html", FORM, form=form, service=item)


def _save(form: ServiceForm, item: Service) -> None:
    """Write the form to the service (and its dose partners), audit, commit."""
    before = snapshot(item, SERVICE_FIELDS) if item.id else None
    old_file = item.attachment_path
    form.save_to(item)
    stored = form.attachment.store()
    if stored is not None:
        item.attachment_path, item.attachment_name = stored.path, stored.name
    elif form.remove_attachment.data:
        item.attachment_path = item.attachment_name = None
    if item.id is None:
        item.position = next_position(ordered(Service))
        db.session.add(item)
        db.session.flush()
        audit.record("service.created", item, values=snapshot(item, SERVICE_FIELDS))
    elif diff := changes(before or {}, item):
        audit.record("service.updated", item, changes=diff)
    if form.apply_to_group.data:
        for partner in duration_mismatches(item, item.duration_minutes,
                                           clean_group(item.vaccine_group), item.next_service_id):
            audit.record("service.updated", partner, changes={
                "duration_minutes": [partner.duration_minutes, item.duration_minutes]})
            partner.duration_minutes = item.duration_minutes
    db.session.commit()
    if old_file and old_file != item.attachment_path:
        uploads.remove(old_file)


@bp.post("/services/<int:service_id>/move")
@requires(Perm.CONFIGURE)
def service_move(service_id: int) -> Response:
    """Move a service one place up or down."""
    item = db.get_or_404(Service, service_id)
    step = step_of(request.form.get("direction"))
    if not step:
        abort(400)
    items = ordered(Service)
    if move(items, item, step):
        audit.record("service.moved", item, position=item.position)
        db.session.commit()
    if is_htmx():
        return page_or_fragment("config/services/_list.html", "config/services/_list.html",
                                services=ordered(Service))
    return redirect(_list_url(item))


@bp.post("/services/<int:service_id>/active")
@requires(Perm.CONFIGURE)
def service_toggle(service_id: int) -> Response:
    """Make a service active (offered) or inactive."""
    item = db.get_or_404(Service, service_id)
    wanted = request.form.get("active")
    if wanted not in {"0", "1"}:
        abort(400)
    if item.active != (wanted == "1"):
        audit.record("service.updated", item, changes={"active": [item.active, wanted == "1"]})
        item.active = wanted == "1"
        db.session.commit()
    message = (_("Service “%(name)s” is active.", name=localized(item, "name")) if item.active
               else _("Service “%(name)s” is inactive.", name=localized(item, "name")))
    return saved_answer(ROW, message, _list_url(item), service=item)


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
