"""Kept only for tests/browser/test_config_a.py, renamed on another branch: delete this file
when that test imports tests/config_helpers.py."""
from .config_helpers import PNG

__all__ = ["PNG"]
