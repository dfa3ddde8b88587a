"""DeviceRegistry: an enterprise's carbon administrator registers and retires its metering
devices; nobody else can, and nothing is ever forgotten."""

import ape
import pytest

CODE = "91110000100000009A"
OTHER_CODE = "91110000100000010F"


def device_id(name: str) -> bytes:
    return name.encode().ljust(32, b"\x00")


@pytest.fixture(scope="module")
def enterprise(onboard):
    return onboard(CODE)


@pytest.fixture(scope="module")
def devices(deploy_proxy, regulator, index, factory):
    return deploy_proxy("DeviceRegistry", regulator, index.address, factory.address)


@pytest.fixture(scope="module")
def signer(accounts):
    return accounts[8]


def test_the_administrator_registers_a_device(devices, carbon, admin, signer):
    receipt = devices.register(
        carbon.address, device_id("meter-1"), signer, "1号机组燃煤皮带秤", sender=admin
    )
    found = devices.device(carbon.address, device_id("meter-1"))
    assert found.id == device_id("meter-1")
    assert found.signer == signer.address
    assert found.registeredAt > 0
    assert found.retiredAt == 0
    assert found.description == "1号机组燃煤皮带秤"
    assert len(devices.DeviceRegistered.from_receipt(receipt)) == 1


def test_a_device_id_is_used_once(devices, carbon, admin, signer):
    devices.register(carbon.address, device_id("meter-2"), signer, "", sender=admin)
    with ape.reverts(devices.DeviceExists):
        devices.register(carbon.address, device_id("meter-2"), signer, "", sender=admin)


def test_only_the_enterprise_administrator_registers(devices, carbon, stranger, signer):
    with ape.reverts(devices.NotEnterpriseAdmin):
        devices.register(carbon.address, device_id("meter-x"), signer, "", sender=stranger)


def test_the_regulator_is_not_the_enterprise_administrator(devices, carbon, regulator, signer):
    with ape.reverts(devices.NotEnterpriseAdmin):
        devices.register(carbon.address, device_id("meter-x"), signer, "", sender=regulator)


def test_an_address_outside_the_factory_is_not_an_enterprise(devices, admin, signer):
    with ape.reverts(devices.NotAnEnterprise):
        devices.register(admin.address, device_id("meter-x"), signer, "", sender=admin)


def test_a_device_needs_an_id_and_a_signer(devices, carbon, admin, signer):
    with ape.reverts(devices.EmptyDeviceId):
        devices.register(carbon.address, b"\x00" * 32, signer, "", sender=admin)
    with ape.reverts(devices.ZeroSigner):
        devices.register(carbon.address, device_id("meter-z"), "0x" + "00" * 20, "", sender=admin)


def test_a_retired_device_keeps_its_registration_and_the_time_it_was_retired(
    devices, carbon, admin, signer
):
    devices.register(carbon.address, device_id("meter-3"), signer, "", sender=admin)
    receipt = devices.retire(carbon.address, device_id("meter-3"), sender=admin)
    found = devices.device(carbon.address, device_id("meter-3"))
    assert found.retiredAt >= found.registeredAt > 0
    assert found.signer == signer.address
    assert len(devices.DeviceRetired.from_receipt(receipt)) == 1


def test_a_device_is_retired_once(devices, carbon, admin, signer):
    devices.register(carbon.address, device_id("meter-4"), signer, "", sender=admin)
    devices.retire(carbon.address, device_id("meter-4"), sender=admin)
    with ape.reverts(devices.DeviceAlreadyRetired):
        devices.retire(carbon.address, device_id("meter-4"), sender=admin)


def test_only_the_enterprise_administrator_retires(devices, carbon, admin, stranger, signer):
    devices.register(carbon.address, device_id("meter-5"), signer, "", sender=admin)
    with ape.reverts(devices.NotEnterpriseAdmin):
        devices.retire(carbon.address, device_id("meter-5"), sender=stranger)


def test_an_unknown_device_is_named(devices, carbon, admin):
    with ape.reverts(devices.UnknownDevice):
        devices.device(carbon.address, device_id("nope"))
    with ape.reverts(devices.UnknownDevice):
        devices.retire(carbon.address, device_id("nope"), sender=admin)


def test_devices_are_listed_per_enterprise_in_pages(devices, onboard, admin, signer):
    other, _ = onboard(OTHER_CODE, "第二电厂")
    for n in range(3):
        devices.register(other.address, device_id(f"m{n}"), signer, f"#{n}", sender=admin)
    assert devices.deviceCount(other.address) == 3
    page = devices.devicesPage(other.address, 1, 5)
    assert [d.description for d in page] == ["#1", "#2"]
    assert [d.id for d in page] == [device_id("m1"), device_id("m2")]
    assert devices.devicesPage(other.address, 3, 5) == []


def test_only_the_regulator_names_the_factory(devices, factory, stranger):
    with ape.reverts():
        devices.setFactory(factory.address, sender=stranger)
