"""E-mail and pasted text in order intake: .eml reading, quoted history, signatures, forwards."""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neiqin.base.errors import NeiQinError
from neiqin.core.intake import read_eml, split_message
from neiqin.core.intake.mail import html_to_text
from tests.intake_corpus import DATA, reader

CHINA = dt.timezone(dt.timedelta(hours=8))


@pytest.mark.parametrize(
    ("text", "body", "signature"),
    [
        # a signature from the bottom up: name, company, phone, address, e-mail, greetings
        (
            "王经理：\n请于12月1日前送到。\n\n谢谢！\n\n郭明\n北京华茂环保设备有限公司 采购部\n电话：010-62345678\n"
            "地址：北京市海淀区上地信息路28号\n邮箱：guoming@huamao-env.com",
            "王经理：\n请于12月1日前送到。",
            "谢谢！\n\n郭明\n北京华茂环保设备有限公司 采购部\n电话：010-62345678\n地址：北京市海淀区上地信息路28号\n"
            "邮箱：guoming@huamao-env.com",
        ),
        ("电机5台，下周五\n-- \n徐涛 | 采购\nT: 0510-82345678", "电机5台，下周五", "徐涛 | 采购\nT: 0510-82345678"),
        ("电机5台\n------------------\n杨勇  成都德力机械有限公司", "电机5台", "杨勇  成都德力机械有限公司"),
        ("电机5台\n\nSent from my iPhone", "电机5台", ""),
        ("电机5台\n发自我的iPhone", "电机5台", ""),
        ("电机5台\n来自华为手机", "电机5台", ""),
        ("电机5台\n周杰\n13968012345", "电机5台", "周杰\n13968012345"),
        # a line with order content is never signature, even with a contact on it
        (
            "斜齿轮减速机 3台\n交货：1月20日前    联系人：杨勇 028-85123456",
            "斜齿轮减速机 3台\n交货：1月20日前    联系人：杨勇 028-85123456",
            "",
        ),
        ("本邮件仅供收件人使用", "本邮件仅供收件人使用", ""),  # nothing but signature-like text: keep it as the message
    ],
)
def test_signature(text: str, body: str, signature: str) -> None:
    parts = split_message(text)
    assert (parts.body, parts.signature) == (body, signature)


@pytest.mark.parametrize(
    "history",
    [
        '------------------ 原始邮件 ------------------\n发件人: "王磊"<wanglei@hdjg-motor.com>\n电机 YE3 10台',
        "-----原始邮件-----\n发件人: 王磊\n电机 YE3 10台",
        "-----Original Message-----\nFrom: Wang Lei\n电机 YE3 10台",
        '发件人: "王磊"<wanglei@hdjg-motor.com>\n发送时间: 2027年1月4日 星期一 上午9:30\n电机 YE3 10台',
        "From: Wang Lei <wanglei@hdjg-motor.com>\nSent: Monday\nTo: Zhou\n电机 YE3 10台",
        "在 2026年12月20日 14:05，王磊 <wanglei@hdjg-motor.com> 写道：\n电机 YE3 10台",
        "On Dec 3, 2026, at 15:10, 王磊 <wanglei@hdjg-motor.com> wrote:\n电机 YE3 10台",
        "________________________________\n电机 YE3 10台",
        "> 电机 YE3 10台\n> 谢谢",
    ],
)
def test_quoted_history_is_not_read(history: str) -> None:
    parts = split_message(f"SO2611025 推迟到12月18日\n\n{history}")
    assert parts.body == "SO2611025 推迟到12月18日"
    assert "电机 YE3 10台" in parts.quoted


def test_a_header_block_on_top_is_the_messages_own() -> None:
    """A fax cover (To: … From: … 日期: …) is not a quoted reply."""
    text = "To：华东精工机电\nFrom：广州新锐食品机械有限公司  林芳\n日期：2027/3/3\n光电开关 20只"
    assert split_message(text).body == text


def test_forwarded_mail_is_kept_apart() -> None:
    parts = split_message(
        "请录入。\n\n---------- 转发的邮件 ----------\n发件人：郭明 <guoming@huamao-env.com>\n日期：2027年1月14日\n\n"
        "订购 三相异步电机 3台。\n郭明\n北京华茂环保设备有限公司"
    )
    assert parts.body == "请录入。"
    assert parts.forwarded == "订购 三相异步电机 3台。"
    assert "guoming@huamao-env.com" in parts.forwarded_head
    assert "北京华茂环保设备有限公司" in parts.forwarded_head


def test_html_mail_as_text() -> None:
    html = (
        "<html><head><style>p{color:red}</style></head><body><p>订购&nbsp;6206-2RS&nbsp;3箱</p><div>吴敏<br>金泰</div>"
        "<blockquote><div>上次的 电机 5台</div></blockquote><script>alert(1)</script></body></html>"
    )
    assert html_to_text(html) == "订购\xa06206-2RS\xa03箱\n\n吴敏\n金泰\n\n> 上次的 电机 5台"


