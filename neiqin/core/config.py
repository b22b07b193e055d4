"""Business parameters: defaults, a user/company file, and the workbook's 设置 sheet.

The regulation leaves targets and tolerances to each company ("[X]%"), so every
parameter is a setting with a sensible default, never a constant in a check.
Settings come in sections: the core's own (:class:`CoreSettings`) and one per ledger
that declares one (its ``settings`` in the ledger declaration, registered with
:func:`register_section`). A field name and a label mean one thing across all
sections, so ``settings.archive_days`` and the 设置 label 归档天数 are unambiguous.
Later sources override earlier ones:

1. the defaults of each section;
2. a TOML file: ``$NEIQIN_CONFIG``, else ``config.toml`` in the user's config folder
   (keys are the English field names or the Chinese labels);
3. the workbook's ``设置`` sheet: a row per parameter, the Chinese label in one
   cell and the value in the cell to its right (empty = keep the default);
4. ``$NEIQIN_DB`` for the store location, ``$NEIQIN_CLERK`` for the clerk's name.
"""

from __future__ import annotations

import getpass
import os
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.fields import FieldInfo

from neiqin.base.errors import NeiQinError
from neiqin.base.text import fold
from neiqin.core.issues import Issue

if TYPE_CHECKING:
    import xlwings as xw

SETTINGS_SHEET = "设置"
_LIST_SPLIT = re.compile(r"[、,，;；/|\n]+")


class Section(BaseModel):
    """A group of settings; each field's alias is its label in the 设置 sheet."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore", validate_assignment=True)
    title: ClassVar[str] = ""  # the heading of the section in the 设置 sheet and the docs


class CoreSettings(Section):
    """What every ledger and action uses."""

    title: ClassVar[str] = "通用"

    clerk: str | None = Field(
        None,
        alias="内勤姓名",
        description="在初审、封存、操作日志中签名的内勤姓名；空 = 电脑的登录名（建议在用户配置文件中按人填写）",
    )
    mark_limit: int = Field(
        500,
        alias="标记上限",
        ge=0,
        description="一次最多在多少个单元格上标色并加批注（其余问题仍全部列在『校验结果』）",
    )
    header_scan_rows: int = Field(20, alias="表头查找行数", ge=1, le=200, description="在前多少行中查找表头")
    amount_tolerance: float = Field(0.01, alias="金额容差", ge=0, description="金额与 数量×单价 允许相差的元数")
    db: str | None = Field(
        None, alias="数据库", description="历史数据库：SQLite 文件路径或数据库网址；空 = 用户数据目录下的 neiqin.db"
    )


_SECTIONS: dict[str, type[Section]] = {"core": CoreSettings}
S = TypeVar("S", bound=Section)


def register_section(name: str, model: type[Section]) -> None:
    """Make a ledger's settings section known (idempotent). Field names and labels stay unique."""
    known = _SECTIONS.get(name)
    if known is model:
        return
    if known is not None:
        if (known.__module__, known.__qualname__) != (model.__module__, model.__qualname__):
            raise ValueError(f"settings section {name!r} registered twice")
        _SECTIONS[name] = model  # the same module imported again
        return
    taken = _labels()
    for field_name, info in model.model_fields.items():
        for key in (field_name, info.alias):
            if key and fold(key) in taken:
                raise ValueError(f"setting {key!r} of section {name!r} is already declared by another section")
    _SECTIONS[name] = model


def sections() -> dict[str, type[Section]]:
    """Every registered section by name, the core first."""
    return dict(_SECTIONS)


def _owner(field_name: str) -> str | None:
    for name, model in _SECTIONS.items():
        if field_name in model.model_fields:
            return name
    return None


