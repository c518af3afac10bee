"""The readiness checklist (CFG-9) computed from the configuration."""
from __future__ import annotations

import pytest
from flask_babel import force_locale

from webapp.accounts.roles import Role
from webapp.extensions import db
from webapp.models import CommunicationSetting, EligibilityAnswer, EligibilityQuestion
from webapp.organization import checklist

from .factories import make_location, make_team, make_user
from .ready_planner import make_ready_planner


def states(result):
    return {item.key: item.state for section in result.sections for item in section.items}


def flagged(result):
    return {item.key for _section, item in result.flagged}


def test_an_empty_planner_is_not_ready(app):
    result = checklist.build()
    assert not result.ready
    assert {"service_active", "location_active", "management", "reminder_1", "reminder_2",
            "welcome"} <= flagged(result)


def test_a_complete_planner_is_ready(app):
    make_ready_planner()
    result = checklist.build()
    assert result.ready, [(s.title, i.label, i.details) for s, i in result.flagged]
    assert states(result)["online_booking"] == checklist.INFO
    # "If applicable" items are suggestions, never flags.
    assert states(result)["attachment"] == checklist.REVIEW
    assert states(result)["popup"] == checklist.REVIEW


def _english_instructions(data):
    data["services"][0].instructions_en = ""


def _one_team(data):
    data["teams"][1].active = False


def _team_without_service(data):
    make_team("Équipe C", [data["location"]], [])


def _no_manager(data):
    data["manager"].active = False


def _reminder_off(data):
    db.session.query(CommunicationSetting).filter_by(kind="reminder_2").one().active = False


def _no_channel(data):
    setting = db.session.query(CommunicationSetting).filter_by(kind="reminder_1").one()
    setting.by_sms = setting.by_email = False


def _welcome_english(data):
    data["org"].welcome_en = " "


def _closed_without_transitional(data):
    data["org"].online_booking_open = False
    data["org"].transitional_fr = ""


def _durations_differ(data):
    data["services"][1].duration_minutes = 10


def _names_hidden(data):
    rules = dict(data["services"][0].field_rules)
    rules["last_name"] = "optional"
    data["services"][0].field_rules = rules


def _location_without_coordinates(data):
    data["location"].latitude = None


def _location_without_teams(data):
    make_location("Pharmacie B")


def _question_without_eligible_answer(data):
    data["services"][0].questions.append(EligibilityQuestion(
        text_fr="Q", text_en="Q", answers=[EligibilityAnswer(text_fr="Non", text_en="No",
                                                             eligible=False)]))


def _answer_served_by_nobody(data):
    question = EligibilityQuestion(text_fr="Groupe", text_en="Group", answers=[
        EligibilityAnswer(text_fr="A", text_en="A", eligible=True),
        EligibilityAnswer(text_fr="B", text_en="B", eligible=True)])
    data["services"][0].questions.append(question)
    db.session.flush()
    for team in data["teams"]:
        team.answers = [question.answers[0]]


def _team_role_without_team(data):
    make_user(Role.GESTION3, "nurse@test.example")


@pytest.mark.parametrize("breaks, key", [
    (_english_instructions, "instructions"),
    (_one_team, "two_teams"),
    (_team_without_service, "team_associations"),
    (_no_manager, "management"),
    (_reminder_off, "reminder_2"),
    (_no_channel, "channels"),
    (_welcome_english, "welcome"),
    (_closed_without_transitional, "transitional"),
    (_durations_differ, "same_duration"),
    (_names_hidden, "patient_fields"),
    (_location_without_coordinates, "coordinates"),
    (_location_without_teams, "location_services"),
    (_question_without_eligible_answer, "questions"),
    (_answer_served_by_nobody, "answers_served"),
    (_team_role_without_team, "roles"),
])
def test_each_missing_piece_is_flagged_alone(app, breaks, key):
    data = make_ready_planner()
    breaks(data)
    db.session.commit()
    result = checklist.build()
    assert flagged(result) == (key if isinstance(key, set) else {key})
    assert not result.ready
    item = next(i for _s, i in result.flagged)
    assert item.details, "a flagged item says what is missing"


def test_flagged_details_name_what_is_missing(app):
    data = make_ready_planner()
    data["services"][0].instructions_en = ""
    db.session.commit()
    with force_locale("fr_CA"):
        item = next(i for _s, i in checklist.build().flagged)
        assert item.details == ["Dose 1 : le texte anglais manque"]


def test_each_section_names_the_screen_that_fixes_it(app):
    endpoints = {s.key: s.endpoint for s in checklist.build().sections}
    assert endpoints == {"services": "config.services", "locations": "config.locations",
                         "resources": "config.resources",
                         "communications": "config.communications",
                         "public": "config.public_page"}


@pytest.mark.parametrize(("kind", "hours", "state"), [
    ("reminder_1", 48, checklist.OK),
    ("reminder_1", 12, checklist.REVIEW),  # 12 h before 15:00 goes out at 03:00
    ("followup_cancelled", 2, checklist.OK),  # a little later the same day (guide §2.5)
    ("followup_absent", 10, checklist.REVIEW),
])
def test_only_delays_that_send_at_night_are_to_review(app, kind, hours, state):
    make_ready_planner()
    setting = db.session.query(CommunicationSetting).filter_by(kind=kind).one()
    setting.active, setting.hours, setting.by_sms, setting.by_email = True, hours, True, True
    db.session.commit()
    assert states(checklist.build())["whole_days"] == state
