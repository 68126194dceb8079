// A typed use of the evcalc npm package, checked with `tsc --noEmit` against the installed
// package's declarations (index.d.ts + the generated contract.d.ts).
import { Workspace, OptionError, type Blocker, type MaintenanceAnswer, type Verdict } from 'evcalc';

function blockersOf(answer: MaintenanceAnswer): string[] {
  const out: string[] = [];
  for (const group of answer.plan?.vms ?? []) {
    for (const destination of group.destinations) {
      for (const index of destination.blockers) {
        const blocker: Blocker = answer.blockers[index];
        out.push(blocker.key);
      }
    }
  }
  return out;
}

export async function main(texts: { name: string; text: string }[]): Promise<Verdict> {
  const ws = await Workspace.load(texts);
  const answer = ws.maintenance('esxi01', { evc: 'intel-haswell' });
  const keys: string[] = blockersOf(answer);
  const check = ws.check('esxi01', 'esxi02', { evc: 'intel-haswell', only: ['MDCLEAR'] });
  const verdict: Verdict = check.check?.verdict ?? 'unknown';
  const classes: number = ws.cluster({ skip_maintenance: true }).classes.length;
  try {
    ws.check('esxi01', 'esxi09');
  } catch (e) {
    if (e instanceof OptionError) console.log(e.option, keys, classes);
  }
  return verdict;
}
