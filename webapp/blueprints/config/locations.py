"""Locations tab (CFG-3, §2.2): the locations in order, each edited in place; the postal
code places the location on the map through its area (FSA)."""
from __future__ import annotations

from typing import Optional

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from ... import audit
from ...accounts.permissions import requires
from ...accounts.roles import Perm
from ...extensions import db
from ...formatting import localized
from ...htmx import is_htmx, page_or_fragment, retarget
from ...models import Location
from ...organization.configuration import (
    LOCATION_FIELDS,
    changes,
    move,
    next_position,
    ordered,
    snapshot,
)
from . import bp
from .inplace import form_answer, row_or_list, saved_answer, step_of
from .location_forms import LocationForm

ROW = "config/locations/_row.html"
FORM = "config/locations/_form.html"
PAGE = "config/locations/form.html"


def _list_url(location: Optional[Location] = None) -> str:
    return url_for("config.locations") + (f"#location-{location.id}" if location else "")


@bp.get("/locations")
@requires(Perm.CONFIGURE)
def locations() -> str:
    """The locations in their order (CFG-3)."""
    return render_template("config/locations/index.html", locations=ordered(Location))


@bp.get("/locations/<int:location_id>")
@requires(Perm.CONFIGURE)
def location(location_id: int) -> Response:
    """One location's row (an edit cancelled)."""
    item = db.get_or_404(Location, location_id)
    return row_or_list(ROW, _list_url(item), location=item)


@bp.route("/locations/new", methods=["GET", "POST"])
@requires(Perm.CONFIGURE)
def location_new() -> Response:
    """Create a location."""
    form = LocationForm()
    if form.validate_on_submit():
        item = Location(position=next_position(ordered(Location)), active=True)
        form.save_to(item)
        db.session.add(item)
        db.session.flush()
        audit.record("location.created", item, values=snapshot(item, LOCATION_FIELDS))
        db.session.commit()
        if is_htmx():
            response = page_or_fragment("config/locations/_created.html",
                                        "config/locations/_created.html",
                                        locations=ordered(Location), created=item)
            return retarget(response, "#locations-list")
        flash(_("Location “%(name)s” created.", name=localized(item, "name")), "success")
        return redirect(_list_url(item))
    return form_answer(PAGE, FORM, form=form, location=None)


@bp.route("/locations/<int:location_id>/edit", methods=["GET", "POST"])
@requires(Perm.CONFIGURE)
def location_edit(location_id: int) -> Response:
    """Modify a location."""
    item = db.get_or_404(Location, location_id)
    form = LocationForm(obj=item)
    if form.validate_on_submit():
        before = snapshot(item, LOCATION_FIELDS)
        form.save_to(item)
        if diff := changes(before, item):
            audit.record("location.updated", item, changes=diff)
        db.session.commit()
        return saved_answer(ROW, _("Location “%(name)s” saved.", name=localized(item, "name")),
                            _list_url(item), location=item)
    return form_answer(PAGE, FORM, form=form, location=item)


@bp.post("/locations/<int:location_id>/move")
@requires(Perm.CONFIGURE)
def location_move(location_id: int) -> Response:
    """Move a location one place up or down."""
    item = db.get_or_404(Location, location_id)
    step = step_of(request.form.get("direction"))
    if not step:
        abort(400)
    if move(ordered(Location), item, step):
        audit.record("location.moved", item, position=item.position)
        db.session.commit()
    if is_htmx():
        return page_or_fragment("config/locations/_list.html", "config/locations/_list.html",
                                locations=ordered(Location))
    return redirect(_list_url(item))


@bp.post("/locations/<int:location_id>/active")
@requires(Perm.CONFIGURE)
def location_toggle(location_id: int) -> Response:
    """Make a location active or inactive."""
    item = db.get_or_404(Location, location_id)
    wanted = request.form.get("active")
    if wanted not in {"0", "1"}:
        abort(400)
    if item.active != (wanted == "1"):
        audit.record("location.updated", item, changes={"active": [item.active, wanted == "1"]})
        item.active = wanted == "1"
        db.session.commit()
    message = (_("Location “%(name)s” is active.", name=localized(item, "name")) if item.active
               else _("Location “%(name)s” is inactive.", name=localized(item, "name")))
    return saved_answer(ROW, message, _list_url(item), location=item)
