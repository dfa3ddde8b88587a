"""`carbon report` and `carbon stats` against a real deployment: three enterprises in three
regions, one with three months and the annual record verified and closed with quota issued, one
with two encrypted months, one with a single month; every output is opened and read back."""

import csv
import io
import json
from datetime import UTC, datetime
from decimal import Decimal
from html.parser import HTMLParser

import pytest
import verify_support as vs
from e2e_support import ADMIN, AGENCY, OUTSIDER, REGULATOR, WRITER
from openpyxl import load_workbook
from PIL import Image

from offchain.actions import onboarding
from offchain.actions.enterprise import EnterpriseBackend
from offchain.actions.verification import VerdictSubmission, Workflow
from offchain.chain.bindings import Onboarding
from offchain.chain.transact import Transactor
from offchain.core import crypto
from offchain.core.units import tonnes
from offchain.reports import charts
from offchain.reports.enterprise import UNATTRIBUTED, enterprise_report, load_target
from offchain.reports.stats import regulator_stats

YEAR = vs.YEAR
PLANT, SECRET, SMALL = "91110000RPT000001X", "91310000RPT000002E", "91440000RPT000003L"
REGIONS = {PLANT: "北京", SECRET: "上海", SMALL: "广东"}
DAY = 86400


@pytest.fixture(scope="module")
def tx(reader):
    return Transactor(reader.w3, reader.errors)


