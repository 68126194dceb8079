// evcalc for JavaScript: the Rust engine as WebAssembly (wasm-bindgen output in ./pkg/, built by
// npm/build.sh with the pinned wasm-bindgen CLI), and this thin layer. No network: in Node the
// module is read from the package's own file; in browsers and bundlers it is the asset at
// `new URL('./pkg/evcalc_wasm_bg.wasm', import.meta.url)`.
//
// Every answer is a plain object, exactly the CLI's `--json` for the same inputs and options
// (contract v2; types in contract.d.ts, generated from the Rust types). Where the CLI prints an
// error instead of an answer, an InputError or OptionError is thrown with the same message.
import init, * as wasm from './pkg/evcalc_wasm.js';

const WASM_URL = new URL('./pkg/evcalc_wasm_bg.wasm', import.meta.url);
const isNode = typeof process === 'object' && process !== null && typeof process.versions?.node === 'string';

let loading = null;
let loaded = false;

async function nodeModule(name) {
  return import(/* webpackIgnore: true */ /* @vite-ignore */ name);
}

/** Loads and instantiates the WebAssembly module once; `Workspace.load` calls it. */
export function ready() {
  loading ??= (async () => {
    let source = WASM_URL;
    if (isNode && WASM_URL.protocol === 'file:') {
      const fs = await nodeModule('node:fs/promises');
      source = await fs.readFile(WASM_URL);
    }
    await init({ module_or_path: source });
    loaded = true;
  })();
  return loading;
}

/** The evcalc version the module was built from. */
export function version() {
  needReady();
  return wasm.version();
}

function needReady() {
  if (!loaded) throw new Error('evcalc: the WebAssembly module is not loaded yet: `await ready()` (or use `await Workspace.load(…)`)');
}

export class EvcalcError extends Error {}

/** An input that could not be read: `source`, `line`, `column` of the first; `errors` has all. */
export class InputError extends EvcalcError {
  constructor(errors) {
    super(errors.map((e) => `${e.source}:${e.line}:${e.col}: ${e.message}`).join('; '));
    this.name = 'InputError';
    this.errors = errors;
    this.source = errors[0].source;
    this.line = errors[0].line;
    this.column = errors[0].col;
  }
}

/** A question that cannot be answered as asked: `option` of the first problem; `errors` has all. */
export class OptionError extends EvcalcError {
  constructor(errors) {
    super(errors.map((e) => `${e.option}: ${e.message}`).join('; '));
    this.name = 'OptionError';
    this.errors = errors;
    this.option = errors[0].option;
  }
}

function answer(raw) {
  const value = JSON.parse(raw);
  if (value.refused) {
    if (value.refused.input_errors.length) throw new InputError(value.refused.input_errors);
    throw new OptionError(value.refused.option_errors);
  }
  if (value.request_error) throw new OptionError([{ option: 'request', message: value.request_error.message }]);
  return value;
}

function decode(name, bytes) {
  return JSON.parse(wasm.decode_text(name, bytes));
}

/** Reads paths as the CLI does (Node only): a directory means its input files. */
async function readPaths(paths) {
  const fs = await nodeModule('node:fs/promises');
  const path = await nodeModule('node:path');
  const url = await nodeModule('node:url');
  const files = [];
  const seen = new Set();
  const push = async (p, member) => {
    const key = await fs.realpath(p);
    if (!seen.has(key)) {
      seen.add(key);
      files.push({ p, member });
    }
  };
  for (const item of paths) {
    const p = item instanceof URL ? url.fileURLToPath(item) : item;
    const stat = await fs.stat(p);
    if (stat.isDirectory()) {
      const members = [];
      for (const entry of await fs.readdir(p, { withFileTypes: true })) {
        const n = entry.name;
        if (n.startsWith('.') || n.toLowerCase().startsWith('readme')) continue;
        const full = path.join(p, n);
        if (entry.isFile() || (entry.isSymbolicLink() && (await fs.stat(full)).isFile())) members.push(full);
      }
      if (!members.length) throw new OptionError([{ option: 'inputs', message: `directory ${p} contains no input files` }]);
      members.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      for (const m of members) await push(m, true);
    } else {
      await push(p, false);
    }
  }
  const sources = [];
  const warnings = [];
  const skipped = [];
  for (const { p, member } of files) {
    const { text, warnings: w } = decode(p, await fs.readFile(p));
    if (member) {
      const why = wasm.not_an_input(p, text);
      if (why !== undefined && why !== null) {
        skipped.push(`${path.basename(p)} (${why})`);
        continue;
      }
    }
    warnings.push(...w);
    sources.push({ name: p, text });
  }
  if (skipped.length) {
    warnings.push(wasm.skipped_warning(JSON.stringify(skipped)));
    if (!sources.length) throw new OptionError([{ option: 'inputs', message: `no evcalc input among the files given (${skipped.join(', ')})` }]);
  }
  return { sources, warnings };
}

