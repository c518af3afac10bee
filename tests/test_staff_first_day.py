"""The rest of issue 17: the printed coupon, elision of team names, the help page per role,
the clone preview and merged remainders, the grid step chosen from the services shown."""
from __future__ import annotations

import re
from datetime import timedelta

from webapp.accounts.roles import Role
from webapp.timeutil import local_today

from .factories import make_world, take_places


def _day(days: int = 2) -> str:
    return (local_today() + timedelta(days=days)).isoformat()


def test_printed_coupon_leaves_the_internal_comment_off(client, auth):
    world = make_world(days_ahead=2)
    appointment = take_places(world.slots[0], world.service, 1, comment="Allergie aux œufs")[0]
    auth.login(Role.GESTION1)
    page = client.get(f"/admin/appointments/{appointment.id}").get_data(as_text=True)
    coupon = page[page.index('<article class="coupon">'):page.index("</article>")]
    assert "Allergie aux œufs" not in coupon
    notes = re.search(r'<section class="apt-staff-notes no-print".*?</section>', page, re.S)
    assert notes and "Allergie aux œufs" in notes.group(0)


def test_team_name_after_de_is_elided(client, auth):
    world = make_world(days_ahead=2)
    auth.login(Role.GESTION1)
    client.set_cookie("lang", "fr_CA")
    page = client.get(f"/admin/schedules/?location={world.location.id}&date={_day()}"
                      "&view=day").get_data(as_text=True)
    assert "Modifier la plage horaire 09:00-12:00 d'Équipe A" in page.replace("&#39;", "'")
    assert "de Équipe" not in page
