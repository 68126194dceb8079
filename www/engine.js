// The engine behind the page: the evcalc WebAssembly module's exports wrapped in the page's
// message protocol. Runs in the Web Worker (worker.js) when the page is served, and in a Blob
// worker or on the page's main thread in the single offline file (dist/evcalc.html, written by
// build.sh). The inputs are loaded once into the module's stateful `Workspace` (parsed once);
// every later question is asked of it. Protocol (every reply carries the request's id):
//   {kind: 'answer', inputs?, options} → {ok, analysis, loadMs, ms, hosts, sentAt}
//       `inputs` ([{name, text}]) only when they changed: the workspace is loaded again from
//       them (parsed once); without it the loaded workspace answers `options` (the cluster
//       request without inputs: evc, per_vm_evc, vm_hw, rename, remove, …) with nothing
//       parsed again. analysis = the core's ClusterAnswer (contract v2, typed in
//       contract.d.ts) as the module returned it, or {request_error};
//   {kind: 'ask', question, options} → {ok, answer}   another question of the loaded
//       workspace (`check`, `maintenance`, `plan`: the CLI's `--json` for the same inputs and
//       options), or {refused} / {request_error} where the CLI would print an error;
//   {kind: 'raw'}              → {ok, json}   the last cluster answer as the module's JSON text
//       (the JSON report download; the same as `evcalc cluster --json`);
//   {kind: 'read', text}       → {ok, read}   what the core reads in one pasted text beyond the
//       answer (`read_input`: where it may be cut into parts, its featMask lines);
//   {kind: 'vhw'}              → {ok, vhw}    the virtual hardware versions the core knows,
//       each with the first ESXi release that runs it (`vhw_releases`).
// The bundled example is not the engine's: app.js loads it (pkg/example.js) on click.
// The answer is computed over host classes, so it is small even for hundreds of hosts: it is
// posted as it is (no packing, no transfer list).

/**
 * @param {{Workspace: any, read_input: (text: string) => string, vhw_releases: () => string}} api the module's exports
 * @returns {(data: any) => {reply: any, transfer: Transferable[]}}
 */
export function makeHandler(api) {
  /** @type {string | null} */
  let lastRaw = null;
  /** The loaded workspace (the module's `Workspace`), replaced when the inputs change. */
  let ws = null;
  let hosts = 0;
  const load = (inputs) => {
    if (ws) ws.free();
    ws = null;
    ws = new api.Workspace(JSON.stringify(inputs));
    hosts = JSON.parse(ws.load_report()).inputs.reduce((n, i) => n + i.hosts.length, 0);
  };
  return (data) => {
    const { id, kind } = data;
    try {
      if (kind === 'answer') {
        const t0 = performance.now();
        if (data.inputs || !ws) load(data.inputs ?? []);
        const t1 = performance.now();
        const out = ws.cluster(JSON.stringify(data.options ?? {}));
        const ms = performance.now() - t1;
        const analysis = JSON.parse(out);
        lastRaw = analysis.request_error ? null : out;
        return { reply: { id, ok: true, analysis, loadMs: t1 - t0, ms, hosts, loaded: !!data.inputs, sentAt: performance.timeOrigin + performance.now() }, transfer: [] };
      }
      if (kind === 'ask') {
        if (!ws) load([]);
        const t0 = performance.now();
        const answer = JSON.parse(ws.ask(String(data.question), JSON.stringify(data.options ?? {})));
        return { reply: { id, ok: true, answer, ms: performance.now() - t0 }, transfer: [] };
      }
      if (kind === 'read') return { reply: { id, ok: true, read: JSON.parse(api.read_input(String(data.text ?? ''))) }, transfer: [] };
      if (kind === 'vhw') return { reply: { id, ok: true, vhw: JSON.parse(api.vhw_releases()) }, transfer: [] };
      if (kind === 'raw') return { reply: { id, ok: lastRaw !== null, json: lastRaw, error: lastRaw === null ? 'no analysis yet' : undefined }, transfer: [] };
      return { reply: { id, ok: false, error: `unknown request kind ${kind}` }, transfer: [] };
    } catch (e) {
      // A trap inside the module (a bug in evcalc): report it; the page starts a fresh engine.
      ws = null;
      return { reply: { id, ok: false, crashed: true, error: String((e && /** @type {any} */ (e).message) || e) }, transfer: [] };
    }
  };
}
