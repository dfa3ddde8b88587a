"""offchain.chain.bindings against the compiled contracts: a struct or enum that changes on one
side and not the other fails here, instead of shifting fields silently."""

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, get_type_hints

import pytest

from offchain.chain.bindings import ENUMS, STRUCTS, SolidityEnum, Struct, snake

CONTRACTS = Path(__file__).resolve().parents[3] / "contracts"


def _components(abi: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every parameter of every function, event and error, nested tuples included."""

    def walk(params: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for param in params:
            yield param
            yield from walk(param.get("components", []))

    for item in abi:
        yield from walk(item.get("inputs", []))
        yield from walk(item.get("outputs", []))


def _struct_in_abi(project: Any, binding: type[Struct]) -> dict[str, Any]:
    contract, name = binding.SOLIDITY.split(".")
    abi = getattr(project, contract).contract_type.model_dump(mode="json", by_alias=True)["abi"]
    for param in _components(abi):
        internal = param.get("internalType", "")
        if re.fullmatch(rf"struct \w+\.{name}(\[\d*\])*", internal):
            return param
    raise AssertionError(f"{contract}'s ABI uses no struct {name}")


@pytest.mark.parametrize("binding", STRUCTS, ids=lambda b: b.SOLIDITY)
def test_a_binding_lists_the_struct_components_in_the_compiled_order(project, binding):
    param = _struct_in_abi(project, binding)
    compiled = tuple((c["name"], c["type"]) for c in param["components"])
    assert compiled == binding.ABI


@pytest.mark.parametrize("binding", STRUCTS, ids=lambda b: b.SOLIDITY)
def test_a_binding_names_its_fields_after_the_components(binding):
    names = list(binding.__dataclass_fields__)[: len(binding.ABI)]
    assert names == [snake(name) for name, _ in binding.ABI]


@pytest.mark.parametrize("binding", STRUCTS, ids=lambda b: b.SOLIDITY)
def test_an_enum_component_decodes_to_the_enum_the_contract_declares(project, binding):
    param = _struct_in_abi(project, binding)
    hints = get_type_hints(binding)
    for component in param["components"]:
        hint = hints[snake(component["name"])]
        declared = re.fullmatch(r"enum \w+\.(\w+)", component["internalType"])
        if declared is None:
            assert not (isinstance(hint, type) and issubclass(hint, SolidityEnum))
        else:
            assert hint is ENUMS[declared.group(1)]


def _solidity_enums() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for source in CONTRACTS.rglob("*.sol"):
        for name, body in re.findall(r"\benum (\w+)\s*\{([^}]*)\}", source.read_text("utf-8")):
            found[name] = [member.strip() for member in body.split(",") if member.strip()]
    return found


@pytest.mark.parametrize("name", sorted(ENUMS))
def test_an_enum_has_the_members_of_the_solidity_enum_in_order(name):
    assert [m.solidity for m in ENUMS[name]] == _solidity_enums()[name]
    assert [m.value for m in ENUMS[name]] == list(range(len(ENUMS[name])))


def test_every_enum_the_contracts_declare_has_a_binding():
    assert set(_solidity_enums()) == set(ENUMS)


def test_a_record_decodes_into_named_fields_and_a_zero_digest_into_none():
    from offchain.chain.bindings import EntryStatus, Record

    raw = (b"\x01" * 32, True, False, True, 5, 2, 1, "0x" + "ab" * 20, 9, b"\0" * 32, 2)
    record = Record.decode(raw, index=3)
    assert record.data == "0x" + "01" * 32
    assert record.self_measured and record.replaced_index == 0
    assert record.rectification_evidence is None
    assert record.data_status is EntryStatus.COMPLETED
    assert record.index == 3
    assert record.encode()[:2] == (b"\x01" * 32, True)
