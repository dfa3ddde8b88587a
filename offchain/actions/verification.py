"""The verification workflow on chain: agencies in the VerifierRegistry, and the yearly
verification in CarbonVerification (open, assign, verdict, close).

Every step first reads where things stand, so calling it again does nothing twice.
"""

from dataclasses import dataclass

from eth_account.signers.local import LocalAccount
from web3.contract import Contract

from offchain.chain.reader import ChainReader
from offchain.chain.transact import Transactor
from offchain.errors import CarbonError

STATES = ("None", "Open", "Assigned", "Passed", "Failed", "Closed")
AGENCY_STATUSES = ("None", "Approved", "Suspended", "Revoked")


class WorkflowError(CarbonError):
    """A verification step is not possible where the verification stands."""


@dataclass(frozen=True)
class Verdict:
    """What the agency records: pass or fail, its recomputed total, its report, why."""

    passed: bool
    recomputed_micro: int
    report_digest: str
    reason: str


class Workflow:
    """Drives VerifierRegistry and CarbonVerification for the regulator and the agencies."""

    def __init__(self, reader: ChainReader, tx: Transactor) -> None:
        self.reader = reader
        self.tx = tx
        manifest = reader.manifest
        self.registry = reader.contract("VerifierRegistry", manifest.address("VerifierRegistry"))
        self.verification = reader.contract(
            "CarbonVerification", manifest.address("CarbonVerification")
        )

    def agency_status(self, agency: str) -> str:
        return AGENCY_STATUSES[self.registry.functions.statusOf(agency).call()]

    def approve(
        self, regulator: LocalAccount, agency: str, public_key: bytes, name: str, licence: str
    ) -> None:
        """Approves `agency` with its public key, unless it already is."""
        if self.agency_status(agency) != "None":
            return
        call = self.registry.functions.approve(agency, name, licence, public_key)
        self.tx.send(regulator, call, f"approving agency {agency}")

    def state(self, carbon: Contract, year: int) -> str:
        summary = self.verification.functions.verification(carbon.address, year).call()
        return STATES[summary[0]]

    def open_and_assign(
        self, regulator: LocalAccount, carbon: Contract, year: int, agency: str
    ) -> None:
        """Opens the year and assigns `agency`, skipping what is already done."""
        if self.state(carbon, year) == "None":
            self.tx.send(
                regulator,
                self.verification.functions.open(carbon.address, year),
                f"opening the verification of {carbon.address} {year}",
            )
        state, assigned, *_ = self.verification.functions.verification(carbon.address, year).call()
        reassign = STATES[state] in ("Assigned", "Failed") and assigned != agency
        if STATES[state] == "Open" or reassign:
            self.tx.send(
                regulator,
                self.verification.functions.assign(carbon.address, year, agency),
                f"assigning {agency} to {carbon.address} {year}",
            )

    def record(self, agency: LocalAccount, carbon: Contract, year: int, verdict: Verdict) -> str:
        """Records the agency's verdict; returns the state it leads to."""
        state = self.state(carbon, year)
        if state not in ("Assigned", "Failed"):
            raise WorkflowError(
                f"the verification of {carbon.address} {year} is {state}; a verdict needs it "
                "Assigned (or Failed, for a re-verification)"
            )
        call = self.verification.functions.recordVerdict(
            carbon.address,
            year,
            verdict.passed,
            verdict.recomputed_micro,
            bytes.fromhex(verdict.report_digest[2:]),
            verdict.reason,
        )
        self.tx.send(agency, call, f"recording the verdict on {carbon.address} {year}")
        return self.state(carbon, year)

    def close(self, regulator: LocalAccount, carbon: Contract, year: int) -> int:
        """Closes a passed year; returns the verified emissions in micro-tonnes."""
        if self.state(carbon, year) == "Passed":
            self.tx.send(
                regulator,
                self.verification.functions.close(carbon.address, year),
                f"closing {carbon.address} {year}",
            )
        return self.verification.functions.verifiedEmissions(carbon.address, year).call()
