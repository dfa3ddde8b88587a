// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @notice What every contract of the suite answers about its own code.
interface IUpgradeable {
    /// @notice The implementation the proxy currently delegates to.
    function implementation() external view returns (address);

    /// @notice The semantic version of the implementation.
    function version() external view returns (string memory);
}
