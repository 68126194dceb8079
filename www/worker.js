// Runs the evcalc WebAssembly module off the main thread, so a large paste never freezes the
// page. Protocol (every reply carries the request's id):
//   {kind: 'analyze', request} → {ok, analysis, ms, bytes}   analysis = the core's Analysis, with
//       the per-destination details of maintenance plans trimmed to what the page shows (they
//       repeat the matrix; a 300-host cluster would otherwise ship ~30 MB to the page);
//   {kind: 'raw'}              → {ok, json}   the last Analysis exactly as the core returned it
//       (the JSON report download; same schema as `evcalc --json`);
//   {kind: 'example'}          → {ok, files}  the bundled example as [{name, text}].
// Posts {kind: 'ready', version} once the module is loaded, {kind: 'fatal', error} if it is not.
import init, { analyze, example, version } from './pkg/evcalc_wasm.js';

let lastRaw = null;

const ready = init().then(
  () => postMessage({ kind: 'ready', version: version() }),
  (e) => postMessage({ kind: 'fatal', error: `could not load the WebAssembly module: ${e}` }),
);

function trim(analysis) {
  for (const plan of analysis.maintenance ?? []) {
    for (const vm of plan.vms) {
      vm.destinations = vm.destinations.map((d) => ({
        to: d.to,
        compatible: d.compatible,
        missing: d.missing.map((m) => ({ canonical_key: m.canonical_key, label: m.label })),
        admitted: d.admission ? d.admission.admitted : null,
        unknown_on_destination: d.unknown_on_destination.length,
      }));
    }
  }
  return analysis;
}

onmessage = async ({ data }) => {
  await ready;
  const { id, kind } = data;
  try {
    if (kind === 'analyze') {
      const json = JSON.stringify(data.request);
      const t0 = performance.now();
      const out = analyze(json);
      const ms = performance.now() - t0;
      const analysis = JSON.parse(out);
      lastRaw = analysis.request_error ? null : out;
      postMessage({ id, ok: true, analysis: trim(analysis), ms, bytes: json.length });
    } else if (kind === 'raw') {
      postMessage({ id, ok: lastRaw !== null, json: lastRaw, error: lastRaw === null ? 'no analysis yet' : undefined });
    } else if (kind === 'example') {
      postMessage({ id, ok: true, files: JSON.parse(example()) });
    } else {
      postMessage({ id, ok: false, error: `unknown request kind ${kind}` });
    }
  } catch (e) {
    // A trap inside the module (a bug in evcalc): report it; the page starts a fresh worker.
    postMessage({ id, ok: false, crashed: true, error: String((e && e.message) || e) });
  }
};
