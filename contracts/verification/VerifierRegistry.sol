// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {Upgradeable} from "../base/Upgradeable.sol";
import {IVerifierRegistry} from "../interfaces/IVerifierRegistry.sol";
import {IUpgradeable} from "../interfaces/IUpgradeable.sol";

/// @title VerifierRegistry
/// @notice Implements IVerifierRegistry: the verification agencies the regulator has approved,
/// with the history of their status.
contract VerifierRegistry is Upgradeable, IVerifierRegistry {
    /// @custom:storage-location erc7201:carbon.storage.VerifierRegistry
    struct VerifierRegistryStorage {
        mapping(address agency => Agency) agencies;
        mapping(address agency => StatusChange[]) history;
        address[] accounts;
    }

    // keccak256(abi.encode(uint256(keccak256("carbon.storage.VerifierRegistry")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant VERIFIER_REGISTRY_STORAGE =
        0xc60397156949f01e21f467bd50b7ba462b1f62eafd2e03735fe2b10efc62c100;

    /// @inheritdoc IVerifierRegistry
    function initialize(address regulator, address index_) external initializer {
        __Upgradeable_init(regulator, index_);
    }

    /// @inheritdoc IUpgradeable
    function version() external pure override(IUpgradeable, Upgradeable) returns (string memory) {
        return "1.0.0";
    }

    /// @inheritdoc IVerifierRegistry
    function approve(address agency, string calldata name, string calldata licence, bytes calldata publicKey)
        external
        onlyRole(REGULATOR_ROLE)
    {
        VerifierRegistryStorage storage $ = _verifierRegistryStorage();
        Agency storage a = $.agencies[agency];
        if (a.status != AgencyStatus.None) revert InvalidAgencyStatus(agency, a.status);
        address owner = publicKey.length == 64 ? address(uint160(uint256(keccak256(publicKey)))) : address(0);
        if (owner != agency) revert KeyDoesNotMatchAgency(agency, owner);
        (a.name, a.licence, a.publicKey) = (name, licence, publicKey);
        $.accounts.push(agency);
        _setStatus(agency, AgencyStatus.Approved, "approved");
    }

    /// @inheritdoc IVerifierRegistry
    function suspend(address agency, string calldata reason) external onlyRole(REGULATOR_ROLE) {
        _require(agency, AgencyStatus.Approved);
        _setStatus(agency, AgencyStatus.Suspended, _reason(reason));
    }

    /// @inheritdoc IVerifierRegistry
    function reinstate(address agency, string calldata reason) external onlyRole(REGULATOR_ROLE) {
        _require(agency, AgencyStatus.Suspended);
        _setStatus(agency, AgencyStatus.Approved, _reason(reason));
    }

    /// @inheritdoc IVerifierRegistry
    function revoke(address agency, string calldata reason) external onlyRole(REGULATOR_ROLE) {
        AgencyStatus status = _verifierRegistryStorage().agencies[agency].status;
        if (status != AgencyStatus.Approved && status != AgencyStatus.Suspended) {
            revert InvalidAgencyStatus(agency, status);
        }
        _setStatus(agency, AgencyStatus.Revoked, _reason(reason));
    }

    /// @inheritdoc IVerifierRegistry
    function statusOf(address agency) external view returns (AgencyStatus) {
        return _verifierRegistryStorage().agencies[agency].status;
    }

    /// @inheritdoc IVerifierRegistry
    function agencyInfo(address account) external view returns (Agency memory) {
        return _verifierRegistryStorage().agencies[account];
    }

    /// @inheritdoc IVerifierRegistry
    function statusHistory(address account) external view returns (StatusChange[] memory) {
        return _verifierRegistryStorage().history[account];
    }

    /// @inheritdoc IVerifierRegistry
    function agencies() external view returns (address[] memory) {
        return _verifierRegistryStorage().accounts;
    }

    function _require(address account, AgencyStatus expected) private view {
        AgencyStatus status = _verifierRegistryStorage().agencies[account].status;
        if (status != expected) revert InvalidAgencyStatus(account, status);
    }

    function _reason(string calldata reason) private pure returns (string calldata) {
        if (bytes(reason).length == 0) revert EmptyReason();
        return reason;
    }

    function _setStatus(address account, AgencyStatus status, string memory reason) private {
        VerifierRegistryStorage storage $ = _verifierRegistryStorage();
        $.agencies[account].status = status;
        $.history[account].push(StatusChange(status, uint40(block.timestamp), reason));
        emit AgencyStatusChanged(account, status, reason);
    }

    function _verifierRegistryStorage() private pure returns (VerifierRegistryStorage storage $) {
        assembly {
            $.slot := VERIFIER_REGISTRY_STORAGE
        }
    }
}
