// Reading pastes kindly: the editor's text in parts (one per host's output), and what
// featMask lines expose.

import { h, code } from './dom.js';
import { plural, shortKey } from './text.js';

/** A shell prompt that starts a command's output: `[root@esxi01:~] …`, `root@esxi01:~ # …`. */
export const PROMPT = /^\s*(\[[^\]\s@]+@[^\]]+\]|[\w.-]+@[\w.-]+:\S*\s*[#$])/;

/** The first line of a whole dump without a prompt before it. */
export const DUMP_START = /^\((vim\.host\.ConfigInfo|vim\.vm\.RuntimeInfo)\) \{/;

/**
 * The editor's text in parts, each starting where a host's (or VM's) output starts: a shell
 * prompt line, or a dump's first line with no prompt right before it. Used only after the whole
 * text failed to parse, so that one truncated dump does not take the other hosts with it.
 * @returns {{name: string, from: number, to: number, text: string}[]} lines 1-based, inclusive
 */
export function splitParts(text, base) {
  const lines = text.split('\n');
  const starts = [0];
  let lastPrompt = -10;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (PROMPT.test(line)) {
      if (i > 0 && starts[starts.length - 1] !== i) starts.push(i);
      lastPrompt = i;
    } else if (DUMP_START.test(line) && i - lastPrompt > 2 && i > 0 && starts[starts.length - 1] !== i) {
      starts.push(i);
    }
  }
  const parts = [];
  starts.forEach((s, k) => {
    const end = k + 1 < starts.length ? starts[k + 1] : lines.length;
    const chunk = lines.slice(s, end).join('\n');
    if (chunk.trim()) parts.push({ name: `${base}, lines ${s + 1}–${end}`, from: s + 1, to: end, text: chunk });
  });
  return parts;
}

/** What `featMask.*` lines (/etc/vmware/config, .vmx) expose, as written: per mask set
 * (`featMask.evc`, `featMask.vm`) the features shown (`Val:1`), hidden (`Val:0`) and pinned
 * values. The core does not report them per input yet, so the page reads the lines it was given. */
export function maskLinesSummary(text) {
  const sets = new Map();
  let count = 0;
  for (const m of text.matchAll(/^\s*featMask\.(\w+)\.(\S+?)\s*=\s*"([^"]*)"/gim)) {
    count++;
    const [, set, key, value] = m;
    if (!sets.has(set)) sets.set(set, { shown: [], hidden: [], pinned: [] });
    const s = sets.get(set);
    const short = shortKey(key);
    if (/^Val:1$/i.test(value)) s.shown.push(short);
    else if (/^Val:0$/i.test(value)) s.hidden.push(short);
    else s.pinned.push(`${short}=${value.replace(/^Val:/i, '')}`);
  }
  if (!count) return 'no featMask lines: nothing about CPU features';
  const out = [`${plural(count, 'featMask line')}`];
  for (const [set, s] of sets) {
    out.push(h('div', { class: 'masks' },
      code(`featMask.${set}`), ' ',
      s.shown.length > 0 && ['exposes ', h('span', { class: 'keys' }, s.shown.join(' '))],
      s.hidden.length > 0 && ['; hides ', h('span', { class: 'keys' }, s.hidden.join(' '))],
      s.pinned.length > 0 && ['; pins ', h('span', { class: 'keys' }, s.pinned.join(' '))]));
  }
  return out;
}
