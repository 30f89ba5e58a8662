#!/usr/bin/env node
// A `solc`-compatible command line over solc-js (the official compiler built to WebAssembly).
//
// Why: no native solc can be installed from the registries this project may use, and the stock
// `solcjs` CLI does not speak the interface py-solc-x and brownie call (it prints a banner before
// the JSON, rejects --allow-paths and has no import callback without --base-path). This program
// implements the subset they use: --version, --help, --standard-json (stdin -> stdout, JSON only),
// --combined-json LIST FILE..., and the path options --base-path, --include-path, --allow-paths,
// --output-dir, --overwrite.
'use strict';

const fs = require('fs');
const path = require('path');

const USAGE = `solc, the solidity compiler commandline interface (solc-js shim)

Usage: solc [options] [input_file...]

Options:
  --version              Print the compiler version.
  --help                 Show this help.
  --standard-json        Standard JSON input on stdin, standard JSON output on stdout.
  --combined-json LIST   Combined output of abi,bin,bin-runtime,metadata,userdoc,devdoc,
                         hashes,srcmap,srcmap-runtime,ast for the input files.
  --base-path PATH       Root of the source tree for imports.
  --include-path PATH    Extra folder searched for imports (repeatable).
  --allow-paths A,B      Folders that imports may read from.
  --output-dir PATH      Write the output to files in PATH (with --combined-json).
  --overwrite            Overwrite existing output files.
  --optimize             Enable the optimizer (with --combined-json).
  --optimize-runs N      Optimizer runs (with --combined-json).
  --evm-version NAME     Target EVM version (with --combined-json).
`;

// Flags that take a value, so that their value is not mistaken for an input file.
const VALUE_FLAGS = new Set([
  '--combined-json', '--base-path', '--include-path', '--allow-paths', '--output-dir',
  '--optimize-runs', '--evm-version',
]);

function parseArgs(argv) {
  const opts = { includePaths: [], allowPaths: [], files: [], flags: new Set() };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let value;
    if (arg.startsWith('--') && arg.includes('=')) {
      [arg, value] = [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)];
    } else if (VALUE_FLAGS.has(arg)) {
      value = argv[++i];
      if (value === undefined) fail(`option ${arg} needs a value`);
    }
    switch (arg) {
      case '--combined-json': opts.combined = value.split(','); break;
      case '--base-path': opts.basePath = value; break;
      case '--include-path': opts.includePaths.push(value); break;
      case '--allow-paths': opts.allowPaths.push(...value.split(',').filter(Boolean)); break;
      case '--output-dir': opts.outputDir = value; break;
      case '--optimize-runs': opts.optimizeRuns = Number(value); break;
      case '--evm-version': opts.evmVersion = value; break;
      default:
        if (arg.startsWith('--')) opts.flags.add(arg);
        else opts.files.push(arg);
    }
  }
  return opts;
}

function fail(message) {
  process.stderr.write(`Error: ${message}\n`);
  process.exit(1);
}

function loadCompiler() {
  // solc-js tries SMT solvers and prints a notice on stdout; keep stdout for JSON only.
  const log = console.log;
  console.log = (...args) => process.stderr.write(args.join(' ') + '\n');
  try {
    return require('solc');
  } finally {
    console.log = log;
  }
}

// Resolve an import the way native solc does: as given, under the base path, then under each
// include path; only inside the allowed folders.
function makeImportCallback(opts) {
  const roots = [opts.basePath || process.cwd(), ...opts.includePaths].map((p) => path.resolve(p));
  const allowed = [...roots, ...opts.allowPaths.map((p) => path.resolve(p))];
  const isAllowed = (file) => allowed.some((dir) => file === dir || file.startsWith(dir + path.sep));
  return (importPath) => {
    const candidates = path.isAbsolute(importPath)
      ? [importPath]
      : roots.map((root) => path.join(root, importPath));
    for (const file of candidates) {
      if (fs.existsSync(file) && fs.statSync(file).isFile()) {
        if (!isAllowed(file)) return { error: `File outside of allowed directories: ${file}` };
        return { contents: fs.readFileSync(file, 'utf8') };
      }
    }
    return { error: `File not found: ${importPath}` };
  };
}

