"""The follow-up list's tools: columns per account (FUP-4), print view (FUP-5), view type
(FUP-2), bulk reminders and follow-ups (FUP-7), the camera check-in's page."""
from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.factories import make_user
from tests.helpers import text
from tests.test_followup import clinic  # noqa: F401 (the same clinic day)
from webapp import followup_messages
from webapp.accounts.roles import Role
from webapp.extensions import db
from webapp.models import Appointment, AuditLog, Message, User


def _user(role: Role) -> User:
    return db.session.scalar(select(User).where(User.email == f"{role.value}@test.example"))


def test_columns_are_remembered_after_signing_out_and_in(client: Any, auth: Any,
                                                         clinic: Any) -> None:  # noqa: F811
    auth.login(Role.GESTION1)
    page = text(client.get("/admin/followup/"))
    assert "Health insurance number" in page  # in the chooser only
    assert "jean.cote@example.org" not in page  # email is not a default column
    done = client.post("/admin/followup/columns", data={
        "column": ["time", "name", "email"], "day": "2030-01-02"})
    assert done.status_code == 302 and "day=2030-01-02" in done.headers["Location"]
    client.post("/admin/logout")
    auth.login(Role.GESTION1)
    page = text(client.get("/admin/followup/"))
    assert "jean.cote@example.org" in page and "418 555-0100" not in page
    db.session.expire_all()
    assert _user(Role.GESTION1).preferences["followup_columns"] == ["time", "name", "email"]


def test_an_unknown_column_changes_nothing(client: Any, auth: Any,
                                           clinic: Any) -> None:  # noqa: F811
    auth.login(Role.GESTION1)
    client.post("/admin/followup/columns", data={"column": ["time", "name"]})
    page = text(client.post("/admin/followup/columns", follow_redirects=True,
                            data={"column": ["time", "<script>x</script>"]}))
    assert "There is no column “<script>x</script>”; nothing was changed." in page
    db.session.expire_all()
    assert _user(Role.GESTION1).preferences["followup_columns"] == ["time", "name"]
    # choosing none goes back to the defaults
    client.post("/admin/followup/columns", data={})
    db.session.expire_all()
    assert "phone" in _user(Role.GESTION1).preferences["followup_columns"]


def test_consultation_may_choose_its_columns(client: Any, auth: Any,
                                             clinic: Any) -> None:  # noqa: F811
    auth.login(Role.CONSULTATION1)
    assert client.post("/admin/followup/columns", data={"column": ["name"]}).status_code == 302


def test_print_view_groups_by_team_and_is_audited(client: Any, auth: Any,
                                                  clinic: Any) -> None:  # noqa: F811
    auth.login(Role.GESTION1)
    world = clinic["world"]
    response = client.get("/admin/followup/print")
    assert response.status_code == 200
    page = text(response)
    assert world.team.name in page and world.other_team.name in page
    assert page.index("Côté, Jean") < page.index(world.other_team.name) < page.index("Côté, Paul")
    assert response.data.count(b'class="fu-box"') == 4
    assert db.session.scalar(select(func.count()).select_from(AuditLog).where(
        AuditLog.action == "access.followup_print")) == 1


def test_print_view_in_scope(client: Any, auth: Any, clinic: Any) -> None:  # noqa: F811
    world = clinic["world"]
    make_user(Role.CONSULTATION2, teams=[world.other_team])
    auth.login(Role.CONSULTATION2)
    page = text(client.get("/admin/followup/print?day=9999-12-31&page=999"))
    assert "Côté, Paul" in page and "Côté, Jean" not in page


def test_view_type_availability_and_appointments(client: Any, auth: Any,
                                                 clinic: Any) -> None:  # noqa: F811
    auth.login(Role.GESTION1)
    both = text(client.get("/admin/followup/"))
    assert "Free places" in both and "Côté, Jean" in both
    only_free = text(client.get("/admin/followup/?view=availability"))
    assert "Free places" in only_free and "Côté, Jean" not in only_free
    only_booked = text(client.get("/admin/followup/?view=appointments"))
    assert "Free places" not in only_booked and "Côté, Jean" in only_booked
    assert "is not a choice here" in text(client.get("/admin/followup/?view=nope"))
    # the filter form keeps the view type
    assert 'name="view" value="availability"' in only_free


def test_availability_counts_free_places_in_scope(client: Any, auth: Any,
                                                  clinic: Any) -> None:  # noqa: F811
    from werkzeug.datastructures import MultiDict

    from webapp import followup
    world = clinic["world"]
    with client.application.test_request_context():
        query = followup.parse(MultiDict({"view": "availability"}))
        every = followup.availability(query, None, None)
        mine = followup.availability(query, None, {world.other_team.id})
    # the other team's block today: 13:00-14:00 with 2 places a slot, one taken
    assert {f.team_id for f in mine} == {world.other_team.id}
    assert sum(f.places for f in mine) == sum(f.places for f in every
                                              if f.team_id == world.other_team.id)
    assert sum(f.places for f in every) > sum(f.places for f in mine)


