"""The demo planner comes with a realistic configuration (CFG-1, CFG-3, CFG-6, CFG-7)."""
from __future__ import annotations

import re

from sqlalchemy import select

from webapp import create_app
from webapp.demo import create_demo
from webapp.demo.documents import sheet_pdf
from webapp.extensions import db
from webapp.models import CommunicationSetting, Location, Organization, Service
from webapp.organization import checklist, uploads


def test_demo_configuration(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SCHEDULER_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/demo.sqlite3",
                      "UPLOAD_FOLDER": str(tmp_path / "uploads")})
    with app.app_context():
        db.create_all()
        create_demo("Vaccin-Demo-2021!")
        settings = {s.kind: s for s in db.session.scalars(select(CommunicationSetting))}
        assert (settings["reminder_1"].active, settings["reminder_1"].hours) == (True, 48)
        assert settings["reminder_1"].by_sms and settings["reminder_1"].by_email
        assert (settings["reminder_2"].hours, settings["reminder_2"].by_sms,
                settings["reminder_2"].by_email) == (24, True, True)
        assert settings["followup_absent"].active and settings["followup_cancelled"].active
        org = db.session.get(Organization, 1)
        for field in ("welcome", "popup", "transitional"):
            assert getattr(org, f"{field}_fr") and getattr(org, f"{field}_en")
        for service in db.session.scalars(select(Service)):
            assert service.description_fr and service.instructions_en and service.availability_fr
            assert service.no_availability_en and service.duration_minutes == 15
        for location in db.session.scalars(select(Location)):
            assert location.message_fr and location.message_en and location.latitude


def test_the_demo_is_a_ready_planner(tmp_path):
    """Every checklist item the configuration can satisfy is done: nothing to fix or review."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SCHEDULER_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/demo.sqlite3",
                      "UPLOAD_FOLDER": str(tmp_path / "uploads")})
    with app.app_context():
        db.create_all()
        create_demo("Vaccin-Demo-2021!")
        result = checklist.build()
        pending = [(item.key, item.details) for section in result.sections
                   for item in section.items if item.state in (checklist.FLAG, checklist.REVIEW)]
        assert pending == []
        for service in db.session.scalars(select(Service)):
            path = uploads.absolute_path(service.attachment_path)
            assert path is not None and path.read_bytes().startswith(b"%PDF-")
            assert service.attachment_name.endswith(".pdf")


def test_the_demo_information_sheet_is_a_well_formed_pdf():
    pdf = sheet_pdf()
    assert uploads.sniff(pdf[:16]) == uploads.PDF and pdf.rstrip().endswith(b"%%EOF")
    start = int(re.search(rb"startxref\n(\d+)", pdf).group(1))
    assert pdf[start:].startswith(b"xref")
    offsets = [int(m) for m in re.findall(rb"(\d{10}) 00000 n", pdf)]
    for number, offset in enumerate(offsets, start=1):
        assert pdf[offset:].startswith(b"%d 0 obj" % number)
    assert "fièvre".encode("cp1252") in pdf  # accents in WinAnsiEncoding
