// The Markdown report (a readable summary to paste into a ticket), from the v2 answer: the class
// story, hosts by class, drift, the class matrix, blocked moves, maintenance plans.

import { formatName, modeLabel, mdCell, plural } from './text.js';
import { blockersOf, blockerKeys } from './matrix-view.js';

/**
 * @param {import('./types').ClusterAnswer} a
 * @param {string} version the engine's version
 */
export function markdown(a, version) {
  const L = [];
  const names = (ix) => ix.map((i) => a.hosts[i]?.name ?? String(i));
  L.push('# evcalc report', '');
  L.push(`Generated ${new Date().toISOString()} by the evcalc web page (engine ${version}), offline.`, '');
  if (a.headline) L.push(`**${a.headline.text.replaceAll('`', '')}**`, '');
  for (const s of a.story) L.push(`- ${s}`);
  if (a.story.length) L.push('');
  L.push(`- Cluster EVC mode: **${a.evc.mode ?? 'disabled'}**${a.evc.mode ? ` (${modeLabel(a, a.evc.mode)})` : ''} — ${a.evc.why}`);
  L.push(`- Per-VM EVC: ${a.per_vm_evc_mode ?? 'none'}`);
  L.push(`- Highest common EVC mode of these hosts: ${a.max_common_evc_mode ?? 'none'}`);
  L.push(`- EVC mode definitions: ${a.modes_source}`, '');
  if (a.errors.length || a.option_errors.length) {
    L.push('## Problems', '');
    for (const e of a.errors) L.push(`- ${e.source}, line ${e.line}, column ${e.col}: ${e.message}`);
    for (const e of a.option_errors) L.push(`- ${e.option}: ${e.message}`);
    L.push('');
  }
  L.push('## Inputs', '', '| input | format | hosts | VMs |', '|---|---|---|---|');
  for (const i of a.inputs) L.push(`| ${mdCell(i.source)} | ${mdCell(formatName(i.format))} | ${mdCell(i.hosts.join(', '))} | ${mdCell(i.vms.join(', '))} |`);
  L.push('', '## Hosts, by class', '', '| class | hosts | CPU | highest EVC mode | joins cluster mode | warnings |', '|---|---|---|---|---|---|');
  for (const c of a.classes) {
    const r = c.report;
    const x = c.admission;
    const joins = !a.evc.mode ? '—' : !x || x.admitted === null ? (x?.verdict ?? 'unknown') : x.admitted ? 'yes' : `no (lacks ${x.missing.map((f) => f.key).join(', ')})`;
    const cpu = r.cpu_model ?? (r.family != null ? `family ${r.family} model ${r.model ?? '?'} stepping ${r.stepping ?? '?'}` : '');
    const warnings = [...new Set([...r.warnings, ...c.hosts.flatMap((i) => a.hosts[i].warnings)])];
    L.push(`| ${mdCell(c.label)} | ${mdCell(`${c.hosts.length}: ${names(c.hosts).join(', ')}`)} | ${mdCell(cpu)} | ${mdCell(r.max_evc_summary || r.max_evc_mode || 'none')} | ${mdCell(joins)} | ${mdCell(warnings.join('; '))} |`);
  }
  L.push('', '## Drift', '');
  if (!a.drift.length) L.push('None: every host reports the same CPU features.');
  for (const d of a.drift) L.push(`- \`${d.key}\` — ${d.label}: ${d.summary}${d.blocks_vmotion ? ' (can block vMotion)' : ' (hidden from VMs by EVC)'}`);
  L.push('', '## vMotion matrix (host classes)', '', 'Row: the class of the host a VM was powered on on; column: the destination class. Every pair of hosts between two classes has the cell’s verdict.', '');
  if (a.matrix_omitted) L.push(a.matrix_omitted);
  else {
    const head = a.classes.map((c) => `${c.label} (${c.hosts.length})`);
    L.push(`| from \\ to | ${head.map(mdCell).join(' | ')} |`, `|---|${head.map(() => '---').join('|')}|`);
    a.matrix.forEach((row, r) => {
      const cells = row.map((x) => (!x ? '—' : x.verdict === 'compatible' ? 'ok' : x.verdict === 'unknown' ? 'ok? (partial data)' : `**blocked**: ${blockerKeys(a, x).map((b) => b.key).join(', ') || 'not admitted'}`));
      L.push(`| **${mdCell(head[r])}** | ${cells.map(mdCell).join(' | ')} |`);
    });
    const blocked = a.matrix.flatMap((row, r) => row.map((x, c) => ({ x, r, c })).filter(({ x }) => x?.verdict === 'blocked'));
    if (blocked.length) {
      L.push('', '### Blocked moves', '');
      for (const { x, r, c } of blocked) {
        const to = r === c ? `another host of ${a.classes[c].label}` : a.classes[c].label;
        const by = blockersOf(a, x).map((b) => `\`${b.key}\` (${b.label}; requires ${b.required}, ${a.classes[c].label} has ${b.available}${b.why ? `: ${b.why}` : ''})`);
        L.push(`- ${a.classes[r].label} → ${to}: ${by.join(', ')}${x.destination_not_admitted ? `; ${a.classes[c].label} is not admitted to the EVC mode` : ''}`);
      }
    }
  }
  L.push('', '## Maintenance', '');
  for (const m of a.maintenance) {
    L.push(`### ${m.label}${m.hosts.length > 1 ? ` (${plural(m.hosts.length, 'host')}: ${names(m.hosts).join(', ')})` : ''}`, '', m.verdict, '');
    for (const v of m.vms) {
      const dests = v.destinations.map((d) => {
        const verdict = { compatible: 'can move to', blocked: 'blocked to', unknown: 'not verifiable (partial data) to' }[d.verdict];
        return `${verdict} ${names(d.hosts ?? a.classes[d.class]?.hosts ?? []).join(', ')}${d.verdict === 'blocked' ? ` by ${blockerKeys(a, d).map((b) => b.key).join(', ') || 'admission'}` : ''}`;
      });
      L.push(`- ${v.vm} (requirements ${v.requirements_from === 'input' ? 'from its runtime data' : v.requirements_from}): ${dests.join('; ') || 'no other host'}`);
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
