// The outcomes tab (hasil): what each meeting led to, with its deals.

import { get, post, put, seg } from '../../api.js';
import { busy, button, field, fill, h, input, select, showErrors } from '../../dom.js';
import { num, rupiah, t } from '../../i18n.js';
import { PERIODS, UNITS } from '../../reference.js';
import {
  firmCache, firmName, firmsById, flashBox, loadSchedule, slotText, tabTitle, tableName, th,
} from './shared.js';

export async function outcomesTab(panel, forum, reload, flash) {
  const plan = await loadSchedule(forum);
  if (!plan) {
    fill(panel, tabTitle('tab.hasil'), h('p', { class: 'notice' }, t('o.none'), ' ',
      h('a', { href: `#/forum/${encodeURIComponent(forum.id)}/jadwal` }, t('tab.jadwal'))));
    return;
  }
  const outcomes = await get(`/events/${seg(forum.id)}/outcomes`);
  await firmsById(plan.meetings.flatMap((m) => [m.a, m.b]));
  const byMeeting = new Map(outcomes.map((o) => [o.meeting_id, o]));
  const editor = h('div', { id: 'outcome-editor' });
  const meetings = [...plan.meetings].sort((x, y) => x.slot - y.slot || x.table - y.table);
  const rows = meetings.map((m) => {
    const o = byMeeting.get(m.id);
    const label = ` ${firmName(m.a)} — ${firmName(m.b)}`;
    const open = button([t(o ? 'o.change' : 'o.record'), h('span', { class: 'visually-hidden' }, label)], { class: 'o-open', 'data-meeting': m.id });
    open.addEventListener('click', () => {
      fill(editor, outcomeForm(forum, m, byMeeting.get(m.id), reload, () => fill(editor)));
      editor.querySelector('h3').focus();
      editor.scrollIntoView({ block: 'start' });
    });
    return h('tr', { 'data-meeting': m.id },
      h('td', {}, slotText(forum, m.slot)), h('td', {}, tableName(forum, m.table)),
      h('td', {}, firmName(m.a)), h('td', {}, firmName(m.b)),
      h('td', { class: 'o-result' }, outcomeSummary(o)),
      h('td', {}, open));
  });
  fill(panel,
    tabTitle('tab.hasil'),
    flashBox(flash),
    editor,
    h('h3', {}, t('o.list')),
    h('p', { id: 'o-count' }, t('o.count', { recorded: num(outcomes.length), total: num(plan.meetings.length) })),
    h('table', { class: 'data', id: 'outcomes-table' },
      h('thead', {}, h('tr', {}, th(t('j.time')), th(t('j.tablecol')), th(t('o.firm_a')), th(t('o.firm_b')), th(t('o.result')), th(t('col.actions')))),
      h('tbody', {}, rows)));
}

function outcomeSummary(o) {
  if (!o) return h('span', { class: 'muted' }, t('o.unrecorded'));
  const deals = o.deals || [];
  const value = deals.reduce((sum, d) => sum + (d.value_idr || 0), 0);
  return [h('span', { class: `badge outcome-${o.status}` }, t(`o.status.${o.status}`)),
    deals.length ? ` ${t('o.summary', { deals: num(deals.length), value: rupiah(value) })}` : ''];
}

/** The form of one meeting's outcome: POST the first time, PUT with the version after. */
function outcomeForm(forum, m, existing, reload, close) {
  const [nameA, nameB] = [firmName(m.a), firmName(m.b)];
  const status = select(['held', 'no_show', 'cancelled'].map((s) => [s, t(`o.status.${s}`)]), { id: 'o-status', value: existing?.status || 'held' });
  const noShow = select([['a', nameA], ['b', nameB], ['both', t('o.noshow.both')]], { id: 'o-noshow', value: existing?.no_show || 'a' });
  const noShowField = field(t('o.noshow'), noShow, { name: 'no_show' });
  const interest = (id, value) => select(['none', 'low', 'high'].map((v) => [v, t(`o.interest.${v}`)]), { id, value: value || 'none' });
  const interestA = interest('o-interest-a', existing?.interest_a);
  const interestB = interest('o-interest-b', existing?.interest_b);
  const notes = h('textarea', { id: 'o-notes', rows: 2 }, existing?.notes || '');
  const deals = h('div', { id: 'o-deals' });
  const save = h('button', { type: 'submit', class: 'primary', id: 'o-save' }, t('o.save'));
  const form = h('form', { class: 'card', id: 'outcome-form', novalidate: true, 'data-meeting': m.id },
    h('h3', { tabindex: '-1' }, t('o.editing', { a: nameA, b: nameB })),
    h('p', { class: 'muted' }, `${slotText(forum, m.slot)} · ${tableName(forum, m.table)}`),
    h('div', { class: 'row' },
      field(t('o.status'), status, { name: 'status' }), noShowField,
      field(t('o.interest', { name: nameA }), interestA, { name: 'interest_a' }),
      field(t('o.interest', { name: nameB }), interestB, { name: 'interest_b' })),
    h('fieldset', {}, h('legend', {}, t('o.deals')), deals,
      h('div', { class: 'actions' }, button(t('o.adddeal'), { id: 'o-add-deal', onclick: () => { dealRow(deals, m); renumberDeals(deals); } }))),
    field(t('o.notes'), notes, { name: 'notes' }),
    h('div', { class: 'actions' }, save, button(t('o.close'), { onclick: close })));
  const showNoShow = () => { noShowField.hidden = status.value !== 'no_show'; };
  status.addEventListener('change', showNoShow);
  showNoShow();
  for (const d of existing?.deals || []) dealRow(deals, m, d);
  renumberDeals(deals);

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const body = {
      status: status.value,
      interest_a: interestA.value,
      interest_b: interestB.value,
      deals: [...deals.querySelectorAll('.deal')].map(readDeal),
    };
    if (status.value === 'no_show') body.no_show = noShow.value;
    if (notes.value.trim()) body.notes = notes.value.trim();
    const path = `/events/${seg(forum.id)}/meetings/${seg(m.id)}/outcome`;
    busy(save, async () => {
      try {
        if (existing) await put(path, { ...body, version: existing.version });
        else await post(path, body);
        reload({ text: t('o.saved') });
      } catch (e) {
        showErrors(form, e);
      }
    });
  });
  return form;
}

