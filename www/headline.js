// The headline: the worst finding in one sentence and the next step (the core's
// `ClusterAnswer.headline`), and the words the page puts around it. A verdict colour is shown
// only where the answer earned one: one host has nothing to move between, a paste that names no
// host is said to be one, and a green verdict over inputs that could not be read is not green.

export const VERDICT_TITLE = {
  compatible: '✓ Every move possible',
  blocked: '✕ Blocked',
  unknown: '? Not verifiable from the pasted data',
};

/** What "the prompt line that names the host" looks like, for the words below. */
const PROMPT_EXAMPLE = '`[root@esxi01:~] vim-cmd hostsvc/hostconfig | grep -i -A 2 mdclear`';

/**
 * Hosts whose input gave no name (the core's typed `name_given`), read from the editor (a paste,
 * or a part of it).
 * @param {import('./types').ClusterAnswer} a
 * @param {(source: string) => boolean} fromEditor
 */
export function unnamedHosts(a, fromEditor) {
  return a.hosts.filter((x) => fromEditor(x.source) && !x.name_given);
}

/**
 * The headline as the page shows it: `verdict` is the colour (`info` = none earned), `title`
 * its words, `notes` what the page adds under it. Null when no host was read.
 * @param {import('./types').ClusterAnswer} a
 * @param {(source: string) => boolean} [fromEditor] whether an input name is the editor's
 * @returns {{verdict: string, title: string, text: string, next: string[], notes: string[]} | null}
 */
export function headlineOf(a, fromEditor = () => false) {
  if (!a.hosts.length) return null;
  const core = a.headline ?? { verdict: a.outcome, text: a.story[0] ?? `${a.hosts.length} hosts`, next: [] };
  const unnamed = unnamedHosts(a, fromEditor);
  if (a.hosts.length === 1) {
    const name = a.hosts[0].name;
    if (unnamed.length) {
      return {
        verdict: 'info',
        title: 'Host names missing',
        text: `The pasted text names no host, so it was read as one host, “${name}”. Two \`grep\` blocks without a prompt line between them are read as one host’s raw and EVC-masked values, so quotes of different hosts are merged into one.`,
        next: [
          `Paste each host’s output with the prompt line that names it (${PROMPT_EXAMPLE}), or drop one file per host (the file name names the host), and paste the other hosts too: a move needs two hosts.`,
        ],
        notes: [],
      };
    }
    return {
      verdict: 'info',
      title: 'One host: nothing to move between',
      text: `${name} is the only host read: a vMotion needs a second host to move to.`,
      next: ['Paste the other hosts’ `vim-cmd hostsvc/hostconfig` output (each with the prompt line that names it), or drop their files.'],
      notes: [],
    };
  }
  const notes = [];
  if (unnamed.length) {
    notes.push(
      `Host names missing: ${unnamed.map((x) => `“${x.name}”`).join(', ')} ${unnamed.length === 1 ? 'is' : 'are'} named after the input or by order, because the paste has no prompt line or header naming ${unnamed.length === 1 ? 'it' : 'them'}. Paste each host’s output with its prompt line (${PROMPT_EXAMPLE}) to see which host is which.`,
    );
  }
  // Every move possible among the hosts that were read is not an all-clear when an input
  // could not be read.
  if (core.verdict === 'compatible' && a.errors.length) {
    return { verdict: 'unknown', title: '? Every move possible among the hosts read — not every input was read', text: core.text, next: core.next, notes };
  }
  return { verdict: core.verdict, title: VERDICT_TITLE[core.verdict] ?? core.verdict, text: core.text, next: core.next, notes };
}
