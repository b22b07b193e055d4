"""Benchmark: reading 200 invoice files of mixed kinds (target ≤ 20 s on the project's 2-core machine).

    python benchmarks/bench_invoice_files.py [--files 200] [--runs 5]

Writes the files once under ``benchmarks/data/invoices/`` (ignored by git): 数电 XML, OFD with the
embedded XML, PDFs with text and QR code, phone photos (4000×3000 JPEG, the invoice rotated and
blurred, 0.3 MB) and scans (PNG).  Then, alternating, each as a fresh process so imports count:

- ``neiqin invoices read DIR --json`` end to end (one process);
- ``read_paths(DIR, workers=2)`` in Python: two processes (spawned; their start-up counts).

Reports medians; the figures go to benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests import invoice_fixtures as F  # noqa: E402

KINDS = ("xml", "ofd", "pdf", "photo", "scan")


def phone_photo(inv: F.FakeInvoice) -> bytes:
    """A 12-megapixel JPEG of the printed invoice, slightly rotated and blurred, on a dark desk."""
    import pypdfium2 as pdfium
    from PIL import Image, ImageFilter

    pdf = pdfium.PdfDocument(F.invoice_pdf(inv))
    try:
        page = pdf[0].render(scale=4.5).to_pil().convert("RGB")
    finally:
        pdf.close()
    photo = Image.new("RGB", (4000, 3000), (90, 80, 70))
    photo.paste(page.rotate(3, expand=True, fillcolor=(90, 80, 70)), (250, 300))
    out = io.BytesIO()
    photo.filter(ImageFilter.GaussianBlur(1.5)).save(out, "JPEG", quality=85)
    return out.getvalue()


def scan(inv: F.FakeInvoice) -> bytes:
    """A 200-dpi grayscale PNG scan of the printed invoice."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(F.invoice_pdf(inv))
    try:
        image = pdf[0].render(scale=200 / 72, grayscale=True).to_pil()
    finally:
        pdf.close()
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def make_files(folder: Path, count: int) -> None:
    stamp = folder.parent / f".invoices-complete-{count}"
    if stamp.exists():
        return
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    writers = {
        "xml": (".xml", F.einvoice_xml),
        "ofd": (".ofd", lambda inv: F.ofd_package(inv, embed="einvoice")),
        "pdf": (".pdf", F.invoice_pdf),
        "photo": (".jpg", phone_photo),
        "scan": (".png", scan),
    }
    for n in range(count):
        inv = F.make_invoice(number=f"2531200000{n:010d}")
        ext, write = writers[KINDS[n % len(KINDS)]]
        (folder / f"发票_{n:03d}{ext}").write_bytes(write(inv))
    stamp.write_text("")


def run(cmd: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", cwd=ROOT)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{cmd[:4]} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return seconds, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    folder = ROOT / "benchmarks" / "data" / "invoices"
    make_files(folder, args.files)
    size = sum(p.stat().st_size for p in folder.iterdir() if p.is_file())
    print(f"{args.files} files, {size / 1024 / 1024:.1f} MB, in {folder}")
    cli = [sys.executable, "-m", "neiqin", "invoices", "read", str(folder), "--json"]
    one = [
        sys.executable,
        "-c",
        "import json,sys;from neiqin.core import einvoice as e;"
        f"r=e.read_paths([{str(folder)!r}], workers=2);"
        "print(json.dumps([len(r.invoices), len(r.unreadable), sum(len(i.problems) for i in r.invoices)]))",
    ]
    times: dict[str, list[float]] = {"cli": [], "one": []}
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average before: {load:.1f} on {os.cpu_count()} cores")
    for _ in range(args.runs):
        seconds, out = run(cli)
        document = json.loads(out)
        assert len(document) == args.files and all(d["readable"] and not d["problems"] for d in document), out[:2000]
        times["cli"].append(seconds)
        seconds, out = run(one)
        assert json.loads(out) == [args.files, 0, 0], out
        times["one"].append(seconds)
    for name, label in (("cli", "neiqin invoices read --json"), ("one", "read_paths(workers=2)")):
        values = times[name]
        print(f"{label:30s} median {statistics.median(values):6.2f} s  ({min(values):.2f} – {max(values):.2f})")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load average after: {load:.1f}")


if __name__ == "__main__":
    main()
