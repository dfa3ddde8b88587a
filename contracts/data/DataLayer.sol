// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {SSTORE2} from "solady/utils/SSTORE2.sol";
import {Upgradeable} from "../base/Upgradeable.sol";
import {IDataLayer} from "../interfaces/IDataLayer.sol";
import {IUpgradeable} from "../interfaces/IUpgradeable.sol";

/// @title DataLayer
/// @notice Implements IDataLayer: documents and evidence of one owner, content-addressed by
/// SHA-256, in state (SSTORE2), in logs or as digests only.
contract DataLayer is Upgradeable, IDataLayer {
    struct StoredEntry {
        // Slot 0: everything a status change reads.
        address creator;
        uint40 createdAt;
        Status status;
        Storage mode;
        uint32 size;
        // Slot 1: where the bytes are.
        address firstChunk;
        uint40 blockNumber;
        uint16 chunkCount;
        bytes32[] dependencies;
    }

    /// @custom:storage-location erc7201:carbon.storage.DataLayer
    struct DataLayerStorage {
        mapping(bytes32 id => StoredEntry) entries;
        uint64 entryCount;
    }

    // keccak256(abi.encode(uint256(keccak256("carbon.storage.DataLayer")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant DATA_LAYER_STORAGE =
        0x7596be17ee5253972cfff69c4592f9744c6eca8084315204b56143def93c3500;

    /// @dev EIP-170 caps code at 24,576 bytes; SSTORE2 prefixes one STOP byte, and every chunk
    /// but the last ends with the 20-byte address of the next, so chunks are linked in code
    /// rather than listed in storage (20 bytes of code cost 4,000 gas, a new slot 22,100).
    uint256 private constant MAX_CHUNK = 24_575 - 20;

    /// @inheritdoc IDataLayer
    function initialize(address regulator, address writer, address index_) external initializer {
        __Upgradeable_init(regulator, index_);
        if (writer != address(0)) _grantRole(DATA_WRITER_ROLE, writer);
    }

    /// @inheritdoc IDataLayer
    function initializeWriters(address regulator, address[] calldata writers, address index_)
        external
        initializer
    {
        __Upgradeable_init(regulator, index_);
        for (uint256 i = 0; i < writers.length; ++i) {
            if (writers[i] != address(0)) _grantRole(DATA_WRITER_ROLE, writers[i]);
        }
    }

    /// @inheritdoc IUpgradeable
    function version() external pure override(IUpgradeable, Upgradeable) returns (string memory) {
        return "1.3.0";
    }

    /// @inheritdoc IDataLayer
    function storeInState(bytes memory content, bytes32[] calldata dependencies)
        external
        onlyRole(DATA_WRITER_ROLE)
        returns (bytes32 id)
    {
        StoredEntry storage e;
        (id, e) = _create(content, Storage.State, dependencies);
        uint256 n = content.length;
        uint256 count = (n + MAX_CHUNK - 1) / MAX_CHUNK;
        // Last chunk first, so that each earlier chunk can end with the address of its successor.
        address next;
        for (uint256 k = count; k > 0; --k) {
            uint256 offset = (k - 1) * MAX_CHUNK;
            uint256 length = k == count ? n - offset : MAX_CHUNK;
            next = _writeChunk(content, offset, length, next);
        }
        e.firstChunk = next;
        e.chunkCount = uint16(count);
    }

    /// @inheritdoc IDataLayer
    function storeInLog(bytes calldata content, bytes32[] calldata dependencies)
        external
        onlyRole(DATA_WRITER_ROLE)
        returns (bytes32 id)
    {
        StoredEntry storage e;
        (id, e) = _create(content, Storage.Log, dependencies);
        e.blockNumber = uint40(block.number);
        emit EntryContent(id, content);
    }

    /// @inheritdoc IDataLayer
    function storeDigest(bytes32 digest, uint256 size, bytes32[] calldata dependencies)
        external
        onlyRole(DATA_WRITER_ROLE)
    {
        if (size == 0 || size > type(uint32).max) revert InvalidSize(size);
        DataLayerStorage storage $ = _dataLayerStorage();
        if (_register($.entries[digest], digest, Storage.DigestOnly, uint32(size), dependencies, Status.InProgress)) {
            _countOne($);
        }
    }

    /// @inheritdoc IDataLayer
    function storeCompleted(Document[] calldata documents) external onlyRole(DATA_WRITER_ROLE) {
        DataLayerStorage storage $ = _dataLayerStorage();
        uint256 created = 0;
        for (uint256 i = 0; i < documents.length; ++i) {
            Document calldata d = documents[i];
            bytes32 digest = d.digest;
            StoredEntry storage e = $.entries[digest];
            if (e.status == Status.Completed) continue;
            bytes calldata content_ = d.content;
            bool isNew;
            if (content_.length != 0) {
                bytes32 actual = sha256(content_);
                if (actual != digest) revert DigestMismatch(digest, actual);
                isNew = _register(e, digest, Storage.Log, uint32(content_.length), d.dependencies, Status.Completed);
                e.blockNumber = uint40(block.number);
                emit EntryContent(digest, content_);
            } else {
                uint256 size = d.size;
                if (size == 0 || size > type(uint32).max) revert InvalidSize(size);
                isNew = _register(e, digest, Storage.DigestOnly, uint32(size), d.dependencies, Status.Completed);
            }
            if (isNew) ++created;
        }
        // Counted once for the call rather than once per entry (a warm SSTORE each).
        if (created != 0) {
            unchecked {
                $.entryCount += uint64(created);
            }
        }
    }

    /// @inheritdoc IDataLayer
    function addDependency(bytes32 id, bytes32 dependency) external onlyRole(DATA_WRITER_ROLE) {
        StoredEntry storage e = _changeable(id);
        _link(e, id, dependency);
    }

    /// @inheritdoc IDataLayer
    function complete(bytes32 id) external onlyRole(DATA_WRITER_ROLE) {
        _setStatus(id, Status.Completed);
    }

    /// @inheritdoc IDataLayer
    function cancel(bytes32 id) external {
        bool writer = hasRole(DATA_WRITER_ROLE, msg.sender);
        if (!writer && !hasRole(REGULATOR_ROLE, msg.sender)) {
            revert AccessControlUnauthorizedAccount(msg.sender, DATA_WRITER_ROLE);
        }
        StoredEntry storage e = _existing(id);
        if (e.status != Status.InProgress) revert EntryNotInProgress(id, e.status);
        // The regulator cancels any entry, e.g. one whose writer's role was revoked.
        if (e.creator != msg.sender && writer && !hasRole(REGULATOR_ROLE, msg.sender)) {
            revert NotEntryCreator(id, msg.sender, e.creator);
        }
        emit StatusChanged(id, Status.InProgress, Status.Cancelled);
        e.status = Status.Cancelled;
    }

    /// @inheritdoc IDataLayer
    function entry(bytes32 id) external view returns (Entry memory view_) {
        return _view(_existing(id));
    }

    /// @inheritdoc IDataLayer
    function entries(bytes32[] calldata ids) external view returns (Entry[] memory views) {
        views = new Entry[](ids.length);
        DataLayerStorage storage $ = _dataLayerStorage();
        for (uint256 i = 0; i < ids.length; ++i) {
            StoredEntry storage e = $.entries[ids[i]];
            if (e.status != Status.None) views[i] = _view(e);
        }
    }

    /// @inheritdoc IDataLayer
    function statusOf(bytes32 id) external view returns (Status) {
        return _dataLayerStorage().entries[id].status;
    }

    /// @inheritdoc IDataLayer
    function content(bytes32 id) external view returns (bytes memory data) {
        StoredEntry storage e = _existing(id);
        if (e.mode != Storage.State) revert ContentNotInState(id, e.mode);
        address[] memory chunks = _chunks(e);
        for (uint256 i = 0; i < chunks.length; ++i) {
            bytes memory chunk = SSTORE2.read(chunks[i]);
            if (i + 1 < chunks.length) {
                assembly {
                    mstore(chunk, sub(mload(chunk), 20))
                }
            }
            data = bytes.concat(data, chunk);
        }
    }

    /// @inheritdoc IDataLayer
    function entryCount() external view returns (uint256) {
        return _dataLayerStorage().entryCount;
    }

    function _create(bytes memory content_, Storage mode, bytes32[] calldata dependencies)
        private
        returns (bytes32 id, StoredEntry storage e)
    {
        if (content_.length == 0) revert EmptyContent();
        id = sha256(content_);
        DataLayerStorage storage $ = _dataLayerStorage();
        e = $.entries[id];
        if (_register(e, id, mode, uint32(content_.length), dependencies, Status.InProgress)) _countOne($);
    }

    /// @dev A digest has one entry, but a claim never blocks the content: a Cancelled entry is
    /// stored afresh by whoever stores the content again, and bytes (State or Log) supersede a
    /// digest-only entry: an InProgress one starts afresh for the writer who brings them, and a
    /// Completed one keeps its status, creator and dependencies and gains the bytes.
    /// A new entry starts as `status`: InProgress, or Completed for `storeCompleted`, which then
    /// emits `EntryStoredCompleted` in place of `EntryStored` and `StatusChanged`.
    /// Returns whether an entry was created where there was none (the caller counts it).
    function _register(
        StoredEntry storage e,
        bytes32 id,
        Storage mode,
        uint32 size,
        bytes32[] calldata dependencies,
        Status status_
    ) private returns (bool created) {
        Status status = e.status;
        bool bytesOverDigest = e.mode == Storage.DigestOnly && mode != Storage.DigestOnly;
        if (status == Status.None) {
            created = true;
        } else if (status == Status.Cancelled || (status == Status.InProgress && bytesOverDigest)) {
            _restart(e);
        } else if (status == Status.Completed && bytesOverDigest) {
            if (dependencies.length != 0) revert EntryNotInProgress(id, status);
            (e.mode, e.size) = (mode, size);
            emit EntryStored(id, msg.sender, mode, size);
            return false;
        } else {
            revert EntryExists(id);
        }
        _writeHead(e, status_, mode, size);
        if (status_ == Status.Completed) emit EntryStoredCompleted(id, msg.sender, mode, size);
        else emit EntryStored(id, msg.sender, mode, size);
        _linkAll(e, id, dependencies);
    }

    /// @dev The first slot of a new entry (creator, creation time, status, mode and size, in the
    /// declared order and widths of `StoredEntry`) in one SSTORE: assigned field by field it is
    /// four, about 1,000 gas more per entry.
    function _writeHead(StoredEntry storage e, Status status_, Storage mode, uint32 size) private {
        uint256 word = uint256(uint160(msg.sender)) | (uint256(uint40(block.timestamp)) << 160)
            | (uint256(uint8(status_)) << 200) | (uint256(uint8(mode)) << 208) | (uint256(size) << 216);
        assembly {
            sstore(e.slot, word)
        }
    }

    /// @dev The dependencies of an entry that has none yet (new, or started afresh): the same
    /// checks as `_link`, the duplicates looked for in calldata, and the list copied at once.
    /// @dev Forgets what a superseded entry held: its dependencies and where its bytes were.
    function _restart(StoredEntry storage e) private {
        delete e.dependencies;
        (e.firstChunk, e.blockNumber, e.chunkCount) = (address(0), 0, 0);
    }

    function _countOne(DataLayerStorage storage $) private {
        unchecked {
            ++$.entryCount;
        }
    }

    function _linkAll(StoredEntry storage e, bytes32 id, bytes32[] calldata dependencies) private {
        if (dependencies.length == 0) return;
        DataLayerStorage storage $ = _dataLayerStorage();
        for (uint256 i = 0; i < dependencies.length; ++i) {
            bytes32 dependency = dependencies[i];
            if (dependency == id || $.entries[dependency].status == Status.None) {
                revert InvalidDependency(id, dependency);
            }
            for (uint256 j = 0; j < i; ++j) {
                if (dependencies[j] == dependency) revert InvalidDependency(id, dependency);
            }
            emit DependencyAdded(id, dependency);
        }
        e.dependencies = dependencies;
    }

    function _link(StoredEntry storage e, bytes32 id, bytes32 dependency) private {
        if (dependency == id || _dataLayerStorage().entries[dependency].status == Status.None) {
            revert InvalidDependency(id, dependency);
        }
        bytes32[] storage deps = e.dependencies;
        for (uint256 i = 0; i < deps.length; ++i) {
            if (deps[i] == dependency) revert InvalidDependency(id, dependency);
        }
        deps.push(dependency);
        emit DependencyAdded(id, dependency);
    }

    function _setStatus(bytes32 id, Status next) private {
        StoredEntry storage e = _changeable(id);
        emit StatusChanged(id, Status.InProgress, next);
        e.status = next;
    }

    function _changeable(bytes32 id) private view returns (StoredEntry storage e) {
        e = _existing(id);
        if (e.status != Status.InProgress) revert EntryNotInProgress(id, e.status);
        if (e.creator != msg.sender) revert NotEntryCreator(id, msg.sender, e.creator);
    }

    function _existing(bytes32 id) private view returns (StoredEntry storage e) {
        e = _dataLayerStorage().entries[id];
        if (e.status == Status.None) revert EntryNotFound(id);
    }

    /// @dev An entry as `entry` and `entries` return it.
    function _view(StoredEntry storage e) private view returns (Entry memory view_) {
        view_.creator = e.creator;
        view_.createdAt = e.createdAt;
        view_.status = e.status;
        view_.mode = e.mode;
        view_.size = e.size;
        view_.blockNumber = e.blockNumber;
        view_.dependencies = e.dependencies;
        if (e.mode == Storage.State) view_.chunks = _chunks(e);
    }

    /// @dev Follows the links: every chunk but the last ends with the address of the next.
    function _chunks(StoredEntry storage e) private view returns (address[] memory chunks) {
        uint256 count = e.chunkCount;
        chunks = new address[](count);
        address chunk = e.firstChunk;
        for (uint256 i = 0; i < count; ++i) {
            chunks[i] = chunk;
            if (i + 1 < count) {
                uint256 size = chunk.code.length - 1;
                chunk = address(bytes20(SSTORE2.read(chunk, size - 20, size)));
            }
        }
    }

    /// @dev Writes `content[offset : offset + length]`, followed by `next` unless it is zero,
    /// with SSTORE2 and without copying the slice: the 32 bytes before it are borrowed as its
    /// length word, and the 20 bytes after it hold `next`; both are put back afterwards.
    function _writeChunk(bytes memory content_, uint256 offset, uint256 length, address next)
        private
        returns (address chunk)
    {
        bytes memory slice;
        bytes32 before;
        bytes32 after_;
        uint256 total = next == address(0) ? length : length + 20;
        assembly {
            slice := add(content_, offset)
            before := mload(slice)
            let tail := add(add(slice, 0x20), length)
            after_ := mload(tail)
            if next {
                mstore(tail, or(shl(96, next), and(after_, 0xffffffffffffffffffffffff)))
            }
            mstore(slice, total)
        }
        chunk = SSTORE2.write(slice);
        assembly {
            mstore(slice, before)
            mstore(add(add(slice, 0x20), length), after_)
        }
    }

    function _dataLayerStorage() private pure returns (DataLayerStorage storage $) {
        assembly {
            $.slot := DATA_LAYER_STORAGE
        }
    }
}
