"""Configuration › Personal data: the retention period, the next anonymisation, one person's
data exported or erased on request (Québec's Law 25); Pilot only, audited."""
from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from webapp import statistics as st
from webapp.accounts.roles import Role
from webapp.booking.patients import identity_key
from webapp.extensions import db
from webapp.models import Appointment, AuditLog, Message, Organization, Patient, utcnow
from webapp.operations import next_run, preview

from .factories import make_world, take_places
from .helpers import text

URL = "/admin/config/personal-data"


@pytest.fixture
def pilot(client, auth):
    auth.login(Role.PILOTE)
    return client


def people(days_ago: list[int]) -> list[Appointment]:
    """One person per appointment, each `days_ago` days in the past (negative: to come)."""
    world = make_world(days_ahead=1, per_slot=10)
    made = take_places(world.slots[0], world.service, count=len(days_ago), comment="allergie")
    for n, (appointment, ago) in enumerate(zip(made, days_ago, strict=True)):
        appointment.starts_at = utcnow() - timedelta(days=ago)
        patient = appointment.patient
        patient.first_name, patient.last_name = "Léa", f"Roy{'x' * n}"
        patient.birth_date, patient.postal_code = date(1948, 5, 12), "G8B 1M4"
        patient.identity_key = identity_key(patient.last_name, patient.first_name,
                                            patient.birth_date)
        db.session.add(Message(appointment_id=appointment.id, kind="confirmation",
                               channel="email", recipient="lea@example.org",
                               subject="Rendez-vous", body="Bonjour Léa Roy"))
    db.session.commit()
    return made


def actions(name: str) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditLog)
                             .where(AuditLog.action == name)) or 0


def test_only_a_pilot_sees_the_screen(client, auth, app):
    auth.login(Role.GESTION1)
    assert client.get(URL).status_code == 403
    assert client.post(URL + "/period", data={"retention_days": "90"}).status_code in (400, 403)
    assert db.session.get(Organization, 1).retention_days == 365


def test_the_period_is_set_within_a_sane_range_and_audited(pilot, app):
    page = text(pilot.get(URL))
    assert "Données personnelles" in page and 'value="365"' in page
    for bad, message in (("abc", "Entrez un nombre entier de jours"),
                         ("5", "Entre 30 et 3650 jours"),
                         ("99999999999999999999", "Entrez un nombre entier de jours"),
                         ("", "Entrez un nombre de jours")):
        response = pilot.post(URL + "/period", data={"retention_days": bad})
        assert response.status_code == 422 and message in text(response), bad
    assert db.session.get(Organization, 1).retention_days == 365
    assert actions("retention.period_changed") == 0
    response = pilot.post(URL + "/period", data={"retention_days": "90"}, follow_redirects=True)
    assert "conservées 90 jours" in text(response)
    assert db.session.get(Organization, 1).retention_days == 90
    assert actions("retention.period_changed") == 1


def test_the_next_run_says_when_and_how_many(pilot, app):
    people([400, 380, 10])
    soon = preview()
    assert (soon.patients, soon.appointments) == (2, 2)
    assert soon.at == next_run() and soon.at.hour == 3 and soon.at > datetime.now(UTC)
    assert next_run(datetime(2026, 3, 1, 2, 0, tzinfo=UTC)) == datetime(2026, 3, 1, 3, 15,
                                                                        tzinfo=UTC)
    assert next_run(datetime(2026, 3, 1, 4, 0, tzinfo=UTC)) == datetime(2026, 3, 2, 3, 15,
                                                                        tzinfo=UTC)
    page = text(pilot.get(URL))
    assert "Elle anonymisera 2 personnes (2 rendez-vous)." in page
    pilot.set_cookie("lang", "en")
    english = text(pilot.get(URL))
    assert "It will anonymise 2 people (2 appointments)." in english
    assert "Next anonymisation:" in english and "Retention period" in english


