"""Meter readings end to end: devices registered on chain, a real uvicorn service on loopback,
readings posted and refused, a month closed into a record whose evidence commits to every
reading, the verifier's checks on it, and the service killed with SIGKILL under load."""

import json
from pathlib import Path

import pytest
import requests
from e2e_support import onboard

from bench.ingest_bench import (
    Service,
    device_key,
    device_signers,
    drive,
    durability,
    signed_readings,
    this_month,
)
from offchain.calc import standards
from offchain.chain.reader import ChainReader
from offchain.chain.transact import Transactor
from offchain.core.credit_code import with_check
from offchain.ingest import devices
from offchain.ingest.aggregate import READINGS_KIND, ROOT_KIND
from offchain.ingest.check import check_month
from offchain.ingest.readings import Reading, address_of, canonical
from offchain.verify.verifier import Verifier

CODE = with_check("91110000MA01E2E00")
DEVICES = 4
RETIRED = "meter-old"
STRANGER_KEY = bytes.fromhex("77" * 32)
YEAR, MONTH = this_month()


@pytest.fixture(scope="module")
def enterprise(reader):
    tx = Transactor(reader.w3, reader.errors)
    carbon, _ = onboard(reader, tx, CODE, "计量示范电厂")
    return carbon


@pytest.fixture(scope="module")
def registered(enterprise, carbon):
    """DEVICES devices registered through the CLI, and one more, retired."""
    for name, signer in device_signers(DEVICES):
        result = carbon(
            "ingest", "device", "register", "--enterprise", CODE, "--device", name,
            "--signer", signer, "--description", "皮带秤", "--as", "dev:3",
        )  # fmt: skip
        assert result.exit_code == 0, result.output
    old = address_of(device_key(99))
    for args in (
        ("register", "--signer", old, "--as", "dev:3"),
        ("retire", "--as", "dev:3"),
    ):
        command, *rest = args
        result = carbon(
            "ingest", "device", command, "--enterprise", CODE, "--device", RETIRED, *rest
        )
        assert result.exit_code == 0, result.output
    return device_signers(DEVICES)


@pytest.fixture(scope="module")
def service(registered, manifest_file, tmp_path_factory):
    folder = tmp_path_factory.mktemp("ingest")
    running = Service(manifest_file, f"sqlite:///{folder / 'readings.db'}", folder / "log")
    running.start()
    yield running
    running.stop()


