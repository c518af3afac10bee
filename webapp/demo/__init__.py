"""The demo planner (`flask --app wsgi demo-data`): a pharmacy with services, locations,
teams, staff accounts, schedules and appointments, built through the same domain functions
as the screens. Not imported by the running planner, only by the command and the tests.
"""
from __future__ import annotations

from .builder import DEMO_ACCOUNTS, DemoRefused, create_demo

__all__ = ["DEMO_ACCOUNTS", "DemoRefused", "create_demo"]
