"""Eligibility questions of a service (CFG-2): ordered questions, each with answers marked
eligible or not, edited in place. The rules and the audit are `organization.questions`'."""
from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from ...accounts.permissions import requires
from ...accounts.roles import Perm
from ...extensions import db
from ...models import EligibilityAnswer, EligibilityQuestion, Service
from ...organization.questions import (
    create_question,
    delete_question,
    move_answer,
    move_question,
    update_question,
)
from . import bp
from .inplace import InPlace, direction, save_form
from .service_forms import QuestionForm

QUESTIONS = InPlace.under("config/questions", "question", "config.service_questions")


def _list_url(question: EligibilityQuestion) -> str:
    return QUESTIONS.list_url(question.id, service_id=question.service_id)


def _with_new_answer(form: QuestionForm) -> bool:
    """The "Add an answer" button: one more empty answer row, nothing saved."""
    if form.is_submitted() and form.add_answer.data:
        form.answers.append_entry()
        return True
    return False


@bp.get("/services/<int:service_id>/questions")
@requires(Perm.CONFIGURE)
def service_questions(service_id: int) -> str:
    """A service's eligibility questions, in order."""
    service = db.get_or_404(Service, service_id)
    return render_template("config/questions/index.html", service=service)


@bp.get("/questions/<int:question_id>")
@requires(Perm.CONFIGURE)
def question(question_id: int) -> Response:
    """One question's row (an edit cancelled)."""
    item = db.get_or_404(EligibilityQuestion, question_id)
    return QUESTIONS.row_or_list(_list_url(item), question=item)


@bp.route("/services/<int:service_id>/questions/new", methods=["GET", "POST"])
@requires(Perm.CONFIGURE)
def question_new(service_id: int) -> Response:
    """Add a question (Yes / No offered) to a service."""
    service = db.get_or_404(Service, service_id)
    form = QuestionForm(EligibilityQuestion())
    if not _with_new_answer(form) and (
            item := save_form(form, lambda: create_question(service, form.question_data()))):
        return QUESTIONS.created(_("Question added."), _list_url(item), service=service)
    return QUESTIONS.form_answer(form=form, service=service, question=None)


@bp.route("/questions/<int:question_id>/edit", methods=["GET", "POST"])
@requires(Perm.CONFIGURE)
def question_edit(question_id: int) -> Response:
    """Modify a question and its answers."""
    item = db.get_or_404(EligibilityQuestion, question_id)
    form = QuestionForm(item)
    if not _with_new_answer(form) and save_form(
            form, lambda: update_question(item, form.question_data())):
        return QUESTIONS.saved(_("Question saved."), _list_url(item), question=item)
    return QUESTIONS.form_answer(form=form, service=item.service, question=item)


@bp.post("/questions/<int:question_id>/move")
@requires(Perm.CONFIGURE)
def question_move(question_id: int) -> Response:
    """Move a question one place up or down."""
    item = db.get_or_404(EligibilityQuestion, question_id)
    move_question(item, direction())
    db.session.commit()
    return QUESTIONS.listed(_list_url(item), service=item.service)


@bp.post("/answers/<int:answer_id>/move")
@requires(Perm.CONFIGURE)
def answer_move(answer_id: int) -> Response:
    """Move an answer one place up or down within its question."""
    answer = db.get_or_404(EligibilityAnswer, answer_id)
    move_answer(answer, direction())
    db.session.commit()
    return QUESTIONS.row_or_list(_list_url(answer.question), question=answer.question)


@bp.post("/questions/<int:question_id>/delete")
@requires(Perm.CONFIGURE)
def question_delete(question_id: int) -> Response:
    """Remove a question and its answers."""
    item = db.get_or_404(EligibilityQuestion, question_id)
    service = item.service
    delete_question(item)
    db.session.commit()
    return QUESTIONS.listed(QUESTIONS.list_url(service_id=service.id), _("Question removed."),
                            service=service)