function compileStandardJson(opts) {
  const input = fs.readFileSync(0, 'utf8');
  const solc = loadCompiler();
  process.stdout.write(solc.compile(input, { import: makeImportCallback(opts) }));
}

const COMBINED_SELECTION = {
  abi: ['abi'], bin: ['evm.bytecode.object'], 'bin-runtime': ['evm.deployedBytecode.object'],
  metadata: ['metadata'], userdoc: ['userdoc'], devdoc: ['devdoc'],
  hashes: ['evm.methodIdentifiers'], srcmap: ['evm.bytecode.sourceMap'],
  'srcmap-runtime': ['evm.deployedBytecode.sourceMap'], ast: [],
};

function combinedEntry(fields, contract) {
  const entry = {};
  for (const field of fields) {
    if (field === 'abi') entry.abi = contract.abi;
    else if (field === 'bin') entry.bin = contract.evm.bytecode.object;
    else if (field === 'bin-runtime') entry['bin-runtime'] = contract.evm.deployedBytecode.object;
    else if (field === 'metadata') entry.metadata = contract.metadata;
    else if (field === 'userdoc') entry.userdoc = contract.userdoc;
    else if (field === 'devdoc') entry.devdoc = contract.devdoc;
    else if (field === 'hashes') entry.hashes = contract.evm.methodIdentifiers;
    else if (field === 'srcmap') entry.srcmap = contract.evm.bytecode.sourceMap;
    else if (field === 'srcmap-runtime') entry['srcmap-runtime'] = contract.evm.deployedBytecode.sourceMap;
  }
  return entry;
}

function compileCombinedJson(opts) {
  const fields = opts.combined;
  const unknown = fields.filter((f) => !(f in COMBINED_SELECTION));
  if (unknown.length) fail(`unknown --combined-json field(s): ${unknown.join(', ')}`);
  const sources = {};
  for (const file of opts.files) {
    const key = file === '-' ? '<stdin>' : file;
    sources[key] = { content: fs.readFileSync(file === '-' ? 0 : file, 'utf8') };
  }
  if (!Object.keys(sources).length) fail('no input files given');
  const settings = {
    outputSelection: { '*': { '*': fields.flatMap((f) => COMBINED_SELECTION[f]), '': fields.includes('ast') ? ['ast'] : [] } },
    optimizer: { enabled: opts.flags.has('--optimize'), runs: opts.optimizeRuns || 200 },
  };
  if (opts.evmVersion) settings.evmVersion = opts.evmVersion;
  const solc = loadCompiler();
  const output = JSON.parse(
    solc.compile(JSON.stringify({ language: 'Solidity', sources, settings }), { import: makeImportCallback(opts) })
  );
  const errors = (output.errors || []).filter((e) => e.severity === 'error');
  for (const e of output.errors || []) process.stderr.write(e.formattedMessage || e.message);
  if (errors.length) process.exit(1);
  const result = { contracts: {}, version: solc.version() };
  if (fields.includes('ast')) result.sources = {};
  for (const [file, contracts] of Object.entries(output.contracts || {})) {
    for (const [name, contract] of Object.entries(contracts)) {
      result.contracts[`${file}:${name}`] = combinedEntry(fields, contract);
    }
    if (fields.includes('ast')) result.sources[file] = { AST: output.sources[file].ast };
  }
  const text = JSON.stringify(result);
  if (opts.outputDir) {
    const target = path.join(opts.outputDir, 'combined.json');
    if (fs.existsSync(target) && !opts.flags.has('--overwrite')) fail(`${target} exists (use --overwrite)`);
    fs.mkdirSync(opts.outputDir, { recursive: true });
    fs.writeFileSync(target, text);
  } else {
    process.stdout.write(text + '\n');
  }
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.flags.has('--help')) return process.stdout.write(USAGE);
  if (opts.flags.has('--version')) {
    const version = loadCompiler().version();
    return process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${version}\n`);
  }
  if (opts.flags.has('--standard-json')) return compileStandardJson(opts);
  if (opts.combined) return compileCombinedJson(opts);
  fail('nothing to do: use --standard-json or --combined-json (see --help)');
}

main();
