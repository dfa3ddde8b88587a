// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IUpgradeable} from "./IUpgradeable.sol";

/// @title ICarbonQuota
/// @notice The emission quota (配额) as an ERC-20 token with 6 decimals: 1 token = 1 tCO2e, so
/// one unit is one micro-tonne, the unit of records and verified emissions, and amounts compare
/// directly. Only the regulator issues, to the account it named for an enterprise of the
/// EnterpriseFactory, and every issue is attributed to that enterprise and a year (its allocated
/// quota). Quota moves between enterprise accounts (trading, later) unless the regulator paused
/// transfers; issuing and surrendering go on while transfers are paused. Surrender burns from the
/// enterprise's account and is attributed to the enterprise and the year; the account itself or
/// a holder of SURRENDERER_ROLE (granted by the regulator, e.g. to the Compliance contract) may
/// surrender. Supply reconciles at all times: `issued() == totalSupply() + surrendered()`, and
/// `totalSupply()` is the sum of the enterprise accounts' balances.
interface ICarbonQuota is IERC20Metadata, IUpgradeable {
    /// @notice One enterprise's quota of one year.
    /// @param account The enterprise's account, which holds its quota (zero until named).
    /// @param allocated Quota issued to the enterprise for the year, micro-tonnes CO2e.
    /// @param surrendered Quota surrendered for the year, micro-tonnes CO2e.
    struct Allocation {
        address account;
        uint64 allocated;
        uint64 surrendered;
    }

    /// @notice The EnterpriseFactory whose enterprises receive quota changed.
    /// @param previous The factory before.
    /// @param current The factory from now on.
    event FactoryChanged(address indexed previous, address indexed current);

    /// @notice The regulator named the account that holds an enterprise's quota.
    /// @param enterprise The enterprise's EnterpriseCarbon.
    /// @param account Its account.
    event AccountNamed(address indexed enterprise, address indexed account);

    /// @notice Quota was issued to an enterprise for a year (besides ERC-20's `Transfer` from zero).
    /// @param year The compliance year.
    /// @param enterprise The enterprise's EnterpriseCarbon.
    /// @param account The account credited.
    /// @param amount Micro-tonnes CO2e.
    event QuotaIssued(uint16 indexed year, address indexed enterprise, address indexed account, uint64 amount);

    /// @notice Quota was surrendered (burnt) for an enterprise and a year (besides ERC-20's
    /// `Transfer` to zero).
    /// @param year The compliance year.
    /// @param enterprise The enterprise's EnterpriseCarbon.
    /// @param account The account debited.
    /// @param amount Micro-tonnes CO2e.
    /// @param by Who surrendered: the account itself or a SURRENDERER_ROLE holder.
    event QuotaSurrendered(
        uint16 indexed year, address indexed enterprise, address indexed account, uint64 amount, address by
    );

    /// @notice `enterprise` is not an EnterpriseCarbon of the factory (or no factory is named).
    /// @param enterprise The address given.
    error NotAnEnterprise(address enterprise);

    /// @notice The regulator has not named an account for `enterprise`.
    /// @param enterprise The enterprise.
    error NoAccount(address enterprise);

    /// @notice `enterprise` already has an account, or `account` already belongs to an enterprise.
    /// @param enterprise The enterprise.
    /// @param account The account given.
    /// @param holder The enterprise `account` belongs to, or `enterprise`'s current account.
    error AccountTaken(address enterprise, address account, address holder);

    /// @notice An account given is zero.
    error ZeroAccount();

    /// @notice An amount given is zero.
    error ZeroAmount();

    /// @notice Quota is transferred to an account that is no enterprise's account.
    /// @param account The recipient.
    error NotAnEnterpriseAccount(address account);

    /// @notice `account` holds less quota than `needed`; nothing was burnt.
    /// @param account The account.
    /// @param held What it holds, micro-tonnes CO2e.
    /// @param needed What was asked, micro-tonnes CO2e.
    error NotEnoughQuota(address account, uint256 held, uint256 needed);

