"""The verification workflow on chain: agencies in the VerifierRegistry, and the yearly
verification in CarbonVerification (open, assign, verdict, close).

Every step first reads where things stand, so calling it again does nothing twice.
"""

from dataclasses import dataclass

from eth_account.signers.local import LocalAccount

from offchain.chain.bindings import AgencyStatus, VerificationState
from offchain.chain.reader import ChainReader
from offchain.chain.transact import Transactor
from offchain.errors import CarbonError
from offchain.verify.report import VerificationReport

# The verdict's reason on chain: the first failures, short enough for one cheap transaction.
REASON_FAILURES = 3
REASON_CHARACTERS = 900


class WorkflowError(CarbonError):
    """A verification step is not possible where the verification stands."""


class MissingReasonError(WorkflowError):
    """A failed verdict without a reason: the reason is what the enterprise must rectify."""


@dataclass(frozen=True)
class VerdictSubmission:
    """What the agency records: pass or fail, its recomputed total, its report, why."""

    passed: bool
    recomputed_micro: int
    report_digest: str
    reason: str

    @classmethod
    def of_report(cls, report: VerificationReport, report_digest: str) -> "VerdictSubmission":
        """The verdict a verification report supports; its reason lists the first failures."""
        failures = [f"{c.subject}: {c.reason}" for c in report.checks if c.status == "fail"]
        reason = "; ".join(failures[:REASON_FAILURES])[:REASON_CHARACTERS]
        return cls(report.passed, report.recomputed_total_micro, report_digest, reason)


class Workflow:
    """Drives VerifierRegistry and CarbonVerification for the regulator and the agencies."""

    def __init__(self, reader: ChainReader, tx: Transactor) -> None:
        self.reader = reader
        self.tx = tx
        self.registry = reader.singleton("VerifierRegistry")
        self.verification = reader.singleton("CarbonVerification")

    def approve(
        self, regulator: LocalAccount, agency: str, public_key: bytes, name: str, licence: str
    ) -> None:
        """Approves `agency` with its public key, unless it already is."""
        if self.reader.agency_status(agency) is not AgencyStatus.NONE:
            return
        call = self.registry.functions.approve(agency, name, licence, public_key)
        self.tx.send(regulator, call, f"approving agency {agency}")

    def change_agency(
        self, regulator: LocalAccount, agency: str, action: str, reason: str
    ) -> AgencyStatus:
        """Suspends, reinstates or revokes `agency` with a reason; returns its new status.

        Asking for the status it already has sends nothing.
        """
        targets = {
            "suspend": AgencyStatus.SUSPENDED,
            "reinstate": AgencyStatus.APPROVED,
            "revoke": AgencyStatus.REVOKED,
        }
        if not reason.strip():
            raise WorkflowError(f"a reason is required to {action} agency {agency}")
        status = self.reader.agency_status(agency)
        if status is targets[action]:
            return status
        call = getattr(self.registry.functions, action)(agency, reason.strip())
        self.tx.send(regulator, call, f"{action} agency {agency}")
        return self.reader.agency_status(agency)

    def state(self, carbon: str, year: int) -> VerificationState:
        return self.reader.verification(carbon, year).state

    def open_and_assign(self, regulator: LocalAccount, carbon: str, year: int, agency: str) -> None:
        """Opens the year and assigns `agency`, skipping what is already done."""
        if self.state(carbon, year) is VerificationState.NONE:
            self.tx.send(
                regulator,
                self.verification.functions.open(carbon, year),
                f"opening the verification of {carbon} {year}",
            )
        summary = self.reader.verification(carbon, year)
        reassign = (
            summary.state in (VerificationState.ASSIGNED, VerificationState.FAILED)
            and summary.agency != agency
        )
        if summary.state in (VerificationState.OPEN, VerificationState.REJECTED) or reassign:
            self.tx.send(
                regulator,
                self.verification.functions.assign(carbon, year, agency),
                f"assigning {agency} to {carbon} {year}",
            )

    def record(
        self, agency: LocalAccount, carbon: str, year: int, verdict: VerdictSubmission
    ) -> VerificationState:
        """Records the agency's verdict; returns the state it leads to."""
        if not verdict.passed and not verdict.reason.strip():
            raise MissingReasonError(
                f"the failed verdict on {carbon} {year} needs a reason (what to rectify)"
            )
        state = self.state(carbon, year)
        if state not in (VerificationState.ASSIGNED, VerificationState.FAILED):
            raise WorkflowError(
                f"the verification of {carbon} {year} is {state}; a verdict needs it "
                "Assigned (or Failed, for a re-verification)"
            )
        call = self.verification.functions.recordVerdict(
            carbon,
            year,
            verdict.passed,
            verdict.recomputed_micro,
            bytes.fromhex(verdict.report_digest[2:]),
            verdict.reason,
        )
        self.tx.send(agency, call, f"recording the verdict on {carbon} {year}")
        return self.state(carbon, year)

    def reject(self, regulator: LocalAccount, carbon: str, year: int, reason: str) -> None:
        """Takes back a passing verdict before the year is closed (regulator); the year waits
        for `open_and_assign` to assign an agency again."""
        if not reason.strip():
            raise MissingReasonError(f"rejecting the verdict on {carbon} {year} needs a reason")
        state = self.state(carbon, year)
        if state is VerificationState.REJECTED:
            return
        if state is not VerificationState.PASSED:
            raise WorkflowError(
                f"the verification of {carbon} {year} is {state}; only a Passed verdict can be "
                "rejected"
            )
        call = self.verification.functions.rejectVerdict(carbon, year, reason.strip())
        self.tx.send(regulator, call, f"rejecting the verdict on {carbon} {year}")

    def close(self, regulator: LocalAccount, carbon: str, year: int) -> int:
        """Closes a passed year; returns the verified emissions in micro-tonnes."""
        state = self.state(carbon, year)
        if state not in (VerificationState.PASSED, VerificationState.CLOSED):
            raise WorkflowError(
                f"the verification of {carbon} {year} is {state}; only a Passed year can be closed"
            )
        if state is VerificationState.PASSED:
            self.tx.send(
                regulator,
                self.verification.functions.close(carbon, year),
                f"closing {carbon} {year}",
            )
        return self.reader.verification(carbon, year).verified_emissions
