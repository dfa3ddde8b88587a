"""The reports as files people open: a standalone HTML page (no script, charts embedded), an
XLSX workbook (openpyxl) and CSV. Each renders the report's `to_json()`, so every format shows the
same figures, each with the records and transactions it comes from."""

import base64
import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from html import escape
from pathlib import Path
from typing import Any

from offchain.reports.enterprise import EnterpriseReport, item_rows
from offchain.reports.stats import COLUMNS, Stats

STYLE = """
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.6em; }
table { border-collapse: collapse; margin: .5em 0; }
th, td { border: 1px solid #bbb; padding: .25em .6em; text-align: left; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
code { font-size: .85em; } .note { color: #555; font-size: .9em; }
img { max-width: 100%; }
"""


def _cell(value: Any) -> str:
    if value is None:
        return "<td>-</td>"
    text = escape(str(value))
    numeric = isinstance(value, str) and value.replace(".", "", 1).lstrip("-").isdigit()
    return f'<td class="n">{text}</td>' if numeric else f"<td>{text}</td>"


def _table(rows: Sequence[Mapping[str, Any]], columns: Sequence[tuple[str, str]]) -> str:
    head = "".join(f"<th>{escape(label)}</th>" for label, _ in columns)
    body = "".join(
        "<tr>" + "".join(_cell(row.get(key)) for _, key in columns) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _sources(figure: Mapping[str, Any]) -> str:
    return ", ".join(f"#{s['record']} ({s['tx'][:10]}…)" for s in figure.get("sources", []))


def _pairs(pairs: Iterable[tuple[str, Any]]) -> str:
    rows = "".join(f"<tr><th>{escape(k)}</th>{_cell(v)}</tr>" for k, v in pairs)
    return f"<table>{rows}</table>"


def summary_pairs(data: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """The headline figures as (label, value) pairs: the HTML summary table and the XLSX sheet."""
    target, bench, trees = data["target"], data["benchmark"], data["trees"]
    return [
        ("企业 enterprise", f"{data['enterprise']['name']} ({data['enterprise']['credit_code']})"),
        ("地区 region / 行业 industry",
         f"{data['enterprise']['region']} / {data['enterprise']['industry']}"),
        ("年度 year", data["year"]),
        ("总排放 total tCO2e", data["total"]["tco2e"]),
        ("范围一 scope 1 tCO2e", data["scope1"]["tco2e"]),
        ("范围二(基于位置) scope 2 location-based tCO2e", data["scope2_location"]["tco2e"]),
        ("范围二(基于市场) scope 2 market-based tCO2e", data["scope2_market"]["tco2e"]),
        ("市场法说明 market-based basis", data["scope2_market"]["basis"]),
        ("未归属 unattributed tCO2e", data["unattributed"]["tco2e"]),
        ("电网因子 grid factor tCO2/MWh",
         data["grid_factor"].get("tco2_per_mwh", data["grid_factor"].get("status"))),
        ("减排 reductions", f"{data['reductions']['status']}: {data['reductions']['why']}"),
        ("绿电比例 green rate %",
         data["green_rate"].get("percent", data["green_rate"].get("status"))),
        ("目标 target tCO2e", target.get("target_tco2e", target.get("status"))),
        ("目标进度 progress", f"{target['percent']} % {target['status']}"
         if "percent" in target else target["status"]),
        ("目标来源 target source", target.get("source")),
        ("行业基准 benchmark", bench.get("benchmark", {}).get("id", bench["status"])),
        ("排放强度 intensity", bench.get("intensity")),
        ("基准比较 vs benchmark", f"{bench.get('ratio_percent')} % {bench['status']}"
         if "ratio_percent" in bench else bench["status"]),
        ("等效植树 equivalent trees", trees["trees"]),
        ("植树因子 tree factor",
         f"{trees['tco2_per_tree_year']} tCO2/tree/year ({trees['status']}): {trees['source']}"),
        ("核查状态 verification", data["verification"]["state"]),
        ("核查排放 verified tCO2e", data["verification"]["verified_tco2e"]),
        ("履约状态 compliance", f"{data['compliance']['state']} "
         f"({data['compliance']['status_live']}/{data['compliance']['status_frozen']})"),
        ("配额发放 quota allocated tCO2e", data["compliance"]["quota_allocated_tco2e"]),
        ("配额清缴 quota surrendered tCO2e", data["compliance"]["quota_surrendered_tco2e"]),
    ]  # fmt: skip


def enterprise_html(report: EnterpriseReport, charts: Sequence[Path] = ()) -> str:
    """A standalone page: summary, items, months, records; charts embedded as data URIs."""
    data = report.to_json()
    title = f"{report.name} {report.year}年 碳排放报告"
    items = [
        {**row, "sources": _sources(data["by_item"][row["item"]])} for row in item_rows(report)
    ]
    months = [
        {"month": m, "tco2e": f["tco2e"], "sources": _sources(f)}
        for m, f in data["by_month"].items()
    ]
    records = [
        {**r, "state": "valid" if r["valid"] else "invalid",
         "kind": "aggregated" if r["aggregated"] else "period",
         "counted": "yes" if r["counted"] else "no",
         "document": "opened" if r["opened"] else r["why_not_opened"]}
        for r in data["records"]
    ]  # fmt: skip
    images = "".join(
        f'<p><img alt="{escape(p.stem)}" src="data:image/png;base64,'
        f'{base64.b64encode(p.read_bytes()).decode()}"></p>'
        for p in charts
    )
    notes = "".join(f"<li>{escape(n)}</li>" for n in data["notes"])
    item_table = _table(
        items,
        [("item", "item"), ("名称", "name"), ("scope", "scope"), ("tCO2e", "tco2e"),
         ("records (tx)", "sources")],
    )  # fmt: skip
    month_table = _table(
        months, [("month", "month"), ("tCO2e", "tco2e"), ("records (tx)", "sources")]
    )
    record_table = _table(
        records,
        [("#", "record"), ("title", "title"), ("month", "month"), ("tCO2e", "tco2e"),
         ("state", "state"), ("kind", "kind"), ("counted", "counted"),
         ("document", "document"), ("tx", "tx")],
    )  # fmt: skip
    head = f"<title>{escape(title)}</title><style>{STYLE}</style>"
    return "".join(
        [
            f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">{head}</head><body>',
            f"<h1>{escape(title)}</h1>",
            f'<p class="note">EnterpriseCarbon <code>{escape(report.carbon)}</code>; every '
            "figure names the records (#index) and the transactions that submitted them.</p>",
            f"<h2>摘要 Summary</h2>{_pairs(summary_pairs(data))}",
            f"<h2>按排放项目 By emission item</h2>{item_table}",
            f"<h2>按月份 By month</h2>{month_table}",
            f"<h2>记录 Records</h2>{record_table}",
            f"<h2>图表 Charts</h2>{images}" if images else "",
            f"<h2>说明 Notes</h2><ul>{notes}</ul>" if notes else "",
            "</body></html>",
        ]
    )


def _number(text: Any) -> Any:
    """A decimal string of tonnes as a number of the sheet (Excel keeps doubles: 15 significant
    digits hold every amount below 10^9 t at six places), anything else as is."""
    if isinstance(text, str):
        try:
            return Decimal(text) if text.replace(".", "", 1).lstrip("-").isdigit() else text
        except ArithmeticError:
            return text
    return text


def _sheet(workbook: Any, name: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    from openpyxl.styles import Font

    sheet = workbook.create_sheet(name)
    sheet.append(list(header))
    for row in rows:
        sheet.append([_number(v) for v in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, float | int) and not isinstance(cell.value, bool):
                cell.number_format = "0.000000" if isinstance(cell.value, float) else "0"
    for cell in sheet[1]:
        cell.font = Font(bold=True)


def enterprise_xlsx(report: EnterpriseReport, path: Path) -> Path:
    """A workbook: summary, items, months and records, each figure with its records and txs."""
    from openpyxl import Workbook

    data = report.to_json()
    workbook = Workbook()
    workbook.remove(workbook.active)
    _sheet(workbook, "summary", ("figure", "value"), summary_pairs(data))
    _sheet(
        workbook,
        "items",
        ("item", "name", "scope", "tCO2e", "records", "txs"),
        (
            (row["item"], row["name"], row["scope"], row["tco2e"], row["records"],
             " ".join(s["tx"] for s in data["by_item"][row["item"]]["sources"]))
            for row in item_rows(report)
        ),
    )  # fmt: skip
    _sheet(
        workbook,
        "months",
        ("month", "tCO2e", "records", "txs"),
        (
            (m, f["tco2e"], " ".join(f"#{s['record']}" for s in f["sources"]),
             " ".join(s["tx"] for s in f["sources"]))
            for m, f in data["by_month"].items()
        ),
    )  # fmt: skip
    _sheet(
        workbook,
        "records",
        ("record", "title", "month", "tCO2e", "valid", "aggregated", "counted", "encrypted",
         "opened", "tx"),
        (
            (r["record"], r["title"], r["month"], r["tco2e"], r["valid"], r["aggregated"],
             r["counted"], r["encrypted"], r["opened"], r["tx"])
            for r in data["records"]
        ),
    )  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def stats_rows(stats: Stats) -> list[dict[str, Any]]:
    return [row.to_json() for row in stats.rows]


def stats_csv(stats: Stats) -> str:
    """The rows of the statistics as CSV, one line per year and group, in COLUMNS."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in stats_rows(stats):
        writer.writerow({k: "" if row[k] is None else row[k] for k in COLUMNS})
    return buffer.getvalue()


def stats_xlsx(stats: Stats, path: Path) -> Path:
    """A workbook of the statistics: the rows by group, and the totals per year."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in (("by " + stats.by, stats.rows), ("totals", stats.totals)):
        _sheet(
            workbook,
            name,
            COLUMNS,
            ([row.to_json()[k] for k in COLUMNS] for row in rows),
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path
