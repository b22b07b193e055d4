"""『粘贴订单』 as pure planners: pasted messages → draft lines of 订单台账 (状态 待确认) and their questions.

``intake_inputs`` turns 客户档案 / 产品目录 / 产品别名 into what ``neiqin.core.intake.Reader`` takes;
``read_messages`` finds the new messages of 订单录入; ``plan_intake`` reads them and returns the plan
(draft lines, 订单编号 and 录入结果 back on 订单录入) with the questions to mark once the lines are
written (``draft_issues``). ``plan_learn`` is the other half: after 『确认订单』 the wording of a line the
clerk corrected goes into 产品别名. Nothing here touches a workbook.

A draft line's 备注 starts with what intake saw — 「【粘贴订单 原文#1a2b3c4d】客户叫法『小号』；识别：PT-BR6205；
置信度 95%」 — which is how a line is tied to its message (the same message is never entered twice) and
how 『确认订单』 knows the clerk changed the product.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from neiqin.base.errors import NeiQinError
from neiqin.base.text import fold, header_key
from neiqin.core.config import Settings
from neiqin.core.intake import Alias, Customer, Intake, IntakeLine, Product, Question, Reader, learn
from neiqin.core.intake.reader import china_date
from neiqin.core.issues import Issue, make_issue
from neiqin.core.ledger import Ledger
from neiqin.core.money import to_fen
from neiqin.core.plan import Append, Plan
from validators.orders.states import MACHINE, OrderStatus

from .codes import BY_ASK, IntakeCode

# a question's field -> the 订单台账 field left empty because of it
FIELD_OF = {
    "customer": "customer",
    "product": "product_code",
    "quantity": "quantity",
    "price": "unit_price",
    "delivery": "delivery_date",
    "ref": "customer_po",
    "change": "note",
}
MARK = re.compile(r"【粘贴订单 原文#(?P<digest>[0-9a-f]{8})】客户叫法『(?P<wording>.*?)』；识别：(?P<code>[^；]*)；")
KIND_TEXT = {"cancel": "取消订单", "change": "变更订单"}
_EXTRA = {  # optional columns of 客户档案 / 产品目录 the reader uses when a workbook has them
    "short_names": ("简称", "客户简称", "别称"),
    "emails": ("邮箱", "电子邮件", "电子邮箱", "email", "e-mail", "邮件"),
    "packs": ("包装", "包装规格", "装箱", "换算", "包装换算", "装箱规格"),
}


# --------------------------------------------------------------------------- inputs


@dataclass
class Inputs:
    """What the reader needs, read from the workbook's 客户档案 / 产品目录 / 产品别名."""

    customers: list[Customer] = field(default_factory=list)
    products: list[Product] = field(default_factory=list)
    aliases: list[Alias] = field(default_factory=list)
    catalogue: dict[str, dict[str, Any]] = field(default_factory=dict)  # code -> unit, category, list_price
    archive: dict[str, dict[str, Any]] = field(default_factory=dict)  # fold(name or code) -> name, sales_rep, region
    notes: list[str] = field(default_factory=list)

    def reader(self) -> Reader:
        return Reader(self.customers, self.products, self.aliases)


def _extra(ledger: Ledger, kind: str) -> int | None:
    """The position (in ``ledger.data`` rows) of an optional column the schema does not know."""
    names = {header_key(n) for n in _EXTRA[kind]}
    for column in ledger.extra_columns:
        if header_key(column.header) in names:
            return column.col - ledger.first_col
    return None


def _cell(ledger: Ledger, name: str, pos: int) -> Any:
    value = ledger.raw[name][pos] if ledger.has(name) and name in ledger.raw else None
    return None if value is None or (isinstance(value, float) and value != value) else value


def _number(ledger: Ledger, name: str, pos: int) -> Decimal | None:
    """A numeric cell as converted by the reader (「¥1,850」 → 1850); None when empty or not a number."""
    if not ledger.has(name):
        return None
    value = ledger.frame[name].iloc[pos]
    return None if value is None or value != value else Decimal(str(value))


