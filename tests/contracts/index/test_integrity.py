"""CarbonIndex integrity: sets pin document digests; only standards governed by the index's
regulator, with documents in the official DataLayer, are registered; no names dated in the
future; deprecation instead of deletion; paged series history."""

import hashlib
import time

import ape
import pytest
from eth_utils import keccak

NAMES = ("GB_01_factor_20231001_0000", "GB_01_formula_20231001_0000", "GB_calculate_20231001_0000")
STANDARD_DOCUMENT_STORAGE = 0xD50FD7E34746BCD98C4ABCF59FDD98FCD28C36F484C81E1DEC486496E1012F00


def set_of(*names_and_revisions):
    return tuple(names_and_revisions)


def test_a_set_pins_the_digests_of_its_documents(index, standards_set, stored_document):
    resolved = index.resolveStandardsSet(standards_set)
    assert [r.pinned for r in resolved] == [stored_document] * 3
    assert [r.document for r in resolved] == [stored_document] * 3


def test_a_set_resolving_to_other_content_shows_it(
    chain, index, standards_set, stored_document, data_layer, writer
):
    """The silent-upgrade attack's effect: the factor library's revision 0 now names another
    document (written straight into its storage, as a rogue implementation would answer); the
    set still pins the original digest beside it."""
    factor = index.resolveStandardsSet(standards_set)[0].standard
    revisions = STANDARD_DOCUMENT_STORAGE + 3
    document_slot = int.from_bytes(keccak(revisions.to_bytes(32, "big")), "big") + 1
    other = data_layer.storeInState(b'{"other": "factors"}', [], sender=writer).return_value
    chain.provider.make_request(
        "anvil_setStorageAt", [factor, hex(document_slot), "0x" + other.hex()]
    )
    resolved = index.resolveStandardsSet(standards_set)[0]
    assert (resolved.document, resolved.pinned) == (other, stored_document)


def test_the_set_event_names_the_pinned_digests(index, editor, make_library, stored_document):
    names = (
        "GB_02_factor_20231001_0000",
        "GB_02_formula_20231001_0000",
        "GB_calculate_20231002_0000",
    )
    for kind, name in zip(("FactorLibrary", "FormulaLibrary", "CalcCode"), names, strict=True):
        index.register(name, make_library(kind, name).address, sender=editor)
    receipt = index.registerStandardsSet(
        set_of(names[0], 0, names[1], 0, names[2], 0), sender=editor
    )
    [event] = index.StandardsSetPinned.from_receipt(receipt)
    assert (event.factor, event.formula, event.code) == (stored_document,) * 3


# --- who governs what the index registers ----------------------------------------------------


def test_the_index_refuses_a_standard_its_regulator_does_not_govern(
    deploy_proxy, index, editor, stranger, data_layer, stored_document, regulator
):
    foreign = deploy_proxy(
        "FactorLibrary", stranger, editor, index.address, ("01", "2023", "x"), "1.0.0",
        data_layer.address, stored_document, sender=stranger,
    )  # fmt: skip
    with ape.reverts(
        index.NotGovernedByIndex,
        target=foreign.address,
        upgradeIndex=index.address,
        account=regulator.address,
    ):
        index.register("GB_03_factor_20231001_0000", foreign, sender=editor)


def test_the_index_refuses_a_standard_its_registrar_also_governs(
    make_library, index, editor, regulator
):
    library = make_library("FactorLibrary")
    library.grantRole(library.REGULATOR_ROLE(), editor, sender=regulator)
    with ape.reverts(index.NotGovernedByIndex, account=editor.address):
        index.register("GB_03_factor_20231001_0000", library, sender=editor)


def test_the_index_refuses_a_standard_reporting_its_upgrades_elsewhere(
    make_library, index, editor, regulator
):
    library = make_library("FactorLibrary")
    library.setUpgradeIndex("0x" + "00" * 20, sender=regulator)
    with ape.reverts(index.NotGovernedByIndex, upgradeIndex="0x" + "00" * 20):
        index.register("GB_03_factor_20231001_0000", library, sender=editor)


def test_standards_documents_live_in_the_official_data_layer(
    deploy_proxy, index, regulator, editor, writer, make_library, data_layer
):
    other = deploy_proxy("DataLayer", regulator, writer, index.address)
    other.storeInLog(b'{"fake": 1}', [], sender=writer)
    digest = hashlib.sha256(b'{"fake": 1}').digest()
    other.complete(digest, sender=writer)
    library = make_library("FactorLibrary")
    with ape.reverts(
        library.NotOfficialDataLayer, dataLayer=other.address, official=data_layer.address
    ):
        library.publish("2.0.0", other, digest, sender=editor)
    with ape.reverts(library.NotOfficialDataLayer):
        deploy_proxy(
            "FactorLibrary", regulator, editor, index.address, ("01", "2023", "x"), "1.0.0",
            other.address, digest,
        )  # fmt: skip


