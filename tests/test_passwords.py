"""The password policy (ACC-2) and postal-code helpers."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from webapp.accounts.passwords import unmet_rules
from webapp.geo import area_for, distance_km, normalize_postal_code


def test_demo_password_is_accepted(app):
    assert unmet_rules("Vaccin-Demo-2021!") == []


def test_each_missing_rule_is_listed(app):
    assert len(unmet_rules("")) == 5
    assert unmet_rules("abcdefgh1!") == ["An upper-case letter"] or \
        unmet_rules("abcdefgh1!")[0].startswith("Une")
    assert len(unmet_rules("ABCDEFGH1!")) == 1
    assert len(unmet_rules("Abcdefgh!")) == 1
    assert len(unmet_rules("Abcdefgh1")) == 1
    assert len(unmet_rules("Ab1!")) == 1


def test_common_passwords_are_refused_even_when_they_meet_the_rules(app):
    for password in ("Password123!", "P@ssw0rd1", "Qwerty123!", "Welcome1!", "Aaaaaaa1!"):
        assert unmet_rules(password), password


@given(st.text(max_size=40))
def test_policy_never_crashes(password):
    assert isinstance(unmet_rules(password), list)


def test_postal_codes():
    assert normalize_postal_code("g8b1m4") == "G8B 1M4"
    assert normalize_postal_code(" G8B  1M4 ") == "G8B 1M4"
    assert normalize_postal_code("12345") is None
    assert normalize_postal_code("D8B 1M4") is None
    assert area_for("G8B 1M4").place == "Alma Southeast"
    assert area_for("zzz") is None
    alma = area_for("G8B")
    montreal = area_for("H2X")
    assert 180 < distance_km(alma.latitude, alma.longitude, montreal.latitude,
                             montreal.longitude) < 400