@pytest.fixture(scope="module")
def deployed(reader, tx, store, tmp_path_factory, carbon) -> dict[str, list]:
    """The three enterprises' records (outcomes by credit code)."""
    for account in (WRITER, ADMIN, REGULATOR, AGENCY):
        onboarding.publish_key(reader, tx, account)
    for code, region in REGIONS.items():
        onboarding.onboard(
            reader, tx, REGULATOR,
            Onboarding(f"报表示范{region}", code, "01", region, ADMIN.address, WRITER.address),
        )  # fmt: skip
    plain = EnterpriseBackend(reader, tx, store, WRITER, ADMIN)
    sealed = EnterpriseBackend(reader, tx, store, WRITER, ADMIN, encrypt_by_default=True)
    folder = tmp_path_factory.mktemp("reports")
    found = {PLANT: vs.submit_year(plain, PLANT, folder / PLANT, months=3)}
    found[SECRET] = [vs.submit_month(sealed, SECRET, folder / SECRET, m)[0] for m in (1, 2)]
    found[SMALL] = [vs.submit_month(plain, SMALL, folder / SMALL, 5)[0]]
    flow = Workflow(reader, tx)
    key = crypto.public_key_of(bytes(AGENCY.key))
    flow.approve(REGULATOR, AGENCY.address, key, "报表核查机构", "CNAS-R001")
    plant = reader.enterprise(PLANT).carbon
    verified = sum(o.result.total_micro_tonnes() for o in found[PLANT][:3])
    flow.open_and_assign(REGULATOR, plant, YEAR, AGENCY.address)
    flow.record(AGENCY, plant, YEAR, VerdictSubmission(True, verified, "0x" + "cd" * 32, ""))
    flow.close(REGULATOR, plant, YEAR)
    quota = reader.singleton("CarbonQuota").functions
    tx.send(REGULATOR, quota.setAccount(plant, OUTSIDER.address), "account")
    tx.send(REGULATOR, quota.issue(YEAR, plant, verified * 9 // 10), "issue")
    rules = folder / "rules.md"
    rules.write_text("# 清缴规则\n", "utf-8")
    deadline = reader.w3.eth.get_block("latest")["timestamp"] + 30 * DAY
    moment = f"{datetime.fromtimestamp(deadline, UTC):%Y-%m-%dT%H:%M:%S}"
    result = carbon(
        "compliance", "notify", "--year", str(YEAR), "--deadline", moment, "--rules", str(rules),
        "--enterprise", PLANT, "--as", "dev:0",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return found


@pytest.fixture(scope="module", autouse=True)
def on_chain(deployed):
    """Sets the chain up before the first test: ape snapshots the chain around each test."""


def micro(outcomes) -> int:
    return sum(o.result.total_micro_tonnes() for o in outcomes)


@pytest.fixture(scope="module")
def plant_report(reader, deployed):
    return enterprise_report(reader, PLANT, YEAR)


def test_the_total_sums_the_months_and_not_the_annual_record_that_aggregates_them(
    plant_report, deployed
):
    assert plant_report.total.micro == micro(deployed[PLANT][:3])
    annual = plant_report.records[3]
    assert annual.aggregated and not annual.counted
    assert [s.index for s in plant_report.total.sources] == [0, 1, 2]


def test_the_months_are_read_from_the_activity_documents(plant_report, deployed):
    assert list(plant_report.by_month) == ["01", "02", "03"]
    assert [f.micro for f in plant_report.by_month.values()] == [
        o.result.total_micro_tonnes() for o in deployed[PLANT][:3]
    ]


def test_scope_1_and_scope_2_add_up_to_the_total_and_scope_2_is_the_electricity_item(
    plant_report,
):
    assert plant_report.scope1.micro + plant_report.scope2_location.micro == (
        plant_report.total.micro
    )
    assert plant_report.scope2_location.micro == plant_report.by_item["E_electricity"].micro
    assert plant_report.by_item["E_fuel"].micro > plant_report.by_item["E_process_1"].micro > 0


def test_the_grid_factor_is_the_one_the_pinned_factor_library_applied(plant_report):
    assert plant_report.grid_factor["tco2_per_mwh"] == "0.581000"


def test_without_instruments_market_based_scope_2_equals_location_based_and_says_why(
    plant_report,
):
    market = plant_report.scope2_market
    assert market["tco2e"] == tonnes(plant_report.scope2_location.micro)
    assert "no contractual instruments" in market["basis"]


def test_every_figure_names_the_transactions_that_submitted_its_records(plant_report, reader):
    carbon = plant_report.carbon.lower()
    for source in plant_report.by_item["E_fuel"].sources:
        receipt = reader.w3.eth.get_transaction_receipt(source.tx)
        assert receipt["status"] == 1
        assert carbon in {log["address"].lower() for log in receipt["logs"]}
    assert len({s.tx for s in plant_report.total.sources}) == 3


def test_a_closed_verification_shows_the_verified_emissions(plant_report, deployed):
    assert plant_report.verification["state"] == "Closed"
    assert plant_report.verification["verified_tco2e"] == tonnes(micro(deployed[PLANT][:3]))
    assert plant_report.compliance["state"] == "Notified"
    assert plant_report.compliance["quota_allocated_tco2e"] == tonnes(
        micro(deployed[PLANT][:3]) * 9 // 10
    )


def test_encrypted_records_without_a_key_count_with_their_public_result_unattributed(
    reader, deployed
):
    report = enterprise_report(reader, SECRET, YEAR)
    assert report.total.micro == micro(deployed[SECRET])
    assert report.by_item[UNATTRIBUTED].micro == report.total.micro
    assert report.scope1.micro == report.scope2_location.micro == 0
    assert all(r.encrypted and not r.opened and "encrypted" in r.why_not for r in report.records)
    assert list(report.by_month) == ["unknown"]


def test_the_regulators_key_opens_encrypted_records_into_items_and_months(reader, deployed):
    report = enterprise_report(reader, SECRET, YEAR, key=bytes(REGULATOR.key))
    assert UNATTRIBUTED not in report.by_item
    assert report.scope1.micro + report.scope2_location.micro == micro(deployed[SECRET])
    assert list(report.by_month) == ["01", "02"]


def target_document(total: int, mwh: str | None = None) -> bytes:
    document = {
        "credit_code": PLANT,
        "year": YEAR,
        "target_tco2e": tonnes(total),
        "source": "测试: 董事会决议 2023-01",
        "output": {"quantity": "1000", "unit": "MWh"},
    }
    if mwh:
        document["instruments"] = [
            {"kind": "green-certificate", "id": "GEC-1", "mwh": mwh, "source": "测试绿证"}
        ]
    return json.dumps(document, ensure_ascii=False).encode()


def test_progress_against_the_target_follows_the_80_and_100_percent_thresholds(reader, deployed):
    total = micro(deployed[PLANT][:3])
    statuses = [
        enterprise_report(
            reader, PLANT, YEAR, target=load_target(target_document(goal), "t")
        ).target["status"]
        for goal in (total * 2, total, total - 1)
    ]
    assert statuses == ["on track", "warning", "exceeded"]


def test_instruments_covering_all_electricity_make_market_based_scope_2_heat_only(
    reader, plant_report
):
    mwh = plant_report.grid_factor["electricity_mwh"]
    target = load_target(target_document(plant_report.total.micro, mwh), "t")
    report = enterprise_report(reader, PLANT, YEAR, target=target)
    assert report.scope2_market["tco2e"] == tonnes(0)
    assert report.green_rate["percent"] == "100.0"
    assert report.benchmark["benchmark"]["id"] == "01-coal-conventional-above-300mw"
    expected = Decimal(plant_report.total.micro) / 1_000_000 / 1000
    assert report.benchmark["intensity"] == f"{expected:.6f}"


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.images = 0

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_starttag(self, tag: str, attrs) -> None:
        self.images += tag == "img"


def test_carbon_report_html_is_a_page_with_the_figures_and_the_charts(
    carbon, plant_report, tmp_path
):
    out = tmp_path / "report.html"
    result = carbon(
        "report", "--enterprise", PLANT, "--year", str(YEAR), "--format", "html",
        "--charts", str(tmp_path / "charts"), "--out", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    parser = _Text()
    parser.feed(out.read_text("utf-8"))
    text = " ".join(parser.text)
    assert tonnes(plant_report.total.micro) in text
    assert tonnes(plant_report.scope2_location.micro) in text
    assert plant_report.total.sources[0].tx in text
    assert parser.images == 2  # monthly trend and scope split: no target given


def test_carbon_report_xlsx_holds_the_figures(carbon, plant_report, tmp_path):
    out = tmp_path / "report.xlsx"
    result = carbon(
        "report", "--enterprise", PLANT, "--year", str(YEAR), "--format", "xlsx", "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    summary = {row[0]: row[1] for row in book["summary"].iter_rows(values_only=True)}
    assert f"{summary['总排放 total tCO2e']:.6f}" == tonnes(plant_report.total.micro)
    items = {row[0]: row[3] for row in book["items"].iter_rows(min_row=2, values_only=True)}
    assert f"{items['E_fuel']:.6f}" == tonnes(plant_report.by_item["E_fuel"].micro)
    txs = [row[9] for row in book["records"].iter_rows(min_row=2, values_only=True)]
    assert txs == [r.tx for r in plant_report.records]


def test_carbon_report_json_cites_a_target_file_by_its_digest(carbon, plant_report, tmp_path):
    path = tmp_path / "target.json"
    path.write_bytes(target_document(plant_report.total.micro * 2))
    result = carbon("report", "--enterprise", PLANT, "--year", str(YEAR), "--target", str(path))
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert found["total"]["tco2e"] == tonnes(plant_report.total.micro)
    assert found["target"]["digest"] == load_target(path.read_bytes(), "t").digest
    assert found["target"]["status"] == "on track"


def test_carbon_report_of_an_unknown_enterprise_is_one_line(carbon):
    result = carbon("report", "--enterprise", "91110000RPT000009N", "--year", str(YEAR))
    assert result.exit_code != 0
    assert len(result.output.strip().splitlines()) == 1, result.output


def test_stats_total_what_the_enterprises_reported_and_what_was_verified(reader, deployed):
    stats = regulator_stats(reader, [YEAR], "region")
    total = stats.totals[0]
    assert total.reported >= micro(deployed[PLANT][:3]) + micro(deployed[SECRET]) + micro(
        deployed[SMALL]
    )
    rows = {row.group: row for row in stats.rows}
    assert rows["上海"].reported >= micro(deployed[SECRET])
    assert rows["广东"].verified is not None
    assert total.verified >= micro(deployed[PLANT][:3])
    assert total.rate is not None and total.rate.due >= 1


def test_stats_by_enterprise_show_quota_issued_and_the_compliance_count(reader, deployed):
    stats = regulator_stats(reader, [YEAR], "enterprise")
    plant = next(row for row in stats.rows if row.group.startswith(PLANT))
    assert plant.issued == micro(deployed[PLANT][:3]) * 9 // 10
    assert plant.surrendered == 0
    assert plant.rate is not None and (plant.rate.due, plant.rate.not_completed) == (1, 1)


def test_stats_by_month_use_the_documents_periods(reader, deployed):
    stats = regulator_stats(reader, [YEAR], "month", key=bytes(REGULATOR.key))
    rows = {row.group: row for row in stats.rows}
    assert rows["05"].reported >= micro(deployed[SMALL])
    assert rows["02"].verified is None  # verification is annual


def test_carbon_stats_csv_round_trips(carbon, reader, deployed):
    result = carbon("stats", "--year", str(YEAR), "--by", "region", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    expected = regulator_stats(reader, [YEAR], "region")
    assert rows == [
        {k: "" if v is None else str(v) for k, v in row.to_json().items()} for row in expected.rows
    ]


def test_carbon_stats_xlsx_and_the_trend_chart_open(carbon, reader, tmp_path):
    out, chart = tmp_path / "stats.xlsx", tmp_path / "trend.png"
    result = carbon(
        "stats", "--year", str(YEAR - 1), "--year", str(YEAR), "--format", "xlsx",
        "--out", str(out), "--chart", str(chart),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    totals = list(load_workbook(out)["totals"].iter_rows(min_row=2, values_only=True))
    expected = regulator_stats(reader, [YEAR], "year").totals[0]
    assert [row[0] for row in totals] == [YEAR - 1, YEAR]
    assert f"{totals[1][3]:.6f}" == tonnes(expected.reported)
    with Image.open(chart) as image:
        assert image.size == charts.SIZE


def test_carbon_report_of_a_year_without_records_says_so_in_one_line(carbon):
    result = carbon("report", "--enterprise", SMALL, "--year", str(YEAR - 1))
    assert result.exit_code != 0
    assert result.output.strip() == f"Error: {SMALL} has no records in {YEAR - 1}"


def test_carbon_stats_table_shows_a_row_per_region(carbon):
    result = carbon("stats", "--year", str(YEAR), "--by", "region")
    assert result.exit_code == 0, result.output
    assert all(region in result.output for region in REGIONS.values())
