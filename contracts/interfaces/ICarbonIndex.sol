// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IUpgradeable} from "./IUpgradeable.sol";

/// @title ICarbonIndex
/// @notice Name -> address of every published standard, with full history (seed 001 §4, §5).
/// Names follow the seed's convention: `GB_01_factor_20231001_0000`,
/// `GB_01_formula_20231001_0000`, `GB_calculate_20231001_0000` (also `ISO_…`): a prefix of 2-8
/// capital letters, a two-digit industry code and `factor` or `formula`, or `calculate` alone,
/// then an eight-digit date (YYYYMMDD) and four reserved characters. Everything before the date
/// is the name's series; each series keeps its names in date order. The index also keeps the
/// upgrade history of every proxy it knows, and gives compact ids to standards sets.
///
/// Integrity: a standards set pins the SHA-256 digests of the documents its revisions named when
/// it was registered (`resolveStandardsSet` returns them beside what the revisions name today, so
/// a verifier can refuse a set whose content moved). The index registers only standards governed
/// by its own regulator (see `register`) whose documents live in the official DataLayer; a name
/// dated after the current block's (UTC) date is refused; a name is never deleted, but the
/// regulator can deprecate it, with a reason, and `latest` then skips it.
interface ICarbonIndex is IUpgradeable {
    /// @notice What is registered under a name.
    /// @param target The standard contract (a proxy).
    /// @param registrar The standards editor who registered it.
    /// @param registeredAt Block timestamp of the registration.
    /// @param series The name's series, everything before the date.
    struct Registration {
        address target;
        address registrar;
        uint40 registeredAt;
        string series;
    }

    /// @notice The exact versions a calculation used: three index names and their revisions.
    /// @param factor Index name of the factor library.
    /// @param factorRevision Revision of the factor library.
    /// @param formula Index name of the formula library.
    /// @param formulaRevision Revision of the formula library.
    /// @param code Index name of the calculation code.
    /// @param codeRevision Revision of the calculation code.
    struct StandardsSet {
        string factor;
        uint32 factorRevision;
        string formula;
        uint32 formulaRevision;
        string code;
        uint32 codeRevision;
    }

    /// @notice One standard of a set resolved down to where its document's bytes are.
    /// @param name The index name.
    /// @param revision The revision.
    /// @param standard The standard contract registered under `name`.
    /// @param document SHA-256 digest of the revision's document.
    /// @param dataLayer The DataLayer holding the document.
    /// @param chunks For a document kept in state, its SSTORE2 chunks, in order (else empty).
    /// @param pinned The document digest the set pinned at registration (zero for a set registered
    /// before sets were pinned); a verifier refuses the set when it differs from `document`.
    struct ResolvedStandard {
        string name;
        uint32 revision;
        address standard;
        bytes32 document;
        address dataLayer;
        address[] chunks;
        bytes32 pinned;
    }

    /// @notice One implementation a known proxy ran, from `since` on.
    /// @param implementation The implementation.
    /// @param since Block timestamp from which the proxy ran it.
    /// @param blockNumber Block from which the proxy ran it.
    struct ImplementationRecord {
        address implementation;
        uint40 since;
        uint64 blockNumber;
    }

    /// @notice `name` now resolves to `target`.
    /// @param name The registered name.
    /// @param series Its series.
    /// @param target The standard contract.
    /// @param registrar The standards editor who registered it.
    event Registered(string name, string series, address indexed target, address indexed registrar);

    /// @notice The index now follows the upgrades of `proxy`.
    /// @param proxy The proxy.
    /// @param implementation Its implementation now.
    event ProxyTracked(address indexed proxy, address indexed implementation);

    /// @notice Known proxy `proxy` now runs `implementation`.
    /// @param proxy The proxy.
    /// @param implementation Its new implementation.
    event UpgradeRecorded(address indexed proxy, address indexed implementation);

    /// @notice Standards set `id` now names these exact versions.
    /// @param id The set's id, from 1.
    /// @param factor Index name of the factor library.
    /// @param factorRevision Revision of the factor library.
    /// @param formula Index name of the formula library.
    /// @param formulaRevision Revision of the formula library.
    /// @param code Index name of the calculation code.
    /// @param codeRevision Revision of the calculation code.
    event StandardsSetRegistered(
        uint32 indexed id, string factor, uint32 factorRevision, string formula, uint32 formulaRevision,
        string code, uint32 codeRevision
    );

    /// @notice Standards set `id` pins these document digests.
    /// @param id The set's id.
    /// @param factor SHA-256 digest of the factor library's document.
    /// @param formula SHA-256 digest of the formula library's document.
    /// @param code SHA-256 digest of the calculation code.
    event StandardsSetPinned(uint32 indexed id, bytes32 factor, bytes32 formula, bytes32 code);

