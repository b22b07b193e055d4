"""China's invoice files (数电发票 XML / OFD / PDF, photos of QR codes) read into records.

Use::

    from neiqin.core import einvoice

    reading = einvoice.read_paths(["附件/"])          # files and folders; sources of one invoice grouped
    for inv in reading.invoices:                      # einvoice.Invoice
        inv.kind_label, inv.code, inv.number, inv.date, inv.net, inv.tax, inv.gross, inv.tax_rates
        inv.problems                                  # the files' own problems + where they disagree
        inv.rate_lines()                              # one (rate, net, tax, gross) per tax rate: the form's lines
        einvoice.check_buyer(inv, "上海某某有限公司", "91310000…")   # -> list[Problem]
        einvoice.verification(inv).lines()            # what to type into the 查验 page
    reading.unreadable                                # InvoiceRecord with .error = why, in Chinese

    record = einvoice.read_file("发票.pdf")            # one file -> one InvoiceRecord (never raises)
    record = einvoice.read_bytes(data, "发票.pdf")     # the same from bytes (an upload, an e-mail attachment)
    reading.to_list()                                 # the JSON list of ``neiqin invoices read --json``

Nothing here raises on a bad file: the record's ``error`` says why it could not be read, and
``problems`` what is wrong with what was read.  This package imports nothing above ``neiqin.core``.

Problem codes (stable; ``severity`` error unless noted):

=================== ==============================================================================
``bad_value``       a field's text is not a valid amount / date / rate
``missing_number``  no 发票号码 (also ``missing_date``, ``missing_amount``, ``missing_code``)
``number_format``   number not 20 digits (数电) / 8 digits (older); ``code_format`` for the 代码
``year_mismatch``   数电 number's first two digits are not the year of the 开票日期
``total_mismatch``  合计金额 + 合计税额 ≠ 价税合计
``items_mismatch``  the items' amounts or taxes do not add up to the totals
``item_tax``        (warning) an item's tax ≠ 金额 × 税率 beyond 0.06 元
``qr_disagrees``    a PDF's printed fields and its QR code differ
``sources_disagree`` two files of one invoice (or an OFD's parts) differ
``several_invoices`` a file holds QR codes of several invoices: only the first is read
``no_qr``           (warning) a PDF without a QR code
``wrong_extension`` (warning) the extension does not match the content
``buyer_name`` / ``buyer_tax_id``  not the given company; ``buyer_unknown`` (warning) not in the file
``tax_rate``        a rate not among the allowed ones
``date_window``     开票日期 outside the given window
``duplicate_file`` / ``duplicate_invoice``  the same file or invoice twice in a set
=================== ==============================================================================
"""

from __future__ import annotations

from .checks import (
    Verification,
    check_buyer,
    check_date,
    check_fields,
    check_sources,
    check_tax_rates,
    check_totals,
    company_key,
    find_duplicates,
    verification,
)
from .model import (
    Invoice,
    InvoiceData,
    InvoiceItem,
    InvoiceKind,
    InvoiceRecord,
    Problem,
    RateLine,
    Reading,
    Source,
    kind_from_title,
)
from .qr import PayloadError, QrPayload, parse_payload
from .reader import group, merge, read_bytes, read_file, read_files, read_paths, sniff

__all__ = [
    "Invoice",
    "InvoiceData",
    "InvoiceItem",
    "InvoiceKind",
    "InvoiceRecord",
    "PayloadError",
    "Problem",
    "QrPayload",
    "RateLine",
    "Reading",
    "Source",
    "Verification",
    "check_buyer",
    "check_date",
    "check_fields",
    "check_sources",
    "check_tax_rates",
    "check_totals",
    "company_key",
    "find_duplicates",
    "group",
    "kind_from_title",
    "merge",
    "parse_payload",
    "read_bytes",
    "read_file",
    "read_files",
    "read_paths",
    "sniff",
    "verification",
]
