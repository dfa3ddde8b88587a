"""`carbon enterprise`: onboarding (regulator), records and evidence (enterprise backend)."""

import os
import time
from dataclasses import dataclass
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
# One transaction (documents and record); a submission made in steps (an enterprise whose
# EnterpriseCarbon may not write its DataLayer, or a rectification) has "evidence stored" and
# "activity data stored" between the first two instead of "sending".
SUBMISSION_STEPS = ("checked", "sending", "record submitted")

ENCRYPT = click.option(
    "--encrypt/--no-encrypt",
    "encrypted",
    default=False,
    envvar="CARBON_ENCRYPT",
    help="Encrypt the activity document and the evidence for the enterprise (writer and admin) "
    "and the regulator; CARBON_ENCRYPT=1 makes it the enterprise's default. Outsiders see the "
    "digests, the result and the flags. --encrypt-for adds readers.",
)
READ_KEY = click.option(
    "--key",
    "key_spec",
    default=None,
    metavar="SPEC",
    help="Account whose key opens encrypted documents (as a recipient or through a grant): "
    "dev:N, env:VAR or keystore:PATH.",
)


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
@ENCRYPT
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
        encrypted=shared["encrypted"],
    )
    _run_submission(app, submission, **shared)


@enterprise.command("submit-batch")
@options.enterprise_year
@click.option(
    "--activity",
    "activities",
    type=click.Path(exists=True, path_type=Path),
    multiple=True,
    required=True,
    help="Activity document, or a folder of them (*.json); repeatable. The files in a folder "
    "named after a document (A1/ beside A1.json) are its evidence.",
)
@options.EVIDENCE
@options.ENCRYPT_FOR
@ENCRYPT
@options.WRITER
@options.OUTCOME_JSON
@options.AS
@pass_app
def enterprise_submit_batch(
    app: App,
    credit_code: str,
    year: int,
    activities: tuple[Path, ...],
    evidence: tuple[Path, ...],
    encrypt_for: tuple[str, ...],
    encrypted: bool,
    signer: str,
    writer_spec: str | None,
    as_json: bool,
) -> None:
    """Submit many records of one enterprise (e.g. a year's backlog of months) and all their
    documents in one transaction (safe to retry: what is on chain is not sent again). Each
    record is titled after its document's period (2023年4月), else its file name; --evidence
    files go with every document."""
    from offchain.actions.enterprise import EnterpriseBackend, Submission
    from offchain.core import documents

    paths = [
        p
        for given in activities
        for p in (sorted(given.glob("*.json")) if given.is_dir() else [given])
    ]
    if not paths:
        raise click.UsageError("no activity documents (*.json) in the --activity folders given")
    submissions = []
    for path in paths:
        period = documents.load_file(path, "activity").get("period") or {}
        month = period.get("month")
        title = f"{period.get('year', year)}年{month}月" if month else path.stem
        own = sorted(f for f in path.with_suffix("").glob("*") if f.is_file())
        submissions.append(
            Submission(
                credit_code,
                year,
                title,
                path,
                [*evidence, *own],
                encrypt_for,
                month=month,
                encrypted=encrypted,
            )
        )
    backend = EnterpriseBackend(
        app.reader, app.tx, app.store, app.signer(writer_spec or signer), app.signer(signer)
    )
    outcomes = backend.submit_batch(submissions)
    if as_json:
        emit(
            [
                {
                    "enterprise": credit_code,
                    "year": year,
                    "title": s.title,
                    "index": o.index,
                    "data": o.data,
                    "created": o.created,
                    "encrypted": o.encrypted,
                    **o.result.to_json(),
                }
                for s, o in zip(submissions, outcomes, strict=True)
            ]
        )
        return
    for s, o in zip(submissions, outcomes, strict=True):
        verb = "submitted" if o.created else "already on chain:"
        click.echo(
            f"{verb} {credit_code} {year} #{o.index} {s.title}: "
            f"{o.result.to_json()['total']} tCO2e (data {o.data})"
        )
    created = sum(o.created for o in outcomes)
    click.echo(
        f"{created} of {len(outcomes)} records sent, in one transaction"
        if created
        else "nothing to send"
    )


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
@ENCRYPT
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
        encrypted=shared["encrypted"],
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
                "encrypted": outcome.encrypted,
                **outcome.result.to_json(),
                "standards": outcome.standards,
                "evidence": outcome.evidence,
            }
        )
        return
    verb = "submitted" if outcome.created else "already on chain:"
    sealed = ", encrypted" if outcome.encrypted else ""
    click.echo(
        f"{verb} {submission.credit_code} {submission.year} #{outcome.index} "
        f"{submission.title}: {outcome.result.to_json()['total']} tCO2e "
        f"(data {outcome.data}{sealed})"
    )


@enterprise.command("records")
@options.enterprise_year
@READ_KEY
@options.JSON
@pass_app
def enterprise_records(
    app: App, credit_code: str, year: int, key_spec: str | None, as_json: bool
) -> None:
    """List an enterprise's records of a year, valid or not: title, period, result, validity,
    emission equipment and data source and, for an invalidated record, why. An encrypted
    record's document (period, equipment, source) is shown only with a --key that opens it."""
    reader = app.reader
    contracts = reader.enterprise(credit_code)
    records = reader.records(contracts.carbon, year)
    notes = reader.record_notes(contracts.carbon, year)
    opener = _Opener(
        reader, contracts.carbon, bytes(app.signer(key_spec).key) if key_spec else None
    )
    rows = [
        _record_json(r, notes.get(r.index), opener.document(contracts.data_layer, r.data))
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
            ("equipment", _equipment_cell),
            ("source", lambda r: r["source"] or "-"),
            ("submitted", lambda r: when(r["submitted_at"])),
            ("by", "submitter"),
            ("note", _note),
        ),
        as_json,
        title=f"{credit_code} {year}: {len(rows)} records",
    )


