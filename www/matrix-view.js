// The packed matrix (engine.js view()) read back cell by cell, and the verdict words.

export const VCLASS = { compatible: 'ok', blocked: 'bad', unknown: 'ok unsure' };

export const VTEXT = { compatible: 'can move', blocked: 'blocked', unknown: 'no blocker seen, but partial data' };

/** Hosts known only from a fragment (e.g. `grep -A 2 MDCLEAR` output): a green cell involving
 * them means "no blocker among the keys that were pasted", not a verified move. */
export const partialHosts = (a) => new Set(a.cluster.hosts.filter((x) => x.fragment).map((x) => x.name));

// The matrix arrives packed (worker.js view()): these read it back cell by cell.
/** @param {import('./types').PageAnalysis} a */
export function matrixIndex(a) {
  const m = a.cluster.matrix_view;
  if (!m.rowIndex) {
    m.rowIndex = new Map(m.rows.map((n, i) => [n, i]));
    m.colIndex = new Map(m.cols.map((n, i) => [n, i]));
  }
  return m;
}

export function cellAt(m, r, c) {
  return { from: m.rows[r], to: m.cols[c], ...m.sets[m.cells[r * m.cols.length + c]] };
}

/** @param {import('./types').PageAnalysis} a */
export function cellOf(a, from, to) {
  const m = matrixIndex(a);
  const r = m.rowIndex.get(from);
  const c = m.colIndex.get(to);
  return r === undefined || c === undefined ? null : cellAt(m, r, c);
}

/** @param {import('./types').PageAnalysis} a */
export function rowCells(a, from) {
  const m = matrixIndex(a);
  const r = m.rowIndex.get(from);
  return r === undefined ? [] : m.cols.map((_, c) => cellAt(m, r, c));
}
