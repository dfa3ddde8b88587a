// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {LibClone} from "solady/utils/LibClone.sol";
import {UpgradeableBeacon} from "@openzeppelin/contracts/proxy/beacon/UpgradeableBeacon.sol";
import {Upgradeable} from "../base/Upgradeable.sol";
import {IDataLayer} from "../interfaces/IDataLayer.sol";
import {IEnterpriseCarbon} from "../interfaces/IEnterpriseCarbon.sol";
import {IEnterpriseFactory} from "../interfaces/IEnterpriseFactory.sol";
import {IUpgradeable} from "../interfaces/IUpgradeable.sol";

/// @title EnterpriseFactory
/// @notice Implements IEnterpriseFactory: onboards enterprises, each a DataLayer and an
/// EnterpriseCarbon behind beacon proxies of two beacons the factory owns.
/// @dev The beacons are OpenZeppelin's UpgradeableBeacon. The proxies are Solady's minimal
/// ERC-1967 beacon proxies: the same ERC-1967 beacon slot as OpenZeppelin's BeaconProxy in a
/// fraction of the code, which is most of what onboarding an enterprise costs. They are created
/// with CREATE2 salted by the keccak-256 of the credit code, so their addresses follow from it.
contract EnterpriseFactory is Upgradeable, IEnterpriseFactory {
    /// @custom:storage-location erc7201:carbon.storage.EnterpriseFactory
    struct EnterpriseFactoryStorage {
        UpgradeableBeacon carbonBeacon;
        UpgradeableBeacon dataLayerBeacon;
        address[] carbons;
        // Appended (storage compatibility): the CarbonVerification enterprises accept freezing from.
        address verification;
    }

    // keccak256(abi.encode(uint256(keccak256("carbon.storage.EnterpriseFactory")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant ENTERPRISE_FACTORY_STORAGE =
        0x7cc0fba352df6b6158a07216317a44bc39307ea8f9ae973b93e2641bc84c3d00;

    /// @inheritdoc IEnterpriseFactory
    function initialize(
        address regulator,
        address index_,
        address carbonImplementation,
        address dataLayerImplementation
    ) external initializer {
        __Upgradeable_init(regulator, index_);
        EnterpriseFactoryStorage storage $ = _enterpriseFactoryStorage();
        $.carbonBeacon = new UpgradeableBeacon(carbonImplementation, address(this));
        $.dataLayerBeacon = new UpgradeableBeacon(dataLayerImplementation, address(this));
    }

    /// @inheritdoc IUpgradeable
    function version() external pure override(IUpgradeable, Upgradeable) returns (string memory) {
        return "1.1.0";
    }

    /// @inheritdoc IEnterpriseFactory
    function onboard(Onboarding calldata o)
        external
        onlyRole(REGULATOR_ROLE)
        returns (address carbon, address dataLayer)
    {
        EnterpriseFactoryStorage storage $ = _enterpriseFactoryStorage();
        _checkCreditCode(o.creditCode);
        bytes32 salt = keccak256(bytes(o.creditCode));
        address existing = _predict($.carbonBeacon, salt);
        if (existing.code.length != 0) revert EnterpriseExists(o.creditCode, existing);
        dataLayer = LibClone.deployDeterministicERC1967BeaconProxy(address($.dataLayerBeacon), salt);
        // The EnterpriseCarbon writes too: it stores a submission's documents in the same
        // transaction as its records (`submitWithData`).
        address[] memory writers = new address[](2);
        (writers[0], writers[1]) = (o.account, existing);
        IDataLayer(dataLayer).initializeWriters(address(0), writers, address(0));
        carbon = LibClone.deployDeterministicERC1967BeaconProxy(address($.carbonBeacon), salt);
        IEnterpriseCarbon(carbon).initialize(
            o.admin, IEnterpriseCarbon.Profile(o.name, o.creditCode, o.region, dataLayer, o.industryCode)
        );
        $.carbons.push(carbon);
        _emitOnboarded($.carbons.length - 1, o, carbon, dataLayer);
    }

    /// @inheritdoc IEnterpriseFactory
    function setVerification(address verification_) external onlyRole(REGULATOR_ROLE) {
        EnterpriseFactoryStorage storage $ = _enterpriseFactoryStorage();
        emit VerificationChanged($.verification, verification_);
        $.verification = verification_;
    }

    /// @inheritdoc IEnterpriseFactory
    function upgradeEnterpriseCarbon(address implementation_) external onlyRole(REGULATOR_ROLE) {
        _enterpriseFactoryStorage().carbonBeacon.upgradeTo(implementation_);
        emit EnterprisesUpgraded("EnterpriseCarbon", implementation_);
    }

    /// @inheritdoc IEnterpriseFactory
    function upgradeEnterpriseDataLayer(address implementation_) external onlyRole(REGULATOR_ROLE) {
        _enterpriseFactoryStorage().dataLayerBeacon.upgradeTo(implementation_);
        emit EnterprisesUpgraded("DataLayer", implementation_);
    }

    /// @inheritdoc IEnterpriseFactory
    function beacons() external view returns (address carbonBeacon, address dataLayerBeacon) {
        EnterpriseFactoryStorage storage $ = _enterpriseFactoryStorage();
        return (address($.carbonBeacon), address($.dataLayerBeacon));
    }

    /// @inheritdoc IEnterpriseFactory
    function enterpriseCount() external view returns (uint256) {
        return _enterpriseFactoryStorage().carbons.length;
    }

    /// @inheritdoc IEnterpriseFactory
    function enterprises() external view returns (address[] memory) {
        return _enterpriseFactoryStorage().carbons;
    }

    /// @inheritdoc IEnterpriseFactory
    function enterprisesPage(uint256 offset, uint256 limit) external view returns (address[] memory page) {
        address[] storage all = _enterpriseFactoryStorage().carbons;
        uint256 end = _pageEnd(all.length, offset, limit);
        page = new address[](end > offset ? end - offset : 0);
        for (uint256 i = 0; i < page.length; ++i) {
            page[i] = all[offset + i];
        }
    }

    /// @inheritdoc IEnterpriseFactory
    function isEnterprise(address account) external view returns (bool) {
        if (account.code.length == 0) return false;
        try IEnterpriseCarbon(account).profile() returns (IEnterpriseCarbon.Profile memory p) {
            return _predict(_enterpriseFactoryStorage().carbonBeacon, keccak256(bytes(p.creditCode))) == account;
        } catch {
            return false;
        }
    }

    /// @inheritdoc IEnterpriseFactory
    function verification() external view returns (address) {
        return _enterpriseFactoryStorage().verification;
    }

    /// @inheritdoc IEnterpriseFactory
    function enterpriseOf(string calldata creditCode) external view returns (Enterprise memory) {
        EnterpriseFactoryStorage storage $ = _enterpriseFactoryStorage();
        bytes32 salt = keccak256(bytes(creditCode));
        address carbon = _predict($.carbonBeacon, salt);
        if (carbon.code.length == 0) revert UnknownEnterprise(creditCode);
        return Enterprise(carbon, _predict($.dataLayerBeacon, salt));
    }

    /// @dev 18 printable ASCII characters; the GB 32100-2015 alphabet and check character are
    /// checked off chain, where the code is also trimmed and upper-cased.
    function _checkCreditCode(string calldata creditCode) private pure {
        bytes calldata b = bytes(creditCode);
        if (b.length == 0) revert EmptyCreditCode();
        for (uint256 i = 0; i < b.length; ++i) {
            if (b[i] < 0x21 || b[i] > 0x7e) revert MalformedCreditCode(creditCode, i);
        }
        if (b.length != 18) revert MalformedCreditCode(creditCode, b.length);
    }

    function _pageEnd(uint256 length, uint256 offset, uint256 limit) private pure returns (uint256) {
        if (offset >= length) return offset;
        return limit > length - offset ? length : offset + limit;
    }

    function _predict(UpgradeableBeacon beacon, bytes32 salt) private view returns (address) {
        return LibClone.predictDeterministicAddressERC1967BeaconProxy(address(beacon), salt, address(this));
    }

    function _emitOnboarded(uint256 id, Onboarding calldata o, address carbon, address dataLayer) private {
        emit EnterpriseOnboarded(id, o.creditCode, carbon, dataLayer, o.name, o.industryCode, o.region);
    }

    function _enterpriseFactoryStorage() private pure returns (EnterpriseFactoryStorage storage $) {
        assembly {
            $.slot := ENTERPRISE_FACTORY_STORAGE
        }
    }
}
