#!/usr/bin/env node
// Checks that contracts of one build can replace those of a previous build behind their proxies,
// with OpenZeppelin upgrades-core (the validation `npx @openzeppelin/upgrades-core validate`
// runs, through its API so that the result is machine-readable and both builds are read once).
//
//   node tools/upgrade-check.cjs --current <build-info> --previous <build-info> \
//        [--unsafe-allow <kind>[,<kind>...]] <Contract>[:<kind>[,<kind>...]] ...
//
// Each contract is looked up by name (or fully qualified name) in both builds; `:kinds` after
// a name allows those validation errors for it (e.g. `FactorLibrary:missing-initializer` where
// `initialize` is inherited). The build-info files come from tools/build-info.cjs; their
// `namespacedOutput` gives upgrades-core the exact layout of the ERC-7201 namespaces.
// Prints one JSON document on stdout:
//   {"ok": bool, "contracts": [{"contract", "reference", "ok",
//     "problems": [{"kind", "field", "contract", "namespace", "message"}]}]}
// where `field` is the storage variable or namespace field concerned and `contract` the contract
// declaring it (null for a problem that is not about storage), `namespace` the ERC-7201
// namespace holding the field (null for a plain state variable), `message` one line. Exits 0 when the document was
// written (read "ok"), 2 on a usage or input error.
"use strict";
const fs = require("fs");
const path = require("path");

const root = path.resolve(__dirname, "..");
const core = path.join(root, "node_modules", "@openzeppelin", "upgrades-core", "dist");
const {
  validate,
  solcInputOutputDecoder,
  getContractVersion,
  getStorageLayout,
  UpgradeableContractErrorReport,
} = require(core);
const { findAll } = require(path.join(root, "node_modules", "solidity-ast", "utils"));
const { getContractReports } = require(path.join(core, "cli", "validate", "contract-report"));
const { findContract } = require(path.join(core, "cli", "validate", "find-contract"));
const { withCliDefaults } = require(path.join(core, "cli", "validate", "validate-upgrade-safety"));

function fail(message) {
  process.stderr.write(`upgrade-check: ${message}\n`);
  process.exit(2);
}

function parse(args) {
  const parsed = { names: [], unsafeAllow: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--current" || arg === "--previous") parsed[arg.slice(2)] = args[++i];
    else if (arg === "--unsafe-allow") parsed.unsafeAllow.push(...args[++i].split(","));
    else if (arg.startsWith("--")) fail(`unknown option ${arg}`);
    else parsed.names.push(arg);
  }
  if (!parsed.current || !parsed.previous || parsed.names.length === 0) {
    fail("usage: upgrade-check.cjs --current <file> --previous <file> <Contract> ...");
  }
  return parsed;
}

// What upgrades-core's CLI does for a build-info directory (validations.ts), for one file and
// with the namespaced output.
function sourceContracts(file, shortName) {
  let buildInfo;
  try {
    buildInfo = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    fail(`cannot read build-info ${file}: ${error.message}`);
  }
  const { input, output, solcVersion, namespacedOutput } = buildInfo;
  if (!input || !output || !solcVersion) fail(`${file} is not a build-info file`);
  const decodeSrc = solcInputOutputDecoder(input, output);
  const validationData = validate(output, decodeSrc, solcVersion, input, namespacedOutput);
  const contracts = [];
  for (const sourcePath of Object.keys(output.sources)) {
    for (const node of findAll("ContractDefinition", output.sources[sourcePath].ast)) {
      contracts.push({
        node,
        name: node.name,
        fullyQualifiedName: `${sourcePath}:${node.name}`,
        validationData,
        buildInfoDirShortName: shortName,
      });
    }
  }
  return contracts;
}

function oneLine(text) {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .join(" ");
}

function layoutOf(sourceContract) {
  const { validationData, fullyQualifiedName } = sourceContract;
  return getStorageLayout(validationData, getContractVersion(validationData, fullyQualifiedName));
}

// The ERC-7201 namespace holding `item` in `layout`, if any (the report's items do not say).
function namespaceOf(layout, item) {
  for (const [id, items] of Object.entries(layout.namespaces || {})) {
    if (items.some((x) => x.label === item.label && x.contract === item.contract && x.src === item.src)) {
      return id;
    }
  }
  return null;
}

