// What the forum's tabs share: firm names fetched once, the timetable, slot and table
// names, small table and form pieces.

import { ApiError, get, seg } from '../../api.js';
import { h, table } from '../../dom.js';
import { clock, dateShort, t, zoneName } from '../../i18n.js';

/** Firm profiles by id, fetched once per page load (a few at a time). */
export const firmCache = new Map();

export async function firmsById(ids) {
  const missing = [...new Set(ids)].filter((id) => !firmCache.has(id));
  let next = 0;
  const worker = async () => {
    while (next < missing.length) {
      const id = missing[next++];
      try {
        firmCache.set(id, await get(`/firms/${seg(id)}`));
      } catch {
        // A firm deleted since it registered: show its id.
        firmCache.set(id, { id, name: id, province: '', regency_name: '' });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(6, missing.length) }, worker));
  return firmCache;
}

export const firmName = (id) => firmCache.get(id)?.name || id;

/** The timetable, or null while none was generated. */
export async function loadSchedule(forum) {
  if (!forum.has_schedule) return null;
  try {
    return await get(`/events/${seg(forum.id)}/schedule`);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

/** "Kamis, 10 Des 2026 · pagi · 08.30–08.50 WITA" for a slot. */
export function slotText(forum, index) {
  const s = forum.slots[index];
  if (!s) return `#${index}`;
  return `${dateShort(s.date)} · ${s.session} · ${clock(s.start)}–${clock(s.end)} ${zoneName(forum.time_zone)}`;
}

export const tableName = (forum, i) => forum.table_names?.[i] || t('j.table', { n: i + 1 });

/** A label only screen readers see, for inputs inside table rows. */
export function hiddenLabel(el, text) {
  return h('label', { for: el.id, class: 'visually-hidden' }, text);
}

let uid = 0;
export const fid = (prefix) => `${prefix}-${++uid}`;

export function th(text, attrs = {}) {
  return h('th', { scope: 'col', ...attrs }, text);
}

/** A notice that survives a reload of the tab (e.g. what a repair did). */
export function flashBox(flash) {
  return flash ? h('div', { class: 'notice', role: 'status', id: flash.id || null, tabindex: '-1' }, h('p', {}, flash.text)) : null;
}

/** The tab's heading. */
export function tabTitle(key) {
  return h('h2', { id: 'forum-tab-title' }, t(key));
}

/** A whole number typed in a form, or the text as typed (for the API to name). */
export function toInteger(text) {
  const v = text.trim();
  const n = Number(v);
  return v !== '' && Number.isInteger(n) ? n : v;
}
