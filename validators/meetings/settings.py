"""会议's settings: notice lead time, the 知晓率 target, the closed lists, the optional robot webhook."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from neiqin.core.config import Section


class MeetingSettings(Section):
    """会议."""

    title: ClassVar[str] = "会议"

    meeting_notice_hours: float = Field(
        24.0, alias="会议通知提前小时", ge=0, description="会议通知至少在开会前多少小时发出（制度：提前通知参会人员）"
    )
    meeting_awareness_target_pct: float = Field(
        95.0, alias="知晓率目标(%)", ge=0, le=100, description="制度的「知晓率达到[X]%以上」：已确认 ÷ 应通知人数"
    )
    meeting_reminder_minutes: int = Field(
        30, alias="会议提醒分钟", ge=0, le=10080, description="日历文件（.ics）在开会前多少分钟提醒"
    )
    meeting_replies: list[str] = Field(
        ["参加", "请假", "未回复"],
        alias="参会回复选项",
        description="参会确认「回复」可选的值，依次对应 参加、请假、未回复（可改名，不能增减或调换顺序）",
        min_length=3,
        max_length=3,
    )
    resolution_states: list[str] = Field(
        ["未开始", "进行中", "已完成", "已取消"],
        alias="决议状态选项",
        description="决议跟踪「状态」可选的值，依次对应 未开始、进行中、已完成、已取消（可改名，不能增减或调换顺序）",
        min_length=4,
        max_length=4,
    )
    resolution_pending_words: list[str] = Field(
        ["待商定", "待定", "另行商定", "另定"],
        alias="期限待商定写法",
        description="决议期限尚未商定时的写法：允许，但在校验和决议催办中列出",
    )
    meeting_online_rooms: list[str] = Field(
        ["线上", "视频会议", "电话会议", "腾讯会议", "钉钉会议", "飞书会议"],
        alias="线上会议地点",
        description="这些「地点」是线上会议，不检查会议室冲突（人员冲突照常检查）",
    )
    meeting_webhook: Literal["关闭", "钉钉", "企业微信"] = Field(
        "关闭",
        alias="群机器人发送",
        description="关闭 = 『会议通知』只生成消息正文（默认）；钉钉 / 企业微信 = 同时通过该平台的群机器人发送",
    )
    meeting_webhook_url: str | None = Field(None, alias="机器人地址", description="群机器人的 Webhook 地址")
    meeting_webhook_secret: str | None = Field(
        None, alias="机器人加签密钥", description="钉钉机器人「加签」的密钥（SEC 开头）；企业微信不需要"
    )
