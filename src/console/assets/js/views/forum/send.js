// The send tab (kirim): every participant's agenda as a WhatsApp message, one link per
// firm that opens WhatsApp (on the organizer's phone or WhatsApp Web) with the message
// typed, to the firm's stored +62 number. Firms without a number are listed to call.
// Where the server has SMTP, one button sends every agenda by e-mail (with its .ics) as a
// job on the server, and the tab follows its progress.

import { get, post, seg } from '../../api.js';
import { busy, errorBox, fill, h } from '../../dom.js';
import { lang, num, t } from '../../i18n.js';
import { loadSchedule, tabTitle } from './shared.js';

/** A "Kirim via WhatsApp" link for one message, or a note when the firm has no number. */
export function whatsappLink(message, id) {
  if (!message.whatsapp_url) return h('span', { class: 'muted', id }, t('k.nophone'));
  return h('a', {
    class: 'button whatsapp', href: message.whatsapp_url, target: '_blank', rel: 'noopener noreferrer', id,
    'aria-label': t('k.send.to', { name: message.name }),
  }, t('k.send'));
}

export async function sendTab(panel, forum) {
  const plan = await loadSchedule(forum);
  if (!plan) {
    fill(panel, tabTitle('tab.kirim'), h('p', { class: 'notice', id: 'k-none' }, t('k.none')));
    return;
  }
  const messages = await get(`/events/${seg(forum.id)}/agenda-messages?lang=${lang() === 'en' ? 'en' : 'id'}`);
  const withPhone = messages.filter((m) => m.whatsapp_url).length;
  fill(panel,
    tabTitle('tab.kirim'),
    await emailCard(forum),
    h('p', { id: 'k-summary' }, t('k.summary', { n: num(withPhone), total: num(messages.length) })),
    h('ul', { class: 'send-list', id: 'send-list' }, messages.map((m, i) => h('li', { class: 'card', 'data-firm': m.firm_id },
      h('h3', {}, m.name),
      h('p', { class: 'muted' }, m.phone || t('k.nophone.short'), ' · ', t('k.meetings', { n: num(m.meetings) })),
      whatsappLink(m, `k-send-${i}`),
      h('details', {}, h('summary', {}, t('k.preview')), h('pre', { class: 'message' }, m.text))))));
}

/** The e-mail card: the button, or why there is none, and the latest job's progress. */
async function emailCard(forum) {
  const base = `/events/${seg(forum.id)}/agenda-emails`;
  const { configured, jobs } = await get(base);
  if (!configured) {
    return h('section', { class: 'card', id: 'k-email-card' }, h('h3', {}, t('k.email.title')), h('p', { class: 'muted', id: 'k-email-off' }, t('k.email.off')));
  }
  const progress = h('div', { id: 'k-email-progress', role: 'status', 'aria-live': 'polite' });
  const send = h('button', { type: 'button', class: 'primary', id: 'k-email' }, t('k.email'));
  const follow = async (job) => {
    let current = job;
    for (;;) {
      showProgress(progress, current);
      if (current.done) return;
      send.disabled = true;
      await new Promise((resolve) => { setTimeout(resolve, 1000); });
      current = await get(`${base}/${seg(current.id)}`);
    }
  };
  send.addEventListener('click', () => busy(send, async () => {
    const job = await post(`${base}?lang=${lang() === 'en' ? 'en' : 'id'}`);
    await follow(job);
  }).catch((e) => fill(progress, errorBox(e))).finally(() => { send.disabled = false; }));
  if (jobs.length) follow(jobs[0]).catch((e) => fill(progress, errorBox(e))).finally(() => { send.disabled = false; });
  return h('section', { class: 'card', id: 'k-email-card' },
    h('h3', {}, t('k.email.title')),
    h('p', {}, t('k.email.about')),
    h('div', { class: 'actions' }, send),
    progress);
}

function showProgress(out, job) {
  const c = job.counts;
  const finished = c.sent + c.failed + c.skipped;
  const failed = job.firms.filter((f) => f.status === 'failed');
  fill(out,
    h('p', {}, h('strong', {}, t(job.done ? 'k.email.done' : 'k.email.running')), ' ',
      t('k.email.progress', { sent: num(c.sent), failed: num(c.failed), skipped: num(c.skipped), queued: num(c.queued), total: num(job.total) })),
    h('progress', { id: 'k-email-bar', max: String(job.total || 1), value: String(finished), 'aria-label': t('k.email.title') }),
    failed.length
      ? h('table', { class: 'data', id: 'k-email-failed' },
        h('caption', {}, t('k.email.failed')),
        h('thead', {}, h('tr', {}, [t('k.email.firm'), t('k.email.address'), t('k.email.error')].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', {}, failed.map((f) => h('tr', { 'data-firm': f.firm_id }, h('td', {}, f.name), h('td', {}, f.email || ''), h('td', {}, f.error || '')))))
      : null);
}
