"""The configuration's domain modules called directly, as the views, the CLI and the demo do:
each validates, saves and audits through `organization.changes`; a refusal changes nothing.
Also the htmx answer helper that merges triggers."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from flask import Response
from sqlalchemy import select

from webapp.extensions import db
from webapp.htmx import trigger
from webapp.models import AuditLog, EligibilityQuestion, Location, Organization
from webapp.organization import (
    Refused,
    changes,
    communications,
    locations,
    public_page,
    questions,
    services,
    uploads,
)

from .config_helpers import PNG, location_data, service_data
from .factories import make_service


def entries(action: str) -> list[AuditLog]:
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action == action)))


def test_snapshots_copy_containers_and_write_dates_as_text():
    class Thing:
        rules = {"email": "optional"}
        day = date(2030, 2, 15)
        tags = {"b", "a"}
        answers = [["Oui", "Yes", True]]

    before = changes.snapshot(Thing, ("rules", "day", "tags", "answers"))
    Thing.rules["email"] = "required"
    assert before == {"rules": {"email": "optional"}, "day": "2030-02-15", "tags": ["a", "b"],
                      "answers": [["Oui", "Yes", True]]}
    assert changes.diff(before, changes.snapshot(Thing, ("rules", "day"))) == {
        "rules": [{"email": "optional"}, {"email": "required"}]}


def test_apply_records_only_what_changed_in_the_one_vocabulary(app):
    service = make_service("Zona", duration=20)
    assert changes.apply("service.updated", service, {"name_fr": "Zona", "active": True}) == {}
    changes.apply("service.updated", service, {"name_fr": "Zona", "duration_minutes": 25})
    db.session.commit()
    [entry] = entries("service.updated")
    assert entry.details == {"changes": {"duration_minutes": [20, 25]}}


def test_a_refused_change_raises_with_its_field_and_changes_nothing(app):
    first = make_service("1re dose", duration=15, vaccine_group="covid-19")
    second = make_service("2e dose", duration=15, vaccine_group="covid-19")
    data = {k: v for k, v in service_data(duration_minutes=10).items() if not k.startswith("rule")}
    data.update(duration_minutes=10, horizon_days=21, min_interval_days=None, show_duration=True,
                vaccine_group="COVID-19", next_service_id=None, field_rules=first.field_rules)
    with app.test_request_context(), pytest.raises(services.ServiceError) as refused:
        services.update_service(first, data)
    assert refused.value.field == "duration_minutes" and refused.value.partners == [second]
    assert isinstance(refused.value, Refused)
    assert first.duration_minutes == 15 and entries("service.updated") == []
    with app.test_request_context():
        services.update_service(first, data, apply_to_group=True)
    assert (first.duration_minutes, second.duration_minutes) == (10, 10)
    assert {e.object_id for e in entries("service.updated")} == {first.id, second.id}


def test_locations_are_placed_by_their_postal_code_and_refused_when_unknown(app):
    with app.test_request_context():
        location = locations.create_location(location_data(postal_code="g8b 3r1"))
        with pytest.raises(locations.LocationError) as refused:
            locations.update_location(location, location_data(postal_code="X0X 0X0"))
    assert refused.value.field == "postal_code" and location.postal_code == "G8B 3R1"
    assert location.latitude is not None
    [entry] = entries("location.created")
    assert entry.details["after"]["postal_code"] == "G8B 3R1"
    assert db.session.scalars(select(Location)).all() == [location]


def test_question_rules_and_answer_ids(app):
    service = make_service()
    yes_no = {"text_fr": "Q?", "text_en": "Q?", "answers": [
        {"text_fr": "Oui", "text_en": "Yes", "eligible": True},
        {"text_fr": "Non", "text_en": "No", "eligible": False}]}
    with app.test_request_context():
        question = questions.create_question(service, yes_no)
        for answers in ([yes_no["answers"][0]],
                        [{**a, "eligible": False} for a in yes_no["answers"]],
                        [{"id": "99999", "text_fr": "x", "text_en": "x", "eligible": True},
                         *yes_no["answers"]]):
            with pytest.raises(questions.QuestionError) as refused:
                questions.update_question(question, {**yes_no, "answers": answers})
            assert refused.value.field == "answers"
        yes, no = question.answers
        questions.update_question(question, {**yes_no, "answers": [
            {"id": str(no.id), "text_fr": "Non", "text_en": "No", "eligible": True},
            {"id": str(yes.id), "remove": True, "text_fr": "", "text_en": "", "eligible": False},
            {"text_fr": "Peut-être", "text_en": "Maybe", "eligible": False}]})
    db.session.commit()
    assert [(a.id == no.id, a.text_fr, a.position) for a in question.answers] == [
        (True, "Non", 1), (False, "Peut-être", 2)]
    [entry] = entries("question.updated")
    assert entry.details["changes"]["answers"] == [
        [["Oui", "Yes", True], ["Non", "No", False]],
        [["Non", "No", True], ["Peut-être", "Maybe", False]]]
    questions.delete_question(question)
    db.session.commit()
    assert db.session.scalars(select(EligibilityQuestion)).all() == []
    assert entries("question.deleted")[0].details["before"]["text_fr"] == "Q?"


def test_a_message_without_a_channel_cannot_be_turned_on(app):
    with app.test_request_context():
        setting = communications.setting_for("reminder_1")
        communications.update_setting(setting, {"active": False, "hours": 24, "by_sms": False,
                                                "by_email": False})
        with pytest.raises(communications.CommunicationError):
            communications.set_active(setting, True)
    assert setting.active is False
    with pytest.raises(KeyError):
        communications.setting_for("reminder_9")


def test_a_replaced_logo_is_deleted_only_once_the_change_is_committed(app):
    org = db.session.get(Organization, 1)
    texts = {"name_fr": "Pharmacie", "name_en": "Pharmacy"}
    public_page.update_public_page(org, texts, logo=uploads.Upload("a.png", "png", PNG))
    db.session.commit()
    first = Path(app.config["UPLOAD_FOLDER"]) / org.logo_path
    public_page.update_public_page(org, texts, logo=uploads.Upload("b.png", "png", PNG))
    db.session.rollback()
    db.session.commit()  # a later commit of something else
    assert first.exists()  # the replacement was rolled back: the page still shows this logo
    public_page.update_public_page(org, texts, remove_logo=True)
    assert first.exists()
    db.session.commit()
    assert not first.exists() and org.logo_path is None


def test_triggers_add_up_in_one_json_header():
    response = trigger(Response(), "resources-changed")
    trigger(response, "close-dialog", shown={"id": 3})
    assert json.loads(response.headers["HX-Trigger"]) == {
        "resources-changed": {}, "close-dialog": {}, "shown": {"id": 3}}
