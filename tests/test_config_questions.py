"""Configuration > eligibility questions of a service (CFG-2)."""
from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from webapp.accounts.roles import Role
from webapp.extensions import db
from webapp.models import EligibilityAnswer, EligibilityQuestion

from .config_helpers import audit_entries
from .factories import make_service, make_team
from .helpers import HX, text


@pytest.fixture
def pilot(auth):
    auth.login(Role.PILOTE)
    return auth


def question_data(text_fr: str = "Avez-vous 18 ans ou plus?", text_en: str = "Are you 18 or older?",
                  answers: tuple[tuple[Any, ...], ...] = (("Oui", "Yes", True),
                                                          ("Non", "No", False)),
                  **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"text_fr": text_fr, "text_en": text_en}
    for i, answer in enumerate(answers):
        if isinstance(answer[0], str):  # (fr, en, eligible) is a new answer
            answer = (None, *answer)
        answer_id, fr, en, eligible, *remove = answer
        data[f"answers-{i}-answer_id"] = str(answer_id or "")
        data[f"answers-{i}-text_fr"], data[f"answers-{i}-text_en"] = fr, en
        if eligible:
            data[f"answers-{i}-eligible"] = "y"
        if remove and remove[0]:
            data[f"answers-{i}-remove"] = "y"
    data.update(extra)
    return data


def make_question(service, text="Êtes-vous enceinte?", position=1):
    question = EligibilityQuestion(text_fr=text, text_en=text + " (en)", position=position,
                                   answers=[EligibilityAnswer(text_fr="Oui", text_en="Yes",
                                                              eligible=False, position=1),
                                            EligibilityAnswer(text_fr="Non", text_en="No",
                                                              eligible=True, position=2)])
    service.questions.append(question)
    db.session.commit()
    return question


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_new_question_form_offers_yes_and_no(client, pilot):
    service = make_service()
    page = client.get(f"/admin/config/services/{service.id}/questions/new").get_data(as_text=True)
    assert 'value="Oui"' in page and 'value="Non"' in page and 'value="Yes"' in page


def test_add_a_question_with_its_answers(client, pilot):
    service = make_service()
    page = client.get(f"/admin/config/services/{service.id}/questions").get_data(as_text=True)
    assert "Aucune question" in page
    response = client.post(f"/admin/config/services/{service.id}/questions/new",
                           data=question_data(answers=(("Oui", "Yes", True), ("Non", "No", False),
                                                       ("", "", False))))
    assert response.status_code == 302
    [question] = db.session.scalars(select(EligibilityQuestion)).all()
    assert question.service_id == service.id and question.text_en == "Are you 18 or older?"
    assert [(a.text_fr, a.eligible, a.position) for a in question.answers] == [
        ("Oui", True, 1), ("Non", False, 2)]
    [entry] = audit_entries("question.created")
    assert entry.details["after"]["answers"] == [["Oui", "Yes", True], ["Non", "No", False]]
    page = client.get(f"/admin/config/services/{service.id}/questions").get_data(as_text=True)
    assert "Admissible" in page and "Non admissible" in page


def test_add_with_htmx_answers_the_list(client, pilot):
    service = make_service()
    response = client.post(f"/admin/config/services/{service.id}/questions/new", headers=HX,
                           data=question_data())
    assert response.headers["HX-Retarget"] == "#questions-list"
    text = response.get_data(as_text=True)
    assert 'id="question-new" hx-swap-oob="true"' in text and "Avez-vous 18 ans" in text


def test_add_an_answer_row_saves_nothing(client, pilot):
    service = make_service()
    response = client.post(f"/admin/config/services/{service.id}/questions/new",
                           data=question_data(add_answer="Ajouter une réponse"))
    assert response.status_code == 200
    assert 'name="answers-2-text_fr"' in response.get_data(as_text=True)
    assert count(EligibilityQuestion) == 0


