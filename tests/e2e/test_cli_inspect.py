"""`carbon inspect` against the deployed suite: one enterprise onboarded with a submitted record
and a verified year, a role granted and another revoked, and a transaction that failed."""

import json
import re
from pathlib import Path
from typing import Any

import pytest
from e2e_support import AGENCY, OUTSIDER, REGULATOR, WRITER, cli_onboard, submit_args

from offchain.actions.verification import VerdictSubmission, Workflow
from offchain.chain.bindings import ROLES
from offchain.chain.reader import ChainReader
from offchain.chain.transact import Transactor
from offchain.core import crypto
from offchain.core.credit_code import with_check
from offchain.inspect.catalog import Catalog
from offchain.inspect.contracts import describe
from offchain.inspect.enterprise import read_enterprise
from offchain.inspect.resolve import Suite
from offchain.inspect.sources import Match, Verifier, compile_sources, find_creations, solc

CODE = with_check("91110000EXPLR0001")
YEAR = 2023
ONE_LINE = re.compile(r"\AError: [^\n]+\n\Z")


@pytest.fixture(scope="module")
def explored(carbon, reader, activity_module, evidence_module):
    """What the tests inspect: hashes of the role and failed transactions, and the record."""
    cli_onboard(carbon, CODE, "巡检示范电厂")
    may = _variant(activity_module, "may.json", period={"year": YEAR, "month": 5})
    for activity, title in ((activity_module, "2023年4月"), (may, "2023年5月")):
        submitted = carbon(
            *submit_args(CODE, activity, title, "dev:3", evidence_module), "--writer", "dev:4"
        )
        assert submitted.exit_code == 0, submitted.output
    which = ("--enterprise", CODE, "--year", str(YEAR))
    invalidated = carbon(
        *("enterprise", "invalidate", *which, "--index", "1"),
        *("--reason", "电表读数录入错误", "--as", "dev:3"),
    )
    assert invalidated.exit_code == 0, invalidated.output
    why = activity_module.parent / "rectification.txt"
    why.write_text("整改说明: 四月台账更正\n", "utf-8")
    rectified = carbon(
        *("enterprise", "rectify", *which, "--index", "0", "--title", "2023年4月(整改后)"),
        *("--activity", str(_variant(activity_module, "april2.json", title="四月(整改后)"))),
        *("--rectification-evidence", str(why), "--as", "dev:3", "--writer", "dev:4"),
        *(arg for path in evidence_module for arg in ("--evidence", str(path))),
    )
    assert rectified.exit_code == 0, rectified.output
    tx = Transactor(reader.w3, reader.errors)
    flow = Workflow(reader, tx)
    carbon_address = reader.enterprise(CODE).carbon
    flow.approve(REGULATOR, AGENCY.address, crypto.public_key_of(bytes(AGENCY.key)), "核查", "L")
    flow.open_and_assign(REGULATOR, carbon_address, YEAR, AGENCY.address)
    valid = sum(r.result for r in reader.records(carbon_address, YEAR) if r.valid)
    flow.record(AGENCY, carbon_address, YEAR, VerdictSubmission(True, valid, "0x" + "ab" * 32, ""))
    keys = reader.singleton("KeyDirectory").functions
    granted = tx.send(REGULATOR, keys.grantRole(ROLES["DATA_WRITER"], OUTSIDER.address), "grant")
    tx.send(REGULATOR, keys.grantRole(ROLES["STANDARDS_EDITOR"], WRITER.address), "grant")
    tx.send(REGULATOR, keys.revokeRole(ROLES["DATA_WRITER"], OUTSIDER.address), "revoke")
    return {
        "grant": "0x" + bytes(granted["transactionHash"]).hex(),
        "failed": _failed_deprecation(reader),
        "carbon": carbon_address,
    }


def _variant(activity: Path, name: str, **changes: Any) -> Path:
    """A copy of the activity document with some top-level fields changed."""
    document = json.loads(activity.read_text("utf-8"))
    document.update(changes)
    path = activity.parent / name
    path.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    return path