@pytest.mark.parametrize(
    ("name", "sent", "sender", "subject", "attachments", "starts"),
    [
        (
            "mail-003",
            dt.datetime(2026, 12, 3, 9, 20, tzinfo=CHINA),
            "周杰 <zhoujie@hongda-elec.cn>",
            "回复: 订单确认 SO2611025",
            (),
            "王经理：",
        ),
        (
            "mail-004",
            dt.datetime(2026, 11, 24, 14, 2, tzinfo=CHINA),
            "吴敏 <wumin@jintai-nj.com>",
            "订货",
            (),
            "王经理好：",
        ),
        (
            "mail-006",
            dt.datetime(2026, 12, 8, 10, 15, tzinfo=CHINA),
            "Xu Tao <xutao@ruifeng-tex.com>",
            "订单 RF2612008",
            (),
            "您好，",
        ),
        (
            "mail-010",
            dt.datetime(2027, 1, 13, 9, 0, tzinfo=CHINA),
            "何军 <hejun@dingsheng-tj.com>",
            "订货",
            ("订单.pdf",),
            "王经理：",
        ),
    ],
)
def test_read_eml(
    name: str, sent: dt.datetime, sender: str, subject: str, attachments: tuple[str, ...], starts: str
) -> None:
    mail = read_eml((DATA / "eml" / f"{name}.eml").read_bytes())
    assert (mail.sent, mail.sender, mail.subject, mail.attachments) == (sent, sender, subject, attachments)
    assert mail.text.startswith(starts)


def test_gbk_html_only_mail_reads_its_chinese() -> None:
    mail = read_eml((DATA / "eml" / "mail-004.eml").read_bytes())
    assert "订购深沟球轴承6206-2RS" in mail.text
    assert "> 上次订的" in mail.text  # the blockquote, marked as quoted


def test_attachment_becomes_a_note() -> None:
    intake = reader().parse_eml((DATA / "eml" / "mail-010.eml").read_bytes())
    assert intake.notes == ("邮件附件『订单.pdf』未读取，请打开查看是否另有订货内容",)


def test_forwarded_order_is_read_from_the_forward() -> None:
    intake = reader().parse_eml((DATA / "eml" / "mail-011.eml").read_bytes())
    assert [(ln.product_code, ln.quantity) for ln in intake.lines] == [("MT-0750", 3)]
    assert intake.customer is not None and intake.customer.code == "C0007"
    assert "正文只有转发的邮件，已按转发的原邮件读取" in intake.notes


def _mail(**headers: str) -> bytes:
    msg = EmailMessage()
    for k, v in headers.items():
        msg[k] = v
    msg.set_content("订购 6206-2RS 5盒，下周五前")
    return msg.as_bytes()


def test_eml_without_a_date_needs_the_sent_time() -> None:
    data = _mail(From="何军 <hejun@example.com>", Subject="订货")
    with pytest.raises(NeiQinError, match="没有可读的发送日期"):
        reader().parse_eml(data)
    intake = reader().parse_eml(data, sent=dt.datetime(2026, 11, 20, 9))
    assert intake.lines[0].delivery == dt.date(2026, 11, 27)


def test_eml_with_a_bad_date_header_is_read_with_the_given_time() -> None:
    data = _mail(From="x@example.com", Subject="订货", Date="next Tuesday-ish")
    assert read_eml(data).sent is None


def test_a_foreign_time_zone_is_taken_as_china_time() -> None:
    # 23:30 in London on 20 Nov is 07:30 on 21 Nov in China: 明天 is the 22nd
    data = _mail(From="x@example.com", Subject="订货", Date="Fri, 20 Nov 2026 23:30:00 +0000")
    intake = reader().parse_eml(data.replace("下周五前".encode(), "明天要".encode()))
    assert intake.lines[0].delivery == dt.date(2026, 11, 22)


@pytest.mark.parametrize("data", [b"", b"hello world", b"\x00\x01\x02PK\x03\x04", "订购电机".encode()])
def test_not_mail(data: bytes) -> None:
    with pytest.raises(NeiQinError, match="不是邮件"):
        read_eml(data)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_are_mail_or_a_clear_refusal(data: bytes) -> None:
    try:
        mail = read_eml(b"From: a@b.c\nSubject: x\n\n" + data)
    except NeiQinError:
        return
    assert isinstance(mail.text, str)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_split_loses_no_line_of_the_new_message(text: str) -> None:
    parts = split_message(text)
    for line in parts.body.split("\n") + parts.signature.split("\n"):
        assert line in text.replace("\r\n", "\n").replace("\r", "\n")
