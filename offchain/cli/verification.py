"""`carbon verification`: the yearly verification of an enterprise — open and assign, close
(regulator), status (anyone)."""

import click

from offchain.cli import options
from offchain.cli.app import App, pass_app
from offchain.cli.output import emit, listing, table, when


@click.group()
def verification() -> None:
    """The yearly verification: open and assign, close (regulator), status (anyone)."""


@verification.command("open")
@options.enterprise_year
@click.option("--agency", "agency_address", required=True, help="Approved agency to assign.")
@options.AS
@pass_app
def verification_open(
    app: App, credit_code: str, year: int, agency_address: str, signer: str
) -> None:
    """Open an enterprise-year and assign an approved agency (idempotent)."""
    from eth_utils import is_address, to_checksum_address

    carbon, flow = app.carbon(credit_code), app.workflow
    if not is_address(agency_address):
        raise click.UsageError(f"--agency {agency_address!r} is not an Ethereum address")
    flow.open_and_assign(app.signer(signer), carbon, year, to_checksum_address(agency_address))
    click.echo(f"{credit_code} {year}: {flow.state(carbon, year)}")


@verification.command("close")
@options.enterprise_year
@options.AS
@pass_app
def verification_close(app: App, credit_code: str, year: int, signer: str) -> None:
    """Close a passed year with the agency's recomputed total as the verified emissions."""
    from offchain.core.units import tonnes

    verified = app.workflow.close(app.signer(signer), app.carbon(credit_code), year)
    click.echo(f"{credit_code} {year}: Closed, verified emissions {tonnes(verified)} tCO2e")


@verification.command("reject")
@options.enterprise_year
@click.option("--reason", required=True, help="Why the passing verdict is taken back.")
@options.AS
@pass_app
def verification_reject(app: App, credit_code: str, year: int, reason: str, signer: str) -> None:
    """Take back a Passed verdict before closing (regulator): kept in the history with its
    reason; the year stays frozen and waits for an agency to be assigned again."""
    carbon, flow = app.carbon(credit_code), app.workflow
    flow.reject(app.signer(signer), carbon, year, reason)
    click.echo(f"{credit_code} {year}: {flow.state(carbon, year)}")


@verification.command("list")
@click.option("--agency", "agency_address", default=None, help="Only this agency's years.")
@options.JSON
@pass_app
def verification_list(app: App, agency_address: str | None, as_json: bool) -> None:
    """Every enterprise-year an agency was assigned, with where its verification stands now."""
    from eth_utils import is_address

    from offchain.core.units import tonnes

    if agency_address is not None and not is_address(agency_address):
        raise click.UsageError(f"--agency {agency_address!r} is not an Ethereum address")
    reader = app.reader
    rows = []
    for carbon, year, agency in reader.assignments(agency_address):
        summary = reader.verification(carbon, year)
        if summary.agency != agency:
            continue  # reassigned since: the later assignment is listed
        rows.append(
            {
                "enterprise": reader.profile(carbon).credit_code,
                "year": year,
                "agency": agency,
                "state": str(summary.state),
                "verdicts": summary.verdicts,
                "verified_tco2e": tonnes(summary.verified_emissions)
                if summary.verified_emissions
                else None,
            }
        )
    listing(
        rows,
        (
            ("enterprise", "enterprise"),
            ("year", "year"),
            ("agency", "agency"),
            ("state", "state"),
            ("verdicts", "verdicts"),
            ("verified tCO2e", "verified_tco2e"),
        ),
        as_json,
        title=f"{len(rows)} assigned enterprise-years",
    )


@verification.command("status")
@options.enterprise_year
@options.JSON
@pass_app
def verification_status(app: App, credit_code: str, year: int, as_json: bool) -> None:
    """Where the verification of an enterprise-year stands, with every verdict and its reason."""
    from offchain.core.units import tonnes

    reader, carbon = app.reader, app.carbon(credit_code)
    summary = reader.verification(carbon, year)
    verdicts = [
        {
            "passed": v.passed,
            "recomputed_tco2e": tonnes(v.recomputed),
            "report": v.report,
            "agency": v.agency,
            "at": v.at,
            "reason": v.reason,
        }
        for v in reader.verdicts(carbon, year)
    ]
    rejections = [
        {"verdict": r.verdict, "regulator": r.regulator, "at": r.at, "reason": r.reason}
        for r in reader.rejections(carbon, year)
    ]
    if as_json:
        emit({"state": str(summary.state), "verdicts": verdicts, "rejections": rejections})
        return
    closed = (
        f", verified emissions {tonnes(summary.verified_emissions)} tCO2e"
        if summary.verified_emissions
        else ""
    )
    click.echo(f"{credit_code} {year}: {summary.state}, agency {summary.agency}{closed}")
    if verdicts:
        table(
            ("#", "verdict", "recomputed tCO2e", "agency", "at", "report", "reason"),
            [
                (
                    n,
                    "pass" if v["passed"] else "FAIL",
                    v["recomputed_tco2e"],
                    v["agency"],
                    when(v["at"]),
                    v["report"][:18] + "…",
                    v["reason"],
                )
                for n, v in enumerate(verdicts, start=1)
            ],
        )
    for r in rejections:
        click.echo(
            f"  verdict #{r['verdict'] + 1} rejected by the regulator {r['regulator']} on "
            f"{when(r['at'])}: {r['reason']}"
        )
