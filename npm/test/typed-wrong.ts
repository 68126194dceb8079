// Must NOT type-check: a field that is not in the contract, and a verdict that is no Verdict.
import { Workspace, type Verdict } from 'evcalc';

export async function wrong(): Promise<void> {
  const ws = await Workspace.load([{ name: 'a.txt', text: '' }]);
  const a = ws.cluster();
  console.log(a.outcomes);
  const v: Verdict = 'maybe';
  console.log(v);
}
