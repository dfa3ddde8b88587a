// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {Upgradeable} from "../base/Upgradeable.sol";
import {IUpgradeable} from "../interfaces/IUpgradeable.sol";
import {ICarbonIndex} from "../interfaces/ICarbonIndex.sol";
import {IStandardDocument} from "../interfaces/IStandardDocument.sol";
import {IDataLayer} from "../interfaces/IDataLayer.sol";

/// @title CarbonIndex
/// @notice Implements ICarbonIndex: names of the published standards with their history, standards
/// sets, and the upgrade history of every proxy it knows.
contract CarbonIndex is Upgradeable, ICarbonIndex {
    /// @custom:storage-location erc7201:carbon.storage.CarbonIndex
    struct CarbonIndexStorage {
        mapping(string name => Registration) registrations;
        mapping(string series => string[] names) history;
        string[] seriesNames;
        mapping(address proxy => bool) known;
        address[] knownProxies;
        mapping(address proxy => ImplementationRecord[]) implementations;
        StandardsSet[] sets;
        mapping(bytes32 key => uint32 id) setIds;
        // Appended (storage compatibility):
        mapping(uint32 id => bytes32[3] documents) pinned;
        mapping(string name => string reason) deprecations;
        address officialDataLayer;
        address governor;
    }

    // keccak256(abi.encode(uint256(keccak256("carbon.storage.CarbonIndex")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant CARBON_INDEX_STORAGE =
        0x1f3e11b0b6fe0615fc849bb4883ef18fcc88f07231683b22d3c766dfa52ba900;

    /// @inheritdoc ICarbonIndex
    function initialize(address regulator, address editor) external initializer {
        __Upgradeable_init(regulator, address(0));
        _grantRole(STANDARDS_EDITOR_ROLE, editor);
        _track(address(this));
    }

    /// @inheritdoc IUpgradeable
    function version() external pure override(IUpgradeable, Upgradeable) returns (string memory) {
        return "1.1.0";
    }

    /// @inheritdoc ICarbonIndex
    function register(string calldata name, address target) external onlyRole(STANDARDS_EDITOR_ROLE) {
        (string memory series, string memory kind_) = parseName(name);
        CarbonIndexStorage storage $ = _carbonIndexStorage();
        Registration storage existing = $.registrations[name];
        if (existing.target != address(0)) revert NameTaken(name, existing.target);
        if (target.code.length == 0) revert NotAContract(target);
        _requireNotFuture(name, bytes(series).length + 1);
        string memory actual = IStandardDocument(target).kind();
        if (keccak256(bytes(actual)) != keccak256(bytes(kind_))) revert KindMismatch(name, kind_, actual);
        _requireGoverned($, target);

        $.registrations[name] = Registration(target, msg.sender, uint40(block.timestamp), series);
        _insertInDateOrder($, series, name);
        emit Registered(name, series, target, msg.sender);
        if (!$.known[target]) _track(target);
    }

    /// @inheritdoc ICarbonIndex
    function registerStandardsSet(StandardsSet calldata set) external returns (uint32 id) {
        CarbonIndexStorage storage $ = _carbonIndexStorage();
        bytes32 key = keccak256(abi.encode(set));
        id = $.setIds[key];
        if (id != 0) return id;
        bytes32[3] memory documents = [
            _checkPublished($, set.factor, "factor", set.factorRevision),
            _checkPublished($, set.formula, "formula", set.formulaRevision),
            _checkPublished($, set.code, "calculate", set.codeRevision)
        ];
        $.sets.push(set);
        id = uint32($.sets.length);
        $.setIds[key] = id;
        $.pinned[id] = documents;
        emit StandardsSetRegistered(
            id, set.factor, set.factorRevision, set.formula, set.formulaRevision, set.code, set.codeRevision
        );
        emit StandardsSetPinned(id, documents[0], documents[1], documents[2]);
    }

    /// @inheritdoc ICarbonIndex
    function standardsSet(uint32 id) external view returns (StandardsSet memory) {
        StandardsSet[] storage sets = _carbonIndexStorage().sets;
        if (id == 0 || id > sets.length) revert UnknownStandardsSet(id);
        return sets[id - 1];
    }

    /// @inheritdoc ICarbonIndex
    function resolveStandardsSet(uint32 id) external view returns (ResolvedStandard[3] memory resolved) {
        CarbonIndexStorage storage $ = _carbonIndexStorage();
        if (id == 0 || id > $.sets.length) revert UnknownStandardsSet(id);
        StandardsSet storage set = $.sets[id - 1];
        resolved[0] = _resolve($, set.factor, set.factorRevision);
        resolved[1] = _resolve($, set.formula, set.formulaRevision);
        resolved[2] = _resolve($, set.code, set.codeRevision);
        bytes32[3] storage pinned = $.pinned[id];
        for (uint256 k = 0; k < 3; ++k) {
            resolved[k].pinned = pinned[k];
        }
    }

    /// @inheritdoc ICarbonIndex
    function standardsSetId(StandardsSet calldata set) external view returns (uint32) {
        return _carbonIndexStorage().setIds[keccak256(abi.encode(set))];
    }

    /// @inheritdoc ICarbonIndex
    function standardsSetCount() external view returns (uint256) {
        return _carbonIndexStorage().sets.length;
    }

    /// @inheritdoc ICarbonIndex
    function setOfficialDataLayer(address dataLayer) external onlyRole(REGULATOR_ROLE) {
        if (dataLayer.code.length == 0) revert NotAContract(dataLayer);
        address reported = IUpgradeable(dataLayer).upgradeIndex();
        if (reported != address(this)) revert NotGovernedByIndex(dataLayer, reported, address(0));
        if (!IUpgradeable(dataLayer).hasRole(REGULATOR_ROLE, msg.sender)) {
            revert NotGovernedByIndex(dataLayer, reported, msg.sender);
        }
        CarbonIndexStorage storage $ = _carbonIndexStorage();
        ($.officialDataLayer, $.governor) = (dataLayer, msg.sender);
        emit OfficialDataLayerSet(dataLayer, msg.sender);
    }

    /// @inheritdoc ICarbonIndex
    function officialDataLayer() external view returns (address dataLayer, address regulator) {
        CarbonIndexStorage storage $ = _carbonIndexStorage();
        return ($.officialDataLayer, $.governor);
    }

    /// @inheritdoc ICarbonIndex
    function deprecate(string calldata name, string calldata reason) external onlyRole(REGULATOR_ROLE) {
        Registration memory r = registration(name);
        if (bytes(reason).length == 0) revert EmptyReason();
        CarbonIndexStorage storage $ = _carbonIndexStorage();
        if (bytes($.deprecations[name]).length != 0) revert DeprecatedName(name);
        $.deprecations[name] = reason;
        emit Deprecated(name, r.series, msg.sender, reason);
    }

    /// @inheritdoc ICarbonIndex
    function deprecation(string calldata name) external view returns (string memory) {
        return _carbonIndexStorage().deprecations[name];
    }

    /// @inheritdoc ICarbonIndex
    function track(address proxy) external onlyRole(REGULATOR_ROLE) {
        if (proxy.code.length == 0) revert NotAContract(proxy);
        if (!_carbonIndexStorage().known[proxy]) _track(proxy);
    }

    /// @inheritdoc ICarbonIndex
    function noteUpgrade() external {
        if (!_carbonIndexStorage().known[msg.sender]) revert UnknownProxy(msg.sender);
        _recordImplementation(msg.sender, IUpgradeable(msg.sender).implementation());
    }

    /// @inheritdoc ICarbonIndex
    function resolve(string calldata name) external view returns (address) {
        return registration(name).target;
    }

    /// @inheritdoc ICarbonIndex
    function registration(string calldata name) public view returns (Registration memory r) {
        r = _carbonIndexStorage().registrations[name];
        if (r.target == address(0)) revert UnknownName(name);
    }

    /// @inheritdoc ICarbonIndex
    function latest(string calldata series) external view returns (string memory name, address target) {
        CarbonIndexStorage storage $ = _carbonIndexStorage();
        string[] storage names = $.history[series];
        if (names.length == 0) revert UnknownSeries(series);
        for (uint256 j = names.length; j > 0; --j) {
            if (bytes($.deprecations[names[j - 1]]).length == 0) {
                name = names[j - 1];
                return (name, $.registrations[name].target);
            }
        }
        revert NoCurrentName(series);
    }

    /// @inheritdoc ICarbonIndex
    function seriesHistory(string calldata series) external view returns (string[] memory) {
        return _carbonIndexStorage().history[series];
    }

    /// @inheritdoc ICarbonIndex
    function seriesHistoryPage(string calldata series, uint256 offset, uint256 limit)
        external
        view
        returns (string[] memory page)
    {
        string[] storage names = _carbonIndexStorage().history[series];
        uint256 end = offset >= names.length ? offset : (limit > names.length - offset ? names.length : offset + limit);
        page = new string[](end - offset);
        for (uint256 i = 0; i < page.length; ++i) {
            page[i] = names[offset + i];
        }
    }

    /// @inheritdoc ICarbonIndex
    function seriesList() external view returns (string[] memory) {
        return _carbonIndexStorage().seriesNames;
    }

    /// @inheritdoc ICarbonIndex
    function knownProxies() external view returns (address[] memory) {
        return _carbonIndexStorage().knownProxies;
    }

    /// @inheritdoc ICarbonIndex
    function implementationHistory(address proxy) external view returns (ImplementationRecord[] memory) {
        return _carbonIndexStorage().implementations[proxy];
    }

    /// @inheritdoc ICarbonIndex
    function parseName(string calldata name) public pure returns (string memory series, string memory kind_) {
        bytes calldata b = bytes(name);
        uint256 i = 0;
        while (i < b.length && i < 8 && b[i] >= "A" && b[i] <= "Z") ++i;
        if (i < 2) revert MalformedName(name, i);
        i = _expect(name, i, "_");
        uint256 kindStart = i;
        if (_startsWith(b, i, "calculate")) {
            i += 9;
        } else {
            if (!_isDigit(b, i)) revert MalformedName(name, i);
            if (!_isDigit(b, i + 1)) revert MalformedName(name, i + 1);
            i = _expect(name, i + 2, "_");
            kindStart = i;
            if (_startsWith(b, i, "factor")) i += 6;
            else if (_startsWith(b, i, "formula")) i += 7;
            else revert MalformedName(name, i);
        }
        kind_ = string(b[kindStart:i]);
        series = string(b[0:i]);
        i = _expect(name, i, "_");
        i = _expectDate(name, i);
        i = _expect(name, i, "_");
        for (uint256 k = 0; k < 4; ++k) {
            if (!_isAlnum(b, i + k)) revert MalformedName(name, i + k);
        }
        if (b.length != i + 4) revert MalformedName(name, i + 4);
    }

    function _afterUpgrade() internal override {
        _recordImplementation(address(this), implementation());
    }

    /// @dev The document digest the revision names, which must be in the official DataLayer.
    function _checkPublished(CarbonIndexStorage storage $, string calldata name, string memory kind_, uint32 revision)
        private
        view
        returns (bytes32)
    {
        (, string memory actual) = parseName(name);
        if (keccak256(bytes(actual)) != keccak256(bytes(kind_))) revert WrongKind(name, kind_);
        address target = $.registrations[name].target;
        if (target == address(0)) revert UnknownName(name);
        if (bytes($.deprecations[name]).length != 0) revert DeprecatedName(name);
        if (revision >= IStandardDocument(target).revisionCount()) revert UnknownRevision(name, revision);
        IStandardDocument.Revision memory rev = IStandardDocument(target).revision(revision);
        if (rev.dataLayer != $.officialDataLayer) {
            revert NotInOfficialDataLayer(target, rev.dataLayer, $.officialDataLayer);
        }
        return rev.document;
    }

    /// @dev Governed by this index's regulator: reports its upgrades here, the regulator who named
    /// the official DataLayer holds its REGULATOR_ROLE, and the registrar holds it only if it is a
    /// regulator here too; its latest document is in the official DataLayer. (AccessControl does
    /// not enumerate role holders, so a third regulator cannot be ruled out on chain; the digests
    /// each standards set pins make any later change of content visible to a verifier.)
    function _requireGoverned(CarbonIndexStorage storage $, address target) private view {
        address governor = $.governor;
        if (governor == address(0)) revert NoOfficialDataLayer();
        IUpgradeable standard = IUpgradeable(target);
        address reported = standard.upgradeIndex();
        if (reported != address(this)) revert NotGovernedByIndex(target, reported, address(0));
        if (!standard.hasRole(REGULATOR_ROLE, governor)) revert NotGovernedByIndex(target, reported, governor);
        if (!hasRole(REGULATOR_ROLE, msg.sender) && standard.hasRole(REGULATOR_ROLE, msg.sender)) {
            revert NotGovernedByIndex(target, reported, msg.sender);
        }
        (, IStandardDocument.Revision memory rev) = IStandardDocument(target).latest();
        if (rev.dataLayer != $.officialDataLayer) {
            revert NotInOfficialDataLayer(target, rev.dataLayer, $.officialDataLayer);
        }
    }

    /// @dev The date of a well-formed name (eight digits from `at`) against the block's UTC date.
    function _requireNotFuture(string calldata name, uint256 at) private view {
        bytes calldata b = bytes(name);
        uint256 date = 0;
        for (uint256 k = 0; k < 8; ++k) {
            date = date * 10 + (uint8(b[at + k]) - 48);
        }
        uint256 today = _today();
        if (date > today) revert NameDatedInTheFuture(name, date, today);
    }

    /// @dev The block's UTC date as YYYYMMDD (H. Hinnant's civil_from_days).
    function _today() private view returns (uint256) {
        uint256 z = block.timestamp / 86_400 + 719_468;
        uint256 era = z / 146_097;
        uint256 doe = z - era * 146_097;
        uint256 yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        uint256 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        uint256 mp = (5 * doy + 2) / 153;
        uint256 day = doy - (153 * mp + 2) / 5 + 1;
        uint256 month = mp < 10 ? mp + 3 : mp - 9;
        uint256 year = yoe + era * 400 + (month <= 2 ? 1 : 0);
        return year * 10_000 + month * 100 + day;
    }

    function _resolve(CarbonIndexStorage storage $, string storage name, uint32 revision)
        private
        view
        returns (ResolvedStandard memory r)
    {
        r.name = name;
        r.revision = revision;
        r.standard = $.registrations[name].target;
        IStandardDocument.Revision memory rev = IStandardDocument(r.standard).revision(revision);
        r.document = rev.document;
        r.dataLayer = rev.dataLayer;
        r.chunks = IDataLayer(rev.dataLayer).entry(rev.document).chunks;
    }

    function _track(address proxy) private {
        CarbonIndexStorage storage $ = _carbonIndexStorage();
        $.known[proxy] = true;
        $.knownProxies.push(proxy);
        address impl = proxy == address(this) ? implementation() : IUpgradeable(proxy).implementation();
        emit ProxyTracked(proxy, impl);
        _recordImplementation(proxy, impl);
    }

    function _recordImplementation(address proxy, address impl) private {
        _carbonIndexStorage().implementations[proxy].push(
            ImplementationRecord(impl, uint40(block.timestamp), uint64(block.number))
        );
        emit UpgradeRecorded(proxy, impl);
    }

    /// @dev Names in a series share their prefix, so comparing the date-and-reserved suffix is
    /// comparing dates; a name older than the newest is moved into place.
    function _insertInDateOrder(CarbonIndexStorage storage $, string memory series, string calldata name) private {
        string[] storage names = $.history[series];
        if (names.length == 0) $.seriesNames.push(series);
        // Shift newer names up one place and drop the new name in (a tuple swap of storage
        // strings would copy through references and duplicate one of them).
        uint256 j = names.length;
        names.push();
        while (j > 0 && _lessThan(name, names[j - 1])) {
            names[j] = names[j - 1];
            --j;
        }
        names[j] = name;
    }

    function _lessThan(string calldata a, string storage b) private view returns (bool) {
        bytes calldata x = bytes(a);
        bytes memory y = bytes(b);
        uint256 n = x.length < y.length ? x.length : y.length;
        for (uint256 k = 0; k < n; ++k) {
            if (x[k] != y[k]) return x[k] < y[k];
        }
        return x.length < y.length;
    }

    function _expectDate(string calldata name, uint256 i) private pure returns (uint256) {
        bytes calldata b = bytes(name);
        for (uint256 k = 0; k < 8; ++k) {
            if (!_isDigit(b, i + k)) revert MalformedName(name, i + k);
        }
        uint256 month = (uint8(b[i + 4]) - 48) * 10 + (uint8(b[i + 5]) - 48);
        uint256 day = (uint8(b[i + 6]) - 48) * 10 + (uint8(b[i + 7]) - 48);
        if (month == 0 || month > 12) revert MalformedName(name, i + 4);
        if (day == 0 || day > 31) revert MalformedName(name, i + 6);
        return i + 8;
    }

    function _expect(string calldata name, uint256 i, bytes1 c) private pure returns (uint256) {
        if (i >= bytes(name).length || bytes(name)[i] != c) revert MalformedName(name, i);
        return i + 1;
    }

    function _startsWith(bytes calldata b, uint256 i, bytes memory word) private pure returns (bool) {
        if (i + word.length > b.length) return false;
        return keccak256(b[i:i + word.length]) == keccak256(word);
    }

    function _isDigit(bytes calldata b, uint256 i) private pure returns (bool) {
        return i < b.length && b[i] >= "0" && b[i] <= "9";
    }

    function _isAlnum(bytes calldata b, uint256 i) private pure returns (bool) {
        return _isDigit(b, i) || (i < b.length && ((b[i] >= "A" && b[i] <= "Z") || (b[i] >= "a" && b[i] <= "z")));
    }

    function _carbonIndexStorage() private pure returns (CarbonIndexStorage storage $) {
        assembly {
            $.slot := CARBON_INDEX_STORAGE
        }
    }
}
