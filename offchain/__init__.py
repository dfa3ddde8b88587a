"""Off-chain tooling of the carbon MRV suite."""
