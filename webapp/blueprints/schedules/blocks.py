"""Creating, editing and deleting a time block; the live capacity calculator (SCH-2, SCH-3)."""
from __future__ import annotations

from typing import Any, Optional

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers import Response

from ...accounts.permissions import requires
from ...accounts.roles import Perm
from ...extensions import db
from ...htmx import is_htmx, page_or_fragment, trigger
from ...models import ScheduleBlock
from ...scheduling.blocks import (
    BlockHasBookings,
    BlockInvalid,
    ScheduleError,
    StaleBlock,
    active_appointments,
    create_block,
    delete_block,
    update_block,
)
from . import bp
from .access import block_or_403, requested_location, team_in_scope
from .editing import block_data, calculate, prefill_from, prefill_new, setup_choices
from .forms import BlockForm, DeleteForm


def _done(message: str, block_day: str, location_id: int) -> Response:
    """After a change: close the dialog and refresh the calendar, or go back to it."""
    flash(message, "success")
    if is_htmx():
        return trigger(make_response("", 204), "schedule-changed", "close-dialog")
    return redirect(url_for(".index", location=location_id, date=block_day,
                            view=request.args.get("view", "week")))


def _render(form: BlockForm, location: Any, block: Optional[ScheduleBlock],
            error: Optional[str] = None) -> Response:
    # A "show this team's services" press (no JavaScript) ticks the new team's services.
    context = setup_choices(form, location, block, keep_eligible=bool(request.form.get("refresh")))
    return page_or_fragment("schedules/block_page.html", "schedules/_block_form.html",
                            form=form, location=location, block=block, error=error,
                            calc=calculate(form), **context)


@bp.route("/blocks/new", methods=["GET", "POST"])
@requires(Perm.SCHEDULES_EDIT)
def new_block() -> Response:
    """The "new time block" dialog, prefilled from a drag over the calendar."""
    location = requested_location()
    if location is None:
        flash(_("Choose a location, then create its time blocks."), "info")
        return redirect(url_for(".index"))
    form = BlockForm() if request.method == "POST" else BlockForm(formdata=None)
    team_in_scope(location, form.team.data if request.method == "POST" else None)
    if request.method == "GET":
        prefill_new(form, location, request.args)
    if form.validate_on_submit() and not request.form.get("refresh"):
        try:
            block = create_block(block_data(form, location), current_user.id)
        except BlockInvalid as exc:
            _attach(form, exc.errors)
        else:
            db.session.commit()
            total = sum(s.capacity for s in block.slots)
            return _done(ngettext("Time block saved: %(num)d appointment.",
                                  "Time block saved: %(num)d appointments.", total),
                         block.day.isoformat(), location.id)
    return _render(form, location, None)


@bp.route("/blocks/<int:block_id>/edit", methods=["GET", "POST"])
@requires(Perm.SCHEDULES_EDIT)
def edit_block(block_id: int) -> Response:
    """Edit every field of a block (double click on it, or its edit button)."""
    block = block_or_403(block_id)
    form = BlockForm() if request.method == "POST" else BlockForm(formdata=None)
    team_in_scope(block.location, form.team.data if request.method == "POST" else None)
    if request.method == "GET":
        prefill_from(form, block)
    error = None
    if form.validate_on_submit() and not request.form.get("refresh"):
        try:
            update_block(block, block_data(form, block.location), int(form.version.data or 0),
                         current_user.id)
        except BlockInvalid as exc:
            _attach(form, exc.errors)
        except StaleBlock as exc:
            db.session.rollback()
            block = block_or_403(block_id)
            form = BlockForm(formdata=None)
            prefill_from(form, block)
            error = exc.message
        except ScheduleError as exc:
            db.session.rollback()
            block, error = block_or_403(block_id), exc.message
        else:
            db.session.commit()
            return _done(_("Time block saved."), block.day.isoformat(), block.location_id)
    return _render(form, block.location, block, error)


def _attach(form: BlockForm, errors: dict[str, str]) -> None:
    db.session.rollback()
    for name, message in errors.items():
        getattr(form, name, form.start).errors = [message]


@bp.route("/blocks/<int:block_id>/delete", methods=["GET", "POST"], endpoint="delete_block")
@requires(Perm.SCHEDULES_EDIT)
def delete_dialog(block_id: int) -> Response:
    """Delete a block; with bookings, keep it or cancel them (audited, patients told)."""
    block = block_or_403(block_id)
    form = DeleteForm() if request.method == "POST" else DeleteForm(formdata=None,
                                                                   version=block.version)
    error = None
    if form.validate_on_submit():
        if form.choice.data == "keep" and request.form.get("choice"):
            return _done(_("The time block was kept."), block.day.isoformat(), block.location_id)
        day, location_id = block.day.isoformat(), block.location_id
        try:
            cancelled = delete_block(block, cancel_appointments=form.choice.data == "cancel",
                                     reason=form.reason.data or "",
                                     expected_version=int(form.version.data or 0),
                                     user_id=current_user.id)
        except BlockInvalid as exc:
            db.session.rollback()
            form.reason.errors = [exc.errors.get("reason", exc.message)]
        except ScheduleError as exc:
            db.session.rollback()
            block = block_or_403(block_id)
            form.version.data = str(block.version)  # the message said what changed
            error = None if isinstance(exc, BlockHasBookings) else exc.message
        else:
            db.session.commit()
            message = _("Time block deleted.") if not cancelled else ngettext(
                "Time block deleted; %(num)d appointment cancelled.",
                "Time block deleted; %(num)d appointments cancelled.", cancelled)
            return _done(message, day, location_id)
    return page_or_fragment("schedules/delete_page.html", "schedules/_delete.html", form=form,
                            block=block, booked=len(active_appointments(block)), error=error)


@bp.get("/blocks/calculator")
@requires(Perm.SCHEDULES_EDIT)
def calculator() -> str:
    """The live capacity calculator of the dialog (updates as the person types)."""
    form = BlockForm(formdata=request.args, meta={"csrf": False})
    return render_template("schedules/_calculator.html", calc=calculate(form))


@bp.get("/blocks/team-part")
@requires(Perm.SCHEDULES_EDIT)
def team_part() -> Response | str:
    """The services a newly chosen team offers here, and its appointments per slot."""
    location = requested_location()
    if location is None:
        return redirect(url_for(".index"))
    form = BlockForm(formdata=request.args, meta={"csrf": False})
    context = setup_choices(form, location, None, keep_eligible=True)
    return render_template("schedules/_team_part.html", form=form, calc=calculate(form),
                           oob=True, **context)
