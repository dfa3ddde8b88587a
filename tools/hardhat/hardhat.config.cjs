// Hardhat's node (EDR), the project's second node implementation: `carbon node start --impl
// hardhat` runs `hardhat node --config` this file. It configures the in-process network only:
// ape compiles and deploys, so Hardhat has no sources to compile here.
const path = require("path");
const { extendProvider } = require("hardhat/config");
const { ProviderWrapper } = require("hardhat/plugins");

// Hardhat answers `eth_mining` with false although it mines every transaction as it arrives
// (automine). ape's generic node provider reads `eth_mining` as "is each transaction mined at
// once", so it would hand back receipts without a block (a deploy then "did not create a
// contract"). Answer it with the automine setting, as anvil does.
class AutomineAsMining extends ProviderWrapper {
  async request(args) {
    if (args.method === "eth_mining") {
      return this._wrappedProvider.request({ method: "hardhat_getAutomine", params: [] });
    }
    return this._wrappedProvider.request(args);
  }
}

extendProvider(async (provider) => new AutomineAsMining(provider));

const state = path.resolve(__dirname, "../../.chain/hardhat");

module.exports = {
  defaultNetwork: "hardhat",
  paths: {
    sources: path.join(__dirname, "no-sources"),
    cache: path.join(state, "cache"),
    artifacts: path.join(state, "artifacts"),
  },
  networks: {
    hardhat: {
      // ape's `ethereum:local` network signs for chain 1337 (anvil's id in this project too).
      chainId: 1337,
      // Prague, not Hardhat's default Osaka: Osaka caps a transaction at 2^24 gas (EIP-7825),
      // and ape's local networks send every transaction with the block's gas limit, as anvil
      // (which does not enforce that cap) accepts. The contracts are compiled for Cancun.
      hardfork: "prague",
      // anvil's block gas limit; the main job's largest transaction uses 14.4 M.
      blockGasLimit: 30_000_000,
      // The dev mnemonic ape's test accounts (dev:N) derive from; 10,000 ETH each, as anvil.
      accounts: {
        mnemonic: "test test test test test test test test test test test junk",
        count: 10,
        accountsBalance: "10000000000000000000000",
      },
      // Hardhat logs every request with its decoded trace: slow, and the log is not needed.
      loggingEnabled: false,
    },
  },
};
