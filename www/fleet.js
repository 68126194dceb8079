// The answer first at fleet size: the remedies of every maintenance plan of a cluster answer,
// grouped by the remedy rule they come from (the core's typed `Remedy.rule`), with the hosts
// each acts on counted. No domain rule here: which remedy, for which hosts, and its words are
// the core's; this module only groups them and fills the rule's placeholders with the group.

/**
 * @typedef {{rule: string | null, rank: number, scope: string, action: string, why: string,
 *   disruption: string, verify: string | null, reference: string | null, evidence: string,
 *   hosts: string[], vms: string[], features: string[], plans: string[]}} FleetRemedy
 */

/**
 * The remedies of `a.maintenance`, one per rule (a VM-side remedy without a rule stays one per
 * action), most hosts first, then least disruptive (the core's rank).
 * @param {import('./types').ClusterAnswer} a
 * @returns {FleetRemedy[]}
 */
export function fleetRemedies(a) {
  /** @type {Map<string, FleetRemedy & {hostSet: Set<string>, vmSet: Set<string>, featureSet: Set<string>, actions: Set<string>}>} */
  const groups = new Map();
  for (const m of a.maintenance) {
    for (const r of m.remedies) {
      const key = r.rule ? `rule ${r.rule} ${r.scope}` : `action ${r.action}`;
      let g = groups.get(key);
      if (!g) {
        g = { rule: r.rule, rank: r.rank, scope: r.scope, action: r.action, why: r.why, disruption: r.disruption, verify: r.verify, reference: r.reference, evidence: r.evidence, hosts: [], vms: [], features: [], plans: [], hostSet: new Set(), vmSet: new Set(), featureSet: new Set(), actions: new Set() };
        groups.set(key, g);
      }
      g.rank = Math.min(g.rank, r.rank);
      for (const x of r.hosts) g.hostSet.add(x);
      for (const x of r.vms) g.vmSet.add(x);
      for (const x of r.features) g.featureSet.add(x);
      g.actions.add(r.action);
      if (!g.plans.includes(m.label)) g.plans.push(m.label);
    }
  }
  const rules = new Map(a.remedy_rules.map((r) => [r.name, r]));
  const out = [];
  for (const g of groups.values()) {
    const hosts = [...g.hostSet];
    const features = [...g.featureSet];
    // One plan's remedy keeps the core's sentence; a group over several plans names its hosts
    // by count (the list follows it) in the rule's own words.
    const rule = g.rule ? rules.get(g.rule) : null;
    const action = g.actions.size === 1 || !rule
      ? g.action
      : rule.action
          .replaceAll('{hosts}', `these ${hosts.length} hosts`)
          .replaceAll('{features}', features.join(', '))
          .replaceAll('{feature}', features[0] ?? '')
          .replaceAll('{mode}', a.evc.mode ?? 'the cluster mode');
    out.push({ rule: g.rule, rank: g.rank, scope: g.scope, action, why: g.why, disruption: g.disruption, verify: g.actions.size === 1 ? g.verify : rule?.verify.replaceAll('{hosts}', 'each host').replaceAll('{features}', features.join(', ')).replaceAll('{feature}', features[0] ?? '') ?? g.verify, reference: g.reference, evidence: g.evidence, hosts, vms: [...g.vmSet], features, plans: g.plans });
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
