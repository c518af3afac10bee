"""The statistics page and its Excel export through the client, as a Pilot."""
from __future__ import annotations

from datetime import timedelta
from io import BytesIO
from typing import Any

import pytest
from openpyxl import load_workbook

from webapp.accounts.roles import Role
from webapp.extensions import db
from webapp.models import RoleAssignment, User
from webapp.timeutil import local_today

from .factories import make_team, make_world, slots_of, take_places
from .helpers import HX, text


@pytest.fixture
def world(app: Any) -> Any:
    w = make_world()
    today = local_today()
    slots = slots_of(w.add_block(today, "09:00", "10:00", per_slot=2))
    take_places(slots[0], w.service, 2, online=True)
    take_places(slots[1], w.service)
    other = slots_of(w.add_block(today, "09:00", "09:15", location=w.other_location,
                                 team=make_team("Équipe C", [w.other_location], [w.service])))
    take_places(other[0], w.service, comment="=HYPERLINK(\"http://x\")")
    return w


def test_the_pilot_sees_the_figures_of_today(client: Any, auth: Any, world: Any) -> None:
    auth.login(Role.PILOTE)
    page = text(client.get("/admin/statistics/?preset=today"))
    assert "Rendez-vous et capacité par jour" in page
    assert '<dt>Rendez-vous pris</dt><dd>4</dd>' in page
    assert '<dt>Taux de remplissage</dt><dd>44,4\xa0%</dd>' in page  # 4 of 9 places
    assert "<svg" in page and "style=" not in page and "<script>" not in page
    assert 'id="table-days"' in page and 'id="table-locations"' in page


def test_htmx_gets_the_fragment_and_the_page_stays_whole_without(client: Any, auth: Any,
                                                                world: Any) -> None:
    auth.login(Role.PILOTE)
    fragment = client.get("/admin/statistics/?preset=last7", headers=HX)
    assert fragment.status_code == 200 and "HX-Request" in fragment.headers["Vary"]
    body = text(fragment)
    assert body.lstrip().startswith('<div id="stats"') and "<html" not in body
    assert "<html" in text(client.get("/admin/statistics/?preset=last7"))


def test_filters_narrow_the_figures(client: Any, auth: Any, world: Any) -> None:
    auth.login(Role.PILOTE)
    page = text(client.get(f"/admin/statistics/?preset=today&location={world.other_location.id}"))
    assert '<dt>Rendez-vous pris</dt><dd>1</dd>' in page


def test_changed_dates_mean_a_custom_period(client: Any, auth: Any, world: Any) -> None:
    auth.login(Role.PILOTE)
    day = local_today() + timedelta(days=1)
    page = text(client.get(f"/admin/statistics/?preset=today&start={day}&end={day}"))
    assert '<dt>Rendez-vous pris</dt><dd>0</dd>' in page
    assert 'class="button primary"' not in page  # no preset is the period now
    assert f'name="start" value="{day}"' in page


@pytest.mark.parametrize(("query", "message"), [
    ("preset=custom&start=&end=", "Inscrivez le premier et le dernier jour de la période."),
    ("start=2026-12-10&end=2026-12-01", "Le dernier jour précède le premier jour."),
    ("start=2000-01-01&end=2049-12-31", "Choisissez une période d'au plus 731 jours."),
    ("start=demain&end=2026-12-01", "Inscrivez le premier jour sous la forme AAAA-MM-JJ."),
    ("preset=forever", "Choisissez une période dans la liste."),
    ("location=99999", "Ce lieu n'existe pas ou vous n'y avez pas accès"),
    ("service=abc", "Ce service n'existe pas"),
    ("team=7777", "Cette ressource n'existe pas"),
])
def test_bad_input_gets_a_message(client: Any, auth: Any, world: Any, query: str,
                                  message: str) -> None:
    auth.login(Role.PILOTE)
    for headers in ({}, HX):
        response = client.get(f"/admin/statistics/?{query}", headers=headers)
        assert response.status_code == 400
        assert message in text(response)
    export = client.get(f"/admin/statistics/export.xlsx?{query}")
    assert export.status_code == 400 and message in export.get_data(as_text=True)


def test_a_pilot_of_one_location_sees_only_it(client: Any, auth: Any, world: Any) -> None:
    auth.login(Role.PILOTE)
    user = db.session.scalar(db.select(User).where(User.email == "pilote@test.example"))
    db.session.execute(db.update(RoleAssignment).where(RoleAssignment.user_id == user.id)
                       .values(location_id=world.location.id))
    db.session.commit()
    page = text(client.get("/admin/statistics/?preset=today"))
    assert '<dt>Rendez-vous pris</dt><dd>3</dd>' in page
    refused = client.get(f"/admin/statistics/?preset=today&location={world.other_location.id}")
    assert refused.status_code == 400
    assert "vous n'y avez pas accès" in text(refused)


