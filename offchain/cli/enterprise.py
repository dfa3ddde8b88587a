"""`carbon enterprise`: onboarding (regulator), records and evidence (enterprise backend)."""

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from offchain.cli import options
from offchain.cli.app import App, pass_app
from offchain.cli.output import emit, listing, progress, table, when

if TYPE_CHECKING:
    from offchain.actions.enterprise import Submission
    from offchain.chain.bindings import Record
    from offchain.chain.reader import ChainReader, RecordNote

# What a submission reports through its progress callback, in order.
SUBMISSION_STEPS = ("checked", "evidence stored", "activity data stored", "record submitted")


@click.group()
def enterprise() -> None:
    """Enterprises: onboarding (regulator), records and evidence (enterprise backend)."""


@enterprise.command("onboard")
@click.option("--name", required=True, help="Enterprise name.")
@options.CREDIT_CODE
@click.option("--industry", required=True, help="Two-digit industry code, e.g. 01.")
@click.option("--region", required=True, help="Region, e.g. 北京.")
@click.option(
    "--admin", "admin_address", required=True, help="Address of the carbon administrator."
)
@click.option(
    "--account", "account_address", required=True, help="Address that writes data entries."
)
@options.AS
@pass_app
def enterprise_onboard(
    app: App,
    name: str,
    credit_code: str,
    industry: str,
    region: str,
    admin_address: str,
    account_address: str,
    signer: str,
) -> None:
    """Create an enterprise's EnterpriseCarbon and DataLayer (regulator; idempotent)."""
    from offchain.actions.onboarding import onboard
    from offchain.chain.bindings import Onboarding

    reader = app.reader
    onboarding = Onboarding(name, credit_code, industry, region, admin_address, account_address)
    carbon, created = onboard(reader, app.tx, app.signer(signer), onboarding)
    if not created:
        click.echo(f"already onboarded: {credit_code} -> {carbon}")
        return
    layer = reader.enterprise(credit_code).data_layer
    click.echo(f"onboarded {name} ({credit_code}): EnterpriseCarbon {carbon}, DataLayer {layer}")


@enterprise.command("list")
@options.JSON
@pass_app
def enterprise_list(app: App, as_json: bool) -> None:
    """Every onboarded enterprise: credit code, name, industry, region, years with records."""
    reader = app.reader
    rows = []
    for carbon in reader.enterprises():
        profile = reader.profile(carbon)
        rows.append(
            {
                "credit_code": profile.credit_code,
                "name": profile.name,
                "industry": profile.industry_code,
                "region": profile.region,
                "carbon": carbon,
                "data_layer": profile.data_layer,
                "years": reader.record_years(carbon),
            }
        )
    listing(
        rows,
        (
            ("credit code", "credit_code"),
            ("name", "name"),
            ("industry", "industry"),
            ("region", "region"),
            ("years", lambda r: ", ".join(map(str, r["years"]))),
            ("EnterpriseCarbon", "carbon"),
        ),
        as_json,
        title=f"{len(rows)} enterprises",
    )


@enterprise.command("show")
@options.ENTERPRISE
@options.JSON
@pass_app
def enterprise_show(app: App, credit_code: str, as_json: bool) -> None:
    """One enterprise: its profile, contracts, and per year its records and verification."""
    from offchain.core.units import tonnes

    reader = app.reader
    contracts = reader.enterprise(credit_code)
    profile = reader.profile(contracts.carbon)
    years = []
    for year in reader.record_years(contracts.carbon):
        records = reader.records(contracts.carbon, year)
        summary = reader.verification(contracts.carbon, year)
        valid = [r for r in records if r.valid and not r.aggregated]
        years.append(
            {
                "year": year,
                "records": len(records),
                "valid": sum(r.valid for r in records),
                "reported_tco2e": tonnes(sum(r.result for r in valid)),
                "verification": str(summary.state),
                "verified_tco2e": tonnes(summary.verified_emissions)
                if summary.verified_emissions
                else None,
            }
        )
    shown = {
        "credit_code": profile.credit_code,
        "name": profile.name,
        "industry": profile.industry_code,
        "region": profile.region,
        "carbon": contracts.carbon,
        "data_layer": contracts.data_layer,
        "years": years,
    }
    if as_json:
        emit(shown)
        return
    click.echo(
        f"{profile.name} ({profile.credit_code}), industry {profile.industry_code}, "
        f"{profile.region}\n  EnterpriseCarbon {contracts.carbon}"
        f"\n  DataLayer {contracts.data_layer}"
    )
    table(
        ("year", "records", "valid", "reported tCO2e", "verification", "verified tCO2e"),
        [
            (
                y["year"],
                y["records"],
                y["valid"],
                y["reported_tco2e"],
                y["verification"],
                y["verified_tco2e"] or "-",
            )
            for y in years
        ],
    )


