"""`carbon`: the command line of the carbon MRV suite.

Every command exits non-zero with one line saying what went wrong; `--json` output is for
machines, the rest for people.
"""

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import click
from eth_account.signers.local import LocalAccount
from requests.exceptions import RequestException
from web3 import Web3

from offchain.actions.enterprise import EnterpriseBackend, Submission
from offchain.actions.onboarding import Onboarding, onboard, publish_key
from offchain.actions.verification import Verdict, Workflow
from offchain.calc import calculator, standards
from offchain.chain.accounts import load_account
from offchain.chain.manifest import Manifest, default_manifest_path
from offchain.chain.node import LocalNode
from offchain.chain.reader import ChainReader
from offchain.chain.transact import ErrorDecoder, Transactor
from offchain.core import documents
from offchain.core.store import FolderStore
from offchain.demo.run import run as demo
from offchain.errors import CarbonError, ChainError
from offchain.paths import STORE_DIR


class _Group(click.Group):
    """Turns the package's own errors into one-line messages and a non-zero exit."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CarbonError as exc:
            raise click.ClickException(str(exc)) from exc
        except RequestException as exc:
            raise click.ClickException(
                f"cannot reach the node ({type(exc).__name__}); is it running? `carbon node start`"
            ) from exc


@click.group(cls=_Group)
@click.option(
    "--deployment",
    type=click.Path(path_type=Path),
    envvar="CARBON_DEPLOYMENT",
    default=None,
    help="Deployment manifest (default deployments/local.json).",
)
@click.option(
    "--rpc",
    envvar="CARBON_RPC",
    default=None,
    help="JSON-RPC URL of the node (default: the manifest's).",
)
@click.option(
    "--store",
    "store_dir",
    type=click.Path(path_type=Path),
    envvar="CARBON_STORE",
    default=None,
    help="Content-addressed document store (default .store).",
)
@click.pass_context
def main(
    ctx: click.Context, deployment: Path | None, rpc: str | None, store_dir: Path | None
) -> None:
    """Carbon-emission MRV on Ethereum: standards on chain, sandboxed calculation."""
    ctx.obj = {
        "deployment": deployment or default_manifest_path(),
        "rpc": rpc,
        "store": store_dir or STORE_DIR,
    }


def _reader(ctx: click.Context) -> ChainReader:
    manifest = Manifest.load(ctx.obj["deployment"])
    url = ctx.obj["rpc"] or manifest.rpc or LocalNode().url
    w3 = Web3(Web3.HTTPProvider(url, request_kwargs={"timeout": 30}))
    chain_id = w3.eth.chain_id
    if chain_id != manifest.chain_id:
        described = f"{ctx.obj['deployment']} describes chain {manifest.chain_id}"
        raise ChainError(f"{url} is chain {chain_id} but {described}")
    return ChainReader(w3, manifest, FolderStore(ctx.obj["store"]))


def _transactor(reader: ChainReader) -> Transactor:
    return Transactor(reader.w3, ErrorDecoder(reader.manifest.abis.values()))


def _signer(reader: ChainReader, spec: str) -> LocalAccount:
    return load_account(spec, reader.w3.eth.chain_id)


_AS = click.option(
    "--as",
    "signer",
    envvar="CARBON_ACCOUNT",
    required=True,
    metavar="SPEC",
    help="Signing account: dev:N (local chains), env:VAR (hex key) or keystore:PATH.",
)


_ENTERPRISE = click.option(
    "--enterprise", "credit_code", required=True, help="Credit code of the enterprise."
)
_YEAR = click.option("--year", type=int, required=True)
# The options a submission and a rectification share.
_ACTIVITY = click.option("--activity", type=click.Path(path_type=Path), required=True)
_EVIDENCE = click.option(
    "--evidence",
    type=click.Path(path_type=Path),
    multiple=True,
    help="Evidence file (ledger, invoice, test report); repeatable.",
)
_ENCRYPT_FOR = click.option(
    "--encrypt-for",
    multiple=True,
    metavar="ADDR",
    help="Encrypt the evidence for this reader (repeatable); the writer is added.",
)
_AGGREGATED = click.option(
    "--aggregated", is_flag=True, help="A quarter or annual record summing others."
)
_WRITER = click.option(
    "--writer",
    "writer_spec",
    default=None,
    metavar="SPEC",
    help="Account that stores data entries (default: --as).",
)
_OUTCOME_JSON = click.option("--json", "as_json", is_flag=True, help="Print the outcome as JSON.")


def _emit(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


@main.command()
@click.option(
    "--activity",
    type=click.Path(path_type=Path),
    required=True,
    help="Activity data (AD) JSON document.",
)
@click.option("--factors", type=click.Path(path_type=Path), help="Factor library JSON (offline).")
@click.option("--formulas", type=click.Path(path_type=Path), help="Formula library JSON (offline).")
@click.option("--code", type=click.Path(path_type=Path), help="Calculation JavaScript (offline).")
@click.option(
    "--industry",
    help="Industry code whose latest standards to use (default: the one "
    "the activity's `standards` names).",
)
@click.option("--prefix", default="GB", show_default=True, help="Standards family, e.g. GB or ISO.")
@click.option(
    "--at",
    "pinned",
    multiple=True,
    metavar="NAME",
    help="Use this index name instead of the latest of its kind (repeatable).",
)
@click.pass_context
def calc(
    ctx: click.Context,
    activity: Path,
    factors: Path | None,
    formulas: Path | None,
    code: Path | None,
    industry: str | None,
    prefix: str,
    pinned: tuple[str, ...],
) -> None:
    """Compute the emissions of an activity document.

    With --factors, --formulas and --code it works offline on files; without them it pulls the
    standards from the deployed chain, checking every digest. Prints a JSON object with `total`
    and `items` in tCO2e (decimal strings, six decimals) and any warnings.
    """
    document = documents.load_file(activity, "activity")
    offline = (factors, formulas, code)
    if any(offline):
        if not all(offline):
            raise click.UsageError(
                "offline calculation needs all of --factors, --formulas and --code"
            )
        if pinned:
            raise click.UsageError("--at picks standards on chain; it does not combine with files")
        chosen = standards.from_files(factors, formulas, code)
    else:
        industry = industry or standards.industry_of(document)
        if industry is None:
            raise click.UsageError(f"{activity} names no standards; say which with --industry")
        chosen = standards.from_chain(_reader(ctx), industry, prefix, pinned)
    result = calculator.calculate(chosen.factors, chosen.formulas, chosen.code, document)
    output = result.to_json()
    if chosen.refs:
        output["standards"] = chosen.provenance()
    _emit(output)


@main.command("standards")
@click.pass_context
def list_standards(ctx: click.Context) -> None:
    """List every series in the index with its names, oldest first."""
    reader = _reader(ctx)
    index = reader.index.functions
    _emit({series: index.seriesHistory(series).call() for series in index.seriesList().call()})


@main.group()
def node() -> None:
    """The local anvil node (state kept in .chain/anvil-state.json)."""


@node.command("start")
def node_start() -> None:
    """Start the node in the background unless one is already answering."""
    local = LocalNode()
    started = local.start()
    click.echo(
        f"{'started' if started else 'already running:'} anvil at {local.url} "
        f"(state {local.state_file})"
    )


@node.command("stop")
def node_stop() -> None:
    """Stop the node this project started; its state is written to disk."""
    click.echo("stopped" if LocalNode().stop() else "no node started by this project is running")


@node.command("status")
def node_status() -> None:
    """Say whether the node answers."""
    local = LocalNode()
    if not local.is_up():
        click.echo(f"no node at {local.url}")
        sys.exit(1)
    click.echo(f"anvil at {local.url}, block {Web3(Web3.HTTPProvider(local.url)).eth.block_number}")


@main.group()
def enterprise() -> None:
    """Enterprises: onboarding (regulator), records and evidence (enterprise backend)."""


@enterprise.command("onboard")
@click.option("--name", required=True, help="Enterprise name.")
@click.option("--credit-code", required=True, help="Unified social credit code (统一社会信用代码).")
@click.option("--industry", required=True, help="Two-digit industry code, e.g. 01.")
@click.option("--region", required=True, help="Region, e.g. 北京.")
@click.option(
    "--admin", "admin_address", required=True, help="Address of the carbon administrator."
)
@click.option(
    "--account", "account_address", required=True, help="Address that writes data entries."
)
@_AS
@click.pass_context
def enterprise_onboard(
    ctx: click.Context,
    name: str,
    credit_code: str,
    industry: str,
    region: str,
    admin_address: str,
    account_address: str,
    signer: str,
) -> None:
    """Create an enterprise's EnterpriseCarbon and DataLayer (regulator; idempotent)."""
    if len(industry) != 2 or not industry.isdigit():
        raise click.UsageError(f"--industry {industry!r}: expected two digits such as 01")
    reader = _reader(ctx)
    for label, address in (("--admin", admin_address), ("--account", account_address)):
        if not Web3.is_address(address):
            raise click.UsageError(f"{label} {address!r} is not an Ethereum address")
    enterprise = Onboarding(name, credit_code, industry, region, admin_address, account_address)
    carbon, created = onboard(reader, _transactor(reader), _signer(reader, signer), enterprise)
    if not created:
        click.echo(f"already onboarded: {credit_code} -> {carbon}")
        return
    _, layer = reader.enterprise(credit_code)
    click.echo(
        f"onboarded {name} ({credit_code}): EnterpriseCarbon {carbon}, DataLayer {layer.address}"
    )


