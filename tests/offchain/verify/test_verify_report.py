"""The verification report's renderings: what a reader sees first, and exact tonnes."""

from offchain.verify.report import Check, VerificationReport


def _report(*statuses: str) -> VerificationReport:
    checks = [
        Check(f"record.check-{n}", status, f"2023#{n}", f"reason {n}")
        for n, status in enumerate(statuses)
    ]
    return VerificationReport("91ENTERPRISE", 2023, checks, 5_000_000, 6_000_000, 3, 0.1)


def test_a_failed_report_lists_its_failures_and_warnings_before_every_check():
    markdown = _report("pass", "fail", "pass", "warning").to_markdown()
    findings, everything = markdown.split("## Checks")
    assert "## Failures and warnings" in findings
    assert "| 2 | `record.check-1` | **FAIL** | 2023#1 | reason 1 |" in findings
    assert "| 4 | `record.check-3` | warning | 2023#3 | reason 3 |" in findings
    assert "record.check-0" not in findings
    assert everything.count("| `record.check-") == 4


def test_a_clean_report_has_no_findings_section():
    markdown = _report("pass", "pass").to_markdown()
    assert "Failures and warnings" not in markdown
    assert "Verification passed: 2 checks passed, 0 failed, 0 warnings." in markdown


def test_the_summary_names_every_check_that_did_not_pass():
    summary = _report("pass", "fail").summary()
    assert summary.startswith("FAILED: 91ENTERPRISE 2023")
    assert "FAIL    record.check-1 2023#1: reason 1" in summary
    assert "record.check-0" not in summary
