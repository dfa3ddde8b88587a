// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @notice What CarbonIndex asks of a contract registered under a standards name.
interface IStandardDocument {
    /// @notice `factor`, `formula` or `calculate`: the kind segment of the index names it may hold.
    function kind() external pure returns (string memory);
}
