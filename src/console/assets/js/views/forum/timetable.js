// The timetable tab (jadwal): generate, the grid, per-firm agendas, print and repair.

import { download, get, post, seg } from '../../api.js';
import {
  busy, button, errorBox, field, fill, h, input, select, showErrors, table, toast,
} from '../../dom.js';
import { clock, dateLong, dateShort, instant, lang, num, percent, t, zoneName } from '../../i18n.js';
import { forumDates } from '../forums.js';
import { provinceBadge } from '../firms.js';
import {
  firmName, firmsById, flashBox, loadSchedule, tabTitle, tableName, th, toInteger,
} from './shared.js';
import { whatsappLink } from './send.js';

export async function timetableTab(panel, forum, reload, flash) {
  const [plan, participants] = await Promise.all([loadSchedule(forum), get(`/events/${seg(forum.id)}/participants`)]);
  await firmsById([...participants.map((p) => p.firm_id), ...(plan?.meetings || []).flatMap((m) => [m.a, m.b])]);

  const objective = select(['max_value', 'min_idle'].map((o) => [o, t(`j.obj.${o}`)]), { id: 'j-objective', value: plan?.stats?.objective || 'max_value' });
  const limit = input({ id: 'j-limit', type: 'number', inputmode: 'numeric', value: '2000' });
  const generate = h('button', { type: 'submit', class: 'primary', id: 'j-generate' }, t(plan ? 'j.regenerate' : 'j.generate'));
  const genForm = h('form', { class: 'card no-print', id: 'generate-form', novalidate: true },
    h('div', { class: 'row' },
      field(t('j.objective'), objective, { name: 'objective' }),
      field(t('j.limit'), limit, { name: 'time_limit_ms', hint: t('j.limit.hint') }),
      h('div', { class: 'field' }, generate)));
  genForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (plan && !window.confirm(t('j.replace'))) return;
    busy(generate, async () => {
      try {
        const made = await post(`/events/${seg(forum.id)}/schedule`, { objective: objective.value, time_limit_ms: toInteger(limit.value), lang: lang() });
        forum.has_schedule = true;
        reload({ text: t('j.generated', { n: num(made.meetings.length) }) });
      } catch (e) {
        showErrors(genForm, e);
      }
    });
  });

  const printHeader = h('div', { class: 'print-only print-header' },
    h('p', { class: 'print-title' }, forum.name),
    h('p', {}, forumDates(forum), ` · ${zoneName(forum.time_zone)}`, forum.venue ? ` · ${forum.venue}` : ''),
    h('p', { class: 'muted' }, t('j.printed', { date: dateLong(new Date().toISOString().slice(0, 10)) })));

  if (!plan) {
    fill(panel, tabTitle('tab.jadwal'), flashBox(flash), genForm, h('p', { class: 'notice', id: 'j-none' }, t('j.none')));
    return;
  }

  const repair = button(t('j.repair'), { id: 'j-repair', 'aria-describedby': 'j-repair-hint' });
  repair.addEventListener('click', () => busy(repair, async () => {
    const done = await post(`/events/${seg(forum.id)}/schedule/repair`, { lang: lang() });
    reload({
      id: 'repair-result',
      text: t('j.repaired', { kept: num(done.kept), moved: num(done.moved.length), added: num(done.added.length), dropped: num(done.dropped.length) }),
    });
  }).catch((e) => toast(e.message, 'bad')));
  const actions = h('div', { class: 'actions no-print' },
    button(t('j.print'), { id: 'j-print', onclick: () => window.print() }),
    button(t('j.csv'), {
      id: 'j-csv',
      onclick: (e) => busy(e.currentTarget, () => download(`/events/${seg(forum.id)}/schedule/grid?format=csv`, `jadwal-${forum.id}.csv`)).catch((err) => toast(err.message, 'bad')),
    }),
    button(t('j.xlsx'), {
      id: 'j-xlsx',
      onclick: (e) => busy(e.currentTarget, () => download(`/events/${seg(forum.id)}/schedule/grid?format=xlsx`, `jadwal-${forum.id}.xlsx`)).catch((err) => toast(err.message, 'bad')),
    }),
    button(t('j.agendas.xlsx'), {
      id: 'j-agendas-xlsx',
      onclick: (e) => busy(e.currentTarget, () => download(`/events/${seg(forum.id)}/agendas?format=xlsx`, `agenda-${forum.id}.xlsx`)).catch((err) => toast(err.message, 'bad')),
    }),
    repair);

  const s = plan.stats;
  const summary = h('div', { class: 'card', id: 'j-summary' },
    h('p', { class: 'j-status' }, h('strong', {}, t(`j.status.${plan.status}`))),
    h('p', {}, t('j.stats', {
      scheduled: num(s.scheduled), with: num(s.participants_with_meetings), without: num(s.participants_without_meeting),
      idle: num(s.idle_slots), span: num(s.span_slots ?? s.idle_slots), changes: num(s.table_changes),
    })),
    gapLine(plan),
    h('p', { class: 'muted' }, t('j.made', { version: num(plan.version), when: instant(plan.generated_at, forum.time_zone) })),
    plan.reasons?.length ? h('ul', {}, plan.reasons.map((r) => h('li', {}, r))) : null,
    h('p', { class: 'hint no-print', id: 'j-repair-hint' }, t('j.repair.hint')),
    plan.unscheduled.length ? h('details', { class: 'no-print' },
      h('summary', {}, t('j.unscheduled', { n: num(plan.unscheduled.length) })),
      h('ul', {}, plan.unscheduled.map((u) => h('li', {}, `${firmName(u.a)} — ${firmName(u.b)}: ${u.reason}`)))) : null);

  fill(panel,
    printHeader,
    tabTitle('tab.jadwal'),
    flashBox(flash),
    genForm,
    summary,
    actions,
    h('h3', { class: 'no-print' }, t('j.grid')),
    h('div', { class: 'grid-wrap' }, gridTable(forum, plan)),
    firmAgenda(forum, participants));
}

