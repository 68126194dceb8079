// The headline: the worst finding in one sentence and the next step (the core's
// `ClusterAnswer.headline`), and the words the page puts around it.

export const VERDICT_TITLE = {
  compatible: '✓ Every move possible',
  blocked: '✕ Blocked',
  unknown: '? Not verifiable from the pasted data',
};

/**
 * The core's headline; when it sends none although hosts were read (it always does today), the
 * outcome with the class story's first line, so the verdict is never missing.
 * @param {import('./types').ClusterAnswer} a
 * @returns {import('./types').Headline | null}
 */
export function headlineOf(a) {
  if (!a.hosts.length) return null;
  if (a.headline) return a.headline;
  return { verdict: a.outcome, text: a.story[0] ?? `${a.hosts.length} hosts`, next: [] };
}