    /// @notice `caller` is neither `enterprise`'s account nor a SURRENDERER_ROLE holder.
    /// @param caller The caller.
    /// @param enterprise The enterprise whose quota it tried to surrender.
    error NotAllowedToSurrender(address caller, address enterprise);

    /// @notice Initialises the proxy: the regulator, the CarbonIndex told of upgrades, and the
    /// EnterpriseFactory (may be zero, then named with `setFactory`).
    /// @param regulator Holder of REGULATOR_ROLE.
    /// @param index_ The CarbonIndex (zero: upgrades not reported).
    /// @param factory_ The EnterpriseFactory whose enterprises receive quota.
    function initialize(address regulator, address index_, address factory_) external;

    /// @notice Surrenders quota on behalf of enterprises: the role the Compliance contract holds.
    /// @return The role's id, `keccak256("SURRENDERER")`.
    function SURRENDERER_ROLE() external view returns (bytes32);

    /// @notice Names the EnterpriseFactory whose enterprises receive quota. Regulator only.
    /// @param factory_ The EnterpriseFactory proxy.
    function setFactory(address factory_) external;

    /// @notice Names the account that holds `enterprise`'s quota, once. Regulator only.
    /// @dev Reverts NotAnEnterprise, ZeroAccount, or AccountTaken when the enterprise has an
    /// account already or the account belongs to another enterprise.
    /// @param enterprise An EnterpriseCarbon of the factory.
    /// @param account The account.
    function setAccount(address enterprise, address account) external;

    /// @notice Issues `amount` of quota for `year` to `enterprise`'s account. Regulator only.
    /// @dev Reverts NoAccount when no account is named, ZeroAmount for zero.
    /// @param year The compliance year.
    /// @param enterprise The enterprise.
    /// @param amount Micro-tonnes CO2e.
    function issue(uint16 year, address enterprise, uint64 amount) external;

    /// @notice Burns `amount` from `enterprise`'s account, surrendered for `year`. The account
    /// itself or a SURRENDERER_ROLE holder only; works while transfers are paused.
    /// @dev Reverts NotAllowedToSurrender, NoAccount, ZeroAmount, or NotEnoughQuota (burning
    /// nothing).
    /// @param year The compliance year.
    /// @param enterprise The enterprise.
    /// @param amount Micro-tonnes CO2e.
    function surrender(uint16 year, address enterprise, uint64 amount) external;

    /// @notice Stops transfers between accounts (issue and surrender go on). Regulator only.
    function pause() external;

    /// @notice Lets transfers go on again. Regulator only.
    function unpause() external;

    /// @notice Whether transfers are paused.
    /// @return Whether they are.
    function paused() external view returns (bool);

    /// @notice `enterprise`'s account and its quota of `year`.
    /// @param enterprise The enterprise.
    /// @param year The compliance year.
    /// @return The account, quota allocated and surrendered (zeros when none).
    function allocation(address enterprise, uint16 year) external view returns (Allocation memory);

    /// @notice The account that holds `enterprise`'s quota (zero when none is named).
    /// @param enterprise The enterprise.
    /// @return The account.
    function accountOf(address enterprise) external view returns (address);

    /// @notice The enterprise whose account `account` is (zero when none).
    /// @param account The account.
    /// @return The enterprise's EnterpriseCarbon.
    function enterpriseOf(address account) external view returns (address);

    /// @notice All quota ever issued, micro-tonnes CO2e.
    /// @return The total.
    function issued() external view returns (uint256);

    /// @notice All quota ever surrendered (burnt), micro-tonnes CO2e.
    /// @return The total.
    function surrendered() external view returns (uint256);

    /// @notice The EnterpriseFactory whose enterprises receive quota.
    /// @return Its address.
    function factory() external view returns (address);
}
