"""Writes the corpus's .eml files (run once; the files are committed). Kept so the encodings are visible.

Each message is built with the standard library the way real mail clients send them: QQ mail's
quoted original, an HTML-only GBK message from a web mail, an iPhone reply with '>' quoting,
multipart/alternative with a '-- ' signature, Outlook's 原始邮件 block, a base64 GB2312 body with
a PDF attachment, and a forward.
"""

from __future__ import annotations

import base64
import hashlib
from email.charset import BASE64, QP, Charset
from email.message import EmailMessage
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr
from pathlib import Path

HERE = Path(__file__).parent / "eml"
SIG = "-- "  # the RFC 3676 signature delimiter, trailing space included


def _head(msg, *, date: str, sender: tuple[str, str], subject: str, charset: str = "utf-8") -> None:
    msg["Date"] = date
    msg["From"] = formataddr(sender, charset="utf-8")
    msg["To"] = formataddr(("王磊", "wanglei@hdjg-motor.com"), charset="utf-8")
    # as mail clients write it (Python's own Header would name gb2312 "euc-cn")
    msg["Subject"] = f"=?{charset}?B?{base64.b64encode(subject.encode(charset)).decode()}?="
    msg["Message-ID"] = f"<{hashlib.sha1((subject + date).encode()).hexdigest()[:16]}@example.invalid>"
    if msg.is_multipart():
        msg.set_boundary("=_neiqin_" + hashlib.sha1(date.encode()).hexdigest()[:12])


def mail_003() -> bytes:
    body = """王经理：

SO2611025 的交货期麻烦推迟到12月18日，其余不变。

周杰
宁波宏达电气有限公司
手机：13968012345

发自我的iPhone

------------------ 原始邮件 ------------------
发件人: "王磊"<wanglei@hdjg-motor.com>
发送时间: 2026年11月25日(星期三) 下午3:12
收件人: "周杰"<zhoujie@hongda-elec.cn>
主题: 订单确认 SO2611025

周经理您好，
贵司订单 SO2611025 已确认：三相异步电机 YE3-80M2-4 0.75kW 10台，12月8日交货。
华东精工机电销售有限公司 王磊
"""
    msg = MIMEText(body, "plain", "utf-8")
    _head(
        msg,
        date="Thu, 03 Dec 2026 09:20:00 +0800",
        sender=("周杰", "zhoujie@hongda-elec.cn"),
        subject="回复: 订单确认 SO2611025",
    )
    return msg.as_bytes()


def mail_004() -> bytes:
    html = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk"></head><body>
<p>王经理好：</p>
<p>订购深沟球轴承6206-2RS&nbsp;3箱，骨架油封TC40x62x8&nbsp;4包。</p>
<p>12月4日前到货，谢谢。</p>
<div style="color:#888">吴敏<br>南京金泰设备制造有限公司<br>13770012345</div>
<blockquote style="border-left:2px solid #ccc">
<div>发件人：王磊</div><div>上次订的 三相异步电机 YE3-80M2-4 0.75kW 5台 已发货。</div>
</blockquote>
</body></html>"""
    cs = Charset("gbk")
    cs.body_encoding = BASE64
    msg = MIMEText(html, "html", cs)
    _head(
        msg,
        date="Tue, 24 Nov 2026 14:02:00 +0800",
        sender=("吴敏", "wumin@jintai-nj.com"),
        subject="订货",
        charset="gb2312",
    )
    return msg.as_bytes()


def mail_005() -> bytes:
    body = """王经理，
按报价单下单：
SV-1000 伺服套装 x3，单价5000
VF-0750 x4，单价1250
周四前发货，月底前开票。

Sent from my iPhone

On Dec 3, 2026, at 15:10, 王磊 <wanglei@hdjg-motor.com> wrote:

