// Building the page's elements without ever parsing text as HTML.

/** @param {string} id */
export const $ = (id) => document.getElementById(id);
/** The editor. */
export const editor = () => /** @type {HTMLTextAreaElement} */ ($('input'));
/** @param {string} id */
export const $select = (id) => /** @type {HTMLSelectElement} */ ($(id));
/** @param {string} id */
export const $table = (id) => /** @type {HTMLTableElement} */ ($(id));
/** @param {string} id */
export const $button = (id) => /** @type {HTMLButtonElement} */ ($(id));
/** Elements matching a selector, typed as HTML elements (for dataset and focus).
 * @param {ParentNode} root @param {string} selector @returns {HTMLElement[]} */
export const all = (root, selector) => /** @type {HTMLElement[]} */ ([...root.querySelectorAll(selector)]);

/** Builds an element: h('td', {class: 'x', onclick: f}, 'text', child, …). Text is never parsed as
 * HTML; children that are nothing (see `append`) render nothing. */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}

/**
 * The one way the page puts children into an element (the DOM's own `Element.append(null)`
 * writes the text "null"; the page never calls it): nested arrays are flattened; `null`,
 * `undefined`, `false` and `true` (what `cond && x` and `cond ? x : null` give) are nothing;
 * a number that is not finite is refused (reported, not shown as "NaN"); everything else
 * becomes a node or its text.
 * @param {Element | DocumentFragment} el @param {any[]} children
 */
export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false || c === true) continue;
    if (typeof c === 'number' && !Number.isFinite(c)) {
      console.error(`evcalc: refused to render the number ${c}`);
      continue;
    }
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

/** Appends children through `append` (nothing renders as nothing).
 * @param {Element | DocumentFragment} el @param {...any} children */
export const add = (el, ...children) => append(el, children);

/** Replaces an element's children through `append`.
 * @param {Element | DocumentFragment} el @param {...any} children */
export function put(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

export const code = (text) => h('code', null, text);

/** Text with `inline command` spans as <code>. */
export function withCode(text) {
  return text.split(/`([^`]*)`/).map((part, i) => (i % 2 ? code(part) : part));
}

export function hostNames(names, max = 12) {
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? h('span', { title: names.join(', ') }, `${shown} … (+${names.length - max} more)`) : shown;
}
