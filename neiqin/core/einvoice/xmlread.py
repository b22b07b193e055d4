"""Invoice XML: the 数电 archive copy (``EInvoice``), pinyin-tagged variants and the 2019 e-invoice data.

What is confirmed and what is not (public samples and issuers' documentation, read 2026-11):

* ``EInvoice`` (全面数字化的电子发票, 税务总局 XML): ``Header`` (``EIid``, ``EInvoiceTag`` such as SWEI3200,
  ``Version`` — 0.2, 0.32 and 0.33 are seen; ``InherentLabel/GeneralOrSpecialVAT/LabelCode`` 01 专票,
  02 普票 on the newer ones), ``EInvoiceData`` with ``SellerInformation`` (``SellerIdNum``,
  ``SellerName``), ``BuyerInformation`` (``BuyerIdNum``, ``BuyerName``), ``BasicInformation``
  (``TotalAmWithoutTax``, ``TotalTaxAm``, ``TotalTax-includedAmount``, ``RequestTime``) and one
  ``IssuItemInformation`` per item (``ItemName``, ``Amount``, ``TaxRate`` as a fraction such as 0.13,
  ``ComTaxAm``, ``TotaltaxIncludedAmount``), and ``TaxSupervisionInfo`` (``InvoiceNumber``,
  ``IssueTime``).  Confirmed on real toll, retail and taxi invoices.  The versions add optional
  elements (labels, special business data) but no renamed field that this reader uses, so the one
  mapping serves all three; items nested one level deeper (``IssuItemInformation/ItemDetail``, with
  ``TaxAm``) appear only in third-party synthetic samples and are read the same way, unconfirmed.
* Pinyin tags: issuing platforms' interfaces name fields by the initials of the Chinese field names
  (GB/T 《电子发票》 data-element naming): FPDM 发票代码, FPHM 发票号码, KPRQ 开票日期, JYM 校验码, HJJE 合计金额,
  HJSE 合计税额, JSHJ 价税合计, XSFMC / XSF_MC 销售方名称, XSFNSRSBH / XSF_NSRSBH 销售方纳税人识别号, GMFMC /
  GMF_MC, GMFNSRSBH / GMF_NSRSBH (购买方), items XMMC 项目名称 (or SPMC 商品名称), JE / XMJE 金额, SL 税率, SE 税额.
  FPLXDM (发票类型代码: 004 专票, 007 普票, 026 电子普票, 028 电子专票; 81 / 82 数电专 / 普 on
  platforms' APIs) is read when present.  These names are confirmed in issuing-platform APIs; whole
  invoice files written with them are rarer and their root element varies, so any root is accepted.
* ``eInvoice`` (namespace http://www.edrm.org.cn/schema/e-invoice/2019): the structured data of the
  2019-2020 增值税电子普通发票, embedded in their OFD files: ``fp:InvoiceCode``, ``fp:InvoiceNo``,
  ``fp:IssueDate`` (2020年04月07日), ``fp:InvoiceCheckCode``, ``fp:Buyer/fp:BuyerName``,
  ``fp:BuyerTaxID``, ``fp:Seller/…``, ``fp:TaxExclusiveTotalAmount``, ``fp:TaxTotalAmount``,
  ``fp:TaxInclusiveTotalAmount``, ``fp:GraphCode`` (the QR payload) and ``fp:GoodsInfos/fp:GoodsInfo``
  (``fp:Item``, ``fp:Amount``, ``fp:TaxScheme`` such as 6%, ``fp:TaxAmount``).  Confirmed on samples.
* Chinese tags (<发票号码>, <价税合计> …) as some archive exports write them: read by the same table.

Parsing uses defusedxml with DTDs refused: an invoice never has one, and a DTD is how entity
expansion (billion laughs) and external entities (XXE) get in.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from . import values
from .fields import Extract
from .model import InvoiceItem, InvoiceKind

MAX_XML_BYTES = 20 * 1024 * 1024


class XmlUnreadable(Exception):
    """The bytes are not a usable XML document; the message (Chinese) says why."""


# field -> normalised local names, most specific first (names are compared case-folded without - _ and the prefix)
HEADER: dict[str, tuple[str, ...]] = {
    "number": ("invoicenumber", "fphm", "发票号码", "invoiceno", "eiid"),
    "code": ("fpdm", "invoicecode", "发票代码"),
    "date": ("issuetime", "kprq", "issuedate", "开票日期", "requesttime"),
    "net": ("totalamwithouttax", "hjje", "taxexclusivetotalamount", "合计金额", "合计金额不含税"),
    "tax": ("totaltaxam", "hjse", "taxtotalamount", "合计税额"),
    "gross": ("totaltaxincludedamount", "jshj", "jshjxx", "taxinclusivetotalamount", "价税合计", "价税合计小写"),
    "seller_name": ("sellername", "xsfmc", "xfmc", "销售方名称"),
    "seller_tax_id": (
        *("selleridnum", "sellertaxid", "xsfnsrsbh", "xfsh"),
        *("销售方纳税人识别号", "销售方统一社会信用代码", "销售方统一社会信用代码纳税人识别号"),
    ),
    "buyer_name": ("buyername", "gmfmc", "gfmc", "购买方名称"),
    "buyer_tax_id": (
        *("buyeridnum", "buyertaxid", "gmfnsrsbh", "gfsh"),
        *("购买方纳税人识别号", "购买方统一社会信用代码", "购买方统一社会信用代码纳税人识别号"),
    ),
    "check_code": ("invoicecheckcode", "jym", "校验码"),
    "kind_code": ("fplxdm", "发票类型代码"),
    "graph_code": ("graphcode",),
    "version": ("version",),
}
ITEM_NAME = ("itemname", "item", "xmmc", "spmc", "项目名称", "货物或应税劳务服务名称", "商品名称")
ITEM_FIELDS: dict[str, tuple[str, ...]] = {
    "amount": ("amount", "je", "xmje", "金额"),
    "rate": ("taxrate", "taxscheme", "sl", "税率", "税率征收率"),
    "tax": ("comtaxam", "taxam", "taxamount", "se", "税额"),
}
_ITEM_VALUE_NAMES = frozenset(n for names in ITEM_FIELDS.values() for n in names)
_ITEM_NAME_NAMES = frozenset(ITEM_NAME)
# 发票类型代码 of the tax-control and issuing-platform interfaces
_FPLXDM = {
    "004": InvoiceKind.SPECIAL,
    "007": InvoiceKind.GENERAL,
    "026": InvoiceKind.E_GENERAL,
    "028": InvoiceKind.E_SPECIAL,
    "81": InvoiceKind.DIGITAL_SPECIAL,
    "82": InvoiceKind.DIGITAL_GENERAL,
}
_DECLARED_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.-]+)["']""")
_PYTHON_ONLY_ENCODINGS = {"gbk", "gb2312", "gb18030", "cp936", "big5", "gb-2312"}


