"""PDF invoices: the printed text (pypdfium2) and the QR code on the rendered first page (zxing-cpp).

The text is read as laid out — runs of text grouped into lines by position, left to right, with a
tab between runs — and the fields are found by their printed labels (发票号码：, 开票日期：, 名称：,
纳税人识别号：, 合计, （小写）…).  Buyer and seller print the same labels: the buyer's block comes first
in reading order on both layouts (数电: buyer left, seller right; older invoices: buyer above, seller
below).  This is a best effort on issuers' layouts; the QR code is the check on it: where the two
disagree the record says so, and the XML or OFD of the same invoice (when in the same folder) wins.

PDFium is not thread-safe: a lock keeps its calls to one thread at a time in a process.
"""

from __future__ import annotations

import re
import threading
from typing import Any

from neiqin.base.text import nfkc

from . import qr, values
from .fields import Extract, shown
from .model import InvoiceItem, Problem, kind_from_title
from .qr import from_payload, several_codes

MAX_PAGES = 3
MAX_RENDER_PIXELS = 3000  # the long side of a rendered page; a hostile page size cannot exhaust memory
QR_SCALES = (2.0, 3.5)


_PDFIUM = threading.Lock()


class PdfUnreadable(Exception):
    """The PDF cannot be read as an invoice; the message (Chinese) says why."""


def _label(text: str, colon: str = "?") -> str:
    """A printed label as a pattern: spaces between its characters (名 称), a colon (optional by default),
    then spaces or tabs on the same line."""
    return r"[ ]*".join(map(re.escape, text)) + r"[ \t]*[:：]" + colon + r"[ \t]*"


_MONEY = r"-?[0-9][0-9,]*\.[0-9]{2}"
_NUMBER = re.compile(_label("发票号码") + r"([0-9]{20}|[0-9]{8})(?![0-9])")
_CODE = re.compile(_label("发票代码") + r"([0-9]{12}|[0-9]{10})(?![0-9])")
_DATE = re.compile(
    _label("开票日期") + r"([0-9]{4}\s*年\s*[0-9]{1,2}\s*月\s*[0-9]{1,2}\s*日|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2})"
)
_CHECK = re.compile(_label("校验码") + r"((?:[0-9] ?){20})")
_NAME = re.compile(_label("名称", colon="") + r"([^\t\n]+)")
_TAX_ID = re.compile(_label("纳税人识别号", colon="") + r"([0-9A-Za-z]{15,20})(?![0-9A-Za-z])")
_TOTALS = re.compile(
    r"^合\s*计\s*[^\n]*?[¥￥]\s*(" + _MONEY + r")(?:[^\n]*?(?:[¥￥]\s*(" + _MONEY + r")|(\*{3,})))?", re.M
)
_GROSS = re.compile(r"[(（]\s*小\s*写\s*[)）]\s*[¥￥]?\s*(" + _MONEY + ")")
_RATE = re.compile(r"^(?:[0-9]+(?:\.[0-9]+)?%|免税|不征税)$")
_AMOUNT = re.compile(r"^" + _MONEY + "$")


def read(data: bytes) -> Extract:
    """The invoice fields of a PDF; raises :class:`PdfUnreadable` with the reason."""
    with _PDFIUM:
        text, texts = _read_pdf(data)
    printed = parse_text(text)
    payloads, reasons = qr.invoice_payloads(texts)
    if printed.empty() and not payloads:
        if reasons:
            raise PdfUnreadable(f"PDF 中没有发票信息：{reasons[0]}")
        raise PdfUnreadable(
            "PDF 中没有发票号码，也没有发票二维码：不像是发票（可能选错了文件，或是很模糊的扫描件）"
            if text.strip()
            else "PDF 中没有文字，也没有找到发票二维码（可能是很模糊的扫描件）；请提供发票原件"
        )
    out = printed
    had_text = not printed.empty()
    if payloads:
        coded = from_payload(payloads[0])
        for what, mine, theirs in printed.disagreements(coded):
            out.problems.append(
                Problem(
                    code="qr_disagrees",
                    message=f"PDF 票面{what}为 {shown(mine)}，二维码中为 {shown(theirs)}，两者不一致；"
                    "文件可能被改动过，请向开票方核实或查验发票",
                )
            )
        if coded.kind is not None:
            out.kind = coded.kind  # the QR states the kind; the printed title is only recognised when standard
        out.fill_from(coded)
        out.format = "PDF（文字 + 二维码）" if had_text else "PDF（二维码，无文字）"
        if len(payloads) > 1:
            out.problems.append(several_codes(payloads))
    else:
        out.format = "PDF（文字，无二维码）"
        out.problems.append(
            Problem(
                code="no_qr",
                severity="warning",
                message="PDF 上没有找到发票二维码，只读取了票面文字；税务系统开具的发票都有二维码，请核对是否为原件",
            )
        )
    return out


