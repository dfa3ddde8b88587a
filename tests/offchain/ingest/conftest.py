"""Signed readings of one enterprise and month, and the factor library of industry 01."""

from collections.abc import Callable

import pytest
from ingest_values import CODE, KEY

from offchain.chain.bindings import Device
from offchain.core.documents import load_file
from offchain.ingest.readings import Reading, address_of
from offchain.paths import SEEDS


@pytest.fixture(scope="session")
def factors():
    return load_file(SEEDS / "factors" / "GB_01_factor_20231001_0000.json", "factor-library")


@pytest.fixture
def make_reading() -> Callable[..., Reading]:
    """A reading of CODE's April 2023 coal, signed by KEY; fields overridable."""

    def make(reading_id: str = "r-0001", key: bytes = KEY, **fields) -> Reading:
        values = {
            "device": "meter-1",
            "enterprise": CODE,
            "group": "fuel",
            "row": "燃料油",
            "quantity": "12.5",
            "unit": "t",
            "year": 2023,
            "month": 4,
            **fields,
        }
        return Reading(reading_id=reading_id, **values).signed(key)

    return make


@pytest.fixture
def registered() -> dict[str, Device]:
    """meter-1 signing with KEY, in service since 2020."""
    return {"meter-1": Device("meter-1", address_of(KEY), 1_577_836_800, 0, "皮带秤")}
