"""Eligibility questions of a service (CFG-2): ordered questions, each with answers marked
eligible or not, edited in place."""
from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from ... import audit
from ...accounts.permissions import requires
from ...accounts.roles import Perm
from ...extensions import db
from ...htmx import is_htmx, page_or_fragment, retarget
from ...models import EligibilityAnswer, EligibilityQuestion, Service
from ...organization.configuration import move, next_position
from . import bp
from .inplace import form_answer, row_or_list, saved_answer, step_of
from .service_forms import QuestionForm

ROW = "config/questions/_row.html"
FORM = "config/questions/_form.html"
PAGE = "config/questions/form.html"


def _list_url(service: Service, question: EligibilityQuestion | None = None) -> str:
    anchor = f"#question-{question.id}" if question is not None else ""
    return url_for("config.service_questions", service_id=service.id) + anchor


def describe(question: EligibilityQuestion) -> dict[str, Any]:
    """The question and its answers as the audit log keeps them."""
    return {"text_fr": question.text_fr, "text_en": question.text_en,
            "answers": [[a.text_fr, a.text_en, a.eligible] for a in question.answers]}


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
    return row_or_list(ROW, _list_url(item.service, item), question=item)


@bp.route("/services/<int:service_id>/questions/new", methods=["GET", "POST"])
@requires(Perm.CONFIGURE)
def question_new(service_id: int) -> Response:
    """Add a question (Yes / No offered) to a service."""
    service = db.get_or_404(Service, service_id)
    item = EligibilityQuestion()
    form = QuestionForm(item)
    if form.is_submitted() and form.add_answer.data:
        form.answers.append_entry()
    elif form.validate_on_submit():
        _save(form, item, service)
        if is_htmx():
            response = page_or_fragment("config/questions/_created.html",
                                        "config/questions/_created.html", service=service)
            return retarget(response, "#questions-list")
        flash(_("Question added."), "success")
        return redirect(_list_url(service, item))
    return form_answer(PAGE, FORM, form=form, service=service, question=None)


@bp.route("/questions/<int:question_id>/edit", methods=["GET", "POST"])
@requires(Perm.CONFIGURE)
def question_edit(question_id: int) -> Response:
    """Modify a question and its answers."""
    item = db.get_or_404(EligibilityQuestion, question_id)
    form = QuestionForm(item)
    if form.is_submitted() and form.add_answer.data:
        form.answers.append_entry()
    elif form.validate_on_submit():
        _save(form, item, item.service)
        return saved_answer(ROW, _("Question saved."), _list_url(item.service, item),
                            question=item)
    return form_answer(PAGE, FORM, form=form, service=item.service, question=item)


def _save(form: QuestionForm, item: EligibilityQuestion, service: Service) -> None:
    before = describe(item) if item.id else None
    item.text_fr, item.text_en = form.text_fr.data, form.text_en.data
    by_id = {str(a.id): a for a in item.answers}
    for entry in form.answers:
        answer_form = entry.form
        answer = by_id.get(answer_form.answer_id.data or "")
        if answer_form.blank:
            continue
        if answer_form.remove.data:
            if answer is not None:
                item.answers.remove(answer)
            continue
        if answer is None:
            answer = EligibilityAnswer()
            item.answers.append(answer)
        answer.text_fr, answer.text_en = answer_form.text_fr.data, answer_form.text_en.data
        answer.eligible = bool(answer_form.eligible.data)
    for position, answer in enumerate(item.answers, start=1):
        answer.position = position
    if before is None:
        item.position = next_position(service.questions)
        service.questions.append(item)
        db.session.flush()
        audit.record("question.created", item, service_id=service.id, values=describe(item))
    elif before != describe(item):
        audit.record("question.updated", item, service_id=service.id,
                     changes={"before": before, "after": describe(item)})
    db.session.commit()


@bp.post("/questions/<int:question_id>/move")
@requires(Perm.CONFIGURE)
def question_move(question_id: int) -> Response:
    """Move a question one place up or down."""
    item = db.get_or_404(EligibilityQuestion, question_id)
    step = step_of(request.form.get("direction"))
    if not step:
        abort(400)
    service = item.service
    if move(list(service.questions), item, step):
        audit.record("question.moved", item, service_id=service.id, position=item.position)
        db.session.commit()
    if is_htmx():
        return page_or_fragment("config/questions/_list.html", "config/questions/_list.html",
                                service=service)
    return redirect(_list_url(service, item))


@bp.post("/answers/<int:answer_id>/move")
@requires(Perm.CONFIGURE)
def answer_move(answer_id: int) -> Response:
    """Move an answer one place up or down within its question."""
    answer = db.get_or_404(EligibilityAnswer, answer_id)
    step = step_of(request.form.get("direction"))
    if not step:
        abort(400)
    item = answer.question
    if move(list(item.answers), answer, step):
        audit.record("answer.moved", answer, question_id=item.id, position=answer.position)
        db.session.commit()
    return row_or_list(ROW, _list_url(item.service, item), question=item)


@bp.post("/questions/<int:question_id>/delete")
@requires(Perm.CONFIGURE)
def question_delete(question_id: int) -> Response:
    """Remove a question and its answers."""
    item = db.get_or_404(EligibilityQuestion, question_id)
    service = item.service
    audit.record("question.deleted", item, service_id=service.id, values=describe(item))
    db.session.delete(item)
    db.session.commit()
    if is_htmx():
        return page_or_fragment("config/questions/_list.html", "config/questions/_list.html",
                                service=service)
    flash(_("Question removed."), "success")
    return redirect(_list_url(service))
