"""The installed packages are exactly the locked ones (scripts/setup.sh installs the lock)."""
from __future__ import annotations

import re
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

LOCK = Path(__file__).resolve().parent.parent / "requirements.lock"


def test_every_locked_package_is_installed_at_its_locked_version() -> None:
    pins = re.findall(r"^([A-Za-z0-9_.-]+)==([^\s\\]+)", LOCK.read_text(), re.MULTILINE)
    assert len(pins) > 30
    wrong = []
    for name, pinned in pins:
        try:
            installed = version(name)
        except PackageNotFoundError:
            installed = "missing"
        if installed != pinned:
            wrong.append(f"{name}: locked {pinned}, installed {installed}")
    assert not wrong, "run ./scripts/setup.sh: " + "; ".join(wrong)


def test_every_locked_package_carries_a_hash() -> None:
    blocks = re.split(r"\n(?=[A-Za-z0-9_.-]+==)", LOCK.read_text())
    pinned = [block for block in blocks if "==" in block.split("\n", 1)[0]]
    assert pinned and all("--hash=sha256:" in block for block in pinned)
