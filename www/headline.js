// The headline: the worst finding in one sentence and the next step.

import { matrixIndex, cellAt } from './matrix-view.js';
import { nameList, shortKey } from './text.js';

export const VERDICT_TITLE = {
  compatible: '✓ Every move possible',
  blocked: '✕ Blocked',
  unknown: '? Not verifiable from the pasted data',
};

/**
 * FALLBACK headline, derived on the page until the core's Analysis carries `headline`
 * ({verdict, text, next}); remove once every supported core has it. It only restates what the
 * core already decided: the maintenance plans (evacuable, blocked destination groups, ranked
 * remedies) and the matrix verdicts.
 * @param {import('./types').PageAnalysis} a
 * @returns {import('./types').Headline | null}
 */
export function fallbackHeadline(a) {
  const c = a.cluster;
  const n = c.hosts.length;
  if (!n) return null;
  const m = matrixIndex(a);
  let blocked = 0;
  let unknown = 0;
  let firstBlocked = null;
  // Verdicts straight from the packed sets: a 330-host matrix has 108,570 pairs.
  const verdicts = m.sets.map((x) => x.verdict);
  const cols = m.cols.length;
  for (let r = 0; r < m.rows.length; r++)
    for (let k = 0; k < cols; k++) {
      const v = verdicts[m.cells[r * cols + k]];
      if (v === 'compatible' || m.rows[r] === m.cols[k]) continue;
      if (v === 'blocked') {
        blocked++;
        firstBlocked ??= cellAt(m, r, k);
      } else if (v === 'unknown') unknown++;
    }
  const pairs = n * (n - 1);
  const feat = (f) => shortKey(f.canonical_key ?? f.key);
  const stuck = a.maintenance.filter((p) => !p.evacuable);
  if (stuck.length) {
    const p = stuck[0];
    const groups = p.vms.flatMap((v) => v.groups.filter((g) => g.verdict === 'blocked'));
    const feats = [...new Set(groups.flatMap((g) => g.missing.map(feat)))];
    const lacking = [...new Set(groups.flatMap((g) => g.hosts))];
    const who = stuck.length === 1 ? p.host : `${nameList(stuck.map((x) => x.host))}`;
    const text = feats.length
      ? `${who} cannot be fully evacuated: VMs powered on there require ${nameList(feats, 4, 'other features')}, which ${nameList(lacking)} ${lacking.length === 1 ? 'does' : 'do'} not offer.`
      : `${who} cannot be fully evacuated: ${nameList(lacking)} cannot join the cluster's EVC mode ${c.evc_mode ?? ''}.`;
    const next = p.remedies.slice(0, 2).map((r) => `${r.action}${r.verify ? `. Verify: \`${r.verify.replace(/\s{2,}\(.*$/, '')}\`` : ''}`);
    if (!next.length) next.push('Click a red cell of the matrix for the blocking features and what fixes them.');
    return { verdict: 'blocked', text, next };
  }
  if (blocked) {
    const f = firstBlocked.missing.map(feat);
    return {
      verdict: 'blocked',
      text: `Every host can be evacuated, but ${blocked} of ${pairs} moves are blocked (e.g. ${firstBlocked.from} → ${firstBlocked.to}${f.length ? ` by ${nameList(f)}` : ': destination not admitted'}).`,
      next: ['Click a red cell of the matrix for the blocking features and what fixes them.'],
    };
  }
  if (unknown) {
    const partial = c.hosts.filter((x) => x.fragment).map((x) => x.name);
    return {
      verdict: 'unknown',
      text: `No blocker among the pasted keys, but ${unknown} of ${pairs} moves are not verifiable from the pasted data: ${nameList(partial)} ${partial.length === 1 ? 'is' : 'are'} known only from a fragment.`,
      next: [`Paste the whole \`vim-cmd hostsvc/hostconfig\` output of ${nameList(partial)}.`],
    };
  }
  if (n === 1) return { verdict: 'compatible', text: `One host (${c.hosts[0].name}): nothing to move between.`, next: ['Paste the other hosts of the cluster to see which moves work.'] };
  return {
    verdict: 'compatible',
    text: `Every VM can move between the ${n} hosts${c.evc_mode ? ` under EVC mode ${c.evc_mode}` : ' (EVC disabled)'}${c.per_vm_evc_mode ? ` with per-VM EVC ${c.per_vm_evc_mode} (what-if)` : ''}.`,
    next: [],
  };
}
