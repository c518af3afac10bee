"""Eligibility questions of a service (CFG-2, guide §2.1): each with its answers, eligible
or not, in order. An answer keeps its id while it is edited, so the teams that serve it
(associations) keep serving it. Every change is audited; a change the rules refuse raises
QuestionError and changes nothing."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from ..extensions import db
from ..models import EligibilityAnswer, EligibilityQuestion, Service
from . import Refused
from .changes import record_changes, record_created, record_removed, snapshot
from .ordering import next_position, shift


class QuestionError(Refused):
    def __init__(self, message: str, field: str = "answers") -> None:
        super().__init__(message, field)


def describe(question: EligibilityQuestion) -> dict[str, Any]:
    """The question and its answers as the audit log keeps them."""
    return {**snapshot(question, ("text_fr", "text_en")),
            "answers": [[a.text_fr, a.text_en, a.eligible] for a in question.answers]}


def _check(question: EligibilityQuestion, answers: list[dict[str, Any]]) -> None:
    known = {str(a.id) for a in question.answers}
    if any(row.get("id") and str(row["id"]) not in known for row in answers):
        raise QuestionError(_("An answer no longer exists: reload the page."))
    kept = [row for row in answers if not row.get("remove")]
    if len(kept) < 2:
        raise QuestionError(_("A question needs at least two answers (for example Yes and No)."))
    if not any(row["eligible"] for row in kept):
        raise QuestionError(_("At least one answer must be eligible, otherwise nobody can book "
                              "this service."))


def _write(question: EligibilityQuestion, data: dict[str, Any]) -> None:
    """Texts and answers, in the order given; an answer marked `remove` is deleted."""
    _check(question, data["answers"])
    question.text_fr, question.text_en = data["text_fr"], data["text_en"]
    existing = {str(a.id): a for a in question.answers}
    answers = []
    for row in data["answers"]:
        if row.get("remove"):
            continue
        answer = existing.get(str(row.get("id") or "")) or EligibilityAnswer()
        answer.text_fr, answer.text_en = row["text_fr"], row["text_en"]
        answer.eligible = bool(row["eligible"])
        answers.append(answer)
    question.answers = answers
    for position, answer in enumerate(answers, start=1):
        answer.position = position


def create_question(service: Service, data: dict[str, Any]) -> EligibilityQuestion:
    """A new question, last of the service's, with its answers.

    `data`: text_fr, text_en and answers, each a dict of text_fr, text_en, eligible (and,
    when editing, the id of an existing answer and `remove`)."""
    question = EligibilityQuestion()
    _write(question, data)
    question.position = next_position(service.questions)
    service.questions.append(question)
    db.session.flush()
    record_created("question.created", question, describe(question), service_id=service.id)
    return question


def update_question(question: EligibilityQuestion, data: dict[str, Any]) -> EligibilityQuestion:
    before = describe(question)
    _write(question, data)
    record_changes("question.updated", question, before, describe(question),
                   service_id=question.service_id)
    return question


def delete_question(question: EligibilityQuestion) -> None:
    """Remove a question and its answers."""
    record_removed("question.deleted", question, describe(question),
                   service_id=question.service_id)
    db.session.delete(question)


def move_question(question: EligibilityQuestion, step: int) -> bool:
    """One place up (-1) or down (+1) among the service's questions; False at an end."""
    return shift(list(question.service.questions), question, step, "question.moved",
                 service_id=question.service_id)


def move_answer(answer: EligibilityAnswer, step: int) -> bool:
    """One place up (-1) or down (+1) among the question's answers; False at an end."""
    return shift(list(answer.question.answers), answer, step, "answer.moved",
                 question_id=answer.question_id)
