"""The QR code of a confirmation number, as an SVG element to inline in the coupon (APT-3).

The `qrcode` library encodes; the <svg> is written here as one <path> of horizontal runs
(its image classes draw module by module, most of the confirmation page's CPU). No
`style` attribute, so the page needs no inline style under our CSP.
"""
from __future__ import annotations

import qrcode
from markupsafe import Markup, escape

BORDER = 2
# Any of the 8 standard masks reads well on a code this small; choosing one spares the
# library's search of the best one (8 full evaluations of the code).
MASK = 0


def qr_svg(text: str, label: str) -> Markup:
    """An accessible inline <svg> encoding `text` (an uppercase coupon: alphanumeric mode)."""
    code = qrcode.QRCode(border=BORDER, mask_pattern=MASK)
    code.add_data(text)
    code.make(fit=True)
    matrix = code.get_matrix()
    size = len(matrix)
    path = []
    for y, row in enumerate(matrix):
        x = 0
        while x < size:
            if not row[x]:
                x += 1
                continue
            start = x
            while x < size and row[x]:
                x += 1
            path.append(f"M{start},{y}h{x - start}v1h-{x - start}z")
    return Markup(  # noqa: S704  (our own numbers; `label` is escaped)
        f'<svg width="{size}mm" height="{size}mm" version="1.1" viewBox="0 0 {size} {size}" '
        f'xmlns="http://www.w3.org/2000/svg" class="qr" role="img" aria-label="{escape(label)}">'
        f'<path d="{"".join(path)}"/></svg>')
