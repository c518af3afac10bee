"""Schedules (SCH-1..7): time blocks of a team at a location, cut into slots.

Modules: `slots` (slot arithmetic and daylight-saving rules), `blocks` (create, update,
delete a block, padlocks), `cloning` (copy a day's remaining availability), `calendar` (the
day/week/month views in a fixed number of queries), `notices` (telling patients of a
cancelled block).
"""
