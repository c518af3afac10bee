"""The follow-up list (FUP-1..3): filters and search in the URL, scope, audit, bad input."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import event, select
from werkzeug.datastructures import MultiDict

from tests.factories import make_user, make_world, slots_of, take_places
from tests.helpers import HX, text
from webapp import followup, followup_messages
from webapp.accounts.roles import Role
from webapp.booking.patients import identity_key
from webapp.extensions import db
from webapp.models import Appointment, AuditLog, Message
from webapp.timeutil import local_today


def _book(slot: Any, service: Any, first: str, last: str, born: date | None = None,
          cell: str | None = None, email: str | None = None, **fields: Any) -> Appointment:
    [appointment] = take_places(slot, service, **fields)
    patient = appointment.patient
    patient.first_name, patient.last_name, patient.birth_date = first, last, born
    patient.cell_phone, patient.email = cell, email
    patient.identity_key = identity_key(last, first, born)
    db.session.commit()
    return appointment


@pytest.fixture
def clinic(app: Any, client: Any) -> dict[str, Any]:
    """Today: three patients with the first team, one with the other team, one cancelled;
    tomorrow: one more."""
    client.set_cookie("lang", "en")
    world = make_world(days_ahead=0, per_slot=3)
    slots = world.slots
    other = world.add_block(local_today(), "13:00", "14:00", per_slot=2, team=world.other_team)
    tomorrow = world.add_block(local_today() + timedelta(days=1), "09:00", "10:00")
    made = {
        "cote": _book(slots[0], world.service, "Jean", "Côté", date(1950, 3, 4),
                      "418 555-0100", "jean.cote@example.org"),
        "roy": _book(slots[1], world.service, "Léa", "Roy", date(1980, 1, 2)),
        "nobirth": _book(slots[2], world.service, "Élise", "Gagné"),
        "other_team": _book(slots_of(other)[0], world.service, "Paul", "Côté", date(1960, 1, 1)),
        "cancelled": _book(slots[3], world.service, "Anne", "Lavoie", date(1970, 1, 1),
                           status="cancelled"),
        "tomorrow": _book(slots_of(tomorrow)[0], world.service, "Luc", "Côté", date(1961, 1, 1)),
    }
    return {"world": world, **made}


def _names(client: Any, query: str = "", **headers: Any) -> str:
    response = client.get(f"/admin/followup/?{query}", headers=headers)
    assert response.status_code == 200, response.status_code
    return text(response)


def test_day_list_without_and_with_cancellations(client: Any, auth: Any, clinic: Any) -> None:
    auth.login(Role.GESTION1)
    page = _names(client)
    assert "Côté, Jean" in page and "Roy, Léa" in page and "Côté, Paul" in page
    assert "Lavoie" not in page and "Côté, Luc" not in page
    assert "4 appointments" in page
    assert "Lavoie, Anne" in _names(client, "report=all")
    assert "Côté, Luc" in _names(client, "period=week") or \
        local_today().weekday() == 5  # tomorrow is in next week when today is Saturday


def test_search_is_accent_and_case_insensitive(app: Any, clinic: Any) -> None:
    def found(**args: str) -> set[str]:
        q = followup.parse(MultiDict(args))
        return {r.appointment.patient.first_name for r in followup.build(q, None, None).rows}

    assert found(last_name="cote") == {"Jean", "Paul"}
    assert found(last_name="CÔTÉ", first_name="jean") == {"Jean"}
    assert found(last_name="GAGNÉ") == {"Élise"}  # no birth date, no identity key: case only
    assert found(last_name="lea") == set()  # a first name is not a last name
    assert found(phone="(418) 555 0100") == {"Jean"}
    assert found(phone="1-418-555-0100") == {"Jean"}
    assert found(email="JEAN.COTE@") == {"Jean"}
    assert found(birth_date="1980-01-02") == {"Léa"}
    assert found(number=clinic["roy"].coupon.lower()) == {"Léa"}
    assert found(last_name="%") == set()


def test_filters_and_htmx_fragment(client: Any, auth: Any, clinic: Any) -> None:
    auth.login(Role.GESTION1)
    world = clinic["world"]
    page = _names(client, f"team={world.other_team.id}&last_name=cote", **HX)
    assert "Côté, Paul" in page and "Côté, Jean" not in page
    assert "<html" not in page and 'id="followup"' in page
    full = _names(client, f"team={world.other_team.id}&last_name=cote")
    assert "<html" in full and "Côté, Paul" in full and 'value="cote"' in full


def test_team_scoped_roles_see_only_their_teams(client: Any, auth: Any, clinic: Any) -> None:
    world = clinic["world"]
    for role in (Role.GESTION3, Role.CONSULTATION2):
        make_user(role, teams=[world.other_team])
        auth.login(role)
        page = _names(client, f"team={world.team.id}")
        assert "Côté, Jean" not in page
        page = _names(client)
        assert "Côté, Paul" in page and "Côté, Jean" not in page and "Roy" not in page
        auth.logout()


def test_roles_without_followup_are_refused(client: Any, auth: Any, clinic: Any) -> None:
    auth.login(Role.PILOTE)
    assert client.get("/admin/followup/").status_code == 403


def test_each_view_is_audited(client: Any, auth: Any, clinic: Any) -> None:
    auth.login(Role.CONSULTATION1)
    _names(client, "last_name=cote")
    [entry] = db.session.scalars(select(AuditLog).where(AuditLog.action == "access.followup_list"))
    assert entry.details["rows"] == 2 and entry.details["filters"]["last_name"] == "cote"


@pytest.mark.parametrize("query", [
    "day=9999-12-31", "day=2021-02-30", "day=x", "page=999", "page=-1", "page=1e9",
    "team=abc", "service=99999999999999", "location=0", "period=year", "sort=drop",
    "report=x", "birth_date=yesterday", "last_name=" + "x" * 10_000, "phone=abc",
    "last_name=<script>alert(1)</script>",
])
def test_bad_input_is_said_never_a_500(client: Any, auth: Any, clinic: Any, query: str) -> None:
    auth.login(Role.GESTION1)
    response = client.get(f"/admin/followup/?{query}")
    assert response.status_code == 200
    assert "<script>alert" not in response.get_data(as_text=True)


def test_script_in_a_name_is_escaped(client: Any, auth: Any, clinic: Any) -> None:
    clinic["roy"].patient.last_name = "<script>alert(1)</script>"
    db.session.commit()
    auth.login(Role.GESTION1)
    body = client.get("/admin/followup/").get_data(as_text=True)
    assert "<script>alert(1)" not in body and "&lt;script&gt;" in body


def test_reminder_and_followup_counters(client: Any, auth: Any, clinic: Any) -> None:
    cote = clinic["cote"]
    for kind, channel in (("reminder", "email"), ("reminder", "sms"), ("followup_absent", "sms")):
        db.session.add(Message(appointment_id=cote.id, kind=kind, channel=channel,
                               recipient="x", body="x"))
    db.session.commit()
    [row] = followup.build(followup.parse(MultiDict({"first_name": "jean"})), None, None).rows
    assert (row.reminders, row.followups) == (2, 1)


STATEMENTS: list[str] = []


def test_fixed_number_of_queries_whatever_the_rows(client: Any, auth: Any, clinic: Any) -> None:
    auth.login(Role.GESTION1)
    world = clinic["world"]

    def statements(query: str) -> list[str]:
        seen: list[str] = []
        db.session.expire_all()  # nothing kept from the last request, as in production
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            client.get(f"/admin/followup/?{query}")
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return seen

    statements("")  # the first request of a session loads a few things once
    queries = ("", "last_name=roy", "view=availability", "view=appointments&period=month")
    few = [len(statements(query)) for query in queries]
    for start in ("14:00", "16:00"):  # more rows and more free places
        block = world.add_block(local_today(), start, f"{int(start[:2]) + 2}:00", per_slot=3)
        for slot in slots_of(block)[:4]:
            take_places(slot, world.service, 3)
    many = [statements(query) for query in queries]
    assert [len(seen) for seen in many] == few, "\n".join(s[:200] for s in many[0])


def test_mark_present_after_confirmation_idempotent(client: Any, auth: Any, clinic: Any) -> None:
    auth.login(Role.GESTION1)
    ids = [clinic["cote"].id, clinic["roy"].id, clinic["cancelled"].id]
    form = {"id": [str(i) for i in ids], "action": "present", "report": "all"}
    asked = client.post("/admin/followup/bulk", data=form, headers=HX)
    assert "“Mark present”: 3 appointments. Go ahead?" in text(asked)
    assert db.session.get(Appointment, ids[0]).attendance == "undefined"
    done = client.post("/admin/followup/bulk", data={**form, "confirmed": "1"},
                       follow_redirects=True)
    page = text(done)
    assert "2 done." in page and "1 already cancelled" in page
    db.session.expire_all()
    assert [db.session.get(Appointment, i).attendance for i in ids] == \
        ["present", "present", "undefined"]
    again = text(client.post("/admin/followup/bulk", data={**form, "confirmed": "1"},
                             follow_redirects=True))
    assert "0 done." in again and "2 already marked so" in again


def test_tick_all_matching_stays_in_scope(client: Any, auth: Any, clinic: Any) -> None:
    world = clinic["world"]
    make_user(Role.GESTION3, teams=[world.other_team])
    auth.login(Role.GESTION3)
    client.post("/admin/followup/bulk", data={"all": "1", "action": "absent",
                                                    "confirmed": "1"})
    db.session.expire_all()
    assert db.session.get(Appointment, clinic["other_team"].id).attendance == "absent"
    assert db.session.get(Appointment, clinic["cote"].id).attendance == "undefined"
    # ids of another team, typed by hand: skipped, nothing changed
    text_ = text(client.post("/admin/followup/bulk", follow_redirects=True, data={
        "id": [str(clinic["cote"].id), "abc", "99999999999"], "action": "absent",
        "confirmed": "1"}))
    assert "1 not found or outside your teams" in text_
    assert db.session.get(Appointment, clinic["cote"].id).attendance == "undefined"


def test_tick_all_beyond_the_most_one_action_handles_is_said(
        client: Any, auth: Any, clinic: Any, monkeypatch: Any) -> None:
    """Issue: "tick all" was silently capped at MAX_BULK ids. Now the list, the question
    and the report say which rows are processed (the first ones in the list's order)."""
    monkeypatch.setattr(followup, "MAX_BULK", 2)  # today's list has 4 active rows
    auth.login(Role.GESTION1)
    assert "Tick the first 2 of the 4 matching (the most one action handles)" in \
        _names(client)
    form = {"all": "1", "action": "absent"}
    asked = text(client.post("/admin/followup/bulk", data=form, headers=HX))
    assert "“Mark absent”: 2 appointments. Go ahead?" in asked
    assert ("One action handles at most 2 appointments: the first 2 of the 4 found, in the "
            "list's order. The other 2 stay as they are") in asked
    done = text(client.post("/admin/followup/bulk", data={**form, "confirmed": "1"},
                            follow_redirects=True))
    assert "2 done. 2 other matching appointments were not processed: one action handles " \
        "at most 2." in done
    db.session.expire_all()
    marked = [db.session.get(Appointment, clinic[k].id).attendance
              for k in ("cote", "roy", "nobirth", "other_team")]
    assert marked == ["absent", "absent", "undefined", "undefined"]  # the list's first two
    client.set_cookie("lang", "fr_CA")
    assert "Cocher les 2 premiers des 4 rendez-vous trouvés" in _names(client)


def test_tick_all_within_the_most_one_action_handles_says_all(
        client: Any, auth: Any, clinic: Any) -> None:
    auth.login(Role.GESTION1)
    assert "Tick all 4 matching" in _names(client)
    asked = text(client.post("/admin/followup/bulk", data={"all": "1", "action": "absent"},
                             headers=HX))
    assert "“Mark absent”: 4 appointments. Go ahead?" in asked
    assert "One action handles at most" not in asked


def test_consultation_cannot_mark(client: Any, auth: Any, clinic: Any) -> None:
    auth.login(Role.CONSULTATION1)
    assert 'name="action"' not in text(client.get("/admin/followup/"))
    response = client.post("/admin/followup/bulk", data={
        "id": [str(clinic["cote"].id)], "action": "present", "confirmed": "1"})
    assert response.status_code == 403


def test_bad_attendance_changes_nothing(client: Any, auth: Any, clinic: Any) -> None:
    auth.login(Role.GESTION1)
    page = text(client.post("/admin/followup/bulk", follow_redirects=True, data={
        "id": [str(clinic["cote"].id)], "action": "drop", "confirmed": "1"}))
    assert "Tick at least one appointment and choose an action." in page
    db.session.expire_all()
    assert db.session.get(Appointment, clinic["cote"].id).attendance == "undefined"


def test_bulk_confirm_and_cancel(client: Any, auth: Any, clinic: Any) -> None:
    auth.login(Role.GESTION1)
    cote, roy = clinic["cote"], clinic["roy"]
    ids = [str(cote.id), str(roy.id), str(clinic["cancelled"].id)]
    page = text(client.post("/admin/followup/bulk", follow_redirects=True, data={
        "id": ids[:2], "action": "confirm", "confirmed": "1"}))
    assert "2 done." in page
    page = text(client.post("/admin/followup/bulk", follow_redirects=True, data={
        "id": ids[:2], "action": "confirm", "confirmed": "1"}))
    assert "0 done." in page and "2 already confirmed" in page
    # a cancellation asks for its reason and changes nothing without it
    asked = text(client.post("/admin/followup/bulk", data={
        "id": ids, "action": "cancel", "confirmed": "1"}))
    assert "Give the reason for the cancellation." in asked
    db.session.expire_all()
    assert db.session.get(Appointment, cote.id).status == "confirmed"
    later = clinic["tomorrow"]
    later.send_email, later.patient.email = True, "luc@example.org"
    db.session.commit()
    booked_before = later.slot.booked
    page = text(client.post("/admin/followup/bulk", follow_redirects=True, data={
        "id": [str(later.id), str(clinic["cancelled"].id)], "action": "cancel",
        "reason": "Pharmacist ill", "confirmed": "1"}))
    assert "1 done." in page and "1 already cancelled" in page
    db.session.expire_all()
    cancelled = db.session.get(Appointment, later.id)
    assert (cancelled.status, cancelled.cancel_reason) == ("cancelled", "Pharmacist ill")
    assert cancelled.slot.booked == booked_before - 1
    assert db.session.scalar(select(Message.recipient).where(
        Message.appointment_id == later.id, Message.kind == "cancelled_by_staff")) == \
        "luc@example.org"


def test_excel_export_of_the_whole_filtered_list(client: Any, auth: Any, clinic: Any) -> None:
    import io

    from openpyxl import load_workbook
    clinic["roy"].patient.last_name = "=HYPERLINK(\"http://x\")"
    clinic["roy"].comment = "@SUM(A1)"
    db.session.commit()
    auth.login(Role.GESTION1)
    response = client.get("/admin/followup/export.xlsx?report=all")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Date", "Time", "Confirmation number", "Last name")
    assert len(rows) == 1 + 5  # today's four and the cancelled one
    cote = next(r for r in rows if r[2] == clinic["cote"].coupon)
    assert cote[3] == "Côté" and cote[5].date() == date(1950, 3, 4) and cote[0].date() == local_today()
    roy = next(r for r in rows if r[2] == clinic["roy"].coupon)
    assert roy[3] == "'=HYPERLINK(\"http://x\")" and roy[17] == "'@SUM(A1)"
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "access.followup_export"))
    assert entry.details["rows"] == 5 and entry.details["filters"]["report"] == "all"


