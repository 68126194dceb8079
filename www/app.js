// evcalc web page: the UI around the evcalc core (WebAssembly, run by engine.js in worker.js).
// No domain logic here: every verdict, blocker and remedy comes from the core's Analysis
// (the same JSON as `evcalc --json`; typed in types.d.ts); this module collects inputs, keeps
// the page's choices and renders the answer. Plain ES modules, no bundler; www/single-file.py
// inlines them for the offline file, so imports stay one line each.

import { $, editor, $select, $table, $button, all, h, append, add, put, code, withCode, hostNames } from './dom.js';
import { plural, formatBytes, nameList, shortKey, formatName, modeLabel, hex } from './text.js';
import { VCLASS, VTEXT, partialHosts, classGrid, hostGrid, cellOf, moveCounts, blockersOf, unknownsOf, blockerKeys } from './matrix-view.js';
import { headlineOf } from './headline.js';
import { partsOf, masksSummary } from './parts.js';
import { fleetRemedies, countLabel } from './fleet.js';
import { markdown, reportHtml } from './markdown.js';

// ------------------------------------------------------------------------------------------
// State

const state = {
  items: [], // inputs besides the editor: {name, text, kind: 'file' | 'paste'}
  evc: '', // '' = automatic (the core chooses), 'none', or a mode key
  perVmEvc: '',
  /** Virtual hardware version of "any VM" ('' = any: the worst over every version, per band). */
  vmHw: '',
  rename: {}, // loaded name → displayed name
  remove: [], // displayed names left out
  /** @type {import('./types').ClusterAnswer | null} */
  analysis: null,
  /** @type {import('./types').PageRequest | null} */
  request: null,
  selected: null, // {kind: 'class' | 'host', from, to}: the matrix cell whose details are open
  /** "Show every host": the matrix as the host × host grid derived from the class matrix. */
  matrixHosts: false,
  version: '',
  pasteAt: null,
  modesSignature: '',
  /** The editor text that failed to parse as a whole, and the parts the core found in it
   * (`read_input`; none when it has no place to cut): {text, parts}. */
  split: null,
  /** featMask lines the core read, per input name: {text, masks} (`read_input`). */
  masksRead: new Map(),
  /** Editor parts sent in the last request: {name, from, to, text} (1-based editor lines). */
  parts: [],
  /** Why the last per-VM EVC choice was refused (the core's option error), shown until the next change. */
  perVmRefused: null,
  /** The per-VM EVC mode the last answer applied ('' = none). */
  perVmApplied: '',
  /** Input name → host picked for a VM runtime that came without its prompt line. */
  vmHosts: {},
  /** Where focus goes after the next render: a CSS selector, tried in order. */
  focusAfter: null,
  /** The inputs the engine's workspace holds (parsed once): a request with the same inputs is
   * answered from it without parsing again. */
  loaded: null,
  /** Classes whose every host is listed (long classes show their first hosts only). */
  expanded: new Set(),
  /** The questions asked below the cluster answer, asked again after every change: the
   * what-if (plan options), the move into another cluster (plan options), one host's maintenance. */
  whatIf: null,
  into: null,
  maintHost: '',
  /** The virtual hardware versions the core knows ({vhw, release}), for the vHW selector. */
  vhwList: [],
};

// ------------------------------------------------------------------------------------------
// The worker running the WebAssembly module

let worker = null;
/** @type {Promise<void>} */
let engineReady = Promise.resolve();
const pending = new Map();
let nextId = 1;
/** Main-thread engine (the single offline file when no worker can start): handles a message. */
let inPage = null;

/** The single offline file (dist/evcalc.html) defines EVCALC_INLINE: the wasm-bindgen glue, the
 * module as base64 and a worker script; the served page loads them as files instead. */
const INLINE = /** @type {any} */ (globalThis).EVCALC_INLINE ?? null;

function wasmBytes() {
  const b64 = INLINE.wasm;
  const U8 = /** @type {any} */ (Uint8Array);
  if (typeof U8.fromBase64 === 'function') return U8.fromBase64(b64);
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function onWorkerMessage(resolve, reject) {
  return ({ data }) => {
    if (data.kind === 'ready') {
      state.version = data.version;
      for (const k of data.vendors ?? []) vendorKeys.add(k.toLowerCase());
      resolve();
      return;
    }
    if (data.kind === 'fatal') {
      reject(new Error(data.error));
      return;
    }
    const p = pending.get(data.id);
    if (!p) return;
    pending.delete(data.id);
    if (data.ok) p.resolve(data);
    else p.reject(Object.assign(new Error(data.error), { crashed: data.crashed }));
  };
}

function startWorker() {
  if (INLINE) {
    startInline();
    return;
  }
  if (location.protocol === 'file:') {
    engineReady = Promise.reject(new Error('index.html opened from disk cannot load its engine (browsers refuse modules and workers on file:// addresses). Open dist/evcalc.html — the single offline file www/build.sh writes — or serve this folder with www/serve.sh'));
    return;
  }
  try {
    worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  } catch (e) {
    engineReady = Promise.reject(new Error(`could not start the analysis worker (${e.message}); open the page through www/serve.sh`));
    return;
  }
  engineReady = new Promise((resolve, reject) => {
    worker.onmessage = onWorkerMessage(resolve, reject);
    worker.onerror = (e) => {
      e.preventDefault();
      const err = new Error(`the analysis engine failed: ${e.message || 'unknown error'}`);
      reject(err);
      for (const p of pending.values()) p.reject(err);
      pending.clear();
    };
  });
}

/** The single offline file: the module is compiled from the embedded bytes, then run in a Blob
 * worker (so large pastes do not block the page); where no worker can start, on this thread. */
function startInline() {
  engineReady = (async () => {
    const module = await WebAssembly.compile(wasmBytes());
    try {
      // `#main-thread` forces the fallback (the browser tests check both paths).
      if (location.hash === '#main-thread') throw new Error('main thread requested');
      const url = URL.createObjectURL(new Blob([INLINE.workerSource], { type: 'text/javascript' }));
      const w = new Worker(url);
      await new Promise((resolve, reject) => {
        const timeout = setTimeout(() => reject(new Error('worker did not start')), 5000);
        w.onmessage = onWorkerMessage((v) => { clearTimeout(timeout); resolve(v); }, (e) => { clearTimeout(timeout); reject(e); });
        w.onerror = (e) => { e.preventDefault(); clearTimeout(timeout); reject(new Error(e.message || 'worker failed')); };
        w.postMessage({ kind: 'init', module });
      });
      worker = w;
      document.body.dataset.engine = 'blob-worker';
    } catch {
      INLINE.glue.initSync({ module });
      state.version = INLINE.glue.version();
      for (const k of INLINE.glue.vendor_keys().split(',')) vendorKeys.add(k.toLowerCase());
      inPage = INLINE.makeHandler(INLINE.glue);
      document.body.dataset.engine = 'main-thread';
    }
  })();
}

async function call(message) {
  await engineReady;
  if (inPage) {
    // Let the page paint "Analysing…" before the engine takes the thread.
    await new Promise((r) => setTimeout(r, 0));
    const { reply } = inPage({ ...message, id: 0 });
    if (reply.ok) return reply;
    throw Object.assign(new Error(reply.error), { crashed: reply.crashed });
  }
  return new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    const t0 = performance.now();
    worker.postMessage({ ...message, id });
    // Posting copies the inputs (structured clone): measured for the tests' report.
    if (message.inputs) document.body.dataset.postMs = String(Math.round(performance.now() - t0));
  });
}

// ------------------------------------------------------------------------------------------
// Analysis scheduling: debounced, never more than one request in flight, latest wins.

let timer = null;
let running = false;
let dirty = false;
let seq = 0;

function schedule(delay = 0) {
  clearTimeout(timer);
  timer = setTimeout(run, delay);
}

function buildRequest() {
  const inputs = [];
  const paste = editor().value;
  state.parts = [];
  if (paste.trim() && state.split?.text === paste && state.split.parts.length > 1) {
    state.parts = state.split.parts;
    for (const p of state.parts) inputs.push({ name: p.name, text: p.text });
  } else if (paste.trim()) inputs.push({ name: editorName(), text: paste });
  for (const f of state.items) inputs.push({ name: f.name, text: f.text });
  // A VM runtime pasted without its prompt line names no host; once the admin picks one, the
  // input gets the prompt the ESXi shell would have printed (stopgap until the Request can
  // place VMs itself). Its line numbers shift by one; renderErrors takes that back.
  for (const i of inputs) {
    const host = state.vmHosts[i.name];
    if (host) i.text = `[root@${host}:~] vim-cmd vmsvc/get.runtime\n${i.text}`;
  }
  return {
    inputs,
    evc: state.evc || null,
    per_vm_evc: state.perVmEvc || null,
    vm_hw: state.vmHw || null,
    rename: state.rename,
    remove: state.remove,
    maintenance: [],
  };
}

/** Whether two input lists are the same (names and texts; the texts are usually the very same
 * strings, so this is cheap): the loaded workspace can answer without parsing again. */
function sameInputs(a, b) {
  return !!a && !!b && a.length === b.length && a.every((x, i) => x.name === b[i].name && x.text === b[i].text);
}

/** The options of a request (the request without its inputs): what the loaded workspace is asked. */
function optionsOf(request) {
  const { inputs: _inputs, ...options } = request;
  return options;
}

/** A progress line for anything that takes longer than 300 ms: what is being done, and for how long. */
function startProgress(text) {
  const bar = $('progress');
  const t0 = performance.now();
  let shown = false;
  const tick = () => {
    const s = (performance.now() - t0) / 1000;
    if (!shown) {
      shown = true;
      bar.hidden = false;
      document.body.dataset.progressShown = '1';
    }
    put($('progress-text'), `${text} ${s.toFixed(1)} s`);
  };
  const timer = setTimeout(function again() {
    tick();
    progressTimer = setTimeout(again, 200);
  }, 300);
  progressTimer = timer;
  return () => {
    clearTimeout(progressTimer);
    bar.hidden = true;
  };
}
let progressTimer = 0;

async function run() {
  if (running) {
    dirty = true;
    return;
  }
  running = true;
  const request = buildRequest();
  const bytes = request.inputs.reduce((n, i) => n + i.text.length, 0);
  document.body.dataset.state = 'busy';
  setStatus(
    request.inputs.length
      ? `Analysing ${plural(request.inputs.length, 'input')} (${formatBytes(bytes)})…`
      : 'Waiting for input.',
  );
  const t0 = performance.now();
  try {
    {
      // The inputs are sent (and parsed) only when they changed; otherwise the loaded
      // workspace answers the new options without parsing anything again.
      const reload = !sameInputs(state.loaded, request.inputs);
      const stop = startProgress(reload ? `Reading ${plural(request.inputs.length, 'input')} (${formatBytes(bytes)}) and answering…` : 'Answering…');
      let answer;
      try {
        answer = /** @type {import('./types').AnalyzeReply} */ (await call({ kind: 'answer', inputs: reload ? request.inputs : undefined, options: optionsOf(request) }));
      } finally {
        stop();
      }
      if (reload) state.loaded = request.inputs;
      const received = performance.now();
      const transferMs = performance.timeOrigin + received - answer.sentAt;
      state.request = request;
      const reply = answer.analysis;
      if ('request_error' in reply) {
        state.analysis = null;
        render(null, [`The page sent a request the engine could not read: ${reply.request_error.message}`]);
      } else {
        state.analysis = reply;
        const paste = editor().value;
        if (state.split?.text !== paste && paste === request.inputs.find((i) => i.name === editorName())?.text && reply.errors.some((e) => e.source === editorName())) {
          // The editor's text could not be read as a whole: ask the core where it may be cut
          // (its transcript boundaries, and where a part stops parsing) and, when it found
          // places, send the parts one by one, so the error marks only its own part and every
          // other host is kept. Straight away, without showing the failed whole first.
          const { read } = await call({ kind: 'read', text: paste });
          state.split = { text: paste, parts: partsOf(paste, editorName(), read.parts) };
          if (state.split.parts.length > 1) {
            running = false;
            dirty = false;
            run();
            return;
          }
        }
        await readMasks(request, reply);
        applyPerVmRefusal(reply);
        if (reply.per_vm_evc_mode) state.perVmApplied = state.perVmEvc;
        pruneOptions(reply);
        if (reply.hosts.length > LONG_LIST) {
          // A fleet: the headline first, then the rest after the browser painted it (no one
          // long task for the whole page).
          renderHeadline(reply);
          await new Promise((r) => setTimeout(r, 0));
        }
        render(reply);
      }
      const t2 = performance.now();
      if (!('request_error' in reply) && reply.hosts.length) await refreshQuestions();
      Object.assign(document.body.dataset, { transferMs: String(Math.round(transferMs)), renderMs: String(Math.round(t2 - received)) });
      if (state.pasteAt) {
        // From the paste event to the rendered answer (debounce included), for the tests' report.
        document.body.dataset.pasteToRenderMs = String(Math.round(t2 - state.pasteAt));
        state.pasteAt = null;
      }
      const a = 'request_error' in reply ? null : reply;
      if (a && !request.inputs.length) {
        setStatus('Ready. Paste dumps, drop files, or load the example.');
      } else if (a) {
        setStatus(
          `${plural(a.hosts.length, 'host')} in ${classWord(a.classes.length)}, ${plural(a.vms.length, 'VM')} from ${plural(a.inputs.length, 'input')} (${formatBytes(bytes)}) · ` +
            `${answer.loaded ? `read in ${Math.round(answer.loadMs)} ms, ` : ''}answered in ${Math.round(answer.ms)} ms, shown in ${Math.round(t2 - t0)} ms`,
        );
        document.body.dataset.lastMs = String(Math.round(t2 - t0));
        document.body.dataset.engineMs = String(Math.round(answer.ms + answer.loadMs));
        document.body.dataset.loadMs = String(Math.round(answer.loadMs));
        document.body.dataset.answerMs = String(Math.round(answer.ms));
        document.body.dataset.reloaded = answer.loaded ? '1' : '0';
      }
    }
  } catch (e) {
    state.analysis = null;
    render(null, [`The analysis failed: ${e.message}. This is a bug in evcalc; the inputs stay here — please report them.`]);
    setStatus('Analysis failed.', true);
    state.loaded = null;
    if (e.crashed && worker) {
      worker.terminate();
      startWorker();
    }
  }
  seq += 1;
  document.body.dataset.seq = String(seq);
  document.body.dataset.state = 'done';
  running = false;
  if (dirty) {
    dirty = false;
    run();
  }
}

