"""Configuration > Services (CFG-1): list, order, active toggle, create and edit in place,
dose groups sharing one duration, attached file checked by its content."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from webapp.accounts.roles import Role
from webapp.extensions import db
from webapp.models import Service

from .config_helpers import PDF, PNG, audit_entries, service_data, upload
from .factories import make_service
from .helpers import HX, text


@pytest.fixture
def pilot(auth):
    auth.login(Role.PILOTE)
    return auth


def services_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Service))


def test_list_shows_services_in_order_with_their_state(client, pilot):
    make_service("B – 2e dose", position=2)
    make_service("A – 1re dose", position=1, active=False)
    page = client.get("/admin/config/services").get_data(as_text=True)
    assert page.index("A – 1re dose") < page.index("B – 2e dose")
    assert "Ajouter un service" in page and 'aria-checked="false"' in page


def test_create_a_service_with_every_field(client, pilot):
    second = make_service("COVID-19 – 2e dose", vaccine_group="covid-19")
    data = service_data(name_fr="COVID-19 – 1re dose", name_en="COVID-19 – 1st dose",
                        duration_minutes="15", vaccine_group=" COVID-19 ",
                        next_service_id=str(second.id), min_interval_days="56",
                        show_duration=None, rule_email="required", rule_sex="hidden")
    response = client.post("/admin/config/services/new", data=data)
    assert response.status_code == 302
    service = db.session.scalar(select(Service).where(Service.name_en == "COVID-19 – 1st dose"))
    assert service.duration_minutes == 15 and service.vaccine_group == "covid-19"
    assert service.next_service_id == second.id and service.min_interval_days == 56
    assert service.show_duration is False and service.horizon_days == 21
    assert service.instructions_fr == "Apportez votre carte."
    assert service.no_availability_en == "Full." and service.availability_fr == "Choisissez une heure."
    assert service.field_rules["email"] == "required" and service.field_rules["sex"] == "hidden"
    assert service.position == second.position + 1
    [entry] = audit_entries("service.created")
    assert entry.object_id == service.id and entry.details["after"]["name_fr"] == data["name_fr"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "créé" in page


def test_edit_in_place_with_htmx_opens_the_form_and_swaps_back_the_row(client, pilot):
    service = make_service("Zona", duration=20)
    form = client.get(f"/admin/config/services/{service.id}/edit", headers=HX)
    text = form.get_data(as_text=True)
    assert form.status_code == 200 and "<html" not in text
    assert f'id="service-{service.id}"' in text and "Enregistrer le service" in text
    assert "HX-Request" in form.headers["Vary"]
    saved = client.post(f"/admin/config/services/{service.id}/edit", headers=HX,
                        data=service_data(name_fr="Zona (zostavax)", duration_minutes="20"))
    row = saved.get_data(as_text=True)
    assert saved.status_code == 200 and f'<li id="service-{service.id}"' in row
    assert "Zona (zostavax)" in row and "Enregistré" in row and "item editing" not in row
    [entry] = audit_entries("service.updated")
    assert entry.details["changes"]["name_fr"] == ["Zona", "Zona (zostavax)"]
    cancel = client.get(f"/admin/config/services/{service.id}", headers=HX)
    assert f'<li id="service-{service.id}"' in cancel.get_data(as_text=True)
    assert client.get(f"/admin/config/services/{service.id}").status_code == 302


def test_plain_form_post_edits_and_redirects(client, pilot):
    service = make_service("Zona", duration=20)
    page = client.get(f"/admin/config/services/{service.id}/edit").get_data(as_text=True)
    assert "<html" in page and "Modifier" in page
    response = client.post(f"/admin/config/services/{service.id}/edit",
                           data=service_data(name_en="Shingles", duration_minutes="25"))
    assert response.status_code == 302 and f"#service-{service.id}" in response.headers["Location"]
    db.session.expire_all()
    assert db.session.get(Service, service.id).duration_minutes == 25


def test_new_service_with_htmx_answers_the_list_and_clears_the_form(client, pilot):
    response = client.post("/admin/config/services/new", headers=HX, data=service_data())
    text = response.get_data(as_text=True)
    assert response.headers["HX-Retarget"] == "#services-list"
    assert 'id="services-list"' in text and 'id="service-new" hx-swap-oob="true"' in text
    assert "Grippe saisonnière" in text


@pytest.mark.parametrize("field, value, message", [
    ("name_fr", "", "Entrez le nom en français."),
    ("name_en", "   ", "Entrez le nom en anglais."),
    ("name_fr", "x" * 201, "Au plus 200 caractères"),
    ("duration_minutes", "0", "La durée est de 1 à 480 minutes."),
    ("duration_minutes", "-15", "La durée est de 1 à 480 minutes."),
    ("duration_minutes", "15.5", "Entrez un nombre entier de minutes"),
    ("duration_minutes", "quinze", "Entrez un nombre entier de minutes"),
    ("duration_minutes", "", "Entrez la durée en minutes."),
    ("horizon_days", "1000", "Entre 1 et 365 jours."),
    ("min_interval_days", "2.5", "Entrez un nombre entier de jours"),
    ("next_service_id", "99999", "Choisissez un service de la liste."),
    ("rule_first_name", "hidden", "Le nom est toujours demandé"),
    ("rule_email", "sometimes", "Choisissez une des options de la liste."),
])
def test_bad_input_is_refused_next_to_the_field_and_saves_nothing(client, pilot, field, value,
                                                                  message):
    before = services_count()
    for headers in ({}, HX):
        response = client.post("/admin/config/services/new", headers=headers,
                               data=service_data(**{field: value}))
        page = text(response)
        assert response.status_code == (200 if headers else 422)
        assert message in page, page[:3000]
        assert "has-error" in page
    assert services_count() == before
    assert audit_entries("service.created") == []


def test_a_next_dose_needs_an_interval(client, pilot):
    second = make_service("2e dose")
    response = client.post("/admin/config/services/new", data=service_data(
        next_service_id=str(second.id), duration_minutes="15"))
    assert "Entrez l'intervalle minimal" in text(response)


def test_doses_of_one_group_keep_one_duration(client, pilot):
    first = make_service("1re dose", duration=15, vaccine_group="covid-19")
    second = make_service("2e dose", duration=15, vaccine_group="covid-19")
    data = service_data(name_fr="1re dose", duration_minutes="10", vaccine_group="covid-19")
    refused = client.post(f"/admin/config/services/{first.id}/edit", data=data)
    page = text(refused)
    assert refused.status_code == 422
    assert "gardent la même durée" in page and "2e dose (15 min)" in page
    assert 'name="apply_to_group"' in page
    db.session.expire_all()
    assert db.session.get(Service, first.id).duration_minutes == 15
    accepted = client.post(f"/admin/config/services/{first.id}/edit",
                           data={**data, "apply_to_group": "y"})
    assert accepted.status_code == 302
    db.session.expire_all()
    assert db.session.get(Service, first.id).duration_minutes == 10
    assert db.session.get(Service, second.id).duration_minutes == 10
    changed = {e.object_id: e.details["changes"] for e in audit_entries("service.updated")}
    assert changed[second.id] == {"duration_minutes": [15, 10]}


def test_a_next_dose_outside_the_group_must_share_the_duration_too(client, pilot):
    second = make_service("Rappel", duration=20)
    response = client.post("/admin/config/services/new", data=service_data(
        duration_minutes="15", next_service_id=str(second.id), min_interval_days="30"))
    assert "Rappel (20 min)" in text(response)


def test_move_up_and_down(client, pilot):
    a, b, c = (make_service(n, position=i) for i, n in enumerate("ABC", start=1))
    response = client.post(f"/admin/config/services/{c.id}/move", data={"direction": "up"},
                           headers=HX)
    assert 'id="services-list"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert [s.name_fr for s in db.session.scalars(select(Service).order_by(Service.position))] == [
        "A", "C", "B"]
    client.post(f"/admin/config/services/{a.id}/move", data={"direction": "up"})  # at the top
    client.post(f"/admin/config/services/{a.id}/move", data={"direction": "down"})
    db.session.expire_all()
    assert [s.name_fr for s in db.session.scalars(select(Service).order_by(Service.position))] == [
        "C", "A", "B"]
    assert client.post(f"/admin/config/services/{a.id}/move",
                       data={"direction": "sideways"}).status_code == 400
    assert len(audit_entries("service.moved")) == 2


def test_active_toggle(client, pilot):
    service = make_service("Zona")
    response = client.post(f"/admin/config/services/{service.id}/active", data={"active": "0"},
                           headers=HX)
    assert 'aria-checked="false"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Service, service.id).active is False
    assert audit_entries("service.updated")[0].details["changes"] == {"active": [True, False]}
    assert client.post(f"/admin/config/services/{service.id}/active",
                       data={"active": "maybe"}).status_code == 400
    plain = client.post(f"/admin/config/services/{service.id}/active", data={"active": "1"})
    assert plain.status_code == 302
    db.session.expire_all()
    assert db.session.get(Service, service.id).active is True


def test_unknown_service_is_404(client, pilot):
    assert client.get("/admin/config/services/999/edit").status_code == 404
    assert client.post("/admin/config/services/999/move", data={"direction": "up"}).status_code == 404


def test_html_in_a_text_is_stored_as_text_and_shown_escaped(client, pilot):
    script = '<script>alert("x")</script><b>gras</b>'
    client.post("/admin/config/services/new", data=service_data(name_fr=script,
                                                               instructions_fr=script))
    service = db.session.scalar(select(Service).where(Service.name_fr == script))
    assert service.instructions_fr == script
    for url in ("/admin/config/services", f"/admin/config/services/{service.id}/edit"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in page and "&lt;script&gt;alert" in page
        assert "<b>gras</b>" not in page


def test_attachment_is_checked_stored_served_replaced_and_removed(app, client, pilot):
    service = make_service("Zona", duration=20)
    url = f"/admin/config/services/{service.id}/edit"
    data = service_data(duration_minutes="20", attachment=upload(PDF, "Consignes été 2021.pdf"))
    assert client.post(url, data=data).status_code == 302
    db.session.expire_all()
    service = db.session.get(Service, service.id)
    assert service.attachment_name == "Consignes été 2021.pdf"
    first = Path(app.config["UPLOAD_FOLDER"]) / service.attachment_path
    assert first.read_bytes() == PDF and "Consignes" not in service.attachment_path
    served = client.get(f"/admin/config/services/{service.id}/attachment")
    assert served.status_code == 200 and served.data == PDF
    assert served.mimetype == "application/pdf" and "attachment" in served.headers[
        "Content-Disposition"]
    client.post(url, data=service_data(duration_minutes="20", attachment=upload(PNG, "carte.png")))
    db.session.expire_all()
    service = db.session.get(Service, service.id)
    assert service.attachment_name == "carte.png" and not first.exists()
    assert client.get(f"/admin/config/services/{service.id}/attachment").mimetype == "image/png"
    second = Path(app.config["UPLOAD_FOLDER"]) / service.attachment_path
    client.post(url, data=service_data(duration_minutes="20", remove_attachment="y"))
    db.session.expire_all()
    assert db.session.get(Service, service.id).attachment_path is None and not second.exists()
    assert client.get(f"/admin/config/services/{service.id}/attachment").status_code == 404
    changes = [e.details["changes"] for e in audit_entries("service.updated")]
    assert changes[0]["attachment_name"] == [None, "Consignes été 2021.pdf"]


@pytest.mark.parametrize("content, name, message", [
    (b"MZ\x90\x00 this is a program", "consignes.pdf", "ni un PDF ni une image"),
    (b"<html><script>alert(1)</script></html>", "page.png", "ni un PDF ni une image"),
    (PDF, "../../etc/consignes.pdf", "chemin de dossier"),
    (PDF, "C:\\Users\\marie\\consignes.pdf", "chemin de dossier"),
    (b"", "vide.pdf", "Le fichier est vide."),
    (PDF + b"0" * (3 * 1024 * 1024), "gros.pdf", "trop volumineux"),
])
def test_bad_attachment_is_refused_and_nothing_is_stored(app, client, pilot, content, name,
                                                         message):
    service = make_service("Zona", duration=20)
    for headers in ({}, HX):
        response = client.post(f"/admin/config/services/{service.id}/edit", headers=headers,
                               data=service_data(name_fr="Changé", duration_minutes="20",
                                                 attachment=upload(content, name)))
        assert message in text(response)
    db.session.expire_all()
    service = db.session.get(Service, service.id)
    assert service.attachment_path is None and service.name_fr == "Zona"
    folder = Path(app.config["UPLOAD_FOLDER"]) / "services"
    assert not folder.exists() or not any(folder.iterdir())


def test_english_messages_for_an_english_user(client, pilot):
    client.post("/lang", data={"lang": "en"})
    response = client.post("/admin/config/services/new", data=service_data(
        name_en="", duration_minutes="7.5"))
    page = text(response)
    assert "Enter the name in English." in page
    assert "Enter a whole number of minutes, for example 15." in page
