// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @notice The part of VerifierRegistry that the verification workflow consults.
interface IVerifierRegistry {
    /// @notice Where an agency stands with the regulator.
    enum AgencyStatus {
        None,
        Approved,
        Suspended,
        Revoked
    }

    /// @notice The status of `agency`.
    function statusOf(address agency) external view returns (AgencyStatus);
}