/** Asks the core which featMask lines each `mask-lines` input sets (for its line under the
 * editor or in the file list); kept per input until its text changes.
 * @param {import('./types').PageRequest} request
 * @param {import('./types').ClusterAnswer} a */
async function readMasks(request, a) {
  for (const summary of a.inputs) {
    if (summary.format !== 'mask-lines') continue;
    const text = request.inputs.find((i) => i.name === summary.source)?.text;
    if (text === undefined || state.masksRead.get(summary.source)?.text === text) continue;
    const { read } = await call({ kind: 'read', text });
    state.masksRead.set(summary.source, { text, masks: read.masks });
  }
}

/** A per-VM EVC mode the core refused (vSphere's rule, e.g. above the cluster's mode) is taken
 * back: the note says why, in the core's words, and the answer is the one without it.
 * @param {import('./types').ClusterAnswer} a */
function applyPerVmRefusal(a) {
  const refused = a.option_errors.find((e) => e.option === 'per_vm_evc');
  if (!refused || !state.perVmEvc) return;
  state.perVmRefused = `${refused.message}.${state.perVmApplied === state.perVmEvc ? ' The per-VM what-if was removed.' : ''}`;
  state.perVmEvc = '';
  state.perVmApplied = '';
}

/** Drops renames/removals that no longer match a loaded host (their input was changed or removed).
 * @param {import('./types').ClusterAnswer} a
 */
function pruneOptions(a) {
  const loaded = new Set(a.inputs.flatMap((i) => i.hosts));
  for (const old of Object.keys(state.rename)) if (!loaded.has(old)) delete state.rename[old];
  const named = new Set([...loaded].map((n) => state.rename[n] ?? n));
  state.remove = state.remove.filter((n) => named.has(n));
}

// ------------------------------------------------------------------------------------------
// Rendering

function setStatus(text, bad = false) {
  const s = $('status');
  s.textContent = text;
  s.classList.toggle('bad', bad);
}

/**
 * @param {import('./types').ClusterAnswer | null} a
 * @param {string[]} [extraErrors]
 */
function render(a, extraErrors = []) {
  renderErrors(a, extraErrors);
  renderInputs(a);
  renderModes(a);
  const hosts = a?.hosts ?? [];
  const show = (id, on) => ($(id).hidden = !on);
  // The empty page says nothing about EVC and offers no download.
  show('toolbar', hosts.length > 0 || state.remove.length > 0 || !!state.evc || !!state.perVmEvc);
  show('downloads', hosts.length > 0);
  renderHeadline(hosts.length ? a : null);
  show('empty', !hosts.length && !state.remove.length);
  show('hosts-panel', hosts.length > 0 || state.remove.length > 0);
  // One host has no move to judge and nothing to evacuate to: no matrix, no maintenance verdict.
  show('matrix-panel', hosts.length > 1);
  show('drift-panel', hosts.length > 1);
  show('maint-panel', hosts.length > 1);
  show('vms-panel', (a?.vms.length ?? 0) > 0);
  show('remedies-panel', hosts.length > 1 && !!a && fleetRemedies(a).length > 0);
  show('whatif-panel', hosts.length > 0);
  show('into-panel', hosts.length > 0);
  for (const id of ['download-json', 'download-md', 'copy-md', 'download-html']) $button(id).disabled = !a;
  if (!a) {
    applyFocus();
    return;
  }
  renderHosts(a);
  renderDrift(a);
  renderMatrix(a);
  renderDetail(a);
  renderVms(a);
  renderMaintenance(a);
  renderFleetRemedies(a);
  renderPlanSelectors(a);
  applyFocus();
}

/** Moves focus where the last action asked (state.focusAfter: selectors tried in order), so it
 * is never left on an element that the render removed. */
function applyFocus() {
  const wanted = state.focusAfter;
  state.focusAfter = null;
  if (!wanted) return;
  for (const sel of wanted) {
    const el = /** @type {HTMLElement | null} */ (document.querySelector(sel));
    if (el && !el.closest('[hidden]')) {
      el.focus();
      return;
    }
  }
}

// ------------------------------------------------------------------------------------------
// The headline: the worst finding in one sentence and the next step, above everything else.

/** Whether an input name is the editor's (the whole paste, or one of its parts). */
const fromEditor = (source) => source === editorName() || state.parts.some((p) => p.name === source);

