"""Locations tab (CFG-3, §2.2): the locations in order, each edited in place. The rules and
the audit (the postal code places the location on the map) are `organization.locations`'."""
from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from ...accounts.permissions import requires
from ...accounts.roles import Perm
from ...extensions import db
from ...models import Location
from ...organization.locations import create_location, move_location, set_active, update_location
from ...organization.ordering import ordered
from ...web import localized
from . import bp
from .inplace import InPlace, direction, save_form, switch
from .location_forms import LocationForm

LOCATIONS = InPlace.under("config/locations", "location", "config.locations")


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
    return LOCATIONS.row_or_list(LOCATIONS.list_url(item.id), location=item)


@bp.route("/locations/new", methods=["GET", "POST"])
@requires(Perm.CONFIGURE)
def location_new() -> Response:
    """Create a location."""
    form = LocationForm()
    if item := save_form(form, lambda: create_location(form.location_data())):
        return LOCATIONS.created(_("Location “%(name)s” created.", name=localized(item, "name")),
                                 LOCATIONS.list_url(item.id), locations=ordered(Location),
                                 created=item)
    return LOCATIONS.form_answer(form=form, location=None)


@bp.route("/locations/<int:location_id>/edit", methods=["GET", "POST"])
@requires(Perm.CONFIGURE)
def location_edit(location_id: int) -> Response:
    """Modify a location."""
    item = db.get_or_404(Location, location_id)
    form = LocationForm(obj=item)
    if save_form(form, lambda: update_location(item, form.location_data())):
        return LOCATIONS.saved(_("Location “%(name)s” saved.", name=localized(item, "name")),
                               LOCATIONS.list_url(item.id), location=item)
    return LOCATIONS.form_answer(form=form, location=item)


@bp.post("/locations/<int:location_id>/move")
@requires(Perm.CONFIGURE)
def location_move(location_id: int) -> Response:
    """Move a location one place up or down."""
    item = db.get_or_404(Location, location_id)
    move_location(item, direction())
    db.session.commit()
    return LOCATIONS.listed(LOCATIONS.list_url(item.id), locations=ordered(Location))


@bp.post("/locations/<int:location_id>/active")
@requires(Perm.CONFIGURE)
def location_toggle(location_id: int) -> Response:
    """Make a location active or inactive."""
    item = db.get_or_404(Location, location_id)
    set_active(item, switch())
    db.session.commit()
    name = localized(item, "name")
    message = (_("Location “%(name)s” is active.", name=name) if item.active
               else _("Location “%(name)s” is inactive.", name=name))
    return LOCATIONS.saved(message, LOCATIONS.list_url(item.id), location=item)
