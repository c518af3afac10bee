"""The password policy (ACC-2, guide §1.3): rules, and refusal of common passwords."""
from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

from flask_babel import lazy_gettext as _l

SPECIALS = r"""!"#$%&'()*+,\-./:;<=>?@[\]^_`{|}~"""

RULES = (
    ("length", _l("At least 8 characters"), lambda p: len(p) >= 8),
    ("upper", _l("An upper-case letter"), lambda p: any(c.isupper() for c in p)),
    ("lower", _l("A lower-case letter"), lambda p: any(c.islower() for c in p)),
    ("digit", _l("A digit"), lambda p: any(c.isdigit() for c in p)),
    ("special", _l("A special character (for example ! $ % &)"),
     lambda p: re.search("[" + re.escape(SPECIALS) + r"\s]", p) is not None
     or any(not c.isalnum() for c in p)),
)
_LEET = str.maketrans("@4310$5!7", "aaeiossit")
COMMON_MESSAGE = _l("Not a common or easily guessed password")


@cache
def _common() -> frozenset[str]:
    text = files("webapp").joinpath("data/common-passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


def is_common(password: str) -> bool:
    """A password is common when it, or its letters alone, is on the list."""
    lowered = password.lower()
    common = _common()
    candidates = {
        lowered,
        re.sub(r"[^a-zà-ÿ]", "", lowered),
        re.sub(r"[^a-zà-ÿ]", "", re.sub(r"[\d\W_]+$", "", lowered).translate(_LEET)),
    }
    return bool(candidates & common) or len(set(lowered)) <= 3


def unmet_rules(password: str) -> list[str]:
    """The rules this password does not meet, as messages for the user (empty: accepted)."""
    unmet = [str(label) for _key, label, test in RULES if not test(password)]
    if not unmet and is_common(password):
        unmet.append(str(COMMON_MESSAGE))
    return unmet


def rule_labels() -> list[str]:
    return [str(label) for _key, label, _test in RULES] + [str(COMMON_MESSAGE)]


class MeetsPolicy:
    """WTForms validator: lists every unmet rule of the policy."""

    def __call__(self, form: object, field: object) -> None:
        from wtforms.validators import ValidationError

        unmet = unmet_rules(getattr(field, "data", "") or "")
        if unmet:
            raise ValidationError(" · ".join(unmet))
