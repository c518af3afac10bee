"""Demo schedules: a typical day per location, cloned over the next two weeks (§3.1, §3.3)."""
from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import Location, Service, Team
from ..scheduling.blocks import BlockData, create_block, teams_at
from ..scheduling.cloning import clone_day
from ..timeutil import local_today

# Per location, per team (in order): (start, end, appointments per slot, open online).
TYPICAL_DAYS = (
    (((time(8), time(12), 2, True), (time(13), time(16), 2, True)),
     ((time(9), time(12), 1, False), (time(13), time(17), 1, True))),
    (((time(9), time(12), 3, True), (time(13), time(16, 30), 3, True)),
     ((time(10), time(14), 1, False),)),
)


def add_demo_schedules() -> int:
    """Create the typical day yesterday (no booking possible), then clone it onto the next
    two weeks except Sundays; returns how many blocks were made."""
    today = local_today()
    typical = today - timedelta(days=1)
    services = list(db.session.scalars(select(Service).where(Service.active)))
    locations = db.session.scalars(select(Location).order_by(Location.position)).all()
    made = 0
    for location, plans in zip(locations, TYPICAL_DAYS, strict=False):
        teams: list[Team] = teams_at(location)
        for team, blocks in zip(teams, plans, strict=False):
            for start, end, per_slot, is_open in blocks:
                create_block(BlockData(location=location, team=team, day=typical, start=start,
                                       end=end, services=services, per_slot=per_slot,
                                       online_open=is_open))
                made += 1
        targets = [today + timedelta(days=i) for i in range(14)
                   if (today + timedelta(days=i)).weekday() != 6]
        made += clone_day(location, typical, targets, today).blocks
    db.session.commit()
    return made
