// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IUpgradeable} from "./IUpgradeable.sol";
import {IDataLayer} from "./IDataLayer.sol";
import {ICarbonVerification} from "./ICarbonVerification.sol";

/// @title IEnterpriseCarbon
/// @notice One per enterprise (seed 001 §1.5): its profile and its emission records per year.
/// A record points at a Completed activity-data entry of the enterprise's own DataLayer, carries
/// the result in micro-tonnes CO2e (tCO2e x 10^6) and pins the exact factor, formula and code
/// revisions it was computed with through a CarbonIndex standards set. Records are never
/// deleted: a wrong one is invalidated, and a rectified one (整改) is added with a link to the
/// record it replaces and to the rectification evidence. One activity-data entry backs at most
/// one record, so a retried submission cannot create a second record. Each sits behind a beacon
/// proxy of the EnterpriseFactory, whose regulator is its regulator.
///
/// A year under verification is frozen: once CarbonVerification assigned an agency it registers
/// itself for the year (`registerVerification`), and from then on every submission, invalidation
/// and rectification in that year first asks it (`ICarbonVerification.lockOf`) and is refused
/// with `YearFrozen` unless allowed (only rectification, while the latest verdict is a fail).
interface IEnterpriseCarbon is IUpgradeable {
    /// @notice Who the enterprise is. The industry code is the two digits of the index names
    /// (`GB_01_…`), kept beside the DataLayer address in one slot.
    /// @param name The enterprise's name.
    /// @param creditCode Its unified social credit code (统一社会信用代码).
    /// @param region Its region.
    /// @param dataLayer Its own DataLayer, holding its activity data and evidence.
    /// @param industryCode Two ASCII digits, e.g. `01`.
    struct Profile {
        string name;
        string creditCode;
        string region;
        address dataLayer;
        bytes2 industryCode;
    }

    /// @notice What the enterprise's carbon administrator submits.
    /// @param year The year the record belongs to.
    /// @param data SHA-256 digest of the activity-data document, an entry of the enterprise's DataLayer.
    /// @param title A short title (not stored: it travels in the `RecordSubmitted` event).
    /// @param result Emissions computed, micro-tonnes CO2e.
    /// @param standardsSet The CarbonIndex standards set it was computed with (not zero).
    /// @param aggregated Whether it sums other records (a quarter or a year); totals leave it out.
    /// @param selfMeasured Whether it used self-measured factors (自测因子) instead of defaults.
    struct Submission {
        uint16 year;
        bytes32 data;
        string title;
        uint64 result;
        uint32 standardsSet;
        bool aggregated;
        bool selfMeasured;
    }

    /// @notice A record as `record()` returns it.
    /// @param data SHA-256 digest of the activity-data document.
    /// @param valid False once invalidated or rectified.
    /// @param aggregated Whether it sums other records (a quarter or a year).
    /// @param selfMeasured Whether it used self-measured factors (自测因子).
    /// @param result Emissions computed, micro-tonnes CO2e.
    /// @param standardsSet The CarbonIndex standards set it was computed with.
    /// @param replaces 1-based index in the same year of the record it rectifies (0 for none).
    /// @param submitter The account that submitted it.
    /// @param submittedAt Block timestamp of the submission.
    /// @param rectificationEvidence Digest of the rectification evidence (zero for none).
    /// @param dataStatus Status of `data` in the enterprise's DataLayer now.
    struct Record {
        bytes32 data;
        bool valid;
        bool aggregated;
        bool selfMeasured;
        uint64 result;
        uint32 standardsSet;
        uint32 replaces;
        address submitter;
        uint32 submittedAt;
        bytes32 rectificationEvidence;
        IDataLayer.Status dataStatus;
    }

