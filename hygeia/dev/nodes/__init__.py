"""Local nodes for development: an Anvil chain and an IPFS node, run as background processes."""