    /// @notice The regulator deprecated `name`: `latest` skips it from now on; it still resolves.
    /// @param name The name.
    /// @param series Its series.
    /// @param regulator The regulator who deprecated it.
    /// @param reason Why.
    event Deprecated(string name, string series, address indexed regulator, string reason);

    /// @notice Standards documents must from now on live in `dataLayer`, and registered standards
    /// be governed by `regulator`.
    /// @param dataLayer The official DataLayer.
    /// @param regulator The regulator who named it.
    event OfficialDataLayerSet(address indexed dataLayer, address indexed regulator);

    /// @notice A set names a standard under a name of the wrong kind.
    /// @param name The name.
    /// @param expected The kind its place in the set needs.
    error WrongKind(string name, string expected);

    /// @notice A set names a revision that has not been published.
    /// @param name The standard's name.
    /// @param revision The unpublished revision.
    error UnknownRevision(string name, uint32 revision);

    /// @notice No standards set has this id.
    /// @param id The id asked for.
    error UnknownStandardsSet(uint32 id);

    /// @notice `name` does not follow the naming convention; `position` is the first offending byte.
    /// @param name The name.
    /// @param position Index of the first byte that breaks the convention.
    error MalformedName(string name, uint256 position);

    /// @notice `name` is already registered.
    /// @param name The name.
    /// @param target What it resolves to.
    error NameTaken(string name, address target);

    /// @notice `name` is not registered.
    /// @param name The name.
    error UnknownName(string name);

    /// @notice No name has been registered in `series`.
    /// @param series The series.
    error UnknownSeries(string series);

    /// @notice The contract's `kind()` is not the kind segment of the name.
    /// @param name The name.
    /// @param expected The name's kind segment.
    /// @param actual What the contract's `kind()` answered.
    error KindMismatch(string name, string expected, string actual);

    /// @notice `target` has no code.
    /// @param target The address.
    error NotAContract(address target);

    /// @notice The name's date is after the current block's date.
    /// @param name The name.
    /// @param date Its date, YYYYMMDD.
    /// @param today The current block's date (UTC), YYYYMMDD.
    error NameDatedInTheFuture(string name, uint256 date, uint256 today);

    /// @notice No official DataLayer has been named yet (`setOfficialDataLayer`).
    error NoOfficialDataLayer();

    /// @notice The standard's document is not in the official DataLayer.
    /// @param standard The standard contract.
    /// @param dataLayer The DataLayer its revision names.
    /// @param official The official DataLayer.
    error NotInOfficialDataLayer(address standard, address dataLayer, address official);

    /// @notice The contract is not governed by this index's regulator: it reports its upgrades
    /// elsewhere, or the index's regulator does not hold its REGULATOR_ROLE, or the registrar
    /// (not a regulator here) holds it.
    /// @param target The contract.
    /// @param upgradeIndex The index it reports its upgrades to.
    /// @param account The account whose role is wrong (zero when the upgrade index is).
    error NotGovernedByIndex(address target, address upgradeIndex, address account);

    /// @notice The name is deprecated: no new standards set may name it.
    /// @param name The name.
    error DeprecatedName(string name);

    /// @notice Every name of the series is deprecated.
    /// @param series The series.
    error NoCurrentName(string series);

    /// @notice A deprecation needs a reason.
    error EmptyReason();

    /// @notice The caller of `noteUpgrade` is not a proxy this index knows.
    /// @param caller The caller.
    error UnknownProxy(address caller);

    /// @notice Initialises the proxy; the index follows its own upgrades from the start.
    /// @param regulator Admin of roles and upgrades.
    /// @param editor First holder of STANDARDS_EDITOR_ROLE, who registers names.
    function initialize(address regulator, address editor) external;

    /// @notice Registers `name` for the standard contract `target`. Standards editors only.
    /// @dev The name must follow the convention, be new, not be dated after the current block's
    /// date, and its kind segment must equal `target.kind()`. `target` must be governed by this
    /// index's regulator: it reports its upgrades to this index, the regulator who named the
    /// official DataLayer holds its REGULATOR_ROLE, and the registrar does not unless it is a
    /// regulator here; its latest revision's document must be in the official DataLayer. The name
    /// joins its series in date order, and the index starts following the upgrades of `target`.
    /// @param name The index name, e.g. `GB_01_factor_20231001_0000`.
    /// @param target The standard contract (an IStandardDocument).
    function register(string calldata name, address target) external;

