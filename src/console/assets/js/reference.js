// Reference tables (kab/kota, KBLI 2020, HS 2022) for names and pickers, fetched once per
// page load and cached.

import { get, query } from './api.js';
import { h, nextId } from './dom.js';

let regencies = null;

/** All kab/kota of NTB and Jatim: [{code, province, name}]. */
export async function allRegencies() {
  if (!regencies) regencies = get('/reference/regencies');
  return regencies;
}

/** `52.03` → `Kabupaten Lombok Timur` (the code itself while the table is unknown). */
export async function regencyNames() {
  const list = await allRegencies();
  return new Map(list.map((r) => [r.code, r.name]));
}

/** A <select> of the kab/kota of one province (or both). */
export async function regencySelect(province, attrs = {}) {
  const list = await allRegencies();
  const el = h('select', attrs, h('option', { value: '' }, '—'));
  for (const r of list.filter((x) => !province || x.province === province)) {
    el.append(h('option', { value: r.code }, `${r.name} (${r.code})`));
  }
  if (attrs.value) el.value = attrs.value;
  return el;
}

/**
 * A text input with suggestions from a reference table as one types (KBLI or HS): the
 * input keeps the code, the suggestion shows code and title.
 */
export function codePicker(table, attrs = {}) {
  const listId = nextId('dl');
  const list = h('datalist', { id: listId });
  const el = h('input', { type: 'text', list: listId, autocomplete: 'off', inputmode: 'text', ...attrs });
  let timer = null;
  let asked = '';
  el.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const q = el.value.trim();
      if (q.length < 2 || q === asked) return;
      asked = q;
      try {
        const found = await get(`/reference/${table}${query({ q, limit: 20 })}`);
        list.replaceChildren(...found.map((c) => h('option', { value: c.code }, `${c.code} — ${c.title || c.description || c.name || ''}`)));
      } catch {
        // Suggestions are a convenience: typing the code still works without them.
      }
    }, 200);
  });
  // The datalist lives next to the input so the pair moves together.
  const wrap = document.createDocumentFragment();
  wrap.append(el, list);
  el.withList = wrap;
  return el;
}

export const CERTIFICATIONS = ['halal', 'pirt', 'bpom', 'sni', 'iso9001', 'iso22000', 'haccp', 'gmp', 'organic', 'svlk'];
export const UNITS = ['gram', 'kg', 'kuintal', 'ton', 'ml', 'liter', 'pcs', 'lusin', 'kodi', 'meter', 'm2'];
export const PERIODS = ['day', 'week', 'month', 'year'];
