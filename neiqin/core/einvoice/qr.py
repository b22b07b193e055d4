"""The invoice QR code: its payload and how to find it in a picture.

Payload (增值税发票 and 数电发票 alike)::

    01,<种类>,<发票代码>,<发票号码>,<金额>,<开票日期 YYYYMMDD>,<校验码>,<CRC>

* 种类: 01 专票, 04 普票, 08 电子专票, 10 电子普票, 31 数电专票, 32 数电普票 (:class:`InvoiceKind`).
* 发票代码 is empty for 数电; 校验码 is empty for 数电 and 专票.  Empty fields may hold spaces.
* 金额 is the 价税合计 for 数电 and the amount without tax (合计金额) for the older kinds.
* The last field is a short check value (4 hex digits on the samples seen) whose algorithm is not
  published; it is kept as read and not verified.  Some issuers add a trailing comma.

Decoding uses zxing-cpp (Apache-2.0, self-contained wheels).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from . import values
from .fields import Extract
from .model import InvoiceKind, Problem

_VERSION = "01"
_KINDS = {k.value: k for k in InvoiceKind}


class PayloadError(ValueError):
    """A QR text that is not an invoice payload; the message (Chinese) says why."""


@dataclass(frozen=True, slots=True)
class QrPayload:
    kind: InvoiceKind
    code: str
    number: str
    amount: Decimal  # 价税合计 for 数电, 合计金额 (without tax) otherwise
    date: dt.date
    check_code: str
    crc: str
    text: str

    @property
    def gross(self) -> Decimal | None:
        return self.amount if self.kind.digital else None

    @property
    def net(self) -> Decimal | None:
        return None if self.kind.digital else self.amount


def parse_payload(text: Any) -> QrPayload:
    """The fields of an invoice QR payload; raises :class:`PayloadError` (only) when ``text`` is not one."""
    if not isinstance(text, str):
        raise PayloadError("二维码内容不是文字")
    raw = text.strip().lstrip("\ufeff")
    fields = [values.digits(f) for f in raw.split(",")]
    if len(fields) < 7 or fields[0] != _VERSION:
        raise PayloadError("二维码不是发票二维码（应以“01,”开头，至少 7 项，用逗号分隔）")
    kind = _KINDS.get(fields[1])
    if kind is None:
        raise PayloadError(f"二维码中的发票种类“{fields[1][:10]}”不认识（应为 01、04、08、10、31 或 32）")
    code, number, amount_text, date_text, check_code = fields[2:7]
    crc = fields[7] if len(fields) > 7 else ""
    if kind.digital:
        if code:
            raise PayloadError(f"数电发票的二维码不应有发票代码，却有“{code[:20]}”")
        if not re.fullmatch(r"[0-9]{20}", number):
            raise PayloadError(f"数电发票号码应为 20 位数字，二维码中为“{number[:30]}”")
    else:
        if not re.fullmatch(r"[0-9]{10}|[0-9]{12}", code):
            raise PayloadError(f"发票代码应为 10 位或 12 位数字，二维码中为“{code[:30]}”")
        if not re.fullmatch(r"[0-9]{8}", number):
            raise PayloadError(f"发票号码应为 8 位数字，二维码中为“{number[:30]}”")
    amount = values.money(amount_text)
    if amount is None or not re.fullmatch(r"-?[0-9]+(\.[0-9]{1,2})?", amount_text):
        raise PayloadError(f"二维码中的金额“{amount_text[:30]}”不是金额")
    if not re.fullmatch(r"[0-9]{8}", date_text):
        raise PayloadError(f"二维码中的开票日期“{date_text[:30]}”应为 8 位数字（YYYYMMDD）")
    try:
        date = dt.date(int(date_text[:4]), int(date_text[4:6]), int(date_text[6:]))
    except ValueError:
        raise PayloadError(f"二维码中的开票日期“{date_text}”不是有效日期") from None
    if check_code and not re.fullmatch(r"[0-9]{20}", check_code):
        raise PayloadError(f"二维码中的校验码应为 20 位数字，却是“{check_code[:30]}”")
    return QrPayload(kind, code, number, amount, date, check_code, crc, raw)


def decode(image: Any) -> list[str]:
    """The texts of the QR codes in a PIL image (grayscale or colour), most readable first.

    Tries the image as it is, then a global-histogram binarisation (helps on uneven photos), then
    half and double size (a blurred phone photo, a tiny scan).
    """
    import zxingcpp

    fmt = zxingcpp.BarcodeFormat.QRCode
    gray = image if image.mode == "L" else image.convert("L")
    attempts = [
        lambda: zxingcpp.read_barcodes(gray, formats=fmt),
        lambda: zxingcpp.read_barcodes(gray, formats=fmt, binarizer=zxingcpp.Binarizer.GlobalHistogram),
    ]
    w, h = gray.size
    if min(w, h) >= 400:
        attempts.append(lambda: zxingcpp.read_barcodes(gray.reduce(2), formats=fmt))
    if max(w, h) <= 1600:
        attempts.append(lambda: zxingcpp.read_barcodes(gray.resize((w * 2, h * 2)), formats=fmt))
    for attempt in attempts:
        found = [b.text for b in attempt() if b.text]
        if found:
            return found
    return []


def invoice_payloads(texts: list[str]) -> tuple[list[QrPayload], list[str]]:
    """The invoice payloads among QR texts, and why the others are not (Chinese reasons)."""
    payloads: list[QrPayload] = []
    reasons: list[str] = []
    for text in texts:
        try:
            payload = parse_payload(text)
        except PayloadError as exc:
            reasons.append(str(exc))
            continue
        if all(p.text != payload.text for p in payloads):
            payloads.append(payload)
    return payloads, reasons


def from_payload(payload: QrPayload) -> Extract:
    """The fields a QR code gives."""
    return Extract(
        kind=payload.kind,
        code=payload.code,
        number=payload.number,
        date=payload.date,
        net=payload.net,
        gross=payload.gross,
        check_code=payload.check_code,
    )


def several_codes(payloads: list[QrPayload]) -> Problem:
    others = "、".join(p.number for p in payloads[1:])
    return Problem(
        code="several_invoices",
        message=f"文件中有 {len(payloads)} 张发票的二维码，只读取了第一张（{payloads[0].number}），"
        f"另有 {others}；请每张发票单独提供一个文件",
    )
