"""An enterprise reporting under the ISO family, submitted and verified like a GB one; a
standards set mixing families is refused at submission and fails the verifier."""

import json
from decimal import Decimal

import pytest
import verify_support as vs
from e2e_support import ADMIN, AGENCY, REGULATOR, WRITER

from offchain.actions import onboarding
from offchain.actions.enterprise import EnterpriseBackend, Submission, standards_set_id
from offchain.calc import standards
from offchain.calc.standards import MixedFamilyError, StandardSet
from offchain.chain.reader import ChainReader
from offchain.chain.transact import Transactor
from offchain.core.credit_code import with_check
from offchain.paths import SEEDS
from offchain.verify.verifier import Verifier

ISO_PLANT = with_check("91440300ENG000001")
SAMPLE = SEEDS / "activity" / "iso_example.json"
ISO_SET = {
    "factor": "ISO_01_factor_20260101_0000",
    "formula": "ISO_01_formula_20260101_0000",
    "calculate": "ISO_calculate_20260101_0000",
}


@pytest.fixture(scope="module")
def tx(reader):
    return Transactor(reader.w3, reader.errors)


@pytest.fixture(scope="module")
def backend(reader, tx, store):
    for account in (WRITER, REGULATOR, AGENCY):
        onboarding.publish_key(reader, tx, account)
    return EnterpriseBackend(reader, tx, store, WRITER, ADMIN)


@pytest.fixture(scope="module")
def submitted(reader, tx, backend):
    """The ISO sample month of an enterprise of industry 01 (module scope: ape reverts the chain
    after every test)."""
    vs.onboard(reader, tx, ISO_PLANT)
    return backend.submit(Submission(ISO_PLANT, vs.YEAR, "2023年4月 (ISO)", SAMPLE))


def test_an_iso_record_is_computed_with_the_iso_set_its_document_pins(submitted):
    assert {kind: entry["name"] for kind, entry in submitted.standards.items()} == ISO_SET
    assert submitted.result.total == Decimal("3256.041100")
    assert submitted.result.items["E_electricity_market"] == Decimal("182.880000")


def test_the_verifier_recomputes_an_iso_record_exactly_as_a_gb_one(submitted, reader, store, chain):
    fresh = ChainReader(chain.provider.uri, reader.manifest, store)
    report = Verifier(fresh).verify(ISO_PLANT, vs.YEAR)
    assert report.passed, report.summary()
    recompute = [c for c in report.checks if c.id == "record.recompute"]
    assert [c.status for c in recompute] == ["pass"]
    assert "3256.041100 tCO2e" in recompute[0].reason
    assert ISO_SET["formula"] in recompute[0].reason


def test_a_document_pinning_gb_factors_with_iso_formulas_is_refused_before_any_transaction(
    submitted, backend, tx, tmp_path
):
    document = json.loads(SAMPLE.read_text("utf-8"))
    document["standards"]["factors"] = "GB_01_factor_20231001_0000"
    document["period"] = {"year": vs.YEAR, "month": 5}
    activity = vs.write(tmp_path / "mixed.json", document)
    sent = tx.sent
    with pytest.raises(MixedFamilyError, match="mixes families") as refused:
        backend.submit(Submission(ISO_PLANT, vs.YEAR, "2023年5月", activity))
    assert tx.sent == sent
    assert "\n" not in str(refused.value)
    assert "GB: GB_01_factor_20231001_0000; ISO: ISO_01_formula_20260101_0000" in str(refused.value)


def test_a_record_on_a_set_mixing_families_fails_the_verifier(submitted, reader, tx, store, chain):
    gb = standards.from_chain(reader, "01", "GB")
    iso = standards.from_chain(reader, "01", "ISO")
    mixed = StandardSet(
        gb.factors,
        iso.formulas,
        iso.code,
        {
            "factor": gb.refs["factor"],
            "formula": iso.refs["formula"],
            "calculate": iso.refs["calculate"],
        },
    )
    set_id = standards_set_id(reader, tx, ADMIN, mixed)
    document = json.loads(SAMPLE.read_text("utf-8"))
    document["period"] = {"year": vs.YEAR, "month": 6}
    vs.RawWriter(reader, tx, ISO_PLANT).record(document, 1, set_id)
    report = Verifier(ChainReader(chain.provider.uri, reader.manifest, store)).verify(
        ISO_PLANT, vs.YEAR
    )
    failed = [c for c in report.checks if c.status == "fail" and c.id == "record.standards"]
    assert len(failed) == 1 and "mixes families" in failed[0].reason
    assert not report.passed


def test_carbon_standards_lists_both_families(submitted, carbon):
    result = carbon("standards")
    assert result.exit_code == 0, result.output
    assert "families GB, ISO" in result.output
    assert "ISO_01_factor_20260101_0000" in result.output
    assert "GB_01_factor_20231001_0000" in result.output


def test_carbon_standards_show_gives_the_ipcc_values_with_their_status(carbon):
    result = carbon("standards", "show", "ISO_01_factor_20260101_0000")
    assert result.exit_code == 0, result.output
    assert "94600" in result.output and "secondary" in result.output