/** How far from the best the plan can be, in the terms of its proven bound (none when optimal). */
function gapLine(plan) {
  const s = plan.stats;
  if (plan.status !== 'feasible' || s.gap == null || s.gap <= 0) return null;
  const text = s.objective === 'min_idle'
    ? t('j.gap.idle', { n: num(Math.max(0, Math.round(s.idle_slots - s.bound))) })
    : t('j.gap.value', { gap: percent(Math.max(s.gap, 0.001), 1), bound: num(s.bound, 1) });
  return h('p', { id: 'j-gap' }, text);
}

/** The timetable as slots (rows) × tables (columns), each cell the meeting there. */
function gridTable(forum, plan) {
  const at = new Map(plan.meetings.map((m) => [`${m.slot}:${m.table}`, m]));
  const zone = zoneName(forum.time_zone);
  const tables = Array.from({ length: forum.tables }, (_, i) => i);
  let lastDay = null;
  const rows = forum.slots.map((slot) => {
    const newDay = slot.date !== lastDay;
    lastDay = slot.date;
    return h('tr', { class: newDay ? 'day-start' : null },
      h('th', { scope: 'row', class: 'slot' },
        h('span', { class: 'slot-day' }, dateShort(slot.date), ' · ', slot.session),
        h('span', { class: 'slot-time' }, `${clock(slot.start)}–${clock(slot.end)} ${zone}`)),
      tables.map((table) => {
        const m = at.get(`${slot.index}:${table}`);
        if (!m) return h('td', { class: 'empty' }, h('span', { class: 'visually-hidden' }, t('j.empty')));
        // The kind comes first so it can float beside the names and keep rows short.
        return h('td', { class: `meeting kind-${m.kind}`, 'data-meeting': m.id },
          h('span', { class: 'badge kind' }, t(`j.kind.${m.kind}`)),
          h('span', { class: 'firm' }, firmName(m.a)),
          h('span', { class: 'firm' }, firmName(m.b)));
      }));
  });
  return h('table', { class: 'grid', id: 'schedule-grid' },
    h('caption', {}, t('j.grid.caption', { zone })),
    h('thead', {}, h('tr', {}, th(t('j.time')), tables.map((i) => th(tableName(forum, i))))),
    h('tbody', {}, rows));
}

/** One participant's agenda, with its calendar and sheet to download. */
function firmAgenda(forum, participants) {
  const options = participants.map((p) => [p.firm_id, firmName(p.firm_id)]).sort((a, b) => a[1].localeCompare(b[1]));
  const pick = select([['', t('j.firm.pick')], ...options], { id: 'j-firm' });
  const out = h('div', { id: 'j-agenda', 'aria-live': 'polite' });
  pick.addEventListener('change', async () => {
    const firm = pick.value;
    if (!firm) {
      fill(out);
      return;
    }
    fill(out, h('p', { class: 'loading' }, t('loading')));
    try {
      const [agenda, messages] = await Promise.all([
        get(`/events/${seg(forum.id)}/agenda/${seg(firm)}?format=json`),
        get(`/events/${seg(forum.id)}/agenda-messages?lang=${lang() === 'en' ? 'en' : 'id'}`),
      ]);
      const message = messages.find((m) => m.firm_id === firm);
      const base = `/events/${seg(forum.id)}/agenda/${seg(firm)}`;
      const file = `agenda-${forum.id}-${firm}`;
      const ics = button(t('j.ics'), { id: 'j-ics', onclick: (e) => busy(e.currentTarget, () => download(`${base}?format=ics`, `${file}.ics`)).catch((err) => toast(err.message, 'bad')) });
      const csv = button(t('j.agenda.csv'), { id: 'j-agenda-csv', onclick: (e) => busy(e.currentTarget, () => download(`${base}?format=csv`, `${file}.csv`)).catch((err) => toast(err.message, 'bad')) });
      const zone = zoneName(agenda.time_zone || forum.time_zone);
      fill(out,
        h('div', { class: 'actions' }, ics, csv, message ? whatsappLink(message, 'j-whatsapp') : null),
        agenda.meetings.length
          ? h('table', { class: 'data', id: 'agenda-table' },
            h('caption', {}, agenda.firm.name),
            h('thead', {}, h('tr', {}, th(t('j.time')), th(t('j.tablecol')), th(t('j.partner')), th(t('j.origin')), th(t('j.kind')))),
            h('tbody', {}, agenda.meetings.map((m) => h('tr', {},
              h('td', {}, `${dateShort(m.start.slice(0, 10))} · ${m.session} · ${clock(m.start)}–${clock(m.end)} ${zone}`),
              h('td', {}, m.table_name || tableName(forum, m.table)),
              h('td', {}, m.partner.name),
              h('td', {}, provinceBadge(m.partner.province), ' ', m.partner.regency),
              h('td', {}, t(`j.kind.${m.kind}`))))))
          : h('p', {}, t('j.firm.none')));
    } catch (e) {
      fill(out, errorBox(e));
    }
  });
  return h('div', { class: 'card no-print', id: 'firm-agenda' },
    h('h3', {}, t('j.firm')),
    field(t('j.firm.choose'), pick),
    out);
}
