// Words and names: plurals, sizes, lists, feature keys and format names (no DOM).

export function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function formatBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** "a", "a and b", "a, b and c", "a, b and 3 other hosts". */
export function nameList(names, max = 4, other = 'other hosts') {
  if (names.length <= 1) return names.join('');
  if (names.length <= max) return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  return `${names.slice(0, max - 1).join(', ')} and ${names.length - max + 1} ${other}`;
}

export const shortKey = (k) => k.replace(/^cpuid\./, '');

export const formatName = (f) =>
  ({ 'vmodl-text': 'vim-cmd VMODL text', 'mask-lines': 'featMask lines', 'govc-xml': 'govc XML', 'govc-json': 'govc/govmomi JSON', 'supported-evc-mode-json': 'SupportedEVCMode export' })[f] ?? f ?? '—';

/** @param {import('./types').ClusterAnswer} a */
export function modeLabel(a, key) {
  if (!key) return 'none';
  const m = a?.modes.find((x) => x.key === key);
  return m ? m.label : key;
}

export const hex = (n) => (n == null ? '?' : `0x${n.toString(16)}`);

export const mdCell = (s) => String(s ?? '').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
