// The engine behind the page: the evcalc WebAssembly module's exports (analyze, example,
// version) wrapped in the page's message protocol. Runs in the Web Worker (worker.js) when the
// page is served, and on the page's main thread or in a Blob worker in the single offline file
// (dist/evcalc.html, written by build.sh). Protocol (every reply carries the request's id):
//   {kind: 'analyze', request} → {ok, analysis, ms, bytes}   analysis = the core's Analysis with
//       the matrix and the maintenance destinations packed by view() below;
//   {kind: 'raw'}              → {ok, json}   the last Analysis exactly as the core returned it
//       (the JSON report download; same schema as `evcalc --json`);
//   {kind: 'example'}          → {ok, files}  the bundled example as [{name, text}].

/** The page's view of an analysis: the same data, packed so that even a 300-host cluster (90,000
 * matrix cells, 90,000 maintenance destinations) crosses to the page in a few milliseconds.
 * - cluster.matrix → cluster.matrix_view {rows, cols, sets, cells}: every distinct cell verdict
 *   once in `sets` ({verdict, compatible, destination_not_admitted, missing}), and `cells`, a Uint32Array
 *   (transferred, not copied) with the set index of cell (row r, column c) at r * cols.length + c.
 * - maintenance[].vms[].destinations → groups [{verdict, compatible, admitted, missing: [{canonical_key,
 *   label}], hosts: [...]}]: destinations with the same verdict and blockers, in one line each. */
export function view(analysis) {
  // `verdict` (compatible | blocked | unknown) is the core's; from a core without it, derive it
  // the same way: a move involving a host known only from a fragment is unknown, not compatible.
  const partial = new Set(analysis.cluster.hosts.filter((h) => h.fragment).map((h) => h.name));
  const verdictOf = (x, from, to) =>
    x.verdict ?? (!x.compatible ? 'blocked' : partial.has(from) || partial.has(to) ? 'unknown' : 'compatible');
  const matrix = analysis.cluster.matrix;
  const rows = matrix.map((r) => r.from);
  const cols = matrix.length ? matrix[0].cells.map((c) => c.to) : [];
  const colIndex = new Map(cols.map((c, i) => [c, i]));
  const sets = [];
  const setIndex = new Map();
  const cells = new Uint32Array(rows.length * cols.length);
  matrix.forEach((row, r) => {
    for (const cell of row.cells) {
      const c = colIndex.get(cell.to);
      if (c === undefined) continue; // cannot happen: every row covers the same hosts
      const verdict = verdictOf(cell, row.from, cell.to);
      const key = JSON.stringify([verdict, cell.compatible, cell.destination_not_admitted, cell.missing]);
      let k = setIndex.get(key);
      if (k === undefined) {
        k = sets.length;
        sets.push({ verdict, compatible: cell.compatible, destination_not_admitted: cell.destination_not_admitted, missing: cell.missing });
        setIndex.set(key, k);
      }
      cells[r * cols.length + c] = k;
    }
  });
  analysis.cluster.matrix = null;
  analysis.cluster.matrix_view = { rows, cols, sets, cells };

  for (const plan of analysis.maintenance ?? []) {
    for (const vm of plan.vms) {
      const groups = new Map();
      for (const d of vm.destinations) {
        const admitted = d.admission ? d.admission.admitted : null;
        const missing = d.missing.map((m) => ({ canonical_key: m.canonical_key, label: m.label }));
        const verdict = verdictOf(d, plan.host, d.to);
        const key = JSON.stringify([verdict, admitted, missing]);
        if (!groups.has(key)) groups.set(key, { verdict, compatible: d.compatible, admitted, missing, hosts: [] });
        groups.get(key).hosts.push(d.to);
      }
      vm.destination_count = vm.destinations.length;
      const order = { compatible: 0, unknown: 1, blocked: 2 };
      vm.groups = [...groups.values()].sort((x, y) => order[x.verdict] - order[y.verdict]);
      delete vm.destinations;
    }
  }
  return { analysis, transfer: [cells.buffer] };
}

/**
 * @param {{analyze: (json: string) => string, example: () => string}} api the module's exports
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
        const sentAt = performance.timeOrigin + performance.now();
        if (analysis.request_error) return { reply: { id, ok: true, analysis, ms, bytes: json.length, sentAt }, transfer: [] };
        const packed = view(analysis);
        return { reply: { id, ok: true, analysis: packed.analysis, ms, bytes: json.length, sentAt: performance.timeOrigin + performance.now() }, transfer: packed.transfer };
      }
      if (kind === 'raw') return { reply: { id, ok: lastRaw !== null, json: lastRaw, error: lastRaw === null ? 'no analysis yet' : undefined }, transfer: [] };
      if (kind === 'example') return { reply: { id, ok: true, files: JSON.parse(api.example()) }, transfer: [] };
      return { reply: { id, ok: false, error: `unknown request kind ${kind}` }, transfer: [] };
    } catch (e) {
      // A trap inside the module (a bug in evcalc): report it; the page starts a fresh engine.
      return { reply: { id, ok: false, crashed: true, error: String((e && /** @type {any} */ (e).message) || e) }, transfer: [] };
    }
  };
}
