// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice Told by {HookedStablecoin} that it received tokens.
interface ITokenReceiver {
    function onTokenReceived(address from, uint256 amount) external;
}

/// @title HookedStablecoin
/// @notice TEST ONLY: a token that calls the recipient back on every transfer to a contract (as
/// ERC-777 and ERC-1363 tokens do), so tests can try to re-enter the escrow during a payout.
contract HookedStablecoin is ERC20 {
    constructor() ERC20("hooked test dollar", "HOOK") {}

    /// @notice Anyone may mint: test only.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (from != address(0) && to.code.length != 0) ITokenReceiver(to).onTokenReceived(from, value);
    }
}