/** @param {import('./types').ClusterAnswer} a */
function renderHeadline(a) {
  const box = $('headline');
  const hl = a ? headlineOf(a, fromEditor) : null;
  put(box);
  box.hidden = !hl;
  // The class story, right under the headline: what the hosts are (classes of identical CPU
  // features), what they lack, who cannot be evacuated, the outcome. Not for one host: the
  // headline says what is missing.
  const story = $('story');
  put(story);
  story.hidden = !hl || hl.verdict === 'info' || !a.story.length;
  if (!story.hidden) add(story, h('ul', { class: 'story-lines' }, a.story.map((line) => h('li', null, withCode(line)))));
  document.body.dataset.verdict = hl ? hl.verdict : '';
  if (!hl) {
    announce('');
    return;
  }
  box.className = `headline ${hl.verdict}`;
  const choices = [];
  if (state.evc) choices.push(h('span', { class: 'choice' }, `cluster EVC ${state.evc === 'none' ? 'disabled' : state.evc} chosen by you`));
  if (a.per_vm_evc_mode) choices.push(h('span', { class: 'choice whatif-choice' }, `what-if: per-VM EVC ${a.per_vm_evc_mode}`));
  if (a.vm_hw) choices.push(h('span', { class: 'choice' }, `VMs of vmx-${a.vm_hw} chosen by you`));
  if (state.remove.length) choices.push(h('span', { class: 'choice whatif-choice' }, `what-if: ${plural(state.remove.length, 'host')} left out`));
  // At fleet size (several plans, or remedies acting on many hosts) the next step is the top
  // remedies with the hosts each acts on counted, each a link to its hosts in "Remedies".
  const grouped = fleetRemedies(a);
  const fleet = hl.verdict === 'blocked' && (hl.next.length === 0 || a.hosts.length > 16);
  const top = grouped.filter((r) => r.hosts.length || r.vms.length).slice(0, 3);
  const next = fleet && top.length
    ? h('div', { class: 'hl-next' }, h('strong', null, 'Next: '),
        h('ol', { class: 'hl-remedies' }, top.map((r) =>
          h('li', null, h('a', { href: `#fleet-remedy-${grouped.indexOf(r) + 1}`, class: 'remedy-count', onclick: (e) => { e.preventDefault(); openRemedy(grouped.indexOf(r) + 1); } }, countLabel(r)), ': ', withCode(firstSentence(r.action))))),
        grouped.length > top.length && h('p', { class: 'small' }, h('a', { href: '#remedies-panel' }, `All ${grouped.length} remedies`)))
    : hl.next.length > 0
      ? h('div', { class: 'hl-next' }, h('strong', null, 'Next: '), hl.next.length === 1 ? h('span', null, withCode(hl.next[0])) : h('ol', null, hl.next.map((x) => h('li', null, withCode(x)))))
      : hl.verdict === 'compatible'
        ? h('div', { class: 'hl-next' }, h('strong', null, 'Next: '), h('span', null, 'nothing blocks a move; save the report for the change ticket (below), or ask a what-if: add a host, change the EVC mode, move to another cluster.'))
        : null;
  add(box,
    h('h2', { id: 'headline-title' }, h('span', { class: 'hl-verdict' }, hl.title), choices.length > 0 && h('span', { class: 'choices' }, choices)),
    h('p', { class: 'hl-text' }, withCode(hl.text)),
    next,
    hl.notes.map((n) => h('p', { class: 'hl-note' }, withCode(n))),
  );
  // The verdict covers only what could be read: say so next to it.
  const unread = a.errors.length;
  if (unread) {
    const names = a.errors.map((e) => {
      const part = state.parts.find((p) => p.name === e.source);
      return part ? `pasted lines ${part.from}–${part.to}` : e.source === 'paste' ? 'the pasted text' : e.source;
    });
    add(box, h('p', { class: 'hl-unread' }, `${unread === 1 ? 'One input' : `${unread} inputs`} could not be read (${nameList(names, 3, 'others')}): the verdict covers the hosts that were read; the message is below.`));
  }
  announce(`${hl.title.replace(/^[✓✕?] /, '')}. ${hl.text.replaceAll('`', '')}${unread ? ` ${unread} input${unread === 1 ? '' : 's'} could not be read.` : ''}`);
}

/** The first clause of a remedy's action, for the headline (the whole text is in "Remedies"). */
function firstSentence(text) {
  const m = text.match(/^(.{20,160}?)(?::\s|;\s|\.\s)/);
  return m ? `${m[1]} …` : text.length > 180 ? `${text.slice(0, 170)} …` : text;
}

/** Opens a remedy of "Remedies" (its hosts listed) and moves focus to it. */
function openRemedy(n) {
  const li = document.getElementById(`fleet-remedy-${n}`);
  if (!li) return;
  const d = li.querySelector('details');
  if (d) d.open = true;
  li.scrollIntoView({ block: 'start', behavior: 'instant' });
  li.focus();
}

/** Every remedy of the maintenance plans, grouped by rule, with the hosts each acts on.
 * @param {import('./types').ClusterAnswer} a */
function renderFleetRemedies(a) {
  const list = $('fleet-remedies');
  put(list);
  const grouped = fleetRemedies(a);
  grouped.forEach((r, i) => {
    add(list,
      h('li', { id: `fleet-remedy-${i + 1}`, tabindex: '-1', class: 'fleet-remedy', dataset: { rule: r.rule ?? '', hosts: String(r.hosts.length) } },
        h('div', { class: 'remedy-head' }, h('strong', { class: 'remedy-count' }, countLabel(r)), ': ', withCode(r.action)),
        h('div', { class: 'small' }, r.why),
        h('dl', { class: 'meta' },
          h('dt', null, 'Disruption'), h('dd', null, r.disruption),
          r.features.length > 0 && [h('dt', null, 'Fixes'), h('dd', null, r.features.map((f, j) => [j ? ', ' : '', code(f)]))],
          r.verify && [h('dt', null, 'Verify'), h('dd', null, withCode(r.verify))],
          r.reference && [h('dt', null, 'Reference'), h('dd', null, r.reference)],
          h('dt', null, 'Plans'), h('dd', null, nameList(r.plans, 6, 'other plans'))),
        (r.hosts.length > 0 || r.vms.length > 0) &&
          h('details', { class: 'remedy-hosts' },
            h('summary', null, r.hosts.length ? `The ${plural(r.hosts.length, 'host')} it acts on` : `The ${plural(r.vms.length, 'VM')} it acts on`),
            h('p', { class: 'small hostlist' }, (r.hosts.length ? r.hosts : r.vms).join(', ')))),
    );
  });
}

/** The EVC modes as select options (vendor groups), for the what-if and other-cluster selectors.
 * @param {import('./types').ClusterAnswer} a */
function modeOptions(a, withNone) {
  const out = [];
  if (withNone) out.push(h('option', { value: 'none' }, 'none — EVC disabled'));
  for (const vendor of ['intel', 'amd']) {
    const ms = a.modes.filter((m) => m.vendor === vendor);
    if (ms.length) out.push(h('optgroup', { label: vendor === 'intel' ? 'Intel' : 'AMD' }, ms.map((m) => h('option', { value: m.key }, `${m.key} — ${m.label}`))));
  }
  return out;
}

let planModesSignature = '';
/** The what-if, other-cluster and maintenance selectors, kept in step with the answer.
 * @param {import('./types').ClusterAnswer} a */
function renderPlanSelectors(a) {
  const sig = a.modes.map((m) => m.key).join(',');
  if (sig !== planModesSignature) {
    planModesSignature = sig;
    for (const [id, first] of [['to-evc', 'no change'], ['into-evc', 'automatic (from its hosts)']]) {
      const sel = $select(id);
      const v = sel.value;
      put(sel, h('option', { value: '' }, first), ...modeOptions(a, true));
      sel.value = v;
    }
  }
  const mh = $select('maint-host');
  const v = mh.value;
  const names = a.hosts.map((x) => x.name);
  if (mh.dataset.names !== names.join('\n')) {
    mh.dataset.names = names.join('\n');
    put(mh, h('option', { value: '' }, 'pick a host…'), names.map((n) => h('option', { value: n }, n)));
    mh.value = names.includes(v) ? v : '';
  }
}

/** The options every question of the loaded workspace shares: the page's choices. */
function commonOptions() {
  return { evc: state.evc || null, per_vm_evc: state.perVmEvc || null, vm_hw: state.vmHw || null, rename: state.rename };
}

/** Asks the loaded workspace another question (the CLI's answer for the same inputs and options).
 * @returns {Promise<any>} the answer, `{refused}` or `{request_error}` */
async function ask(question, options) {
  const { answer } = await call({ kind: 'ask', question, options });
  return answer;
}

/** Why the engine did not answer, in its own words (refusals and request errors), or null. */
function refusalItems(ans) {
  if (ans.request_error) return [ans.request_error.message];
  if (ans.refused) return [...ans.refused.input_errors.map((e) => `${e.source}, line ${e.line}: ${e.message}`), ...ans.refused.option_errors.map((e) => `${optionName(e.option)}: ${e.message}`)];
  return null;
}

const VERDICT_WORD = { compatible: '✓ yes', blocked: '✕ no', unknown: '? not proven' };

/** A plan answer (`evcalc plan --json`): the added hosts, removed hosts, the EVC change and the
 * move into another cluster, each with the core's sentence first.
 * @param {HTMLElement} box
 * @param {any} p */
function renderPlanAnswer(box, p) {
  put(box);
  const refused = refusalItems(p);
  if (refused) {
    add(box, h('div', { class: 'errors' }, h('ul', null, refused.map((m) => h('li', { class: 'error' }, h('div', { class: 'what' }, m))))));
    return;
  }
  const section = (title, verdict, ...body) => h('div', { class: `plan-part ${verdict ? VCLASS[verdict] ?? '' : ''}` }, h('h3', { class: 'subhead' }, title), body);
  for (const r of p.add ?? []) {
    add(box, section(`Add ${r.host}`, r.can_join === false || r.blocked_moves.length ? 'blocked' : r.can_join === null ? 'unknown' : 'compatible',
      h('p', null, withCode(r.summary)),
      r.blocked_moves.length > 0 && h('ul', null, r.blocked_moves.map((b) => h('li', null, `${b.vm}${b.from ? ` (on ${b.from})` : ''} → ${b.to}: lacks `, b.missing.map((m, i) => [i ? ', ' : '', code(m.key)])))),
      r.warnings.map((w) => h('p', { class: 'small warn-text' }, w))));
  }
  for (const r of p.remove ?? []) add(box, section(`Remove ${r.host}`, null, h('p', null, withCode(r.summary))));
  if (p.change_evc) {
    const c = p.change_evc;
    add(box, section(`Change EVC: ${c.from ?? 'disabled'} → ${c.to ?? 'disabled'}`, c.allowed ? 'compatible' : 'blocked',
      h('p', null, withCode(c.summary)),
      c.hosts_not_admitted.length > 0 && h('p', null, 'Hosts that cannot join: ', c.hosts_not_admitted.map((x, i) => [i ? '; ' : '', x.host, x.missing.length ? [' (lacks ', featureList(x.missing, 6), ')'] : ''])),
      c.vms_blocking.length > 0 && h('p', null, 'Running VMs that block the change: ', c.vms_blocking.map((x) => x.vm).join(', ')),
      c.notes.map((n) => h('p', { class: 'small muted' }, n))));
  }
  if (p.into) {
    const m = p.into;
    add(box, section(`Move into the other cluster (EVC ${m.to_evc ?? 'disabled'})`, m.verdict,
      h('p', null, h('strong', null, VERDICT_WORD[m.verdict] ?? m.verdict), ' — ', withCode(m.summary)),
      h('ul', { class: 'into-vms' }, m.vms.map((v) => h('li', { class: VCLASS[v.verdict], dataset: { verdict: v.verdict } },
        h('strong', null, v.vm), `: ${VERDICT_WORD[v.verdict] ?? v.verdict}`,
        v.blocking_features.length > 0 && [' — blocked by ', v.blocking_features.map((f, i) => [i ? ', ' : '', code(f)])],
        h('div', { class: 'small' }, withCode(v.summary)),
        v.ways.length > 0 && h('details', { class: 'ways' }, h('summary', null, `Ways through (${v.ways.length})`),
          h('ul', null, v.ways.map((w) => h('li', null, h('strong', null, w.possible === false ? '✕ ' : w.possible ? '✓ ' : '? '), withCode(w.action), h('div', { class: 'small muted' }, w.cost), w.refused && h('div', { class: 'small warn-text' }, w.refused), w.security_downgrade && h('div', { class: 'small warn-text' }, w.security_downgrade)))))))),
      m.notes.map((n) => h('p', { class: 'small muted' }, n))));
  }
  if (!box.childNodes.length) add(box, h('p', { class: 'muted' }, 'Nothing asked: paste a host to add, pick an EVC mode, or leave hosts out in the hosts table.'));
  else add(box, h('p', { class: 'small' }, h('button', { type: 'button', class: 'small-btn plan-json', onclick: () => download(`evcalc-plan-${stamp()}.json`, 'application/json', `${JSON.stringify(p)}\n`) }, 'Download this answer as JSON'), h('span', { class: 'muted' }, ' (what evcalc plan … --json gives)')));
}

/** The what-if of `evcalc plan`: add a pasted host, change the EVC mode, and the hosts left out,
 * combined in one question. */
async function runWhatIf() {
  const text = /** @type {HTMLTextAreaElement} */ ($('add-input')).value;
  const toEvc = $select('to-evc').value;
  // The core reads a vHW only for a move into another cluster (`plan --into`): not sent here.
  const { vm_hw: _vhw, ...common } = commonOptions();
  const options = { ...common, add: text.trim() ? [{ name: 'added host', text }] : [], to_evc: toEvc || null, remove: [...state.remove] };
  state.whatIf = options;
  const box = $('whatif-answer');
  if (!options.add.length && !options.to_evc && !options.remove.length) {
    renderPlanAnswer(box, {});
    return;
  }
  renderPlanAnswer(box, await ask('plan', options));
  box.dataset.seq = String(Number(box.dataset.seq ?? 0) + 1);
}

/** A move of this cluster's VMs into another cluster (`evcalc plan … --into … --to-evc …`). */
async function runInto() {
  const text = /** @type {HTMLTextAreaElement} */ ($('into-input')).value;
  const box = $('into-answer');
  if (!text.trim()) {
    put(box, h('p', { class: 'muted' }, 'Paste the other cluster’s host dumps first.'));
    return;
  }
  const toEvc = $select('into-evc').value;
  const options = { ...commonOptions(), remove: [...state.remove], into: [{ name: 'other cluster', text }], to_evc: toEvc || null };
  // `remove` of a plan is its own question; hosts left out are not part of this move's question.
  options.remove = [];
  state.into = options;
  renderPlanAnswer(box, await ask('plan', options));
  box.dataset.seq = String(Number(box.dataset.seq ?? 0) + 1);
}

/** Maintenance of one host (`evcalc maintenance --host X`). */
async function runMaintenanceOf(host) {
  const box = $('maint-one');
  put(box);
  state.maintHost = host;
  if (!host) return;
  const m = await ask('maintenance', { ...commonOptions(), remove: [...state.remove], host });
  const refused = refusalItems(m);
  if (refused) add(box, h('div', { class: 'errors' }, h('ul', null, refused.map((x) => h('li', { class: 'error' }, h('div', { class: 'what' }, x))))));
  else if (m.plan) add(box, maintenancePlan(m, m.plan, false));
  box.dataset.seq = String(Number(box.dataset.seq ?? 0) + 1);
}

/** After the cluster answer changed, the questions asked below it are asked again. */
async function refreshQuestions() {
  try {
    if (state.whatIf) await runWhatIf();
    if (state.into) await runInto();
    if (state.maintHost) await runMaintenanceOf(state.maintHost);
  } catch (e) {
    setStatus(`A question could not be answered: ${e.message}`, true);
  }
}


/** The live region: the verdict, not timings; only when it changes. */
function announce(text) {
  const el = $('announce');
  if (el.textContent !== text) el.textContent = text;
}

function lineOf(text, line) {
  let start = 0;
  for (let i = 1; i < line; i++) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) return null;
    start = nl + 1;
  }
  let end = text.indexOf('\n', start);
  if (end < 0) end = text.length;
  return text.slice(start, Math.min(end, start + 300)).replace(/\r$/, '');
}

/** The request option an option error is about, in the page's words. */
const optionName = (o) =>
  ({ evc: 'Cluster EVC mode', per_vm_evc: 'Per-VM EVC', vm_hw: 'Virtual hardware version', evc_exposes: 'Patch-era exposure', rename: 'Rename', maintenance: 'Maintenance', hosts: 'Hosts' })[o] ?? o;

/** @param {import('./types').ClusterAnswer} a */
function renderErrors(a, extra) {
  const box = $('errors');
  put(box);
  const items = [];
  for (const e of a?.errors ?? []) {
    const input = state.request?.inputs.find((i) => i.name === e.source);
    const line = input ? lineOf(input.text, e.line) : null;
    const part = state.parts.find((p) => p.name === e.source);
    const shift = state.vmHosts[e.source] ? 1 : 0;
    const ln = (part ? part.from - 1 + e.line : e.line) - shift;
    const where = part
      ? [h('strong', null, 'Pasted text'), ` — line ${ln}, column ${e.col} (the part from line ${part.from} to ${part.to}; the other parts were read)`]
      : [h('strong', null, e.source === 'paste' ? 'Pasted text' : e.source), ` — line ${e.line}, column ${e.col}`];
    items.push(
      h('li', { class: 'error' },
        h('div', { class: 'where' }, where),
        h('div', { class: 'what' }, e.message),
        line !== null && line.trim() !== '' &&
          h('pre', { class: 'excerpt' }, h('span', { class: 'ln' }, String(ln).padStart(5) + ' │ '), line,
            '\n', h('span', { class: 'ln' }, '      │ '), ' '.repeat(Math.max(0, e.col - 1)) + '^'),
      ),
    );
  }
  // A refused per-VM mode is said in the per-VM note, beside its selector.
  for (const m of (a?.option_errors ?? []).filter((o) => o.option !== 'per_vm_evc')) items.push(h('li', { class: 'error', dataset: { option: m.option } }, h('div', { class: 'where' }, h('strong', null, optionName(m.option))), h('div', { class: 'what' }, m.message)));
  for (const m of extra) items.push(h('li', { class: 'error' }, h('div', { class: 'what' }, m)));
  box.hidden = items.length === 0;
  if (items.length) {
    add(box,
      h('h2', null, items.length === 1 ? 'Could not read one input' : `${items.length} problems`),
      h('ul', null, items),
    );
  }
}

/** Selects a part of the editor (its lines) and scrolls to it. */
function selectLines(from, to) {
  const ta = /** @type {HTMLTextAreaElement} */ ($('input'));
  const lines = ta.value.split('\n');
  let start = 0;
  for (let i = 0; i < from - 1; i++) start += lines[i].length + 1;
  let end = start;
  for (let i = from - 1; i < to; i++) end += (lines[i]?.length ?? 0) + 1;
  ta.focus();
  ta.setSelectionRange(start, Math.min(end - 1, ta.value.length));
  const lineHeight = parseFloat(getComputedStyle(ta).lineHeight) || 16;
  ta.scrollTop = Math.max(0, (from - 2) * lineHeight);
}

/** @param {import('./types').ClusterAnswer} a */
function renderParts(a) {
  const list = $('parts');
  const parts = state.parts;
  list.hidden = parts.length === 0;
  put(list);
  if (!parts.length) return;
  for (const p of parts) {
    const err = a?.errors.find((e) => e.source === p.name);
    add(list,
      h('li', { class: err ? 'bad' : 'good', dataset: { from: String(p.from), to: String(p.to) } },
        h('button', { type: 'button', class: 'linkish', onclick: () => selectLines(p.from, p.to), 'aria-label': `Select lines ${p.from}–${p.to} in the editor` }, `lines ${p.from}–${p.to}`),
        err
          ? h('span', { class: 'result bad' }, ` ✕ not read — editor line ${p.from - 1 + err.line}: ${err.message}`)
          : inputResult(a, p.name) ?? h('span', { class: 'muted' }, ' …')),
    );
  }
}

/** What each input gave: one muted line under the editor and under every listed file/paste.
 * @param {import('./types').ClusterAnswer} a
 */