def _failed_deprecation(reader: ChainReader) -> str:
    """An outsider's deprecation of a standard, mined (gas given, so nothing estimates it first)
    and reverted."""
    call = reader.index.functions.deprecate("GB_01_factor_20231001_0000", "过期")
    fields = {"from": OUTSIDER.address, "gas": 300_000}
    fields["nonce"] = reader.w3.eth.get_transaction_count(OUTSIDER.address)
    signed = OUTSIDER.sign_transaction(call.build_transaction(fields))
    tx_hash = reader.w3.eth.send_raw_transaction(signed.raw_transaction)
    receipt = reader.w3.eth.wait_for_transaction_receipt(tx_hash)
    assert receipt["status"] == 0
    return "0x" + bytes(tx_hash).hex()


def inspect_json(carbon, *args: str):
    result = carbon("inspect", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_a_singleton_is_a_uups_proxy_with_its_implementation_version_and_regulator(
    carbon, explored, reader
):
    view = inspect_json(carbon, "contract", "CarbonIndex")
    assert view["proxy"] == "UUPS (ERC-1967)"
    assert view["implementation"] == reader.manifest.implementations["CarbonIndex"]
    assert view["version"] and view["kind"] == "CarbonIndex"
    assert REGULATOR.address in view["roles"]["REGULATOR"]
    assert "GB_01_factor" in view["state"]["seriesList"]


def test_an_enterprise_by_credit_code_is_a_beacon_proxy_running_the_beacons_implementation(
    carbon, explored, reader
):
    view = inspect_json(carbon, "contract", CODE)
    assert view["proxy"] == "beacon proxy (ERC-1967)" and view["kind"] == "EnterpriseCarbon"
    assert view["implementation"] == reader.manifest.implementations["EnterpriseCarbon"]
    assert view["state"]["profile"]["creditCode"] == CODE
    beacon = inspect_json(carbon, "contract", view["beacon"])
    assert beacon["label"] == "EnterpriseCarbon beacon"
    assert beacon["implementation"] == view["implementation"]
    assert beacon["admin"] == reader.manifest.address("EnterpriseFactory")


def test_roles_are_rebuilt_from_the_grants_and_revocations(carbon, explored):
    roles = inspect_json(carbon, "contract", "KeyDirectory")["roles"]
    assert roles["STANDARDS_EDITOR"] == [WRITER.address]
    assert OUTSIDER.address not in roles.get("DATA_WRITER", [])


def test_one_contracts_state_takes_at_most_three_round_trips(explored, reader):
    fresh = ChainReader(reader.provider.endpoint_uri, reader.manifest)
    target = Suite(fresh).resolve(CODE)
    before = fresh.round_trips
    describe(fresh, target)
    assert fresh.round_trips - before <= 3


def test_events_of_an_enterprise_are_decoded_oldest_first_with_their_sender(carbon, explored):
    rows = inspect_json(carbon, "events", CODE)
    blocks = [(r["block"], r["log_index"]) for r in rows]
    assert blocks == sorted(blocks)
    submitted = [r for r in rows if r["event"] == "RecordSubmitted"]
    titles = [r["args"]["title"] for r in submitted]
    assert titles == ["2023年4月", "2023年5月", "2023年4月(整改后)"]
    assert submitted[0]["args"]["year"] == YEAR
    assert submitted[0]["contract"] == f"EnterpriseCarbon of {CODE}"
    assert submitted[0]["sender"] == "0x90F79bf6EB2c4f870365E785982E1f101E93b906"  # dev:3
    assert any(r["contract"] == f"DataLayer of {CODE}" for r in rows)


def test_events_filtered_by_kind_and_first_block(carbon, explored):
    every = inspect_json(carbon, "events", "KeyDirectory", "--kind", "RoleGranted")
    assert {r["event"] for r in every} == {"RoleGranted"}
    last = every[-1]["block"]
    later = inspect_json(carbon, "events", "KeyDirectory", "--from", str(last))
    assert later and all(r["block"] >= last for r in later)
    assert {r["event"] for r in later} == {"RoleGranted", "RoleRevoked"}


def test_a_failed_transaction_names_its_custom_error(carbon, explored):
    view = inspect_json(carbon, "tx", explored["failed"])
    assert view["status"] == "failed" and view["function"] == "deprecate"
    assert view["args"] == {"name": "GB_01_factor_20231001_0000", "reason": "过期"}
    assert view["error_name"] == "AccessControlUnauthorizedAccount"
    assert (
        view["error"].lower()
        == (
            f"AccessControlUnauthorizedAccount(account={OUTSIDER.address}, neededRole=REGULATOR)"
        ).lower()
    )


def test_a_transaction_shows_its_call_and_events_decoded(carbon, explored):
    view = inspect_json(carbon, "tx", explored["grant"])
    assert view["function"] == "grantRole" and view["contract"] == "KeyDirectory"
    assert view["args"] == {"role": "DATA_WRITER", "account": OUTSIDER.address}
    (event,) = view["events"]
    assert event["event"] == "RoleGranted" and event["args"]["sender"] == REGULATOR.address
    shown = carbon("inspect", "tx", explored["grant"])
    assert shown.exit_code == 0 and "grantRole(role=DATA_WRITER" in shown.output


def test_a_contract_creation_names_the_contract_it_made_and_its_constructors_events(
    carbon, explored, reader
):
    proxy = reader.manifest.address("KeyDirectory")
    (creation,) = find_creations(reader, [proxy]).values()
    view = inspect_json(carbon, "tx", creation.tx)
    assert view["created"] == proxy and view["to"] is None and view["function"] is None
    assert view["events"][0]["event"] == "Upgraded"
    assert (
        view["events"][0]["args"]["implementation"]
        == reader.manifest.implementations["KeyDirectory"]
    )


def test_the_index_lists_each_name_with_registrar_transaction_and_the_upgrade_history(
    carbon, explored, reader
):
    view = inspect_json(carbon, "index")
    series = {s["series"]: s for s in view["series"]}
    factor = series["GB_01_factor"]
    (entry,) = factor["names"]
    assert factor["current"] == entry["name"] == "GB_01_factor_20231001_0000"
    assert entry["registrar"] == REGULATOR.address and entry["deprecated"] is None
    assert entry["tx"].startswith("0x") and entry["block"] > 0
    upgraded = {(u["contract"], u["event"]) for u in view["upgrades"]}
    assert ("CarbonIndex", "Upgraded") in upgraded
    assert ("CarbonIndex", "ProxyTracked") in upgraded


def test_an_enterprise_shows_its_records_invalidated_with_the_reason_and_rectified_with_links(
    carbon, explored
):
    view = inspect_json(carbon, "enterprise", CODE, "--year", str(YEAR))
    assert view["profile"]["name"] == "巡检示范电厂"
    (year,) = view["years"]
    april, may, rectified = year["records"]
    assert (april["title"], april["record"]["valid"], april["replaced_by"]) == (
        "2023年4月",
        False,
        2,
    )
    assert (may["record"]["valid"], may["invalidation_reason"]) == (False, "电表读数录入错误")
    assert (rectified["title"], rectified["replaces"]) == ("2023年4月(整改后)", 0)
    assert rectified["record"]["valid"] and rectified["record"]["rectification_evidence"]
    shown = carbon("inspect", "enterprise", CODE)
    assert shown.exit_code == 0, shown.output
    assert "invalidated: 电表读数录入错误" in shown.output and "rectified by #2" in shown.output


def test_an_enterprise_shows_the_verdict_on_its_year(carbon, explored):
    (year,) = inspect_json(carbon, "enterprise", CODE)["years"]
    assert year["verification"]["state"] == "Passed"
    (verdict,) = year["verdicts"]
    assert verdict["passed"] and verdict["agency"] == AGENCY.address
    # Not notified yet: the compliance cycle has not reached the year.
    assert (year["compliance"]["entry"]["state"], year["compliance"]["live"]) == ("None", "None")


def test_an_enterprise_with_every_year_takes_two_round_trips(explored, reader):
    fresh = ChainReader(reader.provider.endpoint_uri, reader.manifest)
    read_enterprise(fresh, Catalog.of(fresh.manifest), CODE, None)
    assert fresh.round_trips == 2


@pytest.mark.parametrize(
    "args, says",
    [
        (("contract", "0x" + "12" * 20), "is no contract of this deployment"),
        (("contract", "GB_09_factor_20231001_0000"), "no standard named"),
        (("events", with_check("91110000NEMPTY001")), "no enterprise with credit code"),
        (("enterprise", with_check("91110000NEMPTY001")), "no enterprise with credit code"),
        (("enterprise", "91110000NEMPTY0010"), "its check character is"),
        (("events", "KeyDirectory", "--kind", "Nothing"), "no suite contract emits Nothing"),
        (("tx", "0x" + "00" * 32), "knows no mined transaction"),
        (("tx", "0x1234"), "is not a transaction hash"),
        (("contract", "nonsense"), "is neither an address"),
    ],
)
def test_what_is_not_in_the_suite_is_a_one_line_error(carbon, explored, args, says):
    result = carbon("inspect", *args)
    assert result.exit_code != 0
    assert ONE_LINE.match(result.output) and says in result.output, result.output


# -- source verification -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def build():
    """The sources compiled afresh (cached per state of the sources under .build/inspect)."""
    return compile_sources()


def _deploy(reader: ChainReader, creation: bytes) -> str:
    fields = {"from": REGULATOR.address, "data": "0x" + creation.hex(), "gas": 10_000_000}
    fields["nonce"] = reader.w3.eth.get_transaction_count(REGULATOR.address)
    fields["chainId"] = reader.w3.eth.chain_id
    fields["gasPrice"] = reader.w3.eth.gas_price
    signed = REGULATOR.sign_transaction(fields)
    receipt = reader.w3.eth.wait_for_transaction_receipt(
        reader.w3.eth.send_raw_transaction(signed.raw_transaction)
    )
    return receipt["contractAddress"]


def _upgrade_key_directory(reader: ChainReader, creation: bytes) -> str:
    """Deploys `creation` and upgrades the KeyDirectory proxy to it; the new implementation."""
    implementation = _deploy(reader, creation)
    proxy = reader.singleton("KeyDirectory").functions
    Transactor(reader.w3, reader.errors).send(
        REGULATOR, proxy.upgradeToAndCall(implementation, b""), "upgrade KeyDirectory"
    )
    return implementation


def test_every_deployed_contract_matches_the_sources(carbon, explored, build):
    checks = inspect_json(carbon, "sources", "--check")
    matches = {c["label"]: c["match"] for c in checks}
    assert matches["CarbonIndex"] == matches["CarbonIndex implementation"] == "perfect"
    assert matches["EnterpriseCarbon beacon"] == "perfect"
    assert matches[f"EnterpriseCarbon of {CODE}"] == matches[f"DataLayer of {CODE}"] == "create2"
    assert set(matches.values()) <= {"perfect", "create2"}


def test_an_implementation_compiled_otherwise_fails_the_check_naming_it(
    carbon, explored, reader, build
):
    other = build.standard_json("KeyDirectory", optimizer={"enabled": True, "runs": 1})
    compiled = solc(other)["contracts"]["contracts/keys/KeyDirectory.sol"]["KeyDirectory"]
    implementation = _upgrade_key_directory(
        reader, bytes.fromhex(compiled["evm"]["bytecode"]["object"])
    )
    result = carbon("inspect", "sources", "--check")
    assert result.exit_code != 0
    last = result.output.strip().splitlines()[-1]
    assert last == (
        "Error: deployed code differs from the sources: "
        f"KeyDirectory implementation at {implementation} (mismatch)"
    )


def test_an_implementation_with_other_metadata_is_a_partial_match(explored, reader, build):
    compiled = build.contract("KeyDirectory")
    creation = bytearray(compiled.creation)
    creation[-20] ^= 0xFF  # inside the metadata hash of the runtime code it deploys
    implementation = _upgrade_key_directory(reader, bytes(creation))
    checks = {c.address: c for c in Verifier(reader, build).check()}
    assert checks[implementation].match is Match.PARTIAL
    assert checks[implementation].label == "KeyDirectory implementation"


def test_the_export_gives_each_contract_what_a_verifier_needs(
    carbon, explored, reader, build, tmp_path
):
    result = carbon("inspect", "sources", "--export", str(tmp_path))
    assert result.exit_code == 0, result.output
    proxy = reader.manifest.address("KeyDirectory")
    folder = tmp_path / f"KeyDirectory-{proxy}"
    info = json.loads((folder / "info.json").read_text("utf-8"))
    standard = json.loads((folder / "input.json").read_text("utf-8"))
    metadata = json.loads((folder / "metadata.json").read_text("utf-8"))
    assert info["contract"] == "contracts/base/CarbonProxy.sol:CarbonProxy"
    assert info["compiler"] == "v" + metadata["compiler"]["version"]
    assert set(standard["sources"]) == set(metadata["sources"])
    creation = reader.w3.eth.get_transaction(info["creation_transaction"])
    assert reader.w3.eth.get_transaction_receipt(creation["hash"])["contractAddress"] == proxy
    implementation = reader.manifest.implementations["KeyDirectory"]
    assert info["constructor_arguments"][26:66].lower() == implementation[2:].lower()
    recompiled = solc(standard)["contracts"]["contracts/base/CarbonProxy.sol"]["CarbonProxy"]
    deployed = bytes(reader.w3.eth.get_code(proxy))
    assert bytes.fromhex(recompiled["evm"]["deployedBytecode"]["object"]) == deployed


def test_the_export_derives_a_factory_made_beacons_constructor_arguments(
    carbon, explored, reader, tmp_path
):
    assert carbon("inspect", "sources", "--export", str(tmp_path)).exit_code == 0
    (folder,) = tmp_path.glob("EnterpriseCarbon_beacon-*")
    info = json.loads((folder / "info.json").read_text("utf-8"))
    factory = reader.manifest.address("EnterpriseFactory")
    assert info["constructor_arguments"][-40:].lower() == factory[2:].lower()
    assert info["creation_transaction"] is not None


def test_a_deprecated_name_is_marked_with_its_reason_and_the_series_has_no_current_name(
    carbon, explored, reader
):
    name = "GB_02_formula_20231001_0000"
    call = reader.index.functions.deprecate(name, "被新版替代")
    Transactor(reader.w3, reader.errors).send(REGULATOR, call, f"deprecate {name}")
    view = inspect_json(carbon, "index")
    (series,) = [s for s in view["series"] if s["series"] == "GB_02_formula"]
    assert series["current"] is None
    assert [(n["name"], n["deprecated"]) for n in series["names"]] == [(name, "被新版替代")]
    shown = carbon("inspect", "index")
    assert "deprecated: 被新版替代" in shown.output


def test_a_standard_by_index_name_is_its_library_with_its_revisions(carbon, explored):
    view = inspect_json(carbon, "contract", "GB_01_factor_20231001_0000")
    assert (view["kind"], view["proxy"]) == ("FactorLibrary", "UUPS (ERC-1967)")
    assert view["state"]["revisionCount"] == 1
    assert (
        view["state"]["latest"]["number"] == 0 and view["state"]["latest"]["revision_"]["version"]
    )
    assert view["state"]["metadata"]["industryCode"] == "01"
