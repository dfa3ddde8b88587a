"""The compliance cycle (履约) on chain: the regulator opens a year's cycle and notifies each
enterprise of its quota, the enterprise acknowledges and applies with its verified emissions and
offsets, the regulator passes (quota is surrendered) or rejects, and after the deadline anyone
declares the unfulfilled defaulted.

Every step reads where the enterprise-year stands first: a step already done is not sent again,
and a step the contract would refuse is refused here, before any transaction, with the numbers.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from eth_account.signers.local import LocalAccount

from offchain.actions.quota import NotEnoughQuotaError
from offchain.chain.bindings import ComplianceCycle, ComplianceState, Offset
from offchain.chain.reader import ChainReader, CompliancePosition
from offchain.chain.transact import Transactor
from offchain.core.units import tonnes
from offchain.errors import CarbonError

# China's national ETS lets CCER offsets cover at most 5 % of the verified emissions.
DEFAULT_OFFSET_CAP_BPS = 500
# Seed 002: a notice not acknowledged within a preset time raises an alarm: 48 h, 72 h or 10 days.
ACK_WINDOWS = {"48h": 48 * 3600, "72h": 72 * 3600, "10d": 10 * 86400}
DEFAULT_ACK_WINDOW = ACK_WINDOWS["48h"]


class ComplianceError(CarbonError):
    """A compliance step is not possible where the enterprise-year stands."""


class OffsetsOverCapError(ComplianceError):
    """The offsets of an application exceed what the cycle accepts."""


@dataclass(frozen=True)
class Assessment:
    """What a pass of an application would do, in micro-tonnes CO2e."""

    verified: int
    offsets: int
    cap: int
    already_surrendered: int
    held: int

    @property
    def offsets_accepted(self) -> bool:
        return self.offsets <= self.cap and self.offsets <= self.verified

    @property
    def due(self) -> int:
        """Quota the pass surrenders."""
        return max(0, self.verified - self.offsets - self.already_surrendered)

    @property
    def shortfall(self) -> int:
        return max(0, self.due - self.held)

    def problems(self) -> list[str]:
        """Why a pass would be refused, one sentence each with the numbers (none: it passes)."""
        found = []
        if not self.offsets_accepted:
            found.append(
                f"offsets {tonnes(self.offsets)} t exceed the cap of {tonnes(self.cap)} t "
                f"(of verified emissions {tonnes(self.verified)} t)"
            )
        elif self.shortfall:
            found.append(
                f"the account holds {tonnes(self.held)} t of quota but {tonnes(self.due)} t are "
                f"due ({tonnes(self.shortfall)} t short)"
            )
        return found


def assess(position: CompliancePosition, cycle: ComplianceCycle) -> Assessment:
    """What passing `position`'s latest application would surrender, and whether it could."""
    entry = position.entry
    return Assessment(
        verified=entry.verified,
        offsets=entry.offsets,
        cap=cycle.cap(entry.verified),
        already_surrendered=position.allocation.surrendered,
        held=position.balance,
    )


