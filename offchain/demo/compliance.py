"""The main job's compliance cycle (履约) for the verified sample year.

The regulator proposes the year's quota from the history of the enterprises' emissions (the
trend of the total, split in proportion to each one's average; `seeds/allocation/
demo_history.json`), issues it, opens the cycle (deadline, 5 % offset cap, 48 h to acknowledge,
rules document) and notifies the three enterprises. The power plant acknowledges, applies with
CCER offsets under the cap and is fulfilled; the grid applies with offsets over the cap, is
rejected with the numbers, applies again at the cap and is fulfilled; the steel works never
acknowledges: the alarms name it, and once chain time passes the deadline it is declared
defaulted with its shortfall.

Chain time is moved (`evm_increaseTime`, as anvil and Hardhat's node answer it), so this runs on a
local development chain only. Every step reads where the cycle stands first, so running the demo
again sends nothing.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from offchain.actions import allocation, quota
from offchain.actions.allocation import Proposal
from offchain.actions.compliance import (
    DEFAULT_ACK_WINDOW,
    DEFAULT_OFFSET_CAP_BPS,
    ComplianceDesk,
    assess,
)
from offchain.actions.quota import IssueLine
from offchain.chain.accounts import dev_account
from offchain.chain.bindings import ComplianceCycle, ComplianceState, Offset
from offchain.chain.reader import ChainReader, CompliancePosition
from offchain.chain.transact import Transactor
from offchain.core.store import DocumentStore
from offchain.demo.run import ENTERPRISES, REGULATOR, YEAR, SampleEnterprise
from offchain.paths import SEEDS
from offchain.reports.compliance import Alarm, Rate, alarms, rates

DAY = 86400
# How long the cycle runs from the moment it opens.
CYCLE_DAYS = 30
# Emissions 2020–2022 falling towards a quota that lets the plant and the grid cover what their
# offsets do not, and leaves the steel works short.
HISTORY = SEEDS / "allocation" / "demo_history.json"
PLANT, GRID, STEEL = (e.credit_code for e in ENTERPRISES)


@dataclass(frozen=True)
class CycleOutcome:
    allocation: Proposal
    issued: list[IssueLine]
    positions: list[CompliancePosition]
    alarms_before_deadline: list[Alarm]
    rates: list[Rate]
    rejections: dict[str, str]  # credit code -> the reason given


def run(
    reader: ChainReader,
    tx: Transactor,
    store: DocumentStore,
    work: Path,
    progress: Callable[[str], None] = lambda _: None,
) -> CycleOutcome:
    """Issues the quota, runs the cycle of the sample year and returns where it ended."""
    regulator = dev_account(REGULATOR)
    desk = ComplianceDesk(reader, tx)
    carbons = {e.credit_code: reader.enterprise(e.credit_code).carbon for e in ENTERPRISES}
    folder = work / "compliance"
    folder.mkdir(parents=True, exist_ok=True)
    proposal, issued = _allocate(reader, tx, store, folder)
    progress("quota issued")
    if not reader.compliance_cycle(YEAR).open:
        rules = _rules(folder)
        deadline = _now(reader) + CYCLE_DAYS * DAY
        cycle = ComplianceCycle(
            deadline, DEFAULT_ACK_WINDOW, DEFAULT_OFFSET_CAP_BPS, store.put(rules.read_bytes())
        )
        desk.open_cycle(regulator, YEAR, cycle)
    cycle = reader.compliance_cycle(YEAR)
    for enterprise in ENTERPRISES:
        desk.notify(regulator, carbons[enterprise.credit_code], enterprise.credit_code, YEAR)
    progress("notices sent")
    rejections: dict[str, str] = {}
    for enterprise, shares in ((ENTERPRISES[0], (400,)), (ENTERPRISES[1], (600, 500))):
        reason = _fulfil(desk, reader, store, folder, cycle, enterprise, carbons, shares)
        if reason:
            rejections[enterprise.credit_code] = reason
        progress(f"{enterprise.credit_code} fulfilled")
    # The steel works leaves its notice unanswered past the acknowledgement window.
    _advance_to(reader, reader.compliance(carbons[STEEL], YEAR).notified_at + cycle.ack_window + 1)
    before = alarms(reader.compliance_positions(YEAR), cycle, _now(reader))
    _advance_to(reader, cycle.deadline + 1)
    desk.declare_default(regulator, carbons[STEEL], STEEL, YEAR)
    progress(f"{STEEL} defaulted")
    positions = reader.compliance_positions(YEAR)
    return CycleOutcome(proposal, issued, positions, before, rates(positions, cycle), rejections)


def _allocate(
    reader: ChainReader, tx: Transactor, store: DocumentStore, folder: Path
) -> tuple[Proposal, list[IssueLine]]:
    """The regulator's proposal for the year under the average rule (the trend's projection
    split by each enterprise's 3-year average), with its chart, then issued to the accounts it
    names: each enterprise's carbon administrator."""
    data = HISTORY.read_bytes()
    store.put(data)
    history = allocation.load_history(data, str(HISTORY))
    years = sorted({y.year for e in history.enterprises for y in e.years})
    history = allocation.merge_chain(history, quota.chain_enterprises(reader, years), listed=True)
    proposal = allocation.propose_average(history, YEAR)
    document = allocation.proposal_document(proposal)
    encoded = (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    path = folder / f"allocation_{YEAR}.json"
    path.write_bytes(encoded)
    store.put(encoded)
    allocation.render_chart(proposal, folder / f"allocation_{YEAR}.png")
    regulator = dev_account(REGULATOR)
    for enterprise in ENTERPRISES:
        account = dev_account(enterprise.admin).address
        quota.name_account(reader, tx, regulator, enterprise.credit_code, account)
    issued = quota.issue(reader, tx, regulator, allocation.load_proposal(encoded, str(path)))
    return proposal, issued


def _fulfil(
    desk: ComplianceDesk,
    reader: ChainReader,
    store: DocumentStore,
    folder: Path,
    cycle: ComplianceCycle,
    enterprise: SampleEnterprise,
    carbons: dict[str, str],
    shares: tuple[int, ...],
) -> str | None:
    """Acknowledges and applies with CCER offsets of each share (basis points of the verified
    emissions) in turn until the regulator accepts; returns the reason of a rejection."""
    code, carbon = enterprise.credit_code, carbons[enterprise.credit_code]
    admin, regulator = dev_account(enterprise.admin), dev_account(REGULATOR)
    desk.acknowledge(admin, carbon, code, YEAR)
    rejected = None
    for attempt, share in enumerate(shares, start=1):
        position = desk.position(carbon, YEAR)
        if position.entry.state is ComplianceState.FULFILLED:
            break
        if position.entry.state is not ComplianceState.APPLIED:
            verified = position.verification.verified_emissions
            evidence = folder / f"ccer_{code}_{attempt}.txt"
            amount = verified * share // 10_000
            evidence.write_text(
                f"CCER 注销证明 (示例): {code} 用于{YEAR}年度履约抵消 {amount} 微吨 CO2e\n", "utf-8"
            )
            offset = Offset(amount, "CCER", store.put(evidence.read_bytes()))
            desk.apply(admin, carbon, code, YEAR, [offset])
            position = desk.position(carbon, YEAR)
        problems = assess(position, cycle).problems()
        if problems:
            rejected = "; ".join(problems)
            desk.review(regulator, carbon, code, YEAR, rejected)
        else:
            desk.review(regulator, carbon, code, YEAR, None)
    return rejected


def _rules(folder: Path) -> Path:
    path = folder / f"rules_{YEAR}.md"
    path.write_text(
        f"# {YEAR}年度碳排放配额清缴规则 (示例)\n\n"
        "1. 清缴配额不少于经核查的排放量减去可抵消量。\n"
        "2. 国家核证自愿减排量 (CCER) 抵消比例不超过经核查排放量的 5%。\n"
        "3. 收到履约通知书后 48 小时内确认。\n"
        "4. 截止日期前未完成履约的, 记为未履约并记录缺口。\n",
        "utf-8",
    )
    return path


def _now(reader: ChainReader) -> int:
    return int(reader.w3.eth.get_block("latest")["timestamp"])


def _advance_to(reader: ChainReader, moment: int) -> None:
    """Moves a development chain's time to `moment` (never back) and mines a block there."""
    gap = moment - _now(reader)
    if gap > 0:
        reader.w3.provider.make_request("evm_increaseTime", [gap])
        reader.w3.provider.make_request("evm_mine", [])