def test_other_roles_cannot_see_statistics(client: Any, auth: Any, world: Any) -> None:
    auth.login(Role.GESTION1)
    assert client.get("/admin/statistics/").status_code == 403
    assert client.get("/admin/statistics/export.xlsx").status_code == 403


def test_excel_export_has_a_sheet_per_table_with_real_values(client: Any, auth: Any,
                                                             world: Any) -> None:
    auth.login(Role.PILOTE)
    response = client.get("/admin/statistics/export.xlsx?preset=today")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    book = load_workbook(BytesIO(response.data))
    assert book.sheetnames[:3] == ["Sommaire", "Par jour", "Présence"]
    days = book["Par jour"]
    assert days["A1"].value == "Jour" and days["B1"].value == "Pris"
    assert days["A2"].value.date() == local_today() and days["B2"].value == 4
    assert days["A3"].value == "Total" and days["B3"].value == 4
    fill = [row for row in book["Sommaire"].iter_rows(values_only=True)
            if row[0] == "Taux de remplissage"][0]
    assert fill[1] == pytest.approx(4 / 9)
    english = client.get("/admin/statistics/export.xlsx?preset=today",
                         headers={"Accept-Language": "en"})
    assert "Summary" in load_workbook(BytesIO(english.data)).sheetnames


def test_excel_text_is_never_a_formula(app: Any) -> None:
    from webapp.statistics.export import workbook
    from webapp.statistics.tables import Rate, Table

    data = workbook([Table("t", "Par ressource", ["Ressource", "Part"],
                           [["=SUM(A1:A9)", Rate(0.5)], ["@cmd", None]])])
    sheet = load_workbook(BytesIO(data))["Par ressource"]
    assert sheet["A2"].value == "=SUM(A1:A9)" and sheet["A2"].data_type == "s"
    assert sheet["A2"].quotePrefix and sheet["A3"].quotePrefix
    assert sheet["B2"].value == 0.5 and sheet["B2"].number_format == "0.0%"


def test_a_long_period_is_shown_by_week_in_the_page_and_the_workbook(client: Any, auth: Any,
                                                                      world: Any) -> None:
    auth.login(Role.PILOTE)
    today = local_today()
    monday = today - timedelta(days=today.weekday())
    query = f"start={monday - timedelta(days=70)}&end={monday + timedelta(days=13)}"
    page = text(client.get(f"/admin/statistics/?{query}"))
    assert "Rendez-vous et capacité par semaine" in page
    assert page.count('<rect class="bar"') == 12
    table = page[page.index('id="table-days"'):]
    table = table[:table.index("</table>")]
    assert table.count("<tr>") == 1 + 12 + 1  # headers, 12 weeks, total
    assert "semaine du" in table
    book = load_workbook(BytesIO(client.get(f"/admin/statistics/export.xlsx?{query}").data))
    weeks = book["Par semaine"]
    assert weeks["A1"].value == "Semaine" and weeks.max_row == 1 + 12 + 1
    assert weeks["A12"].value.date() == monday and weeks["B12"].value == 4
    english = text(client.get(f"/admin/statistics/?{query}", headers={"Accept-Language": "en"}))
    assert "week of" in english


def test_a_change_to_a_rolled_up_day_shows_on_the_page_at_once(client: Any, auth: Any, app: Any,
                                                               world: Any) -> None:
    """The day is rolled up (webapp.statistics.rollup); attendance marked afterwards shows
    on the next page, before the job rolls the day again."""
    from sqlalchemy import select

    from webapp.models import Appointment
    from webapp.statistics.rollup import roll

    day = local_today()
    app.config["TODAY"] = day + timedelta(days=2)
    roll()
    auth.login(Role.PILOTE)
    url = f"/admin/statistics/?start={day}&end={day}"
    assert '<dt>Absences</dt><dd>0</dd>' in text(client.get(url))
    first = db.session.scalars(select(Appointment).order_by(Appointment.id)).first()
    first.attendance = "absent"
    db.session.commit()
    page = text(client.get(url))
    assert '<dt>Absences</dt><dd>1</dd>' in page and '<dt>Rendez-vous pris</dt><dd>4</dd>' in page