> 高经理：
> SV-1000 报价 5000元/套，VF-0750 报价 1250元/台，有效期一个月。
> 华东精工机电销售有限公司 王磊
"""
    msg = MIMEText(body, "plain", "utf-8")
    _head(
        msg,
        date="Mon, 07 Dec 2026 08:30:00 +0800",
        sender=("Gao Chao", "gaochao@lianchuang-sz.com"),
        subject="Re: 报价单 BJ-1203",
    )
    return msg.as_bytes()


def mail_006() -> bytes:
    plain = f"""您好，

我司订单号 RF2612008，订购：
  三相异步电机 YE3-80M2-4 0.75kW  6台
  蜗轮蜗杆减速机 RV040 速比1:7.5   6台
交货：12月25日前

{SIG}
徐涛 | 采购
无锡瑞丰纺织机械有限公司
T: 0510-82345678
本邮件及附件仅供收件人使用，如误收请删除。
"""
    html = "<html><body>" + "".join(f"<div>{line or '<br>'}</div>" for line in plain.splitlines()) + "</body></html>"
    cs = Charset("utf-8")
    cs.body_encoding = QP
    msg = MIMEMultipart("alternative")
    msg.attach(MIMEText(plain, "plain", cs))
    msg.attach(MIMEText(html, "html", cs))
    _head(
        msg,
        date="Tue, 08 Dec 2026 10:15:00 +0800",
        sender=("Xu Tao", "xutao@ruifeng-tex.com"),
        subject="订单 RF2612008",
    )
    return msg.as_bytes()


def mail_007() -> bytes:
    body = """王经理：
我司采购单 HD-PO-2611-07 因设备方案调整，全部取消，给您添麻烦了。
孙丽

-----原始邮件-----
发件人: 王磊 [mailto:wanglei@hdjg-motor.com]
发送时间: 2026年11月28日 10:02
收件人: 孙丽
主题: 订单确认

孙经理：HD-PO-2611-07 已安排，6205轴承 20盒。
"""
    msg = MIMEText(body, "plain", "utf-8")
    _head(msg, date="Fri, 18 Dec 2026 16:30:00 +0800", sender=("孙丽", "sunli@163.com"), subject="取消订单")
    return msg.as_bytes()


def mail_010() -> bytes:
    body = """王经理：
附件是订单，另请先发 接近开关M18 PNP 两盒，光电开关 一盒，1月18日前到天津仓库。
何军
天津鼎盛物流设备有限公司
手机:13820012345
"""
    cs = Charset("gb2312")
    cs.body_encoding = BASE64
    msg = MIMEMultipart("mixed")
    msg.attach(MIMEText(body, "plain", cs))
    pdf = MIMEApplication(b"%PDF-1.4\n% not a real order form\n%%EOF\n", "pdf")
    pdf.add_header("Content-Disposition", "attachment", filename=("gb2312", "", "订单.pdf"))
    msg.attach(pdf)
    _head(
        msg,
        date="Wed, 13 Jan 2027 09:00:00 +0800",
        sender=("何军", "hejun@dingsheng-tj.com"),
        subject="订货",
        charset="gb2312",
    )
    return msg.as_bytes()


def mail_011() -> bytes:
    body = """请录入。

---------- 转发的邮件 ----------
发件人：郭明 <guoming@huamao-env.com>
日期：2027年1月14日 09:12
主题：订单
收件人：王磊 <wanglei@hdjg-motor.com>

王经理：订购 三相异步电机 YE3-80M2-4 0.75kW 3台，1月25日前。
郭明
北京华茂环保设备有限公司
"""
    msg = EmailMessage()
    msg.set_content(body, cte="base64")
    _head(msg, date="Thu, 14 Jan 2027 10:00:00 +0800", sender=("王磊", "wanglei@hdjg-motor.com"), subject="转发: 订单")
    return msg.as_bytes()


if __name__ == "__main__":
    HERE.mkdir(exist_ok=True)
    for name, make in list(globals().items()):
        if name.startswith("mail_"):
            (HERE / f"{name.replace('_', '-')}.eml").write_bytes(make())