    /// @notice Gives a compact id to a combination of published revisions, so that a record can
    /// pin the exact factor, formula and code versions it was computed with in four bytes; the
    /// set also pins the document digest each revision names now (they must be in the official
    /// DataLayer). Names that are deprecated are refused.
    /// Anyone may call it: it only names what is already published. Registering the same
    /// combination again returns its existing id.
    /// @param set Three registered names of the right kinds and a published revision of each.
    /// @return id The set's id, from 1.
    function registerStandardsSet(StandardsSet calldata set) external returns (uint32 id);

    /// @notice The versions standards set `id` names; reverts when there is none.
    /// @param id The set's id.
    /// @return The set.
    function standardsSet(uint32 id) external view returns (StandardsSet memory);

    /// @notice Factor library, formula library and code of set `id`, each resolved to its
    /// document digest, DataLayer and (for documents kept in state) code chunks: what a
    /// verifier needs to fetch them, in one call.
    /// @param id The set's id.
    /// @return resolved Factor library, formula library and code, in that order.
    function resolveStandardsSet(uint32 id) external view returns (ResolvedStandard[3] memory resolved);

    /// @notice The id of a combination, or 0 when it has not been registered.
    /// @param set The combination.
    /// @return The set's id, or 0.
    function standardsSetId(StandardsSet calldata set) external view returns (uint32);

    /// @notice How many standards sets exist; their ids run from 1 to this number.
    /// @return The number of sets.
    function standardsSetCount() external view returns (uint256);

    /// @notice Names the official DataLayer, where every standards document must be. Regulator
    /// only; the DataLayer must report its upgrades to this index and the caller must be its
    /// regulator. The caller becomes the regulator every registered standard must be governed by.
    /// @param dataLayer The regulator's singleton DataLayer.
    function setOfficialDataLayer(address dataLayer) external;

    /// @notice The official DataLayer and the regulator who named it.
    /// @return dataLayer The official DataLayer (zero until named).
    /// @return regulator The regulator registered standards must be governed by.
    function officialDataLayer() external view returns (address dataLayer, address regulator);

    /// @notice Deprecates `name` for good: it still resolves and existing sets still name it, but
    /// `latest` skips it and new sets may not name it. Regulator only.
    /// @param name A registered name.
    /// @param reason Why (not empty).
    function deprecate(string calldata name, string calldata reason) external;

    /// @notice Why `name` was deprecated (empty when it is not).
    /// @param name The name.
    /// @return The reason.
    function deprecation(string calldata name) external view returns (string memory);

    /// @notice Starts following the upgrades of a proxy that is not a registered standard
    /// (a DataLayer, for instance). Regulator only.
    /// @param proxy The proxy (an IUpgradeable) to follow.
    function track(address proxy) external;

    /// @notice Records that the calling proxy now runs a new implementation; called by
    /// `Upgradeable.upgradeToAndCall` of the proxies this index knows.
    function noteUpgrade() external;

    /// @notice The address registered under `name`; reverts when there is none.
    /// @param name The index name.
    /// @return The standard contract.
    function resolve(string calldata name) external view returns (address);

    /// @notice Everything recorded about `name`; reverts when it is not registered.
    /// @param name The index name.
    /// @return r Target, registrar, time and series.
    function registration(string calldata name) external view returns (Registration memory r);

    /// @notice The newest name of `series` (e.g. `GB_01_factor`) that is not deprecated, and its
    /// address.
    /// @param series The series.
    /// @return name The name with the latest date.
    /// @return target What it resolves to.
    function latest(string calldata series) external view returns (string memory name, address target);

    /// @notice Every name of `series`, oldest date first.
    /// @param series The series.
    /// @return The names.
    function seriesHistory(string calldata series) external view returns (string[] memory);

    /// @notice A page of `seriesHistory`: at most `limit` names from position `offset` on.
    /// @param series The series.
    /// @param offset The position of the first, from 0.
    /// @param limit The most to return.
    /// @return page The names.
    function seriesHistoryPage(string calldata series, uint256 offset, uint256 limit)
        external
        view
        returns (string[] memory page);

    /// @notice Every series that has at least one name, in order of first registration.
    /// @return The series.
    function seriesList() external view returns (string[] memory);

    /// @notice Every proxy whose upgrades the index follows.
    /// @return The proxies, in the order the index started following them.
    function knownProxies() external view returns (address[] memory);

    /// @notice The implementations `proxy` has run, oldest first.
    /// @param proxy The proxy.
    /// @return The implementations with the time and block from which each ran.
    function implementationHistory(address proxy) external view returns (ImplementationRecord[] memory);

    /// @notice Checks `name` against the convention and splits off its series and kind; reverts
    /// with MalformedName otherwise.
    /// @param name The name.
    /// @return series Everything before the date, e.g. `GB_01_factor`.
    /// @return kind_ `factor`, `formula` or `calculate`.
    function parseName(string calldata name) external pure returns (string memory series, string memory kind_);
}
