// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Upgradeable} from "../base/Upgradeable.sol";
import {ICarbonQuota} from "../interfaces/ICarbonQuota.sol";
import {ICarbonVerification} from "../interfaces/ICarbonVerification.sol";
import {ICompliance} from "../interfaces/ICompliance.sol";
import {IEnterpriseFactory} from "../interfaces/IEnterpriseFactory.sol";
import {IUpgradeable} from "../interfaces/IUpgradeable.sol";

/// @title Compliance
/// @notice Implements ICompliance: the yearly compliance cycle of each enterprise, from the
/// notice to the surrender of its quota or its default.
/// @dev Storage is packed for the steps an enterprise goes through: a notice writes one slot
/// of the entry (and its place in the year's list), an acknowledgement rewrites that slot, an
/// application adds the verified emissions and offsets (second slot) and their hash (third), a
/// review rewrites the first two. The year's count of notices shares the slot of its deadline,
/// which a notice reads anyway. An enterprise-year never notified reverts WrongState(None)
/// before any caller check: its address is then not known to be an EnterpriseCarbon that could
/// answer `hasRole`.
contract Compliance is Upgradeable, ICompliance {
    /// Two slots per year; the first is read by every step that checks the deadline.
    struct YearCycle {
        uint40 deadline;
        uint32 ackWindow;
        uint16 offsetCapBps;
        uint32 notified;
        bytes32 rules;
    }

    /// `Entry` in four slots; the field order is chosen for the packing, `compliance()` returns
    /// the interface's order.
    struct Record {
        // Slot 0: written by every step.
        ComplianceState state;
        uint64 quota;
        uint40 notifiedAt;
        uint40 acknowledgedAt;
        uint40 appliedAt;
        uint40 reviewedAt;
        ComplianceStatus frozen;
        uint16 rejections;
        // Slot 1: application and passing review.
        uint40 fulfilledAt;
        uint64 verified;
        uint64 offsets;
        uint64 surrendered;
        uint16 applications;
        // Slot 2.
        bytes32 offsetsHash;
        // Slot 3: default only.
        uint64 shortfall;
    }

    /// @custom:storage-location erc7201:carbon.storage.Compliance
    struct ComplianceStorage {
        ICarbonQuota quota;
        ICarbonVerification verification;
        IEnterpriseFactory factory;
        mapping(uint16 year => YearCycle) cycles;
        mapping(uint16 year => mapping(uint256 position => address enterprise)) notified;
        mapping(address enterprise => mapping(uint16 year => Record)) records;
    }

    // keccak256(abi.encode(uint256(keccak256("carbon.storage.Compliance")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant COMPLIANCE_STORAGE = 0x7231b06dd996389acf300ade3f45f074abd29094b0955168ac71c1ff3e217a00;

    uint16 private constant MAX_BPS = 10_000;

    /// @inheritdoc ICompliance
    function initialize(address regulator, address index_, address quota_, address verification_, address factory_)
        external
        initializer
    {
        __Upgradeable_init(regulator, index_);
        ComplianceStorage storage $ = _complianceStorage();
        $.quota = ICarbonQuota(quota_);
        $.verification = ICarbonVerification(verification_);
        $.factory = IEnterpriseFactory(factory_);
    }

    /// @inheritdoc IUpgradeable
    function version() external pure override(IUpgradeable, Upgradeable) returns (string memory) {
        return "1.0.0";
    }

    /// @inheritdoc ICompliance
    function openCycle(uint16 year, Cycle calldata cycle_) external onlyRole(REGULATOR_ROLE) {
        YearCycle storage c = _complianceStorage().cycles[year];
        if (c.deadline != 0) revert CycleAlreadyOpen(year);
        if (cycle_.deadline <= block.timestamp || cycle_.offsetCapBps > MAX_BPS || cycle_.rules == bytes32(0)) {
            revert InvalidCycle(year);
        }
        c.deadline = cycle_.deadline;
        c.ackWindow = cycle_.ackWindow;
        c.offsetCapBps = cycle_.offsetCapBps;
        c.rules = cycle_.rules;
        emit CycleOpened(year, cycle_.deadline, cycle_.ackWindow, cycle_.offsetCapBps, cycle_.rules);
    }

    /// @inheritdoc ICompliance
    function notify(address enterprise, uint16 year) external onlyRole(REGULATOR_ROLE) {
        ComplianceStorage storage $ = _complianceStorage();
        IEnterpriseFactory factory_ = $.factory;
        if (address(factory_) == address(0) || !factory_.isEnterprise(enterprise)) revert NotAnEnterprise(enterprise);
        YearCycle storage c = $.cycles[year];
        uint40 deadline = c.deadline;
        if (deadline == 0) revert CycleNotOpen(year);
        if (block.timestamp > deadline) revert DeadlinePassed(year, deadline, uint40(block.timestamp));
        Record storage r = $.records[enterprise][year];
        if (r.state != ComplianceState.None) revert WrongState(enterprise, year, r.state);
        uint64 quota_ = $.quota.allocation(enterprise, year).allocated;
        r.state = ComplianceState.Notified;
        r.quota = quota_;
        r.notifiedAt = uint40(block.timestamp);
        uint32 position = c.notified;
        c.notified = position + 1;
        $.notified[year][position] = enterprise;
        emit Notified(enterprise, year, quota_);
    }

    /// @inheritdoc ICompliance
    function acknowledge(address enterprise, uint16 year) external {
        Record storage r = _complianceStorage().records[enterprise][year];
        ComplianceState state = r.state;
        if (state == ComplianceState.None) revert WrongState(enterprise, year, state);
        _requireEnterpriseAdmin(enterprise);
        if (state != ComplianceState.Notified) revert WrongState(enterprise, year, state);
        r.state = ComplianceState.Acknowledged;
        r.acknowledgedAt = uint40(block.timestamp);
        emit Acknowledged(enterprise, year, msg.sender);
    }

    /// @inheritdoc ICompliance
    /// @dev An amount total beyond uint64 reverts InvalidOffset at the offset that overflows it.
    function submitApplication(address enterprise, uint16 year, Offset[] calldata offsets) external {
        ComplianceStorage storage $ = _complianceStorage();
        Record storage r = $.records[enterprise][year];
        ComplianceState state = r.state;
        if (state == ComplianceState.None) revert WrongState(enterprise, year, state);
        _requireEnterpriseAdmin(enterprise);
        if (state == ComplianceState.Acknowledged || state == ComplianceState.Rejected) {
            _requireBeforeDeadline($.cycles[year].deadline, year);
        } else if (state != ComplianceState.Defaulted) {
            revert WrongState(enterprise, year, state);
        }
        ICarbonVerification.Summary memory v = $.verification.verification(enterprise, year);
        if (v.state != ICarbonVerification.State.Closed) revert VerifiedEmissionsMissing(enterprise, year);
        uint256 total = 0;
        for (uint256 i = 0; i < offsets.length; ++i) {
            Offset calldata o = offsets[i];
            total += o.amount;
            if (o.amount == 0 || o.kind == bytes16(0) || o.evidence == bytes32(0) || total > type(uint64).max) {
                revert InvalidOffset(i);
            }
        }
        uint16 number = r.applications;
        r.state = ComplianceState.Applied;
        r.appliedAt = uint40(block.timestamp);
        r.applications = number + 1;
        r.verified = v.verifiedEmissions;
        r.offsets = uint64(total);
        r.offsetsHash = keccak256(abi.encode(offsets));
        emit Applied(enterprise, year, number, v.verifiedEmissions, offsets, msg.sender);
    }

    /// @inheritdoc ICompliance
    function accept(address enterprise, uint16 year) external onlyRole(REGULATOR_ROLE) {
        ComplianceStorage storage $ = _complianceStorage();
        Record storage r = $.records[enterprise][year];
        uint40 deadline = _requireReviewable(r, $.cycles[year], enterprise, year);
        uint64 offsets = r.offsets;
        uint64 due = _due($, r, enterprise, year, offsets);
        r.state = ComplianceState.Fulfilled;
        r.reviewedAt = uint40(block.timestamp);
        r.fulfilledAt = uint40(block.timestamp);
        r.surrendered = due;
        emit Fulfilled(enterprise, year, due, offsets, block.timestamp > deadline);
        // Reverts NotEnoughQuota when the account holds less, undoing the whole review.
        if (due > 0) $.quota.surrender(year, enterprise, due);
    }

    /// @inheritdoc ICompliance
    function reject(address enterprise, uint16 year, string calldata reason) external onlyRole(REGULATOR_ROLE) {
        ComplianceStorage storage $ = _complianceStorage();
        Record storage r = $.records[enterprise][year];
        _requireReviewable(r, $.cycles[year], enterprise, year);
        if (bytes(reason).length == 0) revert MissingReason();
        r.state = ComplianceState.Rejected;
        r.reviewedAt = uint40(block.timestamp);
        r.rejections += 1;
        emit ApplicationRejected(enterprise, year, r.applications - 1, reason);
    }

    /// @inheritdoc ICompliance
    /// @dev Declared again after a late application was rejected, the year keeps the status
    /// frozen at its first declaration (the status at the deadline) and records the shortfall anew.
    function declareDefault(address enterprise, uint16 year) external {
        ComplianceStorage storage $ = _complianceStorage();
        uint40 deadline = $.cycles[year].deadline;
        if (deadline == 0) revert CycleNotOpen(year);
        if (block.timestamp <= deadline) revert DeadlineNotReached(year, deadline, uint40(block.timestamp));
        Record storage r = $.records[enterprise][year];
        ComplianceState state = r.state;
        if (state == ComplianceState.None || state == ComplianceState.Fulfilled || state == ComplianceState.Defaulted) {
            revert WrongState(enterprise, year, state);
        }
        (uint64 shortfall, ComplianceStatus computed) = _shortfall($, enterprise, year);
        ComplianceStatus frozen = r.frozen == ComplianceStatus.None ? computed : r.frozen;
        r.state = ComplianceState.Defaulted;
        r.frozen = frozen;
        r.shortfall = shortfall;
        emit Defaulted(enterprise, year, shortfall, frozen, msg.sender);
    }

    /// @inheritdoc ICompliance
    function cycle(uint16 year) external view returns (Cycle memory) {
        YearCycle storage c = _complianceStorage().cycles[year];
        return Cycle(c.deadline, c.ackWindow, c.offsetCapBps, c.rules);
    }

    /// @inheritdoc ICompliance
    function compliance(address enterprise, uint16 year) external view returns (Entry memory) {
        Record storage r = _complianceStorage().records[enterprise][year];
        return Entry({
            state: r.state,
            quota: r.quota,
            notifiedAt: r.notifiedAt,
            acknowledgedAt: r.acknowledgedAt,
            appliedAt: r.appliedAt,
            reviewedAt: r.reviewedAt,
            fulfilledAt: r.fulfilledAt,
            verified: r.verified,
            offsets: r.offsets,
            offsetsHash: r.offsetsHash,
            surrendered: r.surrendered,
            shortfall: r.shortfall,
            frozen: r.frozen,
            applications: r.applications,
            rejections: r.rejections
        });
    }

    /// @inheritdoc ICompliance
    function status(address enterprise, uint16 year) external view returns (ComplianceStatus live, ComplianceStatus frozen) {
        ComplianceStorage storage $ = _complianceStorage();
        Record storage r = $.records[enterprise][year];
        ComplianceState state = r.state;
        if (state == ComplianceState.None) return (ComplianceStatus.None, ComplianceStatus.None);
        bool missing = !_verifiedExists($, enterprise, year);
        if (state == ComplianceState.Fulfilled) live = ComplianceStatus.A;
        else live = missing ? ComplianceStatus.C : ComplianceStatus.B;
        uint40 deadline = $.cycles[year].deadline;
        if (block.timestamp <= deadline) return (live, ComplianceStatus.None);
        uint40 fulfilledAt = r.fulfilledAt;
        if (fulfilledAt != 0 && fulfilledAt <= deadline) frozen = ComplianceStatus.A;
        else if (r.frozen != ComplianceStatus.None) frozen = r.frozen;
        else frozen = missing ? ComplianceStatus.C : ComplianceStatus.B;
    }

    /// @inheritdoc ICompliance
    function notifiedPage(uint16 year, uint256 offset, uint256 limit) external view returns (address[] memory page) {
        ComplianceStorage storage $ = _complianceStorage();
        uint256 count = $.cycles[year].notified;
        uint256 end = offset >= count ? offset : (limit > count - offset ? count : offset + limit);
        page = new address[](end - offset);
        mapping(uint256 => address) storage list = $.notified[year];
        for (uint256 i = 0; i < page.length; ++i) {
            page[i] = list[offset + i];
        }
    }

    /// @inheritdoc ICompliance
    function notifiedCount(uint16 year) external view returns (uint256) {
        return _complianceStorage().cycles[year].notified;
    }

    /// @inheritdoc ICompliance
    function quota() external view returns (address) {
        return address(_complianceStorage().quota);
    }

    /// @inheritdoc ICompliance
    function verification() external view returns (address) {
        return address(_complianceStorage().verification);
    }

    /// @inheritdoc ICompliance
    function factory() external view returns (address) {
        return address(_complianceStorage().factory);
    }

    /// @dev An application taken before the deadline may only be reviewed until the deadline; one
    /// made late (after the year was declared Defaulted, hence with a frozen status) at any time.
    function _requireReviewable(Record storage r, YearCycle storage c, address enterprise, uint16 year)
        private
        view
        returns (uint40 deadline)
    {
        ComplianceState state = r.state;
        if (state != ComplianceState.Applied) revert WrongState(enterprise, year, state);
        deadline = c.deadline;
        if (r.frozen == ComplianceStatus.None) _requireBeforeDeadline(deadline, year);
    }

    /// @dev The quota to surrender: verified emissions less the offsets, refused over the cap, and
    /// less what was surrendered for the year already.
    function _due(ComplianceStorage storage $, Record storage r, address enterprise, uint16 year, uint64 offsets)
        private
        view
        returns (uint64)
    {
        uint64 verified = r.verified;
        // The cap is at most the verified emissions, so this also refuses offsets beyond them.
        uint64 cap = uint64((uint256(verified) * $.cycles[year].offsetCapBps) / MAX_BPS);
        if (offsets > cap) revert OffsetsOverCap(enterprise, year, offsets, cap, verified);
        // In 256 bits: offsets and quota surrendered together may exceed uint64.
        uint256 covered = uint256(offsets) + $.quota.allocation(enterprise, year).surrendered;
        return verified > covered ? uint64(verified - covered) : 0;
    }

    function _requireBeforeDeadline(uint40 deadline, uint16 year) private view {
        if (block.timestamp > deadline) revert DeadlinePassed(year, deadline, uint40(block.timestamp));
    }

    function _requireEnterpriseAdmin(address enterprise) private view {
        if (!IAccessControl(enterprise).hasRole(ENTERPRISE_ADMIN_ROLE, msg.sender)) {
            revert NotEnterpriseAdmin(msg.sender, enterprise);
        }
    }

    /// @dev Verified emissions read now (no offsets are accepted in an unfulfilled year) less the
    /// quota surrendered for the year, and the status to freeze: C when they are missing, else B.
    function _shortfall(ComplianceStorage storage $, address enterprise, uint16 year)
        private
        view
        returns (uint64 shortfall, ComplianceStatus frozen)
    {
        ICarbonVerification.Summary memory v = $.verification.verification(enterprise, year);
        if (v.state != ICarbonVerification.State.Closed) return (0, ComplianceStatus.C);
        uint64 already = $.quota.allocation(enterprise, year).surrendered;
        return (v.verifiedEmissions > already ? v.verifiedEmissions - already : 0, ComplianceStatus.B);
    }

    function _verifiedExists(ComplianceStorage storage $, address enterprise, uint16 year)
        private
        view
        returns (bool)
    {
        return $.verification.verification(enterprise, year).state == ICarbonVerification.State.Closed;
    }

    function _complianceStorage() private pure returns (ComplianceStorage storage $) {
        assembly {
            $.slot := COMPLIANCE_STORAGE
        }
    }
}
