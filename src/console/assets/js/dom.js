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
// allowed range, …); the console words the codes in its own language from them (the README
// lists the codes). A problem with a code the console does not know yet is shown as the
// server wrote it (the field path still says where).
const FIELD_CODES = {
  id: {
    required: 'wajib diisi',
    empty: 'tidak boleh kosong',
    too_long: 'paling banyak {max} karakter',
    control_characters: 'tidak boleh berisi karakter kendali',
    wrong_type: 'jenis atau bentuk isinya salah',
    too_few: 'isi paling sedikit {min}',
    too_many: 'paling banyak {max} butir',
    wrong_count: 'berisi {count}, seharusnya {expected}',
    out_of_range: 'harus antara {min} dan {max}',
    too_small: 'paling sedikit {min}',
    too_large: 'paling banyak {max}',
    not_finite: 'harus berupa angka',
    not_positive: 'harus angka lebih dari 0',
    all_zero: 'paling sedikit satu bobot harus lebih dari 0',
    not_descending: 'kecocokan HS yang lebih dekat tidak boleh bernilai lebih rendah ({order})',
    not_after: 'harus sesudah {other}',
    not_in_order: 'hari harus berurutan dan tiap tanggal sekali (sesudah {previous})',
    overlapping_sessions: 'sesi harus berurutan dan tidak tumpang tindih (sesi {previous} selesai {previous_end})',
    no_slots: 'tidak ada sesi yang cukup panjang untuk satu slot',
    too_many_slots: 'sesi-sesinya menjadi {count} slot; paling banyak {max}',
    too_many_hosts: '{count} tuan rumah, padahal hanya ada {max} meja',
    too_many_meetings: '{count} pertemuan (dengan jumlahnya); paling banyak {max}',
    host_only: 'hanya tuan rumah yang memegang meja',
    self_meeting: 'firma tidak dapat bertemu dengan dirinya sendiri',
    duplicate: "'{value}' disebut dua kali",
    only_with_status: 'hanya untuk status {status}',
    incomplete: 'belum lengkap',
    unknown_field: 'bukan kolom yang dikenal',
    other_side: 'hanya dapat diisi oleh firma pihak lain',
    organizers_only: 'hanya dapat diubah oleh penyelenggara',
    not_one_of: "'{value}' bukan salah satu dari {allowed}",
    invalid_id: "'{value}' bukan id yang sah (1–64 huruf a-z, angka 0-9 dan '-')",
    id_taken: "firma '{value}' sudah ada",
    id_mismatch: "id firma tidak dapat diubah (alamatnya menyebut '{value}')",
    not_found: "firma '{value}' tidak ada",
    not_this_firms_token: 'bukan token yang berlaku untuk firma ini',
    unknown_participant: "'{value}' bukan peserta",
    unknown_session: "'{value}' bukan sesi",
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
    unknown_time_zone: "'{value}' bukan zona waktu; gunakan mis. Asia/Makassar (WITA) atau Asia/Jakarta (WIB)",
    not_whole_number: "'{value}' bukan bilangan bulat",
    not_integer: "'{value}' bukan bilangan bulat",
    not_email: "'{value}' bukan alamat email",
    not_phone: "'{value}' bukan nomor telepon Indonesia (mis. 0812-3456-7890)",
    not_date: "'{value}' bukan tanggal TTTT-BB-HH",
    not_time: "'{value}' bukan jam JJ:MM",
    not_date_time: "'{value}' bukan waktu setempat TTTT-BB-HHTJJ:MM",
    not_quantity: "'{value}' bukan takaran seperti '300 kg/bulan'",
    not_cursor: 'bukan penanda halaman dari API ini',
    not_etag: "'{value}' bukan ETag dari API ini (mis. \"3\")",
    not_scoring_config: 'bukan pengaturan penilaian',
    config_refused: 'pengaturan penilaian ditolak',
  },
  en: {
    required: 'is required',
    empty: 'must not be empty',
    too_long: 'must be at most {max} characters',
    control_characters: 'must not contain control characters',
    wrong_type: 'has the wrong type',
    too_few: 'must list at least {min}',
    too_many: 'must list at most {max}',
    wrong_count: 'has {count}, needs {expected}',
    out_of_range: 'must be between {min} and {max}',
    too_small: 'must be at least {min}',
    too_large: 'must be at most {max}',
    not_finite: 'must be a number',
    not_positive: 'must be a number greater than 0',
    all_zero: 'at least one weight must be greater than 0',
    not_descending: 'a closer HS match must not score less ({order})',
    not_after: 'must be after {other}',
    not_in_order: 'days must be in order, each date once (after {previous})',
    overlapping_sessions: 'sessions must be in order and not overlap (session {previous} ends at {previous_end})',
    no_slots: 'no session is long enough for one slot',
    too_many_slots: 'the sessions make {count} slots; at most {max}',
    too_many_hosts: '{count} hosts but only {max} tables',
    too_many_meetings: '{count} meetings with their counts; at most {max}',
    host_only: 'only a host keeps a table',
    self_meeting: 'a firm cannot meet itself',
    duplicate: "'{value}' is listed twice",
    only_with_status: 'only goes with status {status}',
    incomplete: 'is incomplete',
    unknown_field: 'is not a known field',
    other_side: 'only the other firm may fill this in',
    organizers_only: 'only organizers may change this',
    not_one_of: "'{value}' is not one of {allowed}",
    invalid_id: "'{value}' is not a valid id (1–64 of a-z, 0-9 and '-')",
    id_taken: "firm '{value}' already exists",
    id_mismatch: "a firm's id cannot change (the address says '{value}')",
    not_found: "firm '{value}' does not exist",
    not_this_firms_token: "is not this firm's current token",
    unknown_participant: "'{value}' is not a participant",
    unknown_session: "'{value}' is not a session",
    unknown_province: "'{value}' is not a known province; use NTB or JATIM",
    unknown_regency: "'{value}' is not a kabupaten/kota of {province}",
    not_kbli_subclass: "'{value}' is not a KBLI 2020 subclass (5 digits)",
    unknown_kbli: "'{value}' is not a KBLI 2020 subclass",
    not_kbli_prefix: "'{value}' is not a KBLI code or prefix (1 to 5 digits)",
    not_hs_code: "'{value}' is not an HS code: use 2, 4 or 6 digits",
    not_in_hs2022: "'{value}' is not in HS 2022",
    unknown_size: "'{value}' is not a firm size; use mikro, kecil or menengah",
    unknown_certification: "'{value}' is not a known certification",
    unknown_unit: "unknown unit '{value}'",
    unknown_period: "unknown period '{value}'; use day, week, month or year",
    unknown_time_zone: "'{value}' is not a time zone; use e.g. Asia/Makassar (WITA) or Asia/Jakarta (WIB)",
    not_whole_number: "'{value}' is not a whole number",
    not_integer: "'{value}' is not a whole number",
    not_email: "'{value}' is not an e-mail address",
    not_phone: "'{value}' is not an Indonesian phone number (e.g. 0812-3456-7890)",
    not_date: "'{value}' is not a date YYYY-MM-DD",
    not_time: "'{value}' is not a time HH:MM",
    not_date_time: "'{value}' is not a local time YYYY-MM-DDTHH:MM",
    not_quantity: "'{value}' is not a quantity such as '300 kg/month'",
    not_cursor: 'is not a cursor from this API',
    not_etag: "'{value}' is not an ETag of this API (e.g. \"3\")",
    not_scoring_config: 'is not a scoring config',
    config_refused: 'the scoring config was refused',
  },
};

// The words a parameter names (`not_after`'s other field, `only_with_status`'s status).
const FIELD_WORDS = {
  id: { start: 'mulai', from: 'dari', held: 'berlangsung', no_show: 'tidak hadir', cancelled: 'dibatalkan' },
  en: { no_show: 'no-show' },
};

/** A field problem from the API (`{field, code, params, message}`) in the console's language. */
export function fieldMessage(problem) {
  const message = problem?.message ?? '';
  const language = lang();
  const words = FIELD_CODES[language]?.[problem?.code];
  if (!words) return message;
  const params = problem.params || {};
  const named = FIELD_WORDS[language] || {};
  return words.replace(/\{(\w+)\}/g, (_, k) => named[params[k]] ?? params[k] ?? '');
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
