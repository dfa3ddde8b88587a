// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ERC20Upgradeable} from "@openzeppelin/contracts-upgradeable/token/ERC20/ERC20Upgradeable.sol";
import {PausableUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/PausableUpgradeable.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {Upgradeable} from "../base/Upgradeable.sol";
import {ICarbonQuota} from "../interfaces/ICarbonQuota.sol";
import {IEnterpriseFactory} from "../interfaces/IEnterpriseFactory.sol";
import {IUpgradeable} from "../interfaces/IUpgradeable.sol";

/// @title CarbonQuota
/// @notice Implements ICarbonQuota: the quota token, its issue to enterprise accounts, transfers
/// between them and surrender.
/// @dev `_update` is the single point every balance change goes through: a transfer (neither
/// side zero) is refused while paused and to an account that is no enterprise's. Issue and
/// surrender check their own preconditions first, so that a refused surrender burns nothing and
/// names the numbers (NotEnoughQuota) rather than OpenZeppelin's generic error.
contract CarbonQuota is Upgradeable, ERC20Upgradeable, PausableUpgradeable, ICarbonQuota {
    /// @custom:storage-location erc7201:carbon.storage.CarbonQuota
    struct CarbonQuotaStorage {
        IEnterpriseFactory factory;
        uint256 issued;
        uint256 surrendered;
        mapping(address enterprise => address) accountOf;
        mapping(address account => address) enterpriseOf;
        mapping(address enterprise => mapping(uint16 year => YearQuota)) quotas;
    }

    /// One slot per enterprise-year.
    struct YearQuota {
        uint64 allocated;
        uint64 surrendered;
    }

    /// @inheritdoc ICarbonQuota
    bytes32 public constant SURRENDERER_ROLE = keccak256("SURRENDERER");

    // keccak256(abi.encode(uint256(keccak256("carbon.storage.CarbonQuota")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant CARBON_QUOTA_STORAGE =
        0x213dd6268411feb8b917dc4945727cb3a96d14ba40eb1eb62410e20a49b6da00;

    /// @inheritdoc ICarbonQuota
    function initialize(address regulator, address index_, address factory_) external initializer {
        __Upgradeable_init(regulator, index_);
        __ERC20_init("Carbon Emission Quota", "CEQ");
        __Pausable_init();
        if (factory_ != address(0)) _setFactory(factory_);
    }

    /// @inheritdoc IUpgradeable
    function version() external pure override(IUpgradeable, Upgradeable) returns (string memory) {
        return "1.0.0";
    }

    /// @notice 6: one unit is one micro-tonne CO2e, 1 token one tonne.
    /// @return 6.
    function decimals() public pure override(ERC20Upgradeable, IERC20Metadata) returns (uint8) {
        return 6;
    }

    /// @inheritdoc ICarbonQuota
    function setFactory(address factory_) external onlyRole(REGULATOR_ROLE) {
        _setFactory(factory_);
    }

    /// @inheritdoc ICarbonQuota
    function setAccount(address enterprise, address account) external onlyRole(REGULATOR_ROLE) {
        CarbonQuotaStorage storage $ = _carbonQuotaStorage();
        IEnterpriseFactory factory_ = $.factory;
        if (address(factory_) == address(0) || !factory_.isEnterprise(enterprise)) revert NotAnEnterprise(enterprise);
        if (account == address(0)) revert ZeroAccount();
        address current = $.accountOf[enterprise];
        if (current != address(0)) revert AccountTaken(enterprise, account, current);
        address holder = $.enterpriseOf[account];
        if (holder != address(0)) revert AccountTaken(enterprise, account, holder);
        $.accountOf[enterprise] = account;
        $.enterpriseOf[account] = enterprise;
        emit AccountNamed(enterprise, account);
    }

    /// @inheritdoc ICarbonQuota
    function issue(uint16 year, address enterprise, uint64 amount) external onlyRole(REGULATOR_ROLE) {
        CarbonQuotaStorage storage $ = _carbonQuotaStorage();
        address account = $.accountOf[enterprise];
        if (account == address(0)) revert NoAccount(enterprise);
        if (amount == 0) revert ZeroAmount();
        $.quotas[enterprise][year].allocated += amount;
        $.issued += amount;
        emit QuotaIssued(year, enterprise, account, amount);
        _mint(account, amount);
    }

    /// @inheritdoc ICarbonQuota
    function surrender(uint16 year, address enterprise, uint64 amount) external {
        CarbonQuotaStorage storage $ = _carbonQuotaStorage();
        address account = $.accountOf[enterprise];
        if (msg.sender != account && !hasRole(SURRENDERER_ROLE, msg.sender)) {
            revert NotAllowedToSurrender(msg.sender, enterprise);
        }
        if (account == address(0)) revert NoAccount(enterprise);
        if (amount == 0) revert ZeroAmount();
        uint256 held = balanceOf(account);
        if (held < amount) revert NotEnoughQuota(account, held, amount);
        $.quotas[enterprise][year].surrendered += amount;
        $.surrendered += amount;
        emit QuotaSurrendered(year, enterprise, account, amount, msg.sender);
        _burn(account, amount);
    }

    /// @inheritdoc ICarbonQuota
    function pause() external onlyRole(REGULATOR_ROLE) {
        _pause();
    }

    /// @inheritdoc ICarbonQuota
    function unpause() external onlyRole(REGULATOR_ROLE) {
        _unpause();
    }

    /// @inheritdoc ICarbonQuota
    function paused() public view override(PausableUpgradeable, ICarbonQuota) returns (bool) {
        return super.paused();
    }

    /// @inheritdoc ICarbonQuota
    function allocation(address enterprise, uint16 year) external view returns (Allocation memory) {
        CarbonQuotaStorage storage $ = _carbonQuotaStorage();
        YearQuota memory q = $.quotas[enterprise][year];
        return Allocation($.accountOf[enterprise], q.allocated, q.surrendered);
    }

    /// @inheritdoc ICarbonQuota
    function accountOf(address enterprise) external view returns (address) {
        return _carbonQuotaStorage().accountOf[enterprise];
    }

    /// @inheritdoc ICarbonQuota
    function enterpriseOf(address account) external view returns (address) {
        return _carbonQuotaStorage().enterpriseOf[account];
    }

    /// @inheritdoc ICarbonQuota
    function issued() external view returns (uint256) {
        return _carbonQuotaStorage().issued;
    }

    /// @inheritdoc ICarbonQuota
    function surrendered() external view returns (uint256) {
        return _carbonQuotaStorage().surrendered;
    }

    /// @inheritdoc ICarbonQuota
    function factory() external view returns (address) {
        return address(_carbonQuotaStorage().factory);
    }

    /// @dev Transfers only: minting (issue) and burning (surrender) are checked by their callers.
    function _update(address from, address to, uint256 value) internal override {
        if (from != address(0) && to != address(0)) {
            _requireNotPaused();
            if (_carbonQuotaStorage().enterpriseOf[to] == address(0)) revert NotAnEnterpriseAccount(to);
        }
        super._update(from, to, value);
    }

    function _setFactory(address factory_) private {
        CarbonQuotaStorage storage $ = _carbonQuotaStorage();
        emit FactoryChanged(address($.factory), factory_);
        $.factory = IEnterpriseFactory(factory_);
    }

    function _carbonQuotaStorage() private pure returns (CarbonQuotaStorage storage $) {
        assembly {
            $.slot := CARBON_QUOTA_STORAGE
        }
    }
}
