"""A real, one-page PDF for the demo services' information document (CFG-1).

The demo attaches an information sheet to each COVID-19 service, as a pharmacy would (guide
§2.1, "Je joins un document d'information"). The sheet is written here as a plain PDF
(Helvetica, Windows-1252 text) so the demo needs no file shipped with the code.
"""
from __future__ import annotations

from ..organization import uploads

SHEET_FR = (
    "Vaccin contre la COVID-19 – fiche d'information",
    "",
    "Avant le rendez-vous",
    "- Apportez votre carte d'assurance maladie et votre coupon de rendez-vous.",
    "- Portez un vêtement à manches courtes.",
    "- Ne venez pas si vous avez de la fièvre ou de la toux : annulez en ligne.",
    "",
    "Après la vaccination",
    "- Restez 15 minutes sur place pour la surveillance.",
    "- Une rougeur ou une douleur au bras pendant un ou deux jours est normale.",
)
SHEET_EN = (
    "COVID-19 vaccine – information sheet",
    "",
    "Before the appointment",
    "- Bring your health insurance card and your appointment coupon.",
    "- Wear a short-sleeved top.",
    "- Do not come if you have a fever or a cough: cancel online.",
    "",
    "After the vaccination",
    "- Stay 15 minutes on site to be watched over.",
    "- Redness or pain in the arm for a day or two is normal.",
)


def _text(line: str) -> str:
    escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return escaped.encode("cp1252").decode("latin-1")  # WinAnsiEncoding bytes, one per char


def sheet_pdf(lines: tuple[str, ...] = SHEET_FR + ("", "") + SHEET_EN) -> bytes:
    """A letter-size page showing `lines`, a line starting a section in bold."""
    ops = ["BT", "50 740 Td", "16 TL"]
    for number, line in enumerate(lines):
        font = "/F2 14" if number in (0, len(SHEET_FR) + 2) else (
            "/F2 11" if line and not line.startswith("-") else "/F1 11")
        ops.append(f"{font} Tf ({_text(line)}) Tj T*")
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold "
        b"/Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def store_sheet(name: str) -> uploads.Stored:
    """Store the information sheet under UPLOAD_FOLDER, as an upload would be stored."""
    content = sheet_pdf()
    return uploads.store("services", name, uploads.PDF, content)
