"""Business parameters: defaults, a user/company file, and the workbook's 设置 sheet.

The regulation leaves targets and tolerances to each company ("[X]%"), so every
parameter is a setting with a sensible default, never a constant in a check.
Later sources override earlier ones:

1. the defaults below;
2. a TOML file: ``$NEIQIN_CONFIG``, else ``config.toml`` in the user's config folder
   (keys are the English field names or the Chinese labels);
3. the workbook's ``设置`` sheet: a row per parameter, the Chinese label in one
   cell and the value in the cell to its right (empty = keep the default);
4. ``$NEIQIN_DB`` for the store location.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tomllib
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from neiqin.base.errors import NeiQinError
from neiqin.core.issues import Issue

if TYPE_CHECKING:
    import xlwings as xw

SETTINGS_SHEET = "设置"
_LIST_SPLIT = re.compile(r"[、,，;；/|\n]+")


class Settings(BaseModel):
    """NeiQin's settings; each alias is the label used in the 设置 sheet."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore", validate_assignment=True)

    order_channels: list[str] = Field(
        ["电话", "邮件", "传真", "微信", "面谈", "其他"],
        alias="接单方式选项",
        description="订单台账「接单方式」可选的值",
    )
    order_statuses: list[str] = Field(
        ["待确认", "已确认", "已下达", "生产中", "采购中", "已发货", "已完成", "已取消", "暂停"],
        alias="订单状态选项",
        description="订单台账「状态」可选的值",
    )
    amount_tolerance: float = Field(0.01, alias="金额容差", ge=0, description="金额与 数量×单价 允许相差的元数")
    mark_limit: int = Field(
        500,
        alias="标记上限",
        ge=0,
        description="一次最多在多少个单元格上标色并加批注（其余问题仍全部列在『校验结果』）",
    )
    header_scan_rows: int = Field(20, alias="表头查找行数", ge=1, le=200, description="在前多少行中查找表头")
    # 订单管理 (regulation 二.1 / 四.1)
    price_tolerance_pct: float = Field(
        10.0, alias="单价偏差上限(%)", ge=0, description="订单单价偏离产品目录标准单价超过此百分比时提示"
    )
    archive_days: int = Field(30, alias="归档天数", ge=0, description="已完成的订单行发货后多少天归档")
    on_time_target_pct: float = Field(
        95.0, alias="按时交付率目标(%)", ge=0, le=100, description="制度四.1 的按时交付率目标（[X]%）"
    )
    supply_modes: list[str] = Field(["生产", "采购"], alias="供应方式选项", description="产品目录「供应方式」可选的值")
    task_progress: list[str] = Field(
        ["未开始", "进行中", "已完成"], alias="进度选项", description="生产/采购任务单「进度」可选的值"
    )
    problem_types: list[str] = Field(
        ["延期", "缺料", "质量", "其他"], alias="问题类型选项", description="任务单「问题类型」可选的值"
    )
    review_results: list[str] = Field(
        ["待审核", "同意", "驳回"], alias="审核结果选项", description="订单变更记录「审核结果」可选的值"
    )
    # 费用报销 (regulation 二.7 / 三.7 / 四.7)
    expense_categories: list[str] = Field(
        ["差旅交通", "住宿", "伙食补助", "市内交通", "业务招待", "办公用品", "通讯", "会议", "培训", "其他"],
        alias="费用类别选项",
        description="费用报销单「费用类别」可选的值",
    )
    invoice_kinds: list[str] = Field(
        ["增值税专用发票", "增值税普通发票", "电子发票(数电)", "无发票"],
        alias="发票类型选项",
        description="费用报销单「发票类型」可选的值（NeiQin 按这四种核对发票代码和号码）",
    )
    tax_rates: list[str] = Field(
        ["0%", "1%", "3%", "5%", "6%", "9%", "13%"],
        alias="税率选项",
        description="费用报销单「税率」允许的增值税税率",
    )
    ranks: list[str] = Field(["员工", "主管", "经理", "总监"], alias="职级选项", description="报销人「职级」可选的值")
    city_tiers: list[str] = Field(
        ["一类城市", "二类城市", "三类城市"], alias="城市级别选项", description="『城市级别』『报销标准』的城市级别"
    )
    default_city_tier: str = Field(
        "三类城市", alias="未列城市级别", description="不在『城市级别』表中的城市按此级别的标准核对"
    )
    claim_statuses: list[str] = Field(
        ["待部门审批", "待初审", "初审通过", "初审退回", "已交财务", "财务已审核", "财务退回", "已支付"],
        alias="报销状态选项",
        description="费用报销单与『报销登记』「状态」可选的值",
    )
    finance_results: list[str] = Field(
        ["财务已审核", "财务退回", "已支付"],
        alias="财务结果选项",
        description="『报销登记』「财务结果」可选的值：内勤按财务的反馈填写，再点『财务结果』",
    )
    invoice_max_age_days: int = Field(
        180, alias="发票报销期限(天)", ge=1, description="开票日期距报销日期超过此天数的发票不予报销"
    )
    tax_tolerance: float = Field(
        1.27,
        alias="税额容差",
        ge=0,
        description="税额与 不含税金额×税率 相差不超过此元数时只作提示（多项目发票逐项计税的尾差，税务上限 1.27 元）",
    )
    backlog_days_approval: int = Field(
        3, alias="部门审批时限(天)", ge=0, description="报销单等待部门负责人审批的天数上限"
    )
    backlog_days_prereview: int = Field(
        2, alias="内勤初审时限(天)", ge=0, description="部门审批后等待内勤初审的天数上限"
    )
    backlog_days_handover: int = Field(2, alias="交财务时限(天)", ge=0, description="初审通过后交到财务的天数上限")
    backlog_days_finance: int = Field(5, alias="财务审核时限(天)", ge=0, description="交财务后等待财务终审的天数上限")
    backlog_days_payment: int = Field(5, alias="支付时限(天)", ge=0, description="财务审核后等待付款的天数上限")
    seal_folder: str | None = Field(
        None,
        alias="封存文件夹",
        description="『提交财务』写封存报销单（报销单_<单号>.xlsx）的文件夹；空 = 工作簿所在文件夹",
    )
    # 销售报表 (regulation 二.3 / 四.3)
    report_date: dt.date | None = Field(
        None, alias="报表日期", description="日报/周报/月报按哪一天所在的期间生成；空 = 今天"
    )
    db: str | None = Field(
        None, alias="数据库", description="历史数据库：SQLite 文件路径或数据库网址；空 = 用户数据目录下的 neiqin.db"
    )

    def choices(self, key: str) -> list[str]:
        """A closed list by its key ('order_channels', …)."""
        return list(getattr(self, key))


