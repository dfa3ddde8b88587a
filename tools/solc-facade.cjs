#!/usr/bin/env node
// A stand-in for a native `solc` binary, backed by solc-js from node_modules, for py-solc-x
// (used by ape-solidity) and slither. Native solc downloads are not reachable from the machines
// this project runs on; solc-js is the same compiler built to WebAssembly.
// It answers `--version` and `--standard-json`, resolving imports from the base path,
// include paths, allowed paths and node_modules.
"use strict";
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const solc = require(path.join(root, "node_modules", "solc"));

function optionValues(args, name) {
  const values = [];
  args.forEach((arg, i) => {
    if (arg === name && i + 1 < args.length) values.push(...args[i + 1].split(","));
    else if (arg.startsWith(name + "=")) values.push(...arg.slice(name.length + 1).split(","));
  });
  return values.filter((v) => v.length > 0);
}

function finish(text, code) {
  // Exit only once stdout has drained: a pipe reader (slither, py-solc-x) otherwise gets a
  // truncated document.
  process.stdout.write(text, () => process.exit(code));
}

function main() {
  const args = process.argv.slice(2);
  if (args.includes("--version")) {
    finish(`solc, the solidity compiler commandline interface\nVersion: ${solc.version()}\n`, 0);
    return;
  }
  if (!args.includes("--standard-json")) {
    process.stderr.write("solc facade: only --version and --standard-json are supported\n");
    process.exit(2);
  }
  const roots = [
    ...optionValues(args, "--base-path"),
    ...optionValues(args, "--include-path"),
    ...optionValues(args, "--allow-paths"),
    process.cwd(),
    path.join(process.cwd(), "node_modules"),
    path.join(root, "node_modules"),
  ];
  const findImports = (importPath) => {
    for (const base of roots) {
      const candidate = path.resolve(base, importPath);
      if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) {
        return { contents: fs.readFileSync(candidate, "utf8") };
      }
    }
    return { error: `File not found: ${importPath}` };
  };
  const input = fs.readFileSync(0, "utf8");
  finish(solc.compile(input, { import: findImports }), 0);
}

main();