function inputResult(a, name) {
  if (!a) return null;
  const err = a.errors.find((e) => e.source === name);
  if (err) return h('div', { class: 'result bad' }, `✕ not read — line ${err.line}: ${err.message}`);
  const summary = a.inputs.find((i) => i.source === name);
  if (!summary) return null;
  const parts = [];
  if (summary.hosts.length) parts.push([summary.hosts.length === 1 ? 'host ' : `${summary.hosts.length} hosts: `, hostNames(summary.hosts, 6)]);
  if (summary.vms.length) parts.push([summary.vms.length === 1 ? 'VM ' : `${summary.vms.length} VMs: `, hostNames(summary.vms, 4)]);
  const masks = state.masksRead.get(name)?.masks;
  if (summary.format === 'mask-lines' && masks) parts.push(masksSummary(masks));
  if (!parts.length) parts.push('nothing usable');
  const out = h('div', { class: 'result' }, '→ ', parts.map((p, i) => [i ? '; ' : '', p]), h('span', { class: 'muted' }, ` · ${formatName(summary.format)}`));
  if (summary.warnings.length) {
    add(out, h('details', { class: 'warn' }, h('summary', null, plural(summary.warnings.length, 'warning')), h('ul', null, summary.warnings.slice(0, 50).map((w) => h('li', null, w)))));
  }
  return out;
}

/** @param {import('./types').ClusterAnswer} a */
function renderInputs(a) {
  renderFileList();
  renderParts(a);
  const text = editor().value;
  const meta = $('paste-meta');
  if (text.trim()) {
    put(meta, `${formatBytes(text.length)} in the editor`);
    if (state.parts.length) add(meta, ` · one part could not be read, so each host's output is read on its own (${plural(state.parts.length, 'part')}):`);
    const r = state.parts.length ? null : inputResult(a, editorName());
    if (r) add(meta, r);
  } else if (!meta.dataset.note) {
    put(meta);
  }
}

/** Hosts of the classes that satisfy `pred`.
 * @param {import('./types').ClassEntry[]} classes */
const hostCount = (classes, pred = (_c) => true) => classes.filter(pred).reduce((n, c) => n + c.hosts.length, 0);

const classWord = (n) => `${n} ${n === 1 ? 'class' : 'classes'}`;

/** @param {import('./types').ClusterAnswer} a */
function renderModes(a) {
  if (!a) return;
  const sig = a.modes.map((m) => m.key).join(',');
  const complete = a.classes.filter((c) => !c.report.fragment);
  const completeHosts = hostCount(complete);
  const common = new Set(intersect(complete.map((c) => c.report.supported_evc_modes)));
  const evcSel = $select('evc');
  const vmSel = $select('per-vm-evc');
  if (sig !== state.modesSignature) {
    state.modesSignature = sig;
    const groups = (withNone) => {
      const out = [];
      if (withNone) out.push(h('option', { value: 'none' }, 'none — EVC disabled'));
      for (const vendor of ['intel', 'amd']) {
        const ms = a.modes.filter((m) => m.vendor === vendor);
        if (ms.length) out.push(h('optgroup', { label: vendor === 'intel' ? 'Intel' : 'AMD' }, ms.map((m) => h('option', { value: m.key }, `${m.key} — ${m.label}`))));
      }
      return out;
    };
    put(evcSel, h('option', { value: '' }, 'Automatic'), ...groups(true));
    put(vmSel, h('option', { value: '' }, 'none (VMs see the cluster mode)'), ...groups(false));
  }
  // Mark the modes not every host can join, and those no host can join (counted in hosts).
  for (const sel of [evcSel, vmSel]) {
    for (const opt of /** @type {NodeListOf<HTMLOptionElement>} */ (sel.querySelectorAll('optgroup option'))) {
      const m = a.modes.find((x) => x.key === opt.value);
      if (!m) continue;
      const can = complete.length === 0 || common.has(m.key);
      const some = hostCount(complete, (c) => c.report.supported_evc_modes.includes(m.key));
      const note = can || sel === vmSel ? '' : some === 0 ? '  (no host can join)' : `  (only ${some} of ${completeHosts} hosts can join)`;
      opt.textContent = `${m.key} — ${m.label}${note}`;
      opt.classList.toggle('unsupported', !can);
    }
  }
  const auto = evcSel.options[0];
  if (!state.evc) auto.textContent = `Automatic: ${a.evc.mode ?? 'EVC disabled'}`;
  else auto.textContent = 'Automatic';
  evcSel.value = state.evc;
  vmSel.value = state.perVmEvc;
  evcSel.classList.toggle('manual', !!state.evc);
  vmSel.classList.toggle('manual', !!state.perVmEvc);
  const why = $('evc-why');
  put(why);
  if (!state.evc) append(why, [`Automatic = ${a.evc.mode ?? 'EVC disabled'} (${a.evc.why}). `]);
  else
    append(why, [
      h('span', { class: 'choice' }, 'chosen by you'), ' ',
      state.evc === 'none' ? 'EVC disabled: VMs see every feature of the host they were powered on on. ' : `The matrix is computed for ${state.evc}, not for what the hosts suggest. `,
      h('button', { type: 'button', class: 'linkish', id: 'evc-auto', onclick: () => { state.evc = ''; state.focusAfter = ['#evc']; schedule(); } }, 'back to automatic'), '. ',
    ]);
  renderPerVmNote(a);
  if (a.max_common_evc_mode) {
    append(why, ['Highest mode every host can join: ', h('strong', null, a.max_common_evc_mode), ` (${modeLabel(a, a.max_common_evc_mode)})`]);
  } else if (a.hosts.length && !complete.length) {
    add(why, 'EVC modes unknown: the hosts are known only from fragments. Pick the cluster’s mode.');
  } else if (a.hosts.length) {
    add(why, 'No EVC mode every host can join.');
  }
}

/** @param {import('./types').ClusterAnswer} a */
function renderPerVmNote(a) {
  const note = $('pervm-note');
  put(note);
  note.classList.remove('refused');
  if (state.perVmRefused) {
    note.classList.add('refused');
    add(note, h('strong', null, 'Not applied. '), state.perVmRefused);
  } else if (state.perVmEvc) {
    const label = modeLabel(a, state.perVmEvc);
    append(note, [
      h('strong', null, 'What-if, not a live fix: '),
      `the matrix and the maintenance plans assume every VM was powered on with per-VM EVC ${state.perVmEvc} (${label}). `,
      'To make it real, each VM needs virtual hardware 14 or later on vSphere 6.7 or later, and must be powered off to change its EVC mode; ',
      'VMs running now keep the features they saw at power-on until their next power cycle',
      a.vms.length
        ? [': the VMs whose runtime you gave (', nameList(a.vms.map((v) => v.name), 3, 'other VMs'), ') keep what they require now, so their maintenance plans do not change with the what-if. ']
        : '. ',
      h('button', { type: 'button', class: 'linkish', id: 'pervm-off', onclick: () => { state.perVmEvc = ''; state.focusAfter = ['#per-vm-evc']; schedule(); } }, 'remove the what-if'), '.',
    ]);
  }
  note.hidden = !note.childNodes.length;
}

function intersect(lists) {
  if (!lists.length) return [];
  return lists.reduce((acc, l) => acc.filter((x) => l.includes(x)));
}

/** The class's admission to the cluster's EVC mode, as a cell. */
function admissionCell(a, cls) {
  const adm = cls.admission;
  if (!a.evc.mode) return h('span', { class: 'muted' }, 'EVC disabled');
  if (!adm || adm.verdict === 'unknown' || (adm.admitted === null && cls.report.fragment)) return h('span', { class: 'tag unknown' }, 'unknown (fragment)');
  if (adm.admitted) return h('span', { class: 'tag ok' }, 'can join');
  if (adm.admitted === null)
    return [h('span', { class: 'tag warn' }, 'uncertain'), adm.reason && h('div', { class: 'small' }, adm.reason)];
  return [
    h('span', { class: 'tag bad' }, adm.vendor_mismatch ? 'wrong vendor' : 'cannot join'),
    adm.missing.length > 0 && h('div', { class: 'small' }, 'lacks ', featureList(adm.missing)),
  ];
}

/** The class's highest EVC mode (a range when the input leaves it open). */
function maxModeCell(a, cls) {
  const r = cls.report;
  if (!r.max_evc_mode) return h('span', { class: 'muted' }, r.fragment ? 'unknown (fragment)' : 'none');
  return [
    h('span', { class: 'mode', title: modeLabel(a, r.max_evc_mode) }, r.max_evc_mode),
    r.max_evc_summary && r.max_evc_summary !== r.max_evc_mode && h('div', { class: 'small muted' }, r.max_evc_summary),
  ];
}

/** Hosts grouped by class: one row group per class (label, member count, CPU, highest EVC mode,
 * admission), then its hosts (what is particular to each: name, input, ESXi build, the input's
 * own cross-check, warnings; rename and remove).
 * @param {import('./types').ClusterAnswer} a */
function renderHosts(a) {
  const table = $table('hosts-table');
  for (const b of [...table.tBodies]) b.remove();
  const loadedName = (name) => Object.keys(state.rename).find((k) => state.rename[k] === name) ?? name;
  a.classes.forEach((cls, ci) => {
    const r = cls.report;
    const group = h('tbody', { class: 'class-group', dataset: { class: cls.label } },
      h('tr', { class: 'class-row' },
        h('th', { scope: 'rowgroup', colspan: '7' },
          h('span', { class: 'class-label' }, cls.label),
          h('span', { class: 'class-meta' },
            ` · ${plural(cls.hosts.length, 'host')}`,
            a.classes.length > 1 ? ` · class ${ci + 1} of ${a.classes.length}` : a.hosts.length > 1 ? ' · every host alike' : '',
            ' · highest EVC mode ', r.max_evc_mode ? h('strong', null, r.max_evc_summary || r.max_evc_mode) : r.fragment ? 'unknown (fragment)' : 'none'))));
    // A long list shows each class's first hosts; "Show all" lists the rest (a fleet of 1,000
    // hosts would otherwise build 1,000 rows and 2,000 buttons on every answer).
    const long = a.hosts.length > LONG_LIST && cls.hosts.length > SHOWN_PER_CLASS && !state.expanded.has(cls.label);
    const shown = long ? cls.hosts.slice(0, SHOWN_PER_CLASS) : cls.hosts;
    for (const hi of shown) {
      const host = a.hosts[hi];
      const renamedFrom = loadedName(host.name);
      const warnings = [...new Set([...host.warnings, ...r.warnings])];
      add(group,
        h('tr', { dataset: { host: host.name, class: cls.label } },
          h('td', { class: 'hostname' },
            h('span', { class: 'name' }, host.name),
            h('div', { class: 'small muted src', title: `read from ${host.source}` }, host.source === 'paste' ? 'pasted' : host.source),
            renamedFrom !== host.name && h('div', { class: 'small muted' }, `renamed from ${renamedFrom}`)),
          h('td', { class: 'cpu', dataset: { label: 'CPU' } }, cpuText(host, r)),
          h('td', { class: 'esxi', dataset: { label: 'ESXi' } }, host.product ? h('span', { title: host.product }, host.product.replace(/^VMware (ESXi )?/, '').split(/ (?=build)/).map((p, i) => (i ? h('div', { class: 'small muted' }, p) : p))) : h('span', { class: 'muted' }, 'not in the input')),
          h('td', { class: 'nowrap', dataset: { label: 'Highest EVC mode' } },
            maxModeCell(a, cls),
            host.max_evc_cross_check === 'agrees' && h('span', { class: 'small muted', title: 'The input’s own maxEVCModeKey says the same' }, ' ✓ as reported'),
            host.max_evc_cross_check === 'differs' && h('div', { class: 'small warn-text' }, `host reports ${host.reported_max_evc_mode}`)),
          h('td', { dataset: { label: 'Joins the cluster mode' } }, admissionCell(a, cls)),
          h('td', { class: 'warnings', dataset: { label: 'Warnings' } },
            warnings.length === 0 ? h('span', { class: 'muted' }, '—') :
              warnings.length === 1 ? h('span', { class: 'warn-text' }, warnings[0]) :
                h('details', { class: 'warn' }, h('summary', null, plural(warnings.length, 'warning')), h('ul', null, warnings.map((w) => h('li', null, w))))),
          h('td', { class: 'right actions-cell' },
            h('button', { type: 'button', class: 'small-btn rename', 'aria-label': `Rename ${host.name}`, onclick: (e) => startRename(e.target.closest('tr'), host.name) }, 'Rename'),
            ' ',
            h('button', { type: 'button', class: 'small-btn remove', 'aria-label': `Remove ${host.name}`, onclick: () => removeHost(host.name), title: `Leave ${host.name} out of the analysis` }, 'Remove')),
        ),
      );
    }
    if (long) {
      add(group, h('tr', { class: 'more-row' }, h('td', { colspan: '7' },
        h('button', { type: 'button', class: 'small-btn show-all', dataset: { class: cls.label }, onclick: () => {
          state.expanded.add(cls.label);
          state.focusAfter = [`#hosts-table tbody[data-class="${CSS.escape(cls.label)}"] tr[data-host]:nth-of-type(${SHOWN_PER_CLASS + 2}) button.rename`];
          renderHosts(a);
          applyFocus();
        } }, `Show all ${cls.hosts.length} hosts of ${cls.label}`),
        h('span', { class: 'small muted' }, ` (${cls.hosts.length - SHOWN_PER_CLASS} more, alike in every CPU feature)`))));
    }
    add(table, group);
  });
  $('hosts-count').textContent = `${plural(a.hosts.length, 'host')} in ${classWord(a.classes.length)} · cluster EVC ${a.evc.mode ?? 'disabled'}${a.per_vm_evc_mode ? ` · per-VM EVC ${a.per_vm_evc_mode}` : ''}`;
  const removed = $('removed');
  put(removed);
  if (state.remove.length) {
    append(removed, ['Left out: ', state.remove.map((n) => h('span', { class: 'chip' }, n, ' ', h('button', { type: 'button', class: 'linkish', dataset: { host: n }, 'aria-label': `Restore ${n}`, onclick: () => restoreHost(n) }, 'restore')))]);
  }
}

