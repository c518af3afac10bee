"""Operators' commands, health check, settings and the schema migrations."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from webapp import create_app
from webapp.accounts.roles import Role
from webapp.config import ConfigError
from webapp.extensions import db
from webapp.models import Location, RoleAssignment, User


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_healthz_answers_503_when_the_database_is_unreachable(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SCHEDULER_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/dir/db.sqlite3"})
    assert app.test_client().get("/healthz").status_code == 503


def test_missing_secret_key_refuses_to_start(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app({"SCHEDULER_ENABLED": False})


def test_demo_data_makes_the_six_accounts_and_refuses_a_second_run(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SCHEDULER_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/demo.sqlite3"})
    with app.app_context():
        db.create_all()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code == 0, result.output
    for role in Role:
        assert f"{role.value}@example.org" in result.output
    with app.app_context():
        user = User.by_email("gestion1@example.org")
        assert user.check_password("Vaccin-Demo-2021!")
        assert [r.role for r in user.roles] == ["gestion1"]
        owner = User.by_email("pilote@example.org")
        assert [r.role for r in owner.roles] == ["pilote", "gestion1"]
        assert db.session.scalar(select(func.count()).select_from(Location)) == 2
    again = runner.invoke(args=["demo-data"])
    assert again.exit_code != 0 and "already" in again.output
    assert runner.invoke(args=["demo-data", "--if-empty"]).exit_code == 0


def test_create_pilot(runner):
    result = runner.invoke(args=["create-pilot", "--email", "Owner@Test.Example",
                                 "--first-name", "Anne", "--last-name", "Roy",
                                 "--password", "Strong-Pass-55!"])
    assert result.exit_code == 0, result.output
    user = User.by_email("owner@test.example")
    assert [r.role for r in user.roles] == ["pilote"]
    weak = runner.invoke(args=["create-pilot", "--email", "b@test.example", "--first-name", "B",
                               "--last-name", "C", "--password", "weak"])
    assert weak.exit_code != 0 and "refused" in weak.output
    dup = runner.invoke(args=["create-pilot", "--email", "owner@test.example", "--first-name",
                              "B", "--last-name", "C", "--password", "Strong-Pass-55!"])
    assert dup.exit_code != 0


def test_at_most_three_pilots_from_the_command(runner):
    for n in range(3):
        db.session.add(User(email=f"p{n}@t.example", first_name="P", last_name=str(n),
                            password_hash="x", roles=[RoleAssignment(role="pilote")]))
    db.session.commit()
    result = runner.invoke(args=["create-pilot", "--email", "p9@test.example", "--first-name",
                                 "B", "--last-name", "C", "--password", "Strong-Pass-55!"])
    assert result.exit_code != 0 and "3" in result.output


def test_outbox_command_prints_messages(client, runner):
    from .conftest import make_user

    make_user(Role.GESTION1, "a@test.example")
    client.post("/admin/forgot", data={"email": "a@test.example"})
    assert "1 message(s) sent" in runner.invoke(args=["send-messages"]).output
    output = runner.invoke(args=["outbox"]).output
    assert "a@test.example" in output and "/admin/reset/" in output
