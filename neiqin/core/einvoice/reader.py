"""Reading files and folders into records, and grouping the records of one invoice.

A file's kind is told by its content (the first bytes), never by its extension: a PDF saved as
``.xml`` is read as the PDF it is, with a warning.  Every file gives exactly one record; when it
cannot be read, the record says why (``error``) instead of raising.  An exception that is not a
known way for a file to be bad is a bug: it is logged with its traceback and the record says so.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from . import checks, image, ofd, pdf, xmlread
from .fields import SCALARS, Extract
from .model import SOURCE_RANK, Invoice, InvoiceRecord, Problem, Reading, Source

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 30 * 1024 * 1024
# the extensions each kind of file is expected to have
EXTENSIONS: dict[Source, tuple[str, ...]] = {
    Source.XML: (".xml",),
    Source.OFD: (".ofd",),
    Source.PDF: (".pdf",),
    Source.IMAGE: (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff"),
}
_KIND_NAMES = {Source.XML: "XML", Source.OFD: "OFD", Source.PDF: "PDF", Source.IMAGE: "图片"}
# below this many files a process pool costs more than it saves (its workers import PDFium and zxing)
PARALLEL_FROM = 24


def sniff(data: bytes) -> Source:
    """The kind of file ``data`` is, by its first bytes."""
    head = data[:1024]
    if b"%PDF-" in head:
        return Source.PDF
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return Source.OFD
    if head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"BM", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*")):
        return Source.IMAGE
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return Source.IMAGE
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if head.startswith(bom):
            return Source.XML
    if head.lstrip().startswith(b"<"):
        return Source.XML
    return Source.UNKNOWN


def read_file(path: str | os.PathLike[str]) -> InvoiceRecord:
    """One file's record (``error`` set when it cannot be read, also when it cannot be opened)."""
    shown = str(path)
    try:
        size = os.path.getsize(path)
        if size > MAX_FILE_BYTES:
            return InvoiceRecord(
                path=shown,
                size=size,
                error=f"文件有 {size / 1024 / 1024:.0f} MB，发票文件通常不到 1 MB；请确认是否选错了文件",
            )
        with open(path, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        return InvoiceRecord(path=shown, error="找不到文件；请检查路径")
    except IsADirectoryError:
        return InvoiceRecord(path=shown, error="这是文件夹，不是发票文件")
    except PermissionError:
        return InvoiceRecord(path=shown, error="没有权限读取文件；文件可能正被其他程序打开")
    except OSError as exc:
        return InvoiceRecord(path=shown, error=f"无法读取文件（{exc.strerror or exc.__class__.__name__}）")
    return read_bytes(data, shown)


def read_bytes(data: bytes, path: str = "") -> InvoiceRecord:
    """The record of a file's content; ``path`` names it (its extension is checked against the content)."""
    digest = hashlib.sha256(data).hexdigest()
    base = {"path": path, "sha256": digest, "size": len(data)}
    if not data:
        return InvoiceRecord(**base, error="文件是空的（0 字节）；请重新下载发票")
    if len(data) > MAX_FILE_BYTES:
        return InvoiceRecord(**base, error="文件过大，发票文件通常不到 1 MB；请确认是否选错了文件")
    source = sniff(data)
    if source is Source.UNKNOWN:
        return InvoiceRecord(
            **base, error="不是发票文件：内容既不是 XML、OFD、PDF，也不是图片；请提供发票的 XML、OFD、PDF 文件或照片"
        )
    try:
        return _record(_extract(source, data), source, base)
    except (xmlread.XmlUnreadable, ofd.OfdUnreadable, pdf.PdfUnreadable, image.ImageUnreadable) as exc:
        return InvoiceRecord(**base, source=source, error=str(exc))
    except Exception:  # a bug, not a bad file: keep the traceback, say so, go on with the other files
        log.exception("reading %s failed", path or "<bytes>")
        return InvoiceRecord(
            **base, source=source, error="读取时发生内部错误（详细信息已写入日志）；请把文件交给 IT 检查"
        )


def _extract(source: Source, data: bytes) -> Extract:
    if source is Source.XML:
        found = xmlread.extract(xmlread.parse(data))
        if found.empty():
            raise xmlread.XmlUnreadable("XML 不是发票：找不到发票号码和金额；请确认这是发票的 XML 文件")
        return found
    if source is Source.OFD:
        return ofd.read(data)
    if source is Source.PDF:
        return pdf.read(data)
    return image.read(data)


def _record(found: Extract, source: Source, base: dict[str, object]) -> InvoiceRecord:
    rates = sorted({i.rate for i in found.items if i.rate is not None})
    problems = list(found.problems)
    path = str(base["path"])
    suffix = Path(path).suffix.lower()
    if path and suffix not in EXTENSIONS[source]:
        problems.append(
            Problem(
                code="wrong_extension",
                severity="warning",
                message=f"文件扩展名是“{suffix or '（无）'}”，内容却是 {_KIND_NAMES[source]}；"
                f"已按 {_KIND_NAMES[source]} 读取，请确认这是开票方给的原件",
            )
        )
    record = InvoiceRecord(
        **base,  # type: ignore[arg-type]
        source=source,
        format=found.format,
        **{name: getattr(found, name) for name in SCALARS},
        items=tuple(found.items),
        tax_rates=tuple(rates),
    )
    problems = checks.check_fields(record) + checks.check_totals(record) + problems
    return record.model_copy(update={"problems": tuple(_unique(problems))})


def _unique(problems: Iterable[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))


def files_in(folder: str | os.PathLike[str]) -> tuple[list[Path], list[Path]]:
    """The files of a folder and its subfolders, sorted; and the hidden ones left out (.DS_Store, ~$lock)."""
    files: list[Path] = []
    hidden: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            p = Path(dirpath) / name
            (hidden if name.startswith((".", "~$")) or name in ("Thumbs.db", "desktop.ini") else files).append(p)
    return files, hidden


def read_paths(paths: Iterable[str | os.PathLike[str]], workers: int | None = 1) -> Reading:
    """Read files and folders (recursively) and group the records of each invoice.

    ``workers``: processes to read with.  1 (the default) reads in this process; None = one per core
    (at most 4) when there are at least :data:`PARALLEL_FROM` files.  On the project's shared 2-core
    machine two processes were no faster for 200 files (benchmarks/README.md), so the CLI reads in one.
    """
    files: list[str] = []
    skipped: list[str] = []
    for p in paths:
        if os.path.isdir(p):
            found, hidden = files_in(p)
            files.extend(map(str, found))
            skipped.extend(map(str, hidden))
        else:
            files.append(str(p))
    records = read_files(files, workers)
    return group(records, skipped)


def read_files(files: Sequence[str], workers: int | None = 1) -> list[InvoiceRecord]:
    """The records of ``files``, in their order; with ``workers`` > 1 (or None, see :func:`read_paths`)
    in several processes, falling back to this one when processes cannot be started."""
    if workers is None:
        workers = min(os.cpu_count() or 1, 4) if len(files) >= PARALLEL_FROM else 1
    if workers <= 1 or len(files) < 2:
        return [read_file(f) for f in files]
    import multiprocessing
    from concurrent.futures.process import BrokenProcessPool

    chunk = max(1, len(files) // (workers * 4))
    try:
        # spawn: a fork would copy the locks of the caller's threads (the CLI's prefetch thread)
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            return list(pool.map(read_file, files, chunksize=chunk))
    except (BrokenProcessPool, OSError):
        log.warning("reading invoices in %d processes failed; reading in this one", workers, exc_info=True)
        return [read_file(f) for f in files]


def group(records: Iterable[InvoiceRecord], skipped: Iterable[str] = ()) -> Reading:
    """Records of one invoice (same key: 数电 number, or 代码-号码) become one :class:`Invoice`."""
    groups: dict[str, list[InvoiceRecord]] = {}
    unreadable: list[InvoiceRecord] = []
    for r in records:
        if not r.readable:
            unreadable.append(r)
            continue
        groups.setdefault(r.key or f"\0{r.path}", []).append(r)
    invoices = [merge(rs) for rs in groups.values()]
    return Reading(invoices=tuple(invoices), unreadable=tuple(unreadable), skipped=tuple(skipped))


def merge(records: Sequence[InvoiceRecord]) -> Invoice:
    """One invoice from its files: each field from the most authoritative file that has it."""
    ordered = sorted(records, key=lambda r: SOURCE_RANK[r.source])
    fields: dict[str, object] = {}
    for name in SCALARS:
        present = (v for r in ordered if (v := getattr(r, name)) not in (None, ""))
        fields[name] = next(present, getattr(ordered[0], name))
    with_items = next((r for r in ordered if r.items), None)
    fields["items"] = with_items.items if with_items else ()
    with_rates = next((r for r in ordered if r.tax_rates), None)
    fields["tax_rates"] = with_rates.tax_rates if with_rates else ()
    problems: list[Problem] = []
    several = len(records) > 1
    for r in records:
        for p in r.problems:
            problems.append(p.model_copy(update={"message": f"{Path(r.path).name}：{p.message}"}) if several else p)
    problems += checks.check_sources(ordered)
    problems += checks.find_duplicates(records) if several else []
    return Invoice(**fields, sources=tuple(records), problems=tuple(_unique(problems)))  # type: ignore[arg-type]
