"""The password policy (ACC-2) and postal-code helpers."""
from __future__ import annotations

from flask_babel import force_locale
from hypothesis import given
from hypothesis import strategies as st

from webapp.accounts.passwords import unmet_rules
from webapp.geo import area_for, distance_km, normalize_postal_code


def test_demo_password_is_accepted(app):
    assert unmet_rules("Vaccin-Demo-2021!") == []


LENGTH, UPPER, LOWER = "Au moins 8 caractères", "Une lettre majuscule", "Une lettre minuscule"
DIGIT, SPECIAL = "Un chiffre", "Un caractère spécial (par exemple ! $ % &)"
COMMON = "Ne pas être un mot de passe courant ou facile à deviner"


def test_each_missing_rule_is_listed(app):
    with force_locale("fr_CA"):
        assert unmet_rules("") == [LENGTH, UPPER, LOWER, DIGIT, SPECIAL]
        assert unmet_rules("abcdefgh1!") == [UPPER]
        assert unmet_rules("ABCDEFGH1!") == [LOWER]
        assert unmet_rules("Abcdefgh!") == [DIGIT]
        assert unmet_rules("Abcdefgh1") == [SPECIAL]
        assert unmet_rules("Ab1!") == [LENGTH]


def test_common_passwords_are_refused_even_when_they_meet_the_rules(app):
    with force_locale("fr_CA"):
        for password in ("Password123!", "P@ssw0rd1", "Qwerty123!", "Welcome1!", "Aaaaaaa1!"):
            assert unmet_rules(password) == [COMMON], password


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
    assert round(distance_km(alma.latitude, alma.longitude, montreal.latitude,
                             montreal.longitude)) == 368
