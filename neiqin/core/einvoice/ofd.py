"""OFD invoices (GB/T 33190 packages): a zip of XML parts, read with guards against zip bombs.

Where the invoice data sits (confirmed on public samples and readers of real files):

* ``OFD.xml`` → ``DocBody/DocInfo/CustomDatas/CustomData[@Name]``: 发票号码, 发票代码, 合计金额, 合计税额,
  价税合计, 开票日期 (「2025年03月07日」), 校验码, 购买方名称, 购买方纳税人识别号, 销售方名称, 销售方纳税人识别号 —
  each issuer writes a subset.  ``DocBody/DocRoot`` names the document (``Doc_0/Document.xml``).
* The document's ``CustomTags`` (``Doc_0/Tags/CustomTags.xml``) name a tag file
  (``Doc_0/Tags/CustomTag.xml``) whose elements — InvoiceNo, InvoiceCode, IssueDate, InvoiceCheckCode,
  BuyerName, BuyerTaxID, SellerName, SellerTaxID, TaxExclusiveTotalAmount, TaxTotalAmount,
  TaxInclusiveTotalAmount — either hold the value or point at the page's text objects by
  ``ObjectRef`` (the usual case): the text of those objects (``Pages/Page_N/Content.xml`` and the
  templates ``Tpls/…``) is the value.
* The older 增值税电子普通发票 attach their structured data (``eInvoice`` 2019 XML, or an ``EInvoice``
  for some 数电 issuers) as ``Doc_0/Attachs/…xml``, listed in the document's ``Attachments`` part.

The embedded XML is the legal data and wins; the tags come next, then CustomData; where two of them
disagree the record says so.  Every XML part is parsed with defusedxml (DTDs refused); no part is
decompressed beyond :data:`MAX_MEMBER_BYTES`, nor the package beyond :data:`MAX_TOTAL_BYTES` or
:data:`MAX_MEMBERS` entries — sizes are enforced while reading, not taken from the zip's headers.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from xml.etree.ElementTree import Element

from . import values, xmlread
from .fields import Extract, shown
from .model import Problem, kind_from_title
from .xmlread import XmlUnreadable, local

MAX_MEMBERS = 1000
MAX_MEMBER_BYTES = 16 * 1024 * 1024
MAX_TOTAL_BYTES = 64 * 1024 * 1024
MAX_PAGES = 5

# CustomData names (Chinese) and tag names (English), normalised like xmlread.local, to fields
CUSTOM: dict[str, str] = {
    "发票号码": "number",
    "发票代码": "code",
    "开票日期": "date",
    "合计金额": "net",
    "合计税额": "tax",
    "价税合计": "gross",
    "校验码": "check_code",
    "购买方名称": "buyer_name",
    "购买方纳税人识别号": "buyer_tax_id",
    "购买方统一社会信用代码纳税人识别号": "buyer_tax_id",
    "销售方名称": "seller_name",
    "销售方纳税人识别号": "seller_tax_id",
    "销售方统一社会信用代码纳税人识别号": "seller_tax_id",
    "invoiceno": "number",
    "invoicecode": "code",
    "issuedate": "date",
    "invoicecheckcode": "check_code",
    "buyername": "buyer_name",
    "buyertaxid": "buyer_tax_id",
    "sellername": "seller_name",
    "sellertaxid": "seller_tax_id",
    "taxexclusivetotalamount": "net",
    "taxtotalamount": "tax",
    "taxinclusivetotalamount": "gross",
}


# what zipfile raises on a damaged, truncated, encrypted or unsupported archive or member
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, ValueError)
_ZIP_ERRORS += (NotImplementedError, RuntimeError)


class OfdUnreadable(Exception):
    """The package cannot be read as an OFD invoice; the message (Chinese) says why."""


class _Package:
    """A zip read with limits: member count, each member's and the total decompressed size."""

    def __init__(self, data: bytes) -> None:
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except _ZIP_ERRORS:
            raise OfdUnreadable("OFD 文件不完整或已损坏（不是有效的压缩包）；请重新下载发票") from None
        if len(infos) > MAX_MEMBERS:
            raise OfdUnreadable(
                f"OFD 中有 {len(infos)} 个部件，远多于发票应有的数量（可能是恶意文件）；已拒绝读取，请向开票方索取原件"
            )
        self.names = {self._norm(i.filename): i for i in infos if not i.is_dir()}
        self.total = 0

    @staticmethod
    def _norm(name: str) -> str:
        return posixpath.normpath(name.replace("\\", "/").lstrip("/")).casefold()

    def has(self, name: str) -> bool:
        return self._norm(name) in self.names

    def read(self, name: str) -> bytes:
        info = self.names.get(self._norm(name))
        if info is None:
            raise KeyError(name)
        try:
            with self.zip.open(info) as member:
                data = member.read(MAX_MEMBER_BYTES + 1)
        except _ZIP_ERRORS:
            raise OfdUnreadable(f"OFD 中的 {info.filename[:80]} 已损坏或加密，无法解压；请重新下载发票") from None
        if len(data) > MAX_MEMBER_BYTES:
            raise OfdUnreadable(
                f"OFD 中的 {info.filename[:80]} 解压后超过 {MAX_MEMBER_BYTES // 1024 // 1024} MB"
                "（可能是恶意构造的压缩包）；已拒绝读取，请向开票方索取原件"
            )
        self.total += len(data)
        if self.total > MAX_TOTAL_BYTES:
            raise OfdUnreadable(
                f"OFD 解压后超过 {MAX_TOTAL_BYTES // 1024 // 1024} MB（可能是恶意构造的压缩包）；"
                "已拒绝读取，请向开票方索取原件"
            )
        return data

    def xml(self, name: str) -> Element | None:
        """A part parsed (None when absent); an unparsable part raises OfdUnreadable."""
        if not self.has(name):
            return None
        try:
            return xmlread.parse(self.read(name))
        except XmlUnreadable as exc:
            raise OfdUnreadable(f"OFD 中的 {name} 无法读取：{exc}") from None


