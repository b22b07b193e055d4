"""Confidentiality (制度四.2): what NeiQin writes about a customer never shows a mobile, e-mail or full credit code.

:func:`redact` masks such values inside any text (an issue's reason, a duplicate's evidence, a
summary line) with the masks of :mod:`neiqin.core.china.masking`; only the archive itself keeps
them unmasked.
"""

from __future__ import annotations

import re

_EMAIL = r"[^\s「」『』（）()<>，,；;:：]+@[^\s「」『』（）()<>，,；;:：]*"
_USCC = r"(?<![0-9A-Za-z])[0-9A-HJ-NP-RT-UW-Y]{18}(?![0-9A-Za-z])"
# A phone as it appears in text: +86 / 0086, an area code, 7–11 digits, spaces or hyphens between
# (dates such as 2026-12-04 look alike and are left alone: see _mask_digits).
_PHONE = r"(?<![\d\-])(?:(?:\+|00)86[\s\-]?)?\d[\d \-]{5,14}\d(?![\d\-])"
_DATE = re.compile(r"(?:19|20)\d{2}-\d{1,2}-\d{1,2}")
_SECRET = re.compile(f"(?P<email>{_EMAIL})|(?P<uscc>{_USCC})|(?P<phone>{_PHONE})")


def _mask_email(text: str) -> str:
    from neiqin.core.china.masking import mask_email  # email-validator: only when there is text to mask

    masked = mask_email(text)
    if "@" in masked:
        return masked
    local, _, domain = text.partition("@")
    return f"{local[:1]}***@{domain}" if domain else f"{local[:1]}***@"


def _mask_digits(text: str) -> str:
    digits = re.sub(r"\D", "", text)
    if len(digits) < 7 or _DATE.fullmatch(text):
        return text
    if len(digits) == 11 and digits.startswith("1"):
        return f"{digits[:3]}****{digits[-4:]}"
    if len(digits) == 13 and digits.startswith("861"):
        return f"{digits[2:5]}****{digits[-4:]}"
    area = re.match(r"(0\d{2,3})[\s\-]", text)
    if area:  # a landline: its area code stays, as in mask_phone (0571-****1234)
        local = digits[len(area.group(1)) :]
        return f"{area.group(1)}-{'*' * (len(local) - 4)}{local[-4:]}"
    return "*" * (len(digits) - 4) + digits[-4:]


def _mask(match: re.Match[str]) -> str:
    text = match.group(0)
    if match.lastgroup == "email":
        return _mask_email(text)
    if match.lastgroup == "uscc":
        from neiqin.core.china.masking import mask_uscc

        return mask_uscc(text)
    return _mask_digits(text)


def redact(text: str) -> str:
    """``text`` with every e-mail, 18-character credit code and phone-like digit run masked."""
    if not text:
        return text
    return _SECRET.sub(_mask, text)