@enterprise.command("update")
@options.CREDIT_CODE
@click.option("--name", default=None, help="New enterprise name.")
@click.option("--industry", default=None, help="New two-digit industry code.")
@click.option("--region", default=None, help="New region.")
@options.AS
@pass_app
def enterprise_update(
    app: App,
    credit_code: str,
    name: str | None,
    industry: str | None,
    region: str | None,
    signer: str,
) -> None:
    """Change an enterprise's profile (regulator): only what is given; says what changed."""
    from offchain.actions.onboarding import update_profile

    changed = update_profile(
        app.reader, app.tx, app.signer(signer), credit_code, name, region, industry
    )
    click.echo(f"{credit_code}: " + ("; ".join(changed) if changed else "nothing to change"))


@enterprise.command("role")
@options.ENTERPRISE
@click.argument("action", type=click.Choice(["grant", "revoke"]))
@click.argument("role", type=click.Choice(["ENTERPRISE_ADMIN", "DATA_WRITER"]))
@click.argument("account")
@options.AS
@pass_app
def enterprise_role(
    app: App, credit_code: str, action: str, role: str, account: str, signer: str
) -> None:
    """Grant or revoke an enterprise role (regulator): ENTERPRISE_ADMIN submits records,
    DATA_WRITER stores the enterprise's documents."""
    from offchain.actions.onboarding import set_role

    changed = set_role(
        app.reader, app.tx, app.signer(signer), credit_code, role, account, action == "grant"
    )
    done = {"grant": "granted", "revoke": "revoked"}[action]
    click.echo(f"{credit_code}: {role} of {account} {done if changed else 'unchanged'}")


@enterprise.command("submit")
@options.enterprise_year
@click.option("--title", required=True, help="Record title, e.g. 2023年4月.")
@options.ACTIVITY
@options.EVIDENCE
@options.ENCRYPT_FOR
@click.option("--at", "pinned", multiple=True, metavar="NAME", help="Pin a standards index name.")
@options.MONTH
@options.AGGREGATED
@options.WRITER
@options.OUTCOME_JSON
@options.AS
@pass_app
def enterprise_submit(
    app: App,
    credit_code: str,
    year: int,
    title: str,
    activity: Path,
    pinned: tuple[str, ...],
    month: int | None,
    **shared: Any,
) -> None:
    """Store evidence, compute from the chain's standards and submit the record (safe to retry)."""
    from offchain.actions.enterprise import Submission

    submission = Submission(
        credit_code,
        year,
        title,
        activity,
        shared["evidence"],
        shared["encrypt_for"],
        pinned,
        shared["aggregated"],
        month=month,
    )
    _run_submission(app, submission, **shared)


@enterprise.command("rectify")
@options.enterprise_year
@click.option(
    "--index",
    "replaces",
    type=click.IntRange(min=0),
    required=True,
    help="The record being replaced.",
)
@click.option("--title", required=True, help="Title of the rectified record, e.g. 4月(整改后).")
@options.ACTIVITY
@click.option(
    "--rectification-evidence",
    type=click.Path(path_type=Path),
    required=True,
    help="The rectification file (整改文件) that explains the change.",
)
@options.EVIDENCE
@options.ENCRYPT_FOR
@options.AGGREGATED
@options.WRITER
@options.OUTCOME_JSON
@options.AS
@pass_app
def enterprise_rectify(
    app: App,
    credit_code: str,
    year: int,
    replaces: int,
    title: str,
    activity: Path,
    rectification_evidence: Path,
    **shared: Any,
) -> None:
    """Replace a record with a rectified one (整改): both stay, linked (safe to retry)."""
    from offchain.actions.enterprise import Submission

    submission = Submission(
        credit_code,
        year,
        title,
        activity,
        shared["evidence"],
        shared["encrypt_for"],
        (),
        shared["aggregated"],
        replaces,
        rectification_evidence,
    )
    _run_submission(app, submission, **shared)


