// Building pages from elements (never from HTML strings, so a firm's name cannot inject
// markup), plus the form pieces every page uses: labelled fields and inline errors.

import { lang, t } from './i18n.js';

/**
 * h('a', {href: '#/x', class: 'btn'}, 'text', child) — attributes starting with `on` are
 * listeners; `null`/`false` children are skipped; arrays are flattened.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces an element's content. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let uid = 0;
export const nextId = (prefix = 'f') => `${prefix}-${++uid}`;

/**
 * A labelled form field. `name` is the API's field path (e.g. `products[0].name`) so a
 * 422 answer can put its message under the right input.
 */
export function field(label, input, { hint, name } = {}) {
  const id = input.id || nextId();
  input.id = id;
  if (name) input.dataset.field = name;
  const hintEl = hint ? h('small', { class: 'hint', id: `${id}-hint` }, hint) : null;
  if (hintEl) input.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: id }, label), input, hintEl,
    h('p', { class: 'field-error', id: `${id}-error`, hidden: true }));
}

export function input(attrs = {}) {
  return h('input', { type: 'text', ...attrs });
}

export function select(options, attrs = {}) {
  const el = h('select', attrs);
  for (const o of options) {
    const [value, label] = Array.isArray(o) ? o : [o, o];
    el.append(h('option', { value }, label));
  }
  if (attrs.value !== undefined) el.value = attrs.value;
  return el;
}

export function button(label, attrs = {}) {
  return h('button', { type: 'button', ...attrs }, label);
}

