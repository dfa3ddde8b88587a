// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @notice The part of DataLayer that other contracts consult.
interface IDataLayer {
    /// @notice Lifecycle of an entry; only InProgress entries change.
    enum Status {
        None,
        InProgress,
        Completed,
        Cancelled
    }

    /// @notice Status of entry `id` (None when it does not exist).
    function statusOf(bytes32 id) external view returns (Status);
}
