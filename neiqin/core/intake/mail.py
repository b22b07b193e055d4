"""E-mail and pasted text: the new message apart from its signature, quoted history and forwarded mail.

``.eml`` files are read with the standard library's ``email`` package (any declared charset; GB2312
and GBK are read as their superset GB18030). HTML-only mail is made text with ``html.parser``;
``<blockquote>`` content becomes '> ' quoted lines. Then :func:`split_message` cuts:

- quoted history: the line of ``-----原始邮件-----`` / ``-----Original Message-----`` (any dashes),
  a header block (``发件人:`` / ``From:`` followed by ``发送时间:`` / ``Sent:`` / ``日期:`` …),
  ``在 … 写道：``, ``On … wrote:``, a long ``____`` rule, and every line that starts with '>';
- forwarded mail (``---------- 转发的邮件 ----------``, ``Forwarded message``): kept apart and read
  instead of the new part when the new part holds no order (a colleague's 「请录入」);
- phone and client footers (发自我的iPhone, Sent from my iPhone, 来自华为手机 …);
- the signature: after a ``-- `` or a dashed rule line, or, from the bottom, the lines that look like
  a signature (name, company, phone, address, e-mail, greetings, disclaimers) up to the first line
  that does not. The signature is kept for finding the customer, never read for order lines.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import email.utils
import re
from dataclasses import dataclass
from email.message import EmailMessage
from html.parser import HTMLParser

from neiqin.base.errors import NeiQinError

_CHARSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "euc-cn": "gb18030", "cp936": "gb18030"}
_FORWARD = re.compile(
    r"^\s*-{2,}\s*(?:转发的邮件|转发邮件|Forwarded message|Forwarded Message)\s*-{2,}\s*$"
    r"|^\s*(?:Begin forwarded message|开始转发的邮件)\s*[:：]?\s*$",
    re.I,
)
_REPLY = re.compile(
    r"^\s*-{2,}\s*(?:原始邮件|原邮件|Original Message|回复的邮件)\s*-{2,}\s*$"
    r"|^\s*在.{0,60}写道\s*[:：]?\s*$"
    r"|^\s*On\b.{0,160}\bwrote\s*:\s*$"
    r"|^\s*_{8,}\s*$",
    re.I,
)
_HEADER_FROM = re.compile(r"^\s*(?:发件人|From)\s*[:：]", re.I)
_HEADER_NEXT = re.compile(r"^\s*(?:发送时间|时间|日期|Sent|Date|收件人|To|主题|Subject|抄送|Cc)\s*[:：]", re.I)
_FOOTER = re.compile(
    r"^\s*(?:(?:发自|来自|来自于)(?:我的)?\s*\S{0,12}(?:iPhone|iPad|Android|手机|华为|HUAWEI|小米|荣耀|OPPO|vivo|邮箱|客户端|Mail|Outlook)"
    r"|Sent from my\b|Sent from\s+(?:Mail|Outlook)|Get Outlook for)",
    re.I,
)
_SIG_RULE = re.compile(r"^(?:--\s*|\s*[-_=—]{6,}\s*)$")
_SIG_WORDS = re.compile(
    r"电话|手机|tel\b|mob|mobile|phone|fax|传真|地址|add(?:ress)?\s*[:：]|邮箱|e-?mail|网址|www\.|https?://|\bqq\b|微信|"
    r"公司|采购部|采购员|经理|主管|总监|助理|联系人|谢谢|感谢|thanks|thank you|regards|此致|敬礼|祝好|顺祝|商祺|"
    r"本邮件|此邮件|保密|confidential|disclaimer|[|｜]",
    re.I,
)
_ORDER_WORDS = re.compile(
    r"交货|交期|到货|货期|发货|送货|订购|订货|数量|单价|取消|变更|改为|改成|[0-9０-９一二两三四五六七八九十]\s*(?:台|只|套|个|箱|盒|包|卷|根|件|pcs)",
    re.I,
)
# a name alone on its line (周杰, Gao Chao) or a phone number alone
_PERSON = re.compile(r"^[\u4e00-\u9fff]{2,4}$|^[A-Z][a-z]+(?: [A-Z][a-z]+){0,2}$|^[+\d][\d\s\-()]{6,}$")


@dataclass(frozen=True, slots=True)
class Mail:
    """An e-mail as intake reads it."""

    text: str
    sent: dt.datetime | None
    sender: str  # 「周杰 <zhoujie@hongda-elec.cn>」, used as the customer hint
    subject: str
    attachments: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Parts:
    """A message cut into what is read for orders and what only helps find the customer."""

    body: str  # the new message without signature and footers
    signature: str = ""
    quoted: str = ""  # quoted history of a reply: never read
    forwarded: str = ""  # the body of a forwarded message
    forwarded_head: str = ""  # its 发件人 / 日期 / 主题 lines


def read_eml(data: bytes) -> Mail:
    """The text, date, sender, subject and attachment names of an ``.eml`` file's bytes."""
    try:
        msg = email.message_from_bytes(data, policy=email.policy.default)
    except Exception as exc:  # the parser is lenient; anything raised means it is not mail at all
        raise NeiQinError(f"无法读取邮件文件：{exc}；请确认是 .eml 格式（在邮件客户端里“另存为”）") from exc
    if not isinstance(msg, EmailMessage) or not (msg.get("From") or msg.get("Date") or msg.get("Subject")):
        raise NeiQinError("文件不是邮件（没有发件人、日期或主题）；请在邮件客户端里把邮件“另存为” .eml 后再读取")
    body = msg.get_body(preferencelist=("plain", "html"))
    text = ""
    if body is not None:
        text = _decode(body)
        if body.get_content_type() == "text/html":
            text = html_to_text(text)
    attachments = tuple(part.get_filename() or "（未命名附件）" for part in msg.iter_attachments())
    return Mail(
        text=text,
        sent=_date(msg),
        sender=_header(msg, "From"),
        subject=_header(msg, "Subject"),
        attachments=attachments,
    )