/** Clears the error marks of a form. */
export function clearErrors(root) {
  root.querySelectorAll('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
  root.querySelectorAll('.field-error').forEach((el) => {
    el.hidden = true;
    el.textContent = '';
  });
  root.querySelectorAll('.form-errors').forEach((el) => el.remove());
}

/**
 * Shows an API error in a form: each invalid field next to its input (matched by
 * `data-field`), the rest in a list at the top. Returns the number of fields shown.
 */
export function showErrors(root, error) {
  clearErrors(root);
  const rest = [];
  for (const f of error.fields || []) {
    const target = root.querySelector(`[data-field="${CSS.escape(f.field)}"]`);
    const box = target && document.getElementById(`${target.id}-error`);
    if (box) {
      target.setAttribute('aria-invalid', 'true');
      const described = new Set((target.getAttribute('aria-describedby') || '').split(' ').filter(Boolean));
      described.add(box.id);
      target.setAttribute('aria-describedby', [...described].join(' '));
      box.textContent = fieldMessage(f.message);
      box.hidden = false;
    } else {
      rest.push(f);
    }
  }
  const summary = h('div', { class: 'form-errors', role: 'alert' },
    h('p', {}, problemText(error)),
    rest.length ? h('ul', {}, rest.map((f) => h('li', {},
      f.line ? `${t('error.line')} ${f.line}: ` : '', f.field ? h('code', {}, f.field) : '', f.field ? ' — ' : '', fieldMessage(f.message)))) : null);
  root.prepend(summary);
  const first = root.querySelector('[aria-invalid]');
  (first || summary).focus?.();
  return (error.fields || []).length;
}

// The API words its field messages in English; these patterns cover the ones people meet
// in forms and sheets, so an Indonesian page says them in Indonesian. Anything else is
// shown as the server wrote it (the field path still says where).
const MESSAGES_ID = [
  [/^is required$/, 'wajib diisi'],
  [/^is required: a firm id or a profile$/, 'wajib diisi: id firma atau profil'],
  [/^must not be empty$/, 'tidak boleh kosong'],
  [/^must list at least one day$/, 'isi paling sedikit satu hari'],
  [/^must be between (\S+) and (\S+)(.*)$/, 'harus antara $1 dan $2$3'],
  [/^must be at most (\d+) characters$/, 'paling banyak $1 karakter'],
  [/^must be 1 to (\d+) characters$/, 'harus 1 sampai $1 karakter'],
  [/^must be at least (\S+)$/, 'paling sedikit $1'],
  [/^must be at most (\S+)$/, 'paling banyak $1'],
  [/^must be a finite number > 0$/, 'harus angka lebih dari 0'],
  [/^must be a finite number ≥ 0$/, 'harus angka 0 atau lebih'],
  [/^must be after (\w+)$/, 'harus sesudah $1'],
  [/^'(.*)' is not a kabupaten\/kota of ([^;]+)(;.*)?$/, "'$1' bukan kabupaten/kota di $2"],
  [/^'(.*)' is not a 5-digit KBLI 2020 subclass$/, "'$1' bukan subgolongan KBLI 2020 (5 digit)"],
  [/^'(.*)' is not a KBLI 2020 subclass$/, "'$1' bukan subgolongan KBLI 2020"],
  [/^'(.*)' is not an HS code: use 2, 4 or 6 digits$/, "'$1' bukan kode HS: gunakan 2, 4 atau 6 digit"],
  [/^'(.*)' is not a whole number$/, "'$1' bukan bilangan bulat"],
  [/^'(.*)' is not an email address$/, "'$1' bukan alamat email"],
  [/^'(.*)' is not an Indonesian phone number.*$/, "'$1' bukan nomor telepon Indonesia (mis. 0812-3456-7890)"],
  [/^'(.*)' is not a date YYYY-MM-DD$/, "'$1' bukan tanggal TTTT-BB-HH"],
  [/^'(.*)' is not a time HH:MM$/, "'$1' bukan jam JJ:MM"],
  [/^'(.*)' is not a quantity like .*$/, "'$1' bukan takaran seperti '300 kg/bulan'"],
  [/^'(.*)' is not one of (.*)$/, "'$1' bukan salah satu dari $2"],
  [/^unknown unit '(.*)'; use one of: (.*)$/, "satuan '$1' tidak dikenal; gunakan salah satu: $2"],
  [/^'(.*)' already asked to meet '(.*)' at this forum$/, "'$1' sudah meminta bertemu '$2' di forum ini"],
];

/** A field message from the API in the console's language. */
export function fieldMessage(message) {
  if (lang() !== 'id' || !message) return message;
  for (const [pattern, words] of MESSAGES_ID) {
    if (pattern.test(message)) return message.replace(pattern, words);
  }
  return message;
}

/** A sentence for an API error, in the console's language. */
export function problemText(error) {
  const code = error.problem?.code;
  const known = code && t(`problem.${code}`, {}, null);
  // The fields of a validation failure are listed one by one; its detail only counts them.
  if (known) return error.problem.detail && code !== 'validation_failed' ? `${known} (${error.problem.detail})` : known;
  if (error.status === 0) return t('problem.network');
  return error.message || t('problem.unknown');
}

/** A short message at the bottom of the screen, read out by screen readers. */
export function toast(message, kind = 'ok') {
  const box = document.getElementById('toast');
  const item = h('p', { class: `toast ${kind}` }, message);
  box.append(item);
  setTimeout(() => item.remove(), 6000);
}

/** An error box for a page that could not load. */
export function errorBox(error) {
  return h('div', { class: 'form-errors', role: 'alert' }, h('p', {}, problemText(error)));
}

/** Runs `work` while a button shows it is busy; errors go to `onError`. */
export async function busy(btn, work) {
  const label = btn.textContent;
  btn.disabled = true;
  btn.setAttribute('aria-busy', 'true');
  btn.textContent = t('busy');
  try {
    return await work();
  } finally {
    btn.disabled = false;
    btn.removeAttribute('aria-busy');
    btn.textContent = label;
  }
}

/** A table from column headers and rows of cells. */
export function table(headers, rows, { caption, className } = {}) {
  return h('table', { class: className || 'data' },
    caption ? h('caption', {}, caption) : null,
    h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, rows.map((cells) => h('tr', {}, cells.map((c) => h('td', {}, c))))));
}