def parse(data: bytes) -> Element:
    """The root element of an XML document, parsed with DTDs refused; raises :class:`XmlUnreadable`."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    if len(data) > MAX_XML_BYTES:
        raise XmlUnreadable(
            f"XML 超过 {MAX_XML_BYTES // 1024 // 1024} MB，发票 XML 不会这么大；已拒绝读取，请向开票方索取原件"
        )
    data = _utf8(data)
    try:
        return fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise XmlUnreadable(
            "XML 含有 DTD 或实体声明，发票 XML 不会有这些内容（可能是恶意构造的文件）；已拒绝读取，请向开票方索取原件"
        ) from None
    except ParseError as exc:
        line = getattr(exc, "position", (0, 0))[0]
        where = f"第 {line} 行" if line else ""
        raise XmlUnreadable(f"XML 格式错误（{where}无法解析），文件可能不完整或已损坏；请重新下载") from None
    except (ValueError, LookupError, UnicodeError):
        raise XmlUnreadable("XML 的字符编码无法识别，文件可能已损坏；请重新下载") from None


def _utf8(data: bytes) -> bytes:
    """Expat reads UTF-8/16 and Latin-1 only: re-encode a GBK/GB18030 document as UTF-8."""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return data
    match = _DECLARED_ENCODING.match(data[:200])
    if not match or match.group(1).decode("ascii").lower() not in _PYTHON_ONLY_ENCODINGS:
        return data
    encoding = "gb18030"  # a superset of GBK and GB2312
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        raise XmlUnreadable("XML 声明为 GBK 编码，但内容不是有效的 GBK 文字，文件可能已损坏；请重新下载") from None
    start, end = match.span(1)
    return (data[:start].decode("ascii") + "UTF-8" + text[end:]).encode("utf-8")


def local(tag: Any) -> str:
    """An element's normalised local name: no namespace or prefix, case-folded, without - and _."""
    if not isinstance(tag, str):  # comments and processing instructions
        return ""
    name = tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]
    return name.casefold().replace("-", "").replace("_", "").replace("/", "").replace("（", "").replace("）", "")


def text_of(el: Element) -> str:
    """The element's own text (an OFD tag may wrap it in ``<ofd:ObjectData>``: its text is taken then)."""
    if el.text and el.text.strip():
        return el.text
    for child in el:
        if local(child.tag) == "objectdata" and child.text:
            return child.text
    return ""


def _is_item(el: Element) -> bool:
    names = {local(child.tag) for child in el}
    return bool(names & _ITEM_NAME_NAMES) and bool(names & _ITEM_VALUE_NAMES)