def _decode(part: EmailMessage) -> str:
    payload = part.get_payload(decode=True) or b""
    charset = (part.get_content_charset() or "utf-8").lower()
    charset = _CHARSETS.get(charset, charset)
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:  # a charset Python does not know
        return payload.decode("utf-8", errors="replace")


def _header(msg: EmailMessage, name: str) -> str:
    try:
        return str(msg.get(name, "") or "")
    except Exception:  # a malformed header: keep what can be read
        raw = msg.get_all(name, failobj=[""])[0]
        return str(raw)


def _date(msg: EmailMessage) -> dt.datetime | None:
    raw = _header(msg, "Date")
    if not raw:
        return None
    try:
        return email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None


class _HTMLText(HTMLParser):
    _BLOCK = frozenset(
        ["p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "pre", "hr"]
    )
    _SKIP = frozenset(["script", "style", "head", "title"])

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0
        self.quote = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self.skip += 1
        elif tag == "blockquote":
            self.quote += 1
            self.out.append("\n")
        elif tag in self._BLOCK:
            self.out.append("\n")
        elif tag in ("td", "th"):
            self.out.append("  ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag == "blockquote":
            self.quote = max(0, self.quote - 1)
            self.out.append("\n")
        elif tag in self._BLOCK:
            self.out.append("\n")

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.quote:
            data = "\n".join("> " + line if line.strip() else line for line in data.split("\n"))
        self.out.append(data)


def html_to_text(html: str) -> str:
    """HTML mail as lines of text; quoted (``<blockquote>``) lines start with '> '."""
    parser = _HTMLText()
    parser.feed(html)
    parser.close()
    lines = [line.rstrip() for line in "".join(parser.out).replace("\r", "").split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")


def split_message(text: str) -> Parts:
    """``text`` cut into the new message, its signature, quoted history and a forwarded message."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cut, forward = _history_start(lines)
    new, rest = lines[:cut], lines[cut:]
    quoted = forwarded = forwarded_head = ""
    if forward:
        head, body = _forward_parts(rest[1:])
        forwarded_head, forwarded = "\n".join(head), "\n".join(body)
    else:
        quoted = "\n".join(rest)
    quote_lines = [line for line in new if line.lstrip().startswith((">", "＞"))]
    new = [line for line in new if not line.lstrip().startswith((">", "＞"))]
    if quote_lines:
        quoted = "\n".join([*quote_lines, quoted]).strip("\n")
    body, signature = _cut_signature(new)
    return Parts(
        body="\n".join(body).strip("\n"),
        signature="\n".join(signature).strip("\n"),
        quoted=quoted,
        forwarded=forwarded.strip("\n"),
        forwarded_head=forwarded_head,
    )


def _history_start(lines: list[str]) -> tuple[int, bool]:
    for n, line in enumerate(lines):
        if _FORWARD.match(line):
            return n, True
        if _REPLY.match(line):
            return n, False
        if (
            _HEADER_FROM.match(line)
            and any(_HEADER_NEXT.match(x) for x in lines[n + 1 : n + 5])
            # a header block on top is the message's own (a fax cover: To: … From: … 日期: …)
            and any(x.strip() and not (_HEADER_FROM.match(x) or _HEADER_NEXT.match(x)) for x in lines[:n])
        ):
            return n, False
    return len(lines), False


def _forward_parts(lines: list[str]) -> tuple[list[str], list[str]]:
    """A forwarded message's header lines and its body (itself cut of quoted history and signature)."""
    n = 0
    while n < len(lines) and (not lines[n].strip() or _HEADER_FROM.match(lines[n]) or _HEADER_NEXT.match(lines[n])):
        n += 1
    inner = split_message("\n".join(lines[n:]))
    body = inner.body.split("\n") if inner.body else []
    head = lines[:n] + (inner.signature.split("\n") if inner.signature else [])
    return head, body


def _cut_signature(lines: list[str]) -> tuple[list[str], list[str]]:
    lines = [line for line in lines if not _FOOTER.match(line)]
    for n, line in enumerate(lines):
        if _SIG_RULE.match(line) and n > 0:
            return lines[:n], lines[n + 1 :]
    n = len(lines)
    while n > 0 and _signature_like(lines[n - 1]):
        n -= 1
    if n == 0:  # all of it looks like a signature: then it is the message
        return lines, []
    return lines[:n], lines[n:]


def _signature_like(line: str) -> bool:
    s = line.strip()
    if not s:
        return True
    if _ORDER_WORDS.search(s):
        return False
    return bool(_SIG_WORDS.search(s) or _PERSON.match(s))
