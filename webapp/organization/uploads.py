"""Uploaded files (a service's attachment, the planner's logo): checked, stored, served.

A file is judged by its content (its first bytes), never by its name or by the type the
browser claims. It is stored under `UPLOAD_FOLDER` with a random name and the extension of
the type found; the name the person chose is kept, cleaned, for display and download only.
"""
from __future__ import annotations

import os
import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Optional

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..extensions import db
from ..formatting import decimal

PDF, PNG, JPEG, GIF, WEBP = "pdf", "png", "jpg", "gif", "webp"
IMAGES = frozenset({PNG, JPEG, GIF, WEBP})
DOCUMENTS = IMAGES | {PDF}
MIMETYPES = {PDF: "application/pdf", PNG: "image/png", JPEG: "image/jpeg", GIF: "image/gif",
             WEBP: "image/webp"}
ATTACHMENT_MAX_BYTES = 3 * 1024 * 1024
LOGO_MAX_BYTES = 1024 * 1024
NAME_MAX = 120


class UploadError(ValueError):
    """The file cannot be accepted; the message says why, in the user's language."""


@dataclass(frozen=True)
class Stored:
    path: str  # relative to UPLOAD_FOLDER, e.g. "services/3f2a...e1.pdf"
    name: str  # the cleaned name shown to people
    kind: str


@dataclass(frozen=True)
class Upload:
    """A sent file that passed `check`, not stored yet: the domain stores it once the change
    that uses it is accepted."""
    filename: str
    kind: str
    content: bytes

    def store(self, folder: str) -> Stored:
        return store(folder, self.filename, self.kind, self.content)


def sniff(head: bytes) -> Optional[str]:
    """The kind of file these first bytes begin, among the kinds we accept."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    return None


def has_folder(filename: str) -> bool:
    """True when a sent file name carries a folder path ("../x.pdf", "C:\\docs\\x.pdf", "C:x")."""
    return ("/" in filename or "\\" in filename or filename.strip() in {".", ".."}
            or re.match(r"^[A-Za-z]:", filename) is not None)


def clean_name(filename: str, kind: str) -> str:
    """A safe display name: letters (accents kept), digits, spaces, - _ . ' ; our extension."""
    stem = unicodedata.normalize("NFC", filename).rsplit(".", 1)[0]
    stem = re.sub(r"[’`]", "'", stem)  # "Fiche d'information" is a French name
    stem = re.sub(r"[^\w\s.'-]", "", stem, flags=re.UNICODE)
    stem = re.sub(r"\s+", " ", stem).strip(" .-_'")[:NAME_MAX] or "file"
    return f"{stem}.{kind}"


def max_bytes(setting: str, default: int) -> int:
    return int(current_app.config.get(setting) or default)


def check(filename: str, stream: IO[bytes], kinds: frozenset[str], limit: int) -> tuple[str, bytes]:
    """Read and check one upload; returns (kind, content) or raises UploadError."""
    if not filename or has_folder(filename):
        raise UploadError(_("The file name must not contain a folder path: send the file itself."))
    content = stream.read(limit + 1)
    if not content:
        raise UploadError(_("The file is empty."))
    if len(content) > limit:
        raise UploadError(_("The file is too large: at most %(size)s.", size=human_size(limit)))
    kind = sniff(content[:16])
    if kind not in kinds:
        if kinds == IMAGES:
            raise UploadError(_("This file is not an image (PNG, JPEG, GIF or WebP)."))
        raise UploadError(_("This file is neither a PDF nor an image (PNG, JPEG, GIF or WebP)."))
    return kind, content


def store(folder: str, filename: str, kind: str, content: bytes) -> Stored:
    """Write the content under UPLOAD_FOLDER/folder with a new random name."""
    root = Path(current_app.config["UPLOAD_FOLDER"]) / folder
    root.mkdir(parents=True, exist_ok=True)
    relative = f"{folder}/{secrets.token_hex(16)}.{kind}"
    target = Path(current_app.config["UPLOAD_FOLDER"]) / relative
    with open(target, "xb") as out:
        out.write(content)
    return Stored(relative, clean_name(filename, kind), kind)


def absolute_path(relative: Optional[str]) -> Optional[Path]:
    """The file on disk for a stored relative path, refusing anything outside the folder."""
    if not relative:
        return None
    root = Path(current_app.config["UPLOAD_FOLDER"]).resolve()
    path = (root / relative).resolve()
    if root not in path.parents or not path.is_file():
        return None
    return path


def remove(relative: Optional[str]) -> None:
    """Delete a stored file (after the change that forgets it was committed)."""
    path = absolute_path(relative)
    if path is not None:
        try:
            os.remove(path)
        except OSError:  # already gone: nothing to do
            current_app.logger.warning("could not remove upload %s", relative)


_FORGOTTEN = "uploads_forgotten"


def remove_after_commit(relative: Optional[str]) -> None:
    """Delete a stored file once the change that stops using it is committed; a change
    rolled back still points to the file, so it stays."""
    if relative:
        db.session.info.setdefault(_FORGOTTEN, []).append(relative)


@event.listens_for(Session, "after_commit")
def _remove_forgotten(session: Session) -> None:
    for relative in session.info.pop(_FORGOTTEN, []):
        remove(relative)


@event.listens_for(Session, "after_rollback")
def _keep_forgotten(session: Session) -> None:
    session.info.pop(_FORGOTTEN, None)


def kind_of(relative: str) -> str:
    return relative.rsplit(".", 1)[-1]


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return _("%(n)s MB", n=decimal(round(size / (1024 * 1024), 1)))
    return _("%(n)s KB", n=decimal(round(size / 1024)))
