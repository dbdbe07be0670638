// The meeting requests tab (permintaan): who asked to meet whom, and the answers.

import { get, post, seg } from '../../api.js';
import { busy, button, field, fill, h, select, showErrors, toast } from '../../dom.js';
import { num, t } from '../../i18n.js';
import { firmCache, firmName, firmsById, flashBox, tabTitle, th } from './shared.js';

export async function requestsTab(panel, forum, reload, flash) {
  const [participants, requests] = await Promise.all([
    get(`/events/${seg(forum.id)}/participants`),
    get(`/events/${seg(forum.id)}/requests`),
  ]);
  await firmsById([...participants.map((p) => p.firm_id), ...requests.flatMap((r) => [r.from, r.to])]);
  const options = participants
    .map((p) => [p.firm_id, `${firmName(p.firm_id)} (${firmCache.get(p.firm_id)?.province || '?'})`])
    .sort((a, b) => a[1].localeCompare(b[1]));
  const from = select([['', t('r.choose')], ...options], { id: 'r-from' });
  const to = select([['', t('r.choose')], ...options], { id: 'r-to' });
  const priority = select([1, 2, 3].map((n) => [String(n), t(`r.prio.${n}`)]), { id: 'r-priority', value: '2' });
  const message = h('textarea', { id: 'r-message', rows: 2 });
  const submit = h('button', { type: 'submit', class: 'primary', id: 'r-create' }, t('r.create'));
  const form = h('form', { class: 'card', id: 'request-form', novalidate: true },
    h('h3', {}, t('r.new')),
    participants.length < 2 ? h('p', { class: 'muted' }, t('r.needtwo')) : null,
    h('div', { class: 'row' },
      field(t('r.from'), from, { name: 'from' }), field(t('r.to'), to, { name: 'to' }),
      field(t('r.priority'), priority, { name: 'priority' })),
    field(t('r.message'), message, { name: 'message' }),
    h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const body = { from: from.value || null, to: to.value || null, priority: Number(priority.value) };
    if (message.value.trim()) body.message = message.value.trim();
    busy(submit, async () => {
      try {
        await post(`/events/${seg(forum.id)}/requests`, body);
        reload({ text: t('r.created') });
      } catch (e) {
        showErrors(form, e);
      }
    });
  });

  requests.sort((a, b) => b.created_at.localeCompare(a.created_at));
  const answer = (r, verb, btn) => busy(btn, async () => {
    const done = await post(`/events/${seg(forum.id)}/requests/${seg(r.id)}/${verb}`);
    reload({ text: t('r.answered', { status: t(`r.status.${done.status}`) }) });
  }).catch((e) => toast(e.message, 'bad'));
  const rows = requests.map((r) => {
    const label = ` ${firmName(r.from)} → ${firmName(r.to)}`;
    const accept = r.status !== 'accepted'
      ? button([t('r.accept'), h('span', { class: 'visually-hidden' }, label)], { class: 'r-accept', 'data-request': r.id }) : null;
    const decline = r.status !== 'declined'
      ? button([t('r.decline'), h('span', { class: 'visually-hidden' }, label)], { class: 'danger r-decline', 'data-request': r.id }) : null;
    accept?.addEventListener('click', () => answer(r, 'accept', accept));
    decline?.addEventListener('click', () => answer(r, 'decline', decline));
    return h('tr', { 'data-request': r.id },
      h('td', {}, firmName(r.from)), h('td', {}, firmName(r.to)),
      h('td', { class: 'num' }, num(r.priority)), h('td', {}, r.message || ''),
      h('td', {}, h('span', { class: `badge status-${r.status}` }, t(`r.status.${r.status}`))),
      h('td', {}, h('div', { class: 'row' }, accept, decline)));
  });
  fill(panel,
    tabTitle('tab.permintaan'),
    flashBox(flash),
    form,
    h('h3', {}, t('r.list')),
    requests.length
      ? h('table', { class: 'data', id: 'requests-table' },
        h('thead', {}, h('tr', {}, th(t('r.from')), th(t('r.to')), th(t('r.priority'), { class: 'num' }), th(t('r.msg')), th(t('r.status')), th(t('col.actions')))),
        h('tbody', {}, rows))
      : h('p', {}, t('r.none')));
}
