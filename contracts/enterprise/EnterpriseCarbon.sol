// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {ERC1967Utils} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Utils.sol";
import {Upgradeable} from "../base/Upgradeable.sol";
import {ICarbonVerification} from "../interfaces/ICarbonVerification.sol";
import {IEnterpriseFactory} from "../interfaces/IEnterpriseFactory.sol";
import {IDataLayer} from "../interfaces/IDataLayer.sol";
import {IEnterpriseCarbon} from "../interfaces/IEnterpriseCarbon.sol";
import {IUpgradeable} from "../interfaces/IUpgradeable.sol";

/// @title EnterpriseCarbon
/// @notice Implements IEnterpriseCarbon: one enterprise's profile and its emission records per year.
/// @dev A record costs two new storage slots (its digest in the year's list and one packed
/// slot); its title travels in the `RecordSubmitted` event and in the activity document itself.
/// `submit` does not call the DataLayer (a cross-contract status read through two proxies costs
/// about 15,000 gas, a seventh of a record): `record()` reports the entry's status, and the
/// verifier fails a record whose data is missing or not Completed.
/// Freezing costs a year that no verification registered for one cold storage read (the
/// registration); only a year under verification calls CarbonVerification. The registration is
/// pushed by CarbonVerification at assignment and authenticated against the factory that owns
/// this contract's beacon, so the per-record path never looks the factory up.
contract EnterpriseCarbon is Upgradeable, IEnterpriseCarbon {
    struct Meta {
        uint64 result;
        uint32 submittedAt;
        uint32 standardsSet;
        uint32 replaces; // 1-based index in the same year of the record this one replaces
        uint32 index; // 0-based position in the year
        uint16 year;
        uint16 submitter; // 1-based index in `submitters`
        uint8 flags;
    }

    /// @custom:storage-location erc7201:carbon.storage.EnterpriseCarbon
    struct EnterpriseCarbonStorage {
        Profile profile;
        mapping(uint16 year => bytes32[] data) byYear;
        mapping(bytes32 data => Meta) meta;
        mapping(bytes32 data => bytes32 evidence) rectificationEvidence;
        uint16[] activeYears;
        address[] submitters;
        mapping(address account => uint16 id) submitterIds;
        // Appended (storage compatibility): the CarbonVerification asked before changing a year.
        mapping(uint16 year => address verification) verifications;
    }

    // keccak256(abi.encode(uint256(keccak256("carbon.storage.EnterpriseCarbon")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant ENTERPRISE_CARBON_STORAGE =
        0x01bc85b5eb219cbc90813f510591fe5dc4a2c757697f546b7ae8292c7820e800;

    uint8 private constant VALID = 1;
    uint8 private constant AGGREGATED = 2;
    uint8 private constant SELF_MEASURED = 4;

    /// @inheritdoc IEnterpriseCarbon
    function initialize(address admin, Profile calldata profile_) external initializer {
        __Upgradeable_init(address(0), address(0));
        _grantRole(ENTERPRISE_ADMIN_ROLE, admin);
        _enterpriseCarbonStorage().profile = profile_;
    }

    /// @inheritdoc IUpgradeable
    function version() external pure override(IUpgradeable, Upgradeable) returns (string memory) {
        return "1.2.1";
    }

    /// @inheritdoc IEnterpriseCarbon
    function submit(Submission calldata s) external onlyRole(ENTERPRISE_ADMIN_ROLE) returns (uint32 index) {
        _requireChangeable(s.year, false);
        return _add(s, 0);
    }

    /// @inheritdoc IEnterpriseCarbon
    function submitWithData(Submission[] calldata submissions, IDataLayer.Document[] calldata documents)
        external
        onlyRole(ENTERPRISE_ADMIN_ROLE)
        returns (uint32[] memory indexes)
    {
        indexes = new uint32[](submissions.length);
        // A backlog is mostly one year: its frozen check is made once.
        uint256 checked = type(uint256).max;
        for (uint256 i = 0; i < submissions.length; ++i) {
            Submission calldata s = submissions[i];
            uint16 year = s.year;
            if (year != checked) {
                _requireChangeable(year, false);
                checked = year;
            }
            indexes[i] = _add(s, 0);
        }
        // Last (checks, effects, then the call): the enterprise's own DataLayer, behind the same
        // factory's beacon; a refusal there reverts the records too.
        if (documents.length != 0) _storeCompleted(documents);
    }

    /// @inheritdoc IEnterpriseCarbon
    function invalidate(uint16 year, uint32 index, string calldata reason)
        external
        onlyRole(ENTERPRISE_ADMIN_ROLE)
    {
        _requireChangeable(year, false);
        _invalidate(year, index, reason);
    }

    /// @inheritdoc IEnterpriseCarbon
    function rectify(uint32 index, Submission calldata s, bytes32 evidence)
        external
        onlyRole(ENTERPRISE_ADMIN_ROLE)
        returns (uint32 newIndex)
    {
        _requireChangeable(s.year, true);
        _requireCompleted(evidence);
        _invalidate(s.year, index, "rectified");
        newIndex = _add(s, index + 1);
        _enterpriseCarbonStorage().rectificationEvidence[s.data] = evidence;
        emit RecordRectified(s.year, newIndex, index, evidence);
    }

    /// @inheritdoc IEnterpriseCarbon
    function registerVerification(uint16 year) external {
        address expected = IEnterpriseFactory(Ownable(ERC1967Utils.getBeacon()).owner()).verification();
        if (msg.sender != expected || expected == address(0)) revert NotTheVerification(msg.sender, expected);
        EnterpriseCarbonStorage storage $ = _enterpriseCarbonStorage();
        if ($.verifications[year] == msg.sender) return;
        $.verifications[year] = msg.sender;
        emit VerificationRegistered(year, msg.sender);
    }

    /// @inheritdoc IEnterpriseCarbon
    function updateProfile(string calldata name, bytes2 industryCode, string calldata region)
        external
        onlyRole(REGULATOR_ROLE)
    {
        Profile storage p = _enterpriseCarbonStorage().profile;
        (p.name, p.industryCode, p.region) = (name, industryCode, region);
        emit ProfileUpdated(name, industryCode, region);
    }

    /// @inheritdoc IEnterpriseCarbon
    function profile() external view returns (Profile memory) {
        return _enterpriseCarbonStorage().profile;
    }

    /// @inheritdoc IEnterpriseCarbon
    function recordCount(uint16 year) external view returns (uint256) {
        return _enterpriseCarbonStorage().byYear[year].length;
    }

    /// @inheritdoc IEnterpriseCarbon
    function record(uint16 year, uint32 index) public view returns (Record memory) {
        bytes32[] storage list = _enterpriseCarbonStorage().byYear[year];
        if (index >= list.length) revert RecordNotFound(year, index, list.length);
        return _view(list[index]);
    }

    /// @inheritdoc IEnterpriseCarbon
    function records(uint16 year) external view returns (Record[] memory all) {
        bytes32[] storage list = _enterpriseCarbonStorage().byYear[year];
        all = new Record[](list.length);
        for (uint256 i = 0; i < list.length; ++i) {
            all[i] = _view(list[i]);
        }
    }

    /// @inheritdoc IEnterpriseCarbon
    function recordsPage(uint16 year, uint256 offset, uint256 limit) external view returns (Record[] memory page) {
        bytes32[] storage list = _enterpriseCarbonStorage().byYear[year];
        uint256 end = offset >= list.length ? offset : (limit > list.length - offset ? list.length : offset + limit);
        page = new Record[](end - offset);
        for (uint256 i = 0; i < page.length; ++i) {
            page[i] = _view(list[offset + i]);
        }
    }

    /// @inheritdoc IEnterpriseCarbon
    function recordSetHash(uint16 year) external view returns (bytes32 hash) {
        EnterpriseCarbonStorage storage $ = _enterpriseCarbonStorage();
        bytes32[] storage list = $.byYear[year];
        uint256 n = list.length;
        bytes memory packed = new bytes(n * 33);
        for (uint256 i = 0; i < n; ++i) {
            bytes32 data = list[i];
            uint256 valid = $.meta[data].flags & VALID;
            assembly {
                let at := add(add(packed, 0x20), mul(i, 33))
                mstore(at, data)
                mstore8(add(at, 32), valid)
            }
        }
        hash = keccak256(packed);
    }

    /// @inheritdoc IEnterpriseCarbon
    function verificationOf(uint16 year) external view returns (address) {
        return _enterpriseCarbonStorage().verifications[year];
    }

    /// @inheritdoc IEnterpriseCarbon
    function recordOfData(bytes32 data) external view returns (uint16 year, uint32 index) {
        Meta storage m = _enterpriseCarbonStorage().meta[data];
        if (m.submittedAt == 0) revert RecordNotFound(0, 0, 0);
        return (m.year, m.index);
    }

    /// @inheritdoc IEnterpriseCarbon
    function recordYears() external view returns (uint16[] memory) {
        return _enterpriseCarbonStorage().activeYears;
    }

    /// @dev Each field of `s` is read from calldata once (a checked read of a calldata struct's
    /// field is about 120 gas).
    function _add(Submission calldata s, uint32 replaces) private returns (uint32 index) {
        string calldata title = s.title;
        uint32 standardsSet = s.standardsSet;
        if (bytes(title).length == 0) revert EmptyTitle();
        if (standardsSet == 0) revert NoStandardsSet();
        (uint16 year, bytes32 data, uint64 result) = (s.year, s.data, s.result);
        EnterpriseCarbonStorage storage $ = _enterpriseCarbonStorage();
        Meta storage m = $.meta[data];
        if (m.submittedAt != 0) revert DuplicateData(data, m.year, m.index);
        bytes32[] storage list = $.byYear[year];
        if (list.length == 0) $.activeYears.push(year);
        index = uint32(list.length);
        list.push(data);
        uint256 flags = VALID | (s.aggregated ? AGGREGATED : 0) | (s.selfMeasured ? SELF_MEASURED : 0);
        _storeMeta(m, result, standardsSet, replaces, index, year, _submitterId($), flags);
        emit RecordSubmitted(year, index, data, title, result, standardsSet, msg.sender);
    }

    /// @dev Writes the packed slot of `Meta` (field order and widths as declared) in one SSTORE:
    /// a struct assigned from memory is written member by member, about 1,400 gas more.
    function _storeMeta(
        Meta storage m,
        uint64 result,
        uint32 standardsSet,
        uint32 replaces,
        uint32 index,
        uint16 year,
        uint16 submitter,
        uint256 flags
    ) private {
        uint256 word = uint256(result) | (uint256(uint32(block.timestamp)) << 64) | (uint256(standardsSet) << 96)
            | (uint256(replaces) << 128) | (uint256(index) << 160) | (uint256(year) << 192)
            | (uint256(submitter) << 208) | (flags << 224);
        assembly {
            sstore(m.slot, word)
        }
    }

    /// @dev Asks the CarbonVerification registered for `year`, if any, whether the year is frozen.
    function _requireChangeable(uint16 year, bool rectification) private view {
        address verification = _enterpriseCarbonStorage().verifications[year];
        if (verification == address(0)) return;
        (bool frozen, bool rectifiable, ICarbonVerification.State state) =
            ICarbonVerification(verification).lockOf(address(this), year);
        if (frozen && !(rectification && rectifiable)) revert YearFrozen(address(this), year, state);
    }

    function _invalidate(uint16 year, uint32 index, string memory reason) private {
        EnterpriseCarbonStorage storage $ = _enterpriseCarbonStorage();
        bytes32[] storage list = $.byYear[year];
        if (index >= list.length) revert RecordNotFound(year, index, list.length);
        Meta storage m = $.meta[list[index]];
        if (m.flags & VALID == 0) revert RecordNotValid(year, index);
        m.flags &= ~VALID;
        emit RecordInvalidated(year, index, reason);
    }

    /// @dev `IDataLayer.storeCompleted(documents)`, its arguments passed on as they came: the
    /// offsets inside an ABI-encoded array are relative to the array, so the calldata from its
    /// length word on encodes it as the single argument of `storeCompleted` too (a calldata
    /// tail after it is never read). Re-encoding the documents into memory costs about 3,000
    /// gas for a month's three. The DataLayer decodes and checks them as from any caller.
    function _storeCompleted(IDataLayer.Document[] calldata documents) private {
        uint256 start;
        assembly {
            start := sub(documents.offset, 0x20)
        }
        Address.functionCall(
            _enterpriseCarbonStorage().profile.dataLayer,
            abi.encodePacked(IDataLayer.storeCompleted.selector, uint256(0x20), msg.data[start:])
        );
    }

    function _requireCompleted(bytes32 entry) private view {
        IDataLayer.Status status = IDataLayer(_enterpriseCarbonStorage().profile.dataLayer).statusOf(entry);
        if (status != IDataLayer.Status.Completed) revert DataNotCompleted(entry, status);
    }

    function _submitterId(EnterpriseCarbonStorage storage $) private returns (uint16 id) {
        id = $.submitterIds[msg.sender];
        if (id == 0) {
            $.submitters.push(msg.sender);
            id = uint16($.submitters.length);
            $.submitterIds[msg.sender] = id;
        }
    }

    function _view(bytes32 data) private view returns (Record memory r) {
        EnterpriseCarbonStorage storage $ = _enterpriseCarbonStorage();
        Meta storage m = $.meta[data];
        r.data = data;
        r.valid = m.flags & VALID != 0;
        r.aggregated = m.flags & AGGREGATED != 0;
        r.selfMeasured = m.flags & SELF_MEASURED != 0;
        r.result = m.result;
        r.standardsSet = m.standardsSet;
        r.replaces = m.replaces;
        r.submitter = $.submitters[m.submitter - 1];
        r.submittedAt = m.submittedAt;
        r.rectificationEvidence = $.rectificationEvidence[data];
        r.dataStatus = IDataLayer($.profile.dataLayer).statusOf(data);
    }

    function _enterpriseCarbonStorage() private pure returns (EnterpriseCarbonStorage storage $) {
        assembly {
            $.slot := ENTERPRISE_CARBON_STORAGE
        }
    }
}