/** The trade direction a deal most likely has: from the NTB firm's side when there is one. */
function likelyDirection(m) {
  const a = firmCache.get(m.a)?.province;
  return a === 'JATIM' ? 'jatim_to_ntb' : 'ntb_to_jatim';
}

function dealRow(deals, m, deal = {}) {
  const kind = select(['deal', 'letter_of_intent'].map((k) => [k, t(`o.kind.${k}`)]), { class: 'd-kind', value: deal.kind || 'deal' });
  const product = input({ class: 'd-product', value: deal.product || '' });
  const amount = input({ class: 'd-amount', inputmode: 'decimal', value: deal.volume ? String(deal.volume.amount) : '' });
  const unit = select([['', '—'], ...UNITS.map((u) => [u, u])], { class: 'd-unit', value: deal.volume?.unit || '' });
  const per = select([['', '—'], ...PERIODS.map((p) => [p, t(`per.${p}`)])], { class: 'd-per', value: deal.volume?.per || '' });
  const value = input({ class: 'd-value', inputmode: 'numeric', value: deal.value_idr !== undefined ? String(deal.value_idr) : '' });
  const direction = select(['ntb_to_jatim', 'jatim_to_ntb'].map((d) => [d, t(`dir.${d}`)]), { class: 'd-direction', value: deal.direction || likelyDirection(m) });
  const remove = button('', { class: 'danger d-remove' });
  const row = h('fieldset', { class: 'deal' }, h('legend', {}),
    h('div', { class: 'row' },
      field(t('o.kind'), kind), field(t('o.product'), product), field(t('o.amount'), amount),
      field(t('o.unit'), unit), field(t('o.per'), per),
      field(t('o.value'), value, { hint: t('o.value.hint') }), field(t('o.direction'), direction),
      h('div', { class: 'field' }, remove)));
  remove.addEventListener('click', () => { row.remove(); renumberDeals(deals); });
  deals.append(row);
}

/** Legends and API paths (deals[0].value_idr) follow the rows' order. */
function renumberDeals(deals) {
  [...deals.querySelectorAll('.deal')].forEach((row, i) => {
    row.querySelector('legend').textContent = t('o.deal', { n: i + 1 });
    row.querySelector('.d-remove').textContent = t('o.removedeal', { n: i + 1 });
    const path = (name) => `deals[${i}].${name}`;
    row.querySelector('.d-kind').dataset.field = path('kind');
    row.querySelector('.d-product').dataset.field = path('product');
    row.querySelector('.d-amount').dataset.field = path('volume.amount');
    row.querySelector('.d-unit').dataset.field = path('volume.unit');
    row.querySelector('.d-per').dataset.field = path('volume.per');
    row.querySelector('.d-value').dataset.field = path('value_idr');
    row.querySelector('.d-direction').dataset.field = path('direction');
  });
}

function readDeal(row) {
  const val = (cls) => row.querySelector(cls).value.trim();
  const deal = { kind: val('.d-kind'), product: val('.d-product'), direction: val('.d-direction') };
  // "Rp 36.000.000" and "36000000" are the same rupiah; anything else goes to the API as typed.
  const raw = val('.d-value');
  const digits = raw.replace(/^rp\.?/i, '').replace(/[\s.]/g, '');
  deal.value_idr = raw === '' ? null : (/^\d+$/.test(digits) ? Number(digits) : raw);
  const amount = val('.d-amount');
  if (amount || val('.d-unit') || val('.d-per')) {
    const n = Number(amount.replace(',', '.'));
    deal.volume = { amount: amount === '' ? null : (Number.isFinite(n) ? n : amount), unit: val('.d-unit') || null, per: val('.d-per') || null };
  }
  return deal;
}
