// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {Upgradeable} from "../base/Upgradeable.sol";
import {IVerifierRegistry} from "../interfaces/IVerifierRegistry.sol";

/// @title VerifierRegistry
/// @notice The verification agencies (核查机构) the regulator has approved (seed 001 §1.7): name,
/// licence reference and the public key documents are encrypted for. The regulator approves,
/// suspends, reinstates and revokes; revocation is final, and every change stays in the history.
contract VerifierRegistry is Upgradeable, IVerifierRegistry {
    /// @notice What the registry knows of an agency.
    struct Agency {
        string name;
        string licence;
        bytes publicKey;
        AgencyStatus status;
    }

    /// @notice One change of an agency's status.
    struct StatusChange {
        AgencyStatus status;
        uint40 at;
        string reason;
    }

    /// @custom:storage-location erc7201:carbon.storage.VerifierRegistry
    struct VerifierRegistryStorage {
        mapping(address agency => Agency) agencies;
        mapping(address agency => StatusChange[]) history;
        address[] accounts;
    }

    // keccak256(abi.encode(uint256(keccak256("carbon.storage.VerifierRegistry")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant VERIFIER_REGISTRY_STORAGE =
        0xc60397156949f01e21f467bd50b7ba462b1f62eafd2e03735fe2b10efc62c100;

    /// @notice `agency` moved to `status`.
    event AgencyStatusChanged(address indexed agency, AgencyStatus status, string reason);

    /// @notice The agency is `status`, and this change needs another status.
    error InvalidAgencyStatus(address agency, AgencyStatus status);
    /// @notice The public key is not 64 bytes or does not belong to the agency's account.
    error KeyDoesNotMatchAgency(address agency, address keyAccount);
    /// @notice Suspending or revoking needs a reason.
    error EmptyReason();

    /// @notice Initialises the proxy.
    function initialize(address regulator, address index_) external initializer {
        __Upgradeable_init(regulator, index_);
    }

    /// @notice Version of this implementation.
    function version() external pure override returns (string memory) {
        return "1.0.0";
    }

    /// @notice Approves a new agency. Regulator only.
    /// @param agency The agency's account, which records verdicts.
    /// @param name The agency's name.
    /// @param licence Reference of its accreditation (e.g. the licence document's digest or number).
    /// @param publicKey Its 64-byte secp256k1 public key, which must belong to `agency`.
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

    /// @notice Suspends an approved agency: it cannot be assigned or record verdicts. Regulator only.
    function suspend(address agency, string calldata reason) external onlyRole(REGULATOR_ROLE) {
        _require(agency, AgencyStatus.Approved);
        _setStatus(agency, AgencyStatus.Suspended, _reason(reason));
    }

    /// @notice Lifts a suspension. Regulator only.
    function reinstate(address agency, string calldata reason) external onlyRole(REGULATOR_ROLE) {
        _require(agency, AgencyStatus.Suspended);
        _setStatus(agency, AgencyStatus.Approved, _reason(reason));
    }

    /// @notice Revokes an approved or suspended agency for good. Regulator only.
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

    /// @notice Everything the registry knows of `agency`.
    function agencyInfo(address account) external view returns (Agency memory) {
        return _verifierRegistryStorage().agencies[account];
    }

    /// @notice Every status change of `agency`, oldest first.
    function statusHistory(address account) external view returns (StatusChange[] memory) {
        return _verifierRegistryStorage().history[account];
    }

    /// @notice Every agency ever approved, in order of approval.
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