def _walk(root: Element) -> tuple[dict[str, str], list[Element]]:
    """First text of every normalised name outside items, and the item elements, in document order.

    Iterative, so a hostile document nested a million levels deep cannot exhaust the stack.
    """
    header: dict[str, str] = {}
    items: list[Element] = []
    stack = list(reversed(root))
    while stack:
        el = stack.pop()
        if _is_item(el):
            items.append(el)
            continue
        name = local(el.tag)
        if name and name not in header and (text := text_of(el)).strip():
            header[name] = text
        if name == "generalorspecialvat":
            for child in el:
                if local(child.tag) in ("labelcode", "labelname") and text_of(child).strip():
                    header.setdefault("vat" + local(child.tag), text_of(child))
        stack.extend(reversed(el))
    return header, items


def _first(found: dict[str, str], names: Iterable[str]) -> str:
    for name in names:
        if name in found:
            return found[name]
    return ""


def extract(root: Element) -> Extract:
    """The invoice fields of a parsed invoice XML (any of the dialects above)."""
    from .qr import PayloadError, parse_payload

    found, item_elements = _walk(root)
    out = Extract()
    get = {field: _first(found, names) for field, names in HEADER.items()}
    out.number = values.digits(get["number"])
    out.code = values.digits(get["code"])
    out.check_code = values.digits(get["check_code"])
    out.seller_name = values.clean(get["seller_name"])
    out.buyer_name = values.clean(get["buyer_name"])
    out.seller_tax_id = values.tax_id(get["seller_tax_id"])
    out.buyer_tax_id = values.tax_id(get["buyer_tax_id"])
    if get["date"]:
        out.date = values.date(get["date"])
        if out.date is None:
            out.bad("开票日期", get["date"])
    for name, what in (("net", "合计金额"), ("tax", "合计税额"), ("gross", "价税合计")):
        if get[name]:
            value = values.money(get[name])
            setattr(out, name, value)
            if value is None:
                out.bad(what, get[name])
    out.items = [_item(el, out) for el in item_elements]
    out.kind = _kind(root, found, get, out)
    if get["graph_code"] and out.kind is None:
        with contextlib.suppress(PayloadError):
            out.kind = parse_payload(get["graph_code"]).kind
    out.format = _format(root, found, get["version"])
    return out


def _item(el: Element, out: Extract) -> InvoiceItem:
    found = {local(child.tag): text_of(child) for child in reversed(list(el))}  # first occurrence wins
    name = values.clean(_first(found, ITEM_NAME))
    amount_text, rate_text, tax_text = (_first(found, ITEM_FIELDS[f]) for f in ("amount", "rate", "tax"))
    amount = values.money(amount_text) if amount_text.strip() else None
    if amount is None and amount_text.strip():
        out.bad(f"项目“{name}”的金额", amount_text)
    rate = values.rate(rate_text) if rate_text.strip() else None
    if rate is None and rate_text.strip() and "*" not in rate_text:
        out.bad(f"项目“{name}”的税率", rate_text)
    stripped = values.digits(tax_text)
    if stripped and set(stripped) == {"*"}:  # 免税 items print *** as their tax
        tax = values.money("0")
    else:
        tax = values.money(tax_text) if stripped else None
        if tax is None and stripped:
            out.bad(f"项目“{name}”的税额", tax_text)
    return InvoiceItem(name=name, amount=amount, rate=rate, tax=tax)


def _kind(root: Element, found: dict[str, str], get: dict[str, str], out: Extract) -> InvoiceKind | None:
    kind = _FPLXDM.get(values.digits(get["kind_code"]))
    if kind is not None:
        return kind
    label = values.digits(found.get("vatlabelcode", ""))
    label_name = values.clean(found.get("vatlabelname", ""))
    special = label == "01" or "专用" in label_name
    general = label == "02" or "普通" in label_name
    digital = not out.code and (local(root.tag) == "einvoice" or len(out.number) == 20)
    if digital and special:
        return InvoiceKind.DIGITAL_SPECIAL
    if digital and general:
        return InvoiceKind.DIGITAL_GENERAL
    return None


def _format(root: Element, found: dict[str, str], version: str) -> str:
    tag = root.tag if isinstance(root.tag, str) else ""
    name = tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]
    if name == "EInvoice":
        v = values.clean(version)
        return f"数电 XML（EInvoice {v}）" if v else "数电 XML（EInvoice）"
    if name == "eInvoice":
        return "电子发票 XML（eInvoice 2019）"
    if any(k in found for k in ("fphm", "kprq", "hjje", "jshj")):
        return "XML（拼音字段名）"
    if any(k in found for k in ("发票号码", "价税合计")):
        return "XML（中文字段名）"
    return f"XML（{name[:30] or '未知根元素'}）"