class Settings:
    """NeiQin's settings: the core section and every registered ledger section.

    ``settings.archive_days`` reads a field of whichever section declares it;
    ``settings.of(OrderSettings)`` gives the typed section.
    """

    __slots__ = ("_values",)

    def __init__(self, **values: Any) -> None:
        by_section: dict[str, dict[str, Any]] = {name: {} for name in _SECTIONS}
        for key, value in values.items():
            owner = _owner(key)
            if owner is None:
                raise TypeError(f"unknown setting {key!r}")
            by_section[owner][key] = value
        object.__setattr__(
            self, "_values", {name: model.model_validate(by_section[name]) for name, model in _SECTIONS.items()}
        )

    def _section_of(self, field_name: str) -> Section:
        values: dict[str, Section] = object.__getattribute__(self, "_values")
        for name, model in _SECTIONS.items():
            if field_name in model.model_fields:
                if name not in values:  # a section registered after these settings were made
                    values[name] = model()
                return values[name]
        raise AttributeError(field_name)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._section_of(name), name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._section_of(name), name, value)

    def of(self, model: type[S]) -> S:
        """The typed section ``model`` (registered by its ledger)."""
        values: dict[str, Section] = object.__getattribute__(self, "_values")
        for name, registered in _SECTIONS.items():
            # the same class, or the same module imported again (a look-alike replaced, see neiqin.base.addin)
            if registered is model or (registered.__module__, registered.__qualname__) == (
                model.__module__,
                model.__qualname__,
            ):
                if name not in values:
                    values[name] = model()
                return values[name]  # type: ignore[return-value]
        raise KeyError(f"settings section {model.__name__} is not registered")

    def choices(self, key: str) -> list[str]:
        """A closed list by its field name ('order_channels', …)."""
        return list(getattr(self, key))

    def model_copy(self, update: dict[str, Any] | None = None) -> Settings:
        """A copy with some fields changed."""
        values = {name: getattr(self, name) for _section, name, _info in fields()}
        values.update(update or {})
        return Settings(**values)

    def __repr__(self) -> str:
        return f"Settings({', '.join(object.__getattribute__(self, '_values'))})"


def fields() -> Iterator[tuple[type[Section], str, FieldInfo]]:
    """Every setting as (section model, field name, field info), section by section."""
    for model in _SECTIONS.values():
        for name, info in model.model_fields.items():
            yield model, name, info


def _labels() -> dict[str, str]:
    out = {}
    for _model, name, info in fields():
        out[fold(name)] = name
        if info.alias:
            out[fold(info.alias)] = name
    return out


def _annotation(name: str) -> Any:
    owner = _owner(name)
    assert owner is not None
    return _SECTIONS[owner].model_fields[name].annotation


def _coerce(name: str, value: Any) -> Any:
    annotation = _annotation(name)
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
            hint = '（中文参数名要加英文双引号，如 "内勤姓名" = "张敏"）' if "Invalid statement" in str(exc) else ""
            raise ConfigError(f"配置文件 {path} 无法读取：{exc}{hint}；请修正或删除该文件") from None
        for key, value in raw.items():
            name = labels.get(fold(key))
            if name:
                data[name] = _coerce(name, value)
    try:
        settings = Settings(**data)
    except ValidationError as exc:
        raise ConfigError(f"配置文件 {path} 中的设置无法使用：{_first_error(exc)}；请修正该文件") from None
    if book is not None:
        issues = _apply_sheet(settings, book)
    env_db = os.environ.get("NEIQIN_DB")
    if env_db:
        settings.db = env_db
    env_clerk = os.environ.get("NEIQIN_CLERK")
    if env_clerk and env_clerk.strip():
        settings.clerk = env_clerk.strip()
    return settings, issues


def _first_error(exc: ValidationError) -> str:
    first = exc.errors()[0]
    return f"{'.'.join(str(p) for p in first.get('loc', ()))}：{first.get('msg', '')}"


def clerk_name(settings: Settings | None) -> str:
    """Who signs: the 内勤姓名 setting, else the computer's login name."""
    name = settings.clerk if settings is not None else None
    if name:
        return str(name)
    try:
        return getpass.getuser()
    except Exception:  # no login name (some services)
        return "unknown"


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
            if not isinstance(cell, str) or fold(cell) not in labels:
                continue
            name = labels[fold(cell)]
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
    owner = _owner(name)
    assert owner is not None
    info = _SECTIONS[owner].model_fields[name]
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
