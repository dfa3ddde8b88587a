// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IUpgradeable} from "./IUpgradeable.sol";

/// @title IDataLayer
/// @notice Documents and evidence of one owner (an enterprise, or the regulator's standards),
/// content-addressed by SHA-256 (seed 001 §9). An entry's id is the digest of its bytes, so a
/// reader checks what it fetched against the id itself. Bytes are kept where they are cheapest
/// for their size:
/// - `State`: as contract bytecode through SSTORE2 (about 200 gas per byte, readable forever
///   with `eth_getCode`);
/// - `Log`: in an event log (the calldata floor, about 40 gas per byte, readable with
///   `eth_getLogs` while nodes keep history);
/// - `DigestOnly`: only the digest; the bytes live in the off-chain store.
/// Entries go InProgress -> Completed or Cancelled; only InProgress entries change.
///
/// A digest has one entry, and no writer's claim blocks another writer from storing the same
/// content: a Cancelled entry is stored afresh (InProgress, by the new writer) when the content
/// is stored again; bytes (`storeInState`, `storeInLog`) supersede a digest-only entry, starting
/// an InProgress one afresh for the writer who brings them, and adding the bytes to a Completed
/// one (which keeps its status, creator and dependencies). The regulator can cancel any
/// InProgress entry, e.g. one of a writer whose role was revoked. `entry(id)` therefore answers
/// the one entry of the content, whoever stored it last.
interface IDataLayer is IUpgradeable {
    /// @notice Lifecycle of an entry; only InProgress entries change.
    enum Status {
        None,
        InProgress,
        Completed,
        Cancelled
    }

    /// @notice Where an entry's bytes are kept.
    enum Storage {
        DigestOnly,
        State,
        Log
    }

    /// @notice One entry, as `entry()` returns it.
    /// @param creator The account that stored the entry; the only one that changes it.
    /// @param createdAt Block timestamp of its creation.
    /// @param status Where it is in its lifecycle.
    /// @param mode Where its bytes are kept.
    /// @param size Length of the document in bytes.
    /// @param blockNumber For a `Log` entry, the block whose logs hold its bytes (zero otherwise).
    /// @param chunks For a `State` entry, the SSTORE2 contracts holding its bytes, in order.
    /// @param dependencies The entries it depends on, in the order they were added.
    struct Entry {
        address creator;
        uint40 createdAt;
        Status status;
        Storage mode;
        uint32 size;
        uint40 blockNumber;
        address[] chunks;
        bytes32[] dependencies;
    }

    /// @notice A document for `storeCompleted`: kept in an event log when `content` is given,
    /// as a digest only (its bytes in the off-chain store) when it is empty.
    /// @param digest SHA-256 of the document; must be that of `content` when it is given.
    /// @param size Length of the document in bytes (that of `content` when it is given).
    /// @param content The document's bytes, or empty for a digest-only entry.
    /// @param dependencies Entries it depends on: existing ones, or documents earlier in the list.
    struct Document {
        bytes32 digest;
        uint256 size;
        bytes content;
        bytes32[] dependencies;
    }

    /// @notice An entry was created.
    /// @param id SHA-256 digest of the document.
    /// @param creator The account that stored it.
    /// @param mode Where its bytes are kept.
    /// @param size Length of the document in bytes.
    event EntryStored(bytes32 indexed id, address indexed creator, Storage mode, uint32 size);

    /// @notice An entry was created Completed (`storeCompleted`): what `EntryStored` followed by
    /// `StatusChanged(id, InProgress, Completed)` say, in one event.
    /// @param id SHA-256 digest of the document.
    /// @param creator The account that stored it.
    /// @param mode Where its bytes are kept.
    /// @param size Length of the document in bytes.
    event EntryStoredCompleted(bytes32 indexed id, address indexed creator, Storage mode, uint32 size);

    /// @notice The bytes of a `Log` entry; the event is the storage.
    /// @param id SHA-256 digest of `content`.
    /// @param content The document's bytes.
    event EntryContent(bytes32 indexed id, bytes content);

    /// @notice Entry `id` now depends on entry `dependency`.
    /// @param id The dependent entry.
    /// @param dependency The entry it depends on.
    event DependencyAdded(bytes32 indexed id, bytes32 indexed dependency);

    /// @notice Entry `id` moved from `previous` to `current`.
    /// @param id The entry.
    /// @param previous Its status before (always InProgress).
    /// @param current Its status now (Completed or Cancelled).
    event StatusChanged(bytes32 indexed id, Status previous, Status current);

    /// @notice An entry with this digest already exists (InProgress or Completed, and not a
    /// digest-only entry the bytes now stored supersede).
    /// @param id The digest.
    error EntryExists(bytes32 id);

    /// @notice No entry has this id.
    /// @param id The id asked for.
    error EntryNotFound(bytes32 id);

    /// @notice The entry is `status`, and only InProgress entries change.
    /// @param id The entry.
    /// @param status Its status.
    error EntryNotInProgress(bytes32 id, Status status);

    /// @notice Only the account that created an entry changes it.
    /// @param id The entry.
    /// @param caller The account that tried to change it.
    /// @param creator The account that created it.
    error NotEntryCreator(bytes32 id, address caller, address creator);

