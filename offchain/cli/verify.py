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