    /// @notice Record `index` of `year` was submitted (the enterprise is the emitting contract).
    /// @param year The year: the record's period.
    /// @param index The record's position in its year, from 0.
    /// @param data SHA-256 digest of the activity-data document.
    /// @param title The record's title.
    /// @param result Emissions computed, micro-tonnes CO2e.
    /// @param standardsSet The CarbonIndex standards set it was computed with.
    /// @param submitter The account that submitted it.
    event RecordSubmitted(
        uint16 indexed year,
        uint32 indexed index,
        bytes32 indexed data,
        string title,
        uint64 result,
        uint32 standardsSet,
        address submitter
    );

    /// @notice `verification` is verifying `year`: it is asked before any change to the year.
    /// @param year The year.
    /// @param verification The CarbonVerification.
    event VerificationRegistered(uint16 indexed year, address indexed verification);

    /// @notice Record `index` of `year` is no longer valid.
    /// @param year The year.
    /// @param index The record's position in its year.
    /// @param reason Why (`rectified` when a rectification replaced it).
    event RecordInvalidated(uint16 indexed year, uint32 indexed index, string reason);

    /// @notice Record `index` of `year` replaces record `replaced`, with rectification evidence.
    /// @param year The year.
    /// @param index The rectified record's position in its year.
    /// @param replaced The position of the record it replaces.
    /// @param evidence Digest of the rectification evidence.
    event RecordRectified(uint16 indexed year, uint32 indexed index, uint32 replaced, bytes32 evidence);

    /// @notice The profile changed.
    /// @param name The new name.
    /// @param industryCode The new industry code.
    /// @param region The new region.
    event ProfileUpdated(string name, bytes2 industryCode, string region);

    /// @notice The activity data (or evidence) is not a Completed entry of the enterprise's DataLayer.
    /// @param data The entry's digest.
    /// @param status Its status there.
    error DataNotCompleted(bytes32 data, IDataLayer.Status status);

    /// @notice This activity-data entry already backs a record.
    /// @param data The entry's digest.
    /// @param year The year of the record it backs.
    /// @param index The position of that record in its year.
    error DuplicateData(bytes32 data, uint16 year, uint32 index);

    /// @notice There is no record `index` in `year`.
    /// @param year The year.
    /// @param index The position asked for.
    /// @param count How many records the year has.
    error RecordNotFound(uint16 year, uint32 index, uint256 count);

    /// @notice The record was already invalidated.
    /// @param year The year.
    /// @param index The record's position in its year.
    error RecordNotValid(uint16 year, uint32 index);

    /// @notice The year is under verification (or closed) and this change is not allowed in it.
    /// @param enterprise This EnterpriseCarbon.
    /// @param year The year.
    /// @param state Where its verification stands.
    error YearFrozen(address enterprise, uint16 year, ICarbonVerification.State state);

    /// @notice Only the CarbonVerification the factory names registers itself for a year.
    /// @param caller The caller.
    /// @param expected The CarbonVerification the factory names (zero for none).
    error NotTheVerification(address caller, address expected);

    /// @notice A record's title must not be empty.
    error EmptyTitle();

    /// @notice A record must name the standards set it was computed with.
    error NoStandardsSet();

    /// @notice Initialises the proxy.
    /// @dev The regulator is the one of the factory that owns this contract's beacon.
    /// @param admin The enterprise's carbon administrator.
    /// @param profile_ Name, credit code, industry code, region and the enterprise's DataLayer.
    function initialize(address admin, Profile calldata profile_) external;

    /// @notice Adds a record. Enterprise carbon administrators only; refused in a frozen year.
    /// @param s The record.
    /// @return index The record's position in its year, from 0.
    function submit(Submission calldata s) external returns (uint32 index);

    /// @notice Stores `documents` in the enterprise's DataLayer (Completed, those Completed
    /// already skipped) and adds `records`, all in one transaction: a monthly submission with its
    /// evidence, or a backlog of many records. Each record is checked as `submit` checks it
    /// (administrators only, refused in a frozen year, a title and a standards set, one record per
    /// activity-data entry). With documents this contract stores them itself, so it needs
    /// DATA_WRITER_ROLE on its DataLayer (the factory grants it at onboarding; the regulator grants
    /// it to enterprises onboarded before); the entries' creator is then this contract.
    /// @param submissions The records, in the order they are added.
    /// @param documents Evidence and activity documents, each after those it depends on (may be empty).
    /// @return indexes Each record's position in its year, from 0.
    function submitWithData(Submission[] calldata submissions, IDataLayer.Document[] calldata documents)
        external
        returns (uint32[] memory indexes);