@dataclass(frozen=True)
class _Shown:
    """An activity document as `records` shows it: parsed when readable, else why not."""

    document: dict[str, Any] | None
    encrypted: bool
    why: str = ""  # "encrypted" (no key opens it) or "?" (unreadable)


class _Opener:
    """Reads activity documents, opening encrypted ones with a key (as a recipient or through
    the grants made to it) when one is given."""

    def __init__(self, reader: "ChainReader", carbon: str, key: bytes | None) -> None:
        from offchain.core import crypto

        self.reader = reader
        self.carbon = carbon
        self.key = key
        self.address = crypto.address_of_public_key(crypto.public_key_of(key)) if key else None
        self._grants: dict[str, bytes] | None = None

    def document(self, layer: str, digest: str) -> _Shown:
        import json

        from offchain.core import crypto
        from offchain.errors import CarbonError

        try:
            data = self.reader.document(layer, digest)
        except CarbonError:
            return _Shown(None, False, "?")
        encrypted = crypto.is_envelope(data)
        if encrypted:
            if self.key is None or self.address is None:
                return _Shown(None, True, "encrypted")
            if self._grants is None:
                self._grants = self.reader.grants(self.carbon, self.address)
            try:
                data = crypto.decrypt(data, self.key, self._grants.get(digest))
            except CarbonError:
                return _Shown(None, True, "encrypted")
        try:
            document = json.loads(data)
        except ValueError:
            return _Shown(None, encrypted, "?")
        return (
            _Shown(document, encrypted) if isinstance(document, dict) else _Shown(None, False, "?")
        )


def _period(shown: _Shown) -> str:
    """The period the activity document declares (`2023-04`, `2023`), else why not shown."""
    if shown.document is None:
        return shown.why
    period = shown.document.get("period", {})
    month = period.get("month")
    return f"{period.get('year', '?')}-{month:02d}" if month else str(period.get("year", "?"))


def _equipment_cell(row: dict[str, Any]) -> str:
    return (
        ", ".join(" ".join(p for p in (e["id"], e.get("name", "")) if p) for e in row["equipment"])
        or "-"
    )


def _note(row: dict[str, Any]) -> str:
    parts = []
    if row["replaces"] is not None:
        parts.append(f"rectifies #{row['replaces']}")
    if row["invalidation_reason"]:
        parts.append(f"invalidated: {row['invalidation_reason']}")
    if row["self_measured"]:
        parts.append("self-measured factors")
    return "; ".join(parts)


def _record_json(record: "Record", note: "RecordNote | None", shown: _Shown) -> dict[str, Any]:
    from offchain.core.units import tonnes

    document = shown.document or {}
    return {
        "index": record.index,
        "title": note.title if note else "",
        "period": _period(shown),
        "encrypted": shown.encrypted,
        "equipment": document.get("equipment", []),
        "source": document.get("source"),
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


@enterprise.command("grant")
@options.enterprise_year
@click.option(
    "--to",
    "reader_address",
    required=True,
    metavar="ADDR",
    help="The reader given access, e.g. the assigned agency: its key is looked up in the "
    "KeyDirectory, else in the VerifierRegistry.",
)
@options.OUTCOME_JSON
@options.AS
@pass_app
def enterprise_grant(
    app: App, credit_code: str, year: int, reader_address: str, as_json: bool, signer: str
) -> None:
    """Let a reader open the year's encrypted documents (enterprise admin or regulator).

    Each document's data key is wrapped for the reader's key and kept on chain in the
    KeyDirectory; documents and records are unchanged. Documents it can read already are
    skipped: run it again after later submissions (safe to retry)."""
    from offchain.actions.enterprise import grant_access

    outcome = grant_access(
        app.reader, app.tx, app.signer(signer), credit_code, year, reader_address
    )
    if as_json:
        emit(
            {
                "enterprise": outcome.credit_code,
                "year": outcome.year,
                "reader": outcome.reader,
                "granted": outcome.granted,
                "readable_already": outcome.readable,
                "plain": outcome.plain,
            }
        )
        return
    click.echo(
        f"{credit_code} {year}: {outcome.reader} granted {len(outcome.granted)} encrypted "
        f"documents ({outcome.readable} readable already, {outcome.plain} not encrypted)"
    )


@enterprise.command("revoke-grant")
@options.ENTERPRISE
@click.option("--reader", "reader_address", required=True, metavar="ADDR", help="The reader.")
@click.option(
    "--restore", is_flag=True, help="Lift an earlier revocation: the reader may be granted again."
)
@options.AS
@pass_app
def enterprise_revoke_grant(
    app: App, credit_code: str, reader_address: str, restore: bool, signer: str
) -> None:
    """Stop granting a reader access to the enterprise's documents (enterprise admin or
    regulator): recorded on chain, so no later grant and no later encrypted submission includes
    it. What it could read before stays readable to it: a key once read cannot be taken back."""
    from offchain.actions.enterprise import revoke_access

    address = revoke_access(
        app.reader, app.tx, app.signer(signer), credit_code, reader_address, restore
    )
    done = "restored: it may be granted again" if restore else "revoked for later documents"
    click.echo(f"{credit_code}: access of {address} {done}")