def _resolve(base: str, loc: str) -> str:
    """An OFD location: absolute from the package root ("/Doc_0/…") or relative to ``base``'s folder."""
    loc = loc.strip().replace("\\", "/")
    if loc.startswith("/"):
        return posixpath.normpath(loc.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), loc))


def _children(el: Element, name: str) -> list[Element]:
    return [c for c in el.iter() if local(c.tag) == name]


def read(data: bytes) -> Extract:
    """The invoice fields of an OFD package; raises :class:`OfdUnreadable` with the reason."""
    pkg = _Package(data)
    if not pkg.has("OFD.xml"):
        raise OfdUnreadable(
            "这是压缩包，不是 OFD 发票（没有 OFD.xml）；开票方发来的压缩包请先解压，再读取其中的发票文件"
        )
    root = pkg.xml("OFD.xml")
    if root is None:  # pragma: no cover - has() was checked above
        raise OfdUnreadable("压缩包中没有 OFD.xml，不是 OFD 发票；请确认文件")
    custom = Extract()
    for el in _children(root, "customdata"):
        name = xmlread.local(el.get("Name") or "")
        field = CUSTOM.get(name)
        if field:
            _set(custom, field, el.text or "")
    doc_roots = [d.text.strip() for d in _children(root, "docroot") if d.text and d.text.strip()]
    doc_path = _resolve("OFD.xml", doc_roots[0]) if doc_roots else "Doc_0/Document.xml"
    document = pkg.xml(doc_path)

    texts, page_text = _text_objects(pkg, doc_path, document)
    tags = _tags(pkg, doc_path, document, texts)
    embedded = _attachments(pkg, doc_path, document)

    result = Extract()
    labelled = (("嵌入的发票 XML", embedded), ("版式标签", tags), ("文档属性", custom))
    parts = [(label, part) for label, part in labelled if part is not None and not part.empty()]
    if not parts:
        raise OfdUnreadable("OFD 中没有找到发票数据（发票号码、金额）；请确认这是发票文件")
    best_label, best = parts[0]
    for _, part in parts:
        result.fill_from(part)
    for label, part in parts[1:]:
        for what, mine, theirs in best.disagreements(part):
            result.problems.append(
                Problem(
                    code="sources_disagree",
                    message=f"OFD 内{what}不一致：{best_label}为 {shown(mine)}，{label}为 {shown(theirs)}；"
                    "文件可能被改动过，请向开票方核实",
                )
            )
    for _, part in parts:
        result.problems.extend(part.problems)
    if result.kind is None:
        result.kind = kind_from_title(page_text)
    result.format = f"OFD（{best_label}）"
    return result


