// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title ITokenReceiver
/// @notice Told by {HookedStablecoin} that it received tokens.
interface ITokenReceiver {
    /// @notice Called by the token after a transfer to the receiver.
    /// @param from the account the tokens came from.
    /// @param amount the amount received, in the token's smallest unit.
    function onTokenReceived(address from, uint256 amount) external;
}

/// @title HookedStablecoin
/// @notice TEST ONLY: a token that calls registered recipients back on every transfer to them (as
/// ERC-777 tokens do), so tests can try to re-enter the escrow during a payout.
contract HookedStablecoin is ERC20 {
    mapping(address account => bool) private _receivers;

    constructor() ERC20("hooked test dollar", "HOOK") {}

    /// @notice From now on `account` is told of every transfer to it.
    /// @param account a contract implementing {ITokenReceiver}.
    function registerReceiver(address account) external {
        _receivers[account] = true;
    }

    /// @notice Anyone may mint: test only.
    /// @param to the account credited.
    /// @param amount the amount, in the token's smallest unit.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (_receivers[to]) ITokenReceiver(to).onTokenReceived(from, value);
    }
}
