// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IUpgradeable} from "./IUpgradeable.sol";

/// @title IVerifierRegistry
/// @notice The verification agencies (核查机构) the regulator has approved (seed 001 §1.7): name,
/// licence reference and the public key documents are encrypted for. The regulator approves,
/// suspends, reinstates and revokes; revocation is final, and every change stays in the history.
/// CarbonVerification assigns, and takes verdicts from, approved agencies only.
interface IVerifierRegistry is IUpgradeable {
    /// @notice Where an agency stands with the regulator.
    enum AgencyStatus {
        None,
        Approved,
        Suspended,
        Revoked
    }

    /// @notice What the registry knows of an agency.
    /// @param name The agency's name.
    /// @param licence Reference of its accreditation.
    /// @param publicKey Its 64-byte secp256k1 public key.
    /// @param status Where it stands.
    struct Agency {
        string name;
        string licence;
        bytes publicKey;
        AgencyStatus status;
    }

    /// @notice One change of an agency's status.
    /// @param status The status it moved to.
    /// @param at Block timestamp of the change.
    /// @param reason Why (`approved` for the approval).
    struct StatusChange {
        AgencyStatus status;
        uint40 at;
        string reason;
    }

    /// @notice `agency` moved to `status`.
    /// @param agency The agency's account.
    /// @param status Its new status.
    /// @param reason Why.
    event AgencyStatusChanged(address indexed agency, AgencyStatus status, string reason);

    /// @notice The agency is `status`, and this change needs another status.
    /// @param agency The agency's account.
    /// @param status Its status.
    error InvalidAgencyStatus(address agency, AgencyStatus status);

    /// @notice The public key is not 64 bytes or does not belong to the agency's account.
    /// @param agency The agency's account.
    /// @param keyAccount The account the key belongs to (zero when it is not 64 bytes).
    error KeyDoesNotMatchAgency(address agency, address keyAccount);

    /// @notice Suspending or revoking needs a reason.
    error EmptyReason();

    /// @notice Initialises the proxy.
    /// @param regulator Admin of roles and upgrades; approves and steers agencies.
    /// @param index_ CarbonIndex to report upgrades to (zero for none).
    function initialize(address regulator, address index_) external;

    /// @notice Approves a new agency. Regulator only.
    /// @param agency The agency's account, which records verdicts.
    /// @param name The agency's name.
    /// @param licence Reference of its accreditation (e.g. the licence document's digest or number).
    /// @param publicKey Its 64-byte secp256k1 public key, which must belong to `agency`.
    function approve(address agency, string calldata name, string calldata licence, bytes calldata publicKey)
        external;

    /// @notice Suspends an approved agency: it cannot be assigned or record verdicts. Regulator only.
    /// @param agency The agency's account.
    /// @param reason Why (not empty).
    function suspend(address agency, string calldata reason) external;

    /// @notice Lifts a suspension. Regulator only.
    /// @param agency The agency's account.
    /// @param reason Why (not empty).
    function reinstate(address agency, string calldata reason) external;

    /// @notice Revokes an approved or suspended agency for good. Regulator only.
    /// @param agency The agency's account.
    /// @param reason Why (not empty).
    function revoke(address agency, string calldata reason) external;

    /// @notice The status of `agency`.
    /// @param agency The agency's account.
    /// @return Its status (None when the registry does not know it).
    function statusOf(address agency) external view returns (AgencyStatus);

    /// @notice Everything the registry knows of the agency with account `account`.
    /// @param account The agency's account.
    /// @return Name, licence, public key and status.
    function agencyInfo(address account) external view returns (Agency memory);

    /// @notice Every status change of the agency with account `account`, oldest first.
    /// @param account The agency's account.
    /// @return The changes.
    function statusHistory(address account) external view returns (StatusChange[] memory);

    /// @notice Every agency ever approved, in order of approval.
    /// @return The agencies' accounts.
    function agencies() external view returns (address[] memory);
}
