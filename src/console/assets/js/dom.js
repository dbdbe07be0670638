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
      box.textContent = fieldMessage(f);
      box.hidden = false;
    } else {
      rest.push(f);
    }
  }
  const summary = h('div', { class: 'form-errors', role: 'alert' },
    h('p', {}, problemText(error)),
    rest.length ? h('ul', {}, rest.map((f) => h('li', {},
      f.line ? `${t('error.line')} ${f.line}: ` : '', f.field ? h('code', {}, f.field) : '', f.field ? ' — ' : '', fieldMessage(f)))) : null);
  root.prepend(summary);
  const first = root.querySelector('[aria-invalid]');
  (first || summary).focus?.();
  return (error.fields || []).length;
}

// Each field problem from the API carries a stable `code` with its `params` (the value, the
// allowed range, …); the console words the codes in Indonesian from them. A problem without
// a known code is shown as the server wrote it (the field path still says where).
const FIELD_CODES_ID = {
  required: 'wajib diisi',
  empty: 'tidak boleh kosong',
  too_long: 'paling banyak {max} karakter',
  too_few: 'isi paling sedikit {min}',
  too_many: 'paling banyak {max} butir',
  out_of_range: 'harus antara {min} dan {max}',
  too_large: 'paling banyak {max}',
  not_finite: 'harus berupa angka',
  not_positive: 'harus angka lebih dari 0',
  not_after: 'harus sesudah {other}',
  control_characters: 'tidak boleh berisi karakter kendali',
  unknown_field: 'bukan kolom yang dikenal',
  other_side: 'hanya dapat diisi oleh firma pihak lain',
  organizers_only: 'hanya dapat diubah oleh penyelenggara',
  not_one_of: "'{value}' bukan salah satu dari {allowed}",
  invalid_id: "'{value}' bukan id yang sah (1–64 huruf a-z, angka 0-9 dan '-')",
  id_taken: "firma '{value}' sudah ada",
  unknown_province: "'{value}' bukan provinsi yang dikenal; gunakan NTB atau JATIM",
  unknown_regency: "'{value}' bukan kabupaten/kota di {province}",
  not_kbli_subclass: "'{value}' bukan subgolongan KBLI 2020 (5 digit)",
  unknown_kbli: "'{value}' bukan subgolongan KBLI 2020",
  not_kbli_prefix: "'{value}' bukan kode atau awalan KBLI (1 sampai 5 digit)",
  not_hs_code: "'{value}' bukan kode HS: gunakan 2, 4 atau 6 digit",
  not_in_hs2022: "'{value}' tidak ada di HS 2022",
  unknown_size: "'{value}' bukan skala usaha; gunakan mikro, kecil atau menengah",
  unknown_certification: "'{value}' bukan sertifikasi yang dikenal",
  unknown_unit: "satuan '{value}' tidak dikenal",
  unknown_period: "periode '{value}' tidak dikenal; gunakan hari, minggu, bulan atau tahun",
  not_whole_number: "'{value}' bukan bilangan bulat",
  not_email: "'{value}' bukan alamat email",
  not_phone: "'{value}' bukan nomor telepon Indonesia (mis. 0812-3456-7890)",
  not_date: "'{value}' bukan tanggal TTTT-BB-HH",
  not_time: "'{value}' bukan jam JJ:MM",
  not_quantity: "'{value}' bukan takaran seperti '300 kg/bulan'",
};

// The words a `not_after` problem names.
const FIELD_WORDS_ID = { start: 'mulai', from: 'dari' };

/** A field problem from the API (`{field, code, params, message}`) in the console's language. */
export function fieldMessage(problem) {
  const message = problem?.message ?? '';
  const words = lang() === 'id' && FIELD_CODES_ID[problem?.code];
  if (!words) return message;
  const params = problem.params || {};
  return words.replace(/\{(\w+)\}/g, (_, k) => FIELD_WORDS_ID[params[k]] ?? params[k] ?? '');
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
