"""Locations tab (CFG-3, §2.2): the locations in order, each edited in place. The rules and
the audit (the postal code places the location on the map) are `organization.locations`'."""
from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from ...accounts.permissions import requires
from ...accounts.roles import Perm
from ...extensions import db
from ...formatting import localized
from ...models import Location
from ...organization.locations import create_location, move_location, set_active, update_location
from . import bp
from .inplace import OrderedList, save_form
from .location_forms import LocationForm

LOCATIONS = OrderedList.under(
    "config/locations", "location", "config.locations", model=Location, move=move_location,
    set_active=set_active, active_message=_l("Location “%(name)s” is active."),
    inactive_message=_l("Location “%(name)s” is inactive."))


@bp.get("/locations")
@requires(Perm.CONFIGURE)
def locations() -> str:
    """The locations in their order (CFG-3)."""
    return render_template("config/locations/index.html", locations=LOCATIONS.items())


@bp.get("/locations/<int:location_id>")
@requires(Perm.CONFIGURE)
def location(location_id: int) -> Response:
    """One location's row (an edit cancelled)."""
    return LOCATIONS.shown(location_id)


@bp.route("/locations/new", methods=["GET", "POST"])
@requires(Perm.CONFIGURE)
def location_new() -> Response:
    """Create a location."""
    form = LocationForm()
    if item := save_form(form, lambda: create_location(form.location_data())):
        return LOCATIONS.created(_("Location “%(name)s” created.", name=localized(item, "name")),
                                 LOCATIONS.list_url(item.id), locations=LOCATIONS.items(),
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
    return LOCATIONS.moved(location_id)


@bp.post("/locations/<int:location_id>/active")
@requires(Perm.CONFIGURE)
def location_toggle(location_id: int) -> Response:
    """Make a location active or inactive."""
    return LOCATIONS.switched(location_id)
