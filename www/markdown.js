// The Markdown report (a readable summary to paste into a ticket).

import { formatName, modeLabel, mdCell } from './text.js';
import { matrixIndex, rowCells } from './matrix-view.js';

/**
 * @param {import('./types').PageAnalysis} a
 * @param {string} version the engine's version
 */
export function markdown(a, version) {
  const L = [];
  const c = a.cluster;
  L.push('# evcalc report', '');
  L.push(`Generated ${new Date().toISOString()} by the evcalc web page (engine ${version}), offline.`, '');
  L.push(`- Cluster EVC mode: **${c.evc_mode ?? 'disabled'}**${c.evc_mode ? ` (${modeLabel(a, c.evc_mode)})` : ''} — ${a.evc.why}`);
  L.push(`- Per-VM EVC: ${c.per_vm_evc_mode ?? 'none'}`);
  L.push(`- Highest common EVC mode of these hosts: ${c.max_common_evc_mode ?? 'none'}`);
  L.push(`- EVC mode definitions: ${c.modes_source}`, '');
  if (a.errors.length || a.option_errors.length) {
    L.push('## Problems', '');
    for (const e of a.errors) L.push(`- ${e.source}, line ${e.line}, column ${e.col}: ${e.message}`);
    for (const e of a.option_errors) L.push(`- ${e}`);
    L.push('');
  }
  L.push('## Inputs', '', '| input | format | hosts | VMs |', '|---|---|---|---|');
  for (const i of a.inputs) L.push(`| ${mdCell(i.source)} | ${mdCell(formatName(i.format))} | ${mdCell(i.hosts.join(', '))} | ${mdCell(i.vms.join(', '))} |`);
  L.push('', '## Hosts', '', '| host | CPU | ESXi | highest EVC mode | joins cluster mode | warnings |', '|---|---|---|---|---|---|');
  const adm = new Map(c.admissions.map((x) => [x.host, x]));
  for (const h of c.hosts) {
    const x = adm.get(h.name);
    const joins = !c.evc_mode ? '—' : !x || x.admitted === null ? 'unknown' : x.admitted ? 'yes' : `no (lacks ${x.missing.map((f) => f.key).join(', ')})`;
    const cpu = h.cpu_model ?? (h.family != null ? `family ${h.family} model ${h.model ?? '?'} stepping ${h.stepping ?? '?'}` : '');
    L.push(`| ${mdCell(h.name)} | ${mdCell(cpu)} | ${mdCell(h.product ?? '')} | ${mdCell(h.max_evc_mode ?? 'none')} | ${mdCell(joins)} | ${mdCell(h.warnings.join('; '))} |`);
  }
  L.push('', '## Drift', '');
  if (!c.drift.length) L.push('None: every host reports the same CPU features.');
  for (const d of c.drift) L.push(`- \`${d.key}\` — ${d.label}: ${d.summary}${d.blocks_vmotion ? ' (can block vMotion)' : ' (hidden from VMs by EVC)'}`);
  L.push('', '## vMotion matrix', '', 'Row: the host a VM was powered on on; column: the destination.', '');
  const mv = matrixIndex(a);
  const rows = mv.rows.map((from) => ({ from, cells: rowCells(a, from) }));
  L.push(`| from \\ to | ${mv.cols.map(mdCell).join(' | ')} |`, `|---|${mv.cols.map(() => '---').join('|')}|`);
  for (const r of rows) {
    L.push(`| **${mdCell(r.from)}** | ${r.cells.map((x) => (x.to === r.from ? '—' : x.verdict === 'compatible' ? 'ok' : x.verdict === 'unknown' ? 'ok? (partial data)' : `**blocked**: ${x.missing.map((m) => m.canonical_key).join(', ') || 'not admitted'}`)).map(mdCell).join(' | ')} |`);
  }
  const blocked = rows.flatMap((r) => r.cells.filter((x) => x.verdict === 'blocked').map((x) => [r.from, x]));
  if (blocked.length) {
    L.push('', '### Blocked moves', '');
    for (const [from, x] of blocked) {
      L.push(`- ${from} → ${x.to}: ${x.missing.map((m) => `\`${m.canonical_key}\` (${m.label}; requires ${m.required}, ${x.to} has ${m.available})`).join(', ')}${x.destination_not_admitted ? `; ${x.to} is not admitted to the EVC mode` : ''}`);
    }
  }
  L.push('', '## Maintenance', '');
  for (const m of a.maintenance) {
    L.push(`### ${m.host}`, '', m.verdict, '');
    for (const v of m.vms) {
      L.push(`- ${v.vm} (requirements ${v.requirements_from === 'input' ? 'from its runtime data' : v.requirements_from}): ${v.groups.map((g) => `${{ compatible: 'can move to', blocked: 'blocked to', unknown: 'not verifiable (partial data) to' }[g.verdict]} ${g.hosts.join(', ')}${g.verdict === 'blocked' ? ` by ${g.missing.map((x) => x.canonical_key).join(', ') || 'admission'}` : ''}`).join('; ') || 'no other host'}`);
    }
    if (m.remedies.length) {
      L.push('');
      for (const r of m.remedies) {
        L.push(`${r.rank}. **${r.action}** — ${r.why} _Disruption:_ ${r.disruption}.${r.verify ? ` _Verify:_ ${r.verify}` : ''}${r.reference ? ` _Reference:_ ${r.reference}` : ''}`);
      }
    }
    L.push('');
  }
  if (a.vms.length) {
    L.push('## VMs', '', '| VM | host | power | lowest EVC mode | warnings |', '|---|---|---|---|---|');
    for (const v of a.vms) L.push(`| ${mdCell(v.name)} | ${mdCell(v.host ?? '')} | ${mdCell(v.power_state ?? '')} | ${mdCell(v.min_evc_mode ?? '')} | ${mdCell(v.warnings.join('; '))} |`);
    L.push('');
  }
  return L.join('\n');
}
