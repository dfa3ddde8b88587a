"""`carbon verify`: the offline verification of an enterprise-year, and the agency's verdict."""

from pathlib import Path

import click

from offchain.cli import options
from offchain.cli.app import App, pass_app
from offchain.cli.output import emit


@click.command("verify")
@options.enterprise_year
@click.option(
    "--key",
    "key_spec",
    default=None,
    metavar="SPEC",
    help="Account whose key opens encrypted activity documents and evidence: the agency's "
    "(through the grants made to it) or the regulator's; dev:N, env:VAR or keystore:PATH. "
    "Without it, encrypted records cannot be verified and fail.",
)
@options.folder("--out", "reports", "Folder for verification_<code>_<year>.json and .md.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--submit",
    is_flag=True,
    help="Record the verdict on chain as the assigned agency (--key signs); the report's "
    "digest goes with it and its bytes into the content store.",
)
@click.option(
    "--partial",
    is_flag=True,
    help="The year is still running: months without a record are a warning, not a failure.",
)
@pass_app
def verify_command(
    app: App,
    credit_code: str,
    year: int,
    key_spec: str | None,
    out: Path,
    as_json: bool,
    submit: bool,
    partial: bool,
) -> None:
    """Recompute an enterprise's year from the chain and the content store and check it all.

    Every digest, every record's recomputation (exact, in micro-tonnes), aggregated records,
    evidence (decrypted with --key when encrypted) and self-measured factors. Writes the report
    as JSON and Markdown; exits 1 when a check failed.
    """
    import json
    import re

    from offchain.verify.verifier import Verifier

    if submit and not key_spec:
        raise click.UsageError("--submit records the verdict as the agency: name it with --key")
    agency = app.signer(key_spec) if key_spec else None
    report = Verifier(
        app.reader, bytes(agency.key) if agency else None, whole_year=not partial
    ).verify(credit_code, year)
    out.mkdir(parents=True, exist_ok=True)
    stem = f"verification_{re.sub(r'[^A-Za-z0-9_-]', '_', credit_code)}_{year}"
    json_path, md_path = out / f"{stem}.json", out / f"{stem}.md"
    json_path.write_text(json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n", "utf-8")
    md_path.write_text(report.to_markdown(), "utf-8")
    if submit and agency is not None:
        from offchain.actions.verification import VerdictSubmission

        verdict = VerdictSubmission.of_report(report, app.store.put(json_path.read_bytes()))
        carbon = app.carbon(credit_code)
        state = app.workflow.record(agency, carbon, year, verdict)
        click.echo(f"  verdict recorded on chain; the verification is now {state}")
    if as_json:
        emit(report.to_json())
    else:
        click.echo(report.summary())
        click.echo(f"  reports: {json_path} {md_path}")
    if not report.passed:
        click.get_current_context().exit(1)


@click.command("verify-all")
@options.YEAR
@options.ENTERPRISES
@click.option(
    "--key",
    "key_spec",
    default=None,
    metavar="SPEC",
    help="Account whose key opens encrypted documents (as for `carbon verify`).",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Processes to verify with (default: one per core from 100 enterprise-years on).",
)
@options.folder("--out", "reports", "Folder for verification_summary_<year>.json.")
@click.option("--json", "as_json", is_flag=True, help="Print every enterprise-year as JSON.")
@click.option(
    "--partial",
    is_flag=True,
    help="The year is still running: months without a record are a warning, not a failure.",
)
@pass_app
def verify_all_command(
    app: App,
    year: int,
    credit_codes: list[str],
    key_spec: str | None,
    workers: int | None,
    out: Path,
    as_json: bool,
    partial: bool,
) -> None:
    """Recompute the year of every enterprise that reported it (or of those given).

    The same checks as `carbon verify`, read in a few batches whatever the number of
    enterprises and spread over the machine's cores. Prints the enterprise-years that failed and
    a summary, writes one JSON file with every enterprise-year's counts and failed checks; exits
    1 when any failed.
    """
    import json
    import time

    from offchain.core.units import tonnes
    from offchain.verify.population import reporting
    from offchain.verify.verifier import Verifier, useful_workers

    agency = app.signer(key_spec) if key_spec else None
    population = reporting(app.reader, year, credit_codes)
    unknown = sorted(set(credit_codes) - set(population.with_records + population.without_records))
    if unknown:
        raise click.UsageError(f"no enterprise with credit code {unknown[0]} is onboarded")
    items = [(code, year) for code in population.with_records]
    processes = workers or useful_workers(len(items))
    started = time.perf_counter()
    reports = Verifier(
        app.reader, bytes(agency.key) if agency else None, whole_year=not partial
    ).verify_many(items, workers=processes)
    seconds = time.perf_counter() - started
    rows = [
        {
            "enterprise": r.enterprise,
            "name": r.profile.get("name"),
            "passed": r.passed,
            "counts": r.counts(),
            "recomputed_total": tonnes(r.recomputed_total_micro),
            "submitted_total": tonnes(r.submitted_total_micro),
            "block": r.block,
            "failed": [
                {"id": c.id, "subject": c.subject, "reason": c.reason}
                for c in r.checks
                if c.status == "fail"
            ],
        }
        for r in reports
    ]
    failed = [row for row in rows if not row["passed"]]
    trips = round(sum(r.round_trips / r.shared_with for r in reports))
    summary = {
        "year": year,
        "verified": len(rows),
        "passed": len(rows) - len(failed),
        "failed": len(failed),
        "without_records": population.without_records,
        "workers": processes,
        "seconds": round(seconds, 3),
        "round_trips": trips,
        "agency": agency.address if agency else None,
        "enterprise_years": rows,
    }
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"verification_summary_{year}.json"
    path.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", "utf-8")
    if as_json:
        emit(summary)
    else:
        if failed:
            from offchain.cli.output import table

            table(
                ["enterprise", "recomputed t", "submitted t", "failed checks"],
                [
                    [
                        row["enterprise"],
                        row["recomputed_total"],
                        row["submitted_total"],
                        "; ".join(f"{c['id']} {c['subject']}" for c in row["failed"][:3])
                        + (f" (+{len(row['failed']) - 3})" if len(row["failed"]) > 3 else ""),
                    ]
                    for row in failed
                ],
                title=f"Enterprise-years of {year} that failed",
            )
        click.echo(
            f"{len(rows)} enterprise-years of {year} verified in {seconds:.1f} s on {processes} "
            f"process(es), {trips} JSON-RPC round trips: {summary['passed']} passed, "
            f"{len(failed)} failed; {len(population.without_records)} onboarded without records"
        )
        click.echo(f"  summary: {path}")
    if failed:
        click.get_current_context().exit(1)