def _set(out: Extract, field: str, raw: str) -> None:
    if not raw.strip():
        return
    if field in ("net", "tax", "gross"):
        value = values.money(raw)
        if value is None:
            out.bad({"net": "合计金额", "tax": "合计税额", "gross": "价税合计"}[field], raw)
        setattr(out, field, value)
    elif field == "date":
        out.date = values.date(raw)
        if out.date is None:
            out.bad("开票日期", raw)
    elif field in ("buyer_tax_id", "seller_tax_id"):
        setattr(out, field, values.tax_id(raw))
    elif field in ("number", "code", "check_code"):
        setattr(out, field, values.digits(raw))
    else:
        setattr(out, field, values.clean(raw))


def _text_objects(pkg: _Package, doc_path: str, document: Element | None) -> tuple[dict[str, str], str]:
    """Text of every TextObject of the first pages and their templates, by ID; and all page text."""
    locs: list[str] = []
    if document is not None:
        for el in document.iter():
            name = local(el.tag)
            if name in ("page", "templatepage") and el.get("BaseLoc"):
                locs.append(_resolve(doc_path, el.get("BaseLoc") or ""))
    locs = [loc for loc in dict.fromkeys(locs) if pkg.has(loc)][: MAX_PAGES * 2]
    texts: dict[str, str] = {}
    all_text: list[str] = []
    for loc in locs:
        page = pkg.xml(loc)
        if page is None:
            continue
        for obj in page.iter():
            if local(obj.tag) != "textobject":
                continue
            text = "".join(c.text or "" for c in obj.iter() if local(c.tag) == "textcode")
            obj_id = obj.get("ID")
            if obj_id:
                texts.setdefault(obj_id.strip(), text)
            all_text.append(text)
    return texts, "\n".join(all_text)


def _tags(pkg: _Package, doc_path: str, document: Element | None, texts: dict[str, str]) -> Extract | None:
    """The custom tag file's fields, object references resolved to their text."""
    if document is None:
        return None
    index_locs = [
        _resolve(doc_path, el.text) for el in _children(document, "customtags") if el.text and el.text.strip()
    ]
    tag_files: list[str] = []
    for index_loc in index_locs:
        index = pkg.xml(index_loc)
        if index is None:
            continue
        for tag in _children(index, "customtag"):
            for loc in _children(tag, "fileloc"):
                if loc.text and loc.text.strip():
                    tag_files.append(_resolve(index_loc, loc.text))
    out: Extract | None = None
    for loc in tag_files:
        root = pkg.xml(loc)
        if root is None:
            continue
        out = out or Extract()
        for el in root.iter():
            field = CUSTOM.get(local(el.tag))
            if not field or getattr(out, field) not in (None, ""):
                continue
            refs = [r.text.strip() for r in el.iter() if local(r.tag) == "objectref" and r.text and r.text.strip()]
            raw = "".join(texts.get(r, "") for r in refs) if refs else xmlread.text_of(el)
            _set(out, field, raw)
    return out


def _attachments(pkg: _Package, doc_path: str, document: Element | None) -> Extract | None:
    """The embedded invoice XML (listed in Attachments, or any Attachs/*.xml), read by the XML reader."""
    candidates: list[str] = []
    if document is not None:
        for el in _children(document, "attachments"):
            if el.text and el.text.strip():
                index_loc = _resolve(doc_path, el.text)
                index = pkg.xml(index_loc)
                if index is None:
                    continue
                for loc in _children(index, "fileloc"):
                    if loc.text and loc.text.strip():
                        candidates.append(_resolve(index_loc, loc.text))
    candidates += [info.filename for key, info in pkg.names.items() if re.search(r"attach[^/]*/[^/]+\.xml$", key)]
    for loc in dict.fromkeys(candidates):
        if not loc.casefold().endswith(".xml") or not pkg.has(loc):
            continue
        root = pkg.xml(loc)
        if root is None:
            continue
        found = xmlread.extract(root)
        if not found.empty():
            return found
    return None
