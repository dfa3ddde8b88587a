// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {ERC1967Utils} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Utils.sol";
import {IBeacon} from "@openzeppelin/contracts/proxy/beacon/IBeacon.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {UserAuth} from "./UserAuth.sol";
import {ICarbonIndex} from "../interfaces/ICarbonIndex.sol";
import {IUpgradeable} from "../interfaces/IUpgradeable.sol";

/// @title Upgradeable
/// @notice Base of every contract of the suite (seed 001: all contracts can be upgraded).
/// Singletons sit behind an ERC1967Proxy and upgrade themselves (UUPS), by the regulator only,
/// reporting every upgrade to the CarbonIndex so that it keeps the history of the proxies it
/// knows. Per-enterprise contracts sit behind BeaconProxies, where the UUPS entry point refuses
/// to run (`onlyProxy`), and are upgraded all at once through their beacon. Behind a beacon the
/// regulator is whoever holds REGULATOR_ROLE in the contract that owns the beacon (the
/// EnterpriseFactory): one place to change it, and no role slot to write per enterprise.
abstract contract Upgradeable is Initializable, UUPSUpgradeable, UserAuth, IUpgradeable {
    /// @custom:storage-location erc7201:carbon.storage.Upgradeable
    struct UpgradeableStorage {
        address index;
    }

    // keccak256(abi.encode(uint256(keccak256("carbon.storage.Upgradeable")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant UPGRADEABLE_STORAGE =
        0xffb8a5df1cba17d591a91647c78b3554cb85d79e0f34ff1063430386583de300;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    // solhint-disable-next-line func-name-mixedcase
    function __Upgradeable_init(address regulator, address index_) internal onlyInitializing {
        __UserAuth_init(regulator);
        __UUPSUpgradeable_init();
        _setIndex(index_);
    }

    /// @notice Whether `account` has `role`; REGULATOR_ROLE is also granted, behind a beacon, by
    /// the beacon's owner.
    /// @param role The role.
    /// @param account The account.
    /// @return Whether `account` holds `role`.
    function hasRole(bytes32 role, address account)
        public
        view
        virtual
        override(AccessControlUpgradeable, IAccessControl)
        returns (bool)
    {
        return super.hasRole(role, account) || (role == REGULATOR_ROLE && _regulatorOfBeacon(account));
    }

    /// @inheritdoc IUpgradeable
    function implementation() public view returns (address) {
        address beacon = ERC1967Utils.getBeacon();
        return beacon == address(0) ? ERC1967Utils.getImplementation() : IBeacon(beacon).implementation();
    }

    /// @inheritdoc IUpgradeable
    /// @dev Pure in every implementation of the suite: a constant string.
    function version() external pure virtual returns (string memory);

    /// @inheritdoc IUpgradeable
    function upgradeIndex() public view returns (address) {
        return _upgradeableStorage().index;
    }

    /// @inheritdoc IUpgradeable
    function setUpgradeIndex(address newIndex) external onlyRole(REGULATOR_ROLE) {
        _setIndex(newIndex);
    }

    /// @notice Upgrades the proxy and reports the new implementation to the index.
    /// @dev Authorised by `_authorizeUpgrade` (regulator only).
    /// @param newImplementation The implementation to run from now on.
    /// @param data Calldata for a call to the new implementation after the upgrade (may be empty).
    function upgradeToAndCall(address newImplementation, bytes memory data)
        public
        payable
        virtual
        override
        onlyProxy
    {
        super.upgradeToAndCall(newImplementation, data);
        _afterUpgrade();
    }

    /// @dev Tells the index; CarbonIndex overrides this to record its own upgrades.
    function _afterUpgrade() internal virtual {
        address index_ = _upgradeableStorage().index;
        if (index_ != address(0)) ICarbonIndex(index_).noteUpgrade();
    }

    function _authorizeUpgrade(address) internal view override onlyRole(REGULATOR_ROLE) {}

    function _setIndex(address newIndex) private {
        UpgradeableStorage storage $ = _upgradeableStorage();
        if ($.index == newIndex) return;
        emit IndexChanged($.index, newIndex);
        $.index = newIndex;
    }

    function _regulatorOfBeacon(address account) private view returns (bool) {
        address beacon = ERC1967Utils.getBeacon();
        if (beacon == address(0)) return false;
        address authority = Ownable(beacon).owner();
        return authority.code.length > 0 && IAccessControl(authority).hasRole(REGULATOR_ROLE, account);
    }

    function _upgradeableStorage() private pure returns (UpgradeableStorage storage $) {
        assembly {
            $.slot := UPGRADEABLE_STORAGE
        }
    }
}