@enterprise.command("submit")
@_ENTERPRISE
@_YEAR
@click.option("--title", required=True, help="Record title, e.g. 2023年4月.")
@_ACTIVITY
@_EVIDENCE
@_ENCRYPT_FOR
@click.option("--at", "pinned", multiple=True, metavar="NAME", help="Pin a standards index name.")
@_AGGREGATED
@_WRITER
@_OUTCOME_JSON
@_AS
@click.pass_context
def enterprise_submit(
    ctx: click.Context,
    credit_code: str,
    year: int,
    title: str,
    activity: Path,
    evidence: tuple[Path, ...],
    encrypt_for: tuple[str, ...],
    pinned: tuple[str, ...],
    aggregated: bool,
    writer_spec: str | None,
    as_json: bool,
    signer: str,
) -> None:
    """Store evidence, compute from the chain's standards and submit the record (safe to retry)."""
    submission = Submission(
        credit_code, year, title, activity, evidence, encrypt_for, pinned, aggregated
    )
    _run_submission(ctx, submission, writer_spec or signer, signer, as_json)


def _run_submission(
    ctx: click.Context, submission: Submission, writer_spec: str, admin_spec: str, as_json: bool
) -> None:
    reader = _reader(ctx)
    backend = EnterpriseBackend(
        reader,
        _transactor(reader),
        reader.store,
        _signer(reader, writer_spec),
        _signer(reader, admin_spec),
    )
    steps = ("checked", "evidence stored", "activity data stored", "record submitted")
    # Fault injection for the tests that kill a submission mid-way: pause after a named step.
    pause_after = os.environ.get("CARBON_PAUSE_AFTER")
    label = f"{submission.credit_code} {submission.title}"
    with click.progressbar(length=len(steps), label=label, file=sys.stderr) as bar:

        def step(name: str) -> None:
            bar.update(1)
            if name == pause_after:
                click.echo(f"paused after {name}", err=True)
                time.sleep(3600)

        outcome = backend.submit(submission, progress=step)
    if as_json:
        _emit(
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


@enterprise.command("rectify")
@_ENTERPRISE
@_YEAR
@click.option("--index", "replaces", type=int, required=True, help="The record being replaced.")
@click.option("--title", required=True, help="Title of the rectified record, e.g. 4月(整改后).")
@_ACTIVITY
@click.option(
    "--rectification-evidence",
    type=click.Path(path_type=Path),
    required=True,
    help="The rectification file (整改文件) that explains the change.",
)
@_EVIDENCE
@_ENCRYPT_FOR
@_AGGREGATED
@_WRITER
@_OUTCOME_JSON
@_AS
@click.pass_context
def enterprise_rectify(
    ctx: click.Context,
    credit_code: str,
    year: int,
    replaces: int,
    title: str,
    activity: Path,
    rectification_evidence: Path,
    evidence: tuple[Path, ...],
    encrypt_for: tuple[str, ...],
    aggregated: bool,
    writer_spec: str | None,
    as_json: bool,
    signer: str,
) -> None:
    """Replace a record with a rectified one (整改): both stay, linked (safe to retry)."""
    submission = Submission(
        credit_code,
        year,
        title,
        activity,
        evidence,
        encrypt_for,
        (),
        aggregated,
        replaces,
        rectification_evidence,
    )
    _run_submission(ctx, submission, writer_spec or signer, signer, as_json)


@enterprise.command("records")
@_ENTERPRISE
@_YEAR
@click.pass_context
def enterprise_records(ctx: click.Context, credit_code: str, year: int) -> None:
    """List an enterprise's records of a year, valid or not."""
    carbon, _ = _reader(ctx).enterprise(credit_code)
    rows = []
    for i, r in enumerate(carbon.functions.records(year).call()):
        data, valid, aggregated, measured, result, set_id, replaces, submitter, at, evidence, _s = r
        rows.append(
            {
                "index": i,
                "data": "0x" + data.hex(),
                "valid": valid,
                "aggregated": aggregated,
                "self_measured": measured,
                "result_tco2e": f"{result / 1e6:.6f}",
                "standards_set": set_id,
                "replaces": replaces - 1 if replaces else None,
                "submitter": submitter,
                "submitted_at": at,
                "rectification_evidence": "0x" + evidence.hex() if any(evidence) else None,
            }
        )
    _emit(rows)


@enterprise.command("invalidate")
@_ENTERPRISE
@_YEAR
@click.option("--index", type=int, required=True)
@click.option("--reason", required=True)
@_AS
@click.pass_context
def enterprise_invalidate(
    ctx: click.Context, credit_code: str, year: int, index: int, reason: str, signer: str
) -> None:
    """Mark a record invalid; it stays readable (enterprise admin)."""
    reader = _reader(ctx)
    carbon, _ = reader.enterprise(credit_code)
    _transactor(reader).send(
        _signer(reader, signer),
        carbon.functions.invalidate(year, index, reason),
        f"invalidating {credit_code} {year} #{index}",
    )
    click.echo(f"invalidated {credit_code} {year} #{index}: {reason}")


@main.group()
def keys() -> None:
    """Encryption keys: readers publish theirs so documents can be encrypted for them."""


@keys.command("publish")
@_AS
@click.pass_context
def keys_publish(ctx: click.Context, signer: str) -> None:
    """Publish the signing account's public key in the KeyDirectory (idempotent)."""
    reader = _reader(ctx)
    account = _signer(reader, signer)
    published = publish_key(reader, _transactor(reader), account)
    click.echo(f"{account.address}: key {'published' if published else 'already published'}")


@main.command("demo")
@click.option(
    "--work",
    type=click.Path(path_type=Path),
    default=Path(".demo"),
    show_default=True,
    help="Folder for the generated activity data and evidence files.",
)
@click.pass_context
def demo_command(ctx: click.Context, work: Path) -> None:
    """Onboard three sample enterprises, submit their 2023 records, and have the agency verify
    every year (local chain; idempotent)."""
    reader = _reader(ctx)
    tx = _transactor(reader)
    total = 13 * len(demo.ENTERPRISES)
    with click.progressbar(length=total, label="submitting", file=sys.stderr) as bar:
        runs = demo.run(reader, tx, reader.store, work, progress=lambda _step: bar.update(1))
    header = f"{'enterprise':24} {'industry':8} {'months (tCO2e)':>16} {'annual (tCO2e)':>16}"
    click.echo(f"\n{header}  evidence")
    for run in runs:
        months = sum(o.result.total for o in run.monthly)
        evidence = "encrypted for regulator + agency" if run.enterprise.encrypted else "plain"
        click.echo(
            f"{run.enterprise.credit_code:24} {run.enterprise.industry:8} {months:>16} "
            f"{run.annual.result.total:>16}  {evidence}"
        )
    with click.progressbar(length=len(runs), label="verifying", file=sys.stderr) as bar:
        verified = demo.verify(
            reader, tx, reader.store, work, runs, progress=lambda _step: bar.update(1)
        )
    click.echo(f"\n{'enterprise':24} {'verifications':22} {'state':8} {'verified (tCO2e)':>18}")
    for outcome in verified:
        rounds = " -> ".join("pass" if passed else "FAIL" for passed in outcome.verdicts)
        total = f"{outcome.verified_micro / 1e6:.6f}" if outcome.verified_micro is not None else "-"
        click.echo(f"{outcome.enterprise.credit_code:24} {rounds:22} {outcome.state:8} {total:>18}")
        for report in outcome.reports:
            for check in (c for c in report.checks if c.status == "fail"):
                click.echo(f"  failed: {check.subject}: {check.reason}")
    click.echo(
        f"reports in {work / 'reports'}; {tx.sent} transactions, {tx.gas_used:,} gas "
        "this run (0 when everything was already on chain)"
    )


@main.command("verify")
@_ENTERPRISE
@_YEAR
@click.option(
    "--key",
    "key_spec",
    default=None,
    metavar="SPEC",
    help="Account whose key decrypts encrypted evidence: dev:N, env:VAR or keystore:PATH.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("reports"),
    show_default=True,
    help="Folder for verification_<code>_<year>.json and .md.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--submit",
    is_flag=True,
    help="Record the verdict on chain as the assigned agency (--key signs); the report's "
    "digest goes with it and its bytes into the content store.",
)
@click.pass_context
def verify_command(
    ctx: click.Context,
    credit_code: str,
    year: int,
    key_spec: str | None,
    out: Path,
    as_json: bool,
    submit: bool,
) -> None:
    """Recompute an enterprise's year from the chain and the content store and check it all.

    Every digest, every record's recomputation (exact, in micro-tonnes), aggregated records,
    evidence (decrypted with --key when encrypted) and self-measured factors. Writes the report
    as JSON and Markdown; exits 1 when a check failed.
    """
    import re

    from offchain.verify.verifier import Verifier

    if submit and not key_spec:
        raise click.UsageError("--submit records the verdict as the agency: name it with --key")
    reader = _reader(ctx)
    key = bytes(_signer(reader, key_spec).key) if key_spec else None
    report = Verifier(reader, reader.store, key).verify(credit_code, year)
    out.mkdir(parents=True, exist_ok=True)
    stem = f"verification_{re.sub(r'[^A-Za-z0-9_-]', '_', credit_code)}_{year}"
    json_path, md_path = out / f"{stem}.json", out / f"{stem}.md"
    json_path.write_text(json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n", "utf-8")
    md_path.write_text(report.to_markdown(), "utf-8")
    if submit:
        _submit_verdict(
            reader, _signer(reader, key_spec), credit_code, year, report, json_path.read_bytes()
        )
    if as_json:
        _emit(report.to_json())
    else:
        click.echo(report.summary())
        click.echo(f"  reports: {json_path} {md_path}")
    if not report.passed:
        ctx.exit(1)


@main.group()
def agency() -> None:
    """Verification agencies in the VerifierRegistry (regulator)."""


@agency.command("approve")
@click.option("--address", required=True, help="The agency's account.")
@click.option("--name", required=True)
@click.option("--licence", required=True, help="Licence reference.")
@_AS
@click.pass_context
def agency_approve(ctx: click.Context, address: str, name: str, licence: str, signer: str) -> None:
    """Approve an agency; its public key is the one it published (`carbon keys publish`)."""
    reader = _reader(ctx)
    flow = Workflow(reader, _transactor(reader))
    checksummed, public = reader.public_key(address)
    flow.approve(_signer(reader, signer), checksummed, public, name, licence)
    click.echo(f"{checksummed}: {flow.agency_status(checksummed)}")


@main.group()
def verification() -> None:
    """The yearly verification: open and assign, close (regulator), status (anyone)."""


@verification.command("open")
@_ENTERPRISE
@_YEAR
@click.option("--agency", "agency_address", required=True, help="Approved agency to assign.")
@_AS
@click.pass_context
def verification_open(
    ctx: click.Context, credit_code: str, year: int, agency_address: str, signer: str
) -> None:
    """Open an enterprise-year and assign an approved agency (idempotent)."""
    reader = _reader(ctx)
    flow = Workflow(reader, _transactor(reader))
    carbon, _ = reader.enterprise(credit_code)
    if not Web3.is_address(agency_address):
        raise click.UsageError(f"--agency {agency_address!r} is not an Ethereum address")
    flow.open_and_assign(
        _signer(reader, signer), carbon, year, Web3.to_checksum_address(agency_address)
    )
    click.echo(f"{credit_code} {year}: {flow.state(carbon, year)}")


@verification.command("close")
@_ENTERPRISE
@_YEAR
@_AS
@click.pass_context
def verification_close(ctx: click.Context, credit_code: str, year: int, signer: str) -> None:
    """Close a passed year with the agency's recomputed total as the verified emissions."""
    reader = _reader(ctx)
    flow = Workflow(reader, _transactor(reader))
    carbon, _ = reader.enterprise(credit_code)
    verified = flow.close(_signer(reader, signer), carbon, year)
    click.echo(f"{credit_code} {year}: Closed, verified emissions {verified / 1e6:.6f} tCO2e")


@verification.command("status")
@_ENTERPRISE
@_YEAR
@click.pass_context
def verification_status(ctx: click.Context, credit_code: str, year: int) -> None:
    """Where the verification of an enterprise-year stands, with every verdict."""
    reader = _reader(ctx)
    flow = Workflow(reader, _transactor(reader))
    carbon, _ = reader.enterprise(credit_code)
    verdicts = flow.verification.functions.verdicts(carbon.address, year).call()
    _emit(
        {
            "state": flow.state(carbon, year),
            "verdicts": [
                {
                    "passed": v[0],
                    "recomputed_tco2e": f"{v[1] / 1e6:.6f}",
                    "report": "0x" + v[2].hex(),
                    "agency": v[3],
                    "at": v[4],
                    "reason": v[5],
                }
                for v in verdicts
            ],
        }
    )


def _submit_verdict(
    reader: ChainReader,
    agency: LocalAccount,
    credit_code: str,
    year: int,
    report: Any,
    document: bytes,
) -> None:
    carbon, _ = reader.enterprise(credit_code)
    failures = [f"{c.subject}: {c.reason}" for c in report.checks if c.status == "fail"]
    verdict = Verdict(
        report.passed,
        report.recomputed_total_micro,
        reader.store.put(document),
        "; ".join(failures[:3])[:900],
    )
    state = Workflow(reader, _transactor(reader)).record(agency, carbon, year, verdict)
    click.echo(f"  verdict recorded on chain; the verification is now {state}")


if __name__ == "__main__":
    main()
