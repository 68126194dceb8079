// The report for the change ticket, from the v2 answer: the headline, the class story, the
// remedies with their KB references and the hosts each acts on, the what-ifs in force, the
// inputs with their SHA-256, hosts by class, drift, the class matrix, blocked moves, maintenance
// plans; as Markdown (download, clipboard) and as one self-contained HTML file (`reportHtml`).

import { formatName, modeLabel, mdCell, plural } from './text.js';
import { blockersOf, blockerKeys } from './matrix-view.js';

/**
 * @typedef {{version: string, time: string, inputs: {name: string, bytes: number, sha256: string}[],
 *   whatIfs: string[], remedies: import('./fleet.js').FleetRemedy[]}} ReportContext
 */

/**
 * @param {import('./types').ClusterAnswer} a
 * @param {ReportContext} ctx what the page adds: version, time, inputs' digests, what-ifs, grouped remedies
 */
export function markdown(a, ctx) {
  const L = [];
  const names = (ix) => ix.map((i) => a.hosts[i]?.name ?? String(i));
  L.push('# evcalc report', '');
  L.push(`Generated ${ctx.time} by the evcalc web page (evcalc ${ctx.version}), offline.`, '');
  if (a.headline) {
    L.push(`**${VERDICT_WORDS[a.headline.verdict] ?? a.headline.verdict}: ${a.headline.text.replaceAll('`', '')}**`, '');
  }
  L.push('## What-ifs in force', '');
  if (ctx.whatIfs.length) for (const w of ctx.whatIfs) L.push(`- ${w}`);
  else L.push('None: the answer is for the hosts as read.');
  L.push('');
  if (ctx.remedies.length) {
    L.push('## Remedies', '');
    ctx.remedies.forEach((r, i) => {
      const on = r.hosts.length ? `${r.hosts.length} ${r.hosts.length === 1 ? 'host' : 'hosts'}` : r.vms.length ? `${r.vms.length} ${r.vms.length === 1 ? 'VM' : 'VMs'}` : 'the cluster';
      L.push(`${i + 1}. **${on}: ${r.action.replaceAll('`', '')}** — ${r.why} _Disruption:_ ${r.disruption}.${r.verify ? ` _Verify:_ ${r.verify}` : ''}${r.reference ? ` _Reference:_ ${r.reference}` : ''}`);
      if (r.hosts.length) L.push(`   - Hosts: ${r.hosts.join(', ')}`);
      if (r.vms.length) L.push(`   - VMs: ${r.vms.join(', ')}`);
    });
    L.push('');
  }
  L.push('## Class story', '');
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
  L.push('## Inputs', '', '| input | format | hosts | VMs | bytes | SHA-256 |', '|---|---|---|---|---|---|');
  const digest = new Map(ctx.inputs.map((d) => [d.name, d]));
  for (const i of a.inputs) {
    const d = digest.get(i.source);
    const hosts = i.hosts.length > 12 ? `${i.hosts.length} hosts: ${i.hosts.slice(0, 12).join(', ')}, …` : i.hosts.join(', ');
    L.push(`| ${mdCell(i.source)} | ${mdCell(formatName(i.format))} | ${mdCell(hosts)} | ${mdCell(i.vms.join(', '))} | ${d?.bytes ?? ''} | ${d ? `\`${d.sha256}\`` : ''} |`);
  }
  L.push('', '## Hosts, by class', '', '| class | hosts | CPU | highest EVC mode | joins cluster mode | warnings |', '|---|---|---|---|---|---|');
  for (const c of a.classes) {
    const r = c.report;
    const x = c.admission;
    const joins = !a.evc.mode ? '—' : !x || x.admitted === null ? (x?.verdict ?? 'unknown') : x.admitted ? 'yes' : `no (lacks ${x.missing.map((f) => f.key).join(', ')})`;
    const cpu = r.cpu_model ?? (r.family != null ? `family ${r.family} model ${r.model ?? '?'} stepping ${r.stepping ?? '?'}` : '');
    const warnings = [...new Set([...r.warnings, ...c.hosts.flatMap((i) => a.hosts[i].warnings)])];
    const members = c.hosts.length > 40 ? `${names(c.hosts.slice(0, 40)).join(', ')}, … (+${c.hosts.length - 40})` : names(c.hosts).join(', ');
    L.push(`| ${mdCell(c.label)} | ${mdCell(`${c.hosts.length}: ${members}`)} | ${mdCell(cpu)} | ${mdCell(r.max_evc_summary || r.max_evc_mode || 'none')} | ${mdCell(joins)} | ${mdCell(warnings.join('; '))} |`);
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

const VERDICT_WORDS = { compatible: 'Every move possible', blocked: 'Blocked', unknown: 'Not verifiable from the data' };

const esc = (t) => t.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

/** Inline Markdown of the report (code, bold, emphasis) as HTML. */
function inline(t) {
  return esc(t)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    .replace(/(^|\s)_([^_]+)_(?=[\s.,;:]|$)/g, '$1<em>$2</em>');
}

/**
 * The report as one self-contained HTML file (its own styles, no script, no external resource),
 * from the Markdown `markdown()` writes: headings, lists, tables and paragraphs.
 * @param {string} md
 * @param {ReportContext} ctx
 */
export function reportHtml(md, ctx) {
  const out = [];
  const lines = md.split('\n');
  let i = 0;
  let list = null;
  const close = () => {
    if (list) out.push(`</${list}>`);
    list = null;
  };
  while (i < lines.length) {
    const l = lines[i];
    let m;
    if ((m = l.match(/^(#{1,3}) (.*)$/))) {
      close();
      out.push(`<h${m[1].length}>${inline(m[2])}</h${m[1].length}>`);
    } else if (l.startsWith('|')) {
      close();
      const rows = [];
      while (i < lines.length && lines[i].startsWith('|')) rows.push(lines[i++]);
      i--;
      const cells = (r) => r.slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim().replaceAll('\\|', '|'));
      out.push('<table>', `<thead><tr>${cells(rows[0]).map((c) => `<th>${inline(c)}</th>`).join('')}</tr></thead><tbody>`);
      for (const r of rows.slice(2)) out.push(`<tr>${cells(r).map((c) => `<td>${inline(c)}</td>`).join('')}</tr>`);
      out.push('</tbody></table>');
    } else if ((m = l.match(/^(\s*)(-|\d+\.) (.*)$/))) {
      const kind = m[2] === '-' ? 'ul' : 'ol';
      if (m[1]) out.push(`<div class="sub">${inline(m[3])}</div>`);
      else {
        if (list !== kind) {
          close();
          out.push(`<${kind}>`);
          list = kind;
        }
        out.push(`<li>${inline(m[3])}</li>`);
      }
    } else if (l.trim()) {
      close();
      out.push(`<p>${inline(l)}</p>`);
    } else if (!(lines[i + 1] ?? '').match(/^\s+- /)) close();
    i++;
  }
  close();
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>evcalc report ${esc(ctx.time)}</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#111;background:#fff}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:1.6rem;border-bottom:1px solid #ccc}h3{font-size:1.05rem}
table{border-collapse:collapse;margin:.5rem 0;font-size:13px}th,td{border:1px solid #bbb;padding:.25rem .45rem;text-align:left;vertical-align:top}
th{background:#eee}code{font:12px ui-monospace,monospace;background:#f2f2f2;padding:0 .2em;word-break:break-all}
.sub{margin:.1rem 0 .3rem 2.2rem;font-size:13px;color:#333}
@media print{body{margin:0}}
</style></head>
<body>
${out.join('\n')}
</body></html>
`;
}