/** Above this many hosts, each class lists its first SHOWN_PER_CLASS hosts until asked for all. */
const LONG_LIST = 200;
const SHOWN_PER_CLASS = 10;

/** "Intel Xeon E5-2686 v4 …", else the family/model/stepping the class's dump has.
 * @param {import('./types').HostEntry} host
 * @param {import('./types').ClassEntry['report']} r */
function cpuText(host, r) {
  const fms = r.family != null || r.model != null
    ? `family ${r.family ?? '?'} · model ${r.model ?? '?'}${r.model != null ? ` (${hex(r.model)})` : ''} · stepping ${r.stepping ?? '?'}`
    : null;
  const vendor = r.vendor === 'intel' ? 'Intel' : r.vendor === 'amd' ? 'AMD' : null;
  const model = host.cpu_model ?? r.cpu_model;
  if (model) return [model, fms && h('div', { class: 'small muted' }, fms)];
  if (fms) return h('span', { title: 'The dump has no CPU model name; this is its CPUID signature' }, [vendor, fms].filter(Boolean).join(' '));
  return h('span', { class: 'muted' }, 'not in the input');
}

function startRename(row, name) {
  const cell = row.querySelector('.hostname');
  const input = h('input', { type: 'text', value: name, 'aria-label': `New name for ${name}`, class: 'rename-input' });
  const commit = () => {
    const to = input.value.trim();
    const taken = state.analysis?.hosts.some((x) => x.name !== name && x.name.toLowerCase() === to.toLowerCase());
    if (taken) {
      input.setCustomValidity(`${to} is already the name of another host`);
      input.reportValidity();
      return;
    }
    state.focusAfter = [`#hosts-table tr[data-host="${CSS.escape(to && to !== name ? to : name)}"] button.rename`, '#hosts-panel h2'];
    if (to && to !== name) renameHost(name, to);
    else render(state.analysis);
  };
  input.addEventListener('input', () => input.setCustomValidity(''));
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') commit();
    if (e.key === 'Escape') {
      e.stopPropagation();
      state.focusAfter = [`#hosts-table tr[data-host="${CSS.escape(name)}"] button.rename`];
      render(state.analysis);
    }
  });
  put(cell, input, ' ', h('button', { type: 'button', class: 'small-btn', onclick: commit }, 'OK'));
  input.focus();
  input.select();
}

function renameHost(from, to) {
  const original = Object.keys(state.rename).find((k) => state.rename[k] === from) ?? from;
  if (original === to) delete state.rename[original];
  else state.rename[original] = to;
  if (state.selected) {
    if (state.selected.from === from) state.selected.from = to;
    if (state.selected.to === from) state.selected.to = to;
  }
  schedule();
}
function removeHost(name) {
  // Focus moves to the next host's Remove button (or the previous one, or the restore button).
  const rows = all($table('hosts-table'), 'tr[data-host]').map((r) => r.dataset.host);
  const i = rows.indexOf(name);
  const next = rows[i + 1] ?? rows[i - 1];
  state.focusAfter = [next ? `#hosts-table tr[data-host="${CSS.escape(next)}"] button.remove` : '', `#removed button[data-host="${CSS.escape(name)}"]`, '#hosts-panel h2'].filter(Boolean);
  state.remove.push(name);
  schedule();
}
function restoreHost(name) {
  state.remove = state.remove.filter((n) => n !== name);
  state.focusAfter = [`#hosts-table tr[data-host="${CSS.escape(name)}"] button.remove`, '#hosts-panel h2'];
  schedule();
}

/** Features as "label `key`", at most `max`; vendor identities (`cpuid.Intel`, …) are not
 * features and are left out. */
function featureList(features, max = Infinity) {
  features = features.filter((f) => f.kind !== 'vendor');
  const shown = features.slice(0, max);
  const out = [];
  shown.forEach((f, i) => {
    if (i) out.push(', ');
    out.push(h('span', { class: 'feat', title: f.cpuid ?? '' }, f.label || f.key, ' ', h('code', null, f.canonical_key ?? f.key)));
  });
  if (features.length > max) out.push(` +${features.length - max} more`);
  return out;
}

/** Class labels with their host counts: "esxi01 (1 host), esxi02–04 (3 hosts)". */
function classesText(a, indices) {
  return indices.map((c) => a.classes[c]).filter(Boolean).map((c) => `${c.label} (${plural(c.hosts.length, 'host')})`).join(', ');
}

/** Drift per class, counted in hosts.
 * @param {import('./types').ClusterAnswer} a */
function renderDrift(a) {
  const list = $('drift');
  put(list);
  if (!a.drift.length) {
    add(list, h('li', { class: 'muted' }, 'None: every host reports the same CPU features.'));
    return;
  }
  const sorted = [...a.drift].sort((x, y) => Number(y.blocks_vmotion) - Number(x.blocks_vmotion));
  for (const d of sorted) {
    const numeric = d.values.some(([, v]) => v > 1);
    add(list,
      h('li', { class: d.blocks_vmotion ? 'blocks' : 'hidden-by-evc', dataset: { key: d.key } },
        h('code', { class: 'key' }, d.key), ' — ', h('span', { class: 'label' }, d.label || 'unknown feature'), ': ',
        h('strong', null, d.summary),
        ' ',
        d.blocks_vmotion
          ? h('span', { class: 'tag bad', title: 'VMs powered on on a host with this feature see it under the current EVC setting, so they cannot move to a host without it' }, 'can block vMotion')
          : h('span', { class: 'tag muted-tag', title: 'The EVC setting hides this feature from VMs' }, 'hidden from VMs by EVC'),
        h('div', { class: 'small muted drift-classes' },
          `${plural(d.hosts_with, 'host')} with it: ${classesText(a, d.classes_with) || 'none'} · ${plural(d.hosts_without, 'host')} without: ${classesText(a, d.classes_without) || 'none'}`),
        numeric && h('div', { class: 'small muted' }, d.values.map(([c, v]) => `${a.classes[c]?.label ?? c}=${hex(v)}`).join(' · ')),
      ),
    );
  }
}

/** Above this many rows the matrix is drawn as a scrolling grid that only builds the visible
 * cells (the host × host grid of a 330-host cluster has 108,570 pairs). */
const VIRTUAL_N = 40;

/** The grid on screen: the class matrix, or every host when the admin asked for it.
 * @param {import('./types').ClusterAnswer} a */
function currentGrid(a) {
  return state.matrixHosts && a.classes.length < a.hosts.length ? hostGrid(a) : classGrid(a);
}

/** "to" in words: a class's diagonal cell is a move to another host of the same class. */
function toText(g, r, c) {
  return g.kind === 'class' && r === c ? `another host of ${g.names[c]}` : g.names[c];
}

/** VMs of the blocked bands of a cell, when the verdict differs between bands: "VMs of vmx-9 and later". */
function bandsText(cell) {
  if (!cell.bands.length || cell.bands.every((b) => b.verdict === cell.bands[0].verdict)) return null;
  const blocked = cell.bands.filter((b) => b.verdict === 'blocked');
  if (!blocked.length) return null;
  const last = cell.bands[cell.bands.length - 1];
  const ranges = [];
  for (const b of blocked) {
    const prev = ranges[ranges.length - 1];
    if (prev && prev.to + 1 >= b.vhw_from) prev.to = b.vhw_to;
    else ranges.push({ from: b.vhw_from, to: b.vhw_to });
  }
  return `VMs of ${ranges.map((x) => (x.to === last.vhw_to && blocked[blocked.length - 1] === last ? `vmx-${x.from} and later` : x.from === x.to ? `vmx-${x.from}` : `vmx-${x.from} to vmx-${x.to}`)).join(', ')}`;
}

/** @param {import('./types').ClusterAnswer} a */
function renderMatrix(a) {
  const toggle = $button('matrix-hosts');
  const expandable = a.classes.length < a.hosts.length && !a.matrix_omitted;
  toggle.hidden = !expandable;
  toggle.setAttribute('aria-pressed', state.matrixHosts && expandable ? 'true' : 'false');
  toggle.textContent = state.matrixHosts && expandable ? `Show the ${classWord(a.classes.length)}` : `Show every host (${a.hosts.length} × ${a.hosts.length})`;
  if (a.matrix_omitted) {
    // The core leaves the matrix out for very many classes and says why.
    $('matrix').hidden = false;
    $('vmatrix').hidden = true;
    put($('vmatrix'));
    vgrid = null;
    put($('matrix'), h('caption', null, a.matrix_omitted));
    $('matrix-caption').textContent = '';
    return;
  }
  const g = currentGrid(a);
  const virtual = g.names.length > VIRTUAL_N;
  $('matrix').hidden = virtual;
  $('vmatrix').hidden = !virtual;
  $('matrix-wrap').classList.toggle('virtual', virtual);
  $('matrix').dataset.kind = g.kind;
  $('vmatrix').dataset.kind = g.kind;
  if (virtual) {
    put($('matrix'));
    renderVirtualMatrix(a, g);
  } else {
    put($('vmatrix'));
    vgrid = null;
    renderTableMatrix(a, g);
  }
  const { pairs, blocked, unknown } = moveCounts(a);
  $('matrix-caption').textContent =
    `row = ${g.kind === 'class' ? 'class of the host' : 'host'} a VM was powered on on, column = destination · ${g.kind === 'class' ? `${classWord(a.classes.length)} of ${plural(a.hosts.length, 'host')}` : `every host (${classWord(a.classes.length)})`} · EVC ${a.evc.mode ?? 'disabled'}${a.per_vm_evc_mode ? `, per-VM EVC ${a.per_vm_evc_mode}` : ''} · ` +
    (blocked ? `${blocked} of ${pairs} host-to-host moves blocked` : unknown ? 'no move blocked' : pairs ? `all ${pairs} host-to-host moves possible` : 'one host') +
    (unknown ? ` · ${unknown} not verifiable (partial data)` : '');
}

const V = { CW: 124, CH: 40, RH: 150, HH: 28 };
let vgrid = null;

/** The text of a blocked cell: its distinct blocking keys. */
const blockedKeys = (a, cell) => blockerKeys(a, cell);

/**
 * @param {import('./types').ClusterAnswer} a
 * @param {import('./types').Grid} g */