def _read_pdf(data: bytes) -> tuple[str, list[str]]:
    """The text of the first pages as lines, and the QR texts of the first page."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        raise PdfUnreadable("PDF 文件已损坏、不完整或有密码保护，无法打开；请重新下载发票") from None
    try:
        if len(pdf) == 0:
            raise PdfUnreadable("PDF 没有页面；请重新下载发票")
        first = pdf[0]
        lines = _page_lines(first)
        for index in range(1, min(len(pdf), MAX_PAGES)):
            lines.extend(_page_lines(pdf[index]))
        texts = _qr_texts(first)
    except pdfium.PdfiumError:
        raise PdfUnreadable("PDF 页面已损坏，无法读取；请重新下载发票") from None
    finally:
        pdf.close()
    return "\n".join(lines), texts


def _page_lines(page: Any) -> list[str]:
    """The page's text runs grouped into lines (top to bottom), runs left to right joined by tabs."""
    textpage = page.get_textpage()
    try:
        runs = []
        for i in range(textpage.count_rects()):
            left, bottom, right, top = textpage.get_rect(i)
            text = textpage.get_text_bounded(left, bottom, right, top).strip()
            if text:
                runs.append((top, bottom, left, text))
    finally:
        textpage.close()
    runs.sort(key=lambda r: (-(r[0] + r[1]) / 2, r[2]))
    lines: list[list[tuple[float, str]]] = []
    centre = None
    for top, bottom, left, text in runs:
        mid = (top + bottom) / 2
        if centre is None or abs(mid - centre) > max(2.0, (top - bottom) * 0.5):
            lines.append([])
            centre = mid
        lines[-1].append((left, text.replace("\r", " ").replace("\n", " ")))
    return ["\t".join(t for _, t in sorted(line)) for line in lines]


def _qr_texts(page: Any) -> list[str]:
    width, height = page.get_size()
    longest = max(width, height, 1.0)
    for scale in QR_SCALES:
        scale = min(scale, MAX_RENDER_PIXELS / longest)
        image = page.render(scale=scale, grayscale=True).to_pil()
        found = qr.decode(image)
        if found:
            return found
    return []


def parse_text(text: str) -> Extract:
    """The fields printed on an invoice, from its text laid out as lines of tab-separated runs."""
    text = nfkc(text)
    out = Extract()
    out.kind = kind_from_title(text)
    if m := _NUMBER.search(text):
        out.number = m.group(1)
    if m := _CODE.search(text):
        out.code = m.group(1)
    if m := _DATE.search(text):
        out.date = values.date(m.group(1))
    if m := _CHECK.search(text):
        out.check_code = values.digits(m.group(1))
    names = [values.clean(m.group(1)) for m in _NAME.finditer(text)]
    ids = [values.tax_id(m.group(1)) for m in _TAX_ID.finditer(text)]
    if names:
        out.buyer_name = names[0]
        out.seller_name = names[1] if len(names) > 1 else ""
    if ids:
        out.buyer_tax_id = ids[0]
        out.seller_tax_id = ids[1] if len(ids) > 1 else ""
    if m := _TOTALS.search(text):
        out.net = values.money(m.group(1))
        # a tax-free invoice prints *** as its tax
        out.tax = values.money(m.group(2)) if m.group(2) else values.money("0") if m.group(3) else None
    if m := _GROSS.search(text):
        out.gross = values.money(m.group(1))
    out.items = [item for line in text.split("\n") if (item := _item(line)) is not None]
    return out


def _item(line: str) -> InvoiceItem | None:
    """An item line: ``*类别*名称 … 金额 税率 税额`` (the name starts with the *category* of the tax code)."""
    runs = [r.strip() for r in line.split("\t") if r.strip()]
    if not runs or not re.match(r"^\*[^*]+\*", runs[0]):
        return None
    rate_at = next((i for i, r in enumerate(runs) if _RATE.match(r)), None)
    if rate_at is None:
        return None
    amounts_before = [r for r in runs[1:rate_at] if _AMOUNT.match(r)]
    after = runs[rate_at + 1 : rate_at + 2]
    tax_text = after[0] if after else ""
    tax = values.money("0") if tax_text and set(tax_text) == {"*"} else values.money(tax_text)
    return InvoiceItem(
        name=values.clean(runs[0]),
        amount=values.money(amounts_before[-1]) if amounts_before else None,
        rate=values.rate(runs[rate_at]),
        tax=tax,
    )
