// The participants tab (peserta): search firms and register them, caps, hosts, withdrawals.

import { del, get, post, query, seg } from '../../api.js';
import {
  busy, button, errorBox, field, fieldMessage, fill, h, input, showErrors, toast,
} from '../../dom.js';
import { num, t } from '../../i18n.js';
import { provinceBadge } from '../firms.js';
import {
  fid, firmCache, firmName, firmsById, flashBox, hiddenLabel, tabTitle, th, toInteger,
} from './shared.js';

// The last firm search, run again after a registration so the organizer can keep adding.
let lastSearch = null;

export async function participantsTab(panel, forum, reload, flash) {
  const participants = await get(`/events/${seg(forum.id)}/participants`);
  await firmsById(participants.map((p) => p.firm_id));
  const registered = new Set(participants.map((p) => p.firm_id));

  // Settings given to every firm added below.
  const defMax = input({ id: 'p-default-max', type: 'number', inputmode: 'numeric' });
  const defHost = h('input', { type: 'checkbox', id: 'p-default-host' });
  const defaults = () => {
    const extra = {};
    if (defMax.value.trim() !== '') extra.max_meetings = toInteger(defMax.value);
    if (defHost.checked) extra.host = true;
    return extra;
  };

  const addBox = h('div', { id: 'p-add-result', 'aria-live': 'polite' });
  const enrol = async (entries) => {
    const body = entries.map((firm_id) => ({ firm_id, ...defaults() }));
    const stored = await post(`/events/${seg(forum.id)}/participants`, body);
    reload({ text: t('p.added', { n: num(stored.length) }) });
  };

  // Search over the firm directory.
  const q = input({ id: 'p-search', type: 'search', autocomplete: 'off' });
  const results = h('div', { id: 'p-results', 'aria-live': 'polite' });
  const searchForm = h('form', { class: 'row', id: 'p-search-form', role: 'search' },
    field(t('p.search'), q),
    h('div', { class: 'field' }, h('button', { type: 'submit', id: 'p-search-go' }, t('p.search.go'))));
  searchForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    lastSearch = { forum: forum.id, q: q.value.trim() };
    try {
      const page = await get(`/firms${query({ q: q.value.trim(), limit: 20 })}`);
      if (!page.firms.length) {
        fill(results, h('p', {}, t('p.notfound')));
        return;
      }
      fill(results, h('p', { class: 'muted' }, t('p.found', { n: num(page.firms.length) })),
        h('table', { class: 'data', id: 'p-results-table' },
          h('thead', {}, h('tr', {}, th(t('col.name')), th(t('col.province')), th(t('col.regency')), th(t('col.kbli')), th(t('col.actions')))),
          h('tbody', {}, page.firms.map((f) => h('tr', {},
            h('td', {}, f.name), h('td', {}, provinceBadge(f.province)), h('td', {}, f.regency_name || f.regency),
            h('td', {}, (f.kbli || []).join(', ')),
            h('td', {}, registered.has(f.id)
              ? h('span', { class: 'muted' }, t('p.already'))
              : h('button', {
                type: 'button', class: 'p-add-one', 'data-firm': f.id,
                onclick: (e) => busy(e.currentTarget, () => enrol([f.id])).catch((err) => fill(addBox, errorBox(err))),
              }, t('p.add.one'), h('span', { class: 'visually-hidden' }, ` ${f.name}`))))))));
    } catch (e) {
      fill(results, errorBox(e));
    }
  });

  // Bulk registration by pasting ids.
  const paste = h('textarea', { id: 'p-paste', rows: 5, spellcheck: 'false' });
  const pasteGo = h('button', { type: 'submit', id: 'p-paste-go' }, t('p.paste.go'));
  const pasteForm = h('form', { id: 'p-paste-form' }, field(t('p.paste'), paste, { name: 'ids' }), h('div', { class: 'actions' }, pasteGo));
  pasteForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const lines = paste.value.split(/\r?\n/).map((x, i) => [x.trim(), i + 1]).filter(([x]) => x);
    if (!lines.length) {
      showErrors(pasteForm, { fields: [{ field: 'ids', message: t('p.paste.empty') }], problem: { code: 'validation_failed' } });
      return;
    }
    busy(pasteGo, () => enrol(lines.map(([x]) => x))).catch((e) => {
      // The API numbers the registrations from 1; the organizer reads lines of the box.
      for (const f of e.fields || []) if (f.line) f.line = lines[f.line - 1]?.[1] ?? f.line;
      showErrors(pasteForm, e);
    });
  });

  // Bulk registration from the organizer's sheet (CSV or Excel), all or nothing.
  const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  const sheetFile = h('input', { type: 'file', id: 'p-sheet', accept: `.csv,text/csv,.xlsx,${XLSX}`, 'aria-describedby': 'p-sheet-about' });
  const sheetGo = h('button', { type: 'submit', id: 'p-sheet-go' }, t('p.sheet.go'));
  const sheetResult = h('div', { id: 'p-sheet-result', 'aria-live': 'polite' });
  const sheetForm = h('form', { id: 'p-sheet-form' },
    h('p', { id: 'p-sheet-about', class: 'muted' }, t('p.sheet.about')),
    h('div', { class: 'field' }, h('label', { for: 'p-sheet' }, t('p.sheet')), sheetFile),
    h('div', { class: 'actions' }, sheetGo), sheetResult);
  sheetForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const chosen = sheetFile.files[0];
    if (!chosen) {
      fill(sheetResult, h('div', { class: 'form-errors', role: 'alert' }, h('p', {}, t('p.sheet.none'))));
      return;
    }
    busy(sheetGo, async () => {
      const excel = chosen.name.toLowerCase().endsWith('.xlsx') || chosen.type === XLSX;
      const body = excel ? await chosen.arrayBuffer() : await chosen.text();
      const stored = await post(`/events/${seg(forum.id)}/participants`, body, { contentType: excel ? XLSX : 'text/csv' });
      reload({ text: t('p.added', { n: num(stored.length) }) });
    }).catch((e) => {
      if (!e.fields?.length) {
        fill(sheetResult, errorBox(e));
        return;
      }
      const rows = [...e.fields].sort((a, b) => (a.line || 0) - (b.line || 0));
      const sheet = rows.find((r) => r.params?.sheet)?.params.sheet;
      fill(sheetResult, h('div', { class: 'form-errors', role: 'alert' },
        h('p', {}, t('p.sheet.bad', { n: num(new Set(rows.map((r) => r.line)).size) }), sheet ? ` ${t('p.sheet.name', { sheet })}` : '')),
      h('table', { class: 'data', id: 'p-sheet-errors' },
        h('thead', {}, h('tr', {}, [t('p.sheet.line'), t('p.sheet.column'), t('p.sheet.problem')].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', {}, rows.map((r) => h('tr', {},
          h('td', { class: 'num' }, r.line ?? '–'),
          h('td', {}, r.params?.column ? `${r.params.column} · ` : '', h('code', {}, r.field || '')),
          h('td', {}, fieldMessage(r)))))));
    });
  });

  const addCard = h('div', { class: 'card', id: 'p-add' },
    h('h3', {}, t('p.add')),
    h('fieldset', { class: 'row' }, h('legend', {}, t('p.defaults')),
      field(t('col.max'), defMax, { hint: t('p.max.hint') }),
      h('div', { class: 'field inline' }, defHost, h('label', { for: 'p-default-host' }, t('col.host')))),
    searchForm, results, pasteForm, sheetForm, addBox);

  // The list, with each registration editable and withdrawable.
  participants.sort((a, b) => firmName(a.firm_id).localeCompare(firmName(b.firm_id)));
  const count = (p) => participants.filter((x) => firmCache.get(x.firm_id)?.province === p).length;
  const rows = participants.map((p) => participantRow(forum, p, reload));
  fill(panel,
    tabTitle('tab.peserta'),
    flashBox(flash),
    addCard,
    h('h3', {}, t('p.list')),
    participants.length
      ? [h('p', { id: 'p-count' }, t('p.count', { n: num(participants.length), ntb: num(count('NTB')), jatim: num(count('JATIM')) })),
        h('table', { class: 'data', id: 'participants-table' },
          h('thead', {}, h('tr', {}, th(t('col.name')), th(t('col.province')), th(t('col.regency')), th(t('col.max')), th(t('col.host')), th(t('col.actions')))),
          h('tbody', {}, rows))]
      : h('p', {}, t('p.none')));
  if (lastSearch?.forum === forum.id && lastSearch.q) {
    q.value = lastSearch.q;
    searchForm.requestSubmit();
  }
}