    /// @notice A dependency must be another existing entry, listed once.
    /// @param id The dependent entry.
    /// @param dependency The refused dependency.
    error InvalidDependency(bytes32 id, bytes32 dependency);

    /// @notice Empty documents are not stored.
    error EmptyContent();

    /// @notice A document's bytes do not hash to the digest given with them.
    /// @param digest The digest given.
    /// @param actual SHA-256 of the bytes.
    error DigestMismatch(bytes32 digest, bytes32 actual);

    /// @notice The declared size of a digest-only entry does not fit in 32 bits or is zero.
    /// @param size The declared size.
    error InvalidSize(uint256 size);

    /// @notice `content()` was asked for an entry whose bytes are not in state.
    /// @param id The entry.
    /// @param mode Where its bytes are kept.
    error ContentNotInState(bytes32 id, Storage mode);

    /// @notice Initialises the proxy.
    /// @param regulator Admin of roles and upgrades (zero behind a beacon).
    /// @param writer First holder of DATA_WRITER_ROLE (zero for none).
    /// @param index_ CarbonIndex to report upgrades to (zero for none).
    function initialize(address regulator, address writer, address index_) external;

    /// @notice Initialises the proxy with several data writers, e.g. an enterprise's writer
    /// account and its EnterpriseCarbon (which stores a submission's documents itself).
    /// @param regulator Admin of roles and upgrades (zero behind a beacon).
    /// @param writers Holders of DATA_WRITER_ROLE (zero addresses are skipped).
    /// @param index_ CarbonIndex to report upgrades to (zero for none).
    function initializeWriters(address regulator, address[] calldata writers, address index_) external;

    /// @notice Stores `content` as contract bytecode (SSTORE2) under its SHA-256 digest.
    /// Data writers only.
    /// @param content The document's bytes.
    /// @param dependencies Existing entries this one depends on.
    /// @return id The SHA-256 digest of `content`.
    function storeInState(bytes memory content, bytes32[] calldata dependencies) external returns (bytes32 id);

    /// @notice Stores `content` in an event log under its SHA-256 digest. Data writers only.
    /// @param content The document's bytes.
    /// @param dependencies Existing entries this one depends on.
    /// @return id The SHA-256 digest of `content`.
    function storeInLog(bytes calldata content, bytes32[] calldata dependencies) external returns (bytes32 id);

    /// @notice Records only the digest of a document whose bytes live in the off-chain store.
    /// Data writers only.
    /// @param digest SHA-256 of the document.
    /// @param size Length of the document in bytes.
    /// @param dependencies Existing entries this one depends on.
    function storeDigest(bytes32 digest, uint256 size, bytes32[] calldata dependencies) external;

    /// @notice Stores `documents` in order and marks each Completed, in one call. Each new entry
    /// emits `EntryStoredCompleted` (where `storeInLog`/`storeDigest` followed by `complete` emit
    /// `EntryStored` and `StatusChanged`), its `DependencyAdded` events and, for bytes, its
    /// `EntryContent`; an entry started afresh reads as the same. A document whose entry is
    /// Completed already is skipped (a retried submission stores nothing twice); one InProgress
    /// by anyone is refused with `EntryExists` (its creator completes or cancels it first).
    /// Data writers only.
    /// @param documents The documents, each after those it depends on.
    function storeCompleted(Document[] calldata documents) external;

    /// @notice Adds a dependency link from entry `id` to entry `dependency`. Data writers only.
    /// @dev Creator only, while `id` is InProgress; `dependency` must exist.
    /// @param id The dependent entry.
    /// @param dependency The entry it depends on.
    function addDependency(bytes32 id, bytes32 dependency) external;

    /// @notice Marks entry `id` Completed: it will not change again. Its creator only.
    /// @param id The entry.
    function complete(bytes32 id) external;

    /// @notice Marks entry `id` Cancelled: it should not be used, and the content can be stored
    /// again from scratch. Its creator (a data writer) or the regulator.
    /// @param id The entry.
    function cancel(bytes32 id) external;

    /// @notice The entry stored under `id`; reverts when there is none.
    /// @param id The entry's digest.
    /// @return view_ Creator, time, status, mode, size, where its bytes are, dependencies.
    function entry(bytes32 id) external view returns (Entry memory view_);

    /// @notice The entries stored under `ids`, in order, in one call (a verifier reads a year's
    /// documents at once); an id with no entry yields an Entry whose status is None, instead of
    /// reverting the whole call.
    /// @param ids The entries' digests.
    /// @return views Each as `entry` returns it, or all zero with status None.
    function entries(bytes32[] calldata ids) external view returns (Entry[] memory views);

    /// @notice Status of entry `id` (None when it does not exist).
    /// @param id The entry's digest.
    /// @return The entry's status.
    function statusOf(bytes32 id) external view returns (Status);

    /// @notice The bytes of a `State` entry, read back from its SSTORE2 chunks.
    /// @param id The entry's digest.
    /// @return data The document's bytes.
    function content(bytes32 id) external view returns (bytes memory data);

    /// @notice How many entries this DataLayer holds.
    /// @return The number of entries, of every mode and status.
    function entryCount() external view returns (uint256);
}