function renderVirtualMatrix(a, g) {
  const wrap = $('matrix-wrap');
  const host = $('vmatrix');
  const names = g.names;
  const N = names.length;

  const W = V.RH + N * V.CW;
  const canvas = h('div', { class: 'vcanvas' });
  canvas.style.width = `${W}px`;
  canvas.style.height = `${V.HH + N * V.CH}px`;
  const head = h('div', { class: 'vhead' });
  head.style.width = `${W}px`;
  head.style.height = `${V.HH}px`;
  const corner = h('div', { class: 'vcorner' }, h('span', null, 'VM powered on on ↓'), h('span', { class: 'across' }, 'destination →'));
  corner.style.width = `${V.RH}px`;
  const cols = h('div', { class: 'vcols' });
  add(head, corner, cols);
  const body = h('div', { class: 'vbody' });
  body.style.height = `${N * V.CH}px`;
  body.style.width = `${W}px`;
  const rowhead = h('div', { class: 'vrowhead' });
  rowhead.style.width = `${V.RH}px`;
  rowhead.style.height = `${N * V.CH}px`;
  const layer = h('div', { class: 'vcells' });
  add(body, rowhead, layer);
  add(canvas, head, body);
  put(host, canvas);
  const activate = (e) => {
    const el = e.target.closest('.vcell[data-from]');
    if (el) select(g.kind, el.dataset.from, el.dataset.to);
  };
  layer.addEventListener('click', activate);
  layer.addEventListener('keydown', (e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), activate(e)));
  const label = (i) => (g.kind === 'class' ? `${names[i]} (${g.counts[i]})` : names[i]);
  vgrid = { names, cols, rowhead, layer, draw: null };
  let pending = false;
  const draw = () => {
    pending = false;
    const top = wrap.scrollTop;
    const left = wrap.scrollLeft;
    const r0 = Math.max(0, Math.floor(top / V.CH) - 2);
    const r1 = Math.min(N, Math.ceil((top + wrap.clientHeight) / V.CH) + 2);
    const c0 = Math.max(0, Math.floor(left / V.CW) - 1);
    const c1 = Math.min(N, Math.ceil((left + wrap.clientWidth) / V.CW) + 1);
    const colEls = [];
    for (let c = c0; c < c1; c++) {
      const el = h('div', { class: 'vcol', title: label(c) }, label(c));
      el.style.left = `${V.RH + c * V.CW}px`;
      el.style.width = `${V.CW}px`;
      colEls.push(el);
    }
    put(cols, ...colEls);
    const rowEls = [];
    const cellEls = [];
    for (let r = r0; r < r1; r++) {
      const from = names[r];
      const re = h('div', { class: 'vrow', title: label(r) }, label(r));
      re.style.top = `${r * V.CH}px`;
      re.style.height = `${V.CH}px`;
      rowEls.push(re);
      for (let c = c0; c < c1; c++) {
        const to = names[c];
        const cell = g.cell(r, c);
        const self = !cell;
        const sel = state.selected && state.selected.kind === g.kind && state.selected.from === from && state.selected.to === to;
        const keys = cell ? blockedKeys(a, cell) : [];
        const el = h('div', {
          class: `vcell ${self ? 'self' : VCLASS[cell.verdict]}${sel ? ' selected' : ''}`,
          dataset: self ? null : { from, to },
          tabindex: self ? null : '0',
          role: self ? null : 'button',
          title: self ? `${from} (same host)` : `A VM powered on on ${from} → ${toText(g, r, c)}: ${VTEXT[cell.verdict]}${cell.verdict === 'blocked' ? ` — ${keys.map((m) => `${m.label} (${m.key})`).join(', ') || 'destination not admitted'}` : ''}`,
        },
        self ? '—' : h('span', { class: 'sr-only' }, `${cellLabel(a, from, toText(g, r, c), cell)}. `),
        self ? null : cell.verdict === 'compatible' ? h('span', { 'aria-hidden': 'true' }, '✓') : cell.verdict === 'unknown' ? h('span', { 'aria-hidden': 'true' }, '? partial data') : h('span', { 'aria-hidden': 'true' }, [
          h('div', { class: 'vk' }, '✕ ', keys.length ? keys.slice(0, 2).map((m) => shortKey(m.key)).join(', ') + (keys.length > 2 ? ` +${keys.length - 2}` : '') : 'not admitted'),
          keys.length > 0 && h('div', { class: 'vl' }, keys.map((m) => m.label).join(', ')),
        ]));
        el.style.left = `${V.RH + c * V.CW}px`;
        el.style.top = `${r * V.CH}px`;
        el.style.width = `${V.CW}px`;
        el.style.height = `${V.CH}px`;
        cellEls.push(el);
      }
    }
    put(rowhead, ...rowEls);
    put(layer, ...cellEls);
  };
  vgrid.draw = draw;
  wrap.onscroll = () => {
    if (!pending) {
      pending = true;
      requestAnimationFrame(draw);
    }
  };
  draw();
}

/**
 * @param {import('./types').ClusterAnswer} a
 * @param {import('./types').Grid} g */
function renderTableMatrix(a, g) {
  const names = g.names;
  const t = $('matrix');
  put(t);
  const wide = names.length > 10;
  t.classList.toggle('wide', wide);
  const head = (i) => (g.kind === 'class' ? [names[i], h('div', { class: 'small muted count' }, plural(g.counts[i], 'host'))] : names[i]);
  add(t,
    h('thead', null,
      h('tr', null,
        h('th', { class: 'corner', scope: 'col' }, h('span', { class: 'down' }, 'VM powered on on ↓'), h('span', { class: 'across' }, 'destination →')),
        names.map((_, i) => h('th', { scope: 'col', class: 'col' }, head(i))))),
  );
  const body = h('tbody');
  names.forEach((from, r) => {
    const tr = h('tr', null, h('th', { scope: 'row', class: 'rowhead' }, head(r)));
    names.forEach((to, c) => {
      const cell = g.cell(r, c);
      const self = !cell;
      const selected = state.selected && state.selected.kind === g.kind && state.selected.from === from && state.selected.to === to;
      let cls = self ? 'self' : VCLASS[cell.verdict];
      if (selected) cls += ' selected';
      // The accessible name is the text: "from esxi01 to esxi02–04: blocked by cpuid.MDCLEAR
      // (Microarchitectural Data clear)"; the from/to part is visually hidden, the symbols are
      // hidden from screen readers.
      const icon = (s) => h('span', { 'aria-hidden': 'true' }, s);
      const dest = toText(g, r, c);
      let content;
      if (self) content = h('span', { class: 'muted' }, '—');
      else {
        const keys = blockedKeys(a, cell);
        const max = wide ? 2 : 4;
        const bands = bandsText(cell);
        content = [h('span', { class: 'sr-only' }, `from ${from} to ${dest}: `), cell.verdict !== 'blocked'
          ? cell.verdict === 'unknown'
            ? [h('span', { class: 'verdict' }, icon('? '), 'not verifiable'), h('span', { class: 'mf' }, ' from the pasted data: no blocker among the pasted keys (partial data)')]
            : h('span', { class: 'verdict' }, icon('✓ '), 'can move')
          : [
              h('span', { class: 'verdict' }, icon('✕ '), cell.destination_not_admitted && !keys.length ? 'destination not admitted' : 'blocked by'),
              keys.slice(0, max).map((m, i) => h('span', { class: 'mf' }, h('span', { class: 'sep' }, i ? ', ' : ' '), h('code', null, m.key), h('span', { class: 'ml' }, ` (${m.label || 'unknown feature'})`))),
              keys.length > max && h('span', { class: 'mf more' }, `+${keys.length - max} more`),
              cell.destination_not_admitted && keys.length > 0 && h('span', { class: 'mf' }, `; ${names[c]} not admitted to the mode`),
              bands && h('span', { class: 'mf bands' }, `for ${bands}`),
            ]];
      }
      add(tr,
        h('td', { class: cls, dataset: { from, to } },
          self ? h('span', { class: 'sr-only' }, `${from} to itself: same host`) : null,
          self
            ? content
            : h('button', {
                type: 'button',
                class: 'cellbtn',
                'aria-pressed': selected ? 'true' : 'false',
                title: `A VM powered on on ${from} → ${dest}: ${VTEXT[cell.verdict]}. Click for details.`,
                onclick: () => select(g.kind, from, to),
              }, content)),
      );
    });
    add(body, tr);
  });
  add(t, body);
}

/** What a screen reader says for a cell: from, to and verdict. */
function cellLabel(a, from, to, cell) {
  if (cell.verdict === 'compatible') return `from ${from} to ${to}: can move`;
  if (cell.verdict === 'unknown') return `from ${from} to ${to}: not verifiable from the pasted data (no blocker among the pasted keys)`;
  const by = blockedKeys(a, cell).map((m) => `${shortKey(m.key)} (${m.label})`);
  return `from ${from} to ${to}: blocked${by.length ? ` by ${nameList(by, 4, 'other features')}` : ''}${cell.destination_not_admitted ? `${by.length ? ';' : ':'} ${to} not admitted to the EVC mode` : ''}`;
}

/** The element that opened the detail, to return focus to it. */
function cellElement(from, to) {
  const td = all($('matrix'), 'td[data-from]').find((x) => x.dataset.from === from && x.dataset.to === to);
  if (td) return td.querySelector('button');
  return all($('vmatrix'), '.vcell[data-from]').find((x) => x.dataset.from === from && x.dataset.to === to) ?? null;
}

function markSelected() {
  const sel = state.selected;
  for (const td of all($('matrix'), 'td[data-from]')) {
    const on = !!sel && td.dataset.from === sel.from && td.dataset.to === sel.to;
    td.classList.toggle('selected', on);
    td.querySelector('button')?.setAttribute('aria-pressed', on ? 'true' : 'false');
  }
  vgrid?.draw();
}

function select(kind, from, to) {
  state.selected = { kind, from, to };
  const a = state.analysis;
  markSelected();
  renderDetail(a);
  $('detail').scrollIntoView({ block: 'nearest', behavior: 'instant' });
  // Focus goes to the detail's heading: a screen reader reads the verdict; Escape or Close
  // brings it back to the cell.
  /** @type {HTMLElement | null} */ ($('detail').querySelector('h3'))?.focus();
}

function closeDetail() {
  const sel = state.selected;
  if (!sel) return;
  state.selected = null;
  renderDetail(state.analysis);
  markSelected();
  const back = cellElement(sel.from, sel.to);
  if (back) /** @type {HTMLElement} */ (back).focus();
  else $('matrix-panel').querySelector('h2')?.focus();
}

/** "show every host" / "show the classes". */
function toggleMatrixHosts() {
  state.matrixHosts = !state.matrixHosts;
  state.selected = null;
  if (state.analysis) {
    renderMatrix(state.analysis);
    renderDetail(state.analysis);
  }
  $button('matrix-hosts').focus();
}

/** The maintenance plan that covers a VM powered on on the row of a cell: the plan of that
 * host (its loaded VMs), else its class's plan.
 * @param {import('./types').ClusterAnswer} a
 * @param {import('./types').NamedCell} sel */
function planFor(a, sel) {
  const plans = a.maintenance.filter((m) => m.class === sel.fromClass);
  if (sel.grid.kind === 'host') return plans.find((m) => m.hosts.includes(sel.r)) ?? plans[0] ?? null;
  return plans.find((m) => m.hosts.length === a.classes[sel.fromClass].hosts.length) ?? plans[0] ?? null;
}

/** @param {import('./types').ClusterAnswer} a */
function renderDetail(a) {
  const box = $('detail');
  put(box);
  const s = state.selected;
  const g = a && !a.matrix_omitted ? currentGrid(a) : null;
  const sel = s && g && s.kind === g.kind ? cellOf(g, s.from, s.to) : null;
  if (!sel) {
    state.selected = null;
    box.hidden = true;
    return;
  }
  box.hidden = false;
  const { cell } = sel;
  const dest = toText(g, sel.r, sel.c);
  const back = sel.r === sel.c ? null : g.cell(sel.c, sel.r);
  const toCls = a.classes[sel.toClass];
  const fromCls = a.classes[sel.fromClass];
  const adm = toCls.admission;
  const plan = planFor(a, sel);
  const blockers = blockersOf(a, cell);
  const unknowns = unknownsOf(a, cell);
  const keys = new Set(blockers.map((b) => b.key.toLowerCase()));
  let remedies = (plan?.remedies ?? []).filter(
    (r) => r.hosts.includes(sel.to) || r.hosts.includes(toCls.label) || r.features.some((f) => keys.has(f.toLowerCase())),
  );
  if (!remedies.length && cell.verdict === 'blocked') remedies = plan?.remedies ?? [];
  const where = g.kind === 'host'
    ? [sel.from, sel.to].map((n, i) => { const c = i ? toCls : fromCls; return c.hosts.length > 1 ? `${n} is in class ${c.label} (${plural(c.hosts.length, 'host')})` : null; }).filter(Boolean)
    : [`every pair of hosts from ${fromCls.label} (${plural(fromCls.hosts.length, 'host')}) to ${sel.r === sel.c ? 'another host of the class' : `${toCls.label} (${plural(toCls.hosts.length, 'host')})`} has this verdict`];
  add(box,
    h('div', { class: 'detail-head' },
      h('h3', { tabindex: '-1' }, `A VM powered on on ${sel.from} → ${dest}: `, h('span', { class: { compatible: 'ok-text', blocked: 'bad-text', unknown: 'warn-text' }[cell.verdict] }, VTEXT[cell.verdict])),
      h('button', { type: 'button', class: 'small-btn', 'aria-label': 'Close the details (Escape)', onclick: closeDetail }, 'Close')),
    h('p', { class: 'small muted' },
      `Cluster EVC ${a.evc.mode ? `${a.evc.mode} (${modeLabel(a, a.evc.mode)})` : 'disabled'}`,
      a.per_vm_evc_mode ? ` · per-VM EVC ${a.per_vm_evc_mode}` : ' · no per-VM EVC',
      back && ` · the other way (${sel.to} → ${sel.from}): ${VTEXT[back.verdict]}`,
      where.length ? ` · ${where.join('; ')}` : ''),
  );
  // Hosts known only from a fragment (`grep -A 2` output): only the pasted keys were compared.
  const partial = partialHosts(a);
  const which = [...new Set([sel.from, sel.to].filter((n) => g.kind === 'host' ? partial.has(n) : a.classes.some((c) => c.label === n && c.report.fragment)))];
  if (which.length) {
    add(box, h('p', { class: 'warn-text' }, `Partial data: ${which.join(' and ')} ${which.length > 1 ? 'are' : 'is'} known only from a fragment, so only the keys in it were compared. Paste the full vim-cmd hostsvc/hostconfig output to be sure.`));
  }
  // The answer first: what fixes a blocked move, then what blocks it; the evidence and the
  // open points after, collapsed.
  if (cell.verdict === 'blocked') add(box, h('h4', { class: 'subhead fix-head' }, 'What fixes it'), fixOf(a, g, sel, plan, remedies, blockers, dest));
  if (blockers.length) {
    add(box,
      h('p', null, `${dest} ${blockers.length === 1 ? 'lacks a feature' : `lacks ${blockers.length} features`} that a VM powered on on ${sel.from} already uses:`),
      h('div', { class: 'table-wrap' }, h('table', { class: 'grid compact blockers' },
        h('thead', null, h('tr', null, h('th', null, 'Feature'), h('th', null, 'Key'), h('th', null, 'CPUID bit'), h('th', null, 'Kind'), h('th', null, 'VM requires'), h('th', null, `${g.kind === 'host' ? sel.to : 'destination'} has`), h('th', null, 'Why'))),
        h('tbody', null, blockers.map((b) => {
          const f = b.feature != null ? a.features[b.feature] : null;
          return h('tr', null,
            h('td', null, b.label || '—'),
            h('td', null, code(b.key)),
            h('td', null, f?.cpuid ? code(f.cpuid) : '—'),
            h('td', null, f?.kind ?? '—'),
            h('td', null, code(b.required)),
            h('td', { class: 'bad-text' }, code(String(b.available)), b.raw_available != null && b.raw_available !== b.available && h('div', { class: 'small' }, `raw featureCapability ${b.raw_available}`)),
            h('td', null, b.why ?? '—'));
        })))),
    );
  }
  const evidence = [];
  if (cell.bands.length) {
    evidence.push(h('p', null, h('strong', null, 'By virtual hardware version: '),
      cell.bands.map((b, i) => [i ? '; ' : '', `vmx-${b.vhw_from}${b.vhw_to !== b.vhw_from ? `–${b.vhw_to}` : ''} `, h('span', { class: { compatible: 'ok-text', blocked: 'bad-text', unknown: 'warn-text' }[b.verdict] }, VTEXT[b.verdict]),
        b.blockers.length ? ` (${[...new Set(b.blockers.map((x) => a.blockers[x]?.key))].join(', ')})` : '']), '.'));
  }
  const open = openPoints(unknowns);
  if (open.length) evidence.push(h('p', null, h('strong', null, 'Not proven: ')), h('ul', { class: 'unknowns' }, open));
  if (adm) {
    const who = g.kind === 'host' ? sel.to : toCls.label;
    const missing = adm.missing.filter((f) => f.kind !== 'vendor');
    evidence.push(
      h('p', null, h('strong', null, 'Admission: '),
        adm.verdict === 'unknown' ? `${who}'s data is a fragment: whether it can join ${adm.mode} is unknown.`
          : adm.admitted ? `${who} can join EVC mode ${adm.mode}.`
            : adm.admitted === null ? `whether ${who} can join EVC mode ${adm.mode} is uncertain${adm.reason ? `: ${adm.reason}` : ''}.`
              : [`${who} cannot join EVC mode ${adm.mode}`, adm.vendor_mismatch ? ' (other CPU vendor)' : '', missing.length ? ['; it lacks ', featureList(missing)] : '', '.']),
    );
  } else if (!a.evc.mode) {
    evidence.push(h('p', null, h('strong', null, 'Admission: '), 'EVC is disabled: VMs see every feature of the host they were powered on on.'));
  }
  if (evidence.length) {
    add(box, h('details', { class: 'evidence' },
      h('summary', null, open.length ? `Evidence and open points (${plural(open.length, 'open point')})` : 'Evidence'),
      evidence));
  }
}