def test_only_the_regulator_names_the_official_data_layer(index, data_layer, stranger, regulator):
    with ape.reverts(index.AccessControlUnauthorizedAccount):
        index.setOfficialDataLayer(data_layer, sender=stranger)
    assert index.officialDataLayer() == (data_layer.address, regulator.address)


def test_the_official_data_layer_reports_to_the_index(deploy_proxy, index, regulator, writer):
    elsewhere = deploy_proxy("DataLayer", regulator, writer, "0x" + "00" * 20)
    with ape.reverts(index.NotGovernedByIndex):
        index.setOfficialDataLayer(elsewhere, sender=regulator)


# --- dates and deprecation -------------------------------------------------------------------


def test_a_name_dated_in_the_future_is_refused(index, editor, make_library, chain):
    library = make_library("FactorLibrary")
    today = int(time.strftime("%Y%m%d", time.gmtime(chain.pending_timestamp)))
    with ape.reverts(index.NameDatedInTheFuture, date=20990101):
        index.register("GB_01_factor_20990101_0000", library, sender=editor)
    # Today is not the future.
    index.register(f"GB_01_factor_{today}_0000", library, sender=editor)
    assert today > 20240101


@pytest.fixture
def two_names(index, editor, make_library):
    old, new = make_library("FactorLibrary"), make_library("FactorLibrary")
    index.register("GB_05_factor_20230101_0000", old, sender=editor)
    index.register("GB_05_factor_20240101_0000", new, sender=editor)
    return old, new


def test_a_deprecated_name_is_skipped_by_latest_but_still_resolves(index, regulator, two_names):
    old, new = two_names
    receipt = index.deprecate("GB_05_factor_20240101_0000", "wrong grid factor", sender=regulator)
    [event] = index.Deprecated.from_receipt(receipt)
    assert (event.name, event.series, event.reason) == (
        "GB_05_factor_20240101_0000",
        "GB_05_factor",
        "wrong grid factor",
    )
    assert index.latest("GB_05_factor") == ("GB_05_factor_20230101_0000", old.address)
    assert index.resolve("GB_05_factor_20240101_0000") == new.address
    assert index.deprecation("GB_05_factor_20240101_0000") == "wrong grid factor"
    assert index.seriesHistory("GB_05_factor") == [
        "GB_05_factor_20230101_0000",
        "GB_05_factor_20240101_0000",
    ]
    index.deprecate("GB_05_factor_20230101_0000", "superseded", sender=regulator)
    with ape.reverts(index.NoCurrentName, series="GB_05_factor"):
        index.latest("GB_05_factor")


def test_only_the_regulator_deprecates_with_a_reason_once(index, regulator, editor, two_names):
    with ape.reverts(index.AccessControlUnauthorizedAccount):
        index.deprecate("GB_05_factor_20240101_0000", "x", sender=editor)
    with ape.reverts(index.EmptyReason):
        index.deprecate("GB_05_factor_20240101_0000", "", sender=regulator)
    with ape.reverts(index.UnknownName):
        index.deprecate("GB_06_factor_20240101_0000", "x", sender=regulator)
    index.deprecate("GB_05_factor_20240101_0000", "x", sender=regulator)
    with ape.reverts(index.DeprecatedName):
        index.deprecate("GB_05_factor_20240101_0000", "again", sender=regulator)


def test_new_sets_cannot_name_a_deprecated_name(index, regulator, editor, standards_set):
    index.deprecate(NAMES[0], "withdrawn", sender=regulator)
    # The existing set still resolves and is still found.
    assert index.resolveStandardsSet(standards_set)[0].name == NAMES[0]
    assert index.standardsSetId(set_of(NAMES[0], 0, NAMES[1], 0, NAMES[2], 0)) == standards_set
    with ape.reverts(index.DeprecatedName, name=NAMES[0]):
        index.registerStandardsSet(set_of(NAMES[0], 1, NAMES[1], 0, NAMES[2], 0), sender=editor)


def test_series_history_is_read_in_pages(index, two_names):
    assert index.seriesHistoryPage("GB_05_factor", 1, 10) == ["GB_05_factor_20240101_0000"]
    assert index.seriesHistoryPage("GB_05_factor", 0, 1) == ["GB_05_factor_20230101_0000"]
    assert index.seriesHistoryPage("GB_05_factor", 2, 10) == []
    assert index.seriesHistoryPage("GB_99_factor", 0, 10) == []
