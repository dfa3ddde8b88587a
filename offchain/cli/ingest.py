"""`carbon ingest`: metering devices on chain, the reading service, and closing a month."""

from pathlib import Path
from typing import TYPE_CHECKING

import click

from offchain.cli import options
from offchain.cli.app import App, pass_app
from offchain.cli.output import emit, listing, when

if TYPE_CHECKING:
    from offchain.ingest.store import ReadingStore

DEFAULT_DB = "sqlite:///.ingest/readings.db"
DB = click.option(
    "--db",
    "db_url",
    envvar="CARBON_INGEST_DB",
    default=DEFAULT_DB,
    show_default=True,
    help="Reading database: any SQLAlchemy URL (SQLite file by default).",
)
DEVICE = click.option("--device", "device_id", required=True, help="Device id (1-32 ASCII).")


@click.group()
def ingest() -> None:
    """Meter readings: devices on chain, the HTTP service devices post to, monthly closing."""


@ingest.group("device")
def device() -> None:
    """The enterprise's metering devices in the DeviceRegistry (carbon administrator)."""


@device.command("register")
@options.ENTERPRISE
@DEVICE
@click.option(
    "--signer",
    "device_signer",
    required=True,
    help="Address of the device's secp256k1 signing key.",
)
@click.option("--description", default="", help="What and where the device measures.")
@options.AS
@pass_app
def device_register(
    app: App,
    credit_code: str,
    device_id: str,
    device_signer: str,
    description: str,
    signer: str,
) -> None:
    """Register a device and its signing address (enterprise administrator; idempotent)."""
    from offchain.ingest import devices

    admin = app.signer(signer)
    created = devices.register(
        app.reader, app.tx, admin, credit_code, device_id, device_signer, description
    )
    state = "registered" if created else "already registered"
    click.echo(f"{credit_code} device {device_id}: {state} (signer {device_signer})")


@device.command("retire")
@options.ENTERPRISE
@DEVICE
@options.AS
@pass_app
def device_retire(app: App, credit_code: str, device_id: str, signer: str) -> None:
    """Retire a device: its readings are refused from now on (enterprise administrator)."""
    from offchain.ingest import devices

    retired = devices.retire(app.reader, app.tx, app.signer(signer), credit_code, device_id)
    click.echo(f"{credit_code} device {device_id}: {'retired' if retired else 'already retired'}")


@device.command("list")
@options.ENTERPRISE
@options.JSON
@pass_app
def device_list(app: App, credit_code: str, as_json: bool) -> None:
    """Every device of an enterprise, retired ones included."""
    from offchain.ingest import devices

    carbon = app.carbon(credit_code)
    rows = [
        {
            "device": d.id,
            "signer": d.signer,
            "registered_at": d.registered_at,
            "retired_at": d.retired_at or None,
            "description": d.description,
        }
        for d in devices.devices(app.reader, carbon)
    ]
    listing(
        rows,
        (
            ("device", "device"),
            ("signer", "signer"),
            ("registered", lambda r: when(r["registered_at"])),
            ("retired", lambda r: when(r["retired_at"]) if r["retired_at"] else None),
            ("description", "description"),
        ),
        as_json,
        title=f"{len(rows)} devices of {credit_code}",
    )


@ingest.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8700, show_default=True, help="Port (0: any free port).")
@DB
@click.option(
    "--ttl",
    default=10.0,
    show_default=True,
    help="Seconds a device or standards lookup is cached (a retirement takes this long).",
)
@pass_app
def serve(app: App, host: str, port: int, db_url: str, ttl: float) -> None:
    """Serve POST /readings and GET /health until interrupted; prints the URL first."""
    from offchain.ingest.devices import DeviceDirectory
    from offchain.ingest.service import create_app
    from offchain.ingest.service import serve as run

    store = _store(db_url)
    service = create_app(store, DeviceDirectory(app.reader, ttl=ttl))
    run(service, host, port, lambda url: click.echo(url))


@ingest.command("close")
@options.ENTERPRISE
@click.option("--year", type=click.IntRange(1900, 9999), required=True, help="Year, e.g. 2023.")
@click.option("--month", type=click.IntRange(1, 12), required=True, help="Month (1-12).")
@DB
@options.folder("--out", ".ingest/closed", "Where the document and the readings files go.")
@options.AS
@options.WRITER
@options.OUTCOME_JSON
@pass_app
def close(
    app: App,
    credit_code: str,
    year: int,
    month: int,
    db_url: str,
    out: Path,
    signer: str,
    writer_spec: str | None,
    as_json: bool,
) -> None:
    """Aggregate a month's readings into an activity document and submit it (idempotent)."""
    from offchain.actions.enterprise import EnterpriseBackend, Submission
    from offchain.core.units import tonnes
    from offchain.ingest.closing import close_and_write

    reader = app.reader
    carbon = reader.enterprise(credit_code).carbon
    written = close_and_write(
        _store(db_url), reader, carbon, credit_code, year, month, out, reader.profile(carbon).name
    )
    backend = EnterpriseBackend(
        reader, app.tx, app.store, app.signer(writer_spec or signer), app.signer(signer)
    )
    outcome = backend.submit(
        Submission(
            credit_code,
            year,
            written.title,
            written.document,
            evidence=(written.readings, written.root),
            month=month,
        )
    )
    shown = {
        "credit_code": credit_code,
        "year": year,
        "month": month,
        "readings": written.count,
        "merkle_root": written.merkle_root,
        "record": outcome.index,
        "data": outcome.data,
        "total_tco2e": tonnes(outcome.result.total_micro_tonnes()),
        "created": outcome.created,
        "document": str(written.document),
        "readings_file": str(written.readings),
    }
    if as_json:
        emit(shown)
        return
    state = "submitted" if outcome.created else "already submitted"
    click.echo(
        f"{credit_code} {year}-{month:02d}: {written.count} readings, root {written.merkle_root}; "
        f"{state} as record #{outcome.index} ({shown['total_tco2e']} tCO2e)"
    )


def _store(db_url: str) -> "ReadingStore":
    from offchain.ingest.store import ReadingStore

    if db_url == DEFAULT_DB:
        Path(".ingest").mkdir(exist_ok=True)
    return ReadingStore(db_url)
