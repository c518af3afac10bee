"""The public site, for citizens: find a location, its page, terms and privacy policy."""
from __future__ import annotations

from flask import abort, render_template, request, session
from flask_babel import gettext as _

from ...booking.search import (
    SearchError,
    locations_with_open_availability,
    nearest,
    parse_area,
    services_online,
)
from ...extensions import db
from ...formatting import localized
from ...models import Service
from ...organization import associations
from . import bp
from .forms import FindForm


def _find_form(services: list[Service]) -> FindForm:
    form = FindForm(request.args)
    form.service.choices = [(s.id, localized(s, "name")) for s in services]
    if "service" not in request.args and services:
        form.service.data = services[0].id  # as the select it replaces showed
    return form


@bp.get("/")
def home() -> str:
    """The services offered online and the postal-code search (PUB-1)."""
    services = services_online()
    return render_template("public/home.html", form=_find_form(services), services=services)


@bp.get("/find")
def find() -> tuple[str, int] | str:
    """The nearest locations offering a service, measured from the postal code's area."""
    services = services_online()
    form = _find_form(services)
    if not form.validate():
        return render_template("public/home.html", form=form, services=services), 400
    service = db.get_or_404(Service, form.service.data)
    try:
        area = parse_area(form.postal_code.data or "")
    except SearchError as error:
        form.postal_code.errors = [postal_code_message(str(error), form.postal_code.data)]
        return render_template("public/home.html", form=form, services=services), 400
    results = nearest(service, area)
    return render_template("public/home.html", form=form, services=services, service=service,
                           area=area, results=results)


def postal_code_message(reason: str, typed: str | None) -> str:
    """What to tell a citizen whose postal code cannot be searched."""
    if reason == "malformed":
        return _("A postal code has 6 characters, letter-digit-letter digit-letter-digit, "
                 "for example G8B 1M4.")
    if reason == "impossible":
        return _("No Canadian postal code starts with %(start)s. Check the letters.",
                 start=(typed or "").strip().upper()[:3])
    return _("No area matches this postal code. Check it, or try another postal code "
             "nearby.")


@bp.get("/location/<int:location_id>/<int:service_id>")
def location(location_id: int, service_id: int) -> str:
    """A location's page for one service: pop-up, welcome and location messages (PUB-2)."""
    found = associations.offered_at(location_id, service_id)
    if found is None:
        abort(404)
    place, service = found
    available = place.id in locations_with_open_availability(service)
    popup = not session.get("popup_seen")  # the pop-up once per browser session
    session["popup_seen"] = True
    return render_template("public/location.html", service=service, location=place,
                           available=available, popup=popup)


@bp.get("/terms")
def terms() -> str:
    """Terms of use."""
    return render_template("public/terms.html")


@bp.get("/privacy")
def privacy() -> str:
    """Privacy policy."""
    return render_template("public/privacy.html")


# The booking steps and the appointment pages register their routes on this blueprint.
from . import (  # noqa: E402,F401
    appointment_views,
    booking_views,
    bp,
    logo,  # noqa: E402,F401  (the logo route registers on this blueprint)
)
