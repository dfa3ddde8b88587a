// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @notice The part of CarbonIndex that the contracts it knows call back.
interface ICarbonIndex {
    /// @notice Records that the calling proxy now runs a new implementation.
    function noteUpgrade() external;
}
