// What the core reads in one pasted text beyond the answer (the module's `read_input`, through
// the engine's {kind: 'read'}): the parts the editor's text may be sent in, and the featMask
// lines an input sets. No parsing rule lives here: the lines come from the core.

import { h, code } from './dom.js';
import { plural, shortKey } from './text.js';

/**
 * The editor's text in the parts the core found (`read.parts`: 1-based inclusive line ranges),
 * each named after its lines. Used only after the whole text failed to parse, so that one bad
 * part does not take the other hosts with it.
 * @param {string} text
 * @param {string} base the editor's input name
 * @param {[number, number][]} ranges
 * @returns {{name: string, from: number, to: number, text: string}[]}
 */
export function partsOf(text, base, ranges) {
  const lines = text.split('\n');
  return ranges.map(([from, to]) => ({ name: `${base}, lines ${from}–${to}`, from, to, text: lines.slice(from - 1, to).join('\n') }));
}

/**
 * What the `featMask.*` lines the core read expose, per mask set (`featMask.evc`,
 * `featMask.vm`): features shown (`Val:1`), hidden (`Val:0`) and pinned values.
 * @param {[string, string, string][]} masks [set, key, mask] as the core read them
 */
export function masksSummary(masks) {
  if (!masks.length) return 'no featMask lines: nothing about CPU features';
  const sets = new Map();
  for (const [set, key, value] of masks) {
    if (!sets.has(set)) sets.set(set, { shown: [], hidden: [], pinned: [] });
    const s = sets.get(set);
    const short = shortKey(key);
    if (value === 'Val:1') s.shown.push(short);
    else if (value === 'Val:0') s.hidden.push(short);
    else s.pinned.push(`${short}=${value.replace(/^Val:/, '')}`);
  }
  const out = [plural(masks.length, 'featMask line')];
  for (const [set, s] of sets) {
    out.push(h('div', { class: 'masks' },
      code(`featMask.${set}`), ' ',
      s.shown.length > 0 && ['exposes ', h('span', { class: 'keys' }, s.shown.join(' '))],
      s.hidden.length > 0 && ['; hides ', h('span', { class: 'keys' }, s.hidden.join(' '))],
      s.pinned.length > 0 && ['; pins ', h('span', { class: 'keys' }, s.pinned.join(' '))]));
  }
  return out;
}
