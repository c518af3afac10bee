"""Who reads and who edits the schedules: roles, own teams and location scope."""
from __future__ import annotations

from datetime import timedelta

import pytest

from webapp.accounts.roles import Role
from webapp.extensions import db
from webapp.models import User
from webapp.timeutil import local_today

from .factories import make_world, slots_of

TODAY = local_today()  # frozen for the app by the fixture
DAY = TODAY + timedelta(days=9 - TODAY.weekday())  # next week's Wednesday


@pytest.fixture
def world(app, client):
    app.config["TODAY"] = TODAY
    client.set_cookie("lang", "en")
    return make_world()


def sign_in(auth, role, teams=(), location=None):
    email = f"{role.value}-x@test.example"
    auth.login(role, email=email)
    user = User.by_email(email)
    user.teams = list(teams)
    user.roles[0].location_id = location.id if location else None
    db.session.commit()
    return user


def edits(client, block):
    return {
        "edit": client.get(f"/admin/schedules/blocks/{block.id}/edit").status_code,
        "delete": client.get(f"/admin/schedules/blocks/{block.id}/delete").status_code,
        "padlock": client.post(f"/admin/schedules/blocks/{block.id}/padlock",
                               data={"open": "0"}).status_code,
    }


def test_pilot_has_no_access(client, auth, world):
    sign_in(auth, Role.PILOTE)
    assert client.get("/admin/schedules/").status_code == 403


@pytest.mark.parametrize("role", [Role.GESTION2, Role.CONSULTATION1])
def test_readers_see_every_team_but_change_nothing(client, auth, world, role):
    block = world.add_block(DAY)
    world.add_block(DAY, team=world.other_team)
    sign_in(auth, role)
    page = client.get(f"/admin/schedules/?date={DAY}").get_data(as_text=True)
    assert page.count('class="cal-block') == 2
    assert "New time block" not in page and "padlock-btn" not in page
    assert 'hx-trigger="dblclick"' not in page and 'name="target"' not in page
    assert edits(client, block) == {"edit": 403, "delete": 403, "padlock": 403}
    assert client.get(f"/admin/schedules/blocks/new?location={world.location.id}").status_code \
        == 403
    assert client.post("/admin/schedules/clone", data={
        "location": world.location.id, "source": str(TODAY - timedelta(days=3)),
        "target": [str(DAY + timedelta(days=2))]}).status_code == 403
    assert client.post("/admin/schedules/days/padlock", data={
        "location": world.location.id, "day": DAY.isoformat(), "open": "0"}).status_code == 403
    assert all(s.online_open for s in slots_of(block))


def test_management_3_edits_only_its_own_teams(client, auth, world):
    own = world.add_block(DAY)
    other = world.add_block(DAY, team=world.other_team)
    sign_in(auth, Role.GESTION3, teams=[world.team])
    page = client.get(f"/admin/schedules/?date={DAY}").get_data(as_text=True)
    assert f'id="block-{own.id}"' in page and f'id="block-{other.id}"' not in page
    assert "Équipe B" not in page
    assert edits(client, other) == {"edit": 403, "delete": 403, "padlock": 403}
    assert edits(client, own)["edit"] == 200
    form = client.get(f"/admin/schedules/blocks/new?location={world.location.id}")
    assert "Équipe B" not in form.get_data(as_text=True)
    response = client.post("/admin/schedules/blocks/new", data={
        "location": world.location.id, "day": DAY.isoformat(), "start": "14:00", "end": "15:00",
        "team": world.other_team.id, "services": [world.service.id], "per_slot": "1"})
    assert "your own teams" in response.get_data(as_text=True)
    client.post("/admin/schedules/days/padlock", data={
        "location": world.location.id, "day": DAY.isoformat(), "open": "0"})
    db.session.expire_all()
    assert all(s.online_open for s in slots_of(other))  # another team's block is untouched
    assert not any(s.online_open for s in slots_of(own))


def test_consultation_2_reads_only_its_own_teams(client, auth, world):
    own = world.add_block(DAY)
    other = world.add_block(DAY, team=world.other_team)
    sign_in(auth, Role.CONSULTATION2, teams=[world.team])
    page = client.get(f"/admin/schedules/?date={DAY}").get_data(as_text=True)
    assert f'id="block-{own.id}"' in page and f'id="block-{other.id}"' not in page
    assert edits(client, own) == {"edit": 403, "delete": 403, "padlock": 403}


def test_a_role_limited_to_a_location_cannot_reach_another(client, auth, world):
    block = world.add_block(DAY)
    sign_in(auth, Role.GESTION1, location=world.other_location)
    page = client.get("/admin/schedules/").get_data(as_text=True)
    assert "Pharmacie B" in page and 'id="sch-location"' not in page  # only its location
    assert client.get(f"/admin/schedules/?location={world.location.id}").status_code == 403
    assert edits(client, block) == {"edit": 403, "delete": 403, "padlock": 403}
    assert client.get(f"/admin/schedules/blocks/new?location={world.location.id}").status_code \
        == 403
    assert client.get(f"/admin/schedules/clone?location={world.location.id}").status_code == 403
    assert client.post("/admin/schedules/days/padlock", data={
        "location": world.location.id, "day": DAY.isoformat(), "open": "0"}).status_code == 403
    assert client.get(f"/admin/schedules/blocks/team-part?location={world.location.id}"
                      ).status_code == 403


def test_management_1_edits_everything(client, auth, world):
    block = world.add_block(DAY, team=world.other_team)
    client.post("/admin/logout")
    sign_in(auth, Role.GESTION1)
    assert edits(client, block) == {"edit": 200, "delete": 200, "padlock": 302}


def test_management_3_is_offered_only_the_locations_of_its_teams(client, auth, world):
    """Issue 17, point 7: no location where its teams do not work, and a note says why."""
    sign_in(auth, Role.GESTION3, teams=[world.team])
    for screen in ("schedules", "appointments"):
        page = client.get(f"/admin/{screen}/?date={DAY}").get_data(as_text=True)
        assert "Pharmacie A" in page and "Pharmacie B" not in page, screen
        assert "Only the locations where your teams work are shown" in page, screen
        other = client.get(f"/admin/{screen}/?location={world.other_location.id}&date={DAY}")
        assert other.status_code == 403, screen
    assert client.get(f"/admin/appointments/book?location={world.other_location.id}"
                      ).status_code == 403
    client.post("/admin/logout")
    sign_in(auth, Role.GESTION1)
    page = client.get(f"/admin/schedules/?date={DAY}").get_data(as_text=True)
    assert "Pharmacie B" in page and "Only the locations" not in page