def _run_submission(
    app: App,
    submission: "Submission",
    signer: str,
    writer_spec: str | None,
    as_json: bool,
    **_inputs: Any,
) -> None:
    """Runs a submission or rectification with the options both share (`--as`, `--writer`,
    `--json`; the evidence options are already in `submission`)."""
    from offchain.actions.enterprise import EnterpriseBackend

    backend = EnterpriseBackend(
        app.reader, app.tx, app.store, app.signer(writer_spec or signer), app.signer(signer)
    )
    # Fault injection for the tests that kill a submission mid-way: pause after a named step.
    pause_after = os.environ.get("CARBON_PAUSE_AFTER")
    label = f"{submission.credit_code} {submission.title}"
    with progress(len(SUBMISSION_STEPS), label) as bar:

        def step(name: str) -> None:
            bar.update(1)
            if name == pause_after:
                click.echo(f"paused after {name}", err=True)
                time.sleep(3600)

        outcome = backend.submit(submission, progress=step)
    if as_json:
        emit(
            {
                "enterprise": submission.credit_code,
                "year": submission.year,
                "index": outcome.index,
                "data": outcome.data,
                "created": outcome.created,
                **outcome.result.to_json(),
                "standards": outcome.standards,
                "evidence": outcome.evidence,
            }
        )
        return
    verb = "submitted" if outcome.created else "already on chain:"
    click.echo(
        f"{verb} {submission.credit_code} {submission.year} #{outcome.index} "
        f"{submission.title}: {outcome.result.to_json()['total']} tCO2e (data {outcome.data})"
    )


@enterprise.command("records")
@options.enterprise_year
@options.JSON
@pass_app
def enterprise_records(app: App, credit_code: str, year: int, as_json: bool) -> None:
    """List an enterprise's records of a year, valid or not: title, period, result, validity
    and, for an invalidated record, why."""
    reader = app.reader
    contracts = reader.enterprise(credit_code)
    records = reader.records(contracts.carbon, year)
    notes = reader.record_notes(contracts.carbon, year)
    rows = [
        _record_json(r, notes.get(r.index), _period(reader, contracts.data_layer, r.data))
        for r in records
    ]
    listing(
        rows,
        (
            ("#", "index"),
            ("title", "title"),
            ("period", "period"),
            ("tCO2e", "result_tco2e"),
            ("state", lambda r: "valid" if r["valid"] else "invalid"),
            ("kind", lambda r: "aggregated" if r["aggregated"] else "period"),
            ("submitted", lambda r: when(r["submitted_at"])),
            ("by", "submitter"),
            ("note", _note),
        ),
        as_json,
        title=f"{credit_code} {year}: {len(rows)} records",
    )


def _period(reader: "ChainReader", layer: str, digest: str) -> str:
    """The period the activity document declares (`2023-04`, `2023`), `?` if unreadable."""
    import json

    from offchain.errors import CarbonError

    try:
        period = json.loads(reader.document(layer, digest)).get("period", {})
    except (CarbonError, ValueError):
        return "?"
    month = period.get("month")
    return f"{period.get('year', '?')}-{month:02d}" if month else str(period.get("year", "?"))


def _note(row: dict[str, Any]) -> str:
    parts = []
    if row["replaces"] is not None:
        parts.append(f"rectifies #{row['replaces']}")
    if row["invalidation_reason"]:
        parts.append(f"invalidated: {row['invalidation_reason']}")
    if row["self_measured"]:
        parts.append("self-measured factors")
    return "; ".join(parts)


def _record_json(record: "Record", note: "RecordNote | None", period: str) -> dict[str, Any]:
    from offchain.core.units import tonnes

    return {
        "index": record.index,
        "title": note.title if note else "",
        "period": period,
        "data": record.data,
        "valid": record.valid,
        "aggregated": record.aggregated,
        "self_measured": record.self_measured,
        "result_tco2e": tonnes(record.result),
        "standards_set": record.standards_set,
        "replaces": record.replaced_index,
        "submitter": record.submitter,
        "submitted_at": record.submitted_at,
        "rectification_evidence": record.rectification_evidence,
        "invalidation_reason": note.invalidation_reason if note else None,
    }


@enterprise.command("invalidate")
@options.enterprise_year
@click.option("--index", type=click.IntRange(min=0), required=True, help="The record (from 0).")
@click.option("--reason", required=True)
@options.AS
@pass_app
def enterprise_invalidate(
    app: App, credit_code: str, year: int, index: int, reason: str, signer: str
) -> None:
    """Mark a record invalid; it stays readable (enterprise admin)."""
    from offchain.actions.enterprise import invalidate

    invalidate(app.reader, app.tx, app.signer(signer), credit_code, year, index, reason)
    click.echo(f"invalidated {credit_code} {year} #{index}: {reason}")
