"""Invoice files made for the tests: no real company's invoices are kept in the repository.

``make_invoice(**overrides)`` gives a consistent invoice (items, totals, kind); the writers turn it
into the files issuers send: 数电 XML in versions 0.2 / 0.32 / 0.33, a pinyin-tagged XML, the 2019
``eInvoice`` XML, Chinese-tagged XML, OFD packages (with and without the embedded XML), PDFs with
Chinese text and a QR code (reportlab's built-in CJK CID font), and QR photos (PNG/JPG, rotated,
blurred).  The broken ones: truncated zip, wrong amounts, billion laughs, XXE, an unrelated PDF, a
picture without a QR code, an empty file.  Companies and tax ids are invented (valid check digits).

The XML versions differ here as far as public samples show (0.2 without ``InherentLabel`` and with a
date-only ``IssueTime``; 0.32 with labels; 0.33 with per-item ``TotaltaxIncludedAmount`` and a
``SpecificInformation`` block) — plausible, not copies of the official schema.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape


def uscc(body: str) -> str:
    """A 统一社会信用代码 from its first 17 characters, with the check character (NeiQin's own rule)."""
    from neiqin.core.china.uscc import make_uscc

    return make_uscc(body)


BUYER_NAME = "杭州示例科技有限公司"
BUYER_ID = uscc("91330106MA2KX7Y3Q")
SELLER_NAME = "上海样例餐饮管理有限公司"
SELLER_ID = uscc("91310115MA1H8P2L0")


def _fen(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Item:
    name: str
    amount: Decimal
    rate: Decimal  # fraction
    tax: Decimal | None = None  # None: amount × rate

    @property
    def tax_value(self) -> Decimal:
        return _fen(self.amount * self.rate) if self.tax is None else self.tax


@dataclass(frozen=True)
class FakeInvoice:
    kind: str = "32"  # the QR's 种类: 01 04 08 10 31 32
    code: str = ""
    number: str = "25312000000123456789"
    date: dt.date = dt.date(2025, 3, 7)
    seller_name: str = SELLER_NAME
    seller_id: str = SELLER_ID
    buyer_name: str = BUYER_NAME
    buyer_id: str = BUYER_ID
    items: tuple[Item, ...] = field(
        default_factory=lambda: (
            Item("*餐饮服务*餐费", Decimal("850.00"), Decimal("0.06")),
            Item("*住宿服务*住宿费", Decimal("1200.00"), Decimal("0.06")),
        )
    )
    check_code: str = ""
    # set to write totals that do not add up (a tampered or broken invoice)
    net_override: Decimal | None = None
    tax_override: Decimal | None = None
    gross_override: Decimal | None = None

    @property
    def digital(self) -> bool:
        return self.kind in ("31", "32")

    @property
    def net(self) -> Decimal:
        return self.net_override if self.net_override is not None else sum((i.amount for i in self.items), Decimal(0))

    @property
    def tax(self) -> Decimal:
        if self.tax_override is not None:
            return self.tax_override
        return sum((i.tax_value for i in self.items), Decimal(0))

    @property
    def gross(self) -> Decimal:
        return self.gross_override if self.gross_override is not None else self.net + self.tax

    @property
    def title(self) -> str:
        return {
            "01": "增值税专用发票",
            "04": "增值税普通发票",
            "08": "增值税电子专用发票",
            "10": "增值税电子普通发票",
            "31": "电子发票（增值税专用发票）",
            "32": "电子发票（普通发票）",
        }[self.kind]


def make_invoice(**overrides: Any) -> FakeInvoice:
    """A consistent invoice; ``kind="10"`` etc. switch to a legacy invoice with code, number and check code."""
    kind = overrides.get("kind", "32")
    if kind not in ("31", "32"):
        overrides.setdefault("code", "033002300111")
        overrides.setdefault("number", "01234567")
        if kind in ("04", "10"):
            overrides.setdefault("check_code", "12345678901234567890")
    return FakeInvoice(**overrides)


def legacy(**overrides: Any) -> FakeInvoice:
    """A 增值税电子普通发票 (2023): 12-digit code, 8-digit number, 校验码."""
    overrides.setdefault("kind", "10")
    overrides.setdefault("date", dt.date(2023, 8, 15))
    return make_invoice(**overrides)


def money(value: Decimal) -> str:
    return f"{_fen(value):f}"


def rate_fraction(value: Decimal) -> str:
    return f"{value.normalize():f}"


def rate_percent(value: Decimal) -> str:
    return f"{(value * 100).normalize():f}%"


# --------------------------------------------------------------------------- QR


def qr_payload(inv: FakeInvoice, crc: str = "A1B2") -> str:
    """The QR text: 01,<种类>,<代码>,<号码>,<金额>,<YYYYMMDD>,<校验码>,<CRC>."""
    amount = inv.gross if inv.digital else inv.net
    return f"01,{inv.kind},{inv.code},{inv.number},{money(amount)},{inv.date:%Y%m%d},{inv.check_code},{crc}"


def qr_image(payload: str, scale: int = 6) -> Any:
    """A PIL image of the QR code (white quiet zone)."""
    import numpy as np
    import zxingcpp
    from PIL import Image

    barcode = zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.QRCode)
    return Image.fromarray(np.array(barcode.to_image(scale=scale, add_quiet_zones=True)))


def qr_photo(payload: str, fmt: str = "PNG", rotate: float = 0.0, blur: float = 0.0, quality: int = 85) -> bytes:
    """A photo-like picture of an invoice corner: the QR on a larger page with some text, rotated and blurred."""
    from PIL import Image, ImageDraw, ImageFilter

    code = qr_image(payload, scale=5).convert("RGB")
    page = Image.new("RGB", (code.width * 3, code.height * 2), (246, 244, 238))
    page.paste(code, (code.width // 3, code.height // 3))
    draw = ImageDraw.Draw(page)
    for y in range(code.height // 3, code.height * 2 - 20, 24):
        draw.line((code.width * 1.6, y, code.width * 2.8, y), fill=(120, 120, 120), width=3)
    if rotate:
        page = page.rotate(rotate, expand=True, fillcolor=(246, 244, 238), resample=Image.Resampling.BICUBIC)
    if blur:
        page = page.filter(ImageFilter.GaussianBlur(blur))
    out = io.BytesIO()
    page.save(out, format=fmt, **({"quality": quality} if fmt.upper() in ("JPEG", "JPG") else {}))
    return out.getvalue()


def picture_without_qr(fmt: str = "PNG") -> bytes:
    """A picture (a receipt-like drawing) with no QR code in it."""
    from PIL import Image, ImageDraw

    page = Image.new("RGB", (480, 320), (255, 255, 255))
    draw = ImageDraw.Draw(page)
    for i in range(8):
        draw.rectangle((20 + i * 55, 40, 60 + i * 55, 80 + i * 20), outline=(0, 0, 0), width=2)
    draw.text((30, 280), "RECEIPT 2025-03-07  TOTAL 106.00", fill=(0, 0, 0))
    out = io.BytesIO()
    page.save(out, format=fmt)
    return out.getvalue()


# --------------------------------------------------------------------------- XML


def einvoice_xml(inv: FakeInvoice, version: str = "0.32") -> bytes:
    """The 数电 archive XML (root ``EInvoice``) in the given version."""
    label = ""
    if version != "0.2":
        code, name = ("01", "增值税专用发票") if inv.kind == "31" else ("02", "普通发票")
        label = (
            "<InherentLabel><EInvoiceType><LabelCode>02</LabelCode><LabelName>电子发票</LabelName></EInvoiceType>"
            f"<GeneralOrSpecialVAT><LabelCode>{code}</LabelCode><LabelName>{name}</LabelName></GeneralOrSpecialVAT>"
            "</InherentLabel>"
        )
    items = []
    for item in inv.items:
        extra = (
            f"<TotaltaxIncludedAmount>{money(item.amount + item.tax_value)}</TotaltaxIncludedAmount>"
            if version == "0.33"
            else ""
        )
        items.append(
            "<IssuItemInformation>"
            f"<ItemName>{escape(item.name)}</ItemName><MeaUnits>次</MeaUnits><Quantity>1</Quantity>"
            f"<UnPrice>{money(item.amount)}</UnPrice><Amount>{money(item.amount)}</Amount>"
            f"<TaxRate>{rate_fraction(item.rate)}</TaxRate><ComTaxAm>{money(item.tax_value)}</ComTaxAm>{extra}"
            "</IssuItemInformation>"
        )
    issue_time = f"{inv.date:%Y-%m-%d}" if version == "0.2" else f"{inv.date:%Y-%m-%d} 10:22:33"
    specific = (
        "<SpecificInformation><Accommodation><Days>2</Days></Accommodation></SpecificInformation>"
        if version == "0.33"
        else ""
    )
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<EInvoice><Header><EIid>{inv.number}</EIid><EInvoiceTag>SWEI3100</EInvoiceTag>"
        f"<Version>{version}</Version>{label}</Header>"
        "<EInvoiceData>"
        f"<SellerInformation><SellerIdNum>{inv.seller_id}</SellerIdNum><SellerName>{escape(inv.seller_name)}</SellerName>"
        "<SellerAddr>上海市浦东新区样例路 1 号</SellerAddr></SellerInformation>"
        f"<BuyerInformation><BuyerIdNum>{inv.buyer_id}</BuyerIdNum><BuyerName>{escape(inv.buyer_name)}</BuyerName>"
        "</BuyerInformation>"
        f"<BasicInformation><TotalAmWithoutTax>{money(inv.net)}</TotalAmWithoutTax>"
        f"<TotalTaxAm>{money(inv.tax)}</TotalTaxAm>"
        f"<TotalTax-includedAmount>{money(inv.gross)}</TotalTax-includedAmount>"
        f"<TotalTax-includedAmountInChinese>（略）</TotalTax-includedAmountInChinese>"
        f"<Drawer>王芳</Drawer><RequestTime>{inv.date:%Y-%m-%d} 10:22:30</RequestTime></BasicInformation>"
        f"{''.join(items)}{specific}"
        "</EInvoiceData>"
        f"<TaxSupervisionInfo><InvoiceNumber>{inv.number}</InvoiceNumber><IssueTime>{issue_time}</IssueTime>"
        "<TaxBureauCode>13100000000</TaxBureauCode><TaxBureauName>国家税务总局上海市税务局</TaxBureauName>"
        "</TaxSupervisionInfo></EInvoice>\n"
    )
    return text.encode("utf-8")


_FPLXDM = {"01": "004", "04": "007", "08": "028", "10": "026", "31": "81", "32": "82"}


def pinyin_xml(inv: FakeInvoice, encoding: str = "UTF-8") -> bytes:
    """An issuer's XML with pinyin-initial tags (FPHM, KPRQ, HJJE, HJSE, JSHJ, XSF_MC …)."""
    items = "".join(
        f"<XMXX><XMMC>{escape(i.name)}</XMMC><JE>{money(i.amount)}</JE><SL>{rate_fraction(i.rate)}</SL>"
        f"<SE>{money(i.tax_value)}</SE></XMXX>"
        for i in inv.items
    )
    text = (
        f'<?xml version="1.0" encoding="{encoding}"?>\n'
        f"<FPXX><FPLXDM>{_FPLXDM[inv.kind]}</FPLXDM><FPDM>{inv.code}</FPDM><FPHM>{inv.number}</FPHM>"
        f"<KPRQ>{inv.date:%Y%m%d}</KPRQ><JYM>{inv.check_code}</JYM>"
        f"<XSF_MC>{escape(inv.seller_name)}</XSF_MC><XSF_NSRSBH>{inv.seller_id}</XSF_NSRSBH>"
        f"<GMF_MC>{escape(inv.buyer_name)}</GMF_MC><GMF_NSRSBH>{inv.buyer_id}</GMF_NSRSBH>"
        f"<HJJE>{money(inv.net)}</HJJE><HJSE>{money(inv.tax)}</HJSE><JSHJ>{money(inv.gross)}</JSHJ>"
        f"<XMXXS>{items}</XMXXS></FPXX>\n"
    )
    return text.encode("gb18030" if encoding.upper() in ("GBK", "GB18030") else "utf-8")


def chinese_xml(inv: FakeInvoice) -> bytes:
    """An archive export with Chinese tags."""
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<发票><发票号码>{inv.number}</发票号码><发票代码>{inv.code}</发票代码><开票日期>{inv.date:%Y年%m月%d日}</开票日期>"
        f"<购买方名称>{escape(inv.buyer_name)}</购买方名称><购买方纳税人识别号>{inv.buyer_id}</购买方纳税人识别号>"
        f"<销售方名称>{escape(inv.seller_name)}</销售方名称><销售方纳税人识别号>{inv.seller_id}</销售方纳税人识别号>"
        f"<合计金额>{money(inv.net)}</合计金额><合计税额>{money(inv.tax)}</合计税额><价税合计>{money(inv.gross)}</价税合计>"
        "</发票>\n"
    )
    return text.encode("utf-8")


def legacy_xml(inv: FakeInvoice) -> bytes:
    """The 2019 e-invoice structured data (root ``eInvoice``, namespace edrm.org.cn), as older OFDs embed it."""
    goods = "".join(
        f"<fp:GoodsInfo><fp:Item>{escape(i.name)}</fp:Item><fp:Specification/><fp:Amount>{money(i.amount)}</fp:Amount>"
        f"<fp:TaxScheme>{rate_percent(i.rate)}</fp:TaxScheme><fp:TaxAmount>{money(i.tax_value)}</fp:TaxAmount>"
        "</fp:GoodsInfo>"
        for i in inv.items
    )
    text = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<eInvoice xmlns:fp="http://www.edrm.org.cn/schema/e-invoice/2019" Version="1.0">'
        f"<fp:DocID>01</fp:DocID><fp:InvoiceCode>{inv.code}</fp:InvoiceCode><fp:InvoiceNo>{inv.number}</fp:InvoiceNo>"
        f"<fp:TypeCode>0</fp:TypeCode><fp:IssueDate>{inv.date:%Y年%m月%d日}</fp:IssueDate>"
        f"<fp:InvoiceCheckCode>{inv.check_code}</fp:InvoiceCheckCode><fp:MachineNo>661234567890</fp:MachineNo>"
        f"<fp:Buyer><fp:BuyerName>{escape(inv.buyer_name)}</fp:BuyerName><fp:BuyerTaxID>{inv.buyer_id}</fp:BuyerTaxID>"
        "</fp:Buyer>"
        f"<fp:Seller><fp:SellerName>{escape(inv.seller_name)}</fp:SellerName>"
        f"<fp:SellerTaxID>{inv.seller_id}</fp:SellerTaxID></fp:Seller>"
        f"<fp:TaxInclusiveTotalAmount>{money(inv.gross)}</fp:TaxInclusiveTotalAmount><fp:Note/>"
        f"<fp:InvoiceClerk>王芳</fp:InvoiceClerk><fp:TaxTotalAmount>{money(inv.tax)}</fp:TaxTotalAmount>"
        f"<fp:TaxExclusiveTotalAmount>{money(inv.net)}</fp:TaxExclusiveTotalAmount>"
        f"<fp:GraphCode>{qr_payload(inv)},</fp:GraphCode><fp:GoodsInfos>{goods}</fp:GoodsInfos></eInvoice>\n"
    )
    return text.encode("utf-8")


def billion_laughs() -> bytes:
    lol = "\n".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE EInvoice [\n<!ENTITY lol0 "lol">\n'
        f"{lol}\n]>\n<EInvoice><Header><EIid>&lol9;</EIid></Header></EInvoice>\n"
    ).encode()


def xxe(target: str = "/etc/passwd") -> bytes:
    return (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE EInvoice [<!ENTITY secret SYSTEM "file://{target}">]>\n'
        "<EInvoice><TaxSupervisionInfo><InvoiceNumber>&secret;</InvoiceNumber></TaxSupervisionInfo>"
        "<BasicInformation><TotalTax-includedAmount>1.00</TotalTax-includedAmount></BasicInformation></EInvoice>\n"
    ).encode()


# --------------------------------------------------------------------------- OFD

_NS = 'xmlns:ofd="http://www.ofdspec.org/2016"'


def ofd_package(
    inv: FakeInvoice,
    embed: str | None = None,
    custom_data: bool = True,
    tags: bool = True,
    custom_overrides: dict[str, str] | None = None,
    deflate: bool = True,
) -> bytes:
    """An OFD invoice: OFD.xml (CustomData), Document.xml, one page of text objects, the custom tags
    pointing at those objects, and with ``embed`` ("einvoice" or "legacy") the invoice XML attached."""
    texts: list[tuple[str, str]] = [
        ("title", inv.title),
        ("number", inv.number),
        ("date", f"{inv.date:%Y年%m月%d日}"),
        ("buyer_name", inv.buyer_name),
        ("buyer_id", inv.buyer_id),
        ("seller_name", inv.seller_name),
        ("seller_id", inv.seller_id),
        ("net", f"¥{money(inv.net)}"),
        ("tax", f"¥{money(inv.tax)}"),
        ("gross", f"¥{money(inv.gross)}"),
    ]
    if inv.code:
        texts += [("code", inv.code), ("check", inv.check_code)]
    ids = {name: str(100 + n) for n, (name, _) in enumerate(texts)}
    objects = "".join(
        f'<ofd:TextObject ID="{ids[name]}" Boundary="10 {10 + n * 6} 80 5" Font="3" Size="3.175">'
        f'<ofd:TextCode X="0" Y="3">{escape(value)}</ofd:TextCode></ofd:TextObject>'
        for n, (name, value) in enumerate(texts)
    )
    files: dict[str, str | bytes] = {}
    custom = {
        "发票号码": inv.number,
        "合计金额": money(inv.net),
        "合计税额": money(inv.tax),
        "开票日期": f"{inv.date:%Y年%m月%d日}",
        "购买方纳税人识别号": inv.buyer_id,
        "销售方纳税人识别号": inv.seller_id,
    }
    if inv.code:
        custom["发票代码"] = inv.code
        custom["校验码"] = inv.check_code
    custom.update(custom_overrides or {})
    custom_xml = (
        "<ofd:CustomDatas>"
        + "".join(f'<ofd:CustomData Name="{k}">{escape(v)}</ofd:CustomData>' for k, v in custom.items())
        + "</ofd:CustomDatas>"
        if custom_data
        else ""
    )
    files["OFD.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD {_NS} DocType="OFD" Version="1.1"><ofd:DocBody>'
        "<ofd:DocInfo><ofd:DocID>5f0c3b6e2c1d4b7a9e8f</ofd:DocID><ofd:Creator>NeiQin tests</ofd:Creator>"
        f"{custom_xml}</ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>"
        "</ofd:DocBody></ofd:OFD>"
    )
    attachments = "<ofd:Attachments>Attachs/Attachments.xml</ofd:Attachments>" if embed else ""
    custom_tags = "<ofd:CustomTags>Tags/CustomTags.xml</ofd:CustomTags>" if tags else ""
    files["Doc_0/Document.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document {_NS}><ofd:CommonData><ofd:MaxUnitID>300</ofd:MaxUnitID>'
        "<ofd:PageArea><ofd:PhysicalBox>0 0 210 140</ofd:PhysicalBox></ofd:PageArea></ofd:CommonData>"
        '<ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages>'
        f"{custom_tags}{attachments}</ofd:Document>"
    )
    files["Doc_0/Pages/Page_0/Content.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page {_NS}><ofd:Content><ofd:Layer ID="2">'
        f"{objects}</ofd:Layer></ofd:Content></ofd:Page>"
    )
    if tags:
        files["Doc_0/Tags/CustomTags.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:CustomTags {_NS}>'
            '<ofd:CustomTag TypeID="eInvoice"><ofd:FileLoc>CustomTag.xml</ofd:FileLoc></ofd:CustomTag>'
            "</ofd:CustomTags>"
        )

        def ref(name: str) -> str:
            return f'<ofd:ObjectRef PageRef="1">{ids[name]}</ofd:ObjectRef>'

        legacy_tags = (
            f"<fp:InvoiceCode>{ref('code')}</fp:InvoiceCode><fp:InvoiceCheckCode>{ref('check')}</fp:InvoiceCheckCode>"
            if inv.code
            else ""
        )
        files["Doc_0/Tags/CustomTag.xml"] = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f'<fp:eInvoice xmlns:fp="http://www.edrm.org.cn/schema/e-invoice/2019" {_NS}>'
            f"<fp:InvoiceNo>{ref('number')}</fp:InvoiceNo>{legacy_tags}<fp:IssueDate>{ref('date')}</fp:IssueDate>"
            f"<fp:Buyer><fp:BuyerName>{ref('buyer_name')}</fp:BuyerName><fp:BuyerTaxID>{ref('buyer_id')}</fp:BuyerTaxID>"
            f"</fp:Buyer><fp:Seller><fp:SellerName>{ref('seller_name')}</fp:SellerName>"
            f"<fp:SellerTaxID>{ref('seller_id')}</fp:SellerTaxID></fp:Seller>"
            f"<fp:TaxExclusiveTotalAmount>{ref('net')}</fp:TaxExclusiveTotalAmount>"
            f"<fp:TaxTotalAmount>{ref('tax')}</fp:TaxTotalAmount>"
            f"<fp:TaxInclusiveTotalAmount>{ref('gross')}</fp:TaxInclusiveTotalAmount></fp:eInvoice>"
        )
    if embed:
        files["Doc_0/Attachs/Attachments.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Attachments {_NS}>'
            '<ofd:Attachment ID="900" Name="original_invoice" Format="xml">'
            "<ofd:FileLoc>original_invoice.xml</ofd:FileLoc></ofd:Attachment></ofd:Attachments>"
        )
        files["Doc_0/Attachs/original_invoice.xml"] = legacy_xml(inv) if embed == "legacy" else einvoice_xml(inv)
    out = io.BytesIO()
    method = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
    with zipfile.ZipFile(out, "w", method) as z:
        for name, content in files.items():
            z.writestr(name, content)
    return out.getvalue()