def test_a_person_found_exported_and_erased_with_the_statistics_unchanged(pilot, app):
    (past, other) = people([5, 6])
    past.coupon = "ACD3EF"
    db.session.commit()
    filters = st.Filters(date.today() - timedelta(days=30), date.today() + timedelta(days=1))
    before = st.report(filters)
    found = text(pilot.get(URL, query_string={"coupon": "acd-3ef"}))
    assert "Léa Roy" in found and "Royx" not in found
    by_name = text(pilot.get(URL, query_string={"last_name": "ROY", "first_name": "lea",
                                                "birth_date": "12/05/1948"}))
    assert "Léa Roy" in by_name and "Léa Royx" not in by_name
    assert actions("access.person_search") == 2
    missing = text(pilot.get(URL, query_string={"last_name": "Roy"}))
    assert "ou un numéro de confirmation" in missing
    bad_date = text(pilot.get(URL, query_string={"last_name": "Roy", "first_name": "Léa",
                                                 "birth_date": "31/02/1948"}))
    assert "Inscrivez une date comme 12/05/1948" in bad_date

    export = pilot.get(f"{URL}/people/{past.patient_id}/export")
    assert export.status_code == 200 and "attachment" in export.headers["Content-Disposition"]
    data = json.loads(export.get_data(as_text=True))
    assert data["patient"]["last_name"] == "Roy"
    assert data["appointments"][0]["coupon"] == past.coupon
    assert data["messages"][0]["body"] == "Bonjour Léa Roy"
    assert actions("access.person_export") == 1

    dialog = text(pilot.get(f"{URL}/people/{past.patient_id}/erase",
                            headers={"HX-Request": "true"}))
    assert "Effacer les données personnelles de Léa Roy?" in dialog
    assert "1 rendez-vous reste" in dialog and "1 message perd" in dialog
    assert db.session.get(Patient, past.patient_id).last_name == "Roy"  # a GET changes nothing

    done = pilot.post(f"{URL}/people/{past.patient_id}/erase", follow_redirects=True)
    assert "Données personnelles effacées" in text(done)
    db.session.expire_all()
    erased = db.session.get(Patient, past.patient_id)
    assert (erased.first_name, erased.last_name, erased.birth_date) == ("", "", None)
    assert db.session.get(Patient, other.patient_id).last_name == "Royx"
    assert actions("retention.erased") == 1
    after = st.report(filters)
    assert vars(after.total) == vars(before.total)
    assert [(s.id, vars(c)) for s, c in after.by_service] == \
        [(s.id, vars(c)) for s, c in before.by_service]
    # Gone: not found again, no export, no second erasure.
    assert "Aucune personne trouvée" in text(pilot.get(URL, query_string={"coupon": past.coupon}))
    assert pilot.get(f"{URL}/people/{past.patient_id}/export").status_code == 404
    assert pilot.post(f"{URL}/people/{past.patient_id}/erase").status_code == 404


def test_erasure_is_refused_while_an_appointment_is_to_come(pilot, app):
    (coming,) = people([-3])
    dialog = text(pilot.get(f"{URL}/people/{coming.patient_id}/erase"))
    assert "annulez-le d'abord" in dialog and "Effacer définitivement" not in dialog
    response = pilot.post(f"{URL}/people/{coming.patient_id}/erase")
    assert "annulez-le d'abord" in text(response)
    assert db.session.get(Patient, coming.patient_id).first_name == "Léa"
    assert actions("retention.erased") == 0


def test_hostile_ids_are_refused_without_a_500(pilot, app):
    for path in ("/people/99999999999999999999999/export", "/people/abc/erase",
                 "/people/0/erase", "/people/-1/export"):
        assert pilot.get(URL + path).status_code == 404, path
    assert pilot.get(URL, query_string={"coupon": "\x00" * 3, "birth_date": "x" * 100_000}) \
        .status_code == 200