def intake_inputs(customers: Ledger | None, products: Ledger | None, aliases: Ledger | None) -> Inputs:
    """The reader's customers, products and aliases from the ledgers (rows it cannot use are noted, not fatal)."""
    out = Inputs()
    if customers is not None and customers.has("name"):
        short_at, mail_at = _extra(customers, "short_names"), _extra(customers, "emails")
        for pos, name in enumerate(customers.frame["name"]):
            if name is None or not str(name).strip():
                continue
            row = customers.data[pos]
            try:
                customer = Customer(
                    code=_cell(customers, "customer_id", pos),
                    name=str(name),
                    contacts=_cell(customers, "contact", pos),
                    phones=_cell(customers, "mobile", pos),
                    short_names=row[short_at] if short_at is not None else None,
                    emails=row[mail_at] if mail_at is not None else None,
                )
            except ValueError as exc:
                where = f"『{customers.sheet}』第 {customers.rows[pos]} 行"
                out.notes.append(f"{where}无法用于识别客户（{_reason(exc)}），已跳过")
                continue
            out.customers.append(customer)
            info = {"name": customer.name, "sales_rep": _cell(customers, "sales_rep", pos),
                    "region": _cell(customers, "region", pos)}  # fmt: skip
            out.archive[fold(customer.name)] = info
            if customer.code:
                out.archive.setdefault(fold(customer.code), info)
    if products is not None and products.has("product_code") and products.has("product_name"):
        _products(products, out)
    if aliases is not None and all(aliases.has(n) for n in ("customer", "wording", "product_code")):
        frame = aliases.frame
        for row, who, wording, code in zip(
            aliases.rows, frame["customer"], frame["wording"], frame["product_code"], strict=True
        ):
            if who is not None and wording is not None and code is not None:
                try:
                    out.aliases.append(Alias(customer=str(who), wording=str(wording), product_code=str(code)))
                except ValueError as exc:
                    out.notes.append(f"『{aliases.sheet}』第 {row} 行无法使用（{_reason(exc)}），已跳过")
    return out


def _products(products: Ledger, out: Inputs) -> None:
    packs_at = _extra(products, "packs")
    for pos, code in enumerate(products.frame["product_code"]):
        name = _cell(products, "product_name", pos)
        if code is None or name is None:
            continue
        where = f"『{products.sheet}』第 {products.rows[pos]} 行"
        unit = _cell(products, "unit", pos)
        price = _number(products, "list_price", pos)
        packs = products.data[pos][packs_at] if packs_at is not None else None
        record = {"code": str(code), "name": str(name), "spec": _cell(products, "spec", pos) or "",
                  "category": _cell(products, "category", pos) or "", "list_price": price,
                  # piece counters count alike: a catalogue without 单位 reads 5台 / 5个 as 5
                  "unit": unit or "个"}  # fmt: skip
        try:
            product = Product(**record, packs=str(packs) if packs else None)
        except ValueError as exc:
            try:
                product = Product(**record)
            except ValueError:
                out.notes.append(f"{where}无法用于识别产品（{_reason(exc)}），已跳过")
                continue
            out.notes.append(f"{where}的包装换算无法读取（{_reason(exc)}），已忽略")
        out.products.append(product)
        out.catalogue[product.code] = {"unit": unit, "category": record["category"] or None, "list_price": price}


