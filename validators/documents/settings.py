"""The document registers' settings: 密级 and 保管期限 lists, second approval, default days, number style."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from neiqin.core.config import Section


class DocumentSettings(Section):
    """文件档案."""

    title: ClassVar[str] = "文件档案"

    secrecy_levels: list[str] = Field(
        ["公开", "内部", "秘密", "机密", "绝密"], alias="密级选项", description="文件「密级」可选的值", min_length=1
    )
    second_approval_levels: list[str] = Field(
        ["机密", "绝密"],
        alias="借阅需二次审批的密级",
        description="借阅这些密级的档案须再有一人审批（「二次审批人」）；留空 = 不要求二次审批",
    )
    retention_periods: list[str] = Field(
        ["1年", "3年", "10年", "30年", "永久"],
        alias="保管期限选项",
        description="档案「保管期限」可选的值（N年 或 永久）",
        min_length=1,
    )
    destruction_methods: list[str] = Field(
        ["粉碎", "焚毁", "化浆", "删除电子文件"],
        alias="销毁方式选项",
        description="销毁清单「销毁方式」可选的值",
        min_length=1,
    )
    reading_days: int = Field(5, alias="阅办天数", ge=1, description="收文登记时，办结期限 = 收到日期 + 这么多天")
    loan_days: int = Field(
        14, alias="借阅天数", ge=1, description="没有填写应还日期的借阅，按借出日期 + 这么多天算逾期"
    )
    number_pattern: str = Field(
        "{category}〔{year}〕{seq:03d}号",
        alias="文号格式",
        description="一年中第一个编号的写法（之后沿用本年已有编号的写法）；{category} 代字，{year} 年份，{seq} 序号",
    )
    registration_days: int = Field(
        1,
        alias="收文登记时限(天)",
        ge=0,
        description="文件登记及时率：收到日期后这么多天内编号登记的收文为按时登记（0 = 当天）",
    )
    incoming_category: str = Field("收文", alias="收文代字", description="收文编号的代字，如 收文〔2026〕001号")
    outgoing_category: str = Field("销字", alias="发文代字", description="发文登记没有填写代字时使用的发文代字")
    archive_folder: str = Field(
        "",
        alias="电子档案目录",
        description="档案目录中「电子文件」相对路径的起点；留空 = 工作簿所在的文件夹",
    )