def test_bulk_reminder_once_and_skips_said(client: Any, auth: Any,
                                          clinic: Any) -> None:  # noqa: F811
    auth.login(Role.GESTION1)
    later = clinic["tomorrow"]
    later.send_email, later.patient.email = True, "luc@example.org"
    db.session.commit()
    ids = [str(later.id), str(clinic["cancelled"].id), str(clinic["roy"].id)]
    form = {"id": ids, "action": "send_reminder", "report": "all", "confirmed": "1"}
    page = text(client.post("/admin/followup/bulk", data=form, follow_redirects=True))
    assert "1 done." in page and "1 already cancelled" in page
    assert "without an email or cell phone for messages" in page or "already past" in page
    queued = db.session.scalar(select(func.count()).select_from(Message).where(
        Message.appointment_id == later.id, Message.kind == "reminder_1"))
    assert queued == 1
    again = text(client.post("/admin/followup/bulk", data=form, follow_redirects=True))
    assert "0 done." in again and "1 with a message already waiting to be sent" in again
    assert db.session.scalar(select(func.count()).select_from(Message).where(
        Message.appointment_id == later.id)) == 1


def test_bulk_followup_for_absent_and_cancelled(app: Any, clinic: Any) -> None:  # noqa: F811
    absent, cancelled, roy = clinic["cote"], clinic["cancelled"], clinic["roy"]
    absent.attendance, absent.send_email = "absent", True
    cancelled.send_email, cancelled.patient.email = True, "anne@example.org"
    db.session.commit()
    with app.test_request_context():
        result = followup_messages.send("send_followup", [absent.id, cancelled.id, roy.id],
                                        None, None, None)
    assert (result.done, result.skipped) == (2, {"not_absent": 1})
    kinds = set(db.session.scalars(select(Message.kind)))
    assert kinds == {"followup_absent", "followup_cancelled"}


def test_bulk_reminder_of_a_past_appointment_is_skipped(app: Any,
                                                         clinic: Any) -> None:  # noqa: F811
    later = clinic["tomorrow"]
    later.send_email, later.patient.email = True, "luc@example.org"
    db.session.commit()
    after = later.starts_at.astimezone(UTC) + timedelta(hours=1)
    with app.test_request_context():
        result = followup_messages.send("send_reminder", [later.id], None, None, None,
                                        now=after)
    assert (result.done, result.skipped) == (0, {"past": 1})
    assert db.session.scalar(select(func.count()).select_from(Message)) == 0


def test_bulk_send_is_refused_to_consultation(client: Any, auth: Any,
                                              clinic: Any) -> None:  # noqa: F811
    auth.login(Role.CONSULTATION1)
    response = client.post("/admin/followup/bulk", data={
        "id": [str(clinic["tomorrow"].id)], "action": "send_reminder", "confirmed": "1"})
    assert response.status_code == 403


def test_camera_is_allowed_on_the_list_only(client: Any, auth: Any,
                                            clinic: Any) -> None:  # noqa: F811
    auth.login(Role.GESTION1)
    response = client.get("/admin/followup/")
    assert "camera=(self)" in response.headers["Permissions-Policy"]
    assert b"followup-scan" in response.data and b"data-scan=" in response.data
    assert "camera=()" in client.get("/admin/").headers.get("Permissions-Policy", "camera=()")
    # typing the number always works; another day's number says so
    later = clinic["tomorrow"]
    later.coupon = "ACD374"  # the factory's coupons are not in the coupon alphabet
    db.session.commit()
    page = text(client.post("/admin/followup/check-in", data={"number": later.coupon},
                            follow_redirects=True))
    assert "not today" in page
    assert db.session.get(Appointment, later.id).attendance == "undefined"


@pytest.mark.parametrize("query", ["day=9999-12-31", "page=999999", "view=%00", "team=abc",
                                   "last_name=" + "x" * 10_000, "period=year&sort=evil",
                                   "birth_date=2020-02-30", "service=99999999999"])
def test_print_view_bad_input_is_said_never_a_500(client: Any, auth: Any, clinic: Any,  # noqa: F811
                                                  query: str) -> None:
    auth.login(Role.GESTION1)
    assert client.get(f"/admin/followup/print?{query}").status_code == 200
    assert client.get(f"/admin/followup/?{query}").status_code == 200


def test_a_huge_column_name_is_refused(client: Any, auth: Any, clinic: Any) -> None:  # noqa: F811
    auth.login(Role.GESTION1)
    page = text(client.post("/admin/followup/columns", follow_redirects=True,
                            data={"column": ["time", "x" * 10_000]}))
    assert "There is no column “" + "x" * 40 + "”; nothing was changed." in page


def test_send_to_all_matching_stays_in_scope(client: Any, auth: Any,
                                             clinic: Any) -> None:  # noqa: F811
    world = clinic["world"]
    make_user(Role.GESTION3, teams=[world.other_team])
    auth.login(Role.GESTION3)
    for appointment in (clinic["other_team"], clinic["cote"]):
        appointment.send_email = True
        appointment.patient.email = "someone@example.org"
    db.session.commit()
    client.post("/admin/followup/bulk", data={"all": "1", "action": "send_reminder",
                                              "confirmed": "1"})
    ids = set(db.session.scalars(select(Message.appointment_id)))
    assert clinic["cote"].id not in ids
