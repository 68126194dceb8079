// The matrix read from the v2 answer: the class matrix as it comes (rows and columns are host
// classes), and the host × host grid derived from it on demand ("show every host"): the cell from
// host i to host j is matrix[class(i)][class(j)] for i ≠ j, nothing for the same host. Nothing is
// copied: a 330-host grid costs no more than its class matrix.

export const VCLASS = { compatible: 'ok', blocked: 'bad', unknown: 'ok unsure' };

export const VTEXT = { compatible: 'can move', blocked: 'blocked', unknown: 'no blocker seen, but partial data' };

/** Host names of the classes known only from a fragment (e.g. `grep -A 2 MDCLEAR` output): a
 * green cell involving them means "no blocker among the keys that were pasted".
 * @param {import('./types').ClusterAnswer} a */
export const partialHosts = (a) =>
  new Set(a.classes.filter((c) => c.report.fragment).flatMap((c) => c.hosts.map((i) => a.hosts[i].name)));

/** The class matrix as a grid.
 * @param {import('./types').ClusterAnswer} a
 * @returns {import('./types').Grid} */
export function classGrid(a) {
  return {
    kind: 'class',
    names: a.classes.map((c) => c.label),
    counts: a.classes.map((c) => c.hosts.length),
    classOf: a.classes.map((_, i) => i),
    cell: (r, c) => a.matrix[r]?.[c] ?? null,
  };
}

/** The host × host grid derived from the class matrix.
 * @param {import('./types').ClusterAnswer} a
 * @returns {import('./types').Grid} */
export function hostGrid(a) {
  const classOf = a.hosts.map((x) => x.class);
  return {
    kind: 'host',
    names: a.hosts.map((x) => x.name),
    counts: a.hosts.map(() => 1),
    classOf,
    cell: (r, c) => (r === c ? null : a.matrix[classOf[r]]?.[classOf[c]] ?? null),
  };
}

/** The cell of a grid by row and column name, or null.
 * @param {import('./types').Grid} g
 * @returns {import('./types').NamedCell | null} */
export function cellOf(g, from, to) {
  const r = g.names.indexOf(from);
  const c = g.names.indexOf(to);
  if (r < 0 || c < 0) return null;
  return cellAt(g, r, c);
}

/** @param {import('./types').Grid} g
 * @returns {import('./types').NamedCell | null} */
export function cellAt(g, r, c) {
  const cell = g.cell(r, c);
  if (!cell) return null;
  return { grid: g, r, c, from: g.names[r], to: g.names[c], fromClass: g.classOf[r], toClass: g.classOf[c], cell };
}

/** Moves counted in hosts: {pairs, blocked, unknown} over every ordered pair of distinct hosts.
 * @param {import('./types').ClusterAnswer} a */
export function moveCounts(a) {
  const n = a.classes.map((c) => c.hosts.length);
  let pairs = 0;
  let blocked = 0;
  let unknown = 0;
  a.matrix.forEach((row, r) =>
    row.forEach((cell, c) => {
      const k = r === c ? n[r] * (n[r] - 1) : n[r] * n[c];
      if (!cell || !k) return;
      pairs += k;
      if (cell.verdict === 'blocked') blocked += k;
      else if (cell.verdict === 'unknown') unknown += k;
    }),
  );
  return { pairs, blocked, unknown };
}

/** The blockers of a cell, resolved.
 * @param {import('./types').ClusterAnswer} a
 * @param {{blockers: number[]}} cell
 * @returns {import('./types').Blocker[]} */
export const blockersOf = (a, cell) => cell.blockers.map((i) => a.blockers[i]).filter(Boolean);

/** The unknown reasons of a cell, resolved.
 * @param {import('./types').ClusterAnswer} a
 * @param {{unknowns: number[]}} cell
 * @returns {import('./types').UnknownItem[]} */
export const unknownsOf = (a, cell) => cell.unknowns.map((i) => a.unknowns[i]).filter(Boolean);

/** Distinct blocking keys of a cell, in order (one key may have a blocker per destination class). */
export const blockerKeys = (a, cell) => [...new Map(blockersOf(a, cell).map((b) => [b.key, b])).values()];
