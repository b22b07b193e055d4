"""``neiqin intake FILE.txt|FILE.eml``: a message file read as draft order lines, or entered into a workbook.

With ``--into`` the message becomes a row of the workbook's 订单录入 and the ribbon's own 粘贴订单 action
runs on it, so the command and the button write the same lines (and a message is never entered twice).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from neiqin.base.errors import NeiQinError
from neiqin.core.intake import Intake, Reader, load_catalogue, read_eml

ACTIONS = {"cancel": "取消", "set": "改为", "add": "追加", "reduce": "减少"}
CHINA = dt.timezone(dt.timedelta(hours=8))


def _china_time(moment: dt.datetime) -> dt.datetime:
    """A naive time as the clerk's clock shows it (Excel keeps no time zone)."""
    return moment.astimezone(CHINA).replace(tzinfo=None) if moment.tzinfo else moment


def _decode(data: bytes, path: Path) -> str:
    for encoding in ("utf-8-sig", "gb18030"):  # a WeChat export is UTF-8; a Windows Notepad file often GBK
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise NeiQinError(f"{path} 不是 UTF-8 或 GBK 编码的文本；请另存为 UTF-8 文本后再读取")


def read_file(path: Path, customer: str | None, received: dt.datetime | None) -> tuple[Any, list[str]]:
    """The message of a .txt or .eml file (a ``Message`` of 订单录入) and notes for the clerk."""
    from neiqin.app.plugins import load_validators

    load_validators()  # puts NeiQin's validators/ on the import path
    from validators.order_intake.planners import Message

    if not path.is_file():
        raise NeiQinError(f"找不到文件 {path}；请检查路径")
    data = path.read_bytes()
    notes: list[str] = []
    if path.suffix.lower() == ".eml":
        mail = read_eml(data)
        when = received or mail.sent
        if when is None:
            raise NeiQinError("邮件没有可读的发送日期（Date）；请用 --date 指定收到邮件的时间")
        notes += [f"邮件附件『{name}』未读取，请打开查看是否另有订货内容" for name in mail.attachments]
        text = (f"主题：{mail.subject}\n" if mail.subject else "") + mail.text
        return Message(text, _china_time(when), customer or mail.sender or None, "邮件"), notes
    text = _decode(data, path)
    if not text.strip():
        raise NeiQinError(f"{path} 是空文件；请给出客户消息的文本")
    if received is None:
        received = dt.datetime.now().replace(second=0, microsecond=0)
        notes.append(f"未给 --date：按现在（{received:%Y-%m-%d %H:%M}）换算“明天”“下周五”这类日期")
    return Message(text, received, customer), notes


def read_message(catalogue: Path, message: Any) -> Intake:
    """Read ``message`` against a catalogue: a workbook's 客户档案 / 产品目录 / 产品别名, or a TOML file."""
    if catalogue.suffix.lower() == ".toml":
        cat = load_catalogue(catalogue)
        reader = Reader(cat.customers, cat.products, cat.aliases)
    else:
        from neiqin.app.plugins import load_validators
        from neiqin.core.config import load_settings
        from neiqin.core.ledger import read_optional
        from neiqin.engine import open_book
        from validators.order_intake.planners import intake_inputs

        load_validators()
        if not catalogue.is_file():
            raise NeiQinError(f"找不到文件 {catalogue}；请检查路径")
        book = open_book(catalogue, engine="headless")
        settings, _ = load_settings(book)
        names = ("customers", "products", "product_aliases")
        reader = intake_inputs(*(read_optional(book, n, settings) for n in names)).reader()
    return reader.parse(message.text, sent=message.received, customer_hint=message.customer)


def enter_file(workbook: Path, message: Any) -> tuple[Any, list[dict[str, Any]]]:
    """Add ``message`` to the workbook's 订单录入, run 粘贴订单, save; the summary and the lines written."""
    from neiqin.app.plugins import load_macros
    from neiqin.core.ledger import read_ledger, sheet_of
    from neiqin.core.sheetio import append_rows, ensure_ledger_sheet
    from neiqin.engine import headless_caller

    macros = load_macros()
    if not workbook.is_file():
        raise NeiQinError(f"找不到工作簿 {workbook}；请检查路径")
    with headless_caller(workbook) as book:
        from neiqin.core.kit import ledger

        sheet = ensure_ledger_sheet(book, "order_intake", after=sheet_of(book, ledger("orders")))
        pasted = read_ledger(book, "order_intake", sheet=sheet.name)
        row = {"text": message.text, "received": message.received, "customer": message.customer,
               "channel": message.channel}  # fmt: skip
        first, _ = append_rows(sheet, pasted, [row])
        summary = macros.run("order_intake", book)
        if summary.outcome in ("failed", "error"):
            return summary, []
        book.save()
        entered = read_ledger(book, "order_intake", sheet=sheet.name)
        order_id = entered.raw["order_id"][entered.rows.index(first)] if first in entered.rows else None
        orders = read_ledger(book, "orders")
        lines = [
            {name: orders.raw[name][pos] for name in orders.columns} | {"row": row_no}
            for pos, row_no in enumerate(orders.rows)
            if order_id is not None and orders.raw["order_id"][pos] == order_id
        ]
    return summary, lines


def intake_text(intake: Intake) -> str:
    """What the reader found, as lines for a terminal."""
    kinds = {"order": "订单", "cancel": "取消订单", "change": "变更订单"}
    out = [f"类型：{kinds[intake.kind]}"]
    if intake.customer is not None:
        out.append(
            f"客户：{intake.customer.name}（{intake.customer.code or '无编号'}，匹配度 {intake.customer.score:.0f}）"
        )
    else:
        out.append("客户：（未能确定）")
    if intake.order_ids or intake.pos:
        out.append("单号：" + "、".join([*intake.order_ids, *intake.pos]))
    if intake.kind != "order" and intake.delivery:
        out.append(f"新交货日期：{intake.delivery.isoformat()}")
    for n, line in enumerate(intake.lines, 1):
        product = f"{line.product_code} {line.product_name or ''} {line.product_spec or ''}".strip()
        qty = f"{line.quantity:g}{line.unit or ''}" if line.quantity is not None else "数量？"
        price = f"单价 {line.price:g}" if line.price is not None else ""
        when = f"交货 {line.delivery.isoformat()}" if line.delivery else "交货日期？"
        if line.action != "order":
            when += f"  （{ACTIONS[line.action]}）"
        out.append(
            f"第{n}行：{product if line.product_code else '产品？'}  {qty}  {price}  {when}  "
            f"置信度 {round(line.confidence * 100)}%  （{line.wording or line.text}）".replace("    ", "  ")
        )
    questions = intake.all_questions
    if questions:
        out.append("要向客户确认：")
        out += [f"  · {q}" for q in questions]
    out += [f"说明：{note}" for note in intake.notes]
    return "\n".join(out)