function participantRow(forum, p, reload) {
  const firm = firmCache.get(p.firm_id) || {};
  const name = firm.name || p.firm_id;
  const max = input({ id: fid('p-max'), type: 'number', inputmode: 'numeric', class: 'narrow-input', value: p.max_meetings ?? '' });
  max.dataset.field = 'max_meetings';
  const host = h('input', { type: 'checkbox', id: fid('p-host'), checked: p.host || null });
  const save = button(t('p.save'), { class: 'p-save' });
  const withdraw = button(t('p.withdraw'), { class: 'danger p-withdraw', 'data-firm': p.firm_id });
  const row = h('tr', { 'data-firm': p.firm_id },
    h('th', { scope: 'row' }, h('a', { href: `#/firma/${encodeURIComponent(p.firm_id)}` }, name)),
    h('td', {}, firm.province ? provinceBadge(firm.province) : '–'),
    h('td', {}, firm.regency_name || firm.regency || '–'),
    h('td', {}, hiddenLabel(max, `${t('col.max')}: ${name}`), max,
      h('p', { class: 'field-error', id: `${max.id}-error`, hidden: true })),
    h('td', {}, hiddenLabel(host, `${t('col.host')}: ${name}`), host),
    h('td', {}, h('div', { class: 'row' },
      h('span', {}, save, h('span', { class: 'visually-hidden' }, ` ${name}`)),
      h('span', {}, withdraw, h('span', { class: 'visually-hidden' }, ` ${name}`)))));
  save.addEventListener('click', () => busy(save, async () => {
    const body = { firm_id: p.firm_id, host: host.checked, unavailable_slots: p.unavailable_slots || [] };
    if (max.value.trim() !== '') body.max_meetings = toInteger(max.value);
    try {
      await post(`/events/${seg(forum.id)}/participants`, body);
      toast(t('p.saved', { name }));
    } catch (e) {
      showErrors(row.querySelector('td:nth-child(4)'), e);
    }
  }));
  withdraw.addEventListener('click', () => {
    if (!window.confirm(t('p.withdraw.confirm', { name }))) return;
    busy(withdraw, async () => {
      await del(`/events/${seg(forum.id)}/participants/${seg(p.firm_id)}`);
      reload({ text: t('p.withdrawn', { name }) });
    }).catch((e) => toast(e.message, 'bad'));
  });
  return row;
}

/** A whole number from a text field, or the text itself so the API's 422 names the field. */