def test_export_in_french_and_in_scope(client: Any, auth: Any, clinic: Any) -> None:
    import io

    from openpyxl import load_workbook
    make_user(Role.CONSULTATION2, teams=[clinic["world"].other_team])
    auth.login(Role.CONSULTATION2)
    client.set_cookie("lang", "fr_CA")
    rows = list(load_workbook(io.BytesIO(client.get("/admin/followup/export.xlsx").data))
                .active.iter_rows(values_only=True))
    assert rows[0][2] == "Numéro de confirmation"
    assert [r[2] for r in rows[1:]] == [clinic["other_team"].coupon]


def test_check_in_by_coupon_number(client: Any, auth: Any, clinic: Any) -> None:
    auth.login(Role.GESTION1)
    cote = clinic["cote"]
    for appointment, coupon in zip((cote, clinic["cancelled"], clinic["tomorrow"]),
                                   ("ACD347", "ACD349", "ACD374"), strict=True):
        appointment.coupon = coupon  # the factory's coupons are not in the coupon alphabet
    db.session.commit()
    typed = cote.coupon[:3].lower() + " " + cote.coupon[3:]
    page = text(client.post("/admin/followup/check-in", data={"number": typed},
                            follow_redirects=True))
    assert f"Jean Côté ({cote.coupon}) is marked present." in page
    db.session.expire_all()
    assert db.session.get(Appointment, cote.id).attendance == "present"
    for number, said in (("ZZZZZZ", "No appointment has the number “ZZZZZZ”."),
                         ("<b>" * 50, "No appointment has the number"),
                         (clinic["cancelled"].coupon, "was cancelled"),
                         (clinic["tomorrow"].coupon, "not today")):
        page = text(client.post("/admin/followup/check-in", data={"number": number},
                                follow_redirects=True))
        assert said in page
    db.session.expire_all()
    assert db.session.get(Appointment, clinic["tomorrow"].id).attendance == "undefined"


