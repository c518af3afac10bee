"""The SMS alphabet (GSM 03.38): what fits in one 160-character SMS, and French text made to
fit it. One character outside the alphabet sends the whole SMS as UCS-2, 70 characters per
SMS, so accents the alphabet lacks (ê, â, î, ô, û, ç...) and typographic signs are written
with their nearest GSM letter: "Fête" reads "Fete", and the SMS stays one.
"""
from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass

# The GSM 03.38 default alphabet and its extension table (each extension char counts 2).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM7_EXTENDED = frozenset("^{}\\[~]|€\f")
# Typographic signs a text may carry (names typed in a word processor).
SIGNS = {"\u2013": "-", "\u2014": "-", "\u2019": "'", "\u2018": "'", "\u201c": '"',
         "\u201d": '"', "\u00ab": '"', "\u00bb": '"', "\u00a0": " ", "\u202f": " ",
         "\u2026": "...", "\u00b7": "-"}


@dataclass(frozen=True)
class Length:
    """How an SMS text is billed: GSM-7 (160 characters, 153 per part) or UCS-2 (70, 67)."""

    characters: int
    gsm7: bool
    parts: int

    @property
    def single(self) -> bool:
        return self.parts <= 1


def length(text: str) -> Length:
    if all(c in GSM7_BASIC or c in GSM7_EXTENDED for c in text):
        units = sum(2 if c in GSM7_EXTENDED else 1 for c in text)
        return Length(units, True, 1 if units <= 160 else math.ceil(units / 153))
    units = sum(2 if ord(c) > 0xFFFF else 1 for c in text)
    return Length(units, False, 1 if units <= 70 else math.ceil(units / 67))


def to_gsm7(text: str) -> str:
    """The text in the SMS alphabet where a near letter exists (else left as it is)."""
    out = []
    for char in text:
        if char in GSM7_BASIC or char in GSM7_EXTENDED:
            out.append(char)
        elif char in SIGNS:
            out.append(SIGNS[char])
        else:
            bare = unicodedata.normalize("NFD", char)[0]
            out.append(bare if bare in GSM7_BASIC else char)
    return "".join(out)
