"""Block-explorer views of the suite built from the chain alone: what an address, index name or
credit code is; a contract's kind, version, proxy, roles and state; decoded events and
transactions (with custom errors); the index with its history; an enterprise's records and
verification; and proof that the deployed bytecode is this repository's sources."""
