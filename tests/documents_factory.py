"""Lines of the document registers as clerks type them (text dates, official numbers)."""

from __future__ import annotations

from typing import Any

IN_HEADER = ["收文编号", "来文单位", "文件标题", "文号", "收文日期", "签收人", "密级", "分发对象", "阅办要求",
             "办结期限", "办结日期", "状态"]  # fmt: skip
OUT_HEADER = ["发文字号", "标题", "起草人", "审核人", "批准人", "发文日期", "分发范围", "份数"]
STAFF = [
    ["姓名", "部门", "职务", "是否负责人"],
    ["王磊", "销售部", "销售", "否"],
    ["郑军", "销售部", "销售总监", "是"],
    ["何琳", "财务部", "会计", "否"],
    ["马超", "财务部", "财务经理", "是"],
]


def incoming(n: int, **changes: Any) -> list[Any]:
    row = {
        "收文编号": f"收文〔2026〕{n:03d}号",
        "来文单位": "上海市商务委员会",
        "文件标题": "关于报送季度经营数据的通知",
        "文号": f"沪商务〔2026〕{n}号",
        "收文日期": "2026年11月3日",
        "签收人": "李娜",
        "密级": "内部",
        "分发对象": "销售部、财务部",
        "阅办要求": "请阅办",
        "办结期限": "2026年11月30日",
        "办结日期": None,
        "状态": "阅办中",
    }
    row.update(changes)
    return [row[h] for h in IN_HEADER]


def outgoing(n: int | None, **changes: Any) -> list[Any]:
    row = {
        "发文字号": f"销字〔2026〕{n:03d}号" if n else None,
        "标题": "关于调整华东区价格政策的通知",
        "起草人": "张敏",
        "审核人": "吴倩",
        "批准人": "郑军",
        "发文日期": "2026年3月26日",
        "分发范围": "各区域销售",
        "份数": 10,
    }
    row.update(changes)
    return [row[h] for h in OUT_HEADER]


ARC_HEADER = ["档号", "标题", "类别", "年度", "保管期限", "存放位置", "密级", "电子文件", "SHA-256", "状态"]


def archive_line(no: str, **changes: Any) -> list[Any]:
    row = {"档号": no, "标题": "2026年合同档案", "类别": "合同", "年度": 2026, "保管期限": "10年",
           "存放位置": "A1-03", "密级": "内部", "电子文件": None, "SHA-256": None, "状态": "在库"}  # fmt: skip
    row.update(changes)
    return [row[h] for h in ARC_HEADER]


LOAN_HEADER = ["申请人", "部门", "档号", "借出日期", "应还日期", "审批人", "二次审批人", "归还日期"]


def loan(**changes: Any) -> list[Any]:
    row = {"申请人": "王磊", "部门": None, "档号": "WS-2026-001", "借出日期": "2026年11月10日",
           "应还日期": "2026年11月30日", "审批人": "郑军", "二次审批人": None, "归还日期": None}  # fmt: skip
    row.update(changes)
    return [row[h] for h in LOAN_HEADER]


INDEX = [ARC_HEADER, archive_line("WS-2026-001"), archive_line("WS-2026-002", 密级="机密"),
         archive_line("WS-2026-003", 状态="已销毁")]  # fmt: skip


DES_HEADER = ["档号", "标题", "保管期限", "到期日期", "鉴定人", "批准人", "批准日期", "销毁日期", "销毁人", "监销人",
              "销毁方式", "状态"]  # fmt: skip


def destruction_line(no: str, **changes: Any) -> list[Any]:
    row = {"档号": no, "标题": "2020年会议档案", "保管期限": "3年", "到期日期": "2023年12月31日", "鉴定人": "许亮",
           "批准人": "钱红", "批准日期": "2026年11月10日", "销毁日期": "2026年11月20日", "销毁人": "许亮",
           "监销人": "何琳、马超", "销毁方式": "粉碎", "状态": "已批准"}  # fmt: skip
    row.update(changes)
    return [row[h] for h in DES_HEADER]