/** The catalogue's vendor-identity keys (`cpuid.Intel`, `cpuid.AMD`, …), lower-cased, as the
 * engine sent them at start: identities, never listed as features. */
const vendorKeys = new Set();

/** The open points of a move, one item each; vendor-identity keys are not features.
 * @param {import('./types').UnknownItem[]} unknowns */
function openPoints(unknowns) {
  const out = [];
  for (const u of unknowns) {
    const features = u.features.filter((f) => !vendorKeys.has(f.toLowerCase()));
    if (u.features.length > 1) {
      // "N features not shown by the data": the list without the vendor keys.
      if (features.length) out.push(h('li', null, h('strong', null, plural(features.length, 'feature')), ' not shown by the data (fragments or unrecorded CPUID leaves): ', h('span', { class: 'small' }, features.map((f, i) => [i ? ', ' : '', code(f)]))));
    } else if (!vendorKeys.has(u.key.toLowerCase()) && (u.features.length === 0 || features.length)) {
      out.push(h('li', null, code(u.key), ` — ${u.why}`));
    }
  }
  return out;
}

/** What fixes a blocked move: the remedies of the plan that covers the row's VMs, else the
 * core's remedy rule of each blocker.
 * @param {import('./types').ClusterAnswer} a
 * @param {import('./types').Grid} g
 * @param {import('./types').NamedCell} sel */
function fixOf(a, g, sel, plan, remedies, blockers, dest) {
  if (remedies.length) return remedyList(remedies);
  const out = [];
  const toCls = a.classes[sel.toClass];
  const elsewhere = g.names.filter((_, c) => c !== sel.r && g.cell(sel.r, c)?.verdict === 'compatible');
  const evacuable = plan?.outcome === 'compatible' && elsewhere.length > 0;
  if (evacuable)
    out.push(h('p', null, `Nothing needs fixing to evacuate ${sel.from}: its VMs can move to `, g.kind === 'host' && [plural(elsewhere.length, 'other host'), ': '], hostNames(elsewhere, 8), `. For ${dest} to take them too, it would have to offer `, featureList(blockers), '.'));
  // The core names a remedy rule per blocker (Blocker.remedy → ClusterAnswer.remedy_rules).
  const rules = new Map(a.remedy_rules.map((r) => [r.name, r]));
  const byRule = new Map();
  for (const b of blockers) {
    const rule = b.remedy && rules.get(b.remedy);
    if (!rule) continue;
    if (!byRule.has(rule.name)) byRule.set(rule.name, { rule, keys: [] });
    if (!byRule.get(rule.name).keys.includes(b.key)) byRule.get(rule.name).keys.push(b.key);
  }
  if (byRule.size) {
    out.push(remedyList([...byRule.values()].map(({ rule, keys }) => ({
      action: rule.action.replaceAll('{hosts}', g.kind === 'host' ? sel.to : toCls.label).replaceAll('{features}', keys.join(', ')),
      why: rule.cause,
      disruption: rule.disruption_text,
      verify: rule.verify,
      reference: rule.reference,
      evidence: rule.evidence,
    }))));
  } else if (!evacuable) out.push(h('p', { class: 'muted' }, 'evcalc has no remedy for this case.'));
  return out;
}

function remedyList(remedies) {
  return h('ol', { class: 'remedies' },
    remedies.map((r) =>
      h('li', null,
        h('div', { class: 'action' }, r.action),
        h('div', { class: 'why' }, r.why),
        h('dl', { class: 'meta' },
          h('dt', null, 'Disruption'), h('dd', null, r.disruption),
          r.verify && [h('dt', null, 'Verify'), h('dd', null, r.verify)],
          r.reference && [h('dt', null, 'Reference'), h('dd', null, r.reference)],
          r.evidence && [h('dt', null, 'Evidence'), h('dd', null, r.evidence)]),
      )));
}

/** A VM whose input names no host (a runtime pasted without its prompt): say so, and let the
 * admin pick the host it runs on, so that it is used in that host's maintenance plan.
 * @param {import('./types').ClusterAnswer} a
 * @param {import('./types').VmReport} vm */
function vmHostPicker(a, vm) {
  const id = `vmhost-${a.vms.indexOf(vm)}`;
  return h('div', { class: 'vmhost' },
    h('div', { class: 'warn-text small' },
      vm.host ? [`Runs on “${vm.host}”, which is no loaded host`, vm.host === 'ha-host' ? ' (what every standalone ESXi calls itself)' : ''] : 'No host named',
      ': the runtime came without its prompt line (', code('[root@esxi01:~] vim-cmd vmsvc/get.runtime 3'), '), so it is in no maintenance plan yet.'),
    h('label', { for: id, class: 'small' }, 'It runs on '),
    h('select', {
      id,
      class: 'vmhost-select',
      dataset: { source: vm.source },
      onchange: (e) => {
        const host = /** @type {HTMLSelectElement} */ (e.target).value;
        if (!host) return;
        state.vmHosts[vm.source] = host;
        state.focusAfter = ['#vms-panel h2'];
        schedule();
      },
    }, h('option', { value: '' }, 'pick the host…'), a.hosts.map((x) => h('option', { value: x.name }, x.name))));
}

/** @param {import('./types').ClusterAnswer} a */
function renderVms(a) {
  const body = $table('vms-table').tBodies[0];
  put(body);
  for (const vm of a.vms) {
    add(body,
      h('tr', null,
        h('td', null, h('span', { class: 'name' }, vm.name), h('div', { class: 'small muted' }, vm.source)),
        h('td', null, vm.host && a.hosts.some((x) => x.name === vm.host) ? vm.host : vmHostPicker(a, vm)),
        h('td', null, vm.power_state ?? '—'),
        h('td', null, vm.min_evc_mode ?? '—', vm.min_evc_cross_check === 'differs' && h('div', { class: 'small warn-text' }, `VM reports ${vm.reported_min_evc_mode}`)),
        h('td', null, vm.per_vm_mask_mode ?? '—'),
        h('td', { class: 'warnings' }, vm.warnings.length ? vm.warnings.map((w) => h('div', { class: 'warn-text' }, w)) : h('span', { class: 'muted' }, '—')),
      ),
    );
  }
}

/** Where a plan's VMs can go: one line per destination class (its hosts other than the one
 * being evacuated).
 * @param {import('./types').ClusterAnswer} a
 * @param {import('./types').MaintenancePlan['vms'][number]['destinations'][number]} d */
function destinationLine(a, d) {
  const cls = a.classes[d.class];
  // `hosts` is null when the destination is every member of the class.
  const members = d.hosts ?? cls?.hosts ?? [];
  const names = members.map((i) => a.hosts[i]?.name).filter(Boolean);
  const whole = cls && members.length === cls.hosts.length;
  const keys = [...new Map(blockersOf(a, d).map((b) => [b.key, b])).values()];
  const unknowns = unknownsOf(a, d);
  return h('div', { class: `destgroup ${VCLASS[d.verdict]}`, dataset: { class: cls?.label ?? '' } },
    h('span', { class: 'verdict' }, { compatible: '✓ can move to', blocked: '✕ blocked to', unknown: '? not verifiable (partial data) to' }[d.verdict], ` ${plural(names.length, 'host')}:`), ' ',
    h('span', { class: 'hosts' }, whole && names.length > 1 && cls.label !== names.join(', ') ? [cls.label, ' ', h('span', { class: 'small muted' }, '(', hostNames(names, 6), ')')] : hostNames(names)),
    d.verdict === 'blocked' && keys.length > 0 && [' — lacks ', featureList(keys, 4)],
    d.verdict === 'blocked' && d.destination_not_admitted && ' — not admitted to the cluster’s EVC mode',
    d.verdict === 'unknown' && unknowns.length > 0 && h('span', { class: 'small muted' }, ` — ${unknowns.slice(0, 2).map((u) => u.why).join('; ')}`));
}

/** Maintenance plans: one per class planned for "any VM powered on there", one per host whose
 * VMs were loaded.
 * @param {import('./types').ClusterAnswer} a */
function renderMaintenance(a) {
  const box = $('maintenance');
  put(box);
  const many = a.maintenance.length > 8;
  for (const m of a.maintenance) add(box, maintenancePlan(a, m, many));
}

/** One maintenance plan, open unless it is one of many that can be evacuated.
 * @param {import('./types').ClusterAnswer | any} a the answer whose tables the plan indexes
 * @param {import('./types').MaintenancePlan} m
 * @param {boolean} many */
function maintenancePlan(a, m, many) {
  const ok = m.outcome === 'compatible';
  const blocked = m.vms.some((v) => v.destinations.some((d) => d.verdict === 'blocked'));
  const names = m.hosts.map((i) => a.hosts[i]?.name).filter(Boolean);
  return h('details', { class: `maint ${ok ? 'ok' : 'bad'}`, open: !many || !ok ? true : null, dataset: { host: m.label, hosts: names.join(' '), class: a.classes[m.class]?.label ?? '' } },
    h('summary', null,
      h('span', { class: 'host' }, m.label),
      names.length > 1 && h('span', { class: 'small muted' }, ` (${plural(names.length, 'host')})`),
      h('span', { class: `tag ${ok ? 'ok' : m.outcome === 'unknown' ? 'warn' : 'bad'}` }, ok ? 'can be evacuated' : m.outcome === 'unknown' ? 'not verifiable' : 'cannot be fully evacuated'),
      h('span', { class: 'verdict' }, m.verdict)),
    h('div', { class: 'maint-body' },
      names.length > 1 && h('div', { class: 'small muted' }, 'Hosts: ', hostNames(names, 12), ` — one plan for the class: any VM powered on on one of them.`),
      m.vms.map((v) =>
        h('div', { class: 'vmplan' },
          h('div', { class: 'vmname' }, v.vm, h('span', { class: 'small muted' }, v.requirements_from === 'input' ? ' · requirements from its runtime data' : ` · requirements ${v.requirements_from}`)),
          v.destinations.length === 0 && h('div', { class: 'muted' }, 'no other host'),
          [...v.destinations].sort((x, y) => ({ compatible: 0, unknown: 1, blocked: 2 })[x.verdict] - ({ compatible: 0, unknown: 1, blocked: 2 })[y.verdict]).map((d) => destinationLine(a, d)))),
      m.remedies.length ? [h('h3', { class: 'subhead' }, blocked ? 'Remedies, least disruptive first' : 'Notes'), remedyList(m.remedies)] : null,
    ),
  );
}
// ------------------------------------------------------------------------------------------
// Reports

