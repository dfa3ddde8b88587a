"""Every export opened again: the HTML page parses and shows the figures, the workbooks open with
openpyxl and hold them, the CSV reads back into the same rows."""

import csv
import io
from html.parser import HTMLParser

import report_samples as rs
from openpyxl import load_workbook

from offchain.core.units import tonnes
from offchain.reports import exports


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append(tag)

    def handle_data(self, data) -> None:
        self.text.append(data.strip())


def page(html: str) -> _Page:
    parser = _Page()
    parser.feed(html)
    parser.close()
    return parser


def test_the_html_page_holds_the_total_the_scopes_and_each_transaction():
    report = rs.report()
    found = page(exports.enterprise_html(report))
    assert tonnes(report.total.micro) in found.text
    assert tonnes(report.scope2_location.micro) in found.text
    assert all(r.tx in found.text for r in report.records)


def test_the_html_page_has_no_script():
    assert "script" not in page(exports.enterprise_html(rs.report())).tags


def test_text_from_the_chain_is_escaped_in_the_html():
    lines = rs.lines()
    lines[0] = rs.RecordLine(**{**lines[0].__dict__, "title": "<b>x</b>"})
    found = page(exports.enterprise_html(rs.report(lines)))
    assert "b" not in found.tags
    assert "<b>x</b>" in found.text


def test_the_enterprise_workbook_holds_the_items_with_their_transactions(tmp_path):
    report = rs.report()
    book = load_workbook(exports.enterprise_xlsx(report, tmp_path / "r.xlsx"))
    assert book.sheetnames == ["summary", "items", "months", "records"]
    items = {row[0]: row for row in book["items"].iter_rows(min_row=2, values_only=True)}
    assert f"{items['E_fuel'][3]:.6f}" == tonnes(report.by_item["E_fuel"].micro)
    assert items["E_fuel"][5].split() == [f"0x{i:064x}" for i in range(3)]


def test_the_stats_csv_reads_back_into_the_same_rows():
    stats = rs.stats()
    rows = list(csv.DictReader(io.StringIO(exports.stats_csv(stats))))
    assert rows == [
        {k: "" if v is None else str(v) for k, v in row.to_json().items()} for row in stats.rows
    ]


def test_the_stats_workbook_has_the_groups_and_the_yearly_totals(tmp_path):
    book = load_workbook(exports.stats_xlsx(rs.stats(), tmp_path / "s.xlsx"))
    assert book.sheetnames == ["by region", "totals"]
    totals = list(book["totals"].iter_rows(min_row=2, values_only=True))
    assert [(row[0], f"{row[3]:.6f}") for row in totals] == [
        (2022, "900.000000"),
        (2023, "800.000000"),
    ]