def zip_bomb(member_mb: int = 40) -> bytes:
    """A small OFD whose one page decompresses to ``member_mb`` MB of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        body = "<ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody>"
        z.writestr("OFD.xml", f"<ofd:OFD {_NS}>{body}</ofd:OFD>")
        page = '<ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/>'
        z.writestr("Doc_0/Document.xml", f"<ofd:Document {_NS}><ofd:Pages>{page}</ofd:Pages></ofd:Document>")
        z.writestr("Doc_0/Pages/Page_0/Content.xml", b"<a>" + b" " * (member_mb * 1024 * 1024) + b"</a>")
    return out.getvalue()


def many_members(count: int = 5000) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        z.writestr("OFD.xml", f"<ofd:OFD {_NS}/>")
        for i in range(count):
            z.writestr(f"Doc_0/Res/r{i}.xml", "<a/>")
    return out.getvalue()


# --------------------------------------------------------------------------- PDF


def _cjk_font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    name = "STSong-Light"
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(name))
    return name


def _draw_qr(canvas: Any, payload: str, x: float, y: float, size: float) -> None:
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing

    widget = QrCodeWidget(payload)
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, x, y)


def invoice_pdf(
    inv: FakeInvoice,
    qr: bool = True,
    text: bool = True,
    qr_of: FakeInvoice | None = None,
) -> bytes:
    """A PDF laid out like the tax system's: QR top left, title, number/date top right, buyer and seller,
    items, totals, 价税合计.  ``qr_of``: another invoice's QR (printed text and QR then disagree)."""
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas as pdfcanvas

    from neiqin.core.rmb import to_upper

    font = _cjk_font()
    buf = io.BytesIO()
    c = pdfcanvas.Canvas(buf, pagesize=(240 * mm, 140 * mm), invariant=True)
    c.setTitle(inv.title)
    if qr:
        _draw_qr(c, qr_payload(qr_of or inv), 8 * mm, 112 * mm, 22 * mm)
    if text:
        c.setFont(font, 14)
        c.drawCentredString(120 * mm, 128 * mm, inv.title)
        c.setFont(font, 9)
        right = 170 * mm
        top = 128 * mm
        if inv.code:
            c.drawString(right, top, f"发票代码：{inv.code}")
            top -= 5 * mm
        c.drawString(right, top, f"发票号码：{inv.number}")
        c.drawString(right, top - 5 * mm, f"开票日期：{inv.date:%Y年%m月%d日}")
        if inv.check_code:
            spaced = " ".join(inv.check_code[i : i + 5] for i in range(0, 20, 5))
            c.drawString(right, top - 10 * mm, f"校验码：{spaced}")
        label = "统一社会信用代码/纳税人识别号：" if inv.digital else "纳税人识别号："
        buyer = (12 * mm, 100 * mm, inv.buyer_name, inv.buyer_id)
        if inv.digital:  # buyer left, seller right
            blocks = (buyer, (125 * mm, 100 * mm, inv.seller_name, inv.seller_id))
        else:  # buyer above the items, seller below
            blocks = (buyer, (12 * mm, 22 * mm, inv.seller_name, inv.seller_id))
        for x, y, name, tax_id in blocks:
            c.drawString(x, y, f"名称：{name}")
            c.drawString(x, y - 5 * mm, f"{label}{tax_id}")
        columns = {"name": 12 * mm, "unit": 80 * mm, "qty": 95 * mm, "price": 110 * mm, "amount": 135 * mm}
        columns |= {"rate": 165 * mm, "tax": 185 * mm}
        y = 84 * mm
        heads = {"name": "项目名称", "unit": "单位", "qty": "数量", "price": "单价", "amount": "金额"}
        for key, head in heads.items():
            c.drawString(columns[key], y, head)
        c.drawString(columns["rate"], y, "税率/征收率")
        c.drawString(columns["tax"], y, "税额")
        for item in inv.items:
            y -= 6 * mm
            c.drawString(columns["name"], y, item.name)
            c.drawString(columns["unit"], y, "次")
            c.drawString(columns["qty"], y, "1")
            c.drawString(columns["price"], y, money(item.amount))
            c.drawString(columns["amount"], y, money(item.amount))
            c.drawString(columns["rate"], y, rate_percent(item.rate))
            c.drawString(columns["tax"], y, money(item.tax_value))
        y -= 8 * mm
        c.drawString(columns["name"], y, "合        计")
        c.drawString(columns["amount"], y, f"¥{money(inv.net)}")
        c.drawString(columns["tax"], y, f"¥{money(inv.tax)}")
        y -= 7 * mm
        c.drawString(columns["name"], y, "价税合计（大写）")
        c.drawString(50 * mm, y, to_upper(inv.gross) if inv.gross >= 0 else "（负数）")
        c.drawString(150 * mm, y, f"（小写）¥{money(inv.gross)}")
        c.drawString(12 * mm, 8 * mm, "开票人：王芳")
    c.showPage()
    c.save()
    return buf.getvalue()