def _norm(label: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(label))).lower()


def _labels() -> dict[str, str]:
    out = {}
    for name, info in Settings.model_fields.items():
        out[_norm(name)] = name
        if info.alias:
            out[_norm(info.alias)] = name
    return out


def _coerce(name: str, value: Any) -> Any:
    annotation = Settings.model_fields[name].annotation
    if annotation == list[str] and isinstance(value, str):
        return [part.strip() for part in _LIST_SPLIT.split(value) if part.strip()]
    if isinstance(value, float) and value.is_integer() and annotation is int:
        return int(value)
    return value


def user_config_path() -> Path:
    env = os.environ.get("NEIQIN_CONFIG")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_config_dir("NeiQin", appauthor=False)) / "config.toml"


def load_settings(book: xw.Book | None = None) -> tuple[Settings, list[Issue]]:
    """Settings for an action on ``book``, and issues for values that could not be used."""
    data: dict[str, Any] = {}
    issues: list[Issue] = []
    labels = _labels()
    path = user_config_path()
    if path.is_file():
        try:
            with path.open("rb") as fh:
                raw = tomllib.load(fh)
        except (tomllib.TOMLDecodeError, OSError) as exc:
            raise ConfigError(f"配置文件 {path} 无法读取：{exc}；请修正或删除该文件") from None
        for key, value in raw.items():
            name = labels.get(_norm(key))
            if name:
                data[name] = _coerce(name, value)
    settings = Settings.model_validate(data)
    if book is not None:
        issues = _apply_sheet(settings, book)
    env_db = os.environ.get("NEIQIN_DB")
    if env_db:
        settings.db = env_db
    return settings, issues


def _apply_sheet(settings: Settings, book: xw.Book) -> list[Issue]:
    if SETTINGS_SHEET not in [s.name for s in book.sheets]:
        return []
    from neiqin.core.issues import Code, make_issue

    sheet = book.sheets[SETTINGS_SHEET]
    used = sheet.used_range
    values = used.options(ndim=2).value
    row0, col0 = used.row, used.column
    labels = _labels()
    issues: list[Issue] = []
    for i, row in enumerate(values):
        for j, cell in enumerate(row):
            if not isinstance(cell, str) or _norm(cell) not in labels:
                continue
            name = labels[_norm(cell)]
            value = row[j + 1] if j + 1 < len(row) else None
            if value is None or (isinstance(value, str) and not value.strip()):
                break  # left empty: keep the default
            vcol = j + 1
            try:
                setattr(settings, name, _coerce(name, value))
            except ValidationError:
                issues.append(
                    make_issue(
                        Code.LED_OUT_OF_RANGE,
                        SETTINGS_SHEET,
                        row0 + i,
                        cell,
                        col=col0 + vcol,
                        rule=_rule_text(name),
                        value=value,
                    )
                )
            break
    return issues


def _rule_text(name: str) -> str:
    info = Settings.model_fields[name]
    parts = []
    for meta in info.metadata:
        if getattr(meta, "ge", None) is not None:
            parts.append(f"大于或等于 {meta.ge}")
        if getattr(meta, "le", None) is not None:
            parts.append(f"小于或等于 {meta.le}")
    kind = {int: "整数", float: "数字", list[str]: "用顿号分隔的列表"}.get(info.annotation, "文字")  # type: ignore[call-overload]
    return f"为{kind}" + ("，" + "且".join(parts) if parts else "")


class ConfigError(NeiQinError):
    """Configuration that cannot be used (Chinese message)."""