class ComplianceDesk:
    """Drives the Compliance contract for the regulator and the enterprises."""

    def __init__(self, reader: ChainReader, tx: Transactor) -> None:
        self.reader = reader
        self.tx = tx
        self.contract = reader.singleton("Compliance")

    def position(self, carbon: str, year: int) -> CompliancePosition:
        return self.reader.compliance_positions(year, [carbon])[0]

    def open_cycle(self, regulator: LocalAccount, year: int, rules: ComplianceCycle) -> bool:
        """Opens `year`'s cycle; False when it is open already with the same rules."""
        current = self.reader.compliance_cycle(year)
        if current.open:
            if current != rules:
                raise ComplianceError(
                    f"the cycle of {year} is open already with other rules (deadline "
                    f"{current.deadline}, cap {current.offset_cap_bps} bps, acknowledgement "
                    f"window {current.ack_window} s, rules {current.rules})"
                )
            return False
        if rules.offset_cap_bps > 10_000:
            raise ComplianceError(
                f"an offset cap of {rules.offset_cap_bps / 100:g} % is over 100 %"
            )
        call = self.contract.functions.openCycle(year, rules.encode())
        self.tx.send(regulator, call, f"opening the compliance cycle of {year}")
        return True

    def notify(self, regulator: LocalAccount, carbon: str, code: str, year: int) -> bool:
        """Sends `code` its notice for `year`; False when it was notified already."""
        position = self.position(carbon, year)
        if position.entry.state is not ComplianceState.NONE:
            return False
        if not self.reader.compliance_cycle(year).open:
            raise ComplianceError(
                f"the compliance cycle of {year} is not open; open it with a deadline and rules"
            )
        if position.allocation.allocated == 0:
            raise ComplianceError(
                f"{code} holds no quota for {year}; issue its allocation before the notice"
            )
        self.tx.send(
            regulator, self.contract.functions.notify(carbon, year), f"notifying {code} of {year}"
        )
        return True

    def acknowledge(self, admin: LocalAccount, carbon: str, code: str, year: int) -> bool:
        """Acknowledges the notice; False when it was acknowledged already."""
        state = self.reader.compliance(carbon, year).state
        if state is ComplianceState.NONE:
            raise ComplianceError(f"{code} has no compliance notice for {year}")
        if state is not ComplianceState.NOTIFIED:
            return False
        call = self.contract.functions.acknowledge(carbon, year)
        self.tx.send(admin, call, f"acknowledging the notice of {code} {year}")
        return True

    def apply(
        self, admin: LocalAccount, carbon: str, code: str, year: int, offsets: Sequence[Offset]
    ) -> None:
        """Applies with the verified emissions (the contract reads them) and `offsets`."""
        position = self.position(carbon, year)
        state = position.entry.state
        if state not in (
            ComplianceState.ACKNOWLEDGED,
            ComplianceState.REJECTED,
            ComplianceState.DEFAULTED,
        ):
            raise ComplianceError(
                f"{code} {year} is {state}; an application needs an acknowledged notice or a "
                "rejected application"
            )
        if position.verified is None:
            raise ComplianceError(
                f"{code} {year} has no verified emissions: its verification is "
                f"{position.verification.state}, not Closed"
            )
        call = self.contract.functions.submitApplication(
            carbon, year, [offset.encode() for offset in offsets]
        )
        self.tx.send(admin, call, f"applying for {code} {year}")

    def review(
        self, regulator: LocalAccount, carbon: str, code: str, year: int, reason: str | None
    ) -> Assessment:
        """Passes the application (no reason) or rejects it with `reason`."""
        position = self.position(carbon, year)
        if position.entry.state is not ComplianceState.APPLIED:
            raise ComplianceError(
                f"{code} {year} is {position.entry.state}; only an application (Applied) "
                "is reviewed"
            )
        assessment = assess(position, self.reader.compliance_cycle(year))
        if reason is not None:
            if not reason.strip():
                raise ComplianceError(f"rejecting {code} {year} needs a reason")
            call = self.contract.functions.reject(carbon, year, reason.strip())
            self.tx.send(regulator, call, f"rejecting the application of {code} {year}")
            return assessment
        if not assessment.offsets_accepted:
            raise OffsetsOverCapError(f"cannot pass {code} {year}: {assessment.problems()[0]}")
        if assessment.shortfall:
            raise NotEnoughQuotaError(f"cannot pass {code} {year}: {assessment.problems()[0]}")
        call = self.contract.functions.accept(carbon, year)
        self.tx.send(regulator, call, f"passing the application of {code} {year}")
        return assessment

    def declare_default(self, caller: LocalAccount, carbon: str, code: str, year: int) -> bool:
        """Declares `code` defaulted for `year` after the deadline; False when it already is."""
        position = self.position(carbon, year)
        state = position.entry.state
        if state is ComplianceState.DEFAULTED:
            return False
        if state in (ComplianceState.NONE, ComplianceState.FULFILLED):
            raise ComplianceError(f"{code} {year} is {state}; only an unfulfilled notice defaults")
        deadline = self.reader.compliance_cycle(year).deadline
        now = self.reader.w3.eth.get_block("latest")["timestamp"]
        if now <= deadline:
            raise ComplianceError(
                f"the deadline of {year} ({deadline}) has not passed (chain time {now})"
            )
        call = self.contract.functions.declareDefault(carbon, year)
        self.tx.send(caller, call, f"declaring {code} {year} defaulted")
        return True
