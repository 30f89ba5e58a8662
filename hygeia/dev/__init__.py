"""Development tooling, apart from the runtime SDK: local Anvil and IPFS nodes as background
processes, and `hygeia demo`."""
