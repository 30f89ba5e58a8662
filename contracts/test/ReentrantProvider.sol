// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IClaimsAdjudicator} from "../../interfaces/IClaimsAdjudicator.sol";
import {IClaimsEscrow} from "../../interfaces/IClaimsEscrow.sol";
import {ITokenReceiver} from "./HookedStablecoin.sol";

/// @title ReentrantProvider
/// @notice TEST ONLY: a provider account that submits claims like any provider and, when it is
/// paid out by a hooked token, calls the escrow's `withdraw` again from inside the transfer.
contract ReentrantProvider is ITokenReceiver {
    IClaimsAdjudicator private immutable _adjudicator;
    IClaimsEscrow private immutable _escrow;
    bool private _attacking;

    constructor(IClaimsAdjudicator adjudicator) {
        _adjudicator = adjudicator;
        _escrow = adjudicator.escrow();
    }

    /// @notice Submits claims as this contract.
    /// @param claims the claims, as a provider submits them.
    /// @return the ids the adjudicator gave them.
    function submit(IClaimsAdjudicator.ClaimInput[] calldata claims) external returns (bytes32[] memory) {
        return _adjudicator.submitClaims(claims);
    }

    /// @notice Withdraws, re-entering from the token callback when `attack` is set.
    /// @param attack whether the token callback calls `withdraw` again.
    /// @return the amount the adjudicator paid out.
    function withdraw(bool attack) external returns (uint256) {
        _attacking = attack;
        return _escrow.withdraw();
    }

    /// @notice The hooked token's callback: calls the adjudicator's `withdraw` once more while attacking.
    function onTokenReceived(address, uint256) external {
        if (_attacking) {
            _attacking = false;
            _escrow.withdraw();
        }
    }
}
