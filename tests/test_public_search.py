"""Finding the nearest location by postal code (PUB-1) and a location's page (PUB-2)."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from webapp.extensions import db
from webapp.models import Organization, Team
from webapp.timeutil import local_today

from .factories import make_block, make_location, make_service, make_team
from .helpers import text


def _setup():
    service = make_service(no_availability_fr="Revenez demain.")
    alma = make_location("Pharmacie Alma", "G8B 1M4", latitude=48.5468, longitude=-71.6399)
    montreal = make_location("Pharmacie Montréal", "H2X 1Y4", latitude=45.5122,
                             longitude=-73.5673)
    elsewhere = make_location("Sans équipe", "G8B 3R1")
    make_team("A", locations=[alma, montreal], services=[service])
    return service, alma, montreal, elsewhere


def test_home_lists_services_offered(client):
    service, *_ = _setup()
    page = client.get("/").get_data(as_text=True)
    assert "Code postal" in page and service.name_fr in page


def test_nearest_locations_first_with_distance_and_area(client):
    service, alma, montreal, elsewhere = _setup()
    response = client.get("/find", query_string={"service": service.id,
                                                 "postal_code": "g8b1m4"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "près d&#39;Alma Sud-Est (G8B)" in page
    assert re.search(r"<title>[^<]+ près de G8B · ", page)
    assert page.index("Pharmacie Alma") < page.index("Pharmacie Montréal")
    assert "Sans équipe" not in page  # no team offers the service there
    assert "Dans votre secteur" in page and "0,0 km" not in page  # the same area
    assert "Revenez demain." in page  # no availability yet: said, not hidden


def test_search_accepts_spacing_and_a_lone_fsa(client):
    service, *_ = _setup()
    for code in (" G8B  1M4 ", "g8b"):
        response = client.get("/find", query_string={"service": service.id, "postal_code": code})
        assert response.status_code == 200 and "Pharmacie Alma" in response.get_data(as_text=True)


def test_malformed_and_unknown_postal_codes_are_explained(client):
    service, *_ = _setup()
    bad = client.get("/find", query_string={"service": service.id, "postal_code": "12345"})
    assert bad.status_code == 400 and "Un code postal a 6 caractères" in text(bad)
    unknown = client.get("/find", query_string={"service": service.id, "postal_code": "G1Z 1A1"})
    assert unknown.status_code == 400 and "Aucun secteur ne correspond" in text(unknown)
    client.post("/lang", data={"lang": "en"})
    bad = client.get("/find", query_string={"service": service.id, "postal_code": "<script>"})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "A postal code has 6 characters" in page
    assert "<script>" not in page


def test_unknown_service_or_garbage_is_a_clear_400(client):
    _setup()
    for query in ({"service": "999", "postal_code": "G8B 1M4"},
                  {"service": "abc", "postal_code": "G8B 1M4"}, {}):
        response = client.get("/find", query_string=query)
        assert response.status_code == 400


def test_location_page_shows_messages_and_the_transitional_text(client):
    service, alma, montreal, elsewhere = _setup()
    org = db.session.get(Organization, 1)
    org.popup_fr, org.welcome_fr = "Apportez votre carte.", "Bienvenue!"
    org.transitional_fr = "Réservation fermée pour la nuit."
    alma.message_fr = "Entrée par l'arrière."
    db.session.commit()
    page = text(client.get(f"/location/{alma.id}/{service.id}"))
    for said in ("Apportez votre carte.", "Bienvenue!", "Entrée par l'arrière.",
                 "Réservation fermée pour la nuit."):
        assert said in page
    assert "<dialog open" in page
    again = text(client.get(f"/location/{alma.id}/{service.id}"))
    assert "Entrée par l'arrière." in again and "<dialog" not in again  # once per session


def test_location_page_404_for_unknown_or_unoffered(client):
    service, alma, montreal, elsewhere = _setup()
    assert client.get(f"/location/{elsewhere.id}/{service.id}").status_code == 404
    assert client.get(f"/location/9999/{service.id}").status_code == 404
    assert client.get("/location/abc/1").status_code == 404


def test_text_fields_are_escaped(client):
    service, alma, *_ = _setup()
    alma.message_fr = "<script>alert(1)</script>"
    db.session.commit()
    page = client.get(f"/location/{alma.id}/{service.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_only_open_future_places_count_as_availability(client):
    service, alma, montreal, elsewhere = _setup()
    db.session.get(Organization, 1).online_booking_open = True
    team = db.session.scalar(db.select(Team).where(Team.name == "A"))
    day = local_today() + timedelta(days=2)
    make_block(alma, team, [service], day, "09:00", "12:00", online_open=False)
    make_block(montreal, team, [service], day, "13:00", "16:00")  # one team, one place at a time
    page = text(client.get("/find", query_string={"service": service.id,
                                                  "postal_code": "G8B 1M4"}))
    alma_part = page[page.index("Pharmacie Alma"):page.index("Pharmacie Montréal")]
    assert "Revenez demain." in alma_part  # locked online: no availability for citizens
    assert "Prendre rendez-vous à Pharmacie Montréal" in page


@pytest.mark.parametrize("typed, message", [
    ("123", "Un code postal a 6 caractères"),
    ("G8B1M", "Un code postal a 6 caractères"),
    ("Z9Z 9Z9", "Aucun code postal canadien ne commence par Z9Z"),
    ("H0H 0H0", "Aucun secteur ne correspond à ce code postal"),
    ("G1Z 1A1", "Aucun secteur ne correspond à ce code postal"),
])
def test_postal_code_messages_say_what_is_wrong(client, typed, message):
    service, *_ = _setup()
    response = client.get("/find", query_string={"service": service.id, "postal_code": typed})
    assert response.status_code == 400
    assert message in text(response)
    assert "comme ceci" not in text(response)


def test_postal_code_with_a_hyphen_and_area_names_in_english(client):
    service, *_ = _setup()
    client.post("/lang", data={"lang": "en"})
    response = client.get("/find", query_string={"service": service.id,
                                                 "postal_code": "G8B-1M4"})
    assert response.status_code == 200
    assert "Results near Alma Southeast (G8B)" in text(response)
