"""The association rules: a team is bookable only where associated with location and service."""
from __future__ import annotations

import pytest

from webapp.extensions import db
from webapp.models import EligibilityAnswer, EligibilityQuestion
from webapp.organization import associations
from webapp.organization.associations import AssociationError, set_association

from .factories import make_location, make_service, make_team


@pytest.fixture
def world(app):
    a, b = make_location("A"), make_location("B", position=2)
    dose1, dose2 = make_service("Dose 1"), make_service("Dose 2", position=2)
    return a, b, dose1, dose2


def test_a_team_serves_only_where_associated_with_both(world):
    a, b, dose1, dose2 = world
    team = make_team("T", [a], [dose1])
    assert associations.team_serves(team, a, dose1)
    assert not associations.team_serves(team, b, dose1)
    assert not associations.team_serves(team, a, dose2)
    assert associations.teams_for(a, dose1) == [team]
    assert associations.teams_for(b, dose1) == []


def test_all_locations_and_all_services(world):
    a, b, dose1, dose2 = world
    team = make_team("T", all_locations=True, all_services=True)
    assert all(associations.team_serves(team, loc, s) for loc in (a, b) for s in (dose1, dose2))
    assert associations.services_for(team, b) == [dose1, dose2]
    assert associations.locations_of(team) == [a, b]


def test_inactive_team_location_or_service_is_never_bookable(world):
    a, _b, dose1, _dose2 = world
    team = make_team("T", [a], [dose1])
    for obj in (team, a, dose1):
        obj.active = False
        db.session.commit()
        assert associations.teams_for(a, dose1) == []
        assert associations.services_for(team, a) == []
        obj.active = True
        db.session.commit()
    assert associations.teams_for(a, dose1) == [team]


def test_services_for_a_location_the_team_does_not_work_at(world):
    a, b, dose1, dose2 = world
    team = make_team("T", [a], [dose1, dose2])
    assert associations.services_for(team, a) == [dose1, dose2]
    assert associations.services_for(team, b) == []


def test_teams_for_keeps_the_display_order(world):
    a, _b, dose1, _dose2 = world
    second = make_team("Second", [a], [dose1], position=2)
    first = make_team("First", [a], [dose1], position=1)
    assert associations.teams_for(a, dose1) == [first, second]


def _question(service, *answers):
    question = EligibilityQuestion(text_fr="Groupe?", text_en="Group?", answers=[
        EligibilityAnswer(text_fr=text, text_en=text, eligible=eligible, position=i)
        for i, (text, eligible) in enumerate(answers)])
    service.questions.append(question)
    db.session.commit()
    return question


def test_answers_served_none_ticked_means_all(world):
    a, _b, dose1, _dose2 = world
    question = _question(dose1, ("Health worker", True), ("70+", True), ("Other", False))
    worker, senior, _other = question.answers
    everyone = make_team("Everyone", [a], [dose1])
    seniors = make_team("Seniors", [a], [dose1])
    seniors.answers = [senior]
    db.session.commit()
    assert associations.teams_for(a, dose1, [worker]) == [everyone]
    assert associations.teams_for(a, dose1, [senior.id]) == [everyone, seniors]
    assert associations.teams_for(a, dose1) == [everyone, seniors]  # no answers given yet


def test_answers_restrict_per_question(world):
    a, _b, dose1, _dose2 = world
    q1 = _question(dose1, ("Yes", True), ("Maybe", True))
    q2 = _question(dose1, ("Red", True), ("Blue", True))
    team = make_team("T", [a], [dose1])
    team.answers = [q1.answers[0]]  # restricted on q1 only; q2 all answers
    db.session.commit()
    assert associations.team_serves(team, a, dose1, [q1.answers[0], q2.answers[1]])
    assert not associations.team_serves(team, a, dose1, [q1.answers[1], q2.answers[0]])


def test_set_association_replaces_and_drops_answers_of_services_not_given(world):
    a, b, dose1, dose2 = world
    question = _question(dose1, ("Yes", True), ("Also", True))
    team = make_team("T", [a], [dose2])
    set_association(team, all_locations=False, location_ids=[b.id], all_services=False,
                    service_ids=[dose2.id], answer_ids=[question.answers[0].id])
    assert team.locations == [b] and team.services == [dose2] and team.answers == []
    set_association(team, all_locations=True, location_ids=[], all_services=False,
                    service_ids=[dose1.id], answer_ids=[question.answers[0].id])
    assert team.all_locations and team.answers == [question.answers[0]]


@pytest.mark.parametrize("field", ["locations", "services", "answers"])
def test_set_association_refuses_unknown_ids_and_changes_nothing(world, field):
    a, _b, dose1, _dose2 = world
    team = make_team("T", [a], [dose1])
    ids = {"locations": [], "services": [], "answers": []}
    ids[field] = [9999]
    with pytest.raises(AssociationError) as raised:
        set_association(team, all_locations=False, location_ids=ids["locations"],
                        all_services=False, service_ids=ids["services"],
                        answer_ids=ids["answers"])
    assert raised.value.field == field
    assert team.locations == [a] and team.services == [dose1]


def test_set_association_refuses_a_non_eligible_answer(world):
    a, _b, dose1, _dose2 = world
    question = _question(dose1, ("Yes", True), ("No", False))
    team = make_team("T", [a], [dose1])
    with pytest.raises(AssociationError):
        set_association(team, all_locations=False, location_ids=[a.id], all_services=False,
                        service_ids=[dose1.id], answer_ids=[question.answers[1].id])


def test_warnings_name_short_locations_and_unassociated_teams(world):
    a, b, dose1, dose2 = world
    dose1.next_service = dose2  # two teams, one for each dose, only for a multi-dose service
    make_team("A1", [a], [dose1])
    make_team("A2", [a], [dose1])
    make_team("B1", [b], [dose1])
    make_team("Flu", [make_location("C", position=3)], [dose2])
    lonely = make_team("Nowhere", [], [dose1])
    make_team("Off", [], [], active=False)
    found = associations.warnings()
    assert [(loc.name_fr, n) for loc, n in found.short_locations] == [("B", 1)]
    assert [t.name for t in found.teams_without_location] == [lonely.name]
    assert [t.name for t in found.teams_without_service] == []
    assert found