def _reason(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        return "；".join(str(e.get("msg", "")).removeprefix("Value error, ") for e in errors())
    return str(exc)


# --------------------------------------------------------------------------- messages


@dataclass
class Message:
    """One message to read: pasted on 订单录入 (``row``), or from a file (``row`` None)."""

    text: str
    received: dt.datetime | None
    customer: str | None = None
    channel: str | None = None
    row: int | None = None
    rows: list[int] = field(default_factory=list)  # every 订单录入 row it spans

    @property
    def digest(self) -> str:
        """The message's identity: the same text pasted again (spaces and full-width aside) is the same."""
        key = re.sub(r"\s+", "", fold(self.text))
        return hashlib.sha256(key.encode()).hexdigest()[:8]


def read_messages(sheet: Ledger) -> list[Message]:
    """The messages of 订单录入 not entered yet (订单编号 and 录入结果 empty), each with its rows.

    A row with only 原文 right under a message is one more line of it (Excel puts each line of a
    pasted text in a cell of its own).
    """
    out: list[Message] = []
    current: Message | None = None
    last: int | None = None  # the last row of the message (or of the entered message) above
    for pos, row in enumerate(sheet.rows):
        text = _cell(sheet, "text", pos)
        own = {n: _cell(sheet, n, pos) for n in ("received", "customer", "channel", "order_id", "result")}
        if text is None:
            current, last = None, None
            continue
        if last == row - 1 and all(v is None for v in own.values()):
            last = row
            if current is not None:
                current.text += "\n" + str(text)
                current.rows.append(row)
            continue
        last = row
        if own["order_id"] is not None or own["result"] is not None:
            current = None  # entered already
            continue
        received = sheet.frame["received"].iloc[pos] if sheet.has("received") else None  # converted: 「12/1 9:30」
        current = Message(
            text=str(text),
            received=None if received is None or received != received else received.to_pydatetime(),
            customer=str(own["customer"]).strip() if own["customer"] is not None else None,
            channel=own["channel"],
            row=row,
            rows=[row],
        )
        out.append(current)
    return out


def entered_digests(orders: Ledger) -> dict[str, str]:
    """原文# of the messages already in 订单台账 -> their 订单编号 (from the draft lines' 备注)."""
    if not orders.has("note"):
        return {}
    out = {}
    ids = orders.frame["order_id"] if orders.has("order_id") else [None] * len(orders)
    for note, order_id in zip(orders.frame["note"], ids, strict=True):
        if isinstance(note, str) and (m := MARK.search(note)):
            out.setdefault(m["digest"], str(order_id or ""))
    return out


# --------------------------------------------------------------------------- the plan


@dataclass
class Pending:
    """A question to mark on a draft line once it is written: the line is found by 订单编号 and its place."""

    order_id: str
    index: int  # 0-based among the order's lines
    field: str
    code: str
    values: dict[str, Any]


@dataclass
class IntakeResult:
    plan: Plan
    pending: list[Pending] = field(default_factory=list)
    entered: dict[int | None, str] = field(default_factory=dict)  # 订单录入 row -> 录入结果
    new_lines: int = 0


def used_numbers(orders: Ledger, prefix: str, taken: Iterable[str] = ()) -> set[int]:
    """The numbers used after ``prefix`` (SO2612 → 7 for SO2612007) in the ledger and in ``taken``
    (订单归档, 订单录入: a number is never given twice, even after its lines were archived)."""
    pattern = re.compile(rf"^{re.escape(prefix)}(\d{{3}})$")
    ids = [*(orders.frame["order_id"] if orders.has("order_id") else ()), *taken]
    return {int(m[1]) for v in ids if v and (m := pattern.match(str(v)))}


def next_order_id(prefix: str, used: set[int]) -> str:
    """The number after the highest used one; past 999 (SO2611999 is taken), the lowest free one."""
    number = max(used, default=0) + 1
    if number > 999:
        number = next((n for n in range(1, 1000) if n not in used), 0)
        if not number:
            raise NeiQinError(f"订单编号 {prefix}001–{prefix}999 已全部用完，无法为新订单编号；请联系管理员")
    used.add(number)
    return f"{prefix}{number:03d}"


# Long because it is the one place where an intake becomes ledger lines: each field, its source, its question.
def plan_intake(
    messages: Sequence[Message],
    orders: Ledger,
    inputs: Inputs,
    intake_sheet: Ledger | None,
    settings: Settings,
    now: dt.datetime,
    taken: Iterable[str] = (),
) -> IntakeResult:
    """Read each message and plan its draft lines (状态 待确认), 订单编号 and 录入结果 on 订单录入."""
    # Long because each message walks the same steps in one place: entered before, no time, read, kind,
    # lines, then what goes back on 订单录入 — split up, the reasons a message is skipped would scatter.
    result = IntakeResult(Plan(rows=len(messages)))
    plan = result.plan
    reader = inputs.reader()
    entered = entered_digests(orders)
    seen: dict[str, int | None] = {}
    used: dict[str, set[int]] = {}
    pending_status = MACHINE.label(OrderStatus.PENDING, settings)
    lines: list[dict[str, Any]] = []
    for message in messages:
        digest = message.digest
        if digest in entered:
            result.entered[message.row] = f"与已录入的订单 {entered[digest]} 原文相同，未重复录入"
            continue
        if digest in seen:
            where = f"第 {seen[digest]} 行" if seen[digest] else "前面"
            result.entered[message.row] = f"与本表{where}的消息相同，未重复录入"
            continue
        if message.received is None:
            if intake_sheet is not None and message.row is not None:
                column = intake_sheet.header("received")
                plan.issues.append(
                    make_issue(IntakeCode.INT_NO_TIME, intake_sheet.sheet, message.row, column,
                               col=intake_sheet.col("received"))
                )  # fmt: skip
            continue
        seen[digest] = message.row
        intake = reader.parse(message.text, sent=message.received, customer_hint=message.customer)
        customer = _customer(intake, message.customer, inputs)
        questions = [q for q in intake.questions if not (customer and q.field == "customer")]
        if intake.kind != "order":
            refs = "、".join([*intake.order_ids, *intake.pos]) or "未写订单号"
            asks = "；".join(q.text for q in questions)
            result.entered[message.row] = (
                f"这是{KIND_TEXT[intake.kind]}的消息（{refs}），未生成订单行；请在『订单变更记录』登记"
                + (f"。待问：{asks}" if asks else "")
            )
            continue
        if not intake.lines:
            result.entered[message.row] = "没有读出订货内容（产品和数量），未生成订单行；请核对原文"
            continue
        day = china_date(intake.sent)
        prefix = f"SO{day:%y%m}"
        if prefix not in used:
            used[prefix] = used_numbers(orders, prefix, taken)
        order_id = next_order_id(prefix, used[prefix])
        new, asked = _draft_lines(message, intake, order_id, customer, questions, inputs, pending_status, result)
        lines += new
        result.new_lines += len(intake.lines)
        text = f"已录入 {len(intake.lines)} 行草稿（{order_id}，状态『{pending_status}』）"
        text += f"，有 {asked} 处要向客户确认（见订单台账的标记）" if asked else "，请核对后点『确认订单』"
        result.entered[message.row] = text + "".join(f"；{n}" for n in intake.notes)
        if message.row is not None and intake_sheet is not None:
            plan.write(intake_sheet.sheet, message.row, intake_sheet.col("order_id"), order_id)
    for row, text in result.entered.items():
        if row is not None and intake_sheet is not None:
            plan.write(intake_sheet.sheet, row, intake_sheet.col("result"), text)
    if lines:
        plan.appends.append(Append("orders", lines))
    plan.message = (
        f"读了 {len(messages)} 条消息，录入 {result.new_lines} 行草稿订单（状态『{pending_status}』）。"
        if messages
        else "『订单录入』没有新的消息（订单编号和录入结果都为空的行）；"
        "请把客户的消息粘贴到「原文」，填好收到时间后再点。"
    )
    plan.details += [f"『订单录入』第 {row} 行：{text}" for row, text in result.entered.items()
                     if row is not None and not text.startswith("已录入")]  # fmt: skip
    if None in result.entered and not result.entered[None].startswith("已录入"):
        plan.details.append(result.entered[None])
    plan.details += inputs.notes
    return result


def _draft_lines(
    message: Message,
    intake: Intake,
    order_id: str,
    customer: str | None,
    questions: list[Question],
    inputs: Inputs,
    status: str,
    result: IntakeResult,
) -> tuple[list[dict[str, Any]], int]:
    """The draft lines of one order message (every field asked about left empty) and how many questions."""
    info = inputs.archive.get(fold(customer)) if customer else None
    where = f"原文见『订单录入』第 {message.row} 行" if message.row else "原文见『订单录入』"
    lines, asked = [], 0
    for index, line in enumerate(intake.lines):
        values, notes = _line_values(line, intake, inputs)
        asks = [*questions, *line.questions]
        values.update(
            order_id=order_id,
            order_date=dt.datetime.combine(china_date(intake.sent), dt.time()),
            channel=message.channel,
            customer=customer,
            customer_po="、".join(intake.pos) or None,
            sales_rep=info["sales_rep"] if info else None,
            region=info["region"] if info else None,
            status=status,
            note=_note(message.digest, line, message, asks, notes),
        )
        for q in asks:
            if FIELD_OF[q.field] != "note":
                values[FIELD_OF[q.field]] = None  # never guessed: the cell stays empty and is asked about
            result.pending.append(
                Pending(order_id, index, FIELD_OF[q.field], BY_ASK[q.code], {"question": q.text, "where": where})
            )
        if line.price_differs and values.get("unit_price") is not None:
            result.pending.append(
                Pending(order_id, index, "unit_price", IntakeCode.INT_PRICE_DIFFERS,
                        {"price": f"{line.price:,.2f}", "list_price": f"{line.list_price:,.2f}"})
            )  # fmt: skip
        if values.get("quantity") is not None and values.get("unit_price") is not None:
            values["amount"] = float(to_fen(Decimal(values["quantity"]) * Decimal(values["unit_price"])))
        for name in ("quantity", "unit_price"):  # numbers as the ledger keeps them
            if isinstance(values.get(name), Decimal):
                values[name] = float(values[name])
        asked += len(asks)
        lines.append(values)
    return lines, asked


def _customer(intake: Intake, override: str | None, inputs: Inputs) -> str | None:
    """The customer's name as in 客户档案: the clerk's 客户 when it is one, else the one the reader decided."""
    if override:
        info = inputs.archive.get(fold(override))
        if info is not None:
            return str(info["name"])
    return intake.customer.name if intake.customer is not None else None


def _line_values(line: IntakeLine, intake: Intake, inputs: Inputs) -> tuple[dict[str, Any], list[str]]:
    """The product, quantity, price and date fields of one draft line, and what 备注 should say about them."""
    notes: list[str] = []
    item = inputs.catalogue.get(line.product_code or "", {})
    price = line.price
    asked = any(q.field == "price" for q in line.questions)
    if price is None and not asked and line.product_code and item.get("list_price") is not None:
        price = Decimal(str(item["list_price"]))
        notes.append("来信未写单价，按产品目录标准价")
    if line.said and line.unit and line.quantity is not None and not line.said.endswith(line.unit):
        notes.append(f"来信写{line.said}，折合 {line.quantity:g}{line.unit}")
    delivery = line.delivery or intake.delivery
    return (
        {
            "product_code": line.product_code,
            "product_name": line.product_name,
            "spec": line.product_spec or None,
            "category": item.get("category"),
            "unit": item.get("unit"),
            "quantity": line.quantity,
            "unit_price": price,
            "delivery_date": dt.datetime.combine(delivery, dt.time()) if delivery else None,
        },
        notes,
    )


def _note(digest: str, line: IntakeLine, message: Message, asks: list[Question], notes: list[str]) -> str:
    where = f"原文见『订单录入』第 {message.row} 行" if message.row else "原文见『订单录入』"
    parts = [
        f"【粘贴订单 原文#{digest}】客户叫法『{line.wording}』",
        f"识别：{line.product_code or '无'}",
        f"置信度 {round(line.confidence * 100)}%",
        *notes,
    ]
    if asks:
        parts.append("待问：" + "；".join(q.text for q in asks))
    parts.append(f"来信：{line.text.strip()}（{where}）")
    return "；".join(parts)


def draft_issues(orders: Ledger, pending: Sequence[Pending]) -> list[Issue]:
    """The questions at the cells of the written draft lines (found by 订单编号, in order)."""
    rows: dict[str, list[int]] = {}
    if orders.has("order_id"):
        for row, order_id in zip(orders.rows, orders.frame["order_id"], strict=True):
            if order_id is not None:
                rows.setdefault(str(order_id), []).append(row)
    out = []
    for p in pending:
        found = rows.get(p.order_id, [])
        if p.index < len(found):
            out.append(make_issue(p.code, orders.sheet, found[p.index], orders.header(p.field), col=orders.col(p.field),
                                  **p.values))  # fmt: skip
    return out


# --------------------------------------------------------------------------- learning (确认订单)


def plan_learn(orders: Ledger, confirmed: Sequence[int], aliases: Ledger | None, products: Sequence[Product]) -> Plan:
    """Confirmed draft lines whose product the clerk changed: the customer's wording → 产品别名.

    ``confirmed``: the Excel rows 『确认订单』 just confirmed. A line is learned when its 备注 carries
    the 粘贴订单 mark and its 产品编码 is not the one intake proposed (or intake proposed none).
    """
    plan = Plan()
    if not (orders.has("note") and orders.has("product_code") and orders.has("customer")):
        return plan
    table: list[Alias] = []
    rows_of: dict[tuple[str, str], int] = {}
    if aliases is not None and all(aliases.has(n) for n in ("customer", "wording", "product_code")):
        f = aliases.frame
        for row, who, wording, code in zip(aliases.rows, f["customer"], f["wording"], f["product_code"], strict=True):
            if who is not None and wording is not None and code is not None:
                table.append(Alias(customer=str(who), wording=str(wording), product_code=str(code)))
                rows_of[(fold(who), fold(wording))] = row
    before = {(fold(a.customer), fold(a.wording)): a.product_code for a in table}
    positions = {row: pos for pos, row in enumerate(orders.rows)}
    learned: list[str] = []
    for row in confirmed:
        pos = positions.get(row)
        note = orders.frame["note"].iloc[pos] if pos is not None else None
        m = MARK.search(note) if isinstance(note, str) else None
        code, customer = orders.frame["product_code"].iloc[pos], orders.frame["customer"].iloc[pos]
        if m is None or code is None or customer is None or not m["wording"].strip() or m["code"] == str(code):
            continue
        try:
            table = learn(table, str(customer), m["wording"], str(code), products=products or None)
        except ValueError:
            continue  # a code not in 产品目录: 确认订单's own check reports it
        learned.append(f"{customer}『{m['wording']}』= {code}")
    if not learned:
        return plan
    new_rows = []
    sheet = aliases.sheet if aliases is not None else ""
    for alias in table:
        key = (fold(alias.customer), fold(alias.wording))
        if before.get(key) == alias.product_code:
            continue
        if key in rows_of and aliases is not None:
            plan.write(sheet, rows_of[key], aliases.col("product_code"), alias.product_code)
        else:
            new_rows.append({"customer": alias.customer, "wording": alias.wording, "product_code": alias.product_code})
    if new_rows:
        plan.appends.append(Append("product_aliases", new_rows, after="产品目录"))
    plan.details.append(f"记住了客户的叫法（『产品别名』）：{'；'.join(learned)}。下次同一客户这样写时直接识别。")
    return plan
