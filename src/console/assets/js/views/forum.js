// One forum, run from six tabs: participants (peserta), meeting requests (permintaan),
// the timetable with its grid, per-firm agendas, print and repair (jadwal), every agenda as a
// WhatsApp message (kirim), the outcome of
// each meeting (hasil) and the trade report with charts (laporan). Everything goes through
// the /v1 API; this module owns only how the forum is shown and edited.
// Each tab lives in views/forum/, the strings in views/forum/strings.*.js.

import { get, seg } from '../api.js';
import { errorBox, fill, h } from '../dom.js';
import { num, register, t, zoneName } from '../i18n.js';
import { forumDates } from './forums.js';
import { outcomesTab } from './forum/outcomes.js';
import { participantsTab } from './forum/participants.js';
import { reportTab } from './forum/report.js';
import { requestsTab } from './forum/requests.js';
import { sendTab } from './forum/send.js';
import { timetableTab } from './forum/timetable.js';
import wordsEn from './forum/strings.en.js';
import wordsId from './forum/strings.id.js';

register({ id: wordsId, en: wordsEn });

const TABS = [
  ['peserta', participantsTab],
  ['permintaan', requestsTab],
  ['jadwal', timetableTab],
  ['kirim', sendTab],
  ['hasil', outcomesTab],
  ['laporan', reportTab],
];

export async function render(root, { id, tab }) {
  const slug = tab || 'peserta';
  const entry = TABS.find(([s]) => s === slug);
  const forum = await get(`/events/${seg(id)}`);
  const panel = h('section', { id: 'forum-panel', 'aria-labelledby': 'forum-tab-title' });
  const base = `#/forum/${encodeURIComponent(forum.id)}`;
  fill(root,
    h('p', { class: 'no-print' }, h('a', { href: '#/forum' }, t('forum.back'))),
    h('h1', { class: 'no-print' }, forum.name),
    h('p', { class: 'muted no-print' }, t('forum.facts', {
      dates: forumDates(forum), zone: zoneName(forum.time_zone), tables: num(forum.tables), slots: num(forum.slots.length),
    }), forum.venue ? ` · ${forum.venue}` : ''),
    h('nav', { 'aria-label': t('forum.tabs'), class: 'no-print' },
      h('ul', { class: 'tabs' }, TABS.map(([s]) => h('li', {},
        h('a', { href: `${base}/${s}`, id: `tab-${s}`, 'aria-current': s === slug ? 'page' : null }, t(`tab.${s}`)))))),
    panel);
  if (!entry) {
    fill(panel, h('p', { class: 'form-errors', role: 'alert' }, t('forum.notab')));
    return;
  }
  await showTab(panel, forum, entry[1]);
}

/** (Re)draws a tab; `flash` is a message to keep on top after an action. */
async function showTab(panel, forum, draw, flash) {
  const reload = (next) => showTab(panel, forum, draw, next).catch((e) => fill(panel, errorBox(e)));
  await draw(panel, forum, reload, flash);
  const notice = flash && panel.querySelector('.notice[tabindex]');
  if (notice) notice.focus();
}
