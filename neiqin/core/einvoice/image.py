"""Photos and scans (PNG, JPG …) of an invoice: the fields its QR code carries."""

from __future__ import annotations

import io
import warnings
from typing import Any

from . import qr
from .fields import Extract
from .qr import from_payload, several_codes

MAX_PIXELS = 50_000_000  # a 50-megapixel photo is already larger than any phone takes
# a phone photo is decoded at half size first (JPEG's own downscaling, ~8× faster): an invoice's QR
# code still has 3-4 pixels per module there; the full size is tried when that finds nothing
DRAFT_ABOVE = 2400


class ImageUnreadable(Exception):
    """The picture has no readable invoice QR code; the message (Chinese) says why."""


def read(data: bytes) -> Extract:
    """The QR fields of an invoice photo or scan; raises :class:`ImageUnreadable` with the reason."""
    image, drafted = _open(data, draft=True)
    texts = qr.decode(image)
    if not texts and drafted:
        texts = qr.decode(_open(data, draft=False)[0])
    payloads, reasons = qr.invoice_payloads(texts)
    if not payloads:
        if reasons:
            raise ImageUnreadable(f"图片中的二维码不是发票二维码：{reasons[0]}")
        raise ImageUnreadable(
            "图片中没有找到发票二维码；请拍清楚发票左上角的二维码（不要反光、不要太远），或提供 PDF/OFD 原件"
        )
    out = from_payload(payloads[0])
    out.format = "图片（二维码）"
    if len(payloads) > 1:
        out.problems.append(several_codes(payloads))
    return out


def _open(data: bytes, draft: bool) -> tuple[Any, bool]:
    """The decoded picture, its size checked first; a large JPEG at half size when ``draft`` (then True)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ImageUnreadable(f"图片有 {width}×{height} 像素，过大（可能是恶意文件）；请提供普通的照片或扫描件")
            drafted = draft and image.format == "JPEG" and max(width, height) > DRAFT_ABOVE
            if drafted:
                image.draft("L", (width // 2, height // 2))
            image.load()
    except ImageUnreadable:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageUnreadable("图片格式无法识别或过大；请提供 PNG 或 JPG 格式的照片或扫描件") from None
    except (OSError, ValueError, SyntaxError, EOFError):
        raise ImageUnreadable("图片文件已损坏或不完整；请重新拍照或扫描") from None
    return image, drafted