function storageProblem(op, layouts) {
  const item = op.updated || op.original;
  const isItem = item && typeof item === "object";
  const namespace = isItem
    ? namespaceOf(op.updated ? layouts.current : layouts.previous, item)
    : String(item);
  const where = op.updated && op.updated.src ? ` (${op.updated.src})` : "";
  const scope = namespace && isItem ? ` in namespace ${namespace}` : "";
  return {
    kind: op.kind,
    field: isItem ? item.label : null,
    contract: isItem ? item.contract || null : null,
    namespace,
    message: `${describe(op)}${scope}${where}`,
  };
}

// A field deleted in one place and inserted in another of the same namespace was moved.
function moves(problems) {
  const inserted = new Map(
    problems.filter((p) => p.kind === "insert").map((p) => [`${p.namespace}/${p.field}`, p]),
  );
  const result = [];
  const moved = new Set();
  for (const p of problems) {
    const key = `${p.namespace}/${p.field}`;
    if (p.kind === "delete" && inserted.has(key)) {
      const to = inserted.get(key);
      const where = to.message.match(/ \([^()]*\)$/);
      const scope = p.namespace ? ` in namespace ${p.namespace}` : "";
      result.push({ ...to, kind: "move", message: `moved \`${p.field}\`${scope}${where ? where[0] : ""}` });
      moved.add(key);
    } else if (!(p.kind === "insert" && moved.has(key))) {
      result.push(p);
    }
  }
  return result.filter((p) => !(p.kind === "insert" && moved.has(`${p.namespace}/${p.field}`)));
}

function describe(op) {
  const orig = op.original && op.original.label;
  const upd = op.updated && op.updated.label;
  switch (op.kind) {
    case "delete":
      return `deleted \`${orig}\``;
    case "append":
      return `appended \`${upd}\``;
    case "insert":
      return `inserted \`${upd}\``;
    case "replace":
      return `replaced \`${orig}\` with \`${upd}\` of incompatible type`;
    case "rename":
      return `renamed \`${orig}\` to \`${upd}\``;
    case "typechange":
      return `\`${upd}\`: type changed from ${op.original.type.item.label} to ${op.updated.type.item.label}`;
    case "layoutchange":
      return `\`${upd}\`: layout changed (slot ${op.original.slot} → ${op.updated.slot}, offset ${op.original.offset} → ${op.updated.offset})`;
    case "delete-namespace":
      return `deleted namespace \`${orig}\``;
    default:
      return `${op.kind} of \`${upd || orig}\``;
  }
}

function main() {
  const args = parse(process.argv.slice(2));
  const dictionary = {};
  dictionary["current"] = sourceContracts(args.current, "current");
  dictionary[""] = dictionary["current"];
  dictionary["previous"] = sourceContracts(args.previous, "previous");
  const results = [];
  for (const spec of args.names) {
    const [name, allowed] = spec.split(":").length === 2 && !spec.includes(".sol")
      ? spec.split(":")
      : [spec, ""];
    const unsafeAllow = [...args.unsafeAllow, ...(allowed ? allowed.split(",") : [])];
    const opts = withCliDefaults({ unsafeAllow });
    const contract = findContract(name, undefined, dictionary, true);
    const reference = findContract(`previous:${name}`, undefined, dictionary);
    const [report] = getContractReports(dictionary, opts, { contract, reference });
    const problems = [];
    for (const error of report.standaloneReport.errors) {
      problems.push({
        kind: error.kind,
        field: null,
        contract: error.contract || null,
        namespace: null,
        message: oneLine(new UpgradeableContractErrorReport([error]).explain(false)),
      });
    }
    if (report.storageLayoutReport !== undefined) {
      const layouts = { current: layoutOf(contract), previous: layoutOf(reference) };
      const ops = report.storageLayoutReport.ops.filter(
        // upgrades-core explains a layout change that follows another problem by that problem.
        (op, i) => op.kind !== "layoutchange" || i === 0,
      );
      problems.push(...moves(ops.map((op) => storageProblem(op, layouts))));
    }
    results.push({
      contract: contract.fullyQualifiedName,
      reference: reference.fullyQualifiedName,
      ok: report.ok,
      problems,
    });
  }
  process.stdout.write(
    JSON.stringify({ ok: results.every((r) => r.ok), contracts: results }, null, 1) + "\n",
  );
}

try {
  main();
} catch (error) {
  fail(oneLine(error.message || String(error)));
}
