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
    struct ResolvedStandard {
        string name;
        uint32 revision;
        address standard;
        bytes32 document;
        address dataLayer;
        address[] chunks;
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

    /// @notice The caller of `noteUpgrade` is not a proxy this index knows.
    /// @param caller The caller.
    error UnknownProxy(address caller);

    /// @notice Initialises the proxy; the index follows its own upgrades from the start.
    /// @param regulator Admin of roles and upgrades.
    /// @param editor First holder of STANDARDS_EDITOR_ROLE, who registers names.
    function initialize(address regulator, address editor) external;

    /// @notice Registers `name` for the standard contract `target`. Standards editors only.
    /// @dev The name must follow the convention, be new, and its kind segment must equal
    /// `target.kind()`. The name joins its series in date order, and the index starts following
    /// the upgrades of `target`.
    /// @param name The index name, e.g. `GB_01_factor_20231001_0000`.
    /// @param target The standard contract (an IStandardDocument).
    function register(string calldata name, address target) external;

    /// @notice Gives a compact id to a combination of published revisions, so that a record can
    /// pin the exact factor, formula and code versions it was computed with in four bytes.
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

    /// @notice The newest name of `series` (e.g. `GB_01_factor`) and its address.
    /// @param series The series.
    /// @return name The name with the latest date.
    /// @return target What it resolves to.
    function latest(string calldata series) external view returns (string memory name, address target);

    /// @notice Every name of `series`, oldest date first.
    /// @param series The series.
    /// @return The names.
    function seriesHistory(string calldata series) external view returns (string[] memory);

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