/** Inputs → `{sources: [{name, text}], warnings}`. */
async function gather(inputs) {
  const items = Array.isArray(inputs)
    ? inputs
    : typeof inputs === 'string' || inputs instanceof URL || isSource(inputs)
      ? [inputs]
      : Object.entries(inputs);
  const sources = [];
  const warnings = [];
  for (const item of items) {
    if (typeof item === 'string' || item instanceof URL) {
      if (!isNode) throw new TypeError('evcalc: a path needs Node; in a browser give {name, text}');
      const read = await readPaths([item]);
      sources.push(...read.sources);
      warnings.push(...read.warnings);
      continue;
    }
    const [name, content] = Array.isArray(item) ? item : [item?.name, item?.text];
    if (typeof name !== 'string') throw new TypeError('evcalc: an input is a path, {name, text} or [name, text]');
    if (typeof content === 'string') {
      sources.push({ name, text: content });
    } else if (content instanceof Uint8Array) {
      const d = decode(name, content);
      sources.push({ name, text: d.text });
      warnings.push(...d.warnings);
    } else {
      throw new TypeError(`evcalc: ${name}: the text must be a string or a Uint8Array`);
    }
  }
  return { sources, warnings };
}

function isSource(x) {
  return x !== null && typeof x === 'object' && typeof x.name === 'string' && 'text' in x;
}

function defined(options) {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined && v !== null));
}

/** Inputs loaded once, asked several questions. Make one with `await Workspace.load(inputs)`. */
export class Workspace {
  #raw;

  /** @private use Workspace.load */
  constructor(raw) {
    this.#raw = raw;
  }

  /**
   * Reads and parses the inputs: paths (Node: a file, or a directory meaning its input files,
   * as the CLI), `{name, text}` objects, `[name, text]` pairs or a `{name: text}` record (`text`
   * a string, or a Uint8Array of the file read as the CLI reads files). Throws InputError when an
   * input cannot be read (the CLI computes nothing then).
   */
  static async load(inputs) {
    await ready();
    const { sources, warnings } = await gather(inputs);
    let raw;
    try {
      raw = new wasm.Workspace(JSON.stringify(sources), JSON.stringify(warnings));
    } catch (e) {
      answer(String(e));
      throw e;
    }
    const ws = new Workspace(raw);
    const report = JSON.parse(raw.load_report());
    if (report.errors.length) {
      raw.free();
      throw new InputError(report.errors);
    }
    return ws;
  }

  /** What each input contributed. */
  get inputs() {
    return JSON.parse(this.#raw.load_report()).inputs;
  }

  /** The warnings of loading (`SOURCE: text`), as the CLI prints them. */
  get warnings() {
    return JSON.parse(this.#raw.load_report()).warnings;
  }

  /** Any question by name with its options as in the JSON request (docs/json.md). */
  ask(question, options = {}) {
    return answer(this.#raw.ask(question, JSON.stringify(defined(options))));
  }

  hosts(options = {}) {
    return this.ask('hosts', options);
  }

  vms() {
    return this.ask('vms', {});
  }

  cluster(options = {}) {
    return this.ask('cluster', options);
  }

  check(from, to, options = {}) {
    return this.ask('check', { ...options, from, to });
  }

  maintenance(host, options = {}) {
    return this.ask('maintenance', { ...options, host });
  }

  /** `add` and `into` are inputs as for `load` (in-memory ones; paths need `loadInputs`). */
  plan(options = {}) {
    const pairs = (inputs) => {
      if (inputs === undefined || inputs === null) return undefined;
      const items = Array.isArray(inputs) ? inputs : isSource(inputs) ? [inputs] : Object.entries(inputs);
      return items.map((item) => {
        const [name, text] = Array.isArray(item) ? item : [item.name, item.text];
        if (typeof text !== 'string') throw new TypeError('evcalc: plan inputs are {name, text} with text a string (read files with loadInputs)');
        return { name, text };
      });
    };
    return this.ask('plan', { ...options, add: pairs(options.add), into: pairs(options.into) });
  }

  /** Frees the WebAssembly memory now (else when the object is garbage-collected). */
  free() {
    this.#raw.free();
  }
}

/** Reads inputs as `Workspace.load` does, without loading them: `[{name, text}]` for `plan`. */
export async function loadInputs(inputs) {
  await ready();
  return (await gather(inputs)).sources;
}