def post(service: Service, readings: list) -> dict:
    body = [r.to_json() if isinstance(r, Reading) else r for r in readings]
    answer = requests.post(f"{service.url}/readings", json=body, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()


def reading(reading_id: str, n: int = 0, key: bytes | None = None, **fields) -> Reading:
    """A reading of device `n` (signed with its key unless `key` says otherwise)."""
    values = {
        "device": f"meter-{n:03d}",
        "enterprise": CODE,
        "group": "fuel",
        "row": "燃料油",
        "quantity": "10.5",
        "unit": "t",
        "year": YEAR,
        "month": MONTH,
        **fields,
    }
    return Reading(reading_id, **values).signed(key or device_key(n))


GOOD = [
    reading("e2e-001", 0),
    reading("e2e-002", 1, quantity="4.25"),
    reading("e2e-003", 2, group="electricity", row="净购入使用的电力", quantity="7", unit="MWh"),
]


@pytest.fixture(scope="module")
def posted(service):
    return post(service, GOOD)


def test_the_service_answers_its_health(service):
    assert requests.get(f"{service.url}/health", timeout=5).json()["status"] == "ok"


def test_signed_readings_of_registered_devices_are_accepted(posted):
    assert [r["status"] for r in posted["results"]] == ["accepted"] * 3


def test_a_reading_posted_again_is_acknowledged_as_duplicate_and_kept_once(service, posted):
    again = post(service, [GOOD[0]])
    assert again["results"][0]["status"] == "duplicate"


def test_a_reading_id_reused_for_other_content_is_refused_as_a_conflict(service, posted):
    answer = post(service, [reading("e2e-001", 0, quantity="11")])["results"][0]
    assert (answer["status"], answer["reason"]) == ("refused", "conflict")


def test_the_device_list_shows_the_registered_and_the_retired(carbon, registered):
    result = carbon("ingest", "device", "list", "--enterprise", CODE, "--json")
    assert result.exit_code == 0, result.output
    shown = {d["device"]: d for d in json.loads(result.output)}
    assert shown["meter-000"]["signer"] == registered[0][1]
    assert shown[RETIRED]["retired_at"] is not None


@pytest.mark.parametrize(
    "bad, reason",
    [
        (reading("bad-sig", 0, key=STRANGER_KEY), "bad-signature"),
        (reading("bad-dev", 0, device="meter-xyz"), "unknown-device"),
        (reading("bad-old", 0, device=RETIRED, key=device_key(99)), "retired-device"),
        (reading("bad-unit", 0, unit="kg"), "unit-mismatch"),
        (reading("bad-grp", 0, group="steam"), "unknown-group"),
        (reading("bad-row", 0, row="核燃料"), "unknown-row"),
        (reading("bad-when", 0, year=2020, month=1), "device-not-in-service"),
        ({"reading_id": "bad-json", "quantity": "1"}, "malformed"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_a_wrong_reading_is_refused_with_its_reason(service, bad, reason):
    answer = post(service, [bad])["results"][0]
    assert (answer["status"], answer["reason"]) == ("refused", reason), answer


def test_only_the_enterprise_administrator_registers_a_device(carbon, registered):
    args = ["--enterprise", CODE, "--device", "meter-z", "--signer", registered[0][1]]
    result = carbon("ingest", "device", "register", *args, "--as", "dev:7")
    assert result.exit_code == 1
    assert "lacks ENTERPRISE_ADMIN" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_a_month_without_readings_is_not_closed(carbon, service, tmp_path):
    args = ["--enterprise", CODE, "--year", "2020", "--month", "1", "--db", service.db_url]
    result = carbon("ingest", "close", *args, "--out", str(tmp_path), "--as", "dev:3")
    assert result.exit_code == 1
    assert result.output.strip().endswith(f"{CODE} has no readings for 2020-01")


def test_a_tampered_reading_is_refused_as_a_bad_signature(service):
    tampered = {**reading("e2e-tamper", 0).to_json(), "quantity": "99999"}
    assert post(service, [tampered])["results"][0]["reason"] == "bad-signature"


@pytest.fixture(scope="module")
def closed(carbon, service, posted, tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("closed")
    args = ["ingest", "close", "--enterprise", CODE, "--year", str(YEAR), "--month", str(MONTH)]
    args += ["--db", service.db_url, "--out", str(out), "--as", "dev:3", "--writer", "dev:4"]
    result = carbon(*args, "--json")
    assert result.exit_code == 0, result.output
    again = carbon(*args, "--json")
    assert again.exit_code == 0, again.output
    return {"first": json.loads(result.output), "again": json.loads(again.output)}


def test_closing_a_month_files_one_record_and_closing_it_again_files_none(closed):
    assert closed["first"]["created"] is True
    assert closed["again"]["created"] is False
    assert closed["again"]["record"] == closed["first"]["record"]
    assert closed["first"]["readings"] == 3


def test_the_record_s_document_commits_to_the_readings_and_their_root(reader, closed):
    record = reader.record(reader.enterprise(CODE).carbon, YEAR, closed["first"]["record"])
    document = json.loads(reader.document(reader.enterprise(CODE).data_layer, record.data))
    kinds = {e["kind"]: e for e in document["extrainfo"]}
    root_file = Path(closed["first"]["readings_file"]).with_name(
        f"readings_root_{CODE}_{YEAR}{MONTH:02d}.json"
    )
    assert json.loads(root_file.read_bytes())["merkle_root"] == closed["first"]["merkle_root"]
    assert {READINGS_KIND, ROOT_KIND} <= kinds.keys()
    assert document["records"] == [
        {"electricity": "净购入使用的电力", "AC": 7, "unit": "MWh"},
        {"fuel": "燃料油", "FC": 14.75, "unit": "t"},
    ]


def month_files(reader, closed) -> tuple[dict, bytes, bytes]:
    """The record's document (from chain) and its readings and root files (from the store)."""
    found = reader.enterprise(CODE)
    record = reader.record(found.carbon, YEAR, closed["first"]["record"])
    document = json.loads(reader.document(found.data_layer, record.data))
    kinds = {e["kind"]: e["datalayerhash"] for e in document["extrainfo"]}
    return (
        document,
        reader.document(found.data_layer, kinds[READINGS_KIND]),
        reader.document(found.data_layer, kinds[ROOT_KIND]),
    )


def test_the_verifier_checks_pass_on_the_closed_month(reader, closed):
    document, readings_file, root_file = month_files(reader, closed)
    factors = standards.from_chain(reader, "01").factors
    assert (
        check_month(
            document, readings_file, root_file, CODE, devices.registered(reader, CODE), factors
        )
        == []
    )


def test_the_offline_verifier_checks_the_readings_of_the_closed_month(reader, closed, chain):
    report = Verifier(ChainReader(chain.provider.uri, reader.manifest, reader.store)).verify(
        CODE, YEAR
    )
    (check,) = [c for c in report.checks if c.id == "record.meter-readings"]
    assert check.status == "pass", check.reason
    assert "3 readings, each signed by a registered device" in check.reason


def test_the_verifier_checks_name_the_reading_altered_in_the_file(reader, closed):
    document, readings_file, root_file = month_files(reader, closed)
    lines = readings_file.splitlines()
    altered = {**json.loads(lines[1]), "quantity": "4.26"}
    lines[1] = canonical(altered)
    findings = check_month(
        document, b"\n".join(lines) + b"\n", root_file, CODE, devices.registered(reader, CODE)
    )
    named = {f.reading_id for f in findings if f.reading_id}
    assert named == {"e2e-002"}
    assert any("Merkle root" in f.message for f in findings)


def test_every_acknowledged_reading_survives_a_sigkill_exactly_once(
    registered, manifest_file, tmp_path
):
    readings = signed_readings(CODE, DEVICES, 2000, YEAR, MONTH, prefix="kill")
    running = Service(manifest_file, f"sqlite:///{tmp_path / 'load.db'}", tmp_path / "log")
    running.start()
    try:
        tally = drive(running, readings, batch=100, workers=4, kill_after=700, deadline_s=60)
    finally:
        running.stop()
    held = durability(running.db_url, readings, tally)
    assert tally.kills == 1
    assert tally.refused == []
    assert held.holds, (held.missing[:5], held.altered[:5], held.stored, held.acknowledged)
    assert held.stored == 2000
