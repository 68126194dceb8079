// The engine behind the page: the evcalc WebAssembly module's exports (analyze, version)
// wrapped in the page's message protocol. Runs in the Web Worker (worker.js) when the
// page is served, and on the page's main thread or in a Blob worker in the single offline file
// (dist/evcalc.html, written by build.sh). Protocol (every reply carries the request's id):
//   {kind: 'analyze', request} → {ok, analysis, ms, bytes, sentAt}   analysis = the core's
//       ClusterAnswer (contract v2, typed in contract.d.ts) exactly as the module returned it,
//       or {request_error} when the request itself could not be read;
//   {kind: 'raw'}              → {ok, json}   the last answer as the module's JSON text (the JSON
//       report download; the same as `evcalc cluster --json`);
//   {kind: 'read', text}       → {ok, read}   what the core reads in one pasted text beyond the
//       answer (`read_input`: where it may be cut into parts, its featMask lines).
// The bundled example is not the engine's: app.js loads it (pkg/example.js) on click.
// The answer is computed over host classes, so it is small even for hundreds of hosts: it is
// posted as it is (no packing, no transfer list).

/**
 * @param {{analyze: (json: string) => string, read_input: (text: string) => string}} api the module's exports
 * @returns {(data: any) => {reply: any, transfer: Transferable[]}}
 */
export function makeHandler(api) {
  /** @type {string | null} */
  let lastRaw = null;
  return (data) => {
    const { id, kind } = data;
    try {
      if (kind === 'analyze') {
        const json = JSON.stringify(data.request);
        const t0 = performance.now();
        const out = api.analyze(json);
        const ms = performance.now() - t0;
        const analysis = JSON.parse(out);
        lastRaw = analysis.request_error ? null : out;
        return { reply: { id, ok: true, analysis, ms, bytes: json.length, sentAt: performance.timeOrigin + performance.now() }, transfer: [] };
      }
      if (kind === 'read') return { reply: { id, ok: true, read: JSON.parse(api.read_input(String(data.text ?? ''))) }, transfer: [] };
      if (kind === 'raw') return { reply: { id, ok: lastRaw !== null, json: lastRaw, error: lastRaw === null ? 'no analysis yet' : undefined }, transfer: [] };
      return { reply: { id, ok: false, error: `unknown request kind ${kind}` }, transfer: [] };
    } catch (e) {
      // A trap inside the module (a bug in evcalc): report it; the page starts a fresh engine.
      return { reply: { id, ok: false, crashed: true, error: String((e && /** @type {any} */ (e).message) || e) }, transfer: [] };
    }
  };
}
