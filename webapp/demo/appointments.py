"""Demo appointments: a realistic spread in the demo schedules, booked through the engine
(some confirmed, some cancelled, a few online), so that every screen has something to show."""
from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select

from .. import booking
from ..extensions import db
from ..models import Location, Organization, Service, utcnow

FIRST = ("Marie", "Jean", "Sophie", "Luc", "Julie", "Pierre", "Isabelle", "Michel", "Nathalie",
         "André", "Chantal", "François", "Louise", "Gilles", "Manon", "Réjean", "Diane", "Yves")
LAST = ("Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Gauthier", "Morin", "Lavoie",
        "Fortin", "Gagné", "Ouellet", "Pelletier", "Bélanger", "Lévesque", "Bergeron", "Girard")
COMMENTS = ("", "", "", "Vient avec sa fille", "Allergie aux œufs", "Mobilité réduite")


def add_demo_appointments(per_location: int = 40, seed: int = 7) -> int:
    """Book about `per_location` appointments per location over the coming days; confirm a
    third, cancel one in ten; returns how many were booked."""
    rng = random.Random(seed)
    services = list(db.session.scalars(select(Service).where(Service.active)
                                       .order_by(Service.position)))
    locations = list(db.session.scalars(select(Location).order_by(Location.position)))
    org = db.session.get(Organization, 1)
    was_open = bool(org and org.online_booking_open)
    if org is not None:
        org.online_booking_open = True  # a few online bookings, as citizens make them
        db.session.commit()
    made = 0
    n = 0
    for location in locations:
        for service in services[:1]:
            slots = booking.find_availability(service, location, online=False)
            for slot in rng.sample(slots, min(per_location, len(slots))):
                n += 1
                online = slot.online_open and rng.random() < 0.2
                data = {"first_name": rng.choice(FIRST), "last_name": rng.choice(LAST),
                        "birth_date": (date(1940, 1, 1) + timedelta(days=n * 97)).isoformat(),
                        "email": f"patient{n}@example.org" if rng.random() < 0.5 else "",
                        "cell_phone": f"418 555-{1000 + n:04d}" if rng.random() < 0.4 else ""}
                eligibility = {q.id: next(a.id for a in q.answers if a.eligible)
                               for q in service.questions if any(a.eligible for a in q.answers)}
                try:
                    appointment = booking.book(booking.BookingRequest(
                        slot, service, data, eligibility=eligibility if online else None,
                        comment=rng.choice(COMMENTS), consent_at=utcnow() if online else None,
                        online=online, send_email=bool(data["email"]),
                        send_sms=bool(data["cell_phone"])))
                except booking.BookingError:
                    continue
                made += 1
                roll = rng.random()
                if roll < 0.1:
                    booking.cancel(appointment, reason="Demo")
                elif roll < 0.4:
                    booking.confirm(appointment)
    if org is not None:
        org.online_booking_open = was_open
        db.session.commit()
    return made