    /// @notice Invalidates record `index` of `year`; it stays readable. Administrators only;
    /// refused in a frozen year.
    /// @param year The year.
    /// @param index The record's position in its year.
    /// @param reason Why.
    function invalidate(uint16 year, uint32 index, string calldata reason) external;

    /// @notice Replaces record `index` of `year` with a rectified one (整改): the old record is
    /// invalidated and the new one links to it and to the rectification evidence, which must be
    /// a Completed entry of the enterprise's DataLayer. Administrators only; in a frozen year only
    /// while the latest verdict is a fail.
    /// @param index The position of the record replaced, in the year of `s`.
    /// @param s The rectified record.
    /// @param evidence Digest of the rectification evidence.
    /// @return newIndex The rectified record's position in its year.
    function rectify(uint32 index, Submission calldata s, bytes32 evidence) external returns (uint32 newIndex);

    /// @notice Called by the CarbonVerification the EnterpriseFactory names when it assigns an
    /// agency for `year`: from then on this contract asks it (`lockOf`) before any change to the
    /// year's records.
    /// @param year The year.
    function registerVerification(uint16 year) external;

    /// @notice Changes name, industry code and region. Regulator only.
    /// @param name The new name.
    /// @param industryCode The new industry code.
    /// @param region The new region.
    function updateProfile(string calldata name, bytes2 industryCode, string calldata region) external;

    /// @notice Who the enterprise is and where its DataLayer is.
    /// @return The profile.
    function profile() external view returns (Profile memory);

    /// @notice How many records `year` has, valid or not.
    /// @param year The year.
    /// @return The number of records.
    function recordCount(uint16 year) external view returns (uint256);

    /// @notice Record `index` of `year`; reverts when there is none.
    /// @param year The year.
    /// @param index The record's position in its year.
    /// @return The record.
    function record(uint16 year, uint32 index) external view returns (Record memory);

    /// @notice Every record of `year`, in submission order (one call for a whole year).
    /// @param year The year.
    /// @return all The records.
    function records(uint16 year) external view returns (Record[] memory all);

    /// @notice A page of `records(year)`: at most `limit` records from position `offset` on
    /// (empty past the end).
    /// @param year The year.
    /// @param offset The position of the first, from 0.
    /// @param limit The most to return.
    /// @return page The records.
    function recordsPage(uint16 year, uint256 offset, uint256 limit) external view returns (Record[] memory page);

    /// @notice The hash a verdict pins: keccak256 over the year's records in submission order, each
    /// contributing 33 bytes, its activity-data digest (32 bytes) followed by one byte 0x01 when
    /// valid or 0x00 when not; i.e. `keccak256(abi.encodePacked(data_0, valid_0, data_1, valid_1,
    /// ...))`, and `keccak256("")` for a year without records. Records are only appended and only
    /// ever lose validity, so the hash (with `recordCount`) changes whenever the set does.
    /// @param year The year.
    /// @return The record-set hash.
    function recordSetHash(uint16 year) external view returns (bytes32);

    /// @notice The CarbonVerification registered for `year` (zero when none assigned an agency).
    /// @param year The year.
    /// @return The CarbonVerification.
    function verificationOf(uint16 year) external view returns (address);

    /// @notice The record an activity-data entry backs, as (year, index); reverts when none.
    /// @param data The entry's digest.
    /// @return year The record's year.
    /// @return index The record's position in its year.
    function recordOfData(bytes32 data) external view returns (uint16 year, uint32 index);

    /// @notice Years that have at least one record, in order of their first record.
    /// @return The years.
    function recordYears() external view returns (uint16[] memory);
}
