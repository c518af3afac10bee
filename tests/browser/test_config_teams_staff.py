"""Configuration of teams, staff accounts and their roles (Resources), and the Checklist,
in a real browser, as a Pilot would use them."""
from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Team, User
from webapp.organization import checklist

from .conftest import planner_app, serving, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def server(tmp_path: Any) -> Iterator[tuple[str, Any]]:
    """A planner of its own for each test (these tests change the configuration)."""
    app = planner_app(tmp_path)
    with serving(app) as base:
        yield base, app


def row_of(page: Any, text: str) -> Any:
    return page.locator("tr", has_text=text).first


def test_create_a_team_with_its_association(page, server):
    base, app = server
    sign_in(page, base, "pilote")
    page.goto(base + "/admin/config/resources")
    page.get_by_role("link", name="Ajouter une équipe").click()
    page.get_by_label("Nom de l'équipe").fill("Équipe F")
    page.get_by_label("Catégorie").select_option(label="Infirmière / infirmier")
    page.get_by_role("button", name="Enregistrer l'équipe").click()
    row = page.locator("tr", has=page.get_by_text("Équipe « Équipe F » ajoutée"))
    expect(row).to_contain_text("Aucun")
    warnings = page.locator("#association-warnings")
    warnings.get_by_text("Équipe F n'a aucun lieu.").wait_for()
    row.get_by_role("link", name=re.compile("Associations")).click()
    dialog = page.locator("dialog#dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Pharmacie B").check()
    dialog.get_by_label("COVID-19 – 1re dose").check()
    dialog.get_by_role("button", name="Enregistrer les associations").click()
    expect(dialog).to_be_hidden()
    row = row_of(page, "Équipe F")
    expect(row).to_contain_text("Pharmacie B")
    expect(row).to_contain_text("COVID-19 – 1re dose")
    page.get_by_text("Équipe F n'a aucun lieu.").wait_for(state="detached")
    with app.app_context():
        team = db.session.scalars(select(Team).where(Team.name == "Équipe F")).one()
        assert [loc.name_fr for loc in team.locations] == ["Pharmacie B"]
        assert [s.name_fr for s in team.services] == ["COVID-19 – 1re dose"]


def test_create_an_account_and_give_it_a_scoped_role(page, server, browser):
    base, app = server
    sign_in(page, base, "pilote")
    page.goto(base + "/admin/config/resources")
    page.get_by_role("link", name="Ajouter une ressource (compte d'accès)").click()
    form = page.locator("tr#user-form-new")
    form.get_by_label("Prénom").fill("Annie")
    form.get_by_label("Nom", exact=True).fill("Gauthier")
    form.get_by_label("Courriel").fill("annie.gauthier@example.org")
    form.get_by_label("Téléphone", exact=True).fill("418 555 0123")
    form.get_by_label("Équipe B").check()
    form.get_by_label("Mot de passe", exact=True).fill("Bleuet-Lac-2031!")
    form.get_by_label("Confirmer le mot de passe").fill("Bleuet-Lac-2031!")
    form.get_by_role("button", name="Enregistrer le compte").click()
    row = row_of(page, "Annie Gauthier")
    row.get_by_text("Consultation #2", exact=True).wait_for()
    row.get_by_role("link", name=re.compile("Permissions")).click()
    dialog = page.locator("dialog#dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Rôle", exact=True).select_option(label="Gestion #3")
    chosen = dialog.locator(".role-descriptions li.chosen")
    expect(chosen).to_contain_text("Gestion #3")
    expect(chosen).to_contain_text("ses propres équipes")
    dialog.get_by_label("Lieu", exact=True).select_option(label="Pharmacie A")
    dialog.get_by_role("button", name="Ajouter le rôle").click()
    dialog.get_by_text("Rôle ajouté.").wait_for()
    expect(dialog.locator("tr", has_text="Gestion #3").get_by_text("Pharmacie A")).to_be_visible()
    dialog.get_by_role("button", name="Fermer").click()
    row_of(page, "Annie Gauthier").get_by_text("Gestion #3 · Pharmacie A").wait_for()
    # The search box narrows both lists as one types.
    page.get_by_role("searchbox").fill("gauthier")
    page.wait_for_url(re.compile(r"q=gauthier"))
    page.locator("#resource-lists").get_by_text("Aucune équipe ne correspond.").wait_for()
    expect(page.locator("tr[id^=user-]")).to_have_count(1)
    with app.app_context():
        user = User.by_email("annie.gauthier@example.org")
        assert sorted((r.role, r.location.name_fr if r.location else None)
                      for r in user.roles) == [("consultation2", None),
                                               ("gestion3", "Pharmacie A")]
        assert user.phone == "418 555-0123" and [t.name for t in user.teams] == ["Équipe B"]
    # The new account signs in with the password the Pilot gave it.
    other = browser.new_context(locale="fr-CA")
    newcomer = other.new_page()
    newcomer.goto(base + "/admin/login")
    newcomer.get_by_label("Courriel").fill("annie.gauthier@example.org")
    newcomer.get_by_label("Mot de passe").fill("Bleuet-Lac-2031!")
    newcomer.get_by_role("button", name="Se connecter").click()
    expect(newcomer).to_have_url(re.compile(r"/admin/followup/$"))  # signed in: first menu
    other.close()


def test_the_checklist_turns_green_after_fixing_its_last_flag(page, server):
    base, app = server
    with app.app_context():  # the demo is ready; a new team left without an association
        assert checklist.build().ready
        db.session.add(Team(name="Équipe E", position=5))
        db.session.commit()
    sign_in(page, base, "pilote")
    page.goto(base + "/admin/config/checklist")
    expect(page.get_by_text("1 élément à corriger")).to_be_visible()
    expect(page.locator('[data-check="team_associations"]')).to_contain_text(
        "Équipe E : aucun lieu")
    page.locator("#check-resources").get_by_role("link", name=re.compile("Ouvrir")).click()
    page.wait_for_url(re.compile(r"/admin/config/resources$"))  # loaded: htmx is ready
    row_of(page, "Équipe E").get_by_role("link", name=re.compile("Associations")).click()
    dialog = page.locator("dialog#dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Tous les lieux").check()
    dialog.get_by_label("Tous les services").check()
    dialog.get_by_role("button", name="Enregistrer les associations").click()
    expect(dialog).to_be_hidden()
    page.get_by_role("navigation", name="Onglets de la configuration").get_by_role(
        "link", name="Aide-mémoire").click()
    page.wait_for_url(re.compile(r"/admin/config/checklist$"))
    page.get_by_text("Tous les éléments requis sont faits.").wait_for()
    expect(page.locator(".check-item.state-flag")).to_have_count(0)
    page.goto(base + "/admin/config/")
    page.get_by_text("Tous les éléments requis de l'aide-mémoire sont faits.").wait_for()