function download(name, type, text) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = h('a', { href: url, download: name });
  add(document.body, link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

function stamp() {
  const d = new Date();
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}`;
}

// ------------------------------------------------------------------------------------------
// Inputs: paste, files, drag and drop

/** Pastes longer than this skip the editor: Chromium needs ~1 s to lay out a 2 MB textarea and
 * ~20 s for 20 MB (and as long again for every keystroke afterwards). They become an input of
 * their own, listed with the files. */
const LARGE_PASTE = 512 * 1024;

/** The editor's input name: "paste", unless a large paste already took it. */
function editorName() {
  return state.items.some((i) => i.name === 'paste') ? 'paste (editor)' : 'paste';
}

function onEdit() {
  const text = editor().value;
  delete $('paste-meta').dataset.note;
  $('paste-meta').textContent = text ? `${formatBytes(text.length)} in the editor` : '';
  schedule(text.length > 100000 ? 400 : 250);
}

function addLargePaste(text) {
  const taken = new Set(state.items.map((i) => i.name));
  if (editor().value.trim()) taken.add('paste');
  let name = 'paste';
  for (let n = 2; taken.has(name); n++) name = `paste ${n}`;
  state.items.push({ name, text, kind: 'paste' });
  const meta = $('paste-meta');
  meta.dataset.note = '1';
  meta.textContent = `Large paste (${formatBytes(text.length)}) kept as input “${name}” below instead of in the editor, so the page stays fast.`;
  renderFileList();
  schedule();
}

function onPaste(e) {
  state.pasteAt = performance.now();
  const tRead = performance.now();
  const text = e.clipboardData?.getData('text/plain') ?? '';
  // How long the browser took to hand the paste over (the tests' report at fleet size).
  document.body.dataset.pasteReadMs = String(Math.round(performance.now() - tRead));
  const inEditor = e.target === $('input');
  if (!inEditor && e.target instanceof HTMLElement && e.target.closest('input, textarea, select')) return;
  if (text.length > LARGE_PASTE) {
    e.preventDefault();
    addLargePaste(text);
  } else if (!inEditor && text) {
    // Pasted somewhere on the page: append to the editor.
    e.preventDefault();
    const ta = editor();
    const sep = ta.value && !ta.value.endsWith('\n') ? '\n' : '';
    ta.setRangeText(sep + text, ta.value.length, ta.value.length, 'end');
    onEdit();
  }
}

async function addFiles(fileList) {
  const files = [...fileList];
  if (!files.length) return;
  setStatus(`Reading ${plural(files.length, 'file')}…`);
  const read = await Promise.all(files.map(async (f) => ({ name: f.name, text: await f.text(), kind: 'file' })));
  for (const f of read) {
    const i = state.items.findIndex((x) => x.name === f.name);
    if (i >= 0) state.items[i] = f;
    else state.items.push(f);
  }
  renderFileList();
  schedule();
}

function renderFileList() {
  const list = $('filelist');
  put(list, 
    ...state.items.map((f, i) =>
      h('li', { dataset: { name: f.name } },
        h('div', { class: 'fline' },
          h('span', { class: `kind ${f.kind}` }, f.kind === 'paste' ? 'paste' : 'file'),
          h('span', { class: 'fname', title: f.name }, f.name),
          h('span', { class: 'muted small' }, formatBytes(f.text.length)),
          h('button', { type: 'button', class: 'small-btn', 'aria-label': `Remove ${f.name}`, title: `Remove ${f.name}`, onclick: () => {
            state.items.splice(i, 1);
            renderFileList();
            const buttons = $('filelist').querySelectorAll('button');
            /** @type {HTMLElement} */ (buttons[Math.min(i, buttons.length - 1)] ?? $('input')).focus();
            schedule();
          } }, '×')),
        state.request?.inputs.some((x) => x.name === f.name) ? inputResult(state.analysis, f.name) : null)),
  );
}

/** The bundled example (examples/mdclear-cluster/, see www/example-module.py), loaded only when
 * asked for: the served page imports pkg/example.js (written by build.sh) at the first click; the
 * single offline file carries the same module as a function (EVCALC_INLINE.example). A build
 * without the example directory has no files.
 * @returns {Promise<import('./types').ExampleReply>} */
async function bundledExample() {
  if (INLINE) return { ok: true, files: INLINE.example?.() ?? [] };
  const { files } = await import('./pkg/example.js');
  return { ok: true, files };
}

async function loadExample() {
  try {
    const { files } = await bundledExample();
    if (!files.length) {
      setStatus('This build has no bundled example.', true);
      return;
    }
    state.items = files.map((f) => ({ ...f, kind: 'file' }));
    state.rename = {};
    state.remove = [];
    state.evc = '';
    state.perVmEvc = '';
    state.vmHw = '';
    state.perVmRefused = null;
    state.split = null;
    resetQuestions();
    state.vmHosts = {};
    state.selected = null;
    state.matrixHosts = false;
    state.focusAfter = ['#headline'];
    editor().value = '';
    $('paste-meta').textContent = '';
    delete $('paste-meta').dataset.note;
    renderFileList();
    schedule();
  } catch (e) {
    setStatus(`Could not load the example: ${e.message}`, true);
  }
}

function clearAll() {
  // Every choice goes: a later paste must not inherit an EVC mode nobody sees any more.
  state.items = [];
  state.rename = {};
  state.remove = [];
  state.selected = null;
  state.evc = '';
  state.perVmEvc = '';
  state.vmHw = '';
  state.perVmRefused = null;
  state.split = null;
  resetQuestions();
  state.vmHosts = {};
  state.matrixHosts = false;
  state.focusAfter = ['#input'];
  $select('evc').value = '';
  $select('per-vm-evc').value = '';
  $select('vm-hw').value = '';
  $('input').focus();
  editor().value = '';
  $('paste-meta').textContent = '';
  delete $('paste-meta').dataset.note;
  renderFileList();
  schedule();
}

/** The questions below the answer start empty again (Clear, Load example). */
function resetQuestions() {
  state.whatIf = null;
  state.into = null;
  state.maintHost = '';
  state.expanded = new Set();
  for (const id of ['whatif-answer', 'into-answer', 'maint-one']) put($(id));
  for (const id of ['add-input', 'into-input']) /** @type {HTMLTextAreaElement} */ ($(id)).value = '';
  for (const id of ['to-evc', 'into-evc', 'maint-host']) $select(id).value = '';
}

/** The vHW selector: "any version", then each version with the first ESXi release that runs it. */
async function fillVhw() {
  try {
    const { vhw } = await call({ kind: 'vhw' });
    state.vhwList = vhw;
    put($select('vm-hw'), h('option', { value: '' }, 'any version (each cell: the worst over every version)'),
      [...vhw].reverse().map((v) => h('option', { value: String(v.vhw) }, `vmx-${v.vhw} — runs on ${v.release} and later`)));
    $select('vm-hw').value = state.vmHw;
  } catch (e) {
    setStatus(`Could not list the virtual hardware versions: ${e.message}`, true);
  }
}

/** SHA-256 of each input, hex (crypto.subtle works offline and from file://). */
async function inputDigests() {
  const out = [];
  for (const i of state.request?.inputs ?? []) {
    const bytes = new TextEncoder().encode(i.text);
    const d = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    out.push({ name: i.name, bytes: bytes.length, sha256: [...d].map((b) => b.toString(16).padStart(2, '0')).join('') });
  }
  return out;
}

/** The report's context: what-ifs in force, inputs with their digests, version and time. */
async function reportContext() {
  const whatIfs = [];
  if (state.evc) whatIfs.push(`Cluster EVC mode ${state.evc === 'none' ? 'disabled' : state.evc}, chosen on the page`);
  if (state.perVmEvc) whatIfs.push(`Per-VM EVC ${state.perVmEvc} for every VM (what-if, not a live fix)`);
  if (state.vmHw) whatIfs.push(`VMs of virtual hardware vmx-${state.vmHw}`);
  if (state.remove.length) whatIfs.push(`Hosts left out: ${state.remove.join(', ')}`);
  for (const [from, to] of Object.entries(state.rename)) whatIfs.push(`${from} renamed to ${to}`);
  return { version: state.version, time: new Date().toISOString(), inputs: await inputDigests(), whatIfs, remedies: state.analysis ? fleetRemedies(state.analysis) : [] };
}

async function copyMarkdown() {
  if (!state.analysis) return;
  const text = markdown(state.analysis, await reportContext());
  const note = $('report-note');
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Without clipboard permission (some file:// pages): a selected textarea and the copy command.
    const ta = h('textarea', { class: 'sr-only', 'aria-hidden': 'true' });
    ta.value = text;
    add(document.body, ta);
    ta.select();
    document.execCommand('copy');
    ta.remove();
  }
  note.textContent = 'Markdown report copied.';
  document.body.dataset.copied = String(text.length);
}

async function saveHtml() {
  if (!state.analysis) return;
  const ctx = await reportContext();
  download(`evcalc-report-${stamp()}.html`, 'text/html', reportHtml(markdown(state.analysis, ctx), ctx));
}

async function downloadJson() {
  try {
    const { json } = await call({ kind: 'raw' });
    download(`evcalc-report-${stamp()}.json`, 'application/json', json + '\n');
  } catch (e) {
    setStatus(`Could not build the JSON report: ${e.message}`, true);
  }
}

function wire() {
  $('input').addEventListener('input', onEdit);
  document.addEventListener('paste', onPaste);
  $('files').addEventListener('change', (e) => {
    const input = /** @type {HTMLInputElement} */ (e.target);
    addFiles(input.files);
    input.value = '';
  });
  const zone = $('dropzone');
  let depth = 0;
  document.addEventListener('dragenter', (e) => {
    if (![...(e.dataTransfer?.types ?? [])].includes('Files')) return;
    depth++;
    document.body.classList.add('dragging');
  });
  document.addEventListener('dragleave', () => {
    if (--depth <= 0) {
      depth = 0;
      document.body.classList.remove('dragging');
    }
  });
  document.addEventListener('dragover', (e) => e.preventDefault());
  document.addEventListener('drop', (e) => {
    if (!e.dataTransfer?.files?.length) return; // dropped text goes into the editor as usual
    e.preventDefault();
    depth = 0;
    document.body.classList.remove('dragging');
    addFiles(e.dataTransfer.files);
  });
  zone.addEventListener('click', (e) => {
    if (e.target === zone) $('files').click();
  });
  $('evc').addEventListener('change', (e) => {
    state.evc = /** @type {HTMLSelectElement} */ (e.target).value;
    state.perVmRefused = null;
    schedule();
  });
  // Whether a per-VM mode is allowed (at most the cluster's mode, same vendor) is the core's
  // answer: a refused one comes back as an option error (applyPerVmRefusal).
  $('per-vm-evc').addEventListener('change', (e) => {
    state.perVmEvc = /** @type {HTMLSelectElement} */ (e.target).value;
    state.perVmRefused = null;
    schedule();
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && state.selected && !e.defaultPrevented && !(e.target instanceof HTMLSelectElement)) closeDetail();
  });
  $('vm-hw').addEventListener('change', (e) => {
    state.vmHw = /** @type {HTMLSelectElement} */ (e.target).value;
    schedule();
  });
  $('whatif-run').addEventListener('click', () => runWhatIf().catch((e) => setStatus(`The what-if could not be answered: ${e.message}`, true)));
  $('into-run').addEventListener('click', () => runInto().catch((e) => setStatus(`The move could not be answered: ${e.message}`, true)));
  $select('maint-host').addEventListener('change', (e) => runMaintenanceOf(/** @type {HTMLSelectElement} */ (e.target).value).catch((err) => setStatus(`The maintenance plan could not be answered: ${err.message}`, true)));
  $('copy-md').addEventListener('click', copyMarkdown);
  $('download-html').addEventListener('click', saveHtml);
  $('load-example').addEventListener('click', loadExample);
  $('load-example-2').addEventListener('click', loadExample);
  $('clear-all').addEventListener('click', clearAll);
  $('matrix-hosts').addEventListener('click', toggleMatrixHosts);
  $('download-json').addEventListener('click', downloadJson);
  $('download-md').addEventListener('click', () => {
    if (state.analysis) reportContext().then((ctx) => download(`evcalc-report-${stamp()}.md`, 'text/markdown', markdown(/** @type {any} */ (state.analysis), ctx)));
  });
}

// ------------------------------------------------------------------------------------------

wire();
startWorker();
engineReady.then(
  () => {
    $('version').textContent = `evcalc ${state.version}`;
    document.body.dataset.state = 'ready';
    fillVhw();
    schedule();
  },
  (e) => {
    document.body.dataset.state = 'failed';
    setStatus(`${e.message}. The page cannot analyse anything without it.`, true);
  },
);
