"""The Schedules menu through the client: calendar, dialogs, padlocks, clone, bad input."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from webapp.accounts.roles import Role
from webapp.extensions import db
from webapp.models import Appointment, ScheduleBlock, Slot
from webapp.timeutil import local_today

from .factories import make_world, slots_of, take_places
from .helpers import HX, text

TODAY = local_today()  # frozen for the app by the fixture: one date for the whole test
DAY = TODAY + timedelta(days=9 - TODAY.weekday())  # next week's Wednesday
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


@pytest.fixture
def world(app, client, auth):
    app.config["TODAY"] = TODAY
    world = make_world()
    auth.login(Role.GESTION1)
    client.set_cookie("lang", "en")
    return world


def count_blocks():
    return db.session.scalar(select(func.count()).select_from(ScheduleBlock))


def block_form(world, **changes):
    values = {"location": str(world.location.id), "day": DAY.isoformat(), "start": "09:00",
              "end": "13:00", "team": str(world.team.id), "services": [str(world.service.id)],
              "per_slot": "1", "online_open": "y"}
    values.update(changes)
    return values


# --- Calendar (SCH-1, SCH-7) -----------------------------------------------------------

def test_week_view_shows_blocks_in_team_columns(client, world):
    world.add_block(DAY, "09:00", "13:00", per_slot=4)
    world.add_block(DAY, "09:00", "12:00", team=world.other_team, online_open=False)
    page = text(client.get(f"/admin/schedules/?location={world.location.id}&date={DAY}"))
    assert "Équipe A" in page and "Équipe B" in page
    assert "09:00 – 13:00" in page and "64 left of 64" in page and "12 left of 12" in page
    assert "64/64" not in page
    assert 'class="cal-block gc-' in page and "is-locked" in page and "is-open" in page
    sunday, saturday = DAY - timedelta(days=3), DAY + timedelta(days=3)  # Canadian English:
    assert f"{MONTHS[sunday.month - 1]} {sunday.day}" in page  # "Jun 7"
    assert f"{MONTHS[saturday.month - 1]} {saturday.day}" in page


def test_two_and_three_teams_show_side_by_side(client, world):
    from .factories import make_team

    team_c = make_team("Équipe C", [world.location], [world.service], position=3)
    world.add_block(DAY, "07:00", "15:00", per_slot=5)
    world.add_block(DAY, "07:00", "15:00", per_slot=5, team=world.other_team)
    world.add_block(DAY, "07:00", "15:00", per_slot=5, team=team_c)
    page = text(client.get(f"/admin/schedules/?view=day&date={DAY}"))
    assert page.count('class="cal-teamhead') == 3
    assert "gc-2 gr-3" in page and "gc-3 gr-3" in page and "gc-4 gr-3" in page
    assert "480 left of 480" in page  # the day's total, guide §3.2 example 5


def test_month_view_shows_what_is_left_and_the_day_padlock(client, world):
    block = world.add_block(DAY, per_slot=2)
    world.add_block(DAY, "13:00", "14:00", team=world.other_team, online_open=False)
    take_places(slots_of(block)[0], world.service, 2)
    page = text(client.get(f"/admin/schedules/?view=month&date={DAY}"))
    assert "<strong>34</strong>" in page and "of 36" in page
    assert f'id="daylock-{DAY}" class="padlock-btn mixed"' in page


def test_filters_stay_in_the_url(client, world):
    world.add_block(DAY)
    url = (f"/admin/schedules/?location={world.location.id}&view=day&date={DAY}&show=appointments"
           f"&service={world.service.id}&team={world.team.id}&from=7&to=20&step=5")
    page = text(client.get(url))
    assert "step=5" in page and "from=7" in page and "show=appointments" in page
    assert f"date={DAY + timedelta(days=1)}" in page  # the "next" link keeps the filters
    assert 'value="5" selected' in page
    assert page.count('class="cal-hour') == 13


def test_service_and_team_filters(client, world):
    world.add_block(DAY, services=[world.other_service])
    world.add_block(DAY, team=world.other_team)
    page = text(client.get(f"/admin/schedules/?view=day&date={DAY}&service={world.service.id}"))
    assert page.count('class="cal-block') == 1
    page = text(client.get(f"/admin/schedules/?view=day&date={DAY}&team={world.team.id}"))
    assert page.count('class="cal-teamhead') == 1


def test_the_bubble_tells_hours_team_services_capacity_and_remaining(client, world):
    block = world.add_block(DAY, per_slot=2, services=[world.service, world.other_service])
    take_places(slots_of(block)[0], world.service)
    page = text(client.get(f"/admin/schedules/?view=day&date={DAY}"))
    bubble = page[page.index(f'id="bubble-{block.id}"'):]
    bubble = bubble[:bubble.index("</div>")]
    assert "09:00 – 13:00" in bubble and "Équipe A" in bubble
    assert "COVID-19 – 1st dose (15 min)" in bubble and "2nd dose" in bubble
    assert "Capacity: 32 appointments (2 per slot)" in bubble and "31 left of 32" in bubble


def test_htmx_gets_the_fragment_only(client, world):
    response = client.get(f"/admin/schedules/?date={DAY}", headers=HX)
    assert response.status_code == 200 and "<html" not in text(response)
    assert 'id="schedule"' in text(response) and "HX-Request" in response.headers["Vary"]
    restore = client.get(f"/admin/schedules/?date={DAY}",
                         headers={**HX, "HX-History-Restore-Request": "true"})
    assert "<html" in text(restore)


@pytest.mark.parametrize("query, words", [
    ("date=2026-13-45", "Unknown date"),
    ("date=10/06/2026", "YYYY-MM-DD"),
    ("view=year", "day, week or month"),
    ("step=7", "5, 10, 15 or 30"),
    ("from=20&to=8", "must come after"),
    ("from=abc", "from 0 to 24"),
    ("team=x", "Choose from the list"),
])
def test_bad_calendar_urls_get_a_message(client, world, query, words):
    response = client.get(f"/admin/schedules/?{query}")
    assert response.status_code == 200 and words in text(response)


def test_unknown_location_is_404(client, world):
    assert client.get("/admin/schedules/?location=999").status_code == 404


def test_french_by_default(client, world):
    client.delete_cookie("lang")
    page = text(client.get("/admin/schedules/"))
    assert "Nouvelle plage horaire" in page and "Filtres" in page


# --- Create (SCH-2) ----------------------------------------------------------------------

def test_the_dialog_is_prefilled_from_a_drag(client, world):
    url = (f"/admin/schedules/blocks/new?location={world.location.id}&date={DAY}"
           f"&start=10:30&end=12:00&team={world.other_team.id}")
    response = client.get(url, headers=HX)
    page = text(response)
    assert "<html" not in page and 'value="10:30"' in page and 'value="12:00"' in page
    assert f'<option selected value="{world.other_team.id}">' in page
    assert "6 appointments" in page
    assert "<html" in text(client.get(url))  # the same form as a plain page


def test_creating_a_block(client, world):
    response = client.post("/admin/schedules/blocks/new", data=block_form(world, per_slot="4"))
    assert response.status_code == 302 and f"date={DAY}" in response.headers["Location"]
    block = db.session.scalars(select(ScheduleBlock)).one()
    assert sum(s.capacity for s in block.slots) == 64 and block.online_open
    page = text(client.get(response.headers["Location"]))
    assert "Time block saved: 64 appointments." in page


def test_creating_from_the_dialog_closes_it_and_refreshes_the_calendar(client, world):
    response = client.post("/admin/schedules/blocks/new", data=block_form(world), headers=HX)
    assert response.status_code == 204
    assert json.loads(response.headers["HX-Trigger"]) == {"schedule-changed": {},
                                                          "close-dialog": {}}
    assert count_blocks() == 1


@pytest.mark.parametrize("changes, words", [
    ({"end": "08:00"}, "The end must be after the start."),
    ({"start": "22:00", "end": "02:00"}, "cannot run past midnight"),
    ({"per_slot": "0"}, "at least one appointment per slot"),
    ({"per_slot": "-2"}, "at least one appointment per slot"),
    ({"per_slot": "lots"}, "whole number"),
    ({"day": "10/06/2026"}, "YYYY-MM-DD"),
    ({"start": "9h7x"}, "HH:MM"),
    ({"services": []}, "Choose at least one service."),
    ({"services": ["999"]}, "Choose the services from the list."),
    ({"team": "abc"}, "Choose a team."),
])
def test_bad_input_is_refused_with_a_message(client, world, changes, words):
    response = client.post("/admin/schedules/blocks/new", data=block_form(world, **changes),
                           headers=HX)
    assert response.status_code == 200 and words in text(response)
    assert count_blocks() == 0


def test_a_team_or_service_not_associated_with_the_location_is_refused(client, world):
    from .factories import make_service, make_team

    outsider = make_team("Ailleurs", [world.other_location], [world.service])
    response = client.post("/admin/schedules/blocks/new", data=block_form(
        world, team=str(outsider.id)))
    assert "is not associated with Pharmacie A" in text(response)
    zona = make_service("Zona", duration=15)
    response = client.post("/admin/schedules/blocks/new", data=block_form(
        world, services=[str(world.service.id), str(zona.id)]))
    assert "Zona is not offered by Équipe A at Pharmacie A" in text(response)
    assert count_blocks() == 0


def test_services_of_different_durations_are_refused(client, world):
    from .factories import make_service

    long = make_service("Long", duration=20)
    world.team.services.append(long)
    db.session.commit()
    response = client.post("/admin/schedules/blocks/new", data=block_form(
        world, services=[str(world.service.id), str(long.id)]))
    assert "must all have the same duration" in text(response)
    assert count_blocks() == 0


def test_overlapping_blocks_of_a_team_are_refused(client, world):
    world.add_block(DAY, "10:00", "11:00")
    response = client.post("/admin/schedules/blocks/new", data=block_form(world))
    assert "Équipe A already has a time block from 10:00 to 11:00" in text(response)
    assert count_blocks() == 1


def test_the_calculator_updates_as_the_person_types(client, world):
    base = f"/admin/schedules/blocks/calculator?services={world.service.id}&day={DAY}"
    assert "16 appointments" in text(client.get(base + "&start=09:00&end=13:00&per_slot=1"))
    assert "128 appointments" in text(client.get(base + "&start=07:00&end=15:00&per_slot=4"))
    page = text(client.get(base + "&start=09:00&end=09:40&per_slot=1"))
    assert "2 appointments" in page and "the last 10 min cannot be used" in page
    spring = f"/admin/schedules/blocks/calculator?services={world.service.id}&day=2026-03-08"
    page = text(client.get(spring + "&start=00:00&end=04:00&per_slot=1"))
    assert "12 appointments" in page and "The clocks change this day" in page
    assert "Enter the start and end times" in text(client.get(base + "&start=&end="))


def test_only_the_teams_eligible_services_are_offered(client, world):
    from .factories import make_service, make_team

    zona = make_service("Zona", duration=15)
    solo = make_team("Solo", [world.location], [zona])
    page = text(client.get(f"/admin/schedules/blocks/team-part?location={world.location.id}"
                           f"&team={solo.id}&services={world.service.id}"))
    assert "Zona" in page and "COVID" not in page
    assert 'id="calculator"' in page and 'hx-swap-oob="true"' in page


# --- Edit and delete (SCH-3) -----------------------------------------------------------

def test_editing_every_field(client, world):
    block = world.add_block(DAY)
    page = text(client.get(f"/admin/schedules/blocks/{block.id}/edit", headers=HX))
    assert 'name="version" type="hidden" value="1"' in page
    response = client.post(f"/admin/schedules/blocks/{block.id}/edit", data=block_form(
        world, version="1", day=(DAY + timedelta(days=1)).isoformat(), start="08:00",
        end="10:00", team=str(world.other_team.id), services=[str(world.other_service.id)], per_slot="3",
        online_open=""))
    assert response.status_code == 302
    db.session.expire_all()
    block = db.session.get(ScheduleBlock, block.id)
    assert (block.day, block.team_id, block.per_slot_capacity, block.online_open) == (
        DAY + timedelta(days=1), world.other_team.id, 3, False)
    assert len(slots_of(block)) == 8 and block.services == [world.other_service]


def test_a_second_tab_gets_a_changed_meanwhile_message(client, world):
    block = world.add_block(DAY)
    client.post(f"/admin/schedules/blocks/{block.id}/edit",
                data=block_form(world, version="1", per_slot="2"))
    response = client.post(f"/admin/schedules/blocks/{block.id}/edit",
                           data=block_form(world, version="1", per_slot="5"), headers=HX)
    page = text(response)
    assert "changed meanwhile" in page and 'value="2"' in page
    assert [s.capacity for s in slots_of(block)] == [2] * 16


def test_lowering_below_what_is_booked_names_the_slots(client, world):
    block = world.add_block(DAY, per_slot=3)
    take_places(slots_of(block)[2], world.service, 3)
    response = client.post(f"/admin/schedules/blocks/{block.id}/edit",
                           data=block_form(world, version="1", per_slot="2"))
    assert "09:30 (3 booked)" in text(response)
    response = client.post(f"/admin/schedules/blocks/{block.id}/edit",
                           data=block_form(world, version="1", end="09:15"))
    assert "09:30 (3 booked)" in text(response)
    assert len(slots_of(block)) == 16


def test_unknown_blocks_are_404(client, world):
    for url in ("/admin/schedules/blocks/999/edit", "/admin/schedules/blocks/999/delete"):
        assert client.get(url).status_code == 404
    assert client.post("/admin/schedules/blocks/999/padlock", data={"open": "0"}).status_code == 404


def test_deleting_a_block_with_bookings_asks_first(client, world):
    block = world.add_block(DAY)
    [appointment] = take_places(slots_of(block)[0], world.service)
    page = text(client.get(f"/admin/schedules/blocks/{block.id}/delete", headers=HX))
    assert "holds 1 booked appointment" in page and "Keep the time block" in page
    client.post(f"/admin/schedules/blocks/{block.id}/delete", data={"version": "1",
                                                                    "choice": "keep"})
    assert count_blocks() == 1
    response = client.post(f"/admin/schedules/blocks/{block.id}/delete",
                           data={"version": "1", "choice": "cancel", "reason": ""})
    assert "Say why" in text(response) and count_blocks() == 1
    response = client.post(f"/admin/schedules/blocks/{block.id}/delete",
                           data={"version": "1", "choice": "cancel", "reason": "Closed"},
                           headers=HX)
    assert response.status_code == 204 and count_blocks() == 0
    appointment = db.session.get(Appointment, appointment.id)
    assert appointment.status == "cancelled" and appointment.cancelled_by_id is not None


def test_deleting_a_free_block(client, world):
    block = world.add_block(DAY)
    page = text(client.get(f"/admin/schedules/blocks/{block.id}/delete"))
    assert "No appointment is booked" in page
    response = client.post(f"/admin/schedules/blocks/{block.id}/delete",
                           data={"version": "1", "choice": "cancel"})
    assert response.status_code == 302 and count_blocks() == 0


# --- Padlocks (SCH-5) ------------------------------------------------------------------

def test_a_block_padlock_toggles_in_place(client, world):
    block = world.add_block(DAY)
    world.add_block(DAY, team=world.other_team)
    response = client.post(f"/admin/schedules/blocks/{block.id}/padlock?view=week&date={DAY}"
                           f"&location={world.location.id}", data={"open": "0"}, headers=HX)
    page = text(response)
    assert f'id="block-{block.id}"' in page and "is-locked" in page
    assert f'id="dayhead-{DAY}"' in page and 'hx-swap-oob="true"' in page
    assert "padlock-btn mixed" in page
    assert not any(s.online_open for s in slots_of(block))
    assert client.post(f"/admin/schedules/blocks/{block.id}/padlock",
                       data={"open": "maybe"}).status_code == 400


def test_a_day_padlock_sets_every_block(client, world):
    first = world.add_block(DAY)
    second = world.add_block(DAY, team=world.other_team, online_open=False)
    response = client.post(f"/admin/schedules/days/padlock?view=day&date={DAY}",
                           data={"location": world.location.id, "day": DAY.isoformat(),
                                 "open": "1"})
    assert response.status_code == 302
    db.session.expire_all()
    assert all(s.online_open for s in slots_of(first) + slots_of(second))
    page = text(client.post(f"/admin/schedules/days/padlock?view=day&date={DAY}",
                            data={"location": world.location.id, "day": DAY.isoformat(),
                                  "open": "0"}, headers=HX))
    assert 'id="schedule"' in page and "padlock-btn locked" in page
    assert client.post("/admin/schedules/days/padlock", data={
        "location": world.location.id, "day": "10/06", "open": "1"}).status_code == 400


# --- Clone (SCH-4) ---------------------------------------------------------------------

def test_clone_dialog_lists_the_ticked_days_and_suggests_the_typical_day(client, world):
    world.add_block(TODAY - timedelta(days=3))
    page = text(client.get(f"/admin/schedules/clone?location={world.location.id}"
                           f"&target={DAY}&target={DAY + timedelta(days=1)}", headers=HX))
    assert f'value="{DAY}" checked' in page
    assert f'value="{DAY + timedelta(days=1)}" checked' in page
    assert f'value="{TODAY - timedelta(days=3)}"' in page and "16 left of 16" in page


def test_cloning_reports_blocks_and_places_per_day(client, world):
    source = TODAY - timedelta(days=3)
    world.add_block(source, per_slot=2)
    world.add_block(DAY + timedelta(days=1), "12:00", "14:00")
    response = client.post("/admin/schedules/clone", headers=HX, data={
        "location": world.location.id, "source": source.isoformat(),
        "target": [DAY.isoformat(), (DAY + timedelta(days=1)).isoformat()]})
    page = text(response)
    assert json.loads(response.headers["HX-Trigger"]) == {"schedule-changed": {}}
    assert "time blocks created: 1; appointment places created: 32" in page
    assert "Skipped:" in page and "12:00 to 14:00" in page


def test_cloning_a_range_of_weekdays(client, world):
    source, monday = TODAY - timedelta(days=3), DAY - timedelta(days=2)
    world.add_block(source)
    client.post("/admin/schedules/clone", data={
        "location": world.location.id, "source": source.isoformat(),
        "range_from": monday.isoformat(), "range_to": (monday + timedelta(days=60)).isoformat(),
        "weekdays": ["0", "2", "4"]})
    assert count_blocks() == 1 + 27  # 8 weeks of Monday, Wednesday, Friday; then Mon to Fri


SOURCE, FRIDAY = TODAY - timedelta(days=3), DAY + timedelta(days=2)
EMPTY = TODAY - timedelta(days=31)


@pytest.mark.parametrize("form, words", [
    ({"target": [str(TODAY - timedelta(days=12))]}, "in the past"),
    ({"target": [str(FRIDAY)], "source": str(FRIDAY)}, "also ticked as a target"),
    ({"target": [str(FRIDAY)], "source": f"{SOURCE:%d/%m/%Y}"}, "YYYY-MM-DD"),
    ({"target": ["12 juin"]}, "Unknown dates"),
    ({"target": []}, "Tick at least one day"),
    ({"target": [str(FRIDAY)], "source": str(EMPTY)}, f"no time block on {EMPTY}"),
])
def test_bad_clones_are_refused(client, world, form, words):
    world.add_block(SOURCE)
    data = {"location": world.location.id, "source": str(SOURCE), **form}
    response = client.post("/admin/schedules/clone", data=data, headers=HX)
    assert response.status_code == 200 and words in text(response)
    assert count_blocks() == 1


def test_a_typical_day_may_be_created_in_the_past(client, world):
    response = client.post("/admin/schedules/blocks/new", data=block_form(
        world, day=str(TODAY - timedelta(days=150))))
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Slot)) == 16


def test_views_run_a_fixed_number_of_queries(client, world, app):
    """No query per block, slot or team: the count does not grow with the schedule."""
    from sqlalchemy import event

    from .factories import make_team

    def queries(url):
        db.session.remove()  # a fresh session, as each request has in production
        seen = []
        listener = lambda *args: seen.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            assert client.get(url).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    world.add_block(DAY)
    queries("/admin/schedules/")  # the first request of a session loads a little more
    small = {view: queries(f"/admin/schedules/?view={view}&date={DAY}")
             for view in ("day", "week", "month")}
    world = make_world_again(world)
    for n in range(6):
        team = make_team(f"Renfort {n}", [world.location], [world.service, world.other_service])
        for day in range(7):
            world.add_block(DAY + timedelta(days=day - 3), "07:00", "15:00", per_slot=5,
                            team=team, services=[world.service, world.other_service])
    large = {view: queries(f"/admin/schedules/?view={view}&date={DAY}")
             for view in ("day", "week", "month")}
    assert large == small


def make_world_again(world):
    """The same world, attached to the current session."""
    from dataclasses import fields

    return type(world)(**{f.name: db.session.merge(value) if value is not None else None
                          for f in fields(world) for value in [getattr(world, f.name)]})


def test_without_javascript_a_button_shows_the_new_teams_services(client, world):
    from .factories import make_service, make_team

    zona = make_service("Zona", duration=15)
    solo = make_team("Solo", [world.location], [zona])
    response = client.post("/admin/schedules/blocks/new", data=block_form(
        world, team=str(solo.id), refresh="1"))
    page = text(response)
    assert count_blocks() == 0
    assert f'name="services" value="{zona.id}" checked' in page and "COVID" not in page


def test_deleting_from_an_older_copy_says_it_changed(client, world):
    block = world.add_block(DAY)
    client.post(f"/admin/schedules/blocks/{block.id}/padlock", data={"open": "0"})
    response = client.post(f"/admin/schedules/blocks/{block.id}/delete",
                           data={"version": "1", "choice": "cancel"})
    assert "changed meanwhile" in text(response) and count_blocks() == 1
    assert 'name="version" type="hidden" value="2"' in text(response)


def test_absurd_location_ids_are_404_not_500(client, world):
    # With a location to show (without any, the page says so and never reads the id).
    for raw in ("99999999999999999999", "9223372036854775808"):
        assert client.get(f"/admin/schedules/?location={raw}").status_code == 404
