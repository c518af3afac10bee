"""The QR code of a confirmation number, as an SVG element to inline in the coupon (APT-3).

Drawn with the `qrcode` library as one <path>; the attributes that our CSP would refuse
(a `style` attribute) are left out, so the page needs no inline style.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import qrcode
import qrcode.image.svg
from markupsafe import Markup

SVG_NS = "http://www.w3.org/2000/svg"


def qr_svg(text: str, label: str) -> Markup:
    """An accessible inline <svg> encoding `text` (an uppercase coupon: alphanumeric mode)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10,
                        border=2)
    ET.register_namespace("", SVG_NS)
    root = image.get_image()
    for element in root.iter():
        element.attrib.pop("style", None)
    root.set("class", "qr")
    root.set("role", "img")
    root.set("aria-label", label)
    markup = ET.tostring(root, encoding="unicode")
    markup = re.sub(r"^<\?xml[^>]*>\s*", "", markup)
    return Markup(markup)  # noqa: S704  (built from our own elements; `label` is escaped by ET)
