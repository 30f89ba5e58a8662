// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";

import {IClaimsEscrow} from "../interfaces/IClaimsEscrow.sol";
import {IParticipantRegistry} from "../interfaces/IParticipantRegistry.sol";
import {Roles} from "./libraries/Roles.sol";

/// @title ClaimsEscrow
/// @notice The money of the claims: insurers fund an ERC-20 escrow, their ClaimsAdjudicator pays
/// adjudicated claims from it into providers' credit, and providers withdraw their credit (pull
/// payments, reentrancy-guarded). A reversal takes a payment back from the provider's credit, or
/// from its later payments by the same insurer.
/// @dev Created by the ClaimsAdjudicator it serves, which is its only payer: no setter, no window
/// in which another contract could be wired in. Token transfers happen only in {fundEscrow},
/// {withdrawEscrow} and {withdraw}, after the balances change; {pay} and {recoup} only move
/// amounts between the three ledgers and call nothing.
contract ClaimsEscrow is IClaimsEscrow, ReentrancyGuard {
    using SafeERC20 for IERC20;

    /// @notice Who is an active INSURER (only they fund an escrow).
    IParticipantRegistry public immutable participants;
    /// @notice The payment token (2 decimals: cents).
    IERC20 public immutable token;
    /// @inheritdoc IClaimsEscrow
    address public immutable adjudicator;

    /// @dev Each insurer's unspent escrow, in cents.
    mapping(address insurer => uint256 amount) private _escrow;
    /// @dev Each provider's credited payments not yet withdrawn, in cents.
    mapping(address provider => uint256 amount) private _credit;
    /// @dev What each provider still owes each insurer from reversed payments, in cents.
    mapping(address insurer => mapping(address provider => uint256 owed)) private _recoupments;

    /// @dev Only the adjudicator that created this escrow pays and recoups.
    modifier onlyAdjudicator() {
        if (msg.sender != adjudicator) revert ClaimsEscrowNotAdjudicator(msg.sender);
        _;
    }

    /// @notice The escrow of the calling ClaimsAdjudicator, which becomes its only payer for good.
    /// @dev Requirements: neither argument is the zero address.
    /// @param participantRegistry the suite's ParticipantRegistry.
    /// @param paymentToken the ERC-20 the escrow holds (a stablecoin with 2 decimals: amounts are cents).
    constructor(IParticipantRegistry participantRegistry, IERC20 paymentToken) {
        if (address(participantRegistry) == address(0) || address(paymentToken) == address(0)) {
            revert ClaimsEscrowZeroAddress();
        }
        participants = participantRegistry;
        token = paymentToken;
        adjudicator = msg.sender;
    }

    // ---------------------------------------------------------------- insurers and providers

    /// @inheritdoc IClaimsEscrow
    function fundEscrow(uint256 amount) external nonReentrant {
        if (!participants.isActive(msg.sender, Roles.INSURER)) revert ClaimsEscrowNotActiveInsurer(msg.sender);
        if (amount == 0) revert ClaimsEscrowZeroAmount();
        _escrow[msg.sender] += amount;
        emit EscrowFunded(msg.sender, amount);
        token.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc IClaimsEscrow
    function withdrawEscrow(uint256 amount) external nonReentrant {
        if (amount == 0) revert ClaimsEscrowZeroAmount();
        uint256 available = _escrow[msg.sender];
        if (amount > available) revert ClaimsEscrowInsufficientEscrow(msg.sender, amount, available);
        _escrow[msg.sender] = available - amount;
        emit EscrowWithdrawn(msg.sender, amount);
        token.safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc IClaimsEscrow
    function withdraw() external nonReentrant returns (uint256 amount) {
        amount = _credit[msg.sender];
        if (amount == 0) revert ClaimsEscrowNothingToWithdraw(msg.sender);
        _credit[msg.sender] = 0;
        emit PaymentWithdrawn(msg.sender, amount);
        token.safeTransfer(msg.sender, amount);
    }

    // ---------------------------------------------------------------- the adjudicator

    /// @inheritdoc IClaimsEscrow
    function pay(
        bytes32 claimId,
        address provider,
        address insurer,
        uint256 amount
    ) external onlyAdjudicator returns (bool paid) {
        uint256 owed = _recoupments[insurer][provider];
        uint256 recouped = owed < amount ? owed : amount;
        uint256 net = amount - recouped;
        uint256 available = _escrow[insurer];
        if (available < net) return false;
        _escrow[insurer] = available - net;
        if (recouped != 0) _recoupments[insurer][provider] = owed - recouped;
        _credit[provider] += net;
        emit PaymentCredited(claimId, provider, insurer, net, recouped);
        return true;
    }

    /// @inheritdoc IClaimsEscrow
    function recoup(bytes32 claimId, address provider, address insurer, uint256 amount) external onlyAdjudicator {
        uint256 credit = _credit[provider];
        uint256 fromCredit = credit < amount ? credit : amount;
        uint256 owed = amount - fromCredit;
        _credit[provider] = credit - fromCredit;
        _escrow[insurer] += fromCredit;
        if (owed != 0) _recoupments[insurer][provider] += owed;
        emit PaymentRecouped(claimId, provider, insurer, fromCredit, owed);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc IClaimsEscrow
    function escrowOf(address insurer) external view returns (uint256) {
        return _escrow[insurer];
    }

    /// @inheritdoc IClaimsEscrow
    function creditOf(address provider) external view returns (uint256) {
        return _credit[provider];
    }

    /// @inheritdoc IClaimsEscrow
    function recoupmentOf(address insurer, address provider) external view returns (uint256) {
        return _recoupments[insurer][provider];
    }
}
