"""The user guide, one topic per section of the pilots' guide, shown per role (ACC-5).

Each topic names the guide's section, the permission a role needs to see it and the menus
(blueprints) whose "?" opens it. The texts are the guide's steps, in the planner's words.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from ...accounts.permissions import can
from ...accounts.roles import Perm
from ...booking.patients import fold


@dataclass(frozen=True)
class Topic:
    key: str
    section: str  # of the guide
    title: LazyString
    steps: tuple[LazyString, ...]
    perm: Optional[Perm] = None  # None: every role
    screens: tuple[str, ...] = ()  # blueprints whose "?" opens this topic
    tip: Optional[LazyString] = None

    def matches(self, folded: str) -> bool:
        return folded in fold(" ".join(str(t) for t in (self.title, *self.steps,
                                                        self.tip or "")))


TOPICS: tuple[Topic, ...] = (
    Topic("sign-in", "1.2–1.3", _l("Signing in and your password"), (
        _l("Sign in with your email and your password on the staff sign-in page."),
        _l("Forgot your password? Use the link under the sign-in form: a reset link is sent "
           "to your email. A Pilot can also send you one."),
        _l("Change your password from My profile, in the user menu at the top right."),
    ), screens=("account", "auth"),
        tip=_l("Choose a long password that you use nowhere else.")),
    Topic("menus", "1.5–1.7", _l("Menus and roles"), (
        _l("The menu on the left shows the menus of your active role: Follow-up, "
           "Appointments, Schedules, Messages, Configuration, Statistics."),
        _l("If you have several roles (or several locations), open the user menu at the top "
           "right and choose the role to work with."),
        _l("The padlock at the top shows whether online booking is open; the ? opens this "
           "guide at the screen you are on."),
    )),
    Topic("followup", "6.1–6.12", _l("Follow-up: the list of appointments"), (
        _l("Choose the period (day, week, month) and filter by service, location or team."),
        _l("Search a patient by name, birth date, phone or confirmation number."),
        _l("Tick appointments, then mark them present, absent or not eligible, confirm or "
           "cancel them."),
        _l("Print the list or export it as an Excel file."),
    ), perm=Perm.FOLLOWUP_VIEW, screens=("followup",)),
    Topic("appointments-calendar", "4.1–4.2", _l("Appointments: the calendar of slots"), (
        _l("The day and week views show each time block with its places left; the month "
           "view shows the places left of each day."),
        _l("Blue or green blocks are open online and to the staff; reddish blocks are "
           "staff only."),
        _l("Choose the view Availability to see quickly the next times with places left."),
        _l("Rest the pointer on a block or an appointment to see its details in a bubble."),
    ), perm=Perm.APPOINTMENTS_VIEW, screens=("appointments",)),
    Topic("appointments-book", "4.3–4.4", _l("Booking an appointment for a patient"), (
        _l("Click New appointment, then choose the location, the service and the date."),
        _l("Choose a time: the times are grouped by team, morning and afternoon, with their "
           "places left."),
        _l("Enter the patient's details. With an email or a cell phone, the boxes to send "
           "the coupon are ticked; untick them if needed."),
        _l("Click Save: the confirmation shows the coupon, which you can print."),
    ), perm=Perm.APPOINTMENTS_BOOK, screens=("appointments",)),
    Topic("appointments-modify", "4.5–4.6", _l("Changing an appointment, a second dose"), (
        _l("Open the appointment, then click Modify."),
        _l("An upcoming appointment can change service, location, date and time; a past or "
           "cancelled one only its comment and the patient's details."),
        _l("Add a new appointment for this patient proposes the second dose after the "
           "service's minimum interval; booking it earlier asks for a reason."),
        _l("The comment is for the staff: it is not printed on the coupon."),
    ), perm=Perm.APPOINTMENTS_BOOK, screens=("appointments",)),
    Topic("schedules-typical-day", "3.1–3.2", _l("Schedules: creating a typical day"), (
        _l("Choose the location, then click in the white part of the calendar (or New time "
           "block) to create a time block."),
        _l("A time block gives a team, its services, the start and end times and the number "
           "of appointments per slot."),
        _l("Create your typical day in the past: nobody can book it, and you can clone it "
           "into the future."),
    ), perm=Perm.SCHEDULES_EDIT, screens=("schedules",)),
    Topic("schedules-clone", "3.3", _l("Cloning a day"), (
        _l("Tick the days to create in the calendar, then click Clone."),
        _l("Choose the day to copy: its time blocks and what each ticked day will receive "
           "are shown before you confirm."),
        _l("Only the remaining availability is copied: a booked place is not copied again."),
        _l("A day where the same team already has a time block is left as it is."),
    ), perm=Perm.SCHEDULES_EDIT, screens=("schedules",),
        tip=_l("Choose your typical day with care: bookings in it change what is cloned.")),
    Topic("schedules-view", "3.4", _l("Consulting the schedules"), (
        _l("Open the filters to choose the date, the view (day, week, month), the services, "
           "the teams and the visible hours."),
        _l("Rest the pointer on a time block to see its hours, team, services and capacity."),
        _l("The grid fits the services shown; choose the granularity (5, 10, 15 or 30 "
           "minutes) to line up the slots."),
    ), perm=Perm.SCHEDULES_VIEW, screens=("schedules",)),
    Topic("schedules-padlocks", "3.5–3.8", _l("Padlocks, changing a time block"), (
        _l("A green padlock: the time block is open online. Red: staff only. Orange: a day "
           "with both."),
        _l("Double-click a time block (or its pencil) to change it, then click Save. A "
           "change that would drop a booked slot is refused."),
        _l("After opening online, add places by creating a new time block over the booked "
           "times, or by raising the number of appointments per slot."),
    ), perm=Perm.SCHEDULES_EDIT, screens=("schedules",),
        tip=_l("On busy days, open one team online first, and the next one when it fills.")),
    Topic("online-booking", "3.7", _l("Opening online booking"), (
        _l("Check that your schedules are final."),
        _l("As Pilot, click the padlock at the top and open online booking: citizens can "
           "then book the open time blocks."),
    ), perm=Perm.ONLINE_SWITCH),
    Topic("configuration", "2.1–2.7", _l("Configuration"), (
        _l("Services: name, duration, information for the patient and the details asked."),
        _l("Locations, then Resources: teams and the locations and services they are "
           "associated with."),
        _l("Staff accounts: create an account, then give its roles and their dates."),
        _l("Communications: reminders and follow-ups; Public page: contact details and "
           "texts."),
        _l("The checklist tells what is left to do before opening."),
    ), perm=Perm.CONFIGURE, screens=("config",)),
    # Beyond the guide (Québec's Law 25): no section number.
    Topic("personal-data", "", _l("Personal data: retention and a person's requests"), (
        _l("Configuration › Personal data: set how long patients' personal data is kept "
           "after their last appointment; older data is anonymised every night, the "
           "statistics stay."),
        _l("A person asks for their data, or asks that it be erased: find them by "
           "confirmation number, or by name and birth date, then export their data as a "
           "file or erase it. Each request is written in the audit log."),
        _l("Configuration › Access log: who consulted which patient's information, and "
           "when; filter by patient, staff member and dates."),
    ), perm=Perm.CONFIGURE, screens=("config",)),
    Topic("messages", "2.5", _l("Messages"), (
        _l("The emails and text messages sent or waiting, with the reason of a failure."),
    ), perm=Perm.MESSAGES_VIEW, screens=("messages",)),
    Topic("statistics", "1.5", _l("Statistics"), (
        _l("Choose a period and filter by location, service or team; export the tables as "
           "an Excel file."),
    ), perm=Perm.STATISTICS, screens=("stats",)),
    Topic("sign-out", "1.8", _l("Signing out"), (
        _l("Open the user menu at the top right and click Sign out, above all on a shared "
           "computer."),
    )),
)


def for_role() -> list[Topic]:
    """The topics of the active role's menus, and those for everyone."""
    return [t for t in TOPICS if t.perm is None or can(t.perm)]


def search(topics: list[Topic], query: str) -> list[Topic]:
    """The topics whose words hold the query (case, accents and spaces ignored)."""
    folded = fold(query)
    return [t for t in topics if t.matches(folded)] if folded else topics


def topic_for(blueprint: Optional[str]) -> Optional[str]:
    """The first topic the active role sees for a menu (the target of its "?")."""
    return next((t.key for t in for_role() if blueprint in t.screens), None)
