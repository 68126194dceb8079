// The answer first at fleet size: every remedy of a cluster answer, grouped by the remedy rule
// it comes from, with the hosts it acts on counted. The facts are the core's: each blocker of a
// blocked matrix cell names its rule (`Blocker.remedy`) and the destination class lacks the
// feature; each maintenance plan's remedy names its rule (`Remedy.rule`) and its hosts. No
// domain rule here: this module only groups them and fills the rule's placeholders
// (`RemedyRule.action`: {hosts}, {features}, {feature}, {mode}) with the group.

/**
 * @typedef {{rule: string | null, rank: number, scope: string, action: string, why: string,
 *   disruption: string, verify: string | null, reference: string | null, evidence: string,
 *   hosts: string[], vms: string[], features: string[], plans: string[]}} FleetRemedy
 */

/**
 * The remedies of `a`, one per rule (a VM-side remedy without a rule stays one per action), most
 * hosts first, then least disruptive.
 * @param {import('./types').ClusterAnswer} a
 * @returns {FleetRemedy[]}
 */
export function fleetRemedies(a) {
  const rules = new Map(a.remedy_rules.map((r, i) => [r.name, { ...r, order: i }]));
  const byName = new Set(a.hosts.map((x) => x.name));
  const byLabel = new Map(a.classes.map((c) => [c.label, c.hosts.map((i) => a.hosts[i]?.name).filter(Boolean)]));
  /** A remedy's host entry: a host, or a class label (its hosts). */
  const resolve = (entry) => (byName.has(entry) ? [entry] : byLabel.get(entry) ?? [entry]);
  const groups = new Map();
  const group = (key, init) => {
    let g = groups.get(key);
    if (!g) {
      g = { ...init, hostSet: new Set(), vmSet: new Set(), featureSet: new Set(), actions: new Set(), plans: [] };
      groups.set(key, g);
    }
    return g;
  };
  // The matrix: a blocked move's blocker names the rule; its hosts are the destination class's.
  a.matrix.forEach((row, r) => row.forEach((cell, c) => {
    if (!cell || cell.verdict !== 'blocked') return;
    for (const bi of cell.blockers) {
      const b = a.blockers[bi];
      const rule = b?.remedy ? rules.get(b.remedy) : null;
      if (!rule) continue;
      const g = group(`rule ${rule.name}`, { rule: rule.name, rank: 0, scope: 'hosts', remedy: null });
      for (const i of a.classes[c]?.hosts ?? []) g.hostSet.add(a.hosts[i].name);
      g.featureSet.add(b.key);
      if (!g.plans.includes(`${a.classes[r].label} → ${a.classes[c].label}`)) g.plans.push(`${a.classes[r].label} → ${a.classes[c].label}`);
    }
  }));
  // The maintenance plans' remedies (VM-side ones too).
  for (const m of a.maintenance) {
    for (const r of m.remedies) {
      const g = group(r.rule ? `rule ${r.rule}` : `action ${r.action}`, { rule: r.rule, rank: r.rank, scope: r.scope, remedy: r });
      if (!g.remedy) g.remedy = r;
      g.scope = r.scope;
      for (const x of r.hosts) for (const n of resolve(x)) g.hostSet.add(n);
      for (const x of r.vms) g.vmSet.add(x);
      for (const x of r.features) g.featureSet.add(x);
      g.actions.add(r.action);
      if (!g.plans.includes(`maintenance of ${m.label}`)) g.plans.push(`maintenance of ${m.label}`);
    }
  }
  const out = [];
  for (const g of groups.values()) {
    const hosts = [...g.hostSet];
    const features = [...g.featureSet];
    const rule = g.rule ? rules.get(g.rule) : null;
    const fill = (t) => t.replaceAll('{hosts}', hosts.length === 1 ? hosts[0] : `these ${hosts.length} hosts`).replaceAll('{features}', features.join(', ')).replaceAll('{feature}', features[0] ?? '').replaceAll('{mode}', a.evc.mode ?? 'the cluster mode');
    // One plan's remedy covering the whole group keeps the core's sentence; a group over
    // several moves or plans is said in the rule's own words, its hosts counted.
    const own = g.remedy && g.actions.size === 1 && (!rule || g.plans.length === 1) ? g.remedy : null;
    out.push({
      rule: g.rule,
      rank: rule ? rule.order : g.rank,
      scope: g.scope,
      action: own ? own.action : rule ? fill(rule.action) : g.remedy.action,
      why: own ? own.why : rule ? rule.cause : g.remedy.why,
      disruption: own ? own.disruption : rule ? rule.disruption_text : g.remedy.disruption,
      verify: own ? own.verify : rule?.verify ? fill(rule.verify) : null,
      reference: own ? own.reference : rule?.reference || null,
      evidence: own ? own.evidence : rule?.evidence ?? '',
      hosts,
      vms: [...g.vmSet],
      features,
      plans: g.plans,
    });
  }
  return out.sort((x, y) => y.hosts.length - x.hosts.length || x.rank - y.rank);
}

/** What a group acts on, counted: "16 hosts", "3 VMs", or "the cluster".
 * @param {FleetRemedy} r */
export function countLabel(r) {
  if (r.hosts.length) return `${r.hosts.length} ${r.hosts.length === 1 ? 'host' : 'hosts'}`;
  if (r.vms.length) return `${r.vms.length} ${r.vms.length === 1 ? 'VM' : 'VMs'}`;
  return 'the cluster';
}
