"""The verification report: every check with its result, as JSON and as Markdown."""

from dataclasses import asdict, dataclass, field
from typing import Any

from offchain.core.units import tonnes

STATUSES = ("pass", "fail", "warning")


@dataclass(frozen=True)
class Check:
    """One check: `id` says what was checked, `subject` of what, `reason` why it came out so."""

    id: str
    status: str
    subject: str
    reason: str


@dataclass
class VerificationReport:
    """The outcome of verifying one enterprise-year from the chain and the content store."""

    enterprise: str
    year: int
    checks: list[Check]
    recomputed_total_micro: int  # sum of the recomputed valid non-aggregated records
    submitted_total_micro: int  # sum of the results the chain records for the same records
    round_trips: int  # JSON-RPC round trips of the verification that produced this report
    seconds: float
    profile: dict[str, Any] = field(default_factory=dict)
    block: int = 0  # every chain read was made at this block
    agency: str | None = None  # the address whose key opened encrypted documents, if given
    shared_with: int = 1  # enterprise-years verified together (round trips are shared)

    @property
    def passed(self) -> bool:
        return not any(c.status == "fail" for c in self.checks)

    def counts(self) -> dict[str, int]:
        return {s: sum(c.status == s for c in self.checks) for s in STATUSES}

    def to_json(self) -> dict[str, Any]:
        return {
            "enterprise": self.enterprise,
            "year": self.year,
            "passed": self.passed,
            "counts": self.counts(),
            "recomputed_total_micro": self.recomputed_total_micro,
            "submitted_total_micro": self.submitted_total_micro,
            "recomputed_total": tonnes(self.recomputed_total_micro),
            "submitted_total": tonnes(self.submitted_total_micro),
            "profile": self.profile,
            "block": self.block,
            "agency": self.agency,
            "round_trips": self.round_trips,
            "shared_with": self.shared_with,
            "seconds": round(self.seconds, 4),
            "checks": [asdict(c) for c in self.checks],
        }

    def summary(self) -> str:
        """A few lines for a terminal: the verdict, the totals and every failed check."""
        counts = self.counts()
        verdict = "PASSED" if self.passed else "FAILED"
        name = self.profile.get("name", "")
        lines = [
            f"{verdict}: " + " ".join(p for p in (self.enterprise, name, str(self.year)) if p),
            f"  recomputed {tonnes(self.recomputed_total_micro)} tCO2e, "
            f"submitted {tonnes(self.submitted_total_micro)} tCO2e",
            f"  {len(self.checks)} checks: {counts['pass']} passed, {counts['fail']} failed, "
            f"{counts['warning']} warnings ({self.round_trips} RPC round trips, "
            f"{self.seconds:.2f} s, block {self.block})",
        ]
        for check in self.checks:
            if check.status != "pass":
                lines.append(
                    f"  {check.status.upper():7} {check.id} {check.subject}: {check.reason}"
                )
        return "\n".join(lines)

    def to_markdown(self) -> str:
        counts = self.counts()
        verdict = "passed" if self.passed else "**failed**"
        profile = self.profile
        lines = [
            f"# Verification of {self.enterprise} for {self.year}",
            "",
            f"Verification {verdict}: {counts['pass']} checks passed, {counts['fail']} failed, "
            f"{counts['warning']} warnings.",
            "",
            "| | |",
            "|---|---|",
            f"| enterprise | {_cell(profile.get('name', ''))} ({_cell(self.enterprise)}) |",
            f"| industry, region | {_cell(profile.get('industry', ''))}, "
            f"{_cell(profile.get('region', ''))} |",
            f"| DataLayer | `{profile.get('data_layer', '')}` |",
            f"| recomputed total | {tonnes(self.recomputed_total_micro)} tCO2e "
            f"({self.recomputed_total_micro} µt) |",
            f"| submitted total | {tonnes(self.submitted_total_micro)} tCO2e "
            f"({self.submitted_total_micro} µt) |",
            f"| read at block | {self.block} |",
            f"| decryption key of | {self.agency or 'no key given'} |",
            f"| RPC round trips | {self.round_trips}"
            + (f" (shared by {self.shared_with} enterprise-years)" if self.shared_with > 1 else "")
            + " |",
            "",
            "Totals are the valid non-aggregated records; results are compared exactly, in",
            "micro-tonnes of CO2e (tCO2e × 10^6).",
            "",
        ]
        numbered = list(enumerate(self.checks, start=1))
        findings = [(n, c) for n, c in numbered if c.status != "pass"]
        if findings:  # a reader of a failed report should not have to scan every check
            lines += ["## Failures and warnings", "", *_check_table(findings), ""]
        lines += ["## Checks", "", *_check_table(numbered)]
        return "\n".join(lines) + "\n"


def _check_table(numbered: list[tuple[int, Check]]) -> list[str]:
    rows = ["| # | check | result | subject | reason |", "|---|---|---|---|---|"]
    for n, c in numbered:
        shown = {"pass": "pass", "fail": "**FAIL**", "warning": "warning"}[c.status]
        rows.append(f"| {n} | `{c.id}` | {shown} | {_cell(c.subject)} | {_cell(c.reason)} |")
    return rows


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")
