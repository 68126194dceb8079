// Runs the evcalc WebAssembly module off the main thread, so a large paste never freezes the
// page. Protocol: {id, kind: 'analyze', request} → {id, ok, analysis, ms, bytes};
// {id, kind: 'example'} → {id, ok, files}. Posts {kind: 'ready', version} once loaded.
import init, { analyze, example, version } from './pkg/evcalc_wasm.js';

const ready = init().then(
  () => postMessage({ kind: 'ready', version: version() }),
  (e) => postMessage({ kind: 'fatal', error: `could not load the WebAssembly module: ${e}` }),
);

onmessage = async ({ data }) => {
  await ready;
  const { id, kind } = data;
  try {
    if (kind === 'analyze') {
      const json = JSON.stringify(data.request);
      const t0 = performance.now();
      const out = analyze(json);
      const ms = performance.now() - t0;
      postMessage({ id, ok: true, analysis: JSON.parse(out), ms, bytes: json.length });
    } else if (kind === 'example') {
      postMessage({ id, ok: true, files: JSON.parse(example()) });
    } else {
      postMessage({ id, ok: false, error: `unknown request kind ${kind}` });
    }
  } catch (e) {
    // A trap inside the module (a bug in evcalc): report it; the page starts a fresh worker.
    postMessage({ id, ok: false, crashed: true, error: String(e && e.message || e) });
  }
};
