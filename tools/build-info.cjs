#!/usr/bin/env node
// Hardhat-format build-info for the suite's contracts, for OpenZeppelin upgrades-core:
// `{_format, solcVersion, solcLongVersion, input, output}` where `input` is the standard-JSON
// input and `output` the compiler's output with `storageLayout` (ape's artifacts have none).
//
//   node tools/build-info.cjs --settings '<json>' --out <file> [--base <dir>]
//
// Every `*.sol` under `<base>/contracts` (default: the current directory's) is a source, named
// `contracts/...` like ape names it; imports resolve through the settings' remappings from
// `<base>`, then from this project's node_modules. `--settings` is the standard-JSON `settings`
// without `outputSelection` (the Python caller reads them from ape-config.yaml, so that the
// build-info is compiled the way ape compiles). Compiled by solc-js from node_modules.
// Also writes `namespacedOutput`: the output of upgrades-core's namespaced compilation (every
// ERC-7201 struct injected as a state variable), which gives the namespaces' exact storage
// layout (slots, offsets, sizes) rather than only their members' order and types.
"use strict";
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const solc = require(path.join(root, "node_modules", "solc"));
const { makeNamespacedInput } = require(
  path.join(root, "node_modules", "@openzeppelin", "upgrades-core"),
);

function option(args, name) {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : undefined;
}

function solFiles(dir) {
  const found = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...solFiles(full));
    else if (entry.name.endsWith(".sol")) found.push(full);
  }
  return found.sort();
}

function compile(input, base) {
  const roots = [base, root, path.join(root, "node_modules")];
  const findImports = (importPath) => {
    for (const dir of roots) {
      const candidate = path.resolve(dir, importPath);
      if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) {
        return { contents: fs.readFileSync(candidate, "utf8") };
      }
    }
    return { error: `File not found: ${importPath}` };
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
  const errors = (output.errors || []).filter((e) => e.severity === "error");
  if (errors.length > 0) {
    process.stderr.write(errors.map((e) => e.formattedMessage || e.message).join("\n") + "\n");
    process.exit(1);
  }
  return output;
}

function main() {
  const args = process.argv.slice(2);
  const out = option(args, "--out");
  const settingsText = option(args, "--settings");
  if (!out || !settingsText) {
    process.stderr.write("usage: build-info.cjs --settings <json> --out <file> [--base <dir>]\n");
    process.exit(2);
  }
  const base = path.resolve(option(args, "--base") || process.cwd());
  const sources = {};
  for (const file of solFiles(path.join(base, "contracts"))) {
    const name = path.relative(base, file).split(path.sep).join("/");
    sources[name] = { content: fs.readFileSync(file, "utf8") };
  }
  const input = {
    language: "Solidity",
    sources,
    settings: {
      ...JSON.parse(settingsText),
      outputSelection: {
        "*": {
          "*": ["abi", "evm.bytecode.object", "evm.bytecode.linkReferences",
            "evm.deployedBytecode.object", "evm.methodIdentifiers", "storageLayout"],
          "": ["ast"],
        },
      },
    },
  };
  const output = compile(input, base);
  // The imported files are part of the input, as in Hardhat's build-info: upgrades-core reads
  // their sources to report locations, and the file alone must be enough to validate against.
  for (const name of Object.keys(output.sources)) {
    if (!input.sources[name]) {
      const found = [base, root, path.join(root, "node_modules")]
        .map((dir) => path.resolve(dir, name))
        .find((candidate) => fs.existsSync(candidate));
      input.sources[name] = { content: fs.readFileSync(found, "utf8") };
    }
  }
  const version = solc.version().replace(/\+commit.*$/, "");
  const namespacedInput = makeNamespacedInput(input, output, version);
  namespacedInput.settings = {
    ...namespacedInput.settings,
    optimizer: { enabled: false },
    outputSelection: { "*": { "*": ["storageLayout"], "": ["ast"] } },
  };
  const namespacedOutput = compile(namespacedInput, base);
  const buildInfo = {
    _format: "hh-sol-build-info-1",
    solcVersion: version,
    solcLongVersion: solc.version(),
    input,
    output,
    namespacedOutput,
  };
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(buildInfo));
  fs.renameSync(tmp, out);
}

main();