def test_edit_answers_keeps_their_ids_adds_and_removes(client, pilot):
    service = make_service()
    question = make_question(service)
    yes, no = question.answers
    team = make_team(services=[service])
    team.answers.append(yes)
    db.session.commit()
    data = question_data(text_fr="Êtes-vous enceinte ou allaitez-vous?", answers=(
        (yes.id, "Oui", "Yes", False), (no.id, "Non", "No", True, True),
        ("Je ne sais pas", "I don't know", True), (None, "", "", False)))
    form = client.get(f"/admin/config/questions/{question.id}/edit", headers=HX)
    assert f'value="{yes.id}"' in form.get_data(as_text=True)
    response = client.post(f"/admin/config/questions/{question.id}/edit", headers=HX, data=data)
    assert response.status_code == 200
    assert f'<li id="question-{question.id}"' in response.get_data(as_text=True)
    db.session.expire_all()
    question = db.session.get(EligibilityQuestion, question.id)
    assert [(a.id == yes.id, a.text_fr, a.eligible) for a in question.answers] == [
        (True, "Oui", False), (False, "Je ne sais pas", True)]
    assert db.session.get(EligibilityAnswer, no.id) is None
    assert [a.id for a in team.answers] == [yes.id]  # the team's restriction survives
    [entry] = audit_entries("question.updated")
    assert entry.details["changes"]["text_fr"] == ["Êtes-vous enceinte?",
                                                   "Êtes-vous enceinte ou allaitez-vous?"]


@pytest.mark.parametrize("data, message", [
    (question_data(text_fr=""), "Entrez la question en français."),
    (question_data(text_en="x" * 1001), "Au plus 1000 caractères"),
    (question_data(answers=(("Oui", "Yes", True),)), "au moins deux réponses"),
    (question_data(answers=(("Oui", "Yes", False), ("Non", "No", False))),
     "au moins une réponse doit être admissible"),
    (question_data(answers=(("Oui", "", True), ("Non", "No", False))),
     "Entrez la réponse en anglais."),
    (question_data(answers=(("Oui", "Yes", True), ("Non", "x" * 301, False))),
     "Au plus 300 caractères"),
    (question_data(answers=((99999, "Oui", "Yes", True), ("Non", "No", False))),
     "n'existe plus"),
])
def test_bad_question_is_refused_and_saves_nothing(client, pilot, data, message):
    service = make_service()
    for headers in ({}, HX):
        response = client.post(f"/admin/config/services/{service.id}/questions/new",
                               headers=headers, data=data)
        assert message.lower() in text(response).lower()
        assert response.status_code == (200 if headers else 422)
    assert count(EligibilityQuestion) == 0 and count(EligibilityAnswer) == 0


def test_an_answer_of_another_question_cannot_be_edited_through_this_one(client, pilot):
    service = make_service()
    mine, other = make_question(service, "A"), make_question(service, "B", 2)
    stranger = other.answers[0]
    data = question_data(answers=((stranger.id, "Piraté", "Hacked", True), ("Non", "No", False)))
    response = client.post(f"/admin/config/questions/{mine.id}/edit", data=data)
    assert "n'existe plus" in text(response)
    db.session.expire_all()
    assert db.session.get(EligibilityAnswer, stranger.id).text_fr == "Oui"


def test_reorder_questions_and_answers(client, pilot):
    service = make_service()
    first, second = make_question(service, "A", 1), make_question(service, "B", 2)
    response = client.post(f"/admin/config/questions/{second.id}/move", headers=HX,
                           data={"direction": "up"})
    assert 'id="questions-list"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert [q.text_fr for q in db.session.get(type(service), service.id).questions] == ["B", "A"]
    no = db.session.get(EligibilityQuestion, first.id).answers[1]
    row = client.post(f"/admin/config/answers/{no.id}/move", headers=HX, data={"direction": "up"})
    assert f'<li id="question-{first.id}"' in row.get_data(as_text=True)
    db.session.expire_all()
    assert [a.text_fr for a in db.session.get(EligibilityQuestion, first.id).answers] == [
        "Non", "Oui"]
    assert client.post(f"/admin/config/answers/{no.id}/move",
                       data={"direction": "x"}).status_code == 400
    assert len(audit_entries("question.moved")) == 1 and len(audit_entries("answer.moved")) == 1


def test_remove_a_question(client, pilot):
    service = make_service()
    question = make_question(service)
    response = client.post(f"/admin/config/questions/{question.id}/delete", headers=HX)
    assert "Aucune question" in response.get_data(as_text=True)
    assert count(EligibilityQuestion) == 0 and count(EligibilityAnswer) == 0
    [entry] = audit_entries("question.deleted")
    assert entry.details["before"]["text_fr"] == "Êtes-vous enceinte?"
    assert client.post(f"/admin/config/questions/{question.id}/delete").status_code == 404


def test_question_text_is_shown_escaped(client, pilot):
    service = make_service()
    make_question(service, '<img src=x onerror="alert(1)">')
    page = client.get(f"/admin/config/services/{service.id}/questions").get_data(as_text=True)
    assert "<img src=x" not in page and "&lt;img src=x" in page
