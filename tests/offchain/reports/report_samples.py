"""A year of records as `reports.enterprise.read_year` reads it, built by hand, for the tests of
the report's sums, exports and charts (no chain)."""

from decimal import Decimal

from offchain.chain.bindings import Profile
from offchain.reports.enterprise import (
    EnterpriseReport,
    RecordLine,
    Target,
    assemble,
    load_target,
)
from offchain.reports.stats import Stats, StatsRow

CODE = "91110000RPT000001X"
PROFILE = Profile("示范电厂", CODE, "北京", "0x" + "22" * 20, "01")
TX = "0x" + "ab" * 32
# Three months: fuel, purchased electricity (at 0.581 t/MWh) and a process item.
MONTHS = {
    1: {"E_fuel": 250_000_000, "E_electricity": 5_810_000, "E_process_1": 9_000_000},
    2: {"E_fuel": 240_000_000, "E_electricity": 6_391_000, "E_process_1": 8_000_000},
    3: {"E_fuel": 230_000_000, "E_electricity": 5_229_000, "E_process_1": 7_000_000},
}
MWH = {1: Decimal(10), 2: Decimal(11), 3: Decimal(9)}
VERIFICATION = {"state": "Closed", "agency": "0x" + "55" * 20, "verdicts": 1, "verified_tco2e": "1"}
COMPLIANCE = {
    "state": "Notified",
    "notified": True,
    "status_live": "-",
    "status_frozen": "-",
    "quota_allocated_tco2e": "700.000000",
    "quota_surrendered_tco2e": "0.000000",
    "balance_tco2e": "700.000000",
}


def line(index: int, month: int | None, items: dict[str, int] | None, **more) -> RecordLine:
    result = more.pop("result", sum((items or {}).values()))
    fields = {
        "index": index,
        "tx": f"0x{index:064x}",
        "title": f"2023年{month}月" if month else "2023年度",
        "valid": True,
        "aggregated": False,
        "counted": True,
        "result": result,
        "encrypted": False,
        "opened": items is not None,
        "why_not": "" if items is not None else "encrypted: no key given",
        "month": month,
        "items": items,
        "electricity_mwh": MWH.get(month or 0) if items is not None else None,
    }
    return RecordLine(**{**fields, **more})


def lines() -> list[RecordLine]:
    months = [line(i, m, MONTHS[m]) for i, m in enumerate(MONTHS)]
    annual = line(3, None, None, result=sum(r.result for r in months), aggregated=True)
    return [*months, RecordLine(**{**annual.__dict__, "counted": False})]


def target(goal: str = "1000", mwh: str | None = None, output: str | None = None) -> Target:
    document = f'{{"credit_code": "{CODE}", "year": 2023, "target_tco2e": "{goal}", '
    document += '"source": "测试: 董事会决议"'
    if output:
        document += f', "output": {{"quantity": "{output}", "unit": "MWh"}}'
    if mwh:
        document += (
            f', "instruments": [{{"kind": "ppa", "id": "PPA-1", "mwh": "{mwh}", "source": "测试"}}]'
        )
    return load_target((document + "}").encode(), "test target")


def report(records: list[RecordLine] | None = None, goal: Target | None = None) -> EnterpriseReport:
    names = {"E_fuel": "化石燃料燃烧排放量", "E_electricity": "净购入使用的电力排放量"}
    return assemble(
        PROFILE, 2023, "0x" + "11" * 20, records or lines(), names, [], VERIFICATION, COMPLIANCE,
        goal,
    )  # fmt: skip


def stats() -> Stats:
    rows = []
    for year, reported in ((2022, 900_000_000), (2023, 800_000_000)):
        row = StatsRow(year, "北京", {"0x1"}, reported, reported - 1, reported // 2, 1_000_000)
        rows.append(row)
    totals = [StatsRow(r.year, "all", r.enterprises, r.reported, r.verified, r.issued,
                       r.surrendered) for r in rows]  # fmt: skip
    return Stats([2022, 2023], "region", rows, totals)