def test_check_in_out_of_team_and_read_only(client: Any, auth: Any, clinic: Any) -> None:
    make_user(Role.GESTION3, teams=[clinic["world"].other_team])
    auth.login(Role.GESTION3)
    page = text(client.post("/admin/followup/check-in", follow_redirects=True,
                            data={"number": clinic["cote"].coupon}))
    assert "No appointment has the number" in page
    auth.logout()
    auth.login(Role.CONSULTATION1)
    assert client.post("/admin/followup/check-in", data={"number": "x"}).status_code == 403


def test_search_and_bulk_on_sqlite_and_postgresql(any_db_app: Any) -> None:
    """The same folded-name, phone and email search, and the same bulk update, on both."""
    world = make_world(days_ahead=1, per_slot=2)
    slots = world.slots
    cote = _book(slots[0], world.service, "Jean", "Côté", date(1950, 3, 4), "418 555-0100",
                 "Jean.Cote@example.org")
    _book(slots[1], world.service, "Léa", "Roy", date(1980, 1, 2))
    day = (local_today() + timedelta(days=1)).isoformat()

    def found(**args: str) -> list[str]:
        query = followup.parse(MultiDict({"day": day, **args}))
        return [r.appointment.patient.last_name for r in followup.build(query, None, None).rows]

    assert found(last_name="COTE") == ["Côté"]
    assert found(first_name="jéan", phone="418.555.0100", email="jean.cote") == ["Côté"]
    assert found(last_name="100%_") == []
    assert found(sort="name") == ["Côté", "Roy"]
    result = followup.set_attendance([cote.id], "absent", None, None)
    assert result.done == 1
    assert followup.set_attendance([cote.id], "absent", None, None).skipped == {"unchanged": 1}
    # the free places, filtered by service and team, and a follow-up sent once
    query = followup.parse(MultiDict({"day": day, "service": str(world.service.id),
                                      "team": str(world.team.id), "location": "1"}))
    free = followup.availability(query, None, None)
    assert sum(f.places for f in free) == sum(s.capacity - s.booked for s in slots)
    assert [r.appointment.id for r in followup.build(query, None, None).rows][:1] == [cote.id]
    cote.send_email = True
    db.session.commit()
    sent = followup_messages.send("send_followup", [cote.id], None, None, None)
    again = followup_messages.send("send_followup", [cote.id], None, None, None)
    assert (sent.done, again.skipped) == (1, {"waiting": 1})
