// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/// @title TestStablecoin
/// @notice The claims escrow's payment token on local chains: a dollar stablecoin counted in
/// cents (2 decimals), minted by its owner. Not for production use.
contract TestStablecoin is ERC20, Ownable {
    /// @dev Amounts are cents.
    uint8 private constant _DECIMALS = 2;

    /// @notice Deploys the token with no supply.
    /// @param initialOwner the account that may mint.
    constructor(address initialOwner) ERC20("hygeia Test Dollar", "hUSD") Ownable(initialOwner) {}

    /// @notice Creates `amount` cents for `to`.
    /// @dev Requirements: caller is the owner; `to` is not zero. Emits {Transfer} from zero.
    /// @param to the account credited.
    /// @param amount the amount, in cents.
    function mint(address to, uint256 amount) external onlyOwner {
        _mint(to, amount);
    }

    /// @notice 2: amounts are cents.
    /// @return the number of decimals, 2.
    function decimals() public pure override returns (uint8) {
        return _DECIMALS;
    }
}
