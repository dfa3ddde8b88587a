"""upgrades-core on build-info compiled from the sources: a reordered ERC-7201 field is refused,
naming the contract and the field; an appended one is accepted.

The variants are copies of contracts/ with one namespace struct edited (layout_variants.py), so
the tests follow whatever the contracts are. Build-info is cached by source content
(.build/build-info), so each variant compiles once.
"""

from concurrent.futures import ThreadPoolExecutor

import pytest
from layout_variants import variant

from offchain.actions.deploy import ABI_KINDS, same_build
from offchain.actions.upgrade_safety import (
    UnsafeUpgradeError,
    assert_safe,
    build_info,
    check,
    compiler_settings,
    runtime_code,
)
from offchain.paths import ROOT


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """Build-info of the sources, of the swapped variant and of the appended one (in parallel)."""
    swapped, namespace, names = variant(tmp_path_factory.mktemp("swapped"), "swap")
    appended, _, _ = variant(tmp_path_factory.mktemp("appended"), "append")
    with ThreadPoolExecutor(3) as pool:
        current, swapped_info, appended_info = pool.map(build_info, (ROOT, swapped, appended))
    return {
        "current": current,
        "swapped": swapped_info,
        "appended": appended_info,
        "namespace": namespace,
        "fields": names[:2],
    }


def test_a_reordered_namespace_field_is_refused_naming_contract_field_and_namespace(builds):
    # The deployed build had the fields swapped; the sources have them in their order.
    findings = check(builds["current"], builds["swapped"], list(ABI_KINDS))
    refused = {kind: problems for kind, problems in findings.items() if problems}
    assert refused, "no contract refused"
    for problems in refused.values():
        assert {p.field for p in problems} <= set(builds["fields"])
        assert {p.namespace for p in problems} == {f"erc7201:{builds['namespace']}"}
    with pytest.raises(UnsafeUpgradeError) as raised:
        assert_safe(builds["current"], builds["swapped"], sorted(refused))
    error = raised.value
    assert error.contract == sorted(refused)[0]
    assert error.field in builds["fields"]
    message = str(error)
    assert "\n" not in message
    assert message.startswith(f"upgrade of {error.contract} refused (field `{error.field}`)")
    assert f"erc7201:{builds['namespace']}" in message


def test_an_appended_namespace_field_is_accepted(builds):
    findings = check(builds["appended"], builds["current"], list(ABI_KINDS))
    assert findings == {kind: [] for kind in ABI_KINDS}


def test_the_unchanged_sources_are_a_safe_upgrade_of_themselves(builds):
    assert_safe(builds["current"], builds["current"], list(ABI_KINDS))


def test_the_build_info_is_the_code_ape_compiled(project, builds):
    """Same sources, same settings: the CBOR metadata (hash of every source and setting) agrees."""
    for kind in ABI_KINDS:
        ape = bytes.fromhex(
            getattr(project, kind).contract_type.runtime_bytecode.bytecode.removeprefix("0x")
        )
        assert same_build(runtime_code(builds["current"], kind), ape), kind


def test_the_compiler_settings_are_ape_configs():
    settings = compiler_settings()
    assert settings["optimizer"] == {"enabled": True, "runs": 200}
    assert settings["evmVersion"] == "cancun"
    assert "solady=node_modules/solady/src" in settings["remappings"]
