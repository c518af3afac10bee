"""Uploaded files are judged by their content; stored names are ours, shown names are clean."""
from __future__ import annotations

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from webapp.organization import uploads

from .config_helpers import PDF, PNG


@pytest.mark.parametrize("head, kind", [
    (PDF, "pdf"), (PNG, "png"), (b"\xff\xd8\xff\xe0\x00\x10JFIF", "jpg"), (b"GIF89a....", "gif"),
    (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "webp"), (b"<svg></svg>", None), (b"PK\x03\x04", None),
    (b"", None), (b" %PDF-1.4", None),
])
def test_sniff_reads_the_first_bytes(head, kind):
    assert uploads.sniff(head) == kind


@pytest.mark.parametrize("name", ["../x.pdf", "a/b.pdf", "..\\x.pdf", "C:x.pdf", "..", "."])
def test_names_with_a_folder_are_spotted(name):
    assert uploads.has_folder(name)


@given(st.text(max_size=300))
def test_clean_names_are_safe(name):
    cleaned = uploads.clean_name(name, "pdf")
    assert cleaned.endswith(".pdf") and "/" not in cleaned and "\\" not in cleaned
    assert not cleaned.startswith(".") and len(cleaned) <= uploads.NAME_MAX + 4
    assert all(ch.isprintable() for ch in cleaned)


def test_clean_name_keeps_accents_and_uses_the_real_type():
    assert uploads.clean_name("Consignes été <2021>.exe", "pdf") == "Consignes été 2021.pdf"
    assert uploads.clean_name("Fiche d’information.pdf", "pdf") == "Fiche d'information.pdf"


def test_check_refuses_and_accepts(app):
    with app.test_request_context():
        assert uploads.check("a.pdf", io.BytesIO(PDF), uploads.DOCUMENTS, 1000) == ("pdf", PDF)
        with pytest.raises(uploads.UploadError):
            uploads.check("a.pdf", io.BytesIO(PDF), uploads.IMAGES, 1000)
        with pytest.raises(uploads.UploadError):
            uploads.check("a.pdf", io.BytesIO(PDF), uploads.DOCUMENTS, 10)


def test_absolute_path_never_leaves_the_folder(app, tmp_path):
    with app.test_request_context():
        stored = uploads.store("services", "x.pdf", "pdf", PDF)
        assert uploads.absolute_path(stored.path).read_bytes() == PDF
        outside = tmp_path / "secret.txt"
        outside.write_text("secret")
        assert uploads.absolute_path("../secret.txt") is None
        assert uploads.absolute_path(str(outside)) is None
        assert uploads.absolute_path(None) is None
