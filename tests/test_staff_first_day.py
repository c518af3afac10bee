"""The rest of issue 17: the printed coupon, elision of team names, the help page per role,
the clone preview and merged remainders, the grid step chosen from the services shown."""
from __future__ import annotations

import re
from datetime import timedelta

from webapp.accounts.roles import Role
from webapp.extensions import db
from webapp.timeutil import local_today

from .factories import make_world, slots_of, take_places


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
    assert "Modifier la plage horaire 09:00 – 12:00 d'Équipe A" in page.replace("&#39;", "'")
    assert "de Équipe" not in page


def test_clone_dialog_previews_what_each_target_day_receives(client, auth):
    world = make_world()
    source = local_today() - timedelta(days=3)
    block = world.add_block(source, "13:00", "16:00", per_slot=2)
    take_places(slots_of(block)[5], world.service)  # 14:15
    busy = local_today() + timedelta(days=2)
    world.add_block(busy, "15:00", "17:00")
    auth.login(Role.GESTION1)
    client.set_cookie("lang", "en")
    target = local_today() + timedelta(days=1)
    page = client.get(f"/admin/schedules/clone?location={world.location.id}&target={target}"
                      f"&target={busy}").get_data(as_text=True)
    plan = re.sub(r"\s+", " ", page[page.index('class="clone-plan"'):])
    assert "Remaining availability created on each target day" in plan
    assert ("13:00 – 16:00 · Équipe A · 23 places (2 per slot, 1 partly booked slot keeps "
            "only its places left)") in plan
    assert "already has a time block from 15:00 to 17:00" in plan
    assert plan.count("13:00 – 16:00") == 1  # one block, not three
    # the source field asks the same preview again
    fragment = client.get(f"/admin/schedules/clone/preview?location={world.location.id}"
                          f"&source={source}&target={target}").get_data(as_text=True)
    assert "23 places" in fragment and "already has" not in fragment
    # and nothing was created by looking
    assert client.get(f"/admin/schedules/?location={world.location.id}&date={target}"
                      "&view=day").get_data(as_text=True).count("blk-edit") == 0


def test_the_grid_step_follows_the_services_shown(client, auth):
    world = make_world()
    day = local_today() + timedelta(days=2)
    world.add_block(day, "09:00", "10:00")
    auth.login(Role.GESTION1)
    url = f"/admin/schedules/?location={world.location.id}&date={day}&view=day"
    assert "step-15" in client.get(url).get_data(as_text=True)
    world.service.duration_minutes = 10
    world.other_service.duration_minutes = 10
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert "step-10" in page and "step=10" not in page  # chosen, not pinned in the links
    assert "step-15" in client.get(url + "&step=15").get_data(as_text=True)


def test_help_is_the_guide_of_the_active_role_searchable_in_both_languages(client, auth):
    auth.login(Role.GESTION1)
    client.set_cookie("lang", "fr_CA")
    page = client.get("/admin/help").get_data(as_text=True).replace("&#39;", "'")
    assert "Cloner (copier/coller) des disponibilités" in page
    assert "Guide, section 3.3" in page and "Créez votre journée type dans le passé" in page
    assert "Ouvrir la prise de rendez-vous en ligne" not in page  # the Pilot's
    found = client.get("/admin/help?q=journee type", headers={"HX-Request": "true"})
    fragment = found.get_data(as_text=True)
    assert fragment.startswith('<div id="help-topics"') and "<html" not in fragment
    assert "Horaires : créer une journée type" in fragment and "Suivi :" not in fragment
    assert "Aucune section ne contient" in client.get("/admin/help?q=zzzz").get_data(
        as_text=True)
    client.set_cookie("lang", "en")
    assert "Cloning a day" in client.get("/admin/help").get_data(as_text=True)


def test_each_screens_question_mark_opens_its_topic(client, auth):
    auth.login(Role.GESTION1)
    page = client.get("/admin/schedules/").get_data(as_text=True)
    assert 'href="/admin/help#help-schedules-typical-day"' in page
    auth.logout()
    auth.login(Role.CONSULTATION1)
    page = client.get("/admin/schedules/").get_data(as_text=True)
    assert 'href="/admin/help#help-schedules-view"' in page  # a role that only reads
    page = client.get("/admin/help").get_data(as_text=True)
    assert "help-schedules-clone" not in page and "help-schedules-view" in page


def test_organization_and_team_names_after_de_are_elided(client, app):
    from flask_babel import force_locale

    from webapp.models import Organization
    from webapp.scheduling.cloning import plan

    org = db.session.get(Organization, 1)
    org.name_fr = "Apothicaire du Lac"
    db.session.commit()
    client.set_cookie("lang", "fr_CA")
    page = client.get("/privacy").get_data(as_text=True).replace("&#39;", "'")
    assert "sur le serveur d'Apothicaire du Lac" in page
    world = make_world()
    world.add_block(local_today() - timedelta(days=3), "09:00", "10:00")
    world.add_block(local_today() - timedelta(days=3), "10:00", "11:00", team=world.other_team)
    world.other_team.active = False
    db.session.commit()
    with app.test_request_context(), force_locale("fr_CA"):
        _planned, warnings = plan(world.location, local_today() - timedelta(days=3))
    assert warnings and warnings[0].startswith("La plage horaire d'Équipe B de 10:00 à 11:00")


def test_the_pilots_help_covers_personal_data_and_the_access_log(client, auth):
    """Beyond the guide: Law 25's screens are explained to the Pilot, without a section."""
    auth.login(Role.PILOTE)
    page = client.get("/admin/help?q=journal des acces").get_data(as_text=True)
    assert "Données personnelles : conservation et demandes" in page
    assert "Journal des accès" in page
