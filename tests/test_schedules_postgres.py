"""The schedules on PostgreSQL: bulk inserts, version checks, capacity under bookings."""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask_babel import force_locale

from webapp.accounts.roles import Role
from webapp.extensions import db
from webapp.models import ScheduleBlock
from webapp.scheduling.blocks import ScheduleError, StaleBlock, delete_block, update_block
from webapp.scheduling.cloning import clone_day
from webapp.timeutil import local_today

from .conftest import make_app
from .factories import PASSWORD, make_user, make_world, slots_of, take_places
from .test_schedules_domain import data

TODAY = local_today()  # frozen for the app below


@pytest.mark.postgres
def test_schedules_on_postgresql(tmp_path, postgres_url):
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=postgres_url, TODAY=TODAY)
    with app.app_context(), force_locale("en"):
        world = make_world()
        typical = world.add_block(TODAY - timedelta(days=18), per_slot=3)
        booked = slots_of(typical)[1]
        take_places(booked, world.service, 2)
        update_block(typical, data(world, day=typical.day, per_slot=4), typical.version)
        db.session.commit()
        assert [s.capacity for s in slots_of(typical)] == [4] * 16
        with pytest.raises(ScheduleError):
            update_block(typical, data(world, day=typical.day, per_slot=1), typical.version)
        db.session.rollback()
        with pytest.raises(StaleBlock):
            update_block(typical, data(world, day=typical.day, per_slot=5), 1)
        db.session.rollback()
        report = clone_day(world.location, typical.day,
                           [TODAY + timedelta(days=i) for i in range(5)], TODAY)
        db.session.commit()
        # one block a day: the partly booked slot keeps its 2 places inside it
        assert report.blocks == 5 and report.places == 5 * (15 * 4 + 2)
        assert delete_block(typical, cancel_appointments=True, reason="Closed") == 2
        db.session.commit()
        assert db.session.get(ScheduleBlock, typical.id) is None
        make_user(Role.GESTION1)
        client = app.test_client()
        client.post("/admin/login", data={"email": "gestion1@test.example", "password": PASSWORD})
        places_left = {"day": "62 restants sur 62", "week": "62 restants sur 62",
                       "month": '<p class="md-left"><strong>62</strong> <span>restants</span></p>'}
        for view, said in places_left.items():
            page = client.get(f"/admin/schedules/?view={view}&date={TODAY}")
            assert page.status_code == 200 and said in page.get_data(as_text=True), view
        db.session.remove()
        db.engine.dispose()
