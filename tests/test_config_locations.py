"""Configuration > Locations (CFG-3): postal code checked, area (FSA) placing the location."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from webapp.accounts.roles import Role
from webapp.extensions import db
from webapp.geo import area_for
from webapp.models import Location

from .config_helpers import audit_entries, location_data
from .factories import make_location
from .helpers import HX, text


@pytest.fixture
def pilot(auth):
    auth.login(Role.PILOTE)
    return auth


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Location))


def test_create_a_location_normalises_the_postal_code_and_places_it(client, pilot):
    make_location("Pharmacie A", position=1)
    response = client.post("/admin/config/locations/new", data=location_data())
    assert response.status_code == 302
    location = db.session.scalar(select(Location).where(Location.name_en == "Pharmacy C"))
    area = area_for("G8B")
    assert location.postal_code == "G8B 3R1" and location.position == 2
    assert (location.latitude, location.longitude) == (area.latitude, area.longitude)
    assert location.message_fr == "Entrée arrière" and location.active is True
    [entry] = audit_entries("location.created")
    assert entry.details["after"]["postal_code"] == "G8B 3R1"
    page = client.get("/admin/config/locations").get_data(as_text=True)
    assert "25 rue Collard, Alma G8B 3R1" in page and "région G8B" in page


def test_create_with_htmx_answers_the_list(client, pilot):
    response = client.post("/admin/config/locations/new", data=location_data(), headers=HX)
    assert response.headers["HX-Retarget"] == "#locations-list"
    assert 'id="location-new" hx-swap-oob="true"' in response.get_data(as_text=True)


def test_edit_in_place_moves_the_location_with_its_new_postal_code(client, pilot):
    location = make_location("Pharmacie A", postal_code="G8B 1M4")
    form = client.get(f"/admin/config/locations/{location.id}/edit", headers=HX)
    assert f'<li id="location-{location.id}" class="item editing">' in form.get_data(as_text=True)
    response = client.post(f"/admin/config/locations/{location.id}/edit", headers=HX,
                           data=location_data(name_fr="Pharmacie A", postal_code=" h2x1y4 "))
    row = response.get_data(as_text=True)
    assert f'<li id="location-{location.id}"' in row and "H2X 1Y4" in row and "Enregistré" in row
    db.session.expire_all()
    location = db.session.get(Location, location.id)
    assert location.latitude == area_for("H2X").latitude
    [entry] = audit_entries("location.updated")
    assert entry.details["changes"]["postal_code"] == ["G8B 1M4", "H2X 1Y4"]
    assert "latitude" in entry.details["changes"]
    assert f'<li id="location-{location.id}"' in client.get(
        f"/admin/config/locations/{location.id}", headers=HX).get_data(as_text=True)


@pytest.mark.parametrize("field, value, message", [
    ("name_fr", "", "Entrez le nom en français."),
    ("name_en", "y" * 201, "Au plus 200 caractères"),
    ("address", "", "Entrez l'adresse civique."),
    ("city", "", "Entrez la ville."),
    ("postal_code", "", "Entrez le code postal."),
    ("postal_code", "12345", "Entrez un code postal canadien"),
    ("postal_code", "G8B 1M", "Entrez un code postal canadien"),
    ("postal_code", "D8B 1M4", "Entrez un code postal canadien"),  # D is never used
    ("postal_code", "X0X 0X0", "La région X0X de ce code postal est inconnue"),
    ("message_fr", "m" * 4001, "Au plus 4000 caractères"),
    ("email", "alma@", "Entrez une adresse courriel valide"),
    ("email", "a" * 250 + "@x.ca", "Au plus 254 caractères"),
])
def test_bad_input_is_refused_next_to_the_field_and_saves_nothing(client, pilot, field, value,
                                                                  message):
    for headers in ({}, HX):
        response = client.post("/admin/config/locations/new", headers=headers,
                               data=location_data(**{field: value}))
        text_ = text(response)
        assert message in text_ and "has-error" in text_
    assert count() == 0 and audit_entries("location.created") == []


def test_the_locations_email_is_saved_and_shown(client, pilot):
    client.post("/admin/config/locations/new", data=location_data(email=" alma@example.org "))
    location = db.session.scalar(select(Location))
    assert location.email == "alma@example.org"
    [entry] = audit_entries("location.created")
    assert entry.details["after"]["email"] == "alma@example.org"
    page = client.get("/admin/config/locations", headers={"Accept-Language": "en"})
    assert 'href="mailto:alma@example.org"' in page.get_data(as_text=True)
    client.post(f"/admin/config/locations/{location.id}/edit", data=location_data(email=""))
    db.session.expire_all()
    assert db.session.get(Location, location.id).email == ""


def test_a_refused_edit_changes_nothing(client, pilot):
    location = make_location("Pharmacie A", postal_code="G8B 1M4")
    client.post(f"/admin/config/locations/{location.id}/edit",
                data=location_data(name_fr="Nouveau nom", postal_code="X0X 0X0"))
    db.session.expire_all()
    location = db.session.get(Location, location.id)
    assert location.name_fr == "Pharmacie A" and location.postal_code == "G8B 1M4"


def test_order_and_active_toggle(client, pilot):
    a = make_location("A", position=1)
    b = make_location("B", position=2)
    client.post(f"/admin/config/locations/{b.id}/move", data={"direction": "up"})
    db.session.expire_all()
    assert [x.name_fr for x in db.session.scalars(select(Location).order_by(Location.position))] == [
        "B", "A"]
    row = client.post(f"/admin/config/locations/{a.id}/active", data={"active": "0"}, headers=HX)
    assert 'aria-checked="false"' in row.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Location, a.id).active is False
    assert client.post(f"/admin/config/locations/{a.id}/active", data={}).status_code == 400
    assert client.post(f"/admin/config/locations/{a.id}/move", data={}).status_code == 400
    assert len(audit_entries("location.moved")) == 1


def test_html_in_a_location_is_shown_escaped(client, pilot):
    client.post("/admin/config/locations/new", data=location_data(
        name_fr="<script>alert(1)</script>", message_fr="<i>x</i>"))
    page = client.get("/admin/config/locations").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    assert "<i>x</i>" not in page