def unrelated_pdf() -> bytes:
    """A PDF with Chinese text that is not an invoice (meeting minutes)."""
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas as pdfcanvas

    font = _cjk_font()
    buf = io.BytesIO()
    c = pdfcanvas.Canvas(buf, pagesize=(210 * mm, 297 * mm), invariant=True)
    c.setFont(font, 12)
    lines = ("销售部周例会会议纪要", "时间：2025年03月07日 10:00", "参会人员：王芳、李雷", "决议：下周完成客户回访")
    for n, line in enumerate(lines):
        c.drawString(20 * mm, (270 - n * 10) * mm, line)
    c.showPage()
    c.save()
    return buf.getvalue()


def encrypted_pdf() -> bytes:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas as pdfcanvas

    buf = io.BytesIO()
    c = pdfcanvas.Canvas(buf, encrypt=pdfencrypt.StandardEncryption("secret", canPrint=0), invariant=True)
    c.drawString(100, 700, "locked")
    c.showPage()
    c.save()
    return buf.getvalue()


# --------------------------------------------------------------------------- sets of files


def invoice_set(folder: Path, count: int = 200) -> list[Path]:
    """``count`` files of mixed kinds (XML, OFD, PDF, PNG, JPG) of distinct invoices, for benchmarks and CLI tests."""
    folder.mkdir(parents=True, exist_ok=True)
    writers = (
        ("xml", lambda inv: einvoice_xml(inv)),
        ("ofd", lambda inv: ofd_package(inv, embed="einvoice")),
        ("pdf", lambda inv: invoice_pdf(inv)),
        ("png", lambda inv: qr_photo(qr_payload(inv))),
        ("jpg", lambda inv: qr_photo(qr_payload(inv), fmt="JPEG", rotate=4)),
    )
    paths = []
    for n in range(count):
        inv = make_invoice(number=f"2531200000{n:010d}")
        ext, write = writers[n % len(writers)]
        path = folder / f"发票_{n:03d}.{ext}"
        path.write_bytes(write(inv))
        paths.append(path)
    return paths


def with_number(inv: FakeInvoice, number: str) -> FakeInvoice:
    return replace(inv, number=number)
