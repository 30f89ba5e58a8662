// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title IClaimsEscrow
/// @notice The money of the hygeia claims: insurers' ERC-20 escrows, the payments credited to
/// providers (withdrawn by pull payments) and what providers owe insurers after reversals. Only
/// its ClaimsAdjudicator (which creates it) moves money between escrows and credits, as claims
/// are paid and reversed; tokens enter and leave only by {fundEscrow}, {withdrawEscrow} and
/// {withdraw}, so the token balance of the escrow is always the sum of all escrows and credits.
/// @dev Units: amounts are integer cents of the payment token (2 decimals).
interface IClaimsEscrow {
    // ---------------------------------------------------------------- events

    /// @notice `insurer` added `amount` to its escrow.
    /// @param insurer the active INSURER that funded its escrow.
    /// @param amount cents of the payment token moved in.
    event EscrowFunded(address indexed insurer, uint256 amount);

    /// @notice `insurer` took `amount` out of its escrow.
    /// @param insurer the insurer whose escrow it was.
    /// @param amount cents of the payment token transferred back to it.
    event EscrowWithdrawn(address indexed insurer, uint256 amount);

    /// @notice `provider` withdrew `amount` of credited payments.
    /// @param provider the provider, whose credit is now zero.
    /// @param amount cents of the payment token transferred to it: its whole credit.
    event PaymentWithdrawn(address indexed provider, uint256 amount);

    /// @notice `amount` of claim `claimId` was credited to `provider` from `insurer`'s escrow, after
    /// `recouped` of it went back to the insurer against an earlier reversal.
    /// @param claimId the claim paid.
    /// @param provider the provider credited.
    /// @param insurer whose escrow paid.
    /// @param amount cents credited to the provider: the claim's payment less `recouped` (0 when
    /// the recoupment took all of it).
    /// @param recouped cents of the claim's payment kept by the insurer against what the provider
    /// owed it from reversed payments (0 if it owed nothing).
    event PaymentCredited(
        bytes32 indexed claimId,
        address indexed provider,
        address indexed insurer,
        uint256 amount,
        uint256 recouped
    );

    /// @notice The reversed payment of claim `claimId` came back to `insurer`: `fromCredit` out of
    /// `provider`'s unwithdrawn credit at once, `owed` from its later payments by this insurer.
    /// @param claimId the reversed claim.
    /// @param provider the provider that was paid.
    /// @param insurer the insurer that paid, and takes the payment back.
    /// @param fromCredit cents moved from the provider's credit back into the insurer's escrow.
    /// @param owed cents the provider still owes: recouped from its next payments by this insurer.
    event PaymentRecouped(
        bytes32 indexed claimId,
        address indexed provider,
        address indexed insurer,
        uint256 fromCredit,
        uint256 owed
    );

    // ---------------------------------------------------------------- errors

    /// @notice The zero address was given where a contract is required.
    error ClaimsEscrowZeroAddress();

    /// @notice `account` is not the ClaimsAdjudicator of this escrow.
    /// @param account the caller.
    error ClaimsEscrowNotAdjudicator(address account);

    /// @notice `account` is not an active INSURER.
    /// @param account the caller, without an active INSURER credential.
    error ClaimsEscrowNotActiveInsurer(address account);

    /// @notice An amount of zero was given.
    error ClaimsEscrowZeroAmount();

    /// @notice `insurer` asked for `amount` of its escrow, which holds only `available`.
    /// @param insurer the caller.
    /// @param amount cents asked for.
    /// @param available cents in its escrow.
    error ClaimsEscrowInsufficientEscrow(address insurer, uint256 amount, uint256 available);

    /// @notice `account` has no credited payments to withdraw.
    /// @param account the caller.
    error ClaimsEscrowNothingToWithdraw(address account);

    // ---------------------------------------------------------------- insurers and providers

    /// @notice Moves `amount` of the payment token from the caller into its escrow.
    /// @dev The caller approves this contract (not the adjudicator) for `amount` first.
    /// Requirements: caller is an active INSURER; `amount` non-zero; allowance and balance
    /// suffice (SafeERC20). Emits {EscrowFunded}.
    /// @param amount cents to move in.
    function fundEscrow(uint256 amount) external;

    /// @notice Takes `amount` of the caller's unspent escrow back.
    /// @dev Insurer funds stay the insurer's even when its credential lapses, so no role is needed.
    /// Requirements: `0 < amount <=` the caller's escrow. Emits {EscrowWithdrawn}.
    /// @param amount cents to take back.
    function withdrawEscrow(uint256 amount) external;

    /// @notice Transfers all payments credited to the caller (pull payment; reentrancy-safe).
    /// @dev Requirements: the caller has credit. Emits {PaymentWithdrawn}.
    /// @return amount the cents transferred.
    function withdraw() external returns (uint256 amount);

    // ---------------------------------------------------------------- the adjudicator

    /// @notice Pays claim `claimId`: credits `amount` to `provider` from `insurer`'s escrow, first
    /// recouping what the provider owes this insurer from reversals. Nothing moves, and it returns
    /// false, if the escrow cannot cover what is left to pay.
    /// @dev Requirements: caller is the adjudicator. Emits {PaymentCredited} when it pays.
    /// @param claimId the claim paid (for the event).
    /// @param provider who is paid.
    /// @param insurer whose escrow pays.
    /// @param amount what the claim pays, in cents (non-zero).
    /// @return paid true if the provider was credited; false if the escrow was short and nothing moved.
    function pay(bytes32 claimId, address provider, address insurer, uint256 amount) external returns (bool paid);

    /// @notice Takes the reversed payment `amount` of claim `claimId` back for `insurer`: from
    /// `provider`'s unwithdrawn credit at once, the rest owed from the provider's later payments
    /// by this insurer.
    /// @dev Requirements: caller is the adjudicator. Emits {PaymentRecouped}.
    /// @param claimId the reversed claim (for the event).
    /// @param provider who was paid.
    /// @param insurer who paid and takes the amount back.
    /// @param amount what the claim paid, in cents.
    function recoup(bytes32 claimId, address provider, address insurer, uint256 amount) external;

    // ---------------------------------------------------------------- views

    /// @notice The adjudicator that pays and recoups claims from this escrow (its creator).
    /// @dev Requirements: none.
    /// @return the ClaimsAdjudicator's address.
    function adjudicator() external view returns (address);

    /// @notice The unspent escrow of `insurer`.
    /// @dev Requirements: none.
    /// @param insurer the insurer.
    /// @return cents in its escrow.
    function escrowOf(address insurer) external view returns (uint256);

    /// @notice Payments credited to `provider` and not yet withdrawn.
    /// @dev Requirements: none.
    /// @param provider the provider.
    /// @return cents it may withdraw.
    function creditOf(address provider) external view returns (uint256);

    /// @notice What `provider` still owes `insurer` from reversed payments.
    /// @dev Requirements: none.
    /// @param insurer the insurer owed.
    /// @param provider the provider that owes.
    /// @return cents to recoup from its next payments by `insurer`.
    function recoupmentOf(address insurer, address provider) external view returns (uint256);
}
